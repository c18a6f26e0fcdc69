//! `kaudit summary`: totals, top users, top objects, verbs, codes, findings.

use super::output::{Col, Table, json_time, thousands};
use crate::cli::Format;
use crate::config::QueryConfig;
use crate::index::Index;
use crate::index::summary::{Summary, summarize};
use crate::model::text::sanitize;
use crate::query::Selection;
use serde_json::json;
use std::io::{self, Write};

const TOP: usize = 10;

pub fn write(
    cfg: &QueryConfig,
    idx: &Index,
    sel: &Selection,
    out: &mut dyn Write,
) -> io::Result<()> {
    let s = summarize(idx, &sel.events, &sel.requests);
    match cfg.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(idx, &s))?;
            writeln!(out)
        }
        _ => table(cfg, idx, &s, out),
    }
}

pub fn to_json(idx: &Index, s: &Summary) -> serde_json::Value {
    let top_users: Vec<_> = s.users.iter().take(TOP).map(|u| json!({"user": user_json(idx.s(u.user)), "requests": u.requests, "denied": u.denied})).collect();
    let top_objects: Vec<_> = s
        .objects
        .iter()
        .take(TOP)
        .map(|o| {
            json!({"resource": idx.s(o.key.resource), "subresource": opt(idx.s(o.key.subresource)),
                "namespace": opt(idx.s(o.key.namespace)), "name": opt(idx.s(o.key.name)), "requests": o.requests})
        })
        .collect();
    let codes: serde_json::Map<String, serde_json::Value> = s
        .codes
        .iter()
        .map(|(c, n)| (c.to_string(), json!(n)))
        .collect();
    json!({
        "events": s.events,
        "requests": s.requests,
        "malformed": s.malformed,
        "first": json_time(s.first),
        "last": json_time(s.last),
        "users": s.users.len(),
        "humans": s.humans,
        "top_users": top_users,
        "top_objects": top_objects,
        "codes": codes,
        "no_code": s.no_code,
        "verbs": s.verbs,
        "findings": {"secrets": s.secrets, "denied": s.denied, "exec": s.exec},
    })
}

/// A user name for JSON: `null` when the request carried none (failed authentication).
pub fn user_json(u: &str) -> serde_json::Value {
    if u.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::Value::String(u.to_string())
    }
}

pub fn opt(s: &str) -> serde_json::Value {
    if s.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::Value::String(s.to_string())
    }
}

fn table(cfg: &QueryConfig, idx: &Index, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "events    {} ({} requests, {} malformed lines skipped)",
        thousands(s.events),
        thousands(s.requests),
        thousands(s.malformed)
    )?;
    if s.events > 0 {
        let t = crate::model::time::format_short;
        writeln!(out, "window    {} → {} UTC", t(s.first), t(s.last))?;
    }
    writeln!(out, "users     {} ({} humans)", s.users.len(), s.humans)?;
    let codes: Vec<String> = {
        let mut c: Vec<_> = s.codes.iter().collect();
        c.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        c.iter()
            .map(|(c, n)| format!("{c}: {}", thousands(**n)))
            .collect()
    };
    wrap(out, "codes", &codes, cfg.width)?;
    let verbs: Vec<String> = {
        let mut v: Vec<_> = s.verbs.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        v.iter()
            .map(|(v, n)| format!("{}: {}", sanitize(v), thousands(**n)))
            .collect()
    };
    wrap(out, "verbs", &verbs, cfg.width)?;
    writeln!(
        out,
        "findings  {} requests on secrets, {} denied, {} exec/attach/port-forward",
        thousands(s.secrets),
        thousands(s.denied),
        thousands(s.exec)
    )?;
    writeln!(out)?;
    let mut t = Table::new(vec![
        Col::name("TOP USERS"),
        Col::num("REQUESTS"),
        Col::num("DENIED"),
    ]);
    for u in s.users.iter().take(TOP) {
        let name = idx.s(u.user);
        t.row(vec![
            if name.is_empty() {
                "(no user)".into()
            } else {
                name.into()
            },
            thousands(u.requests),
            thousands(u.denied),
        ]);
    }
    t.write(out, cfg.width)?;
    writeln!(out)?;
    let mut t = Table::new(vec![
        Col::name("TOP OBJECTS"),
        Col::num("REQUESTS"),
        Col::num("USERS"),
    ]);
    for o in s.objects.iter().take(TOP) {
        t.row(vec![
            super::groups::object_label(idx, &o.key),
            thousands(o.requests),
            o.users.len().to_string(),
        ]);
    }
    t.write(out, cfg.width)
}

/// `label  a · b · c`, wrapped under the label.
fn wrap(out: &mut dyn Write, label: &str, items: &[String], width: usize) -> io::Result<()> {
    let mut line = format!("{label:<10}");
    let mut first = true;
    for it in items {
        if !first && line.chars().count() + 3 + it.chars().count() > width {
            writeln!(out, "{}", line.trim_end())?;
            line = " ".repeat(10);
            first = true;
        }
        if !first {
            line.push_str(" · ");
        }
        line.push_str(it);
        first = false;
    }
    writeln!(out, "{}", line.trim_end())
}
