//! The `:` command line (k9s habit): views, the time window, the theme.

use super::*;

/// The `:` commands: (name, argument, description). Dispatch and help read
/// this table; a unique prefix is enough (`:sec`).
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("overview", "", "the overview"),
    ("users", "", "requests by user"),
    ("objects", "", "requests by object"),
    ("secrets", "", "who touched which secret"),
    ("denied", "", "refused requests, by who"),
    ("exec", "", "exec, attach and port-forward sessions"),
    ("findings", "", "what to look at first"),
    ("events", "", "every selected event, in time order"),
    ("marks", "", "the events marked with m (n adds a note)"),
    (
        "export",
        "[FORMAT] PATH",
        "write what is on show, with marks and notes: case DIR, or FILE.jsonl, .csv, .md (:export! replaces)",
    ),
    ("filter", "EXPR", "set the filter (same as /)"),
    (
        "since",
        "DURATION",
        "only the last 15m, 2h, 1d (from now); no argument clears",
    ),
    (
        "from",
        "TIME",
        "from TIME: RFC3339, a date, or HH:MM on the last day loaded",
    ),
    ("to", "TIME", "before TIME (same forms)"),
    ("clear", "", "clear the filter and the time window"),
    (
        "cluster",
        "",
        "choose the cluster to load (Loki, several clusters)",
    ),
    (
        "theme",
        "NAME",
        "default, light, high-contrast, mono, or yours",
    ),
    ("help", "", "keys and commands"),
    ("quit", "", "quit (also :q)"),
];

/// Run a `:` command.
pub(super) fn command(st: &mut AppState, line: &str) -> Result<Vec<Effect>, String> {
    let line = line.trim_start_matches(':').trim();
    let (name, arg) = line
        .split_once(char::is_whitespace)
        .map_or((line, ""), |(n, a)| (n, a.trim()));
    if name.is_empty() {
        return Ok(Vec::new());
    }
    let name = name.to_ascii_lowercase();
    // `:export!` replaces an earlier export, as vim's `:w!`.
    let (name, force) = match name.strip_suffix('!') {
        Some(n) if n != "q" => (n.to_string(), true),
        _ => (name, false),
    };
    let full = if name == "q" || name == "q!" {
        "quit"
    } else {
        let hits: Vec<&str> = COMMANDS
            .iter()
            .map(|c| c.0)
            .filter(|c| c.starts_with(name.as_str()))
            .collect();
        match hits.as_slice() {
            [one] => one,
            [] => return Err(format!("no command {name:?} (? lists them)")),
            many if many.contains(&name.as_str()) => COMMANDS
                .iter()
                .map(|c| c.0)
                .find(|c| *c == name)
                .unwrap_or(many[0]),
            many => {
                return Err(format!(
                    ":{name} could be {}",
                    many.iter()
                        .map(|m| format!(":{m}"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ));
            }
        }
    };
    let page = match full {
        "overview" => Some(Page::Overview),
        "users" => Some(Page::Users),
        "objects" => Some(Page::Objects),
        "secrets" => Some(Page::Secrets),
        "denied" => Some(Page::Denied),
        "exec" => Some(Page::Exec),
        "findings" => Some(Page::Findings),
        "events" => Some(Page::Events),
        "marks" => Some(Page::Marks),
        _ => None,
    };
    if let Some(p) = page {
        st.goto(p);
        return Ok(Vec::new());
    }
    match full {
        "filter" => st
            .set_filter(arg)
            .map_err(|e| format!("filter, column {}: {}", e.column, e.message))?,
        "since" => {
            let from = if arg.is_empty() {
                None
            } else {
                Some(
                    st.now
                        - parse_duration(arg)
                            .ok_or(format!("{arg:?} is not a duration (15m, 2h, 1d)"))?,
                )
            };
            st.set_window(Window { from, to: None });
        }
        "from" | "to" => {
            let t = if arg.is_empty() {
                None
            } else {
                Some(time_arg(st, arg)?)
            };
            let mut w = st.filter.window;
            if full == "from" {
                w.from = t
            } else {
                w.to = t
            }
            if let (Some(f), Some(t)) = (w.from, w.to) {
                if f >= t {
                    return Err("the window would be empty: from must be before to".into());
                }
            }
            st.set_window(w);
        }
        "clear" => {
            st.filter.text.clear();
            st.filter.terms.clear();
            st.set_window(Window::default());
        }
        "cluster" => {
            if st.clusters.is_empty() {
                return Err("these events come from one cluster (or not from Loki)".into());
            }
            let sel = st
                .cluster
                .as_ref()
                .and_then(|c| st.clusters.iter().position(|x| x == c))
                .map_or(0, |i| i + 1);
            st.overlay = Overlay::Clusters { sel };
        }
        "theme" => {
            if arg.is_empty() {
                return Err(format!(
                    "theme {} is in use; :theme NAME switches",
                    st.theme
                ));
            }
            return Ok(vec![Effect::LoadTheme(arg.to_string())]);
        }
        "export" => return super::marks::export(st, arg, force),
        "help" => st.overlay = Overlay::Help { scroll: 0 },
        "quit" => {
            st.quit = true;
            return Ok(vec![Effect::Quit]);
        }
        _ => {}
    }
    Ok(Vec::new())
}

/// RFC3339, a date, or a time of day on the last day loaded (UTC).
fn time_arg(st: &mut AppState, s: &str) -> Result<Nanos, String> {
    let bad = || format!("{s:?} is not a time (2026-11-21T09:40:00Z, 2026-11-21, or 09:40)");
    let full = match s.len() {
        10 if s.as_bytes()[4] == b'-' => format!("{s}T00:00:00Z"),
        5 | 8 if s.as_bytes()[2] == b':' => {
            let day = st
                .last_time()
                .ok_or("no events loaded yet to give a day to that time")?;
            let date = &crate::model::time::format_short(day)[..10];
            format!("{date}T{s}{}Z", if s.len() == 5 { ":00" } else { "" })
        }
        _ => s.to_string(),
    };
    parse_rfc3339(&full).ok_or_else(bad)
}
