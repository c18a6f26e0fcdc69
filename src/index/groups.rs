//! Requests grouped by user and by object, with totals (SPEC §5 `users`,
//! `objects`, `summary`), as one incremental `Tally`.
//!
//! The index keeps a tally of everything while loading: a request enters when
//! its first event arrives, and when a later stage changes what describes it
//! (its code, its decision) it is taken out and put back. A filtered view is a
//! fresh tally over the selected requests, built by the same `add`.

use super::{Index, NIL, ObjKey, RequestView};
use crate::model::Nanos;
use crate::model::intern::Sym;
use hashbrown::HashMap;
use std::hash::Hash;

/// Counts by key: a short list while small (most users use a handful of
/// verbs), a hash map once large (an object many users touch).
#[derive(Debug, Clone)]
pub enum Counter<K> {
    Small(Vec<(K, u64)>),
    Large(HashMap<K, u64>),
}

impl<K> Default for Counter<K> {
    fn default() -> Self {
        Counter::Small(Vec::new())
    }
}

impl<K: Copy + Eq + Hash> Counter<K> {
    pub fn add(&mut self, k: K, n: i64) {
        match self {
            Counter::Small(v) => {
                match v.iter().position(|(x, _)| *x == k) {
                    Some(i) => {
                        v[i].1 = v[i].1.saturating_add_signed(n);
                        if v[i].1 == 0 {
                            v.swap_remove(i);
                        }
                    }
                    None if n > 0 => v.push((k, n as u64)),
                    None => {}
                }
                if v.len() > 24 {
                    *self = Counter::Large(v.drain(..).collect());
                }
            }
            Counter::Large(m) => {
                let e = m.entry(k).or_insert(0);
                *e = e.saturating_add_signed(n);
                if *e == 0 {
                    m.remove(&k);
                }
            }
        }
    }

    pub fn iter(&self) -> Box<dyn Iterator<Item = (K, u64)> + '_> {
        match self {
            Counter::Small(v) => Box::new(v.iter().copied()),
            Counter::Large(m) => Box::new(m.iter().map(|(k, n)| (*k, *n))),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Counter::Small(v) => v.len(),
            Counter::Large(m) => m.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone)]
pub struct UserGroup {
    pub user: Sym,
    pub requests: u64,
    pub denied: u64,
    /// When the user's first request arrived and their last one ended.
    pub first: Nanos,
    pub last: Nanos,
    pub verbs: Counter<Sym>,
    /// (resource, subresource); non-resource requests are not counted here.
    pub resources: Counter<(Sym, Sym)>,
    /// Requests per user agent: an identity's usual client is its most frequent.
    pub agents: Counter<Sym>,
}

impl UserGroup {
    /// The agent of most of this user's requests.
    pub fn usual_agent(&self) -> Option<Sym> {
        self.agents
            .iter()
            .max_by_key(|&(a, n)| (n, std::cmp::Reverse(a)))
            .map(|(a, _)| a)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ObjectGroup {
    pub key: ObjKey,
    pub requests: u64,
    pub first: Nanos,
    pub last: Nanos,
    pub users: Counter<Sym>,
}

#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub requests: u64,
    pub users: HashMap<Sym, UserGroup>,
    /// By `obj_keys` id; a group with no requests is empty.
    pub objects: Vec<ObjectGroup>,
    pub codes: Counter<u16>,
    /// Requests no stage of which carries a response code yet.
    pub no_code: u64,
    pub verbs: Counter<Sym>,
    /// Requests on secrets, denied requests, exec/attach/portforward requests.
    pub secrets: u64,
    pub denied: u64,
    pub exec: u64,
}

impl Tally {
    /// Count a request in (`n = 1`) or out (`n = -1`).
    pub fn add(&mut self, v: &RequestView, n: i64) {
        let inc = |x: &mut u64, yes: bool| {
            if yes {
                *x = x.saturating_add_signed(n);
            }
        };
        inc(&mut self.requests, true);
        match v.code {
            Some(c) => self.codes.add(c, n),
            None => inc(&mut self.no_code, true),
        }
        self.verbs.add(v.verb, n);
        inc(&mut self.secrets, v.secrets);
        inc(&mut self.exec, v.exec);
        inc(&mut self.denied, v.denied);

        let u = self.users.entry(v.user).or_insert_with(|| UserGroup {
            user: v.user,
            requests: 0,
            denied: 0,
            first: Nanos::MAX,
            last: Nanos::MIN,
            verbs: Counter::default(),
            resources: Counter::default(),
            agents: Counter::default(),
        });
        inc(&mut u.requests, true);
        inc(&mut u.denied, v.denied);
        // A request leaves only to come back with a span that holds the old
        // one (stages only add time), so the bounds need no undoing.
        u.first = u.first.min(v.start);
        u.last = u.last.max(v.end);
        u.verbs.add(v.verb, n);
        u.agents.add(v.agent, n);
        if !v.object.resource.is_none() {
            u.resources
                .add((v.object.resource, v.object.subresource), n);
        }
        if u.requests == 0 {
            self.users.remove(&v.user);
        }

        if v.obj_key != NIL {
            let k = v.obj_key as usize;
            if self.objects.len() <= k {
                self.objects.resize_with(k + 1, ObjectGroup::default);
            }
            let g = &mut self.objects[k];
            if g.requests == 0 {
                *g = ObjectGroup {
                    key: v.object,
                    requests: 0,
                    first: Nanos::MAX,
                    last: Nanos::MIN,
                    users: Counter::default(),
                };
            }
            inc(&mut g.requests, true);
            g.first = g.first.min(v.start);
            g.last = g.last.max(v.end);
            g.users.add(v.user, n);
        }
    }

    /// A tally of some requests.
    pub fn of(idx: &Index, requests: impl IntoIterator<Item = super::ReqId>) -> Tally {
        let mut t = Tally::default();
        for r in requests {
            t.add(&idx.request(r), 1);
        }
        t
    }

    /// Users by requests descending, then name.
    pub fn users_sorted<'a>(&'a self, idx: &Index) -> Vec<&'a UserGroup> {
        let mut v: Vec<_> = self.users.values().collect();
        v.sort_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then_with(|| idx.s(a.user).cmp(idx.s(b.user)))
        });
        v
    }

    /// Objects by requests descending, then resource, namespace, name, subresource.
    pub fn objects_sorted<'a>(&'a self, idx: &Index) -> Vec<&'a ObjectGroup> {
        let mut v: Vec<_> = self.objects.iter().filter(|g| g.requests > 0).collect();
        let key = |g: &ObjectGroup| {
            let k = g.key;
            (
                idx.s(k.resource),
                idx.s(k.namespace),
                idx.s(k.name),
                idx.s(k.subresource),
            )
        };
        v.sort_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then_with(|| key(a).cmp(&key(b)))
        });
        v
    }
}
