//! THE table of (mode, key, command, description). Dispatch, the `?` help
//! screen and the status-bar hints are all generated from it, so they cannot
//! drift apart; the config file may bind more keys. No command changes
//! anything outside kaudit: there is nothing destructive to bind.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmd {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Expand,
    Collapse,
    Filter,
    ClearFilter,
    Command,
    Help,
    Mark,
    Note,
    Reveal,
    Pause,
    Quit,
    // Text entry (filter and command lines).
    Submit,
    Cancel,
    HistoryPrev,
    HistoryNext,
    // Confirmation.
    Yes,
    No,
}

impl Cmd {
    /// The name used in the config file (`[keys] "x" = "mark"`).
    pub fn name(self) -> &'static str {
        match self {
            Cmd::Up => "up",
            Cmd::Down => "down",
            Cmd::PageUp => "page-up",
            Cmd::PageDown => "page-down",
            Cmd::Top => "top",
            Cmd::Bottom => "bottom",
            Cmd::Open => "open",
            Cmd::Back => "back",
            Cmd::Expand => "expand",
            Cmd::Collapse => "collapse",
            Cmd::Filter => "filter",
            Cmd::ClearFilter => "clear-filter",
            Cmd::Command => "command",
            Cmd::Help => "help",
            Cmd::Mark => "mark",
            Cmd::Note => "note",
            Cmd::Reveal => "reveal",
            Cmd::Pause => "pause",
            Cmd::Quit => "quit",
            Cmd::Submit => "submit",
            Cmd::Cancel => "cancel",
            Cmd::HistoryPrev => "history-prev",
            Cmd::HistoryNext => "history-next",
            Cmd::Yes => "yes",
            Cmd::No => "no",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Cmd::Up => "move up",
            Cmd::Down => "move down",
            Cmd::PageUp => "page up",
            Cmd::PageDown => "page down",
            Cmd::Top => "first row",
            Cmd::Bottom => "last row",
            Cmd::Open => "open: drill into the row",
            Cmd::Back => "back to the previous screen",
            Cmd::Expand => "expand a group; next bucket on the histogram",
            Cmd::Collapse => "collapse a group; previous bucket on the histogram",
            Cmd::Filter => "filter (SPEC language, every view)",
            Cmd::ClearFilter => "clear the filter and the time window",
            Cmd::Command => "command line (:users, :since 2h, :theme light …)",
            Cmd::Help => "this help",
            Cmd::Mark => "mark / unmark the event",
            Cmd::Note => "note on the event, for the report (marks it)",
            Cmd::Reveal => "show or hide secret values (asks first)",
            Cmd::Pause => "live mode: pause / resume the view (events keep arriving)",
            Cmd::Quit => "quit",
            Cmd::Submit => "apply",
            Cmd::Cancel => "cancel",
            Cmd::HistoryPrev => "previous in history",
            Cmd::HistoryNext => "next in history",
            Cmd::Yes => "yes",
            Cmd::No => "no",
        }
    }

    pub fn by_name(name: &str) -> Option<Cmd> {
        ALL.iter().copied().find(|c| c.name() == name)
    }
}

const ALL: &[Cmd] = &[
    Cmd::Up,
    Cmd::Down,
    Cmd::PageUp,
    Cmd::PageDown,
    Cmd::Top,
    Cmd::Bottom,
    Cmd::Open,
    Cmd::Back,
    Cmd::Expand,
    Cmd::Collapse,
    Cmd::Filter,
    Cmd::ClearFilter,
    Cmd::Command,
    Cmd::Help,
    Cmd::Mark,
    Cmd::Note,
    Cmd::Reveal,
    Cmd::Pause,
    Cmd::Quit,
];

/// Where keys are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Browsing a screen.
    Normal,
    /// Typing on the filter or command line.
    Input,
    /// The help screen.
    Help,
    /// Answering a question (show secret values?).
    Confirm,
    /// Choosing from a list (which cluster?).
    Pick,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "browsing",
            Mode::Input => "filter and command line",
            Mode::Help => "help",
            Mode::Confirm => "confirming",
            Mode::Pick => "choosing",
        }
    }
}

/// The default bindings; the first key of a command is the one hints show.
pub const DEFAULTS: &[(Mode, &str, Cmd)] = &[
    (Mode::Normal, "j", Cmd::Down),
    (Mode::Normal, "down", Cmd::Down),
    (Mode::Normal, "k", Cmd::Up),
    (Mode::Normal, "up", Cmd::Up),
    (Mode::Normal, "pgdn", Cmd::PageDown),
    (Mode::Normal, "ctrl-d", Cmd::PageDown),
    (Mode::Normal, "pgup", Cmd::PageUp),
    (Mode::Normal, "ctrl-u", Cmd::PageUp),
    (Mode::Normal, "g", Cmd::Top),
    (Mode::Normal, "home", Cmd::Top),
    (Mode::Normal, "G", Cmd::Bottom),
    (Mode::Normal, "end", Cmd::Bottom),
    (Mode::Normal, "enter", Cmd::Open),
    (Mode::Normal, "esc", Cmd::Back),
    (Mode::Normal, "backspace", Cmd::Back),
    (Mode::Normal, "l", Cmd::Expand),
    (Mode::Normal, "right", Cmd::Expand),
    (Mode::Normal, "h", Cmd::Collapse),
    (Mode::Normal, "left", Cmd::Collapse),
    (Mode::Normal, "/", Cmd::Filter),
    (Mode::Normal, "ctrl-l", Cmd::ClearFilter),
    (Mode::Normal, ":", Cmd::Command),
    (Mode::Normal, "?", Cmd::Help),
    (Mode::Normal, "m", Cmd::Mark),
    (Mode::Normal, "n", Cmd::Note),
    (Mode::Normal, "r", Cmd::Reveal),
    (Mode::Normal, "p", Cmd::Pause),
    (Mode::Normal, "q", Cmd::Quit),
    (Mode::Input, "enter", Cmd::Submit),
    (Mode::Input, "esc", Cmd::Cancel),
    (Mode::Input, "up", Cmd::HistoryPrev),
    (Mode::Input, "down", Cmd::HistoryNext),
    (Mode::Help, "esc", Cmd::Back),
    (Mode::Help, "?", Cmd::Back),
    (Mode::Help, "q", Cmd::Back),
    (Mode::Help, "j", Cmd::Down),
    (Mode::Help, "down", Cmd::Down),
    (Mode::Help, "k", Cmd::Up),
    (Mode::Help, "up", Cmd::Up),
    (Mode::Confirm, "y", Cmd::Yes),
    (Mode::Confirm, "n", Cmd::No),
    (Mode::Confirm, "esc", Cmd::No),
    (Mode::Pick, "j", Cmd::Down),
    (Mode::Pick, "down", Cmd::Down),
    (Mode::Pick, "k", Cmd::Up),
    (Mode::Pick, "up", Cmd::Up),
    (Mode::Pick, "enter", Cmd::Open),
    (Mode::Pick, "esc", Cmd::Back),
    (Mode::Pick, "q", Cmd::Quit),
];

/// A key as written in the table and the config file: `j`, `G`, `?`,
/// `enter`, `ctrl-d`, `pgdn`, `f5` …
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub fn parse(spec: &str) -> Option<Key> {
        let (ctrl, rest) = match spec.strip_prefix("ctrl-") {
            Some(r) => (true, r),
            None => (false, spec),
        };
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "backspace" => KeyCode::Backspace,
            "tab" => KeyCode::Tab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            f if f.len() > 1 && f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
            _ => return None,
        };
        Some(Key { code, ctrl })
    }

    pub fn of(e: &KeyEvent) -> Key {
        let code = e.code;
        Key {
            code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
        }
    }
}

/// The bindings in effect: the defaults, with the user's on top.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<(Mode, String, Cmd)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: DEFAULTS
                .iter()
                .map(|&(m, k, c)| (m, k.to_string(), c))
                .collect(),
        }
    }
}

impl Keymap {
    /// Add the user's bindings (`key = "command"`, for browsing); a key the
    /// user binds loses its default meaning.
    pub fn with_user(mut self, user: &[(String, String)]) -> Result<Keymap, String> {
        for (key, cmd) in user {
            if Key::parse(key).is_none() {
                return Err(format!(
                    "keys: {key:?} is not a key (j, G, ctrl-d, enter, pgdn, f5 …)"
                ));
            }
            let c = Cmd::by_name(cmd).ok_or_else(|| {
                let names: Vec<&str> = ALL.iter().map(|c| c.name()).collect();
                format!(
                    "keys.{key}: unknown command {cmd:?} (commands: {})",
                    names.join(", ")
                )
            })?;
            self.bindings
                .retain(|(m, k, _)| !(*m == Mode::Normal && k == key));
            self.bindings.insert(0, (Mode::Normal, key.clone(), c));
        }
        Ok(self)
    }

    pub fn lookup(&self, mode: Mode, key: Key) -> Option<Cmd> {
        self.bindings
            .iter()
            .find(|(m, k, _)| *m == mode && Key::parse(k) == Some(key))
            .map(|&(_, _, c)| c)
    }

    /// Every key of a command in a mode, as written (for help).
    pub fn keys_of(&self, mode: Mode, cmd: Cmd) -> Vec<&str> {
        self.bindings
            .iter()
            .filter(|(m, _, c)| *m == mode && *c == cmd)
            .map(|(_, k, _)| k.as_str())
            .collect()
    }

    /// (keys, description) for each command of a mode, in table order (help).
    pub fn help(&self, mode: Mode) -> Vec<(String, &'static str)> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for (m, _, c) in &self.bindings {
            if *m == mode && !seen.contains(c) {
                seen.push(*c);
                // In the picker, open and back mean choose and keep.
                let what = match (mode, c) {
                    (Mode::Pick, Cmd::Open) => "load the cluster chosen",
                    (Mode::Pick, Cmd::Back) => "keep what is loaded",
                    _ => c.describe(),
                };
                out.push((self.keys_of(mode, *c).join(" "), what));
            }
        }
        out
    }

    /// Short `key word` hints for the status bar.
    pub fn hints(&self, mode: Mode, cmds: &[(Cmd, &'static str)]) -> String {
        cmds.iter()
            .filter_map(|(c, word)| {
                self.keys_of(mode, *c)
                    .first()
                    .map(|k| format!("{k} {word}"))
            })
            .collect::<Vec<_>>()
            .join("  ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_key_parses_and_dispatches() {
        let km = Keymap::default();
        for (m, k, c) in DEFAULTS {
            let key = Key::parse(k).unwrap_or_else(|| panic!("{k}"));
            assert_eq!(km.lookup(*m, key), Some(*c), "{k}");
        }
        assert_eq!(
            km.lookup(
                Mode::Normal,
                Key {
                    code: KeyCode::Char('G'),
                    ctrl: false
                }
            ),
            Some(Cmd::Bottom)
        );
    }

    #[test]
    fn user_bindings_replace_a_key_and_are_checked() {
        let km = Keymap::default()
            .with_user(&[("x".into(), "mark".into()), ("m".into(), "help".into())])
            .expect("valid");
        assert_eq!(
            km.lookup(Mode::Normal, Key::parse("x").expect("key")),
            Some(Cmd::Mark)
        );
        assert_eq!(
            km.lookup(Mode::Normal, Key::parse("m").expect("key")),
            Some(Cmd::Help)
        );
        assert!(
            km.help(Mode::Normal)
                .iter()
                .any(|(k, d)| k.contains('x') && d.starts_with("mark"))
        );
        assert!(
            Keymap::default()
                .with_user(&[("x".into(), "delete".into())])
                .is_err()
        );
        assert!(
            Keymap::default()
                .with_user(&[("ctrl-".into(), "up".into())])
                .is_err()
        );
    }
}
