//! Evaluation: terms compiled against the index. A string term becomes a
//! bitset over interned symbols (computed once per distinct string, extended
//! as the index grows), so testing an event is a few array lookups.

use super::ast::{CodeCond, Expr, Field};
use super::pattern::Pattern;
use crate::index::{EventRec, Index};
use crate::model::intern::Sym;
use crate::model::{Level, RawAccess, Stage};
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use hashbrown::HashMap;
use std::cell::RefCell;

/// A bitset over symbols; bit 0 is "absent or empty".
#[derive(Clone, Debug, Default)]
struct SymSet {
    bits: Vec<u64>,
    synced: usize,
}

impl SymSet {
    fn has(&self, s: Sym) -> bool {
        let i = s.idx();
        self.bits
            .get(i >> 6)
            .is_some_and(|w| w >> (i & 63) & 1 == 1)
    }

    fn sync(&mut self, idx: &Index, patterns: &[Pattern]) {
        let n = idx.syms.len();
        self.bits.resize(n.div_ceil(64), 0);
        for i in self.synced..n {
            let s = idx.syms.resolve(Sym(i as u32));
            if patterns.iter().any(|p| p.matches(s)) {
                self.bits[i >> 6] |= 1 << (i & 63);
            }
        }
        self.synced = n;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SymField {
    User,
    As,
    Verb,
    Agent,
    ApiGroup,
    Resource,
    Subresource,
    Namespace,
    Name,
    Decision,
    Reason,
}

/// `resource:pods/exec`: the resource's set and, when given, the subresource's.
#[derive(Debug, Clone)]
struct ResNode {
    resource: (Pattern, SymSet),
    sub: Option<(Pattern, SymSet)>,
}

#[derive(Debug, Clone)]
enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    Sym(SymField, Vec<Pattern>, SymSet),
    /// group (user.groups) or ip (sourceIPs): any element matches.
    List(bool, Vec<Pattern>, SymSet),
    Res(Vec<ResNode>),
    Code(Vec<CodeCond>),
    Stage(u8),
    Level(u8),
    AuditId(Vec<Pattern>),
    Uri(Vec<Pattern>),
    /// A bare word, and its answers so far by what the summary line is
    /// made of: events repeat the same few users, verbs and objects, and
    /// matching the line is the costly part.
    Fuzzy(String, RefCell<HashMap<(Sym, Sym, u32, u16), bool>>),
}

impl Clone for Matcher {
    /// A copy for another thread (with its own memo of fuzzy answers).
    fn clone(&self) -> Self {
        Matcher {
            root: self.root.clone(),
            fuzzy: self.fuzzy.as_ref().map(|_| SkimMatcherV2::default()),
            uses_raw: self.uses_raw,
        }
    }
}

/// A compiled filter. Call `sync` after the index grew.
pub struct Matcher {
    root: Node,
    fuzzy: Option<SkimMatcherV2>,
    uses_raw: bool,
}

fn compile(e: &Expr) -> Node {
    match e {
        Expr::All(v) => Node::All(v.iter().map(compile).collect()),
        Expr::Any(v) => Node::Any(v.iter().map(compile).collect()),
        Expr::Not(x) => Node::Not(Box::new(compile(x))),
        Expr::Code(c) => Node::Code(c.clone()),
        Expr::Fuzzy(w) => Node::Fuzzy(w.clone(), RefCell::default()),
        Expr::Resource(pairs) => Node::Res(
            pairs
                .iter()
                .map(|p| ResNode {
                    resource: (p.resource.clone(), SymSet::default()),
                    sub: p.sub.clone().map(|s| (s, SymSet::default())),
                })
                .collect(),
        ),
        Expr::Str(f, pats) => {
            let p = pats.clone();
            let sym = |sf| Node::Sym(sf, p.clone(), SymSet::default());
            match f {
                Field::User => sym(SymField::User),
                Field::As => sym(SymField::As),
                Field::Verb => sym(SymField::Verb),
                Field::Agent => sym(SymField::Agent),
                Field::ApiGroup => sym(SymField::ApiGroup),
                Field::Resource => sym(SymField::Resource),
                Field::Subresource => sym(SymField::Subresource),
                Field::Namespace => sym(SymField::Namespace),
                Field::Name => sym(SymField::Name),
                Field::Decision => sym(SymField::Decision),
                Field::Reason => sym(SymField::Reason),
                Field::Group => Node::List(true, p, SymSet::default()),
                Field::Ip => Node::List(false, p, SymSet::default()),
                Field::Stage => Node::Stage(enum_mask(&p, |v| Stage::from_u8(v).as_str())),
                Field::Level => Node::Level(enum_mask(&p, |v| Level::from_u8(v).as_str())),
                Field::AuditId => Node::AuditId(p),
                Field::Uri => Node::Uri(p),
                Field::Code => Node::Code(Vec::new()),
            }
        }
    }
}

/// Which of the enum values 0..=4 (0 = unknown/absent) match.
fn enum_mask(p: &[Pattern], name: impl Fn(u8) -> &'static str) -> u8 {
    (0..=4u8)
        .filter(|&v| p.iter().any(|p| p.matches(name(v))))
        .fold(0, |m, v| m | 1 << v)
}

impl Matcher {
    /// Compile the terms (all must hold) against an index.
    pub fn new(terms: &[Expr], idx: &Index) -> Self {
        let root = Node::All(terms.iter().map(compile).collect());
        let mut uses_raw = false;
        let mut has_fuzzy = false;
        visit(&root, &mut |n| match n {
            Node::Uri(_) => uses_raw = true,
            Node::Fuzzy(..) => has_fuzzy = true,
            _ => {}
        });
        let mut m = Matcher {
            root,
            fuzzy: has_fuzzy.then(SkimMatcherV2::default),
            uses_raw,
        };
        m.sync(idx);
        m
    }

    /// No terms at all: everything matches.
    pub fn is_empty(&self) -> bool {
        matches!(&self.root, Node::All(v) if v.is_empty())
    }

    /// Does any term need the raw line (`uri:`)?
    pub fn uses_raw(&self) -> bool {
        self.uses_raw
    }

    /// Extend the symbol sets to symbols added since the last call.
    pub fn sync(&mut self, idx: &Index) {
        sync_node(&mut self.root, idx);
    }

    /// Does the event match? `raw` is read only when `uses_raw()`.
    pub fn matches(&self, idx: &Index, e: &EventRec, raw: &mut dyn RawAccess) -> bool {
        self.eval(&self.root, idx, e, raw)
    }

    fn eval(&self, n: &Node, idx: &Index, e: &EventRec, raw: &mut dyn RawAccess) -> bool {
        match n {
            Node::All(v) => v.iter().all(|n| self.eval(n, idx, e, raw)),
            Node::Any(v) => v.iter().any(|n| self.eval(n, idx, e, raw)),
            Node::Not(x) => !self.eval(x, idx, e, raw),
            Node::Sym(f, _, set) => set.has(sym_of(idx, e, *f)),
            Node::List(groups, _, set) => {
                let who = idx.who(e);
                let items = idx.lists.get(if *groups { who.groups } else { who.ips });
                if items.is_empty() {
                    set.has(Sym::NONE)
                } else {
                    items.iter().any(|&s| set.has(s))
                }
            }
            Node::Res(pairs) => {
                let o = idx.obj(e);
                pairs.iter().any(|p| {
                    p.resource.1.has(o.resource)
                        && p.sub.as_ref().is_none_or(|(_, ss)| ss.has(o.subresource))
                })
            }
            Node::Code(conds) => conds.iter().any(|c| c.matches(e.code)),
            Node::Stage(mask) => mask >> (e.stage as u8) & 1 == 1,
            Node::Level(mask) => mask >> (e.level as u8) & 1 == 1,
            Node::AuditId(p) => {
                let id = idx.audit_id(&idx.requests[e.req as usize]);
                p.iter().any(|p| p.matches(&id))
            }
            Node::Uri(p) => {
                let uri = raw
                    .field(e.input, e.offset, e.len, "requestURI")
                    .unwrap_or_default();
                p.iter().any(|p| p.matches(&uri))
            }
            Node::Fuzzy(word, seen) => {
                let key = (idx.who(e).user, e.verb, e.obj, e.code);
                if let Some(&hit) = seen.borrow().get(&key) {
                    return hit;
                }
                let line = summary_line(idx, e);
                let hit = self
                    .fuzzy
                    .as_ref()
                    .is_some_and(|m| fuzzy_hit(m, &line, word));
                seen.borrow_mut().insert(key, hit);
                hit
            }
        }
    }
}

fn visit(n: &Node, f: &mut impl FnMut(&Node)) {
    f(n);
    match n {
        Node::All(v) | Node::Any(v) => v.iter().for_each(|n| visit(n, f)),
        Node::Not(x) => visit(x, f),
        _ => {}
    }
}

fn sync_node(n: &mut Node, idx: &Index) {
    match n {
        Node::All(v) | Node::Any(v) => v.iter_mut().for_each(|n| sync_node(n, idx)),
        Node::Not(x) => sync_node(x, idx),
        Node::Sym(_, p, set) | Node::List(_, p, set) => set.sync(idx, p),
        Node::Res(pairs) => {
            for p in pairs {
                p.resource.1.sync(idx, std::slice::from_ref(&p.resource.0));
                if let Some((sp, ss)) = &mut p.sub {
                    ss.sync(idx, std::slice::from_ref(sp));
                }
            }
        }
        _ => {}
    }
}

fn sym_of(idx: &Index, e: &EventRec, f: SymField) -> Sym {
    match f {
        SymField::Verb => e.verb,
        SymField::User => idx.who(e).user,
        SymField::As => idx.who(e).impersonated,
        SymField::Agent => idx.who(e).agent,
        SymField::ApiGroup => idx.obj(e).apigroup,
        SymField::Resource => idx.obj(e).resource,
        SymField::Subresource => idx.obj(e).subresource,
        SymField::Namespace => idx.obj(e).namespace,
        SymField::Name => idx.obj(e).name,
        SymField::Decision => idx.verdict(e).decision,
        SymField::Reason => idx.verdict(e).reason,
    }
}

/// Skim scores about 16 per matched character plus bonuses for runs and word
/// starts, minus gaps; below 15 per character the letters are scattered over
/// unrelated words (`bob` in "kube-system…controller…kube"), which floods a
/// filter, while abbreviations (`rplcst` for replicasets) stay above it.
pub const FUZZY_MIN_PER_CHAR: i64 = 15;

pub fn fuzzy_hit(m: &SkimMatcherV2, line: &str, word: &str) -> bool {
    m.fuzzy_match(line, word)
        .is_some_and(|score| score >= FUZZY_MIN_PER_CHAR * word.chars().count() as i64)
}

/// The one-line summary bare words are fuzzy-matched against:
/// `user verb resource/sub namespace/name code`.
pub fn summary_line(idx: &Index, e: &EventRec) -> String {
    let o = idx.obj(e);
    let mut s = String::with_capacity(96);
    s.push_str(idx.s(idx.who(e).user));
    s.push(' ');
    s.push_str(idx.s(e.verb));
    s.push(' ');
    s.push_str(idx.s(o.resource));
    if !o.subresource.is_none() {
        s.push('/');
        s.push_str(idx.s(o.subresource));
    }
    s.push(' ');
    if !o.namespace.is_none() {
        s.push_str(idx.s(o.namespace));
        s.push('/');
    }
    s.push_str(idx.s(o.name));
    if e.code != 0 {
        s.push(' ');
        s.push_str(&e.code.to_string());
    }
    s
}
