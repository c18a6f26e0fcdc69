//! `kaudit users` and `kaudit objects`.

use super::output::{Col, Table, csv_row, json_time, table_time, thousands};
use super::summary::{opt, user_json};
use crate::cli::Format;
use crate::config::QueryConfig;
use crate::index::groups::{self, ObjectGroup, ReqSet, UserGroup};
use crate::index::{Index, ObjKey};
use crate::query::Selection;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{self, Write};

fn user_entry(idx: &Index, u: &UserGroup) -> serde_json::Value {
    json!({"user": user_json(idx.s(u.user)), "requests": u.requests, "denied": u.denied,
        "first": json_time(u.first), "last": json_time(u.last), "verbs": u.verbs, "resources": u.resources})
}

fn object_entry(idx: &Index, o: &ObjectGroup) -> serde_json::Value {
    let k = o.key;
    json!({"resource": idx.s(k.resource), "subresource": opt(idx.s(k.subresource)), "namespace": opt(idx.s(k.namespace)),
        "name": opt(idx.s(k.name)), "requests": o.requests, "users": o.users, "first": json_time(o.first), "last": json_time(o.last)})
}

/// `pods/exec payments-prod/web-1` style label of an object.
pub fn object_label(idx: &Index, k: &ObjKey) -> String {
    let mut s = idx.s(k.resource).to_string();
    if !k.subresource.is_none() {
        s = format!("{s}/{}", idx.s(k.subresource));
    }
    format!("{s} {}", place(idx.s(k.namespace), idx.s(k.name)))
}

/// Where a request points: `ns/name`, `ns/(all)` for a collection in a
/// namespace, `(all)` for one across namespaces or cluster-wide.
pub fn place(ns: &str, name: &str) -> String {
    match (ns, name) {
        ("", "") => "(all)".to_string(),
        ("", name) => name.to_string(),
        (ns, "") => format!("{ns}/(all)"),
        (ns, name) => format!("{ns}/{name}"),
    }
}

fn counts(m: &BTreeMap<String, u64>) -> String {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter()
        .map(|(k, n)| format!("{k}={n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn write_users(
    cfg: &QueryConfig,
    idx: &Index,
    sel: &Selection,
    out: &mut dyn Write,
) -> io::Result<()> {
    let users = groups::users(idx, &ReqSet::new(idx, &sel.requests));
    match cfg.format {
        Format::Json => {
            let list: Vec<_> = users.iter().map(|u| user_entry(idx, u)).collect();
            serde_json::to_writer_pretty(&mut *out, &json!({"users": list}))?;
            writeln!(out)
        }
        Format::Jsonl => users
            .iter()
            .try_for_each(|u| writeln!(out, "{}", user_entry(idx, u))),
        Format::Csv => {
            csv_row(
                out,
                &[
                    "user",
                    "requests",
                    "denied",
                    "first",
                    "last",
                    "verbs",
                    "resources",
                ],
            )?;
            users.iter().try_for_each(|u| {
                let t = |t| json_time(t).as_str().unwrap_or("").to_string();
                csv_row(
                    out,
                    &[
                        idx.s(u.user),
                        &u.requests.to_string(),
                        &u.denied.to_string(),
                        &t(u.first),
                        &t(u.last),
                        &counts(&u.verbs),
                        &counts(&u.resources),
                    ],
                )
            })
        }
        Format::Table => {
            let mut t = Table::new(vec![
                Col::name("USER"),
                Col::num("REQUESTS"),
                Col::num("DENIED"),
                Col::fixed("FIRST"),
                Col::fixed("LAST"),
            ]);
            for u in &users {
                let name = idx.s(u.user);
                let name = if name.is_empty() {
                    "(no user)".to_string()
                } else {
                    name.to_string()
                };
                t.row(vec![
                    name,
                    thousands(u.requests),
                    thousands(u.denied),
                    table_time(u.first),
                    table_time(u.last),
                ]);
            }
            t.write(out, cfg.width)
        }
    }
}

pub fn write_objects(
    cfg: &QueryConfig,
    idx: &Index,
    sel: &Selection,
    out: &mut dyn Write,
) -> io::Result<()> {
    let objects = groups::objects(idx, &ReqSet::new(idx, &sel.requests));
    match cfg.format {
        Format::Json => {
            let list: Vec<_> = objects.iter().map(|o| object_entry(idx, o)).collect();
            serde_json::to_writer_pretty(&mut *out, &json!({"objects": list}))?;
            writeln!(out)
        }
        Format::Jsonl => objects
            .iter()
            .try_for_each(|o| writeln!(out, "{}", object_entry(idx, o))),
        Format::Csv => {
            csv_row(
                out,
                &[
                    "resource",
                    "subresource",
                    "namespace",
                    "name",
                    "requests",
                    "users",
                    "first",
                    "last",
                ],
            )?;
            objects.iter().try_for_each(|o| {
                let k = o.key;
                let t = |t| json_time(t).as_str().unwrap_or("").to_string();
                csv_row(
                    out,
                    &[
                        idx.s(k.resource),
                        idx.s(k.subresource),
                        idx.s(k.namespace),
                        idx.s(k.name),
                        &o.requests.to_string(),
                        &counts(&o.users),
                        &t(o.first),
                        &t(o.last),
                    ],
                )
            })
        }
        Format::Table => {
            let mut t = Table::new(vec![
                Col::name("OBJECT"),
                Col::num("REQUESTS"),
                Col::text("USERS"),
                Col::fixed("LAST"),
            ]);
            for o in &objects {
                let mut users: Vec<_> = o.users.iter().collect();
                users.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let who = users
                    .iter()
                    .map(|(u, n)| {
                        format!(
                            "{} ({n})",
                            if u.is_empty() {
                                "(no user)"
                            } else {
                                u.as_str()
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                t.row(vec![
                    object_label(idx, &o.key),
                    thousands(o.requests),
                    who,
                    table_time(o.last),
                ]);
            }
            t.write(out, cfg.width)
        }
    }
}
