//! Totals over a selection: what `summary` prints and the TUI overview shows.

use super::groups::{self, ObjectGroup, ReqSet, UserGroup};
use super::{EventId, Index, ReqId};
use crate::model::{Nanos, is_human};
use crate::parse::NO_TIME;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Summary {
    pub events: u64,
    pub requests: u64,
    pub malformed: u64,
    pub first: Nanos,
    pub last: Nanos,
    pub users: Vec<UserGroup>,
    pub humans: u64,
    pub objects: Vec<ObjectGroup>,
    /// Requests by response code; requests without one are in `no_code`.
    pub codes: BTreeMap<u16, u64>,
    pub no_code: u64,
    pub verbs: BTreeMap<String, u64>,
    /// Requests on secrets, denied requests, exec/attach/portforward requests.
    pub secrets: u64,
    pub denied: u64,
    pub exec: u64,
}

pub fn summarize(idx: &Index, events: &[EventId], requests: &[ReqId]) -> Summary {
    let (mut first, mut last) = (Nanos::MAX, Nanos::MIN);
    for &e in events {
        let t = idx.events[e as usize].ts;
        if t != NO_TIME {
            first = first.min(t);
            last = last.max(t);
        }
    }
    let set = ReqSet::new(idx, requests);
    let users = groups::users(idx, &set);
    let humans = users.iter().filter(|u| is_human(idx.s(u.user))).count() as u64;
    let mut s = Summary {
        events: events.len() as u64,
        requests: requests.len() as u64,
        malformed: idx.malformed() as u64,
        first,
        last,
        humans,
        users,
        objects: groups::objects(idx, &set),
        codes: BTreeMap::new(),
        no_code: 0,
        verbs: BTreeMap::new(),
        secrets: 0,
        denied: 0,
        exec: 0,
    };
    for &r in requests {
        let v = idx.request(r);
        match v.code {
            Some(c) => *s.codes.entry(c).or_default() += 1,
            None => s.no_code += 1,
        }
        *s.verbs.entry(idx.s(v.verb).to_string()).or_default() += 1;
        let o = idx.objs.get(v.obj);
        s.secrets += u64::from(idx.s(o.resource) == "secrets");
        s.exec += u64::from(matches!(
            idx.s(o.subresource),
            "exec" | "attach" | "portforward"
        ));
        s.denied += u64::from(idx.request_denied(&v));
    }
    s
}
