//! `kaudit exec`: exec, attach, port-forward and debug sessions.

use super::table::{Clock, Col, Table, csv_row, json_time};
use super::table::{opt, user_json};
use super::{Form, Shape};
use crate::index::Index;
use crate::lens::Lenses;
use crate::lens::exec::Session;
use crate::lens::findings::{Lens, Ranking};
use serde_json::json;
use std::io::{self, Write};

/// The CSV columns: fields of the JSON session, in this order.
const CSV_COLUMNS: &[&str] = &[
    "start",
    "end",
    "duration_s",
    "auditID",
    "user",
    "as",
    "subresource",
    "namespace",
    "pod",
    "container",
    "command",
    "tty",
    "stdin",
    "ports",
    "code",
    "outcome",
    "source_ips",
    "flags",
];

fn session_json(idx: &Index, s: &Session, flags: &[String]) -> serde_json::Value {
    let ips: Vec<&str> = idx.lists.get(s.ips).iter().map(|&i| idx.s(i)).collect();
    json!({
        "auditID": idx.audit_id(&idx.requests[s.req as usize]),
        "user": user_json(idx.s(s.user)),
        "as": opt(idx.s(s.impersonated)),
        "subresource": idx.s(s.subresource),
        "namespace": opt(idx.s(s.namespace)),
        "pod": opt(idx.s(s.pod)),
        "container": opt(&s.params.container),
        "command": s.params.command,
        "tty": s.params.tty,
        "stdin": s.params.stdin,
        "ports": s.params.ports,
        "start": json_time(s.start),
        "end": s.end.map(json_time),
        "duration_s": s.duration_s(),
        "code": s.code,
        "outcome": s.outcome.as_str(),
        "source_ips": ips,
        "user_agent": opt(idx.s(s.agent)),
        "flags": flags,
    })
}

fn what(s: &Session) -> String {
    if !s.params.command.is_empty() {
        s.params.command.join(" ")
    } else if !s.params.ports.is_empty() {
        format!("ports {}", s.params.ports.join(","))
    } else {
        String::new()
    }
}

fn duration(s: &Session) -> String {
    match s.duration_s() {
        None => "open".into(),
        Some(d) if d >= 60.0 => format!("{}m{:02}s", d as u64 / 60, d as u64 % 60),
        Some(d) => format!("{d:.0}s"),
    }
}

pub fn write(sh: &Shape, idx: &Index, l: &Lenses, out: &mut dyn Write) -> io::Result<()> {
    let rank = Ranking::new(idx, l);
    let sessions: Vec<&Session> = l.exec.sorted().collect();
    let flags = |s: &Session| {
        rank.rules_of([s.req], Some(Lens::Exec))
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    match sh.form {
        Form::Json => {
            let list: Vec<_> = sessions
                .iter()
                .map(|s| session_json(idx, s, &flags(s)))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &json!({"sessions": list}))?;
            writeln!(out)
        }
        Form::Jsonl => sessions
            .iter()
            .try_for_each(|s| writeln!(out, "{}", session_json(idx, s, &flags(s)))),
        Form::Csv => {
            csv_row(out, CSV_COLUMNS)?;
            sessions.iter().try_for_each(|s| {
                let j = session_json(idx, s, &flags(s));
                let text = |k: &str| match &j[k] {
                    serde_json::Value::String(x) => x.clone(),
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::Array(a) => a
                        .iter()
                        .map(|v| v.as_str().map_or(v.to_string(), String::from))
                        .collect::<Vec<_>>()
                        .join(if k == "command" { " " } else { ";" }),
                    v => v.to_string(),
                };
                let cells: Vec<String> = CSV_COLUMNS.iter().map(|k| text(k)).collect();
                csv_row(out, &cells.iter().map(String::as_str).collect::<Vec<_>>())
            })
        }
        Form::Table => {
            // Sessions that findings point at first, most severe first; then by start.
            let clock = Clock::over(sessions.iter().map(|s| s.start));
            let mut rows = sessions;
            rows.sort_by_key(|s| std::cmp::Reverse(rank.suspicion(s.req, Lens::Exec)));
            let mut t = Table::new(vec![
                Col::fixed("START"),
                Col::name("USER").weight(2),
                Col::name("TARGET").weight(2),
                Col::text("WHAT").weight(3),
                Col::fixed("TIME"),
            ]);
            for s in rows {
                let user = idx.s(s.user);
                let kind = match idx.s(s.subresource) {
                    "portforward" => "port-forward",
                    "ephemeralcontainers" => "debug",
                    k => k,
                };
                let tty = if s.params.tty { " [tty]" } else { "" };
                let mut notes = rank.labels_of([s.req], Lens::Exec).join(", ");
                if !notes.is_empty() {
                    notes = format!("  ({notes})");
                }
                let time = match s.outcome {
                    crate::lens::exec::Outcome::Allowed => duration(s),
                    o => o.as_str().into(),
                };
                t.row(vec![
                    clock.show(s.start),
                    crate::model::user_shown(user).into(),
                    s.target(idx),
                    format!("{kind} {}{tty}{notes}", what(s)),
                    time,
                ]);
            }
            t.write(out, sh.width)
        }
    }
}
