//! `kaudit summary`: totals, top users, top objects, verbs, codes, findings.

use crate::cli::Format;
use crate::config::QueryConfig;
use crate::export::table::{Col, Table, json_time, thousands};
use crate::export::table::{opt, user_json};
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
    s.findings = Some(crate::lens::findings::findings(
        idx,
        &crate::export::lenses(idx, sel),
    ));
    write_summary(cfg, idx, &s, out)
}

pub fn write_summary(
    cfg: &QueryConfig,
    idx: &Index,
    s: &Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    match cfg.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(idx, s))?;
            writeln!(out)
        }
        _ => table(cfg, idx, s, out),
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
    /// None when Loki counted the requests: findings need the events.
    pub findings: Option<Vec<crate::lens::findings::Finding>>,
    /// Requests per step, `(step, [(end of step, requests)])`, when Loki
    /// counted them.
    pub timeline: Option<(Nanos, Vec<(Nanos, u64)>)>,
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
        Summary {
            events: sel.events.len() as u64,
            malformed: idx.malformed() as u64,
            first,
            last,
            ..Summary::from_tally(idx, t)
        }
    }

    /// The tally's part; the events' totals and times left empty.
    pub fn from_tally(idx: &Index, t: &'a Tally) -> Self {
        let users = t.users_sorted(idx);
        let humans = users.iter().filter(|u| is_human(idx.s(u.user))).count() as u64;
        Summary {
            t,
            events: 0,
            malformed: 0,
            first: Nanos::MAX,
            last: Nanos::MIN,
            users,
            humans,
            objects: t.objects_sorted(idx),
            findings: None,
            timeline: None,
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
    let mut doc = json!({
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
        "findings": s.findings.as_deref().map_or(serde_json::Value::Null, findings_json),
        "secret_requests": s.t.secrets,
        "denied_requests": s.t.denied,
        "exec_requests": s.t.exec,
    });
    if let Some((step, points)) = &s.timeline {
        let points: Vec<_> = points
            .iter()
            .map(|&(t, n)| json!({"time": json_time(t), "requests": n}))
            .collect();
        doc["histogram"] = json!({"step_s": step / 1_000_000_000, "points": points});
    }
    doc
}

/// SPEC `findings`: how many findings each investigation has, plus the
/// other access findings and the total.
fn findings_json(f: &[crate::lens::findings::Finding]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (lens, n) in crate::lens::findings::counts(f) {
        m.insert(crate::export::findings::lens_name(lens).into(), json!(n));
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
    if let Some((step, points)) = &s.timeline {
        let f = crate::model::time::format_short;
        let (lo, hi) = (s.first, s.last);
        writeln!(
            out,
            "activity  {} (requests in {} s steps, {} → {})",
            spark(
                points,
                *step,
                lo,
                hi,
                cfg.width.saturating_sub(60).clamp(10, 60)
            ),
            step / 1_000_000_000,
            f(lo),
            f(hi)
        )?;
    }
    let Some(findings) = &s.findings else {
        writeln!(
            out,
            "findings  not looked for: Loki counted the requests; kaudit secrets, denied and exec read the lines"
        )?;
        writeln!(out)?;
        return top_tables(cfg, idx, s, out);
    };
    let by: Vec<String> = crate::lens::findings::counts(findings)
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| format!("{n} {}", crate::export::findings::lens_name(*l)))
        .collect();
    let high = findings
        .iter()
        .filter(|f| f.severity == crate::lens::findings::Severity::High)
        .count();
    writeln!(
        out,
        "findings  {} ({high} high){}{}",
        findings.len(),
        if by.is_empty() { "" } else { ": " },
        by.join(", ")
    )?;
    writeln!(out)?;
    // The first findings, one line each; `kaudit findings` has them all.
    for f in findings.iter().take(FINDINGS_SHOWN) {
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
    if findings.len() > FINDINGS_SHOWN {
        writeln!(
            out,
            "… {} more: kaudit findings",
            findings.len() - FINDINGS_SHOWN
        )?;
    }
    if !findings.is_empty() {
        writeln!(out)?;
    }
    top_tables(cfg, idx, s, out)
}

fn top_tables(cfg: &QueryConfig, idx: &Index, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
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
    if s.objects.is_empty() {
        return Ok(());
    }
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
            // No users: Loki counted, and not per user (unknown, not 0).
            if o.users.is_empty() {
                "-".to_string()
            } else {
                o.users.len().to_string()
            },
        ]);
    }
    tab.write(out, cfg.width)
}

/// Requests over the window in `width` characters, ▁ to █.
fn spark(points: &[(Nanos, u64)], step: Nanos, lo: Nanos, hi: Nanos, width: usize) -> String {
    if hi <= lo || points.is_empty() {
        return String::new();
    }
    let mut bins = vec![0u64; width];
    let span = (hi - lo + step) as i128;
    for &(t, n) in points {
        let at = ((t - step / 2 - lo).max(0) as i128 * width as i128 / span) as usize;
        bins[at.min(width - 1)] += n;
    }
    let max = bins.iter().copied().max().unwrap_or(0).max(1);
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    bins.iter()
        .map(|&n| {
            if n == 0 {
                ' '
            } else {
                BARS[(n * 7 / max) as usize]
            }
        })
        .collect()
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
