//! The sinks: what the command line prints and what an export writes, over
//! `io::Write`. Tables, CSV and JSON of events and of the lenses; the
//! evidence formats (JSONL, CSV, a Markdown report, a case directory) and
//! the safe writing of their files. The command line and the TUI export
//! through the same `write`.

mod case;
pub mod denied;
pub mod events;
pub mod exec;
mod file;
pub mod findings;
mod report;
pub mod secrets;
pub mod table;

pub use file::{ExportError, Target, sha256_file, write_file};
pub use report::Scope;

use crate::index::{EventId, Index};
use crate::model::RawAccess;
use crate::model::text::thousands;
use crate::query::{Selection, Window};
use crate::source::SourceSpec;
use std::collections::BTreeMap;
use std::path::Path;

/// The shape of a sink's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Table,
    Json,
    Jsonl,
    Csv,
}

/// How a sink writes: its form, the width of tables, whether secret values
/// are redacted, and whether the output is a terminal (escape even JSON).
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub form: Form,
    pub width: usize,
    pub redact: bool,
    pub terminal: bool,
}

impl Shape {
    /// For a file: tables at a fixed width, so the same export gives the same bytes.
    fn file(form: Form, redact: bool) -> Shape {
        Shape {
            form,
            width: 120,
            redact,
            terminal: false,
        }
    }
}

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jsonl,
    Csv,
    /// The Markdown report.
    Md,
    /// A directory: events, report, findings, lenses, marks, manifest.
    Case,
}

impl Kind {
    pub const NAMES: &str = "jsonl, csv, md or case";

    pub fn parse(s: &str) -> Option<Kind> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Some(Kind::Jsonl),
            "csv" => Some(Kind::Csv),
            "md" | "markdown" | "report" => Some(Kind::Md),
            "case" => Some(Kind::Case),
            _ => None,
        }
    }

    /// From a file name's extension (a case is a directory: named, not guessed).
    pub fn of_path(p: &Path) -> Option<Kind> {
        Kind::parse(p.extension()?.to_str()?).filter(|k| *k != Kind::Case)
    }
}

/// The operator's notes on marked events (empty: marked, no note).
pub type Marks = BTreeMap<EventId, String>;

/// What is exported: the selected events of an index, the events the
/// operator marked, and how they were chosen.
pub struct Evidence<'a> {
    pub idx: &'a Index,
    pub sel: &'a Selection,
    pub marks: &'a Marks,
    /// The inputs as loaded: file names, or `loki …` with the LogQL sent.
    pub names: &'a [String],
    /// The sources asked for (the Loki tenant).
    pub sources: &'a [SourceSpec],
    pub window: Window,
    pub filters: &'a [String],
    pub redact: bool,
}

impl Evidence<'_> {
    /// The marked events in time order.
    fn marked(&self) -> Vec<EventId> {
        let idx = self.idx;
        let mut ids: Vec<EventId> = self.marks.keys().copied().collect();
        ids.sort_by_key(|&id| idx.events[id as usize].time_key());
        ids
    }
}

/// Write `ev` to `target` as `kind`, whole or not at all; says what it wrote.
pub fn write(
    kind: Kind,
    ev: &Evidence,
    raw: &mut dyn RawAccess,
    target: &Target,
) -> Result<String, ExportError> {
    let redact = ev.redact;
    match kind {
        Kind::Jsonl | Kind::Csv => {
            let form = if kind == Kind::Csv {
                Form::Csv
            } else {
                Form::Jsonl
            };
            write_file(&target.path, target.force, |w| {
                events::write(&Shape::file(form, redact), ev.idx, ev.sel, raw, w)
            })
        }
        Kind::Md => {
            let scope = Scope::of(ev)?;
            let lenses = lenses(ev.idx, ev.sel);
            write_file(&target.path, target.force, |w| {
                report::write(ev, &scope, &lenses, w)
            })
        }
        Kind::Case => case::write(ev, &Scope::of(ev)?, raw, target),
    }?;
    // Only the report and the case file carry the marks.
    let (what, marked) = match kind {
        Kind::Md => ("a report of ", ev.marks.len()),
        Kind::Case => ("a case file of ", ev.marks.len()),
        _ => ("", 0),
    };
    let marks = if marked > 0 {
        format!(" and {marked} marked")
    } else {
        String::new()
    };
    Ok(format!(
        "wrote {what}{} events{marks} to {} (secret values {})",
        thousands(ev.sel.events.len() as u64),
        target.path.display(),
        if redact {
            "redacted"
        } else {
            "NOT redacted: --no-redact"
        }
    ))
}

/// The investigations over what was selected: kept current over the whole
/// index, or built over the selected requests when a filter narrowed them.
pub fn lenses(idx: &Index, sel: &Selection) -> crate::lens::Lenses {
    if sel.everything {
        let mut l = crate::lens::Lenses::default();
        l.update(idx);
        l
    } else {
        crate::lens::Lenses::of(idx, &sel.requests)
    }
}
