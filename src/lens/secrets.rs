//! Who touched which secret (SPEC §5 `secrets`): every request on secrets,
//! per secret and per user.

use super::ReqFacts;
use crate::index::{Index, ReqId, RequestView};
use crate::model::intern::Sym;
use crate::model::{Level, Nanos};
use hashbrown::HashMap;
use std::collections::BTreeSet;

/// (namespace, name) of a secret; either may be `Sym::NONE` (see `Access`).
pub type SecretKey = (Sym, Sym);
/// Requests by time.
pub type ByTime = BTreeSet<(Nanos, ReqId)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Read,
    Write,
    Other,
}

/// One request on secrets.
#[derive(Debug, Clone)]
pub struct Access {
    pub req: ReqId,
    pub user: Sym,
    pub impersonated: Sym,
    pub verb: Sym,
    pub code: Option<u16>,
    /// When the request arrived.
    pub time: Nanos,
    /// `Sym::NONE` across all namespaces.
    pub namespace: Sym,
    /// `Sym::NONE` for collection requests (list, watch, deletecollection).
    pub name: Sym,
    pub ip: Sym,
    pub agent: Sym,
    pub kind: Kind,
    pub denied: bool,
    /// A list or watch across all namespaces.
    pub all_namespaces: bool,
    /// The highest level the request was logged at: Request or RequestResponse
    /// put the secret's body in the log.
    pub level: Level,
    /// Secret values are in the log (redacted on output unless asked).
    pub values: bool,
    /// The secrets whose bodies the log holds for this request: for a list,
    /// which secrets were exposed.
    pub exposed: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct UserSecrets {
    /// All the user's requests on secrets.
    pub requests: u64,
    pub reads: u64,
    pub writes: u64,
    pub denied: u64,
    /// Lists or watches of secrets across all namespaces, whatever the answer.
    pub all_namespaces: u64,
}

#[derive(Debug, Default)]
pub struct SecretsLens {
    pub accesses: HashMap<ReqId, Access>,
    /// (namespace, name) → its requests by time.
    pub by_secret: HashMap<SecretKey, ByTime>,
    pub users: HashMap<Sym, UserSecrets>,
}

impl SecretsLens {
    /// Describe request `v` afresh: out with its old entry, in with the new.
    pub(super) fn set(&mut self, idx: &Index, v: &RequestView, f: &ReqFacts) {
        if let Some(old) = self.accesses.remove(&v.id) {
            self.count(&old, -1);
        }
        if !v.secrets {
            return;
        }
        let verb = idx.s(v.verb);
        let collection = matches!(verb, "list" | "watch" | "deletecollection");
        let who = idx.whos.get(v.who);
        let a = Access {
            req: v.id,
            user: v.user,
            impersonated: v.impersonated,
            verb: v.verb,
            code: v.code,
            time: v.start,
            namespace: v.object.namespace,
            name: if collection { Sym::NONE } else { v.object.name },
            ip: idx.lists.get(who.ips).first().copied().unwrap_or_default(),
            agent: who.agent,
            kind: match verb {
                "get" | "list" | "watch" => Kind::Read,
                "create" | "update" | "patch" | "delete" | "deletecollection" => Kind::Write,
                _ => Kind::Other,
            },
            denied: v.denied,
            all_namespaces: matches!(verb, "list" | "watch") && v.object.namespace.is_none(),
            level: f.level,
            values: f.secret.values,
            exposed: f.secret.names.clone(),
        };
        self.count(&a, 1);
        self.accesses.insert(v.id, a);
    }

    fn count(&mut self, a: &Access, n: i64) {
        let key = (a.namespace, a.name);
        let set = self.by_secret.entry(key).or_default();
        if n > 0 {
            set.insert((a.time, a.req));
        } else {
            set.remove(&(a.time, a.req));
            if set.is_empty() {
                self.by_secret.remove(&key);
            }
        }
        let u = self.users.entry(a.user).or_default();
        let inc = |x: &mut u64, yes: bool| {
            if yes {
                *x = x.saturating_add_signed(n);
            }
        };
        inc(&mut u.requests, true);
        inc(&mut u.reads, a.kind == Kind::Read);
        inc(&mut u.writes, a.kind == Kind::Write);
        inc(&mut u.denied, a.denied);
        inc(&mut u.all_namespaces, a.all_namespaces);
        if u.requests == 0 {
            self.users.remove(&a.user);
        }
    }

    /// Secrets by requests, most first, then namespace and name.
    pub fn secrets_sorted(&self, idx: &Index) -> Vec<(SecretKey, &ByTime)> {
        let mut v: Vec<_> = self.by_secret.iter().map(|(k, s)| (*k, s)).collect();
        v.sort_by(|a, b| {
            b.1.len()
                .cmp(&a.1.len())
                .then_with(|| (idx.s(a.0.0), idx.s(a.0.1)).cmp(&(idx.s(b.0.0), idx.s(b.0.1))))
        });
        v
    }

    /// Users by reads + writes, most first, then name (SPEC §5).
    pub fn users_sorted(&self, idx: &Index) -> Vec<(Sym, &UserSecrets)> {
        let mut v: Vec<_> = self.users.iter().map(|(k, u)| (*k, u)).collect();
        v.sort_by(|a, b| {
            (b.1.reads + b.1.writes)
                .cmp(&(a.1.reads + a.1.writes))
                .then_with(|| idx.s(a.0).cmp(idx.s(b.0)))
        });
        v
    }
}
