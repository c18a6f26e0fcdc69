//! Requests grouped by user and by object (SPEC §5 `users`, `objects`),
//! computed from the posting lists built while loading, restricted to a
//! selection of requests.

use super::{Index, ObjKey, ReqId};
use crate::model::Nanos;
use crate::model::intern::Sym;
use std::collections::BTreeMap;

/// Which requests a grouping counts.
pub struct ReqSet {
    bits: Vec<bool>,
}

impl ReqSet {
    pub fn new(idx: &Index, requests: &[ReqId]) -> Self {
        let mut bits = vec![false; idx.requests.len()];
        for &r in requests {
            bits[r as usize] = true;
        }
        ReqSet { bits }
    }

    pub fn contains(&self, r: ReqId) -> bool {
        self.bits.get(r as usize).copied().unwrap_or(false)
    }
}

#[derive(Debug, Clone)]
pub struct UserGroup {
    pub user: Sym,
    pub requests: u64,
    pub denied: u64,
    pub first: Nanos,
    pub last: Nanos,
    pub verbs: BTreeMap<String, u64>,
    /// `resource` or `resource/subresource`; non-resource requests are not counted here.
    pub resources: BTreeMap<String, u64>,
}

#[derive(Debug, Clone)]
pub struct ObjectGroup {
    pub key: ObjKey,
    pub requests: u64,
    pub users: BTreeMap<String, u64>,
    pub first: Nanos,
    pub last: Nanos,
}

/// Users with at least one selected request, by requests descending, then name.
pub fn users(idx: &Index, sel: &ReqSet) -> Vec<UserGroup> {
    let mut out: Vec<UserGroup> = idx
        .by_user
        .iter()
        .filter_map(|(&user, reqs)| {
            let mut g = UserGroup {
                user,
                requests: 0,
                denied: 0,
                first: Nanos::MAX,
                last: Nanos::MIN,
                verbs: BTreeMap::new(),
                resources: BTreeMap::new(),
            };
            for &r in reqs.iter().filter(|&&r| sel.contains(r)) {
                let v = idx.request(r);
                g.requests += 1;
                g.denied += u64::from(idx.request_denied(&v));
                g.first = g.first.min(v.time);
                g.last = g.last.max(v.time);
                *g.verbs.entry(idx.s(v.verb).to_string()).or_default() += 1;
                let o = idx.objs.get(v.obj);
                if !o.resource.is_none() {
                    let key = if o.subresource.is_none() {
                        idx.s(o.resource).to_string()
                    } else {
                        format!("{}/{}", idx.s(o.resource), idx.s(o.subresource))
                    };
                    *g.resources.entry(key).or_default() += 1;
                }
            }
            (g.requests > 0).then_some(g)
        })
        .collect();
    out.sort_by(|a, b| {
        b.requests
            .cmp(&a.requests)
            .then_with(|| idx.s(a.user).cmp(idx.s(b.user)))
    });
    out
}

/// Objects with at least one selected request, by requests descending, then
/// resource, namespace, name, subresource.
pub fn objects(idx: &Index, sel: &ReqSet) -> Vec<ObjectGroup> {
    let mut out: Vec<ObjectGroup> = idx
        .by_object
        .iter()
        .enumerate()
        .filter_map(|(k, reqs)| {
            let mut g = ObjectGroup {
                key: *idx.obj_keys.get(k as u32),
                requests: 0,
                users: BTreeMap::new(),
                first: Nanos::MAX,
                last: Nanos::MIN,
            };
            for &r in reqs.iter().filter(|&&r| sel.contains(r)) {
                let v = idx.request(r);
                g.requests += 1;
                g.first = g.first.min(v.time);
                g.last = g.last.max(v.time);
                *g.users.entry(idx.s(v.user).to_string()).or_default() += 1;
            }
            (g.requests > 0).then_some(g)
        })
        .collect();
    let key = |g: &ObjectGroup| {
        let k = g.key;
        (
            idx.s(k.resource),
            idx.s(k.namespace),
            idx.s(k.name),
            idx.s(k.subresource),
        )
    };
    out.sort_by(|a, b| {
        b.requests
            .cmp(&a.requests)
            .then_with(|| key(a).cmp(&key(b)))
    });
    out
}
