//! Driving a session without a terminal, as the tests and benchmarks do:
//! load sources, press keys written as in the keymap, draw into a buffer.

use super::app::{Action, AppState};
use super::keymap::Key;
use super::runtime::{headless, step};
use super::theme::Theme;
use crate::model::Nanos;
use crate::source::SourceSpec;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The demo incident at `events` events, written to a temporary file (kept
/// alive by the handle) and loaded.
pub fn demo(events: usize, size: (u16, u16), now: Nanos) -> (tempfile::NamedTempFile, AppState) {
    let mut f = tempfile::NamedTempFile::new().expect("temporary file");
    let opts = crate::demo::DemoOptions {
        events,
        ..Default::default()
    };
    crate::demo::write_demo(&opts, f.as_file_mut()).expect("demo");
    let st = headless(&[SourceSpec::Path(f.path().to_path_buf())], size, now).expect("loads");
    (f, st)
}

/// Press keys written as in the keymap (`j`, `enter`, `ctrl-l` …); whether
/// the session asked to quit.
pub fn keys(st: &mut AppState, list: &[&str]) -> bool {
    let mut quit = false;
    for spec in list {
        let k = Key::parse(spec).unwrap_or_else(|| panic!("not a key: {spec}"));
        let mods = if k.ctrl {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::NONE
        };
        quit |= step(st, Action::Key(KeyEvent::new(k.code, mods)));
    }
    quit
}

/// Type text on the filter or command line.
pub fn typ(st: &mut AppState, text: &str) {
    for c in text.chars() {
        step(
            st,
            Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
}

/// `:name arg`, entered.
pub fn command(st: &mut AppState, line: &str) {
    keys(st, &[":"]);
    typ(st, line);
    keys(st, &["enter"]);
}

/// Draw the session into a buffer of its size.
pub fn draw(st: &AppState, theme: &Theme) -> ratatui::buffer::Buffer {
    let (w, h) = st.size;
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| super::ui::render(st, theme, f)).expect("draw");
    t.backend().buffer().clone()
}

/// The screen as text, one line per row, trailing blanks cut.
pub fn screen(st: &AppState) -> String {
    let b = draw(st, &Theme::default_theme());
    let (w, h) = (b.area.width, b.area.height);
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(b[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
