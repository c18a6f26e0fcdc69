//! Typing on the filter and command lines: editing, history, and the filter
//! checked as it is typed so an error shows at the bad term.

use super::*;

pub(super) fn input_key(st: &mut AppState, k: KeyEvent) -> Vec<Effect> {
    let Some(inp) = st.input.as_mut() else {
        return Vec::new();
    };
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let cmd = st.keymap.lookup(Mode::Input, Key::of(&k));
    let history = match inp.kind {
        InputKind::Filter => &st.filter_history,
        InputKind::Command => &st.command_history,
        InputKind::Note(_) => &Vec::new(),
    };
    match (cmd, k.code) {
        (Some(Cmd::Cancel), _) => st.input = None,
        (Some(Cmd::Submit), _) => return submit(st),
        (Some(Cmd::HistoryPrev), _) if inp.browsing > 0 => {
            if inp.browsing == history.len() {
                inp.draft = inp.text.clone();
            }
            inp.browsing -= 1;
            inp.text = history[inp.browsing].clone();
            inp.cursor = inp.text.chars().count();
        }
        (Some(Cmd::HistoryNext), _) if inp.browsing < history.len() => {
            inp.browsing += 1;
            inp.text = if inp.browsing == history.len() {
                inp.draft.clone()
            } else {
                history[inp.browsing].clone()
            };
            inp.cursor = inp.text.chars().count();
        }
        (Some(_), _) => {}
        (None, KeyCode::Char('u')) if ctrl => {
            inp.text.clear();
            inp.cursor = 0;
        }
        (None, KeyCode::Char('w')) if ctrl => {
            // Delete the word before the cursor.
            let chars: Vec<char> = inp.text.chars().collect();
            let mut i = inp.cursor;
            while i > 0 && chars[i - 1] == ' ' {
                i -= 1;
            }
            while i > 0 && chars[i - 1] != ' ' {
                i -= 1;
            }
            inp.text = chars[..i].iter().chain(&chars[inp.cursor..]).collect();
            inp.cursor = i;
        }
        (None, KeyCode::Char('a')) if ctrl => inp.cursor = 0,
        (None, KeyCode::Char('e')) if ctrl => inp.cursor = inp.text.chars().count(),
        (None, KeyCode::Char(c)) if !ctrl => {
            let at = byte_at(&inp.text, inp.cursor);
            inp.text.insert(at, c);
            inp.cursor += 1;
        }
        (None, KeyCode::Backspace) => {
            if inp.cursor > 0 {
                let at = byte_at(&inp.text, inp.cursor - 1);
                inp.text.remove(at);
                inp.cursor -= 1;
            } else if inp.text.is_empty() {
                st.input = None;
                return Vec::new();
            }
        }
        (None, KeyCode::Delete) if inp.cursor < inp.text.chars().count() => {
            let at = byte_at(&inp.text, inp.cursor);
            inp.text.remove(at);
        }
        (None, KeyCode::Left) => inp.cursor = inp.cursor.saturating_sub(1),
        (None, KeyCode::Right) => inp.cursor = (inp.cursor + 1).min(inp.text.chars().count()),
        (None, KeyCode::Home) => inp.cursor = 0,
        (None, KeyCode::End) => inp.cursor = inp.text.chars().count(),
        _ => {}
    }
    // Check the filter as it is typed: the error shows at the bad term.
    if let Some(inp) = st.input.as_mut() {
        inp.error = match inp.kind {
            InputKind::Filter => query::parse_filters(std::slice::from_ref(&inp.text))
                .err()
                .map(|e| (e.column, e.len, e.message)),
            InputKind::Command | InputKind::Note(_) => None,
        };
    }
    Vec::new()
}

fn byte_at(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

fn remember(list: &mut Vec<String>, text: &str) {
    if text.is_empty() {
        return;
    }
    list.retain(|t| t != text);
    list.push(text.to_string());
    if list.len() > HISTORY {
        list.remove(0);
    }
}

fn submit(st: &mut AppState) -> Vec<Effect> {
    let Some(inp) = st.input.clone() else {
        return Vec::new();
    };
    match inp.kind {
        InputKind::Filter => match st.set_filter(&inp.text) {
            Ok(()) => {
                remember(&mut st.filter_history, inp.text.trim());
                st.input = None;
                Vec::new()
            }
            Err(e) => {
                if let Some(i) = st.input.as_mut() {
                    i.error = Some((e.column, e.len, e.message));
                }
                Vec::new()
            }
        },
        InputKind::Note(e) => {
            st.input = None;
            st.set_note(e, &inp.text);
            Vec::new()
        }
        InputKind::Command => {
            remember(&mut st.command_history, inp.text.trim());
            st.input = None;
            match command(st, inp.text.trim()) {
                Ok(fx) => fx,
                Err(msg) => {
                    // Back on the line, to fix it.
                    st.input = Some(Input {
                        error: Some((1, inp.text.chars().count().max(1), msg)),
                        ..inp
                    });
                    Vec::new()
                }
            }
        }
    }
}
