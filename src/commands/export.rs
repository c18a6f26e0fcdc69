//! `kaudit export`: the matching events as evidence. `jsonl`: their own
//! lines in time order (redacted unless `--no-redact`, SPEC §3–4); `csv`:
//! the columns an analyst filters on; `md`: a report (scope, findings, a
//! timeline per person, secrets, denied, exec); `case`: a directory with all
//! of them and a manifest of SHA-256 sums. Re-running an export on the same
//! input writes the same bytes, but for the manifest's `created`.

use super::RunError;
use crate::cli::Format;
use crate::config::QueryConfig;
use crate::export::{sha256, sha256_file, write_dir, write_file};
use crate::index::Index;
use crate::model::RawAccess;
use crate::model::text::{place, sanitize, thousands};
use crate::model::time::format_micros;
use crate::query::Selection;
use serde_json::json;
use std::io::{self, Write};

const MANIFEST: &str = "MANIFEST.json";

pub fn write(
    cfg: &QueryConfig,
    idx: &Index,
    sel: &Selection,
    raw: &mut dyn RawAccess,
    names: &[String],
    err: &mut dyn Write,
) -> Result<(), RunError> {
    let Some(target) = &cfg.export else {
        return Err(RunError::Other("export: no --out".into()));
    };
    let fail = |e: crate::export::ExportError| RunError::Other(e.to_string());
    // A file is not a terminal: the lines go out as they were read, tables at
    // a fixed width so that the same export gives the same bytes.
    let mut fc = cfg.clone_for(cfg.sources.clone());
    fc.stdout_is_terminal = false;
    fc.color = false;
    fc.width = 120;
    let what = match cfg.format {
        Format::Md => {
            let scope = Scope::of(cfg, idx, sel, names)?;
            write_file(&target.path, target.force, |w| {
                report(&fc, &scope, idx, sel, w)
            })
            .map_err(fail)?;
            "a report of"
        }
        Format::Case => {
            let files = case_files(&fc, idx, sel, raw, names)?;
            write_dir(&target.path, target.force, MANIFEST, &files).map_err(fail)?;
            "a case file of"
        }
        _ => {
            write_file(&target.path, target.force, |w| {
                super::events::write(&fc, idx, sel, raw, w)
            })
            .map_err(fail)?;
            ""
        }
    };
    writeln!(
        err,
        "kaudit: wrote {what}{}{} events to {} (secret values {})",
        if what.is_empty() { "" } else { " " },
        thousands(sel.events.len() as u64),
        target.path.display(),
        if cfg.redact {
            "redacted"
        } else {
            "NOT redacted: --no-redact"
        }
    )?;
    Ok(())
}

/// What an export covers, for the report and the manifest.
struct Scope {
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
    fn of(
        cfg: &QueryConfig,
        idx: &Index,
        sel: &Selection,
        names: &[String],
    ) -> Result<Scope, RunError> {
        let mut files = Vec::new();
        let mut loki = Vec::new();
        for n in names {
            if let Some(rest) = n.strip_prefix("loki ") {
                let tenant = cfg.sources.iter().find_map(|s| match s {
                    crate::source::SourceSpec::Loki(l) => l.org_id.clone(),
                    _ => None,
                });
                loki.push((rest.to_string(), tenant));
            } else if n != "stdin" {
                let (size, sum) = sha256_file(std::path::Path::new(n))
                    .map_err(|e| RunError::Other(format!("cannot hash {n}: {e}")))?;
                files.push((n.clone(), size, sum));
            } else {
                files.push((n.clone(), 0, String::new()));
            }
        }
        let t = |e: Option<&u32>| e.map(|&id| format_micros(idx.events[id as usize].ts));
        Ok(Scope {
            files,
            loki,
            window: (
                cfg.window.from.map(format_micros),
                cfg.window.to.map(format_micros),
            ),
            filters: cfg.filter_text.clone(),
            redacted: cfg.redact,
            events: sel.events.len(),
            requests: sel.requests.len(),
            first: t(sel.events.first()),
            last: t(sel.events.last()),
        })
    }

    fn json(&self) -> serde_json::Value {
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

/// Markdown that reads as plain text too: tables of kaudit's own output in
/// fenced blocks, under headings.
fn report(
    cfg: &QueryConfig,
    scope: &Scope,
    idx: &Index,
    sel: &Selection,
    w: &mut dyn Write,
) -> io::Result<()> {
    let md = |s: &str| sanitize(s).replace('|', "\\|");
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
    let lenses = super::lenses(idx, sel);
    let block = |w: &mut dyn Write,
                 title: &str,
                 body: &dyn Fn(&mut Vec<u8>) -> io::Result<()>|
     -> io::Result<()> {
        let mut text = Vec::new();
        body(&mut text)?;
        writeln!(w, "## {title}\n\n```text")?;
        w.write_all(&text)?;
        writeln!(w, "```\n")
    };
    let mut table = cfg.clone_for(cfg.sources.clone());
    table.format = Format::Table;
    block(w, "Findings", &|o| {
        super::findings::write(&table, idx, &lenses, o)
    })?;
    timeline(idx, sel, w)?;
    block(w, "Secrets", &|o| {
        super::secrets::write(&table, idx, &lenses, o)
    })?;
    block(w, "Denied", &|o| {
        super::denied::write(&table, idx, &lenses, o)
    })?;
    block(w, "Exec, attach, port-forward", &|o| {
        super::exec::write(&table, idx, &lenses, o)
    })
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
            let e = &idx.events[id as usize];
            let o = idx.obj(e);
            writeln!(
                w,
                "{}  {:<7} {:<24} {:<40} {}",
                format_micros(e.ts),
                sanitize(idx.s(e.verb)),
                sanitize(&super::output::target(idx, o)),
                sanitize(&place(idx.s(o.namespace), idx.s(o.name))),
                super::output::code_cell(e.code)
            )?;
        }
        writeln!(w, "```\n")?;
    }
    Ok(())
}

/// The case directory's files, the manifest last.
fn case_files(
    cfg: &QueryConfig,
    idx: &Index,
    sel: &Selection,
    raw: &mut dyn RawAccess,
    names: &[String],
) -> Result<Vec<(String, Vec<u8>)>, RunError> {
    let scope = Scope::of(cfg, idx, sel, names)?;
    let lenses = super::lenses(idx, sel);
    let mut json_cfg = cfg.clone_for(cfg.sources.clone());
    json_cfg.format = Format::Json;
    let mut lines_cfg = cfg.clone_for(cfg.sources.clone());
    lines_cfg.format = Format::Jsonl;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |name: &str, f: &mut dyn FnMut(&mut Vec<u8>) -> io::Result<()>| {
        let mut b = Vec::new();
        f(&mut b)?;
        files.push((name.to_string(), b));
        Ok::<(), io::Error>(())
    };
    add("events.jsonl", &mut |o| {
        super::events::write(&lines_cfg, idx, sel, raw, o)
    })?;
    add("report.md", &mut |o| report(cfg, &scope, idx, sel, o))?;
    add("findings.json", &mut |o| {
        super::findings::write(&json_cfg, idx, &lenses, o)
    })?;
    add("secrets.json", &mut |o| {
        super::secrets::write(&json_cfg, idx, &lenses, o)
    })?;
    add("denied.json", &mut |o| {
        super::denied::write(&json_cfg, idx, &lenses, o)
    })?;
    add("exec.json", &mut |o| {
        super::exec::write(&json_cfg, idx, &lenses, o)
    })?;
    let listed: Vec<serde_json::Value> = files
        .iter()
        .map(|(n, b)| json!({"file": n, "bytes": b.len(), "sha256": sha256(b)}))
        .collect();
    let manifest = json!({
        "files": listed,
        "scope": scope.json(),
        // The one field that differs between two runs of the same export.
        "created": format_micros(crate::model::time::now()),
    });
    let mut m = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| RunError::Other(format!("cannot write the manifest: {e}")))?;
    m.push(b'\n');
    files.push((MANIFEST.to_string(), m));
    Ok(files)
}
