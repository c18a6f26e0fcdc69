//! `kaudit denied`: failed authentication and authorization.

use super::table::{Clock, Col, Table, json_time, thousands};
use super::table::{opt, user_json};
use super::{Form, Shape};
use crate::index::Index;
use crate::lens::Lenses;
use crate::lens::denied::Attempt;
use crate::lens::findings::{Lens, Ranking};
use crate::lens::resource_label;
use crate::model::text::{sanitize, truncate};
use serde_json::json;
use std::io::{self, Write};

fn attempt_json(idx: &Index, a: &Attempt) -> serde_json::Value {
    let k = a.key;
    json!({"verb": idx.s(k.verb), "resource": opt(idx.s(k.resource)), "subresource": opt(idx.s(k.subresource)),
        "namespace": opt(idx.s(k.namespace)), "name": opt(idx.s(k.name)), "path": opt(idx.s(k.path)), "code": k.code,
        "reason": idx.s(a.reason), "message": opt(idx.s(a.message)), "requests": a.requests,
        "first": json_time(a.first), "last": json_time(a.last)})
}

/// `list secrets (all namespaces)`, `get secrets kube-system/x`, `get /api`.
fn attempt_text(idx: &Index, a: &Attempt) -> String {
    let k = a.key;
    if k.resource.is_none() {
        return format!("{} {}", idx.s(k.verb), idx.s(k.path));
    }
    let place = match (idx.s(k.namespace), idx.s(k.name)) {
        ("", "") => " (all namespaces)".to_string(),
        ("", n) => format!(" {n}"),
        (ns, "") => format!(" in {ns}"),
        (ns, n) => format!(" {ns}/{n}"),
    };
    format!(
        "{} {}{place}",
        idx.s(k.verb),
        resource_label(idx, k.resource, k.subresource)
    )
}

pub fn write(sh: &Shape, idx: &Index, l: &Lenses, out: &mut dyn Write) -> io::Result<()> {
    let users = l.denied.by_user(idx);
    let unauth = l.denied.unauthenticated(idx);
    if sh.form == Form::Json {
        let by_user: Vec<_> = users
            .iter()
            .map(|u| {
                let codes: serde_json::Map<String, serde_json::Value> = u.codes.iter().map(|(c, n)| (c.to_string(), json!(n))).collect();
                json!({"user": user_json(idx.s(u.user)), "requests": u.requests, "codes": codes, "first": json_time(u.first),
                    "last": json_time(u.last), "attempts": u.attempts.iter().map(|a| attempt_json(idx, a)).collect::<Vec<_>>()})
            })
            .collect();
        let unauthenticated: Vec<_> = unauth
            .iter()
            .map(|s| {
                json!({"source_ip": opt(idx.s(s.ip)), "user_agent": opt(idx.s(s.agent)), "requests": s.requests,
                    "first": json_time(s.first), "last": json_time(s.last), "paths": s.paths.iter().map(|p| idx.s(*p)).collect::<Vec<_>>()})
            })
            .collect();
        serde_json::to_writer_pretty(
            &mut *out,
            &json!({"by_user": by_user, "unauthenticated": unauthenticated}),
        )?;
        return writeln!(out);
    }
    let rank = Ranking::new(idx, l);
    let mut users = users;
    users.sort_by_key(|u| std::cmp::Reverse(rank.of_user(idx, u.user, Lens::Denied)));
    let width = sh.width;
    let clock = Clock::over(
        users
            .iter()
            .flat_map(|u| [u.first, u.last])
            .chain(unauth.iter().flat_map(|s| [s.first, s.last])),
    );
    // A card per user: what was refused, then the attempts, most first.
    for u in &users {
        let codes: Vec<String> = u.codes.iter().map(|(c, n)| format!("{c}×{n}")).collect();
        let rules: Vec<&str> = rank
            .about(idx.s(u.user), Lens::Denied)
            .map(|f| f.rule.label)
            .collect();
        let head = format!(
            "{}  refused {} ({})  {} → {}{}",
            idx.s(u.user),
            thousands(u.requests),
            codes.join(" "),
            clock.show(u.first),
            clock.show(u.last),
            if rules.is_empty() {
                String::new()
            } else {
                format!("  [{}]", rules.join(", "))
            }
        );
        writeln!(out, "{}", truncate(&sanitize(&head), width))?;
        for a in u.attempts.iter().take(5) {
            let why = if a.message.is_none() {
                idx.s(a.reason).to_string()
            } else {
                idx.s(a.message).to_string()
            };
            let line = format!("    {:>4}× {}  {}", a.requests, attempt_text(idx, a), why);
            writeln!(out, "{}", truncate(&sanitize(&line), width))?;
        }
        if u.attempts.len() > 5 {
            writeln!(out, "    … and {} more", u.attempts.len() - 5)?;
        }
    }
    if !unauth.is_empty() {
        if !users.is_empty() {
            writeln!(out)?;
        }
        let mut t = Table::new(vec![
            Col::fixed("UNAUTHENTICATED FROM"),
            Col::text("AGENT"),
            Col::num("REQS"),
            Col::fixed("FIRST"),
            Col::fixed("LAST"),
            Col::text("PATHS"),
        ]);
        for s in &unauth {
            let paths: Vec<&str> = s.paths.iter().map(|p| idx.s(*p)).collect();
            t.row(vec![
                idx.s(s.ip).into(),
                idx.s(s.agent).into(),
                thousands(s.requests),
                clock.show(s.first),
                clock.show(s.last),
                paths.join(" "),
            ]);
        }
        t.write(out, width)?;
    }
    Ok(())
}
