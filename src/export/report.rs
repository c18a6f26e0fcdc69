//! The Markdown report: scope, findings, what each person did, the secrets,
//! denied and exec tables, and the operator's marked events with notes.
//! Tables are kaudit's own, in fenced blocks, so it reads as plain text and
//! renders too.

use super::table::{code_cell, target};
use super::{Evidence, ExportError, Form, Shape, sha256_file};
use crate::index::Index;
use crate::lens::Lenses;
use crate::model::text::{place, sanitize, thousands};
use crate::model::time::format_micros;
use crate::query::Selection;
use serde_json::json;
use std::io::{self, Write};

/// What an export covers, for the report and the manifest.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Input files: name, size, SHA-256.
    files: Vec<(String, u64, String)>,
    /// Loki: the server and the LogQL sent; the tenant.
    loki: Vec<(String, Option<String>)>,
    window: (Option<String>, Option<String>),
    filters: Vec<String>,
    redacted: bool,
    events: usize,
    requests: usize,
    first: Option<String>,
    last: Option<String>,
}

impl Scope {
    /// The scope of an export: the inputs' sizes and hashes (files) or the
    /// LogQL sent and the tenant (Loki), the window, filters and redaction.
    pub fn of(ev: &Evidence) -> Result<Scope, ExportError> {
        let tenant = ev.sources.iter().find_map(|s| match s {
            crate::source::SourceSpec::Loki(l) => l.org_id.clone(),
            _ => None,
        });
        let mut files = Vec::new();
        let mut loki = Vec::new();
        for n in ev.names {
            if let Some(rest) = n.strip_prefix("loki ") {
                loki.push((rest.to_string(), tenant.clone()));
            } else if n != "stdin" {
                let (size, sum) =
                    sha256_file(std::path::Path::new(n)).map_err(|err| ExportError::Hash {
                        path: n.clone(),
                        err,
                    })?;
                files.push((n.clone(), size, sum));
            } else {
                files.push((n.clone(), 0, String::new()));
            }
        }
        let (idx, sel) = (ev.idx, ev.sel);
        let t = |e: Option<&u32>| e.map(|&id| format_micros(idx.events[id as usize].ts));
        Ok(Scope {
            files,
            loki,
            window: (
                ev.window.from.map(format_micros),
                ev.window.to.map(format_micros),
            ),
            filters: ev
                .filters
                .iter()
                .filter(|f| !f.trim().is_empty())
                .cloned()
                .collect(),
            redacted: ev.redact,
            events: sel.events.len(),
            requests: sel.requests.len(),
            first: t(sel.events.first()),
            last: t(sel.events.last()),
        })
    }

    pub fn json(&self) -> serde_json::Value {
        json!({
            "kaudit": env!("CARGO_PKG_VERSION"),
            "inputs": self.files.iter().map(|(n, s, h)| json!({"file": n, "bytes": s, "sha256": h})).collect::<Vec<_>>(),
            "loki": self.loki.iter().map(|(q, t)| json!({"query": q, "tenant": t})).collect::<Vec<_>>(),
            "window": {"from": self.window.0, "to": self.window.1},
            "filters": self.filters,
            "redacted": self.redacted,
            "events": self.events,
            "requests": self.requests,
            "first": self.first,
            "last": self.last,
        })
    }
}

/// A cell of a Markdown table.
fn md(s: &str) -> String {
    sanitize(s).replace('|', "\\|")
}

/// The report; `lenses` over the selection (`export::lenses`).
pub fn write(ev: &Evidence, scope: &Scope, lenses: &Lenses, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "# Audit evidence\n")?;
    writeln!(w, "| scope | |\n|---|---|")?;
    writeln!(w, "| kaudit | {} |", env!("CARGO_PKG_VERSION"))?;
    let window = match &scope.window {
        (None, None) => "everything in the inputs".to_string(),
        (f, t) => format!(
            "from {} to {}",
            f.as_deref().unwrap_or("the start"),
            t.as_deref().unwrap_or("the end")
        ),
    };
    writeln!(w, "| window | {window} |")?;
    let filters = if scope.filters.is_empty() {
        "none".to_string()
    } else {
        scope
            .filters
            .iter()
            .map(|f| format!("`{}`", md(f)))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    writeln!(w, "| filter | {filters} |")?;
    writeln!(
        w,
        "| events | {} events of {} requests, {} to {} |",
        thousands(scope.events as u64),
        thousands(scope.requests as u64),
        scope.first.as_deref().unwrap_or("-"),
        scope.last.as_deref().unwrap_or("-")
    )?;
    writeln!(
        w,
        "| secret values | {} |\n",
        if scope.redacted {
            "redacted"
        } else {
            "**shown** (`--no-redact`)"
        }
    )?;
    if !scope.files.is_empty() {
        writeln!(w, "## Inputs\n\n| file | bytes | SHA-256 |\n|---|---:|---|")?;
        for (n, s, h) in &scope.files {
            writeln!(w, "| {} | {s} | `{h}` |", md(n))?;
        }
        writeln!(w)?;
    }
    if !scope.loki.is_empty() {
        writeln!(
            w,
            "## Loki\n\n| server and LogQL sent | tenant |\n|---|---|"
        )?;
        for (q, t) in &scope.loki {
            writeln!(w, "| `{}` | {} |", md(q), md(t.as_deref().unwrap_or("-")))?;
        }
        writeln!(w)?;
    }
    marked(ev, w)?;
    let (idx, sel) = (ev.idx, ev.sel);
    let table = Shape::file(Form::Table, scope.redacted);
    block(w, "Findings", &mut |o| {
        super::findings::write(&table, idx, lenses, o)
    })?;
    timeline(idx, sel, w)?;
    block(w, "Secrets", &mut |o| {
        super::secrets::write(&table, idx, lenses, o)
    })?;
    block(w, "Denied", &mut |o| {
        super::denied::write(&table, idx, lenses, o)
    })?;
    block(w, "Exec, attach, port-forward", &mut |o| {
        super::exec::write(&table, idx, lenses, o)
    })
}

/// A section of plain text in a fenced block.
fn block(
    w: &mut dyn Write,
    title: &str,
    body: &mut dyn FnMut(&mut Vec<u8>) -> io::Result<()>,
) -> io::Result<()> {
    let mut text = Vec::new();
    body(&mut text)?;
    writeln!(w, "## {title}\n\n```text")?;
    w.write_all(&text)?;
    writeln!(w, "```\n")
}

/// One event on one line: time, verb, what, where, code.
fn line(idx: &Index, id: u32) -> String {
    let e = &idx.events[id as usize];
    let o = idx.obj(e);
    format!(
        "{}  {:<7} {:<24} {:<40} {}",
        format_micros(e.ts),
        sanitize(idx.s(e.verb)),
        sanitize(&target(idx, o)),
        sanitize(&place(idx.s(o.namespace), idx.s(o.name))),
        code_cell(e.code)
    )
}

/// The events the operator marked, in time order, each with its note.
fn marked(ev: &Evidence, w: &mut dyn Write) -> io::Result<()> {
    if ev.marks.is_empty() {
        return Ok(());
    }
    let idx = ev.idx;
    let ids = ev.marked();
    writeln!(
        w,
        "## Marked events: {}\n\n```text",
        thousands(ids.len() as u64)
    )?;
    for id in ids {
        let e = &idx.events[id as usize];
        let req = &idx.requests[e.req as usize];
        writeln!(
            w,
            "{}\n    {}  {}  {}",
            line(idx, id),
            sanitize(idx.s(idx.who(e).user)),
            sanitize(&idx.audit_id(req)),
            e.stage.as_str()
        )?;
        let note = ev.marks.get(&id).map(String::as_str).unwrap_or_default();
        if !note.is_empty() {
            writeln!(w, "    note: {}", sanitize(note))?;
        }
    }
    writeln!(w, "```\n")
}

/// What each person did, in time order.
fn timeline(idx: &Index, sel: &Selection, w: &mut dyn Write) -> io::Result<()> {
    let mut people: std::collections::BTreeMap<&str, Vec<u32>> = Default::default();
    for &id in &sel.events {
        let e = &idx.events[id as usize];
        let user = idx.s(idx.who(e).user);
        if crate::model::is_human(user) {
            people.entry(user).or_default().push(id);
        }
    }
    writeln!(w, "## People, in time order\n")?;
    if people.is_empty() {
        return writeln!(w, "No events of people in this selection.\n");
    }
    for (user, ids) in people {
        writeln!(
            w,
            "### {}: {} events\n\n```text",
            sanitize(user),
            thousands(ids.len() as u64)
        )?;
        for id in ids {
            writeln!(w, "{}", line(idx, id))?;
        }
        writeln!(w, "```\n")?;
    }
    Ok(())
}
