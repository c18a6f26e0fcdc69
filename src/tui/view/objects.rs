//! Objects as a tree: resource → namespace → name, with who did what.

use super::*;
use std::collections::BTreeMap;

/// Object groups by index, per namespace.
type Namespaces = BTreeMap<String, Vec<usize>>;

/// An object's line: key, requests, last time, users with their counts.
struct Group {
    key: crate::index::ObjKey,
    requests: u64,
    last: Nanos,
    users: Vec<(String, u64)>,
}

pub(super) fn objects(idx: &Index, scope: &mut Scope, expanded: &HashSet<String>) -> Body {
    let clock = scope.clock;
    // resource → namespace → name, each level with its request count.
    let groups: Vec<Group> = {
        let t = scope.tally(idx);
        t.objects_sorted(idx)
            .iter()
            .map(|g| {
                let mut users: Vec<(String, u64)> = g
                    .users
                    .iter()
                    .map(|(u, n)| (idx.s(u).to_string(), n))
                    .collect();
                users.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                Group {
                    key: g.key,
                    requests: g.requests,
                    last: g.last,
                    users,
                }
            })
            .collect()
    };
    let mut tree: BTreeMap<String, Namespaces> = BTreeMap::new();
    for (i, Group { key: k, .. }) in groups.iter().enumerate() {
        let res = crate::lens::resource_label(idx, k.resource, k.subresource);
        tree.entry(res)
            .or_default()
            .entry(idx.s(k.namespace).to_string())
            .or_default()
            .push(i);
    }
    let mut by_size: Vec<(&String, &Namespaces, u64)> = tree
        .iter()
        .map(|(r, nss)| {
            (
                r,
                nss,
                nss.values().flatten().map(|&i| groups[i].requests).sum(),
            )
        })
        .collect();
    by_size.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    let mut rows = Vec::new();
    for (res, nss, total) in by_size {
        let open = expanded.contains(res.as_str());
        let spread = if nss.len() == 1 && nss.contains_key("") {
            "cluster scope".to_string()
        } else {
            crate::model::text::plural(nss.len(), "namespace", "namespaces")
        };
        let last = nss.values().flatten().map(|&i| groups[i].last).max();
        rows.push(Row::new(
            vec![
                format!("{} {res}", if open { "▾" } else { "▸" }),
                thousands(total),
                spread,
                last.map(|t| clock.show(t)).unwrap_or_default(),
            ],
            Role::Title,
            Open::Toggle(res.clone()),
        ));
        if !open {
            continue;
        }
        for (ns, members) in nss {
            let key = format!("{res}\u{0}{ns}");
            let ns_open = expanded.contains(&key);
            let ns_total: u64 = members.iter().map(|&i| groups[i].requests).sum();
            let label = if ns.is_empty() {
                "(cluster scope)".to_string()
            } else {
                ns.clone()
            };
            let ns_last = members.iter().map(|&i| groups[i].last).max();
            let mut r = Row::new(
                vec![
                    format!("{} {label}", if ns_open { "▾" } else { "▸" }),
                    thousands(ns_total),
                    crate::model::text::plural(members.len(), "object", "objects"),
                    ns_last.map(|t| clock.show(t)).unwrap_or_default(),
                ],
                Role::Accent,
                Open::Toggle(key),
            );
            r.depth = 1;
            rows.push(r);
            if !ns_open {
                continue;
            }
            for &i in members {
                let Group {
                    key: k,
                    requests: reqs,
                    last,
                    users,
                } = &groups[i];
                let who = users
                    .iter()
                    .take(3)
                    .map(|(u, n)| format!("{} ({n})", crate::model::user_shown(u)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let name = if k.name.is_none() {
                    "(all)".to_string()
                } else {
                    idx.s(k.name).to_string()
                };
                let open = idx.obj_keys_id(k).map_or(Open::Nothing, Open::Object);
                let mut r = Row::new(
                    vec![name, thousands(*reqs), who, clock.show(*last)],
                    Role::Text,
                    open,
                );
                r.depth = 2;
                rows.push(r);
            }
        }
    }
    Body::Rows {
        columns: OBJECT_COLS,
        rows,
        header: Vec::new(),
    }
}
