//! Users, people first, and one user: their verbs, resources and events.

use super::*;

pub(super) fn user_page(idx: &Index, scope: &mut Scope, u: Sym) -> Body {
    let reqs: Vec<ReqId> = idx.by_user.get(&u).map(|l| l.to_vec()).unwrap_or_default();
    let events = events_of(idx, scope, reqs);
    let mut header = Vec::new();
    if let Some(g) = scope.tally(idx).users.get(&u) {
        header.push((
            format!(
                "{} requests, {} refused, {} → {}",
                thousands(g.requests),
                g.denied,
                short_time(g.first),
                short_time(g.last)
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
    }
    Body::Events { header, events }
}

pub(super) fn users(
    idx: &Index,
    global: &Lenses,
    scope: &mut Scope,
    expanded: &HashSet<String>,
) -> Body {
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
                if name.is_empty() {
                    "(no user)".into()
                } else {
                    name.into()
                },
                thousands(reqs),
                thousands(den),
                thousands(secrets),
                thousands(sessions.get(&u).copied().unwrap_or(0)),
                short_time(first),
                short_time(last),
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
