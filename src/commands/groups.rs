//! `kaudit users` and `kaudit objects`.

use super::summary::counts_json;
use crate::cli::Format;
use crate::config::QueryConfig;
use crate::export::table::{Clock, Col, Table, csv_row, json_time, thousands};
use crate::export::table::{opt, user_json};
use crate::index::groups::{Counter, ObjectGroup, Tally, UserGroup};
use crate::index::{Index, ObjKey};
use crate::model::intern::Sym;
use serde_json::json;
use std::io::{self, Write};

/// `pods/exec` or `pods`.
fn resource_name(idx: &Index, res: Sym, sub: Sym) -> String {
    if sub.is_none() {
        idx.s(res).to_string()
    } else {
        format!("{}/{}", idx.s(res), idx.s(sub))
    }
}

fn resources_json(idx: &Index, c: &Counter<(Sym, Sym)>) -> serde_json::Value {
    let mut v: Vec<_> = c
        .iter()
        .map(|((r, s), n)| (resource_name(idx, r, s), n))
        .collect();
    v.sort();
    serde_json::Value::Object(v.into_iter().map(|(k, n)| (k, json!(n))).collect())
}

fn user_entry(idx: &Index, u: &UserGroup) -> serde_json::Value {
    json!({"user": user_json(idx.s(u.user)), "requests": u.requests, "denied": u.denied,
        "first": json_time(u.first), "last": json_time(u.last), "verbs": counts_json(idx, &u.verbs), "resources": resources_json(idx, &u.resources)})
}

fn object_entry(idx: &Index, o: &ObjectGroup) -> serde_json::Value {
    let k = o.key;
    json!({"resource": idx.s(k.resource), "subresource": opt(idx.s(k.subresource)), "namespace": opt(idx.s(k.namespace)),
        "name": opt(idx.s(k.name)), "requests": o.requests, "users": counts_json(idx, &o.users), "first": json_time(o.first), "last": json_time(o.last)})
}

/// `pods/exec payments-prod/web-1` style label of an object.
pub fn object_label(idx: &Index, k: &ObjKey) -> String {
    idx.object_label(k)
}

/// `get=12 list=3`, most first.
fn counts_text(items: Vec<(String, u64)>, sep: &str) -> String {
    let mut v = items;
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.iter()
        .map(|(k, n)| format!("{k}{sep}{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn named(idx: &Index, s: Sym) -> String {
    crate::model::user_shown(idx.s(s)).into()
}

fn time_text(t: crate::model::Nanos) -> String {
    json_time(t).as_str().unwrap_or("").to_string()
}

/// How one kind of group is written in each format.
struct Shape<'a, T> {
    /// The JSON document's key (`{"users": [...]}`).
    key: &'static str,
    json: &'a dyn Fn(&T) -> serde_json::Value,
    csv_header: &'static [&'static str],
    csv: &'a dyn Fn(&T) -> Vec<String>,
    columns: fn() -> Vec<Col>,
    row: &'a dyn Fn(&T) -> Vec<String>,
}

fn write_list<T>(
    cfg: &QueryConfig,
    items: &[&T],
    shape: Shape<'_, T>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match cfg.format {
        Format::Json => {
            let list: Vec<_> = items.iter().map(|i| (shape.json)(i)).collect();
            serde_json::to_writer_pretty(&mut *out, &json!({ shape.key: list }))?;
            writeln!(out)
        }
        Format::Jsonl => items
            .iter()
            .try_for_each(|i| writeln!(out, "{}", (shape.json)(i))),
        Format::Csv => {
            csv_row(out, shape.csv_header)?;
            items.iter().try_for_each(|i| {
                let cells = (shape.csv)(i);
                csv_row(out, &cells.iter().map(String::as_str).collect::<Vec<_>>())
            })
        }
        Format::Table | Format::Md | Format::Case => {
            let mut t = Table::new((shape.columns)());
            for i in items {
                t.row((shape.row)(i));
            }
            t.write(out, cfg.width)
        }
    }
}

pub fn write_users(
    cfg: &QueryConfig,
    idx: &Index,
    tally: &Tally,
    out: &mut dyn Write,
) -> io::Result<()> {
    let clock = Clock::over(tally.users.values().flat_map(|u| [u.first, u.last]));
    let shape = Shape {
        key: "users",
        json: &|u: &UserGroup| user_entry(idx, u),
        csv_header: &[
            "user",
            "requests",
            "denied",
            "first",
            "last",
            "verbs",
            "resources",
        ],
        csv: &|u: &UserGroup| {
            let verbs = counts_text(
                u.verbs
                    .iter()
                    .map(|(k, n)| (idx.s(k).to_string(), n))
                    .collect(),
                "=",
            );
            let res = counts_text(
                u.resources
                    .iter()
                    .map(|((r, s), n)| (resource_name(idx, r, s), n))
                    .collect(),
                "=",
            );
            vec![
                idx.s(u.user).into(),
                u.requests.to_string(),
                u.denied.to_string(),
                time_text(u.first),
                time_text(u.last),
                verbs,
                res,
            ]
        },
        columns: || {
            vec![
                Col::name("USER"),
                Col::num("REQUESTS"),
                Col::num("DENIED"),
                Col::fixed("FIRST"),
                Col::fixed("LAST"),
            ]
        },
        row: &|u: &UserGroup| {
            vec![
                named(idx, u.user),
                thousands(u.requests),
                thousands(u.denied),
                clock.show(u.first),
                clock.show(u.last),
            ]
        },
    };
    write_list(cfg, &tally.users_sorted(idx), shape, out)
}

pub fn write_objects(
    cfg: &QueryConfig,
    idx: &Index,
    tally: &Tally,
    out: &mut dyn Write,
) -> io::Result<()> {
    let clock = Clock::over(
        tally
            .objects
            .iter()
            .filter(|o| o.requests > 0)
            .map(|o| o.last),
    );
    let shape = Shape {
        key: "objects",
        json: &|o: &ObjectGroup| object_entry(idx, o),
        csv_header: &[
            "resource",
            "subresource",
            "namespace",
            "name",
            "requests",
            "users",
            "first",
            "last",
        ],
        csv: &|o: &ObjectGroup| {
            let k = o.key;
            let users = counts_text(
                o.users
                    .iter()
                    .map(|(u, n)| (idx.s(u).to_string(), n))
                    .collect(),
                "=",
            );
            [
                idx.s(k.resource),
                idx.s(k.subresource),
                idx.s(k.namespace),
                idx.s(k.name),
            ]
            .map(String::from)
            .into_iter()
            .chain([
                o.requests.to_string(),
                users,
                time_text(o.first),
                time_text(o.last),
            ])
            .collect()
        },
        columns: || {
            vec![
                Col::name("OBJECT").weight(2),
                Col::num("REQUESTS"),
                Col::text("USERS"),
                Col::fixed("LAST"),
            ]
        },
        row: &|o: &ObjectGroup| {
            let mut users: Vec<_> = o.users.iter().collect();
            users.sort_by(|a, b| b.1.cmp(&a.1).then(idx.s(a.0).cmp(idx.s(b.0))));
            let who = users
                .iter()
                .map(|(u, n)| format!("{} ({n})", named(idx, *u)))
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                object_label(idx, &o.key),
                thousands(o.requests),
                who,
                clock.show(o.last),
            ]
        },
    };
    write_list(cfg, &tally.objects_sorted(idx), shape, out)
}
