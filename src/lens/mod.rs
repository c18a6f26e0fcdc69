//! The investigations every postmortem runs — who touched a secret, what was
//! denied, who exec'd into what — and the findings drawn from them, as plain
//! data built from the index. No I/O, no terminal.
//!
//! Each lens keeps one entry per request it concerns. A request is described
//! by all its stages, so when a later stage arrives (an exec's
//! ResponseComplete) its entry is taken out and put back: `update` does this
//! for the requests touched since the last call, which is how the TUI and live
//! tail stay current without recomputing. A filtered view is a fresh set of
//! lenses over the selected requests, built by the same code (`of`).

pub mod access;
pub mod denied;
pub mod exec;
pub mod findings;
pub mod identity;
pub mod secrets;

use crate::index::{Index, ReqId};
use crate::model::facet::{Binding, ExecParams, Facet, SecretBody};
use crate::model::{Level, Nanos, Stage};
use crate::parse::NO_TIME;

/// What a request's stages say beyond its view.
#[derive(Debug, Clone, Default)]
pub struct ReqFacts {
    /// When the response started (a session opened).
    pub opened: Option<Nanos>,
    /// When the response completed (a session closed), or the request panicked.
    pub closed: Option<Nanos>,
    /// The highest audit level any stage was logged at.
    pub level: Level,
    pub exec: Option<ExecParams>,
    /// Union over the stages' bodies.
    pub secret: SecretBody,
    pub binding: Option<Binding>,
}

pub fn facts(idx: &Index, r: ReqId) -> ReqFacts {
    let mut f = ReqFacts::default();
    for id in idx.request_events(r) {
        let e = &idx.events[id as usize];
        f.level = f.level.max(e.level);
        let t = (e.ts != NO_TIME).then_some(e.ts);
        match e.stage {
            Stage::ResponseStarted => f.opened = f.opened.or(t),
            Stage::ResponseComplete | Stage::Panic => f.closed = f.closed.or(t),
            _ => {}
        }
        match idx.facets.get(&id) {
            Some(Facet::Exec(p)) if f.exec.is_none() => f.exec = Some(p.clone()),
            Some(Facet::Secret(s)) => {
                f.secret.values |= s.values;
                f.secret.names.extend(s.names.iter().cloned());
            }
            Some(Facet::Binding(b)) if f.binding.is_none() => f.binding = Some(b.clone()),
            _ => {}
        }
    }
    f.secret.names.sort();
    f.secret.names.dedup();
    f
}

#[derive(Debug, Default)]
pub struct Lenses {
    pub secrets: secrets::SecretsLens,
    pub denied: denied::DeniedLens,
    pub exec: exec::ExecLens,
    pub access: access::AccessLens,
    /// Events of the index already looked at by `update`.
    seen: usize,
    /// The requests these lenses cover, when not all of the index.
    scope: Option<Vec<bool>>,
    /// Requests some lens holds an entry for: most requests never concern
    /// any, and re-describing them needs no lookups.
    member: Vec<bool>,
}

impl Lenses {
    /// Bring the lenses up to date with the events added to the index since
    /// the last call (all of them, the first time).
    pub fn update(&mut self, idx: &Index) {
        let mut touched: Vec<ReqId> = idx.events[self.seen.min(idx.events.len())..]
            .iter()
            .map(|e| e.req)
            .collect();
        touched.sort_unstable();
        touched.dedup();
        for r in touched {
            self.touch(idx, r);
        }
        self.seen = idx.events.len();
    }

    /// Lenses over some requests only (a filtered view).
    pub fn of(idx: &Index, requests: &[ReqId]) -> Self {
        let mut scope = vec![false; idx.requests.len()];
        for &r in requests {
            scope[r as usize] = true;
        }
        let mut l = Lenses {
            scope: Some(scope),
            ..Lenses::default()
        };
        for &r in requests {
            l.touch(idx, r);
        }
        l
    }

    /// Is a request among those these lenses cover?
    pub fn in_scope(&self, r: ReqId) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|s| s.get(r as usize).copied().unwrap_or(false))
    }

    /// Describe a request afresh in every lens.
    fn touch(&mut self, idx: &Index, r: ReqId) {
        let wanted = concerns(idx, r);
        let i = r as usize;
        if self.member.len() <= i {
            self.member.resize(idx.requests.len().max(i + 1), false);
        }
        if !wanted && !self.member[i] {
            return;
        }
        self.member[i] = wanted;
        let v = idx.request(r);
        // Only requests some lens looks into need their stages walked.
        let f = if wanted {
            facts(idx, r)
        } else {
            ReqFacts::default()
        };
        self.secrets.set(idx, &v, &f);
        self.denied.set(idx, &v);
        self.exec.set(idx, &v, &f);
        self.access.set(idx, &v, &f);
    }
}

/// Might some lens hold an entry for this request? The parser threads
/// marked its events (`FLAG_LENS`), so most requests are passed over with a
/// bit test, without building a view.
fn concerns(idx: &Index, r: ReqId) -> bool {
    idx.request_events(r)
        .any(|id| idx.events[id as usize].flags & crate::parse::batch::FLAG_LENS != 0)
}

/// `pods/exec` or `secrets`: a resource and its subresource, as written.
pub fn resource_label(
    idx: &Index,
    res: crate::model::intern::Sym,
    sub: crate::model::intern::Sym,
) -> String {
    if sub.is_none() {
        idx.s(res).to_string()
    } else {
        format!("{}/{}", idx.s(res), idx.s(sub))
    }
}

#[cfg(test)]
mod tests;
