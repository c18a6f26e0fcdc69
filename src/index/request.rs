//! A request seen through all its stages (SPEC §3): described by its most
//! complete stage, with impersonatedUser, responseStatus and annotations taken
//! from whichever stage carries them.

use super::{EventId, Index, NIL, ObjKey, ReqId};
use crate::model::intern::{Sym, Verdict};
use crate::model::{Nanos, Stage};
use crate::parse::NO_TIME;

#[derive(Clone, Copy, Debug)]
pub struct RequestView {
    pub id: ReqId,
    /// The event of the most complete stage.
    pub best: EventId,
    pub stage: Stage,
    pub user: Sym,
    pub impersonated: Sym,
    /// The describing event's identity tuple (groups, agent, source IPs).
    pub who: u32,
    pub agent: Sym,
    pub verb: Sym,
    pub obj: u32,
    /// The `objects` grouping key and its id (`NIL` for non-resource requests).
    pub object: ObjKey,
    pub obj_key: u32,
    /// responseStatus.code, `None` when no stage carries one.
    pub code: Option<u16>,
    pub verdict: Verdict,
    /// requestReceivedTimestamp: when the request arrived.
    pub start: Nanos,
    /// The latest stage's time: when it was last heard of (a 38-minute
    /// port-forward ends at its ResponseComplete).
    pub end: Nanos,
    /// SPEC `@denied`, `@secrets`, `@exec`, as the request is described.
    pub denied: bool,
    pub secrets: bool,
    pub exec: bool,
}

impl Index {
    /// The events of a request, most recently added first.
    pub fn request_events(&self, r: ReqId) -> impl Iterator<Item = EventId> + '_ {
        let mut cur = self.requests[r as usize].head;
        std::iter::from_fn(move || {
            if cur == NIL {
                return None;
            }
            let id = cur;
            cur = self.events[id as usize].next;
            Some(id)
        })
    }

    /// The describing event of a request: its verb, user and object are the
    /// same at every stage, so cheap questions need no full view.
    pub fn best_event(&self, r: ReqId) -> &super::EventRec {
        &self.events[self.requests[r as usize].best as usize]
    }

    /// The response code, from the most complete stage that has one.
    pub fn request_code(&self, r: ReqId) -> Option<u16> {
        let best = self.best_event(r);
        if best.code != 0 {
            return Some(best.code);
        }
        self.request_events(r)
            .map(|e| &self.events[e as usize])
            .filter(|e| e.code != 0)
            .max_by_key(|e| e.stage.completeness())
            .map(|e| e.code)
    }

    pub fn request(&self, r: ReqId) -> RequestView {
        let req = &self.requests[r as usize];
        let best = &self.events[req.best as usize];
        let who = self.whos.get(best.who);
        let mut v = RequestView {
            id: r,
            best: req.best,
            stage: best.stage,
            user: who.user,
            impersonated: who.impersonated,
            who: best.who,
            agent: who.agent,
            verb: best.verb,
            obj: best.obj,
            object: ObjKey::default(),
            obj_key: self.obj_key_of_obj(best.obj),
            code: (best.code != 0).then_some(best.code),
            verdict: *self.verdicts.get(best.verdict),
            start: best.received,
            end: best.ts,
            denied: false,
            secrets: false,
            exec: false,
        };
        if best.next != NIL || req.head != req.best {
            self.merge_stages(r, &mut v);
        }
        let o = self.objs.get(v.obj);
        let k = &self.known;
        v.object = ObjKey {
            resource: o.resource,
            subresource: o.subresource,
            namespace: o.namespace,
            name: o.name,
        };
        v.denied = matches!(v.code, Some(401 | 403)) || v.verdict.decision == k.forbid;
        v.secrets = o.resource == k.secrets;
        v.exec = [k.exec, k.attach, k.portforward].contains(&o.subresource);
        v
    }

    /// Each field from the most complete stage that carries it.
    fn merge_stages(&self, r: ReqId, v: &mut RequestView) {
        let mut rank = [0u8; 5];
        for id in self.request_events(r) {
            let e = &self.events[id as usize];
            v.start = v.start.min(e.received);
            if e.ts != NO_TIME {
                v.end = v.end.max(e.ts);
            }
            let c = e.stage.completeness() + 1;
            let who = self.whos.get(e.who);
            let ver = self.verdicts.get(e.verdict);
            let mut take = |slot: usize, present: bool| {
                let ok = present && c > rank[slot];
                if ok {
                    rank[slot] = c;
                }
                ok
            };
            if take(0, !who.impersonated.is_none()) {
                v.impersonated = who.impersonated;
            }
            if take(1, e.code != 0) {
                v.code = Some(e.code);
            }
            if take(2, !ver.decision.is_none()) {
                v.verdict.decision = ver.decision;
            }
            if take(3, !ver.reason.is_none()) {
                v.verdict.reason = ver.reason;
            }
            if take(4, !ver.message.is_none()) {
                v.verdict.message = ver.message;
            }
        }
    }
}
