//! The investigations as tables, most suspicious first.

use super::*;
use crate::model::text::place;

pub(super) fn secrets(idx: &Index, global: &Lenses, scope: &mut Scope) -> Body {
    let clock = scope.clock;
    use crate::lens::findings::personal;
    let (l, ranking) = scope.investigations(idx, global);
    // Secrets findings point at first, then those people touched.
    let mut keyed: Vec<_> = l
        .secrets
        .secrets_sorted(idx)
        .into_iter()
        .map(|(k, reqs)| {
            let rs: Vec<ReqId> = reqs.iter().map(|x| x.1).collect();
            let people = rs
                .iter()
                .any(|r| personal(idx.s(l.secrets.accesses[r].user)));
            (
                ranking.of_requests(rs.iter().copied(), Some(Lens::Secrets)),
                people,
                k,
                reqs,
            )
        })
        .collect();
    keyed.sort_by_key(|x| (std::cmp::Reverse(x.0), !x.1));
    let mut rows = Vec::new();
    for (sev, _, (ns, name), reqs) in keyed {
        let acc: Vec<_> = reqs.iter().map(|(_, r)| &l.secrets.accesses[r]).collect();
        let mut people: Vec<String> = acc
            .iter()
            .map(|a| idx.s(a.user))
            .filter(|u| personal(u) || u.is_empty())
            .map(|u| crate::model::user_shown(u).to_string())
            .collect();
        people.sort();
        people.dedup();
        let system = acc
            .iter()
            .filter(|a| !personal(idx.s(a.user)) && !a.user.is_none())
            .count();
        let mut who = people.join(", ");
        if system > 0 {
            who = if who.is_empty() {
                format!("{system} system")
            } else {
                format!("{who}, +{system} system")
            };
        }
        let mut notes: Vec<String> = ranking
            .labels_of(reqs.iter().map(|x| x.1), Lens::Secrets)
            .into_iter()
            .map(String::from)
            .collect();
        if acc.iter().any(|a| a.values) {
            notes.push("values logged".into());
        }
        let label = match (idx.s(ns), idx.s(name)) {
            ("", "") => "(all namespaces)".into(),
            (ns, n) => place(ns, n),
        };
        rows.push(Row::new(
            vec![
                label.clone(),
                thousands(reqs.len() as u64),
                clock.show(reqs.last().map_or(0, |x| x.0)),
                who.clone(),
                notes.join(", "),
            ],
            sev.map_or(Role::Text, severity_role),
            Open::Requests {
                title: format!("secret {label}"),
                about: format!(
                    "who: {who}{}",
                    if notes.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", notes.join(", "))
                    }
                ),
                reqs: reqs.iter().map(|x| x.1).collect(),
            },
        ));
    }
    Body::Rows {
        columns: SECRET_COLS,
        rows,
        header: Vec::new(),
    }
}

pub(super) fn denied(idx: &Index, global: &Lenses, scope: &mut Scope) -> Body {
    let clock = scope.clock;
    let (l, r) = scope.investigations(idx, global);
    let mut users: Vec<_> = l
        .denied
        .by_user(idx)
        .into_iter()
        .map(|u| (r.of_user(idx, u.user, Lens::Denied), u))
        .collect();
    users.sort_by_key(|x| std::cmp::Reverse(x.0));
    let mut rows = Vec::new();
    for (sev, u) in users {
        let labels: Vec<&str> = r
            .about(idx.s(u.user), Lens::Denied)
            .map(|f| f.rule.label)
            .collect();
        let tried = u
            .attempts
            .iter()
            .take(3)
            .map(|a| {
                let k = a.key;
                let what = if k.resource.is_none() {
                    idx.s(k.path).to_string()
                } else {
                    crate::lens::resource_label(idx, k.resource, k.subresource)
                };
                format!("{} {what}", idx.s(k.verb))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let reqs: Vec<ReqId> = u
            .attempts
            .iter()
            .flat_map(|a| a.evidence.iter().copied())
            .collect();
        let name = idx.s(u.user).to_string();
        rows.push(Row::new(
            vec![
                name.clone(),
                thousands(u.requests),
                clock.show(u.last),
                tried.clone(),
                labels.join(", "),
            ],
            sev.map_or(Role::Denied, severity_role),
            Open::Requests {
                title: format!("refused: {name}"),
                about: format!("tried: {tried}"),
                reqs,
            },
        ));
    }
    for s in l.denied.unauthenticated(idx) {
        // People have names; unauthenticated callers only an address.
        let who = idx.s(s.ip).to_string();
        let paths: Vec<&str> = s.paths.iter().map(|p| idx.s(*p)).collect();
        let reqs: Vec<ReqId> = l
            .denied
            .by_who
            .get(&crate::lens::denied::Who::Source {
                ip: s.ip,
                agent: s.agent,
            })
            .map(|x| x.iter().map(|y| y.1).collect())
            .unwrap_or_default();
        let labels: Vec<&str> = r
            .about(
                &format!("unauthenticated from {}", idx.s(s.ip)),
                Lens::Denied,
            )
            .map(|f| f.rule.label)
            .collect();
        rows.push(Row::new(
            vec![
                who.clone(),
                thousands(s.requests),
                clock.show(s.last),
                format!("unauthenticated, {}: {}", idx.s(s.agent), paths.join(" ")),
                labels.join(", "),
            ],
            Role::Warning,
            Open::Requests {
                title: format!("unauthenticated from {who}"),
                about: format!("{} · paths: {}", idx.s(s.agent), paths.join(" ")),
                reqs,
            },
        ));
    }
    Body::Rows {
        columns: DENIED_COLS,
        rows,
        header: Vec::new(),
    }
}

pub(super) fn exec(idx: &Index, global: &Lenses, scope: &mut Scope) -> Body {
    let clock = scope.clock;
    let (l, r) = scope.investigations(idx, global);
    let mut ranked: Vec<_> = l
        .exec
        .sorted()
        .cloned()
        .map(|s| {
            (
                r.suspicion(s.req, Lens::Exec),
                r.labels_of([s.req], Lens::Exec),
                s,
            )
        })
        .collect();
    ranked.sort_by_key(|x| std::cmp::Reverse(x.0));
    let mut rows = Vec::new();
    for ((sev, _), labels, s) in ranked {
        let kind = match idx.s(s.subresource) {
            "portforward" => "port-forward",
            "ephemeralcontainers" => "debug",
            k => k,
        };
        let what = if !s.params.command.is_empty() {
            s.params.command.join(" ")
        } else if !s.params.ports.is_empty() {
            format!("ports {}", s.params.ports.join(","))
        } else {
            String::new()
        };
        let tty = if s.params.tty { " [tty]" } else { "" };
        let notes = if labels.is_empty() {
            String::new()
        } else {
            format!("  ({})", labels.join(", "))
        };
        let time = match (s.outcome, s.duration_s()) {
            (crate::lens::exec::Outcome::Allowed, Some(d)) if d >= 60.0 => {
                format!("{}m{:02}s", d as u64 / 60, d as u64 % 60)
            }
            (crate::lens::exec::Outcome::Allowed, Some(d)) => format!("{d:.0}s"),
            (o, _) => o.as_str().into(),
        };
        let target = s.target(idx);
        rows.push(Row::new(
            vec![
                clock.show(s.start),
                idx.s(s.user).into(),
                target.clone(),
                format!("{kind} {what}{tty}{notes}"),
                time.clone(),
            ],
            sev.map_or(Role::Exec, severity_role),
            Open::Requests {
                title: format!("{kind} {target}"),
                about: format!("{} · {kind} {what}{tty} · {time}{notes}", idx.s(s.user)),
                reqs: vec![s.req],
            },
        ));
    }
    Body::Rows {
        columns: EXEC_COLS,
        rows,
        header: Vec::new(),
    }
}

pub(super) fn findings(idx: &Index, global: &Lenses, scope: &mut Scope) -> Body {
    let clock = scope.clock;
    let (_, ranking) = scope.investigations(idx, global);
    let rows = ranking
        .findings
        .iter()
        .map(|f| {
            let (rule, subject) = (f.rule.id, &f.subject);
            Row::new(
                vec![
                    f.severity.as_str().to_uppercase(),
                    clock.show(f.first),
                    subject.clone(),
                    format!("{rule}: {}", f.summary),
                ],
                severity_role(f.severity),
                Open::Requests {
                    title: format!("{rule}: {subject}"),
                    about: f.summary.clone(),
                    reqs: f.evidence.clone(),
                },
            )
        })
        .collect();
    Body::Rows {
        columns: FINDING_COLS,
        rows,
        header: Vec::new(),
    }
}
