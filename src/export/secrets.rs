//! `kaudit secrets`: who touched which secret.

use super::table::{Clock, Col, Table, csv_row, json_time, thousands};
use super::table::{opt, user_json};
use super::{Form, Shape};
use crate::index::Index;
use crate::lens::Lenses;
use crate::lens::findings::Ranking;
use crate::lens::secrets::Access;
use crate::model::intern::Sym;
use serde_json::json;
use std::io::{self, Write};

fn access_json(idx: &Index, a: &Access) -> serde_json::Value {
    json!({
        "user": user_json(idx.s(a.user)),
        "as": opt(idx.s(a.impersonated)),
        "verb": idx.s(a.verb),
        "code": a.code,
        "time": json_time(a.time),
        "auditID": idx.audit_id(&idx.requests[a.req as usize]),
        "source_ip": opt(idx.s(a.ip)),
        "user_agent": opt(idx.s(a.agent)),
        "level": a.level.as_str(),
        "values": a.values,
        "exposed": a.exposed,
    })
}

fn named(u: &str) -> String {
    crate::model::user_shown(u).into()
}

fn place(idx: &Index, ns: Sym, name: Sym) -> String {
    match (idx.s(ns), idx.s(name)) {
        ("", "") => "(all namespaces)".into(),
        ("", n) => n.into(),
        (ns, "") => format!("{ns}/(all)"),
        (ns, n) => format!("{ns}/{n}"),
    }
}

pub fn write(sh: &Shape, idx: &Index, l: &Lenses, out: &mut dyn Write) -> io::Result<()> {
    let lens = &l.secrets;
    let access_list = |reqs: &std::collections::BTreeSet<(i64, u32)>| {
        reqs.iter()
            .map(|(_, r)| &lens.accesses[r])
            .collect::<Vec<_>>()
    };
    match sh.form {
        Form::Json => {
            let secrets: Vec<_> = lens
                .secrets_sorted(idx)
                .into_iter()
                .map(|((ns, name), reqs)| {
                    json!({"namespace": opt(idx.s(ns)), "name": opt(idx.s(name)), "requests": reqs.len(),
                        "accesses": access_list(reqs).iter().map(|a| access_json(idx, a)).collect::<Vec<_>>()})
                })
                .collect();
            let users: Vec<_> = lens
                .users_sorted(idx)
                .into_iter()
                .map(|(u, s)| {
                    json!({"user": user_json(idx.s(u)), "reads": s.reads, "writes": s.writes, "denied": s.denied,
                        "cross_namespace_list": s.all_namespaces > 0, "requests": s.requests})
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &json!({"secrets": secrets, "users": users}))?;
            writeln!(out)
        }
        Form::Jsonl => {
            let mut all: Vec<&Access> = lens.accesses.values().collect();
            all.sort_by_key(|a| (a.time, a.req));
            all.iter().try_for_each(|a| {
                let mut v = access_json(idx, a);
                v["namespace"] = opt(idx.s(a.namespace));
                v["name"] = opt(idx.s(a.name));
                writeln!(out, "{v}")
            })
        }
        Form::Csv => {
            csv_row(
                out,
                &[
                    "time",
                    "auditID",
                    "namespace",
                    "name",
                    "user",
                    "as",
                    "verb",
                    "code",
                    "source_ip",
                    "user_agent",
                    "level",
                    "values",
                    "exposed",
                ],
            )?;
            let mut all: Vec<&Access> = lens.accesses.values().collect();
            all.sort_by_key(|a| (a.time, a.req));
            all.iter().try_for_each(|a| {
                let t = json_time(a.time).as_str().unwrap_or("").to_string();
                let code = a.code.map_or(String::new(), |c| c.to_string());
                csv_row(
                    out,
                    &[
                        &t,
                        &idx.audit_id(&idx.requests[a.req as usize]),
                        idx.s(a.namespace),
                        idx.s(a.name),
                        idx.s(a.user),
                        idx.s(a.impersonated),
                        idx.s(a.verb),
                        &code,
                        idx.s(a.ip),
                        idx.s(a.agent),
                        a.level.as_str(),
                        if a.values { "true" } else { "false" },
                        &a.exposed.join(";"),
                    ],
                )
            })
        }
        // md and case are export's alone (config refuses them here).
        Form::Table => table(sh, idx, l, out),
    }
}

fn table(sh: &Shape, idx: &Index, l: &Lenses, out: &mut dyn Write) -> io::Result<()> {
    use crate::lens::findings::{Lens, personal};
    let lens = &l.secrets;
    let rank = Ranking::new(idx, l);
    // Secrets a finding points at first (most severe first), then those people
    // touched, then the busiest.
    let mut rows = lens.secrets_sorted(idx);
    rows.sort_by_key(|(_, reqs)| {
        let people = reqs
            .iter()
            .any(|(_, r)| personal(idx.s(lens.accesses[r].user)));
        (
            std::cmp::Reverse(rank.of_requests(reqs.iter().map(|x| x.1), Some(Lens::Secrets))),
            !people,
        )
    });
    let clock = Clock::over(rows.iter().filter_map(|(_, reqs)| reqs.last().map(|x| x.0)));
    let mut t = Table::new(vec![
        Col::name("SECRET").weight(3),
        Col::num("REQS"),
        Col::fixed("LAST"),
        Col::text("WHO").weight(2),
        Col::text("NOTES").weight(2),
    ]);
    for ((ns, name), reqs) in &rows {
        let acc: Vec<&Access> = reqs.iter().map(|(_, r)| &lens.accesses[r]).collect();
        // People by name; system identities as a count.
        let mut people: Vec<(String, usize)> = Vec::new();
        let mut system = 0;
        for a in &acc {
            let u = idx.s(a.user);
            if !personal(u) && !u.is_empty() {
                system += 1;
                continue;
            }
            let u = named(u);
            match people.iter_mut().find(|(w, _)| *w == u) {
                Some(x) => x.1 += 1,
                None => people.push((u, 1)),
            }
        }
        people.sort_by_key(|p| std::cmp::Reverse(p.1));
        let mut who: Vec<String> = people.iter().map(|(u, n)| format!("{u} ({n})")).collect();
        if system > 0 {
            who.push(format!("+{system} system"));
        }
        let mut notes: Vec<String> = rank
            .labels_of(reqs.iter().map(|x| x.1), Lens::Secrets)
            .into_iter()
            .map(String::from)
            .collect();
        let refused = acc.iter().filter(|a| a.denied).count();
        if refused > 0 && !notes.iter().any(|n| n == "refused") {
            notes.push(format!("{refused} refused"));
        }
        if acc.iter().any(|a| a.values) {
            notes.push("values logged".into());
        } else if acc.iter().all(|a| a.level < crate::model::Level::Request) {
            notes.push("metadata only".into());
        }
        let last = acc.last().map_or(0, |a| a.time);
        t.row(vec![
            place(idx, *ns, *name),
            thousands(reqs.len() as u64),
            clock.show(last),
            who.join(", "),
            notes.join(", "),
        ]);
    }
    t.write(out, sh.width)?;
    writeln!(out)?;
    let mut users = lens.users_sorted(idx);
    users.sort_by_key(|(u, _)| {
        (
            std::cmp::Reverse(rank.of_user(idx, *u, Lens::Secrets)),
            !personal(idx.s(*u)),
        )
    });
    let mut t = Table::new(vec![
        Col::name("USER"),
        Col::num("READS"),
        Col::num("WRITES"),
        Col::num("DENIED"),
        Col::fixed("ALL-NS"),
        Col::text("FINDINGS"),
    ]);
    for (u, s) in users {
        let labels: Vec<&str> = rank
            .about(idx.s(u), Lens::Secrets)
            .map(|f| f.rule.label)
            .collect();
        t.row(vec![
            named(idx.s(u)),
            thousands(s.reads),
            thousands(s.writes),
            thousands(s.denied),
            if s.all_namespaces > 0 {
                "yes".into()
            } else {
                "-".into()
            },
            labels.join(", "),
        ]);
    }
    t.write(out, sh.width)
}
