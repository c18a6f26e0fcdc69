//! The append-only store: one compact record per event, requests merged by
//! auditID, groupings by user and by object, all built as batches arrive.
//!
//! The raw text stays in the source (`RawStore`); a record keeps where it is.

mod fold;
pub mod groups;
pub mod request;

use crate::model::intern::{Interner, ListTable, Obj, Sym, TupleTable, Verdict, Who};
use crate::model::{Level, Nanos, Stage};
use crate::source::SkippedLine;
use hashbrown::HashTable;

pub use request::RequestView;

pub type EventId = u32;
pub type ReqId = u32;
pub const NIL: u32 = u32::MAX;

/// One event, 64 bytes.
#[derive(Clone, Copy, Debug)]
pub struct EventRec {
    pub ts: Nanos,
    pub received: Nanos,
    pub offset: u64,
    pub len: u32,
    pub input: u32,
    pub req: ReqId,
    /// The next event of the same request (`NIL` at the end).
    pub next: EventId,
    pub who: u32,
    pub obj: u32,
    pub verdict: u32,
    pub verb: Sym,
    pub code: u16,
    pub stage: Stage,
    pub level: Level,
    pub flags: u8,
}

impl EventRec {
    /// Where the event stands in time order: its time, then where it was
    /// read (events of the same instant keep their order in the input).
    pub fn time_key(&self) -> (Nanos, u32, u64) {
        (self.ts, self.input, self.offset)
    }
}

/// One request: the events sharing an auditID.
#[derive(Clone, Copy, Debug)]
pub struct ReqRec {
    /// The auditID: a packed UUID, or (when `text`) a symbol in `key[0]`.
    pub key: [u64; 2],
    pub text: bool,
    pub head: EventId,
    /// The event of the most complete stage, which describes the request.
    pub best: EventId,
}

/// The SPEC `objects` grouping key: resource, subresource, namespace, name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ObjKey {
    pub resource: Sym,
    pub subresource: Sym,
    pub namespace: Sym,
    pub name: Sym,
}

/// Symbols the engine compares against, interned first so tests are integer compares.
#[derive(Clone, Copy, Debug)]
pub struct Known {
    pub secrets: Sym,
    pub exec: Sym,
    pub attach: Sym,
    pub portforward: Sym,
    pub forbid: Sym,
    pub anonymous: Sym,
    pub unauthenticated: Sym,
}

#[derive(Clone)]
pub struct Index {
    pub known: Known,
    pub syms: Interner,
    pub lists: ListTable,
    pub whos: TupleTable<Who>,
    pub objs: TupleTable<Obj>,
    pub verdicts: TupleTable<Verdict>,
    pub obj_keys: TupleTable<ObjKey>,
    /// For each `objs` id, its `obj_keys` id (`NIL` without an objectRef).
    obj_key_of: Vec<u32>,
    pub events: Vec<EventRec>,
    pub requests: Vec<ReqRec>,
    req_table: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
    /// Requests per user symbol, in arrival order (drill-down from a user).
    pub by_user: hashbrown::HashMap<Sym, Vec<ReqId>>,
    /// Requests per `obj_keys` id (an object's history).
    pub by_object: Vec<Vec<ReqId>>,
    /// Everything loaded, grouped and counted as it arrives.
    pub tally: groups::Tally,
    /// Facts for the few events the investigations look into (see `model::facet`).
    pub facets: hashbrown::HashMap<EventId, crate::model::facet::Facet>,
    pub skipped: Vec<SkippedLine>,
    pub warnings: Vec<String>,
    /// Sources that could not deliver everything (Loki): the result is incomplete.
    pub failed: Vec<String>,
    /// Event ids in time order, rebuilt lazily after appends.
    time_order: Vec<EventId>,
    /// Whether requests are grouped (by user, by object) and counted
    /// (`tally`) as they arrive; an export of lines needs neither.
    grouping: bool,
}

impl Default for Index {
    fn default() -> Self {
        let mut syms = Interner::new();
        let known = Known {
            secrets: syms.intern("secrets"),
            exec: syms.intern("exec"),
            attach: syms.intern("attach"),
            portforward: syms.intern("portforward"),
            forbid: syms.intern("forbid"),
            anonymous: syms.intern("system:anonymous"),
            unauthenticated: syms.intern("system:unauthenticated"),
        };
        Index {
            known,
            syms,
            lists: ListTable::default(),
            whos: TupleTable::default(),
            objs: TupleTable::default(),
            verdicts: TupleTable::default(),
            obj_keys: TupleTable::default(),
            obj_key_of: Vec::new(),
            events: Vec::new(),
            requests: Vec::new(),
            req_table: HashTable::new(),
            hasher: foldhash::fast::RandomState::default(),
            by_user: hashbrown::HashMap::new(),
            by_object: Vec::new(),
            tally: groups::Tally::default(),
            facets: hashbrown::HashMap::new(),
            skipped: Vec::new(),
            warnings: Vec::new(),
            failed: Vec::new(),
            time_order: Vec::new(),
            grouping: true,
        }
    }
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    /// An index that neither groups nor counts requests: for exporting lines,
    /// which needs the events, their requests and their facts only.
    pub fn ungrouped() -> Self {
        Index {
            grouping: false,
            ..Self::default()
        }
    }

    /// Make room for about this many more events (a hint from the input size),
    /// so the tables are not rehashed over and over while loading.
    pub fn reserve(&mut self, events: usize) {
        self.events.reserve(events);
        self.requests.reserve(events);
        let (reqs, hasher) = (&self.requests, &self.hasher);
        self.req_table.reserve(events, |&r| {
            std::hash::BuildHasher::hash_one(hasher, (reqs[r as usize].key, reqs[r as usize].text))
        });
    }

    pub fn who(&self, e: &EventRec) -> &Who {
        self.whos.get(e.who)
    }

    pub fn obj(&self, e: &EventRec) -> &Obj {
        self.objs.get(e.obj)
    }

    pub fn verdict(&self, e: &EventRec) -> &Verdict {
        self.verdicts.get(e.verdict)
    }

    pub fn s(&self, s: Sym) -> &str {
        self.syms.resolve(s)
    }

    /// The grouping key of an event's object, `NIL` for non-resource requests.
    pub fn obj_key_id(&self, e: &EventRec) -> u32 {
        self.obj_key_of[e.obj as usize]
    }

    pub fn obj_key_of_obj(&self, obj: u32) -> u32 {
        self.obj_key_of[obj as usize]
    }

    /// The id of an object grouping key, if any request had it.
    pub fn obj_keys_id(&self, k: &ObjKey) -> Option<u32> {
        self.obj_keys.find(k)
    }

    /// `pods/exec payments-prod/web-1`: an object as people name it.
    pub fn object_label(&self, k: &ObjKey) -> String {
        let res = if k.subresource.is_none() {
            self.s(k.resource).to_string()
        } else {
            format!("{}/{}", self.s(k.resource), self.s(k.subresource))
        };
        format!(
            "{res} {}",
            crate::model::text::place(self.s(k.namespace), self.s(k.name))
        )
    }

    /// The auditID as text.
    pub fn audit_id(&self, r: &ReqRec) -> String {
        if r.text {
            self.syms.resolve(Sym(r.key[0] as u32)).to_string()
        } else {
            crate::parse::batch::format_uuid((r.key[0] as u128) << 64 | r.key[1] as u128)
        }
    }

    pub fn malformed(&self) -> usize {
        self.skipped.len()
    }

    /// Event ids sorted by time, ties in input order (input, offset). Kept
    /// incrementally: the events added since the last call are sorted and
    /// appended, or merged in when they reach back in time.
    pub fn time_order(&mut self) -> &[EventId] {
        let done = self.time_order.len();
        if done < self.events.len() {
            let ev = &self.events;
            let key = |i: &EventId| ev[*i as usize].time_key();
            let mut tail: Vec<EventId> = (done as u32..ev.len() as u32).collect();
            tail.sort_unstable_by_key(key);
            let in_order = match (self.time_order.last(), tail.first()) {
                (Some(a), Some(b)) => key(a) <= key(b),
                _ => true,
            };
            if in_order {
                self.time_order.extend(tail);
            } else {
                let old = std::mem::take(&mut self.time_order);
                let mut merged = Vec::with_capacity(old.len() + tail.len());
                let (mut i, mut j) = (0, 0);
                while i < old.len() && j < tail.len() {
                    if key(&old[i]) <= key(&tail[j]) {
                        merged.push(old[i]);
                        i += 1;
                    } else {
                        merged.push(tail[j]);
                        j += 1;
                    }
                }
                merged.extend_from_slice(&old[i..]);
                merged.extend_from_slice(&tail[j..]);
                self.time_order = merged;
            }
        }
        &self.time_order
    }

    /// The time order computed by the last `time_order()` call.
    /// Whether `time_order` has nothing to add.
    pub fn is_ordered(&self) -> bool {
        self.time_order.len() == self.events.len()
    }

    pub fn sorted_events(&self) -> &[EventId] {
        &self.time_order
    }

    /// Approximate heap bytes held, for the memory figures in the docs.
    pub fn heap_bytes(&self) -> usize {
        self.events.capacity() * std::mem::size_of::<EventRec>()
            + self.requests.capacity() * std::mem::size_of::<ReqRec>()
            + self.req_table.capacity() * 5
            + self.syms.heap_bytes()
            + self
                .by_object
                .iter()
                .map(|v| v.capacity() * 4)
                .sum::<usize>()
            + self
                .by_user
                .values()
                .map(|v| v.capacity() * 4)
                .sum::<usize>()
            + self.time_order.capacity() * 4
    }
}

#[cfg(test)]
mod tests;
