//! Interning: repeated strings (users, verbs, namespaces …) become small ids.
//!
//! One `Interner` per parsed chunk on the worker threads, one global in the
//! index; a batch's local ids are remapped once per distinct string when the
//! batch is folded in. Tuples of ids (who made a request, which object) are
//! interned the same way, so an event record holds a few `u32`s.

use foldhash::fast::RandomState;
use hashbrown::HashTable;
use std::hash::{BuildHasher, Hash};

/// An interned string. `Sym::NONE` stands for absent and for the empty string,
/// which the audit schema does not tell apart (Go omits empty fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Sym(pub u32);

impl Sym {
    pub const NONE: Sym = Sym(0);
    pub fn is_none(self) -> bool {
        self.0 == 0
    }
    pub fn idx(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone)]
pub struct Interner {
    text: String,
    ends: Vec<usize>,
    table: HashTable<u32>,
    hasher: RandomState,
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            text: String::new(),
            ends: vec![0],
            table: HashTable::new(),
            hasher: RandomState::default(),
        }
    }
}

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget everything, keeping the memory for reuse.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.truncate(1);
        self.table.clear();
    }

    /// Number of ids handed out, `Sym::NONE` included.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.len() == 1
    }

    pub fn resolve(&self, s: Sym) -> &str {
        let i = s.idx();
        if i == 0 || i >= self.ends.len() {
            return "";
        }
        &self.text[self.ends[i - 1]..self.ends[i]]
    }

    pub fn get(&self, s: &str) -> Option<Sym> {
        if s.is_empty() {
            return Some(Sym::NONE);
        }
        let h = self.hasher.hash_one(s);
        self.table
            .find(h, |&id| self.resolve(Sym(id)) == s)
            .map(|&id| Sym(id))
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        if s.is_empty() {
            return Sym::NONE;
        }
        let h = self.hasher.hash_one(s);
        let (text, ends) = (&self.text, &self.ends);
        let at = |id: u32| &text[ends[id as usize - 1]..ends[id as usize]];
        if let Some(&id) = self.table.find(h, |&id| at(id) == s) {
            return Sym(id);
        }
        let id = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len());
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.table.insert_unique(h, id, |&id| {
            hasher.hash_one(&text[ends[id as usize - 1]..ends[id as usize]])
        });
        Sym(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = (Sym, &str)> {
        (1..self.ends.len()).map(|i| (Sym(i as u32), self.resolve(Sym(i as u32))))
    }

    /// Bytes held, for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 8 + self.table.capacity() * 5
    }
}

/// Interned lists of symbols (groups, source IPs). `ListId(0)` is the empty list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ListId(pub u32);

#[derive(Clone)]
pub struct ListTable {
    items: Vec<Sym>,
    ends: Vec<usize>,
    table: HashTable<u32>,
    hasher: RandomState,
}

impl Default for ListTable {
    fn default() -> Self {
        ListTable {
            items: Vec::new(),
            ends: vec![0],
            table: HashTable::new(),
            hasher: RandomState::default(),
        }
    }
}

impl ListTable {
    pub fn clear(&mut self) {
        self.items.clear();
        self.ends.truncate(1);
        self.table.clear();
    }

    pub fn get(&self, id: ListId) -> &[Sym] {
        let i = id.0 as usize;
        if i == 0 || i >= self.ends.len() {
            return &[];
        }
        &self.items[self.ends[i - 1]..self.ends[i]]
    }

    pub fn intern(&mut self, list: &[Sym]) -> ListId {
        if list.is_empty() {
            return ListId(0);
        }
        let h = self.hasher.hash_one(list);
        let (items, ends) = (&self.items, &self.ends);
        if let Some(&id) = self.table.find(h, |&id| {
            &items[ends[id as usize - 1]..ends[id as usize]] == list
        }) {
            return ListId(id);
        }
        let id = self.ends.len() as u32;
        self.items.extend_from_slice(list);
        self.ends.push(self.items.len());
        let (items, ends, hasher) = (&self.items, &self.ends, &self.hasher);
        self.table.insert_unique(h, id, |&id| {
            hasher.hash_one(&items[ends[id as usize - 1]..ends[id as usize]])
        });
        ListId(id)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.len() == 1
    }
}

/// Interned small `Copy` tuples; ids are dense from 0.
#[derive(Clone)]
pub struct TupleTable<T> {
    items: Vec<T>,
    table: HashTable<u32>,
    hasher: RandomState,
}

impl<T> Default for TupleTable<T> {
    fn default() -> Self {
        TupleTable {
            items: Vec::new(),
            table: HashTable::new(),
            hasher: RandomState::default(),
        }
    }
}

impl<T: Copy + Eq + Hash> TupleTable<T> {
    pub fn clear(&mut self) {
        self.items.clear();
        self.table.clear();
    }

    pub fn intern(&mut self, t: T) -> u32 {
        let h = self.hasher.hash_one(t);
        let items = &self.items;
        if let Some(&id) = self.table.find(h, |&id| items[id as usize] == t) {
            return id;
        }
        let id = self.items.len() as u32;
        self.items.push(t);
        let (items, hasher) = (&self.items, &self.hasher);
        self.table
            .insert_unique(h, id, |&id| hasher.hash_one(items[id as usize]));
        id
    }

    pub fn get(&self, id: u32) -> &T {
        &self.items[id as usize]
    }

    /// The id of a tuple already interned.
    pub fn find(&self, t: &T) -> Option<u32> {
        let h = self.hasher.hash_one(t);
        self.table
            .find(h, |&id| self.items[id as usize] == *t)
            .copied()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn items(&self) -> &[T] {
        &self.items
    }
}

/// Who made a request, as one interned tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Who {
    pub user: Sym,
    pub groups: ListId,
    pub impersonated: Sym,
    pub imp_groups: ListId,
    pub agent: Sym,
    pub ips: ListId,
}

/// What a request addressed (its objectRef), as one interned tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Obj {
    pub apigroup: Sym,
    pub resource: Sym,
    pub subresource: Sym,
    pub namespace: Sym,
    pub name: Sym,
    /// A non-resource request's path (`/healthz`); none when there is an objectRef.
    pub path: Sym,
}

/// How the request was answered beyond its code: the authorizer's annotations
/// and, for failures, the response message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Verdict {
    pub decision: Sym,
    pub reason: Sym,
    pub message: Sym,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once_and_resolves() {
        let mut i = Interner::new();
        let a = i.intern("alice");
        let b = i.intern("bob");
        assert_eq!(i.intern("alice"), a);
        assert_ne!(a, b);
        assert_eq!(i.resolve(b), "bob");
        assert_eq!(i.intern(""), Sym::NONE);
        assert_eq!(i.get("carol"), None);
        assert_eq!(i.get("bob"), Some(b));
        for n in 0..10_000 {
            i.intern(&format!("user-{n}"));
        }
        assert_eq!(i.resolve(a), "alice");
        assert_eq!(i.get("user-9999").map(|s| i.resolve(s)), Some("user-9999"));
    }

    #[test]
    fn lists_and_tuples() {
        let mut l = ListTable::default();
        let x = l.intern(&[Sym(1), Sym(2)]);
        assert_eq!(l.intern(&[Sym(1), Sym(2)]), x);
        assert_ne!(l.intern(&[Sym(2), Sym(1)]), x);
        assert_eq!(l.intern(&[]), ListId(0));
        assert_eq!(l.get(x), &[Sym(1), Sym(2)]);
        let mut t = TupleTable::default();
        let w = Who {
            user: Sym(3),
            ..Who::default()
        };
        assert_eq!(t.intern(w), 0);
        assert_eq!(t.intern(Who::default()), 1);
        assert_eq!(t.intern(w), 0);
        assert_eq!(t.get(0).user, Sym(3));
    }
}
