//! Evidence from the TUI: marks (`m`), the operator's notes on them (`n`),
//! and `:export`, which hands the runtime a job to write beside the loop.

use super::*;
use crate::export::{Kind, Target};
use crate::query::Selection;

/// An export for the runtime: a snapshot of what is on show (the index is
/// shared, copied only if it changes meanwhile) and where it goes.
pub struct ExportJob {
    pub kind: Kind,
    pub target: Target,
    pub idx: Arc<Index>,
    pub raw: Arc<RawStore>,
    pub sel: Selection,
    pub marks: Marks,
    pub names: Vec<String>,
    pub window: Window,
    pub filter: String,
}

impl std::fmt::Debug for ExportJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ExportJob({:?} to {}, {} events, {} marks)",
            self.kind,
            self.target.path.display(),
            self.sel.events.len(),
            self.marks.len()
        )
    }
}

impl AppState {
    /// The event on the selected row; if there is none, says that `what`
    /// are for events.
    fn selected_event(&mut self, what: &str) -> Option<EventId> {
        let s = self.screen();
        let e = s.body.event(s.sel);
        if e.is_none() {
            self.message = Some((
                format!("{what} are for events: open a list of events first"),
                Role::Muted,
            ));
        }
        e
    }

    pub(super) fn toggle_mark(&mut self) {
        let Some(e) = self.selected_event("marks") else {
            return;
        };
        let gone = self.marks.remove(&e);
        if gone.is_none() {
            self.marks.insert(e, String::new());
        }
        let said = match gone {
            Some(note) if !note.is_empty() => "unmarked, and its note dropped",
            Some(_) => "unmarked",
            None => "marked",
        };
        self.message = Some((
            format!("{said}; {} marked (:marks lists them)", self.marks.len()),
            Role::Mark,
        ));
        if !matches!(self.screen().body, Body::Detail(_)) {
            self.step(1);
        }
    }

    /// `n`: type a note on the event (marking it), starting from its note.
    pub(super) fn start_note(&mut self) {
        let Some(e) = self.selected_event("notes") else {
            return;
        };
        let text = self.marks.get(&e).cloned().unwrap_or_default();
        self.input = Some(Input {
            kind: InputKind::Note(e),
            cursor: text.chars().count(),
            text,
            browsing: 0,
            draft: String::new(),
            error: None,
        });
    }

    pub(super) fn set_note(&mut self, e: EventId, text: &str) {
        let text = text.trim();
        let was_marked = self.marks.insert(e, text.to_string()).is_some();
        let said = match (text.is_empty(), was_marked) {
            (true, _) => "no note",
            (false, true) => "note kept",
            (false, false) => "marked, with its note",
        };
        self.message = Some((
            format!(
                "{said}; {} marked (:marks lists them, :export writes them)",
                self.marks.len()
            ),
            Role::Mark,
        ));
        if self.screen().page == Page::Marks {
            self.rebuild();
        }
    }
}

/// `:export [FORMAT] PATH`: the events on show (filter and window), with the
/// marked events and their notes, as `case DIR`, or a `.jsonl`, `.csv` or
/// `.md` file. `force`: `:export!` replaces an earlier export.
pub(super) fn export(st: &mut AppState, arg: &str, force: bool) -> Result<Vec<Effect>, String> {
    if let Some(to) = &st.exporting {
        return Err(format!("still writing {to}; wait for it to finish"));
    }
    if !st.load.done && !st.live {
        return Err("still loading: export once everything is loaded".into());
    }
    let usage = || {
        format!(
            "export what, where? :export case DIR, or :export FILE.jsonl (.csv, .md); formats: {}",
            Kind::NAMES
        )
    };
    let (first, rest) = arg
        .split_once(char::is_whitespace)
        .map_or((arg, ""), |(a, b)| (a, b.trim()));
    let (kind, path) = match Kind::parse(first) {
        Some(k) if !rest.is_empty() => (k, rest),
        _ if arg.is_empty() => return Err(usage()),
        _ => match Kind::of_path(std::path::Path::new(arg)) {
            Some(k) => (k, arg),
            None => return Err(usage()),
        },
    };
    if path.starts_with('~') {
        return Err(format!(
            "{path}: kaudit does not expand ~; give the whole path"
        ));
    }
    // Events arrived since the screens were built: export what is current.
    if st.stale {
        st.reselect();
    }
    let sel = &st.scope.selection;
    let job = ExportJob {
        kind,
        target: Target {
            path: path.into(),
            force,
            in_input_dir: false,
        },
        idx: st.idx.clone(),
        raw: st.raw.clone(),
        sel: Selection {
            events: st.scope.events.to_vec(),
            requests: sel.requests.clone(),
            everything: sel.everything,
        },
        marks: st.marks.clone(),
        names: st.load.names.clone(),
        window: st.filter.window,
        filter: st.filter.text.clone(),
    };
    st.exporting = Some(path.to_string());
    st.message = Some((
        format!(
            "writing {} events and {} marks to {path} …",
            crate::model::text::thousands(job.sel.events.len() as u64),
            job.marks.len()
        ),
        Role::Muted,
    ));
    Ok(vec![Effect::Export(Box::new(job))])
}
