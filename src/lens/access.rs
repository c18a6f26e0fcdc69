//! Single requests that matter on their own: anonymous access that got an
//! answer, impersonation of privileged identities, RBAC binding writes,
//! service-account tokens minted, certificate requests approved.

use super::ReqFacts;
use super::identity::{Class, class};
use crate::index::{Index, ReqId, RequestView};
use crate::model::Nanos;
use crate::model::facet::Binding;
use hashbrown::HashMap;
use std::collections::BTreeMap;

/// What the API server shows anyone by default (system:public-info-viewer).
pub fn public_info(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/livez" | "/readyz" | "/version" | "/version/"
    ) || ["/healthz/", "/livez/", "/readyz/"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Identities whose impersonation means acting as a cluster administrator.
pub const ADMIN_USERS: &[&str] = &["system:admin", "kubernetes-admin", "cluster-admin", "admin"];

pub fn is_binding_write(idx: &Index, v: &RequestView) -> bool {
    matches!(
        idx.s(v.object.resource),
        "rolebindings" | "clusterrolebindings"
    ) && v.object.subresource.is_none()
        && matches!(idx.s(v.verb), "create" | "update" | "patch")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// An anonymous request answered 2xx, beyond health and version.
    AnonymousAllowed,
    /// Impersonating system:masters or an admin identity (any answer).
    ImpersonationPrivileged,
    /// A RoleBinding or ClusterRoleBinding written (2xx).
    BindingWrite,
    /// A service-account token minted by someone other than a kubelet or the control plane.
    TokenMinted,
    /// A certificate signing request approved by someone other than the control plane.
    CsrApproved,
}

#[derive(Debug, Default)]
pub struct AccessLens {
    /// Requests of each kind by time; a binding write carries its roleRef
    /// and subjects when the log has its body.
    pub sets: BTreeMap<Kind, BTreeMap<(Nanos, ReqId), Option<Binding>>>,
    placed: HashMap<ReqId, (Kind, Nanos)>,
}

impl AccessLens {
    pub(super) fn set(&mut self, idx: &Index, v: &RequestView, f: &ReqFacts) {
        if let Some((kind, t)) = self.placed.remove(&v.id) {
            if let Some(s) = self.sets.get_mut(&kind) {
                s.remove(&(t, v.id));
            }
        }
        let Some(kind) = kind_of(idx, v) else { return };
        let binding = if kind == Kind::BindingWrite {
            f.binding.clone()
        } else {
            None
        };
        self.sets
            .entry(kind)
            .or_default()
            .insert((v.start, v.id), binding);
        self.placed.insert(v.id, (kind, v.start));
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (Nanos, ReqId, Option<&Binding>)> {
        self.sets
            .get(&kind)
            .into_iter()
            .flat_map(|s| s.iter().map(|(&(t, r), b)| (t, r, b.as_ref())))
    }
}

fn kind_of(idx: &Index, v: &RequestView) -> Option<Kind> {
    let ok = v.code.is_some_and(|c| (200..300).contains(&c));
    let who = idx.whos.get(v.who);
    let user = idx.s(v.user);
    let (res, sub, verb) = (
        idx.s(v.object.resource),
        idx.s(v.object.subresource),
        idx.s(v.verb),
    );
    let anonymous = user == "system:anonymous"
        || idx
            .lists
            .get(who.groups)
            .iter()
            .any(|&g| idx.s(g) == "system:unauthenticated");
    if anonymous
        && ok
        && !(v.object.resource.is_none() && public_info(idx.s(idx.objs.get(v.obj).path)))
    {
        return Some(Kind::AnonymousAllowed);
    }
    if !v.impersonated.is_none()
        && (ADMIN_USERS.contains(&idx.s(v.impersonated))
            || idx
                .lists
                .get(who.imp_groups)
                .iter()
                .any(|&g| idx.s(g) == "system:masters"))
    {
        return Some(Kind::ImpersonationPrivileged);
    }
    if !ok {
        return None;
    }
    let routine = matches!(class(user), Class::Node | Class::ControlPlane);
    match (res, sub, verb) {
        _ if is_binding_write(idx, v) => Some(Kind::BindingWrite),
        ("serviceaccounts", "token", "create") if !routine => Some(Kind::TokenMinted),
        ("certificatesigningrequests", "approval", "update" | "patch")
            if class(user) != Class::ControlPlane =>
        {
            Some(Kind::CsrApproved)
        }
        _ => None,
    }
}
