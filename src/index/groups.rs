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

    /// Add another counter's counts.
    pub fn merge(&mut self, o: &Counter<K>) {
        for (k, n) in o.iter() {
            self.add(k, n as i64);
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
    /// No requests yet: the times are empty (`MAX`, `MIN`) until one comes.
    pub fn new(user: Sym) -> UserGroup {
        UserGroup {
            user,
            requests: 0,
            denied: 0,
            first: Nanos::MAX,
            last: Nanos::MIN,
            verbs: Counter::default(),
            resources: Counter::default(),
            agents: Counter::default(),
        }
    }

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

impl ObjectGroup {
    /// No requests yet.
    pub fn new(key: ObjKey) -> ObjectGroup {
        ObjectGroup {
            key,
            requests: 0,
            first: Nanos::MAX,
            last: Nanos::MIN,
            users: Counter::default(),
        }
    }
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

        let u = self
            .users
            .entry(v.user)
            .or_insert_with(|| UserGroup::new(v.user));
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
                *g = ObjectGroup::new(v.object);
            }
            inc(&mut g.requests, true);
            g.first = g.first.min(v.start);
            g.last = g.last.max(v.end);
            g.users.add(v.user, n);
        }
    }

    /// A tally of some requests, counted on every core when they are many
    /// (a filter over a million events must redraw in a blink) and merged.
    pub fn of(idx: &Index, requests: &[super::ReqId]) -> Tally {
        const PER_THREAD: usize = 32_768;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(requests.len() / PER_THREAD)
            .max(1);
        Tally::of_in(idx, requests, threads)
    }

    fn of_in(idx: &Index, requests: &[super::ReqId], threads: usize) -> Tally {
        let part = |rs: &[super::ReqId]| {
            let mut t = Tally::default();
            for &r in rs {
                t.add(&idx.request(r), 1);
            }
            t
        };
        if threads <= 1 || requests.len() < threads {
            return part(requests);
        }
        let size = requests.len().div_ceil(threads);
        let mut parts: Vec<Tally> = std::thread::scope(|s| {
            let handles: Vec<_> = requests
                .chunks(size)
                .map(|c| s.spawn(move || part(c)))
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        let mut t = parts.remove(0);
        for p in parts {
            t.merge(p);
        }
        t
    }

    /// Add another tally's counts (of other requests) to this one.
    fn merge(&mut self, o: Tally) {
        self.requests += o.requests;
        self.no_code += o.no_code;
        self.secrets += o.secrets;
        self.denied += o.denied;
        self.exec += o.exec;
        self.codes.merge(&o.codes);
        self.verbs.merge(&o.verbs);
        for (u, g) in o.users {
            match self.users.entry(u) {
                hashbrown::hash_map::Entry::Vacant(e) => {
                    e.insert(g);
                }
                hashbrown::hash_map::Entry::Occupied(mut e) => {
                    let m = e.get_mut();
                    m.requests += g.requests;
                    m.denied += g.denied;
                    m.first = m.first.min(g.first);
                    m.last = m.last.max(g.last);
                    m.verbs.merge(&g.verbs);
                    m.resources.merge(&g.resources);
                    m.agents.merge(&g.agents);
                }
            }
        }
        if self.objects.len() < o.objects.len() {
            self.objects
                .resize_with(o.objects.len(), ObjectGroup::default);
        }
        for (k, g) in o.objects.into_iter().enumerate() {
            if g.requests == 0 {
                continue;
            }
            let m = &mut self.objects[k];
            if m.requests == 0 {
                *m = g;
            } else {
                m.requests += g.requests;
                m.first = m.first.min(g.first);
                m.last = m.last.max(g.last);
                m.users.merge(&g.users);
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn counts<K: Copy + Eq + Hash + Ord>(c: &Counter<K>) -> Vec<(K, u64)> {
        let mut v: Vec<_> = c.iter().collect();
        v.sort();
        v
    }

    #[test]
    fn a_tally_counted_in_parts_is_the_same() {
        let mut text = Vec::new();
        let opts = crate::demo::DemoOptions {
            events: crate::demo::MIN_EVENTS,
            ..Default::default()
        };
        crate::demo::write_demo(&opts, &mut text).expect("demo");
        let mut b = crate::parse::Batch::default();
        crate::parse::parse_chunk(&text, 0, &mut b);
        let mut idx = Index::new();
        idx.apply(&b);
        let reqs: Vec<u32> = (0..idx.requests.len() as u32).collect();
        let one = Tally::of_in(&idx, &reqs, 1);
        let three = Tally::of_in(&idx, &reqs, 3);
        assert_eq!(
            (one.requests, one.no_code, one.secrets, one.denied, one.exec),
            (
                three.requests,
                three.no_code,
                three.secrets,
                three.denied,
                three.exec
            )
        );
        assert_eq!(counts(&one.codes), counts(&three.codes));
        assert_eq!(counts(&one.verbs), counts(&three.verbs));
        assert_eq!(one.users.len(), three.users.len());
        for (u, a) in &one.users {
            let b = &three.users[u];
            assert_eq!(
                (a.requests, a.denied, a.first, a.last),
                (b.requests, b.denied, b.first, b.last)
            );
            assert_eq!(counts(&a.verbs), counts(&b.verbs));
            assert_eq!(counts(&a.resources), counts(&b.resources));
            assert_eq!(counts(&a.agents), counts(&b.agents));
        }
        let objs = |t: &Tally| {
            t.objects
                .iter()
                .filter(|g| g.requests > 0)
                .map(|g| {
                    (
                        g.key.resource,
                        g.key.subresource,
                        g.key.namespace,
                        g.key.name,
                        g.requests,
                        g.first,
                        g.last,
                        counts(&g.users),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(objs(&one), objs(&three));
        assert_eq!(one.requests as usize, idx.requests.len());
    }
}
