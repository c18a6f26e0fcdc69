//! Users, people first, and one user: their verbs, resources and events.

use super::*;
use std::collections::HashMap;

pub(super) fn user_page(idx: &Index, scope: &mut Scope, u: Sym) -> Body {
    let clock = scope.clock;
    let reqs: Vec<ReqId> = idx.by_user.get(&u).map(|l| l.to_vec()).unwrap_or_default();
    let events = events_of(idx, scope, reqs);
    let from = sources_line(idx, &events);
    let mut header = Vec::new();
    if let Some(g) = scope.tally(idx).users.get(&u) {
        header.push((
            format!(
                "{} requests, {} refused, {} → {}",
                thousands(g.requests),
                g.denied,
                clock.show(g.first),
                clock.show(g.last)
            ),
            Role::Text,
        ));
        let mut verbs: Vec<(u64, String)> = g
            .verbs
            .iter()
            .map(|(v, n)| (n, idx.s(v).to_string()))
            .collect();
        verbs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        header.push((
            format!(
                "verbs: {}",
                verbs
                    .iter()
                    .map(|(n, v)| format!("{v} {n}"))
                    .collect::<Vec<_>>()
                    .join(" · ")
            ),
            Role::Muted,
        ));
        let mut res: Vec<(u64, String)> = g
            .resources
            .iter()
            .map(|((r, s), n)| (n, crate::lens::resource_label(idx, r, s)))
            .collect();
        res.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        header.push((
            format!(
                "resources: {}",
                res.iter()
                    .take(8)
                    .map(|(n, r)| format!("{r} {n}"))
                    .collect::<Vec<_>>()
                    .join(" · ")
            ),
            Role::Muted,
        ));
        header.push((from, Role::Muted));
    }
    Body::Events { header, events }
}

/// Where a user's requests came from: each source address with its clients, busiest
/// first — a stolen credential shows up as a second address and an unusual client.
fn sources_line(idx: &Index, events: &[EventId]) -> String {
    let mut by_ip: HashMap<Sym, (u64, Vec<Sym>)> = HashMap::new();
    let mut seen = HashSet::new();
    for &e in events {
        let r = idx.events[e as usize].req;
        if !seen.insert(r) {
            continue;
        }
        let who = idx.who(idx.best_event(r));
        let ip = idx.lists.get(who.ips).first().copied().unwrap_or_default();
        let e = by_ip.entry(ip).or_default();
        e.0 += 1;
        if !e.1.contains(&who.agent) {
            e.1.push(who.agent);
        }
    }
    let mut ips: Vec<_> = by_ip.into_iter().collect();
    ips.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(idx.s(a.0).cmp(idx.s(b.0))));
    let parts: Vec<String> = ips
        .iter()
        .map(|(ip, (n, agents))| {
            let ip = if ip.is_none() {
                "(no address)"
            } else {
                idx.s(*ip)
            };
            let agents: Vec<&str> = agents.iter().map(|a| idx.s(*a)).collect();
            format!("{ip} {n} ({})", agents.join(", "))
        })
        .collect();
    format!("from: {}", parts.join(" · "))
}

pub(super) fn users(
    idx: &Index,
    global: &Lenses,
    scope: &mut Scope,
    expanded: &HashSet<String>,
) -> Body {
    let clock = scope.clock;
    scope.prepare(idx);
    let rows_of = |scope: &mut Scope| {
        let t = scope.tally(idx);
        t.users_sorted(idx)
            .iter()
            .map(|u| (u.user, u.requests, u.denied, u.first, u.last))
            .collect::<Vec<_>>()
    };
    let list = rows_of(scope);
    let (l, _) = scope.investigations(idx, global);
    let mut sessions: hashbrown::HashMap<Sym, u64> = hashbrown::HashMap::new();
    for s in l.exec.sessions.values() {
        *sessions.entry(s.user).or_default() += 1;
    }
    let row = |&(u, reqs, den, first, last): &(Sym, u64, u64, Nanos, Nanos)| {
        let name = idx.s(u);
        let secrets = l.secrets.users.get(&u).map_or(0, |s| s.requests);
        let mut r = Row::new(
            vec![
                crate::model::user_shown(name).into(),
                thousands(reqs),
                thousands(den),
                thousands(secrets),
                thousands(sessions.get(&u).copied().unwrap_or(0)),
                clock.show(first),
                clock.show(last),
            ],
            if den > 0 && class(name) == Class::Human {
                Role::Denied
            } else {
                user_role(name)
            },
            Open::Page(Page::User(u)),
        );
        r.depth = 1;
        r
    };
    // People first; system identities in a group, closed until asked.
    let (people, system): (Vec<_>, Vec<_>) = list
        .iter()
        .partition(|x| matches!(class(idx.s(x.0)), Class::Human | Class::OtherSystem));
    let mut rows = Vec::new();
    let open_people = !expanded.contains("!people");
    rows.push(Row::new(
        vec![
            format!(
                "{} People ({})",
                if open_people { "▾" } else { "▸" },
                people.len()
            ),
            String::new(),
        ],
        Role::Title,
        Open::Toggle("!people".into()),
    ));
    if open_people {
        rows.extend(people.iter().map(&row));
    }
    let open_system = expanded.contains("system");
    rows.push(Row::new(
        vec![
            format!(
                "{} System identities ({})",
                if open_system { "▾" } else { "▸" },
                system.len()
            ),
            String::new(),
        ],
        Role::Title,
        Open::Toggle("system".into()),
    ));
    if open_system {
        rows.extend(system.iter().map(row));
    }
    Body::Rows {
        columns: USER_COLS,
        rows,
        header: Vec::new(),
    }
}
