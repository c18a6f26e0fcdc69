//! The two bottom lines: the status (source state, messages, counts) and
//! the key hints, or the filter or command line being typed.

use super::super::app::{AppState, InputKind};
use super::super::keymap::{Cmd, Mode};
use super::super::theme::{Role, Theme};
use super::super::view::{Body, Page};
use crate::model::text::{sanitize, thousands, truncate, width};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn status(st: &AppState, theme: &Theme, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let mut left: Vec<(String, Role)> = Vec::new();
    let l = &st.load;
    if !l.done && !st.live {
        let pct = match &l.remote {
            Some(r) => Some(r.percent()),
            None if l.bytes_total > 0 => Some((l.bytes_read * 100 / l.bytes_total.max(1)).min(100)),
            None => None,
        };
        if let Some(pct) = pct {
            let filled = (pct as usize) / 10;
            left.push((format!(" loading {pct:>3}% "), Role::Accent));
            left.push(("█".repeat(filled), Role::Gauge));
            left.push(("░".repeat(10 - filled), Role::Muted));
        } else {
            left.push((" loading ".into(), Role::Accent));
        }
        left.push((format!(" {} events", thousands(l.events)), Role::Muted));
        if let Some(r) = &l.remote {
            left.push((
                format!(
                    " · {}/{} windows · {} MB",
                    r.windows_done,
                    r.windows,
                    thousands(r.bytes >> 20)
                ),
                Role::Muted,
            ));
        }
    } else {
        left.push((
            format!(
                " {} · {} events",
                sanitize(&l.label),
                thousands(st.idx.events.len() as u64)
            ),
            Role::Muted,
        ));
    }
    // What needs saying, most urgent first: a typing error, a message, a
    // source error, skipped lines.
    let typing_error = st
        .input
        .as_ref()
        .and_then(|i| i.error.as_ref().map(|e| (i.kind, e)));
    let note: Option<(String, Role)> = if let Some((kind, (col, _, msg))) = typing_error {
        let at = if kind == InputKind::Filter {
            format!("column {col}: ")
        } else {
            String::new()
        };
        Some((format!("✗ {at}{msg}"), Role::Error))
    } else if let Some(m) = &st.message {
        Some(m.clone())
    } else if let Some(e) = st.errors.last() {
        Some((format!("⚠ {e}"), Role::Error))
    } else {
        skipped(st).map(|s| (s, Role::Warning))
    };
    let mut right: Vec<(String, Role)> = Vec::new();
    if st.live && l.done {
        // The live source gave up (the error says why): say it is over.
        right.push(("■ ENDED ".into(), Role::Error));
    } else if st.live {
        match st.paused {
            Some(at) => right.push((
                format!(
                    "PAUSED +{} ",
                    thousands(st.idx.events.len().saturating_sub(at) as u64)
                ),
                Role::Warning,
            )),
            None => right.push(("● LIVE ".into(), Role::Accent)),
        }
        if st.unseen > 0 {
            right.push((format!("{} new ↓ ", thousands(st.unseen)), Role::Accent));
        }
        if l.dropped > 0 {
            right.push((
                format!("{} dropped by Loki ", thousands(l.dropped)),
                Role::Warning,
            ));
        }
    }
    if st.reveal {
        right.push(("SECRETS SHOWN ".into(), Role::High));
    }
    if !st.marks.is_empty() {
        right.push((format!("{} marked · ", st.marks.len()), Role::Mark));
    }
    let total = st.idx.events.len() as u64;
    let shown = st.scope.events.len() as u64;
    let filtered = !st.filter.terms.is_empty() || st.filter.window != Default::default();
    let counts = match &st.screen().body {
        Body::Events { events, .. } if !matches!(st.screen().page, Page::Events) => {
            let here = format!("{} events here", thousands(events.len() as u64));
            if filtered {
                format!(
                    "{here} · filter keeps {} of {} ",
                    thousands(shown),
                    thousands(total)
                )
            } else {
                format!("{here} ")
            }
        }
        _ if filtered => format!("{} of {} events ", thousands(shown), thousands(total)),
        _ => format!("{} events ", thousands(total)),
    };
    right.push((counts, Role::Muted));
    if typing_error.is_some() {
        // The error needs the room more than the counts.
        right.clear();
        left.truncate(0);
    }
    let lw: usize = left.iter().map(|s| width(&s.0)).sum();
    let rw: usize = right.iter().map(|s| width(&s.0)).sum();
    let mut spans: Vec<Span> = left
        .into_iter()
        .map(|(t, r)| Span::styled(t, theme.style(r)))
        .collect();
    let room = w.saturating_sub(lw + rw + 2);
    let mut used = lw;
    if let Some((t, r)) = note {
        let t = truncate(&sanitize(&t), room).into_owned();
        used += width(&t) + 2;
        spans.push(Span::raw("  "));
        spans.push(Span::styled(t, theme.style(r)));
    }
    spans.push(Span::raw(" ".repeat(w.saturating_sub(used + rw))));
    if used + rw <= w {
        spans.extend(
            right
                .into_iter()
                .map(|(t, r)| Span::styled(t, theme.style(r))),
        );
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `3 malformed lines skipped (demo.log:17, demo.log:912, …)`.
fn skipped(st: &AppState) -> Option<String> {
    let bad: Vec<_> = st
        .idx
        .skipped
        .iter()
        .filter(|s| s.reason.is_malformed())
        .collect();
    let other = st.idx.skipped.len() - bad.len();
    if bad.is_empty() && other == 0 {
        return None;
    }
    let name = |i: u32| {
        st.load
            .names
            .get(i as usize)
            .map_or("?", |n| n.as_str())
            .rsplit('/')
            .next()
            .unwrap_or("?")
            .to_string()
    };
    let mut parts = Vec::new();
    if !bad.is_empty() {
        let mut at: Vec<String> = bad
            .iter()
            .take(3)
            .map(|s| format!("{}:{}", name(s.input), s.line))
            .collect();
        if bad.len() > 3 {
            at.push("…".into());
        }
        parts.push(format!(
            "{} malformed line{} skipped ({})",
            bad.len(),
            if bad.len() == 1 { "" } else { "s" },
            at.join(", ")
        ));
    }
    if other > 0 {
        parts.push(format!(
            "{other} non-audit record{} skipped",
            if other == 1 { "" } else { "s" }
        ));
    }
    Some(parts.join("; "))
}

pub fn bottom(st: &AppState, theme: &Theme, f: &mut Frame, area: Rect) {
    if let Some(inp) = &st.input {
        let prompt = match inp.kind {
            InputKind::Filter => "/",
            InputKind::Command => ":",
            InputKind::Note(_) => "note: ",
        };
        let text = sanitize(&inp.text).into_owned();
        // The bad term, marked where it is.
        let bad = inp
            .error
            .as_ref()
            .filter(|_| inp.kind == InputKind::Filter)
            .map(|(c, l, _)| (c.saturating_sub(1), c.saturating_sub(1) + l));
        let mut spans = vec![Span::styled(prompt, theme.style(Role::Accent))];
        let chars: Vec<char> = text.chars().collect();
        let split = |a: usize, b: usize| {
            chars[a.min(chars.len())..b.min(chars.len())]
                .iter()
                .collect::<String>()
        };
        match bad {
            Some((a, b)) => {
                spans.push(Span::styled(split(0, a), theme.style(Role::Text)));
                spans.push(Span::styled(
                    split(a, b),
                    theme.style(Role::Error).patch(theme.style(Role::Highlight)),
                ));
                spans.push(Span::styled(split(b, chars.len()), theme.style(Role::Text)));
            }
            None => spans.push(Span::styled(text.clone(), theme.style(Role::Text))),
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        let x = area.x
            + prompt.len() as u16
            + inp
                .cursor
                .min(area.width.saturating_sub(prompt.len() as u16 + 1) as usize)
                as u16;
        f.set_cursor_position(Position { x, y: area.y });
        return;
    }
    let mode = st.mode();
    let s = st.screen();
    let mut cmds: Vec<(Cmd, &'static str)> = match mode {
        Mode::Help => vec![(Cmd::Down, "scroll"), (Cmd::Back, "close")],
        Mode::Confirm => vec![(Cmd::Yes, "show values"), (Cmd::No, "keep redacted")],
        Mode::Pick => vec![
            (Cmd::Down, "down"),
            (Cmd::Open, "load it"),
            (Cmd::Back, "keep"),
        ],
        _ => vec![(Cmd::Down, "down"), (Cmd::Up, "up"), (Cmd::Open, "open")],
    };
    if mode == Mode::Normal {
        if st.stack.len() > 1 || st.hist.anchor.is_some() {
            cmds.push((Cmd::Back, "back"));
        }
        match &s.body {
            Body::Events { .. } => cmds.push((Cmd::Mark, "mark")),
            Body::Detail(_) => {
                cmds.push((Cmd::Mark, "mark"));
                cmds.push((
                    Cmd::Reveal,
                    if st.reveal {
                        "hide secrets"
                    } else {
                        "show secrets"
                    },
                ));
            }
            _ => {}
        }
        if st.live {
            cmds.push((
                Cmd::Pause,
                if st.paused.is_some() {
                    "resume"
                } else {
                    "pause"
                },
            ));
        }
        cmds.extend([
            (Cmd::Filter, "filter"),
            (Cmd::Command, "command"),
            (Cmd::Help, "help"),
            (Cmd::Quit, "quit"),
        ]);
    }
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (c, word) in cmds {
        let Some(k) = st.keymap.keys_of(mode, c).first().copied() else {
            continue;
        };
        let piece = width(k) + width(word) + 3;
        if used + piece > area.width as usize {
            break;
        }
        used += piece;
        spans.push(Span::styled(k.to_string(), theme.style(Role::Accent)));
        spans.push(Span::styled(format!(" {word}  "), theme.style(Role::Muted)));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
