//! `kaudit summary`: totals, top users, top objects, verbs, codes, findings.

use super::output::{Col, Table, json_time, thousands};
use crate::cli::Format;
use crate::config::QueryConfig;
use crate::index::Index;
use crate::index::groups::{Counter, ObjectGroup, Tally, UserGroup};
use crate::model::intern::Sym;
use crate::model::text::sanitize;
use crate::model::{Nanos, is_human};
use crate::parse::NO_TIME;
use crate::query::Selection;
use serde_json::json;
use std::io::{self, Write};

const TOP: usize = 10;
const FINDINGS_SHOWN: usize = 6;

pub fn write(
    cfg: &QueryConfig,
    idx: &Index,
    sel: &Selection,
    out: &mut dyn Write,
) -> io::Result<()> {
    let tally = super::tally::of(idx, sel);
    let mut s = Summary::new(idx, sel, &tally);
    s.findings = crate::lens::findings::findings(idx, &super::lenses(idx, sel));
    match cfg.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(idx, &s))?;
            writeln!(out)
        }
        _ => table(cfg, idx, &s, out),
    }
}

/// What `summary` reports: the tally plus the events' own totals.
pub struct Summary<'a> {
    pub t: &'a Tally,
    pub events: u64,
    pub malformed: u64,
    pub first: Nanos,
    pub last: Nanos,
    pub users: Vec<&'a UserGroup>,
    pub humans: u64,
    pub objects: Vec<&'a ObjectGroup>,
    pub findings: Vec<crate::lens::findings::Finding>,
}

impl<'a> Summary<'a> {
    pub fn new(idx: &Index, sel: &Selection, t: &'a Tally) -> Self {
        let (mut first, mut last) = (Nanos::MAX, Nanos::MIN);
        for &e in &sel.events {
            let ts = idx.events[e as usize].ts;
            if ts != NO_TIME {
                first = first.min(ts);
                last = last.max(ts);
            }
        }
        let users = t.users_sorted(idx);
        let humans = users.iter().filter(|u| is_human(idx.s(u.user))).count() as u64;
        Summary {
            t,
            events: sel.events.len() as u64,
            malformed: idx.malformed() as u64,
            first,
            last,
            users,
            humans,
            objects: t.objects_sorted(idx),
            findings: Vec::new(),
        }
    }
}

pub fn to_json(idx: &Index, s: &Summary) -> serde_json::Value {
    let top_users: Vec<_> = s
        .users
        .iter()
        .take(TOP)
        .map(|u| json!({"user": user_json(idx.s(u.user)), "requests": u.requests, "denied": u.denied}))
        .collect();
    let top_objects: Vec<_> = s
        .objects
        .iter()
        .take(TOP)
        .map(|o| {
            json!({"resource": idx.s(o.key.resource), "subresource": opt(idx.s(o.key.subresource)),
                "namespace": opt(idx.s(o.key.namespace)), "name": opt(idx.s(o.key.name)), "requests": o.requests})
        })
        .collect();
    json!({
        "events": s.events,
        "requests": s.t.requests,
        "malformed": s.malformed,
        "first": json_time(s.first),
        "last": json_time(s.last),
        "users": s.users.len(),
        "humans": s.humans,
        "top_users": top_users,
        "top_objects": top_objects,
        "codes": codes_json(&s.t.codes),
        "no_code": s.t.no_code,
        "verbs": counts_json(idx, &s.t.verbs),
        "findings": findings_json(&s.findings),
        "secret_requests": s.t.secrets,
        "denied_requests": s.t.denied,
        "exec_requests": s.t.exec,
    })
}

/// SPEC `findings`: how many findings each investigation has, plus the
/// other access findings and the total.
fn findings_json(f: &[crate::lens::findings::Finding]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (lens, n) in crate::lens::findings::counts(f) {
        m.insert(super::findings::lens_name(lens).into(), json!(n));
    }
    m.insert("total".into(), json!(f.len()));
    serde_json::Value::Object(m)
}

fn codes_json(c: &Counter<u16>) -> serde_json::Value {
    let mut v: Vec<_> = c.iter().collect();
    v.sort();
    serde_json::Value::Object(
        v.into_iter()
            .map(|(c, n)| (c.to_string(), json!(n)))
            .collect(),
    )
}

/// `{"get": 12, …}` sorted by key.
pub fn counts_json(idx: &Index, c: &Counter<Sym>) -> serde_json::Value {
    let mut v: Vec<_> = c.iter().map(|(k, n)| (idx.s(k).to_string(), n)).collect();
    v.sort();
    serde_json::Value::Object(v.into_iter().map(|(k, n)| (k, json!(n))).collect())
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
    let t = s.t;
    writeln!(
        out,
        "events    {} ({} requests, {} malformed lines skipped)",
        thousands(s.events),
        thousands(t.requests),
        thousands(s.malformed)
    )?;
    if s.events > 0 {
        let f = crate::model::time::format_short;
        writeln!(out, "window    {} → {} UTC", f(s.first), f(s.last))?;
    }
    writeln!(out, "users     {} ({} humans)", s.users.len(), s.humans)?;
    let mut codes: Vec<_> = t.codes.iter().collect();
    codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let codes: Vec<String> = codes
        .iter()
        .map(|(c, n)| format!("{c}: {}", thousands(*n)))
        .collect();
    wrap(out, "codes", &codes, cfg.width)?;
    let mut verbs: Vec<_> = t.verbs.iter().map(|(k, n)| (idx.s(k), n)).collect();
    verbs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let verbs: Vec<String> = verbs
        .iter()
        .map(|(v, n)| format!("{}: {}", sanitize(v), thousands(*n)))
        .collect();
    wrap(out, "verbs", &verbs, cfg.width)?;
    writeln!(
        out,
        "lenses    {} requests on secrets, {} refused, {} exec/attach/port-forward",
        thousands(t.secrets),
        thousands(t.denied),
        thousands(t.exec)
    )?;
    let by: Vec<String> = crate::lens::findings::counts(&s.findings)
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| format!("{n} {}", super::findings::lens_name(*l)))
        .collect();
    let high = s
        .findings
        .iter()
        .filter(|f| f.severity == crate::lens::findings::Severity::High)
        .count();
    writeln!(
        out,
        "findings  {} ({high} high){}{}",
        s.findings.len(),
        if by.is_empty() { "" } else { ": " },
        by.join(", ")
    )?;
    writeln!(out)?;
    // The first findings, one line each; `kaudit findings` has them all.
    for f in s.findings.iter().take(FINDINGS_SHOWN) {
        let line = format!(
            "{:<6} {}: {}",
            f.severity.as_str().to_uppercase(),
            f.subject,
            f.summary
        );
        writeln!(
            out,
            "{}",
            crate::model::text::truncate(&sanitize(&line), cfg.width)
        )?;
    }
    if s.findings.len() > FINDINGS_SHOWN {
        writeln!(
            out,
            "… {} more: kaudit findings",
            s.findings.len() - FINDINGS_SHOWN
        )?;
    }
    if !s.findings.is_empty() {
        writeln!(out)?;
    }
    let mut tab = Table::new(vec![
        Col::name("TOP USERS"),
        Col::num("REQUESTS"),
        Col::num("DENIED"),
    ]);
    for u in s.users.iter().take(TOP) {
        let name = idx.s(u.user);
        tab.row(vec![
            crate::model::user_shown(name).into(),
            thousands(u.requests),
            thousands(u.denied),
        ]);
    }
    tab.write(out, cfg.width)?;
    writeln!(out)?;
    let mut tab = Table::new(vec![
        Col::name("TOP OBJECTS"),
        Col::num("REQUESTS"),
        Col::num("USERS"),
    ]);
    for o in s.objects.iter().take(TOP) {
        tab.row(vec![
            super::groups::object_label(idx, &o.key),
            thousands(o.requests),
            o.users.len().to_string(),
        ]);
    }
    tab.write(out, cfg.width)
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
