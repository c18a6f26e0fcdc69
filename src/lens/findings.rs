//! Findings: what an investigator should look at first, each naming its
//! evidence (auditIDs). The rules are one table, each with why it matters.
//!
//! Routine traffic must not fire a rule: kubelets and controllers read and list
//! secrets all day, operators (Argo CD, cert-manager, external-secrets) do it
//! across namespaces with their own RBAC. So rules about reading secrets look
//! at people and anonymous callers, and at system identities only when their
//! token is used by a client that is not their own.

use super::identity::{Class, Client, class, client, sa_namespace};
use super::{Lenses, access, resource_label};
use crate::index::{Index, ReqId};
use crate::model::Nanos;
use crate::model::intern::Sym;
use crate::model::text::plural;
use crate::model::time::format_short;
use hashbrown::{HashMap, HashSet};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// Which investigation a rule belongs to (the summary counts findings by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lens {
    Secrets,
    Denied,
    Exec,
    Access,
}

#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    /// A word or two for table notes.
    pub label: &'static str,
    pub lens: Lens,
    pub severity: Severity,
    /// Why it matters, in one line.
    pub why: &'static str,
}

/// Every rule. Thresholds are in the constants below.
pub const RULES: &[Rule] = &[
    Rule {
        id: "secret-list-all-namespaces",
        label: "all-ns list",
        lens: Lens::Secrets,
        severity: Severity::High,
        why: "a person listing every secret in the cluster is how a stolen credential is cashed in",
    },
    Rule {
        id: "secret-read-burst",
        label: "burst",
        lens: Lens::Secrets,
        severity: Severity::High,
        why: "people read the one secret they need; many distinct secrets in minutes is harvesting",
    },
    Rule {
        id: "secret-read-by-script",
        label: "script",
        lens: Lens::Secrets,
        severity: Severity::Medium,
        why: "a person's credentials replayed by curl or a script rather than kubectl",
    },
    Rule {
        id: "secret-read-unusual-client",
        label: "odd client",
        lens: Lens::Secrets,
        severity: Severity::High,
        why: "a node or service-account token used by a person or a script, not the workload it belongs to",
    },
    Rule {
        id: "secret-denied",
        label: "refused",
        lens: Lens::Secrets,
        severity: Severity::Medium,
        why: "attempts at secrets that were refused: probing, or a workload missing its RBAC",
    },
    Rule {
        id: "denied-enumeration",
        label: "enumeration",
        lens: Lens::Denied,
        severity: Severity::High,
        why: "refused on many different actions in minutes, most of what it tried: mapping its permissions",
    },
    Rule {
        id: "denied-then-allowed",
        label: "later allowed",
        lens: Lens::Denied,
        severity: Severity::High,
        why: "refused, then allowed for the same action: someone granted access in between",
    },
    Rule {
        id: "exec-shell",
        label: "shell",
        lens: Lens::Exec,
        severity: Severity::Medium,
        why: "an interactive shell with a terminal: hands on a running container",
    },
    Rule {
        id: "exec-copy",
        label: "copy",
        lens: Lens::Exec,
        severity: Severity::Medium,
        why: "tar in a container is kubectl cp: files copied in or out",
    },
    Rule {
        id: "exec-fetch-exfil",
        label: "fetch/creds",
        lens: Lens::Exec,
        severity: Severity::High,
        why: "fetching tools (curl, wget, nc) or reading the pod's service-account credentials",
    },
    Rule {
        id: "anonymous-allowed",
        label: "anonymous",
        lens: Lens::Access,
        severity: Severity::High,
        why: "anonymous callers should reach nothing beyond health and version",
    },
    Rule {
        id: "impersonate-privileged",
        label: "impersonation",
        lens: Lens::Access,
        severity: Severity::High,
        why: "impersonating system:masters or an admin identity is acting as cluster-admin",
    },
    Rule {
        id: "bind-cluster-admin",
        label: "cluster-admin",
        lens: Lens::Access,
        severity: Severity::High,
        why: "a binding to cluster-admin is the most powerful grant there is",
    },
    Rule {
        id: "token-minted",
        label: "token",
        lens: Lens::Access,
        severity: Severity::Medium,
        why: "a minted service-account token outlives the session that made it",
    },
    Rule {
        id: "csr-approved",
        label: "csr",
        lens: Lens::Access,
        severity: Severity::Medium,
        why: "an approved certificate is a credential; outside the control plane, approvals are rare",
    },
];

/// Distinct secrets read within `BURST_WINDOW` that make a burst.
pub const BURST_SECRETS: usize = 5;
pub const BURST_WINDOW: Nanos = 10 * 60 * 1_000_000_000;
/// Distinct refused actions within `ENUM_WINDOW` that make enumeration, when
/// at least `ENUM_SHARE` of the identity's requests in the window were refused.
pub const ENUM_ACTIONS: usize = 8;
pub const ENUM_WINDOW: Nanos = 5 * 60 * 1_000_000_000;
pub const ENUM_SHARE: f64 = 0.5;

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "fish", "busybox"];
const FETCHERS: &[&str] = &[
    "curl", "wget", "nc", "ncat", "netcat", "socat", "scp", "ftp", "tftp",
];

fn rule(id: &str) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).unwrap_or(&RULES[0])
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    /// Who it is about: a user, or an address for unidentified callers.
    pub subject: String,
    pub first: Nanos,
    pub last: Nanos,
    /// What happened, in one line.
    pub summary: String,
    pub evidence: Vec<ReqId>,
}

/// Every finding, most severe first, then earliest.
pub fn findings(idx: &Index, l: &Lenses) -> Vec<Finding> {
    let mut out = Vec::new();
    secrets(idx, l, &mut out);
    enumeration(idx, l, &mut out);
    denied_then_allowed(idx, l, &mut out);
    exec(idx, l, &mut out);
    access_rules(idx, l, &mut out);
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.first.cmp(&b.first))
            .then_with(|| a.rule.id.cmp(b.rule.id))
    });
    out
}

fn finding(
    id: &str,
    subject: String,
    summary: String,
    mut evidence: Vec<(Nanos, ReqId)>,
) -> Finding {
    evidence.sort_unstable();
    evidence.dedup();
    let r = rule(id);
    Finding {
        rule: r,
        severity: r.severity,
        subject,
        first: evidence.first().map_or(0, |e| e.0),
        last: evidence.last().map_or(0, |e| e.0),
        summary,
        evidence: evidence.into_iter().map(|e| e.1).collect(),
    }
}

fn span(first: Nanos, last: Nanos) -> String {
    let s = (last - first).max(0) / 1_000_000_000;
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// A person-like caller: someone whose reading of secrets is never routine.
pub fn personal(user: &str) -> bool {
    matches!(class(user), Class::Human | Class::OtherSystem) || user == "system:anonymous"
}

fn secrets(idx: &Index, l: &Lenses, out: &mut Vec<Finding>) {
    let mut all_ns: BTreeMap<Sym, Vec<(Nanos, ReqId)>> = BTreeMap::new();
    let mut reads: BTreeMap<Sym, Vec<(Nanos, ReqId, String)>> = BTreeMap::new();
    let mut scripted: BTreeMap<(Sym, Sym), Vec<(Nanos, ReqId)>> = BTreeMap::new();
    let mut unusual: BTreeMap<(Sym, Sym), Vec<(Nanos, ReqId)>> = BTreeMap::new();
    let mut refused: BTreeMap<Sym, Vec<(Nanos, ReqId)>> = BTreeMap::new();
    for a in l.secrets.accesses.values() {
        let user = idx.s(a.user);
        let ev = (a.time, a.req);
        if a.all_namespaces && personal(user) {
            all_ns.entry(a.user).or_default().push(ev);
        }
        let ok = a.code.is_some_and(|c| (200..300).contains(&c));
        if personal(user) && a.kind == super::secrets::Kind::Read && ok {
            let names: Vec<String> = if a.name.is_none() {
                a.exposed
                    .iter()
                    .map(|n| format!("{}/{n}", idx.s(a.namespace)))
                    .collect()
            } else {
                vec![format!("{}/{}", idx.s(a.namespace), idx.s(a.name))]
            };
            reads
                .entry(a.user)
                .or_default()
                .extend(names.into_iter().map(|n| (a.time, a.req, n)));
        }
        let agent = client(idx.s(a.agent));
        if personal(user) && a.kind == super::secrets::Kind::Read && ok && agent == Client::Script {
            scripted.entry((a.user, a.agent)).or_default().push(ev);
        }
        if matches!(
            class(user),
            Class::Node | Class::ControlPlane | Class::Workload
        ) && agent != Client::Other
        {
            let usual = idx.tally.users.get(&a.user).and_then(|u| u.usual_agent());
            if usual != Some(a.agent) {
                unusual.entry((a.user, a.agent)).or_default().push(ev);
            }
        }
        if a.denied
            && !a.user.is_none()
            && !matches!(class(user), Class::Node | Class::ControlPlane)
        {
            refused.entry(a.user).or_default().push(ev);
        }
    }
    for (u, ev) in all_ns {
        let n_refused = ev
            .iter()
            .filter(|(_, r)| l.secrets.accesses[r].denied)
            .count();
        let how = if n_refused == ev.len() {
            ", refused".to_string()
        } else if n_refused > 0 {
            format!(", {n_refused} refused")
        } else {
            String::new()
        };
        let s = format!(
            "listed secrets across all namespaces ({}{how})",
            plural(ev.len(), "request", "requests")
        );
        out.push(finding(
            "secret-list-all-namespaces",
            idx.s(u).into(),
            s,
            ev,
        ));
    }
    for (u, mut rs) in reads {
        rs.sort();
        if let Some((names, ev)) = densest(&rs, BURST_WINDOW) {
            if names.len() >= BURST_SECRETS {
                let first = ev.first().map_or(0, |e| e.0);
                let last = ev.last().map_or(0, |e| e.0);
                let mut shown: Vec<&str> = names.iter().map(String::as_str).take(3).collect();
                if names.len() > 3 {
                    shown.push("…");
                }
                let s = format!(
                    "read {} in {} ({})",
                    plural(names.len(), "secret", "distinct secrets"),
                    span(first, last),
                    shown.join(", ")
                );
                out.push(finding("secret-read-burst", idx.s(u).into(), s, ev));
            }
        }
    }
    for ((u, agent), ev) in scripted {
        let s = format!(
            "read secrets with {} ({})",
            idx.s(agent),
            plural(ev.len(), "request", "requests")
        );
        out.push(finding("secret-read-by-script", idx.s(u).into(), s, ev));
    }
    for ((u, agent), ev) in unusual {
        let usual = idx
            .tally
            .users
            .get(&u)
            .and_then(|g| g.usual_agent())
            .map_or("none", |a| idx.s(a));
        let user = idx.s(u);
        let away = sa_namespace(user).is_some_and(|own| {
            ev.iter().any(|(_, r)| {
                let ns = idx.s(l.secrets.accesses[r].namespace);
                ns.is_empty() || ns != own
            })
        });
        let s = format!(
            "touched secrets{} with {} ({}); its usual client is {usual}",
            if away {
                " outside its own namespace"
            } else {
                ""
            },
            idx.s(agent),
            plural(ev.len(), "request", "requests")
        );
        out.push(finding("secret-read-unusual-client", user.into(), s, ev));
    }
    for (u, ev) in refused {
        let s = format!(
            "was refused on secrets {}",
            plural(ev.len(), "time", "times")
        );
        let mut f = finding("secret-denied", idx.s(u).into(), s, ev);
        if class(idx.s(u)) == Class::Workload {
            f.severity = Severity::Low; // most often a workload missing its RBAC
        }
        out.push(f);
    }
}

/// Requests with their times, as findings cite them.
pub type Evidence = Vec<(Nanos, ReqId)>;

/// The window of at most `width` holding the most distinct names; returns the
/// names and the requests in it.
fn densest(rs: &[(Nanos, ReqId, String)], width: Nanos) -> Option<(Vec<String>, Evidence)> {
    let mut best: Option<(usize, usize, usize)> = None;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut lo = 0;
    for hi in 0..rs.len() {
        *counts.entry(rs[hi].2.as_str()).or_default() += 1;
        while rs[hi].0 - rs[lo].0 > width {
            let c = counts.entry(rs[lo].2.as_str()).or_default();
            *c -= 1;
            if *c == 0 {
                counts.remove(rs[lo].2.as_str());
            }
            lo += 1;
        }
        // Most distinct names; among equals, the window holding the most requests.
        if best.is_none_or(|(n, l, h)| (counts.len(), hi - lo) > (n, h - l)) {
            best = Some((counts.len(), lo, hi));
        }
    }
    let (_, lo, hi) = best?;
    let mut names: Vec<String> = rs[lo..=hi].iter().map(|r| r.2.clone()).collect();
    names.sort();
    names.dedup();
    Some((names, rs[lo..=hi].iter().map(|r| (r.0, r.1)).collect()))
}

fn enumeration(idx: &Index, l: &Lenses, out: &mut Vec<Finding>) {
    for (who, reqs) in &l.denied.by_who {
        let rs: Vec<(Nanos, ReqId, String)> = reqs
            .iter()
            .map(|&(t, r)| {
                let f = &l.denied.refusals[&r];
                let action = if f.resource.is_none() {
                    idx.s(f.path).to_string()
                } else {
                    resource_label(idx, f.resource, f.subresource)
                };
                (t, r, format!("{} {action}", idx.s(f.verb)))
            })
            .collect();
        let Some((actions, ev)) = densest(&rs, ENUM_WINDOW) else {
            continue;
        };
        if actions.len() < ENUM_ACTIONS {
            continue;
        }
        let (first, last) = (ev[0].0, ev[ev.len() - 1].0);
        let (subject, share) = match who {
            super::denied::Who::User(u) => {
                // All of the identity's requests in the window, in scope.
                let total = idx.by_user.get(u).map_or(0, |list| {
                    list.iter()
                        .filter(|&&r| {
                            l.in_scope(r) && (first..=last).contains(&idx.best_event(r).received)
                        })
                        .count()
                });
                (
                    idx.s(*u).to_string(),
                    ev.len() as f64 / total.max(ev.len()) as f64,
                )
            }
            // Failed authentication: everything it sent was refused.
            super::denied::Who::Source { ip, .. } => {
                (format!("unauthenticated from {}", idx.s(*ip)), 1.0)
            }
        };
        if share < ENUM_SHARE {
            continue;
        }
        let s = format!(
            "refused {} on {} in {} ({:.0}% of its requests)",
            plural(ev.len(), "time", "times"),
            plural(actions.len(), "action", "different actions"),
            span(first, last),
            share * 100.0
        );
        out.push(finding("denied-enumeration", subject, s, ev));
    }
}

/// The outcome history of one (verb, resource, namespace) for one identity.
#[derive(Default)]
struct Outcomes {
    denied: Vec<(Nanos, ReqId)>,
    allowed: Vec<(Nanos, ReqId)>,
}

fn denied_then_allowed(idx: &Index, l: &Lenses, out: &mut Vec<Finding>) {
    let mut users: Vec<Sym> = l
        .denied
        .by_who
        .keys()
        .filter_map(|w| {
            if let super::denied::Who::User(u) = w {
                Some(*u)
            } else {
                None
            }
        })
        .collect();
    users.sort();
    for u in users {
        let Some(list) = idx.by_user.get(&u) else {
            continue;
        };
        let mut keys: BTreeMap<(Sym, Sym, Sym, Sym, Sym), Outcomes> = BTreeMap::new();
        for &r in list.iter().filter(|&&r| l.in_scope(r)) {
            let best = idx.best_event(r);
            let o = idx.objs.get(best.obj);
            let key = (best.verb, o.resource, o.subresource, o.namespace, o.path);
            let e = (best.received, r);
            match idx.request_code(r) {
                Some(401 | 403) => keys.entry(key).or_default().denied.push(e),
                Some(c) if c == 101 || (200..300).contains(&c) => {
                    keys.entry(key).or_default().allowed.push(e)
                }
                _ => {}
            }
        }
        // A clean transition: every refusal before the first allowance.
        let mut turned: Vec<_> = keys
            .into_iter()
            .filter(|(_, o)| !o.denied.is_empty() && !o.allowed.is_empty())
            .filter_map(|(k, o)| {
                let last_denied = o.denied.iter().max()?;
                let first_allowed = o.allowed.iter().min()?;
                (last_denied < first_allowed)
                    .then(|| (k, o.denied.clone(), *last_denied, *first_allowed))
            })
            .collect();
        if turned.is_empty() {
            continue;
        }
        // In the order they were first refused: symbol ids depend on load order.
        turned.sort_by_key(|t| t.1.iter().min().copied());
        let user = idx.s(u);
        let groups: HashSet<&str> = idx.by_user[&u].first().map_or(HashSet::new(), |&r| {
            let v = idx.request(r);
            idx.lists
                .get(idx.whos.get(v.who).groups)
                .iter()
                .map(|&g| idx.s(g))
                .collect()
        });
        let mut ev = Vec::new();
        let mut what = Vec::new();
        let mut cause: Option<(Nanos, ReqId, String, bool)> = None;
        for ((verb, res, sub, ns, path), denied, last_denied, first_allowed) in &turned {
            ev.extend(denied.iter().copied());
            ev.push(*first_allowed);
            let action = if res.is_none() {
                idx.s(*path).to_string()
            } else {
                resource_label(idx, *res, *sub)
            };
            let place = if ns.is_none() {
                String::new()
            } else {
                format!(" in {}", idx.s(*ns))
            };
            what.push(format!("{} {action}{place}", idx.s(*verb)));
            // The RBAC binding written in between, the one naming this user first.
            for (t, r, b) in l.access.of_kind(access::Kind::BindingWrite) {
                if t <= last_denied.0 || t >= first_allowed.0 {
                    continue;
                }
                let bv = idx.request(r);
                let bo = &bv.object;
                let names_user = b.is_some_and(|b| {
                    b.subjects.iter().any(|s| {
                        s.username() == user
                            || (s.kind == "Group" && groups.contains(s.name.as_str()))
                    })
                });
                let fits = bo.namespace.is_none() || bo.namespace == *ns;
                if !(names_user || fits) || cause.as_ref().is_some_and(|c| c.3 && !names_user) {
                    continue;
                }
                let kind = if idx.s(bo.resource) == "clusterrolebindings" {
                    "ClusterRoleBinding"
                } else {
                    "RoleBinding"
                };
                let target = if bo.namespace.is_none() {
                    idx.s(bo.name).to_string()
                } else {
                    format!("{}/{}", idx.s(bo.namespace), idx.s(bo.name))
                };
                let role = b.map_or(String::new(), |b| format!(" ({} {})", b.role_kind, b.role));
                let text = format!(
                    "{kind} {target}{role} written by {} at {}",
                    idx.s(bv.user),
                    &format_short(t)[11..]
                );
                cause = Some((t, r, text, names_user));
            }
        }
        let mut shown: Vec<String> = what.iter().take(3).cloned().collect();
        if what.len() > 3 {
            shown.push(format!("and {} more", what.len() - 3));
        }
        let mut s = format!("refused, later allowed: {}", shown.join(", "));
        let mut severity = Severity::Medium;
        if let Some((t, r, text, names_user)) = cause {
            s.push_str(&format!("; after {text}"));
            ev.push((t, r));
            if names_user {
                severity = Severity::High;
            }
        }
        let mut f = finding("denied-then-allowed", user.into(), s, ev);
        f.severity = severity;
        out.push(f);
    }
}

/// The words of a command, split on spaces and shell punctuation.
fn words(command: &[String]) -> Vec<&str> {
    command
        .iter()
        .flat_map(|a| a.split(|c: char| c.is_whitespace() || "|;&()<>`$'\"".contains(c)))
        .filter(|w| !w.is_empty())
        .collect()
}

fn base(w: &str) -> &str {
    w.rsplit('/').next().unwrap_or(w)
}

fn exec(idx: &Index, l: &Lenses, out: &mut Vec<Finding>) {
    use super::exec::Outcome;
    for s in l.exec.sorted() {
        if !matches!(s.outcome, Outcome::Allowed | Outcome::Open) || s.params.command.is_empty() {
            continue;
        }
        let cmd = &s.params.command;
        let first = base(&cmd[0]);
        let place = s.target(idx);
        let shown = crate::model::text::truncate(&cmd.join(" "), 80).into_owned();
        let how_long = s.end.map_or("still open".to_string(), |e| span(s.start, e));
        let user = idx.s(s.user).to_string();
        let ev = vec![(s.start, s.req)];
        if SHELLS.contains(&first) && s.params.tty {
            out.push(finding(
                "exec-shell",
                user.clone(),
                format!("shell in {place}: {shown} ({how_long})"),
                ev.clone(),
            ));
        }
        if first == "tar" {
            out.push(finding(
                "exec-copy",
                user.clone(),
                format!("tar in {place}: {shown}"),
                ev.clone(),
            ));
        }
        let w = words(cmd);
        let fetch: Vec<&str> = w
            .iter()
            .map(|x| base(x))
            .filter(|x| FETCHERS.contains(x))
            .collect();
        let creds = cmd.iter().any(|a| a.contains("/var/run/secrets"));
        if !fetch.is_empty() || creds {
            let what = match (fetch.first(), creds) {
                (Some(f), true) => {
                    format!("runs {f} and reads the pod's service-account credentials")
                }
                (Some(f), false) => format!("runs {f}"),
                (None, _) => "reads the pod's service-account credentials".to_string(),
            };
            out.push(finding(
                "exec-fetch-exfil",
                user,
                format!("{what} in {place}: {shown}"),
                ev,
            ));
        }
    }
}

fn access_rules(idx: &Index, l: &Lenses, out: &mut Vec<Finding>) {
    use access::Kind;
    // Anonymous answers, by source address.
    let mut anon: BTreeMap<Sym, Vec<(Nanos, ReqId)>> = BTreeMap::new();
    for (t, r, _) in l.access.of_kind(Kind::AnonymousAllowed) {
        let v = idx.request(r);
        let ip = idx
            .lists
            .get(idx.whos.get(v.who).ips)
            .first()
            .copied()
            .unwrap_or_default();
        anon.entry(ip).or_default().push((t, r));
    }
    for (ip, ev) in anon {
        let mut targets: Vec<String> = ev
            .iter()
            .map(|&(_, r)| {
                let o = idx.objs.get(idx.request(r).obj);
                if o.resource.is_none() {
                    idx.s(o.path).to_string()
                } else {
                    resource_label(idx, o.resource, o.subresource)
                }
            })
            .collect();
        targets.sort();
        targets.dedup();
        let s = format!(
            "answered {} anonymous {} ({})",
            ev.len(),
            if ev.len() == 1 { "request" } else { "requests" },
            targets.join(", ")
        );
        out.push(finding(
            "anonymous-allowed",
            format!("anonymous from {}", idx.s(ip)),
            s,
            ev,
        ));
    }
    let mut by_pair: BTreeMap<(Sym, Sym), Vec<(Nanos, ReqId)>> = BTreeMap::new();
    for (t, r, _) in l.access.of_kind(Kind::ImpersonationPrivileged) {
        let v = idx.request(r);
        by_pair
            .entry((v.user, v.impersonated))
            .or_default()
            .push((t, r));
    }
    for ((u, as_), ev) in by_pair {
        let s = format!(
            "acted as {} ({})",
            idx.s(as_),
            plural(ev.len(), "request", "requests")
        );
        out.push(finding("impersonate-privileged", idx.s(u).into(), s, ev));
    }
    for (t, r, b) in l.access.of_kind(Kind::BindingWrite) {
        let Some(b) = b.filter(|b| b.role == "cluster-admin" && b.role_kind == "ClusterRole")
        else {
            continue;
        };
        let v = idx.request(r);
        let subjects: Vec<String> = b
            .subjects
            .iter()
            .map(|s| format!("{} {}", s.kind, s.username()))
            .collect();
        let target = if v.object.namespace.is_none() {
            idx.s(v.object.name).to_string()
        } else {
            format!("{}/{}", idx.s(v.object.namespace), idx.s(v.object.name))
        };
        let s = format!(
            "{} {} binds cluster-admin to {}",
            idx.s(v.verb),
            target,
            subjects.join(", ")
        );
        out.push(finding(
            "bind-cluster-admin",
            idx.s(v.user).into(),
            s,
            vec![(t, r)],
        ));
    }
    for (kind, id, verb) in [
        (Kind::TokenMinted, "token-minted", "minted a token for"),
        (Kind::CsrApproved, "csr-approved", "approved"),
    ] {
        let mut by_user: BTreeMap<Sym, Vec<(Nanos, ReqId)>> = BTreeMap::new();
        for (t, r, _) in l.access.of_kind(kind) {
            by_user.entry(idx.request(r).user).or_default().push((t, r));
        }
        for (u, ev) in by_user {
            let mut objs: Vec<String> = ev
                .iter()
                .map(|&(_, r)| {
                    let o = &idx.request(r).object;
                    if o.namespace.is_none() {
                        idx.s(o.name).to_string()
                    } else {
                        format!("{}/{}", idx.s(o.namespace), idx.s(o.name))
                    }
                })
                .collect();
            objs.sort();
            objs.dedup();
            let s = format!("{verb} {}", objs.join(", "));
            out.push(finding(id, idx.s(u).into(), s, ev));
        }
    }
}

/// Findings per investigation, for the summary.
pub fn counts(f: &[Finding]) -> [(Lens, usize); 4] {
    [Lens::Secrets, Lens::Denied, Lens::Exec, Lens::Access]
        .map(|k| (k, f.iter().filter(|x| x.rule.lens == k).count()))
}

/// Which requests and users findings point at, and how severely: what puts
/// the most suspicious rows of a table first.
#[derive(Default)]
pub struct Ranking {
    pub findings: Vec<Finding>,
    by_req: HashMap<ReqId, Vec<usize>>,
    by_subject: HashMap<String, Vec<usize>>,
}

impl Ranking {
    pub fn new(idx: &Index, l: &Lenses) -> Self {
        let findings = findings(idx, l);
        let mut by_req: HashMap<ReqId, Vec<usize>> = HashMap::new();
        let mut by_subject: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            for &r in &f.evidence {
                by_req.entry(r).or_default().push(i);
            }
            by_subject.entry(f.subject.clone()).or_default().push(i);
        }
        Ranking {
            findings,
            by_req,
            by_subject,
        }
    }

    fn of_reqs(
        &self,
        reqs: impl IntoIterator<Item = ReqId>,
        lens: Option<Lens>,
    ) -> impl Iterator<Item = &Finding> {
        reqs.into_iter()
            .flat_map(|r| self.by_req.get(&r).into_iter().flatten())
            .map(|&i| &self.findings[i])
            .filter(move |f| lens.is_none_or(|l| f.rule.lens == l))
    }

    /// The most severe finding of an investigation (or any) among some requests' evidence.
    pub fn of_requests(
        &self,
        reqs: impl IntoIterator<Item = ReqId>,
        lens: Option<Lens>,
    ) -> Option<Severity> {
        self.of_reqs(reqs, lens).map(|f| f.severity).max()
    }

    /// How suspicious a request is within one investigation: first the findings of that
    /// investigation, then any finding that cites it (a refused attempt, a grant's use).
    pub fn suspicion(&self, req: ReqId, lens: Lens) -> (Option<Severity>, Option<Severity>) {
        (
            self.of_requests([req], Some(lens)),
            self.of_requests([req], None),
        )
    }

    /// Short labels of the rules of an investigation whose evidence includes some of these requests.
    pub fn labels_of(
        &self,
        reqs: impl IntoIterator<Item = ReqId>,
        lens: Lens,
    ) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = self
            .of_reqs(reqs, Some(lens))
            .map(|f| f.rule.label)
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The rules of an investigation (or any) whose evidence includes some of these requests.
    pub fn rules_of(
        &self,
        reqs: impl IntoIterator<Item = ReqId>,
        lens: Option<Lens>,
    ) -> Vec<&'static str> {
        let mut ids: Vec<&'static str> = self.of_reqs(reqs, lens).map(|f| f.rule.id).collect();
        ids.sort();
        ids.dedup();
        ids
    }

    fn of_subject(&self, subject: &str, lens: Lens) -> impl Iterator<Item = &Finding> {
        self.by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .map(|&i| &self.findings[i])
            .filter(move |f| f.rule.lens == lens)
    }

    /// The most severe finding about a user in one investigation.
    pub fn of_user(&self, idx: &Index, user: Sym, lens: Lens) -> Option<Severity> {
        self.of_subject(idx.s(user), lens).map(|f| f.severity).max()
    }

    /// Findings in one investigation about a subject (a user, or `unauthenticated from IP`).
    pub fn about<'a>(&'a self, subject: &'a str, lens: Lens) -> impl Iterator<Item = &'a Finding> {
        self.of_subject(subject, lens)
    }
}
