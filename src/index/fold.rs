//! Folding a batch into the index: local ids become global ids once per
//! distinct value, then each event joins (or opens) its request.

use super::{EventRec, Index, NIL, ObjKey, ReqRec};
use crate::model::intern::{ListId, Obj, Sym, Verdict, Who};
use crate::parse::{AuditKey, Batch};
use std::hash::BuildHasher;

impl Index {
    pub fn apply(&mut self, b: &Batch) {
        let sym: Vec<Sym> = std::iter::once(Sym::NONE)
            .chain(b.syms.iter().map(|(_, s)| self.syms.intern(s)))
            .collect();
        let mut scratch = Vec::new();
        let list: Vec<ListId> = (0..b.lists.len() as u32)
            .map(|l| {
                scratch.clear();
                scratch.extend(b.lists.get(ListId(l)).iter().map(|s| sym[s.idx()]));
                self.lists.intern(&scratch)
            })
            .collect();
        let who: Vec<u32> = b
            .whos
            .items()
            .iter()
            .map(|w| {
                self.whos.intern(Who {
                    user: sym[w.user.idx()],
                    groups: list[w.groups.0 as usize],
                    impersonated: sym[w.impersonated.idx()],
                    imp_groups: list[w.imp_groups.0 as usize],
                    agent: sym[w.agent.idx()],
                    ips: list[w.ips.0 as usize],
                })
            })
            .collect();
        let obj: Vec<u32> = b
            .objs
            .items()
            .iter()
            .map(|o| {
                let g = Obj {
                    apigroup: sym[o.apigroup.idx()],
                    resource: sym[o.resource.idx()],
                    subresource: sym[o.subresource.idx()],
                    namespace: sym[o.namespace.idx()],
                    name: sym[o.name.idx()],
                    path: sym[o.path.idx()],
                };
                let id = self.objs.intern(g);
                if id as usize == self.obj_key_of.len() {
                    let key = if g.resource.is_none() {
                        NIL
                    } else {
                        self.obj_keys.intern(ObjKey {
                            resource: g.resource,
                            subresource: g.subresource,
                            namespace: g.namespace,
                            name: g.name,
                        })
                    };
                    self.obj_key_of.push(key);
                    if key != NIL && key as usize == self.by_object.len() {
                        self.by_object.push(Vec::new());
                    }
                }
                id
            })
            .collect();
        let verdict: Vec<u32> = b
            .verdicts
            .items()
            .iter()
            .map(|v| {
                self.verdicts.intern(Verdict {
                    decision: sym[v.decision.idx()],
                    reason: sym[v.reason.idx()],
                    message: sym[v.message.idx()],
                })
            })
            .collect();
        let first = self.events.len() as u32;
        self.facets
            .extend(b.facets.iter().map(|(i, f)| (first + i, f.clone())));
        self.events.reserve(b.events.len());
        for e in &b.events {
            let (key, text) = match e.audit {
                AuditKey::Uuid(u) => ([(u >> 64) as u64, u as u64], false),
                AuditKey::Text(s) => ([sym[s.idx()].0 as u64, 0], true),
            };
            let id = self.events.len() as u32;
            let rec = EventRec {
                ts: e.ts,
                received: e.received,
                offset: e.offset,
                len: e.len,
                input: b.source,
                req: NIL,
                next: NIL,
                who: who[e.who as usize],
                obj: obj[e.obj as usize],
                verdict: verdict[e.verdict as usize],
                verb: sym[e.verb.idx()],
                code: e.code,
                stage: e.stage,
                level: e.level,
                flags: e.flags,
            };
            self.events.push(rec);
            self.join_request(id, key, text);
        }
    }

    fn join_request(&mut self, id: u32, key: [u64; 2], text: bool) {
        let h = self.hasher.hash_one((key, text));
        let reqs = &self.requests;
        let found = self
            .req_table
            .find(h, |&r| {
                reqs[r as usize].key == key && reqs[r as usize].text == text
            })
            .copied();
        let r = match found {
            Some(r) => r,
            None => {
                let r = self.requests.len() as u32;
                self.requests.push(ReqRec {
                    key,
                    text,
                    head: NIL,
                    best: id,
                });
                let (reqs, hasher) = (&self.requests, &self.hasher);
                self.req_table.insert_unique(h, r, |&r| {
                    hasher.hash_one((reqs[r as usize].key, reqs[r as usize].text))
                });
                if self.grouping {
                    let e = &self.events[id as usize];
                    let user = self.whos.get(e.who).user;
                    self.by_user.entry(user).or_default().push(r);
                    let k = self.obj_key_of[e.obj as usize];
                    if k != NIL {
                        self.by_object[k as usize].push(r);
                    }
                }
                r
            }
        };
        // A later stage may change what describes the request: count it out and back in.
        let before = (found.is_some()).then(|| self.request(r));
        let req = &mut self.requests[r as usize];
        self.events[id as usize].req = r;
        self.events[id as usize].next = req.head;
        req.head = id;
        let (new, best) = (&self.events[id as usize], &self.events[req.best as usize]);
        if (new.stage.completeness(), new.ts) > (best.stage.completeness(), best.ts) {
            req.best = id;
        }
        if !self.grouping {
            return;
        }
        let after = self.request(r);
        if let Some(b) = before {
            self.tally.add(&b, -1);
        }
        self.tally.add(&after, 1);
    }
}
