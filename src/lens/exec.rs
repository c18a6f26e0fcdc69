//! Who exec'd, attached or port-forwarded into which pod, running what (SPEC
//! §5 `exec`): each request one session, its stages paired by auditID.

use super::ReqFacts;
use crate::index::{Index, ReqId, RequestView};
use crate::model::Nanos;
use crate::model::facet::ExecParams;
use crate::model::intern::{ListId, Sym};
use hashbrown::HashMap;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 101 (an upgraded stream) or 2xx.
    Allowed,
    /// 401 or 403.
    Denied,
    /// Any other answer.
    Failed,
    /// No ResponseComplete seen: the session is open, or its end was not logged.
    Open,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
            Outcome::Open => "open",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub req: ReqId,
    pub user: Sym,
    pub impersonated: Sym,
    /// exec, attach, portforward, or ephemeralcontainers (`kubectl debug`).
    pub subresource: Sym,
    pub namespace: Sym,
    pub pod: Sym,
    pub params: ExecParams,
    /// When the stream opened (ResponseStarted), else when the request arrived.
    pub start: Nanos,
    /// ResponseComplete; `None` while open.
    pub end: Option<Nanos>,
    pub code: Option<u16>,
    pub outcome: Outcome,
    pub ips: ListId,
    pub agent: Sym,
}

impl Session {
    /// `payments-prod/api-7c9:api`: the pod, and the container when named.
    pub fn target(&self, idx: &Index) -> String {
        let pod = format!("{}/{}", idx.s(self.namespace), idx.s(self.pod));
        if self.params.container.is_empty() {
            pod
        } else {
            format!("{pod}:{}", self.params.container)
        }
    }

    pub fn duration_s(&self) -> Option<f64> {
        self.end.map(|e| (e - self.start).max(0) as f64 / 1e9)
    }
}

#[derive(Debug, Default)]
pub struct ExecLens {
    pub sessions: HashMap<ReqId, Session>,
    /// Sessions by start.
    pub order: BTreeSet<(Nanos, ReqId)>,
}

impl ExecLens {
    pub(super) fn set(&mut self, idx: &Index, v: &RequestView, f: &ReqFacts) {
        if let Some(old) = self.sessions.remove(&v.id) {
            self.order.remove(&(old.start, old.req));
        }
        let sub = idx.s(v.object.subresource);
        let ephemeral = sub == "ephemeralcontainers" && matches!(idx.s(v.verb), "update" | "patch");
        if idx.s(v.object.resource) != "pods" || !(v.exec || ephemeral) {
            return;
        }
        let outcome = match v.code {
            // A refusal is a refusal, whether or not its end was logged.
            Some(401 | 403) => Outcome::Denied,
            _ if f.closed.is_none() => Outcome::Open,
            Some(c) if c == 101 || (200..300).contains(&c) => Outcome::Allowed,
            _ => Outcome::Failed,
        };
        let who = idx.whos.get(v.who);
        let start = f.opened.unwrap_or(v.start);
        let s = Session {
            req: v.id,
            user: v.user,
            impersonated: v.impersonated,
            subresource: v.object.subresource,
            namespace: v.object.namespace,
            pod: v.object.name,
            params: f.exec.clone().unwrap_or_default(),
            start,
            end: f.closed,
            code: v.code,
            outcome,
            ips: who.ips,
            agent: who.agent,
        };
        self.order.insert((s.start, s.req));
        self.sessions.insert(v.id, s);
    }

    /// Sessions by start (SPEC §5).
    pub fn sorted(&self) -> impl Iterator<Item = &Session> {
        self.order.iter().map(|(_, r)| &self.sessions[r])
    }
}
