//! What each background actor does: weighted commands. The names they touch
//! are chosen when a line is written (`build.rs`). Tables are kept one
//! command per line (hence `rustfmt::skip`).

use super::acts::{Act, Cmd, What::*, a, path, s};
use super::cast::*;

const fn one(act: Act) -> [Act; 1] {
    [act]
}

pub(crate) const KUBELET_LEASE: &[Cmd] = &[(1, &one(a("update", &LEASES, OwnNode)))];
pub(crate) const KCM_LEASE: &[Cmd] = &[(
    1,
    &one(a(
        "update",
        &LEASES,
        Named("kube-system", "kube-controller-manager"),
    )),
)];
pub(crate) const SCHED_LEASE: &[Cmd] = &[(
    1,
    &one(a("update", &LEASES, Named("kube-system", "kube-scheduler"))),
)];
pub(crate) const APISERVER_LEASE: &[Cmd] = &[(
    1,
    &one(a(
        "update",
        &LEASES,
        Named("kube-system", "apiserver-qlx2ozkh5ybqlcmgd3cc5d6qtm"),
    )),
)];
pub(crate) const CERT_MANAGER_LEASE: &[Cmd] = &[(
    1,
    &one(a(
        "update",
        &LEASES,
        Named("kube-system", "cert-manager-controller"),
    )),
)];
pub(crate) const INGRESS_LEASE: &[Cmd] = &[(
    1,
    &one(a(
        "update",
        &LEASES,
        Named("ingress-nginx", "ingress-nginx-leader"),
    )),
)];

#[rustfmt::skip]
pub(crate) const KUBELET: &[Cmd] = &[
    (30, &[a("get", &NODES, OwnNode)]),
    (14, &[s("patch", &NODES, "status", OwnNode)]),
    (14, &[s("patch", &PODS, "status", One)]),
    (8, &[a("get", &PODS, One)]),
    (5, &[a("list", &SECRETS, FieldSel)]),
    (5, &[a("watch", &SECRETS, FieldSel)]),
    (6, &[a("watch", &CONFIGMAPS, FieldSel)]),
    (8, &[s("create", &SERVICEACCOUNTS, "token", One)]),
    (6, &[a("create", &EVENTS, One)]),
    (2, &[a("watch", &PODS, FieldSel)]),
];

#[rustfmt::skip]
pub(crate) const KCM: &[Cmd] = &[
    (4, &[a("watch", &SECRETS, AllNs)]),
    (4, &[a("watch", &CONFIGMAPS, AllNs)]),
    (3, &[a("watch", &SERVICEACCOUNTS, AllNs)]),
    (3, &[a("watch", &PODS, AllNs)]),
    (3, &[a("watch", &DEPLOYMENTS, AllNs)]),
    (2, &[a("watch", &NODES, Coll)]),
    (6, &[a("get", &SERVICEACCOUNTS, One)]),
    (6, &[s("create", &SERVICEACCOUNTS, "token", One)]),
];

#[rustfmt::skip]
pub(crate) const SCHED: &[Cmd] = &[
    (6, &[s("create", &PODS, "binding", One)]),
    (4, &[a("create", &EVENTS, One)]),
    (2, &[a("watch", &PODS, AllNs)]),
    (1, &[a("watch", &NODES, Coll)]),
];

#[rustfmt::skip]
pub(crate) const APISERVER: &[Cmd] = &[
    (3, &[a("get", &NAMESPACES, One)]),
    (2, &[a("get", &ENDPOINTS, Named("default", "kubernetes"))]),
    (2, &[a("get", &SERVICES, Named("default", "kubernetes"))]),
    (1, &[a("list", &RESOURCEQUOTAS, AllNs)]),
];

/// The kube-controller-manager's controllers (kube-system service accounts):
/// name, mean seconds between commands, commands.
#[rustfmt::skip]
pub(crate) const CONTROLLERS: &[(&str, u64, &[Cmd])] = &[
    ("replicaset-controller", 60, &[
        (3, &[a("create", &PODS, Coll)]),
        (2, &[a("delete", &PODS, One)]),
        (5, &[s("update", &REPLICASETS, "status", One)]),
    ]),
    ("deployment-controller", 60, &[
        (5, &[s("update", &DEPLOYMENTS, "status", One)]),
        (2, &[a("patch", &REPLICASETS, One)]),
    ]),
    ("endpointslice-controller", 25, &[(1, &[a("update", &ENDPOINTSLICES, One)])]),
    ("endpoints-controller", 60, &[(1, &[a("update", &ENDPOINTS, One)])]),
    ("namespace-controller", 300, &[(1, &[path("/api"), path("/apis")])]),
    ("job-controller", 200, &[
        (3, &[s("update", &JOBS, "status", One)]),
        (1, &[a("create", &PODS, Coll)]),
    ]),
    ("cronjob-controller", 300, &[
        (2, &[a("list", &JOBS, AllNs)]),
        (1, &[s("update", &CRONJOBS, "status", One)]),
    ]),
    ("generic-garbage-collector", 90, &[
        (1, &[a("get", &REPLICASETS, One)]),
        (1, &[a("get", &PODS, One)]),
    ]),
    ("horizontal-pod-autoscaler", 45, &[
        (1, &[s("get", &DEPLOYMENTS, "scale", One)]),
        (1, &[s("update", &HPAS, "status", One)]),
    ]),
    ("node-lifecycle-controller", 120, &[(1, &[a("get", &NODES, One)])]),
    ("statefulset-controller", 200, &[(1, &[s("update", &STATEFULSETS, "status", One)])]),
    ("pvc-protection-controller", 300, &[(1, &[a("get", &PVCS, One)])]),
    ("resourcequota-controller", 300, &[(1, &[a("list", &PODS, Coll)])]),
    ("daemon-set-controller", 300, &[(1, &[s("update", &DAEMONSETS, "status", Named("kube-system", "aws-node"))])]),
    // Bootstrap tokens live in kube-system: it lists them there.
    ("token-cleaner", 600, &[(1, &[a("list", &SECRETS, Coll)])]),
];

#[rustfmt::skip]
pub(crate) const COREDNS: &[Cmd] = &[
    (1, &[a("watch", &ENDPOINTSLICES, AllNs)]),
    (1, &[a("watch", &SERVICES, AllNs)]),
    (1, &[a("watch", &NAMESPACES, Coll)]),
];

#[rustfmt::skip]
pub(crate) const PROMETHEUS: &[Cmd] = &[
    (4, &[path("/metrics")]),
    (1, &[a("list", &PODS, AllNs)]),
    (1, &[a("list", &ENDPOINTS, AllNs)]),
    (1, &[a("watch", &PODS, AllNs)]),
    (1, &[a("watch", &SERVICES, AllNs)]),
];

#[rustfmt::skip]
pub(crate) const KUBE_STATE_METRICS: &[Cmd] = &[
    (2, &[a("list", &PODS, AllNs)]),
    (1, &[a("list", &DEPLOYMENTS, AllNs)]),
    (1, &[a("list", &NODES, Coll)]),
    (1, &[a("watch", &PODS, AllNs)]),
    (1, &[a("watch", &DEPLOYMENTS, AllNs)]),
    (1, &[a("watch", &JOBS, AllNs)]),
];

/// Argo CD sees everything, but its secrets only in its own namespace.
#[rustfmt::skip]
pub(crate) const ARGOCD_CONTROLLER: &[Cmd] = &[
    (6, &[a("get", &APPLICATIONS, One)]),
    (4, &[a("patch", &APPLICATIONS, One)]),
    (1, &[a("list", &PODS, AllNs)]),
    (1, &[a("list", &DEPLOYMENTS, AllNs)]),
    (1, &[a("watch", &DEPLOYMENTS, AllNs)]),
    (1, &[a("watch", &SERVICES, AllNs)]),
    (1, &[a("list", &SECRETS, Coll)]),
    (2, &[a("get", &SECRETS, One)]),
    (1, &[a("watch", &SECRETS, Coll)]),
];

#[rustfmt::skip]
pub(crate) const ARGOCD_SERVER: &[Cmd] = &[
    (2, &[a("get", &SECRETS, One)]),
    (1, &[a("get", &CONFIGMAPS, Named("argocd", "argocd-cm"))]),
    (1, &[a("list", &APPLICATIONS, Coll)]),
];

#[rustfmt::skip]
pub(crate) const CERT_MANAGER: &[Cmd] = &[
    (4, &[a("get", &SECRETS, One)]),
    (1, &[a("update", &SECRETS, One)]),
    (2, &[a("watch", &CERTIFICATES, AllNs)]),
    (2, &[s("update", &CERTIFICATES, "status", One)]),
];

#[rustfmt::skip]
pub(crate) const INGRESS: &[Cmd] = &[
    (2, &[a("watch", &INGRESSES, AllNs)]),
    (2, &[a("watch", &ENDPOINTSLICES, AllNs)]),
    (1, &[a("get", &SECRETS, One)]),
    (1, &[a("list", &SECRETS, Coll)]),
    (1, &[a("watch", &SECRETS, Coll)]),
];

#[rustfmt::skip]
pub(crate) const HEALTH: &[Cmd] = &[
    (2, &[path("/livez")]),
    (2, &[path("/readyz")]),
    (1, &[path("/healthz")]),
];

/// What people do with kubectl; writes only where their role allows.
#[rustfmt::skip]
pub(crate) const READ: &[Cmd] = &[
    (20, &[a("list", &PODS, Coll)]),
    (8, &[a("get", &PODS, One), a("list", &EVENTS, Describe)]),
    (8, &[a("get", &PODS, One), s("get", &PODS, "log", One)]),
    (2, &[a("get", &PODS, One), s("get", &PODS, "log", Follow)]),
    (6, &[a("list", &DEPLOYMENTS, Coll)]),
    (3, &[a("get", &DEPLOYMENTS, One), a("list", &EVENTS, Describe)]),
    (3, &[a("list", &SERVICES, Coll)]),
    (3, &[a("list", &EVENTS, Coll)]),
    (2, &[a("list", &POD_METRICS, Coll)]),
    (1, &[a("list", &INGRESSES, Coll)]),
    (1, &[a("get", &CONFIGMAPS, One)]),
    (2, &[path("/api"), path("/apis")]),
];

/// `kubectl rollout restart`: get, then patch.
pub(crate) const WRITE: &[Cmd] = &[(
    3,
    &[a("get", &DEPLOYMENTS, One), a("patch", &DEPLOYMENTS, One)],
)];
pub(crate) const CLUSTER: &[Cmd] = &[
    (2, &one(a("list", &NODES, Coll))),
    (1, &one(a("list", &NAMESPACES, Coll))),
];
pub(crate) const OPERATE: &[Cmd] = &[(1, &one(a("delete", &PODS, One)))];

/// k9s and Lens list, then keep watches open.
#[rustfmt::skip]
pub(crate) const BROWSE: &[Cmd] = &[
    (10, &[a("list", &PODS, Coll), a("watch", &PODS, Coll)]),
    (4, &[a("list", &DEPLOYMENTS, Coll), a("watch", &DEPLOYMENTS, Coll)]),
    (3, &[a("list", &EVENTS, Coll), a("watch", &EVENTS, Coll)]),
    (4, &[s("get", &PODS, "log", One)]),
    (2, &[a("get", &PODS, One)]),
];

/// `kubectl apply` from the CI pipeline: discovery, then get and patch.
#[rustfmt::skip]
pub(crate) const CI: &[Cmd] = &[
    (5, &[path("/api"), path("/apis"), a("get", &DEPLOYMENTS, One), a("patch", &DEPLOYMENTS, One), a("get", &SERVICES, One), a("patch", &SERVICES, One)]),
    (3, &[path("/api"), path("/apis"), a("get", &CONFIGMAPS, One), a("patch", &CONFIGMAPS, One), a("get", &DEPLOYMENTS, One), a("patch", &DEPLOYMENTS, One)]),
];
