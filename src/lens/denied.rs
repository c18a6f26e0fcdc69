//! What was refused (SPEC §5 `denied`): requests answered 401 or 403, by user
//! and by what they tried; failed authentications by source.

use crate::index::{Index, ReqId, RequestView};
use crate::model::Nanos;
use crate::model::intern::Sym;
use hashbrown::HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// One refused request.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub req: ReqId,
    /// `Sym::NONE` when authentication failed.
    pub user: Sym,
    pub code: u16,
    pub verb: Sym,
    pub resource: Sym,
    pub subresource: Sym,
    pub namespace: Sym,
    pub name: Sym,
    /// A non-resource request's path.
    pub path: Sym,
    /// The authorizer's reason annotation and the response message.
    pub reason: Sym,
    pub message: Sym,
    pub time: Nanos,
    /// The first source IP and the user agent.
    pub ip: Sym,
    pub agent: Sym,
}

/// Whose refusals: a user, or for failed authentication, where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Who {
    User(Sym),
    Source { ip: Sym, agent: Sym },
}

#[derive(Debug, Default)]
pub struct DeniedLens {
    pub refusals: HashMap<ReqId, Refusal>,
    /// Each identity's refusals in time order.
    pub by_who: HashMap<Who, BTreeSet<(Nanos, ReqId)>>,
}

impl Refusal {
    pub fn who(&self) -> Who {
        if self.user.is_none() {
            Who::Source {
                ip: self.ip,
                agent: self.agent,
            }
        } else {
            Who::User(self.user)
        }
    }
}

impl DeniedLens {
    pub(super) fn set(&mut self, idx: &Index, v: &RequestView) {
        if let Some(old) = self.refusals.remove(&v.id) {
            let who = old.who();
            if let Some(set) = self.by_who.get_mut(&who) {
                set.remove(&(old.time, old.req));
                if set.is_empty() {
                    self.by_who.remove(&who);
                }
            }
        }
        let Some(code @ (401 | 403)) = v.code else {
            return;
        };
        let o = idx.objs.get(v.obj);
        let who = idx.whos.get(v.who);
        let r = Refusal {
            req: v.id,
            user: v.user,
            code,
            verb: v.verb,
            resource: o.resource,
            subresource: o.subresource,
            namespace: o.namespace,
            name: o.name,
            path: o.path,
            reason: v.verdict.reason,
            message: v.verdict.message,
            time: v.start,
            ip: idx.lists.get(who.ips).first().copied().unwrap_or_default(),
            agent: who.agent,
        };
        self.by_who
            .entry(r.who())
            .or_default()
            .insert((r.time, r.req));
        self.refusals.insert(v.id, r);
    }

    /// SPEC `by_user`: refused requests of identified users, grouped by what
    /// they tried; most refused first.
    pub fn by_user(&self, idx: &Index) -> Vec<UserRefusals> {
        let mut out: Vec<UserRefusals> = self
            .by_who
            .iter()
            .filter_map(|(who, reqs)| match who {
                Who::User(u) => Some(self.group_user(*u, reqs)),
                Who::Source { .. } => None,
            })
            .collect();
        out.sort_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then_with(|| idx.s(a.user).cmp(idx.s(b.user)))
        });
        out
    }

    fn group_user(&self, user: Sym, reqs: &BTreeSet<(Nanos, ReqId)>) -> UserRefusals {
        let mut g = UserRefusals {
            user,
            requests: 0,
            codes: BTreeMap::new(),
            first: Nanos::MAX,
            last: Nanos::MIN,
            attempts: Vec::new(),
        };
        let mut attempts: HashMap<AttemptKey, Attempt> = HashMap::new();
        for (_, r) in reqs {
            let f = &self.refusals[r];
            g.requests += 1;
            *g.codes.entry(f.code).or_default() += 1;
            g.first = g.first.min(f.time);
            g.last = g.last.max(f.time);
            let key = AttemptKey {
                verb: f.verb,
                resource: f.resource,
                subresource: f.subresource,
                namespace: f.namespace,
                name: f.name,
                path: f.path,
                code: f.code,
            };
            let a = attempts.entry(key).or_insert_with(|| Attempt {
                key,
                requests: 0,
                first: f.time,
                last: f.time,
                reason: f.reason,
                message: f.message,
                evidence: Vec::new(),
            });
            a.requests += 1;
            a.last = f.time; // reqs come in time order: the last one's words are the latest
            a.reason = f.reason;
            a.message = f.message;
            a.evidence.push(f.req);
        }
        g.attempts = attempts.into_values().collect();
        g.attempts
            .sort_by(|a, b| b.requests.cmp(&a.requests).then(a.first.cmp(&b.first)));
        g
    }

    /// SPEC `unauthenticated`: failed authentications by first source IP and
    /// user agent; most first.
    pub fn unauthenticated(&self, idx: &Index) -> Vec<Unauthenticated> {
        let mut out: Vec<Unauthenticated> = self
            .by_who
            .iter()
            .filter_map(|(who, reqs)| match who {
                Who::Source { ip, agent } => {
                    let (first, last) = (
                        reqs.first().map_or(0, |x| x.0),
                        reqs.last().map_or(0, |x| x.0),
                    );
                    // In the order first probed (symbol ids depend on load order).
                    let mut paths: Vec<Sym> = Vec::new();
                    for p in reqs.iter().map(|(_, r)| self.refusals[r].path) {
                        if !p.is_none() && !paths.contains(&p) {
                            paths.push(p);
                        }
                    }
                    Some(Unauthenticated {
                        ip: *ip,
                        agent: *agent,
                        requests: reqs.len() as u64,
                        first,
                        last,
                        paths,
                    })
                }
                Who::User(_) => None,
            })
            .collect();
        out.sort_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then_with(|| (idx.s(a.ip), idx.s(a.agent)).cmp(&(idx.s(b.ip), idx.s(b.agent))))
        });
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttemptKey {
    pub verb: Sym,
    pub resource: Sym,
    pub subresource: Sym,
    pub namespace: Sym,
    pub name: Sym,
    pub path: Sym,
    pub code: u16,
}

/// What a user tried and was refused, with how often.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub key: AttemptKey,
    pub requests: u64,
    pub first: Nanos,
    pub last: Nanos,
    pub reason: Sym,
    pub message: Sym,
    pub evidence: Vec<ReqId>,
}

#[derive(Debug, Clone)]
pub struct UserRefusals {
    pub user: Sym,
    pub requests: u64,
    pub codes: BTreeMap<u16, u64>,
    pub first: Nanos,
    pub last: Nanos,
    pub attempts: Vec<Attempt>,
}

#[derive(Debug, Clone)]
pub struct Unauthenticated {
    pub ip: Sym,
    pub agent: Sym,
    pub requests: u64,
    pub first: Nanos,
    pub last: Nanos,
    /// Non-resource paths tried.
    pub paths: Vec<Sym>,
}
