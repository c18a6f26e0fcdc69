//! The overview: counts, the activity histogram, and the doors to the other screens.

use super::*;

pub(super) fn overview(
    idx: &Index,
    global: &Lenses,
    scope: &mut Scope,
    n_buckets: usize,
) -> Overview {
    scope.prepare(idx);
    let events = scope.events.clone();
    let (first, last) = (
        events.first().map(|&e| idx.events[e as usize].ts),
        events.last().map(|&e| idx.events[e as usize].ts),
    );
    let mut o = Overview::default();
    if let (Some(first), Some(last)) = (first, last) {
        let n = n_buckets.max(1);
        let width = ((last - first) / n as i64 + 1).max(1);
        let mut buckets = vec![(0u64, 0u64); n];
        // Whether a `who` is a person, asked once per `who`, not per event.
        let mut human: Vec<u8> = vec![2; idx.whos.len()];
        for &e in events.iter() {
            let ev = &idx.events[e as usize];
            let b = (((ev.ts - first) / width) as usize).min(n - 1);
            let h = &mut human[ev.who as usize];
            if *h == 2 {
                *h = crate::model::is_human(idx.s(idx.who(ev).user)) as u8;
            }
            if *h == 1 {
                buckets[b].0 += 1;
            } else {
                buckets[b].1 += 1;
            }
        }
        o.histogram = Histogram {
            start: first,
            width,
            buckets,
        };
    }
    let n_events = events.len() as u64;
    let requests = scope.selection.requests.len() as u64;
    let (users, humans, top_users, top_objects, secrets, denied, execs) = {
        let t = scope.tally(idx);
        let users = t.users_sorted(idx);
        let humans = users
            .iter()
            .filter(|u| crate::model::is_human(idx.s(u.user)))
            .count();
        // People first: system identities outnumber them but rarely start a postmortem.
        let mut ranked: Vec<&&crate::index::groups::UserGroup> = users.iter().collect();
        ranked.sort_by_key(|u| !crate::model::is_human(idx.s(u.user)));
        let top_users: Vec<(Sym, u64, u64)> = ranked
            .iter()
            .take(5)
            .map(|u| (u.user, u.requests, u.denied))
            .collect();
        let top_objects: Vec<(crate::index::ObjKey, u64, usize)> = t
            .objects_sorted(idx)
            .iter()
            .take(5)
            .map(|g| (g.key, g.requests, g.users.len()))
            .collect();
        (
            users.len(),
            humans,
            top_users,
            top_objects,
            t.secrets,
            t.denied,
            t.exec,
        )
    };
    o.lines.push((
        format!(
            "{} events, {} requests, {} users ({humans} people)",
            thousands(n_events),
            thousands(requests),
            users
        ),
        Role::Text,
    ));
    let (_, ranking) = scope.investigations(idx, global);
    let f = &ranking.findings;
    let high = f.iter().filter(|x| x.severity == Severity::High).count();
    let doors = &mut o.doors;
    doors.push(Row::new(
        vec![
            "Activity".into(),
            String::new(),
            "←/→ move, enter twice: narrow the window".into(),
        ],
        Role::Muted,
        Open::Histogram,
    ));
    doors.push(Row::new(
        vec![
            format!("Findings: {} ({high} high)", f.len()),
            String::new(),
            "what to look at first".into(),
        ],
        if high > 0 { Role::High } else { Role::Title },
        Open::Page(Page::Findings),
    ));
    for x in f.iter().take(5) {
        let title = format!("{}: {}", x.rule.id, x.subject);
        doors.push(Row {
            cells: vec![
                format!("{} {}", x.severity.as_str(), x.subject),
                String::new(),
                x.summary.clone(),
            ],
            role: severity_role(x.severity),
            depth: 1,
            open: Open::Requests {
                title,
                about: x.summary.clone(),
                reqs: x.evidence.clone(),
            },
        });
    }
    doors.push(Row::new(
        vec![
            "Secrets".into(),
            thousands(secrets),
            "requests on secrets".into(),
        ],
        Role::Secret,
        Open::Page(Page::Secrets),
    ));
    doors.push(Row::new(
        vec![
            "Denied".into(),
            thousands(denied),
            "requests refused".into(),
        ],
        Role::Denied,
        Open::Page(Page::Denied),
    ));
    doors.push(Row::new(
        vec![
            "Exec".into(),
            thousands(execs),
            "exec, attach and port-forward requests".into(),
        ],
        Role::Exec,
        Open::Page(Page::Exec),
    ));
    doors.push(Row::new(
        vec![
            format!("Users: {users} ({humans} people)"),
            String::new(),
            "people first, by requests".into(),
        ],
        Role::Title,
        Open::Page(Page::Users),
    ));
    for (u, reqs, den) in top_users {
        let name = idx.s(u);
        let mut r = Row::new(
            vec![
                crate::model::user_shown(name).into(),
                thousands(reqs),
                if den > 0 {
                    format!("{den} refused")
                } else {
                    String::new()
                },
            ],
            user_role(name),
            Open::Page(Page::User(u)),
        );
        r.depth = 1;
        doors.push(r);
    }
    doors.push(Row::new(
        vec![
            "Objects".into(),
            String::new(),
            "top objects by requests".into(),
        ],
        Role::Title,
        Open::Page(Page::Objects),
    ));
    for (k, reqs, nusers) in top_objects {
        let label = idx.object_label(&k);
        let open = idx.obj_keys_id(&k).map_or(Open::Nothing, Open::Object);
        let mut r = Row::new(
            vec![
                label,
                thousands(reqs),
                format!("{nusers} user{}", if nusers == 1 { "" } else { "s" }),
            ],
            Role::Text,
            open,
        );
        r.depth = 1;
        doors.push(r);
    }
    o
}
