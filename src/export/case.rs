//! A case file: a directory with the events, the report, the findings and
//! the lenses as JSON, the marked events with their notes, and a manifest of
//! every file's size and SHA-256 with the scope. Re-running the same export
//! on the same input writes the same bytes, but for the manifest's `created`.

use super::file::Dir;
use super::table::json_time;
use super::{Evidence, ExportError, Form, Scope, Shape, Target};
use crate::model::RawAccess;
use crate::model::time::format_micros;
use serde_json::json;

pub const MANIFEST: &str = "MANIFEST.json";

pub fn write(
    ev: &Evidence,
    scope: &Scope,
    raw: &mut dyn RawAccess,
    target: &Target,
) -> Result<(), ExportError> {
    let (idx, sel) = (ev.idx, ev.sel);
    let redact = ev.redact;
    let lenses = super::lenses(idx, sel);
    let json = Shape::file(Form::Json, redact);
    let mut dir = Dir::new(&target.path)?;
    dir.file("events.jsonl", |w| {
        super::events::write(&Shape::file(Form::Jsonl, redact), idx, sel, raw, w)
    })?;
    dir.file("report.md", |w| super::report::write(ev, scope, &lenses, w))?;
    dir.file("findings.json", |w| {
        super::findings::write(&json, idx, &lenses, w)
    })?;
    dir.file("secrets.json", |w| {
        super::secrets::write(&json, idx, &lenses, w)
    })?;
    dir.file("denied.json", |w| {
        super::denied::write(&json, idx, &lenses, w)
    })?;
    dir.file("exec.json", |w| super::exec::write(&json, idx, &lenses, w))?;
    if !ev.marks.is_empty() {
        dir.file("marks.json", |w| {
            serde_json::to_writer_pretty(&mut *w, &marks(ev))?;
            writeln!(w)
        })?;
    }
    let listed: Vec<serde_json::Value> = dir
        .files
        .iter()
        .map(|(n, b, h)| json!({"file": n, "bytes": b, "sha256": h}))
        .collect();
    let manifest = json!({
        "files": listed,
        "scope": scope.json(),
        // The one field that differs between two runs of the same export.
        "created": format_micros(crate::model::time::now()),
    });
    dir.file(MANIFEST, |w| {
        serde_json::to_writer_pretty(&mut *w, &manifest)?;
        writeln!(w)
    })?;
    dir.finish(target.force, MANIFEST)
}

/// The marked events, in time order, with the operator's notes.
fn marks(ev: &Evidence) -> serde_json::Value {
    let idx = ev.idx;
    let ids = ev.marked();
    let list: Vec<serde_json::Value> = ids
        .iter()
        .map(|&id| {
            let e = &idx.events[id as usize];
            let o = idx.obj(e);
            let req = &idx.requests[e.req as usize];
            json!({
                "time": json_time(e.ts),
                "auditID": idx.audit_id(req),
                "stage": e.stage.as_str(),
                "user": idx.s(idx.who(e).user),
                "verb": idx.s(e.verb),
                "resource": super::table::opt(&super::table::target(idx, o)),
                "namespace": super::table::opt(idx.s(o.namespace)),
                "name": super::table::opt(idx.s(o.name)),
                "code": (e.code != 0).then_some(e.code),
                "note": ev.marks.get(&id).filter(|n| !n.is_empty()),
            })
        })
        .collect();
    json!({ "marks": list })
}
