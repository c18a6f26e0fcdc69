//! Who and what is in the cluster: resources, workloads, people, agents.
//! Fixed tables, so names never depend on the seed or the event count.

/// An API resource: name, group ("" for core), version, namespaced.
pub(crate) struct Res {
    pub name: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
}

const fn res(name: &'static str, group: &'static str, version: &'static str, ns: bool) -> Res {
    Res {
        name,
        group,
        version,
        namespaced: ns,
    }
}

pub(crate) const PODS: Res = res("pods", "", "v1", true);
pub(crate) const SECRETS: Res = res("secrets", "", "v1", true);
pub(crate) const CONFIGMAPS: Res = res("configmaps", "", "v1", true);
pub(crate) const SERVICES: Res = res("services", "", "v1", true);
pub(crate) const ENDPOINTS: Res = res("endpoints", "", "v1", true);
pub(crate) const EVENTS: Res = res("events", "", "v1", true);
pub(crate) const SERVICEACCOUNTS: Res = res("serviceaccounts", "", "v1", true);
pub(crate) const NAMESPACES: Res = res("namespaces", "", "v1", false);
pub(crate) const NODES: Res = res("nodes", "", "v1", false);
pub(crate) const DEPLOYMENTS: Res = res("deployments", "apps", "v1", true);
pub(crate) const REPLICASETS: Res = res("replicasets", "apps", "v1", true);
pub(crate) const STATEFULSETS: Res = res("statefulsets", "apps", "v1", true);
pub(crate) const DAEMONSETS: Res = res("daemonsets", "apps", "v1", true);
pub(crate) const JOBS: Res = res("jobs", "batch", "v1", true);
pub(crate) const CRONJOBS: Res = res("cronjobs", "batch", "v1", true);
pub(crate) const LEASES: Res = res("leases", "coordination.k8s.io", "v1", true);
pub(crate) const ENDPOINTSLICES: Res = res("endpointslices", "discovery.k8s.io", "v1", true);
pub(crate) const INGRESSES: Res = res("ingresses", "networking.k8s.io", "v1", true);
pub(crate) const HPAS: Res = res("horizontalpodautoscalers", "autoscaling", "v2", true);
pub(crate) const PVCS: Res = res("persistentvolumeclaims", "", "v1", true);
pub(crate) const RESOURCEQUOTAS: Res = res("resourcequotas", "", "v1", true);
pub(crate) const ROLEBINDINGS: Res = res("rolebindings", "rbac.authorization.k8s.io", "v1", true);
pub(crate) const CLUSTERROLES: Res = res("clusterroles", "rbac.authorization.k8s.io", "v1", false);
pub(crate) const CLUSTERROLEBINDINGS: Res = res(
    "clusterrolebindings",
    "rbac.authorization.k8s.io",
    "v1",
    false,
);
pub(crate) const SSRR: Res = res(
    "selfsubjectrulesreviews",
    "authorization.k8s.io",
    "v1",
    false,
);
pub(crate) const CSRS: Res = res(
    "certificatesigningrequests",
    "certificates.k8s.io",
    "v1",
    false,
);
pub(crate) const APPLICATIONS: Res = res("applications", "argoproj.io", "v1alpha1", true);
pub(crate) const CERTIFICATES: Res = res("certificates", "cert-manager.io", "v1", true);
pub(crate) const POD_METRICS: Res = res("pods", "metrics.k8s.io", "v1beta1", true);
/// Resources by name, for the story's one-line request specs.
pub(crate) fn resource(name: &str) -> Option<&'static Res> {
    const ALL: &[&Res] = &[
        &PODS,
        &SECRETS,
        &CONFIGMAPS,
        &SERVICES,
        &EVENTS,
        &SERVICEACCOUNTS,
        &NAMESPACES,
        &NODES,
        &DEPLOYMENTS,
        &DAEMONSETS,
        &ROLEBINDINGS,
        &CLUSTERROLES,
        &CLUSTERROLEBINDINGS,
        &SSRR,
        &CSRS,
        &APPLICATIONS,
    ];
    ALL.iter().copied().find(|r| r.name == name)
}

/// Placeholder for non-resource URLs (`/healthz`, `/apis`): no objectRef.
pub(crate) const NONRES: Res = res("", "", "", false);

/// A Deployment (`hash` is its ReplicaSet's pod-template-hash) or a
/// StatefulSet (`hash` empty); `pods` are full pod names.
pub(crate) struct Workload {
    pub ns: &'static str,
    pub name: &'static str,
    pub hash: &'static str,
    pub pods: &'static [&'static str],
    pub container: &'static str,
}

const fn w(
    ns: &'static str,
    name: &'static str,
    hash: &'static str,
    pods: &'static [&'static str],
    container: &'static str,
) -> Workload {
    Workload {
        ns,
        name,
        hash,
        pods,
        container,
    }
}

#[rustfmt::skip]
pub(crate) const WORKLOADS: &[Workload] = &[
    w("payments-prod", "payments-api", "7c9d8b5f4", &["payments-api-7c9d8b5f4-x2k9q", "payments-api-7c9d8b5f4-m4tzp", "payments-api-7c9d8b5f4-8wq7r"], "api"),
    w("payments-prod", "payments-worker", "5f6d8c9b7", &["payments-worker-5f6d8c9b7-2xkqp", "payments-worker-5f6d8c9b7-vn7dz"], "worker"),
    w("payments-prod", "payments-db", "", &["payments-db-0", "payments-db-1"], "postgres"),
    w("payments-staging", "payments-api", "6b8d9c7f5", &["payments-api-6b8d9c7f5-q7w2x"], "api"),
    w("payments-staging", "payments-worker", "84c5d7f9b", &["payments-worker-84c5d7f9b-t5m8n"], "worker"),
    w("payments-staging", "payments-db", "", &["payments-db-0"], "postgres"),
    w("checkout", "checkout-api", "5d7f8c6b9", &["checkout-api-5d7f8c6b9-k8s2p", "checkout-api-5d7f8c6b9-r4t7v"], "api"),
    w("checkout", "checkout-web", "7b9c6d5f8", &["checkout-web-7b9c6d5f8-h2j4k", "checkout-web-7b9c6d5f8-w9x5z"], "web"),
    w("checkout", "checkout-redis", "", &["checkout-redis-0"], "redis"),
    w("search", "search-api", "6c8d7f5b4", &["search-api-6c8d7f5b4-p6q9r", "search-api-6c8d7f5b4-z7x2c"], "api"),
    w("search", "search-indexer", "59f7c8d6b", &["search-indexer-59f7c8d6b-m2n4b"], "indexer"),
    w("search", "opensearch", "", &["opensearch-0", "opensearch-1", "opensearch-2"], "opensearch"),
    w("catalog", "catalog-api", "7d5b8c9f6", &["catalog-api-7d5b8c9f6-f4g6h", "catalog-api-7d5b8c9f6-j8k2l"], "api"),
    w("catalog", "catalog-importer", "6f9c7b8d5", &["catalog-importer-6f9c7b8d5-s7d5f"], "importer"),
    w("monitoring", "prometheus-k8s", "", &["prometheus-k8s-0", "prometheus-k8s-1"], "prometheus"),
    w("monitoring", "grafana", "78c9d6f5b", &["grafana-78c9d6f5b-l7p2k"], "grafana"),
    w("monitoring", "kube-state-metrics", "5b7c9d8f6", &["kube-state-metrics-5b7c9d8f6-n4m8q"], "kube-state-metrics"),
    w("monitoring", "alertmanager-main", "", &["alertmanager-main-0"], "alertmanager"),
    w("argocd", "argocd-server", "6d8f9c7b5", &["argocd-server-6d8f9c7b5-r2t4v"], "argocd-server"),
    w("argocd", "argocd-repo-server", "7f5c9d8b6", &["argocd-repo-server-7f5c9d8b6-g6k8w"], "argocd-repo-server"),
    w("argocd", "argocd-application-controller", "", &["argocd-application-controller-0"], "argocd-application-controller"),
    w("argocd", "argocd-redis", "5c8d7b9f4", &["argocd-redis-5c8d7b9f4-z5s7d"], "redis"),
    w("cert-manager", "cert-manager", "6b7c8d9f5", &["cert-manager-6b7c8d9f5-g5h7j"], "cert-manager-controller"),
    w("cert-manager", "cert-manager-webhook", "7c9d5f6b8", &["cert-manager-webhook-7c9d5f6b8-k9l2z"], "cert-manager-webhook"),
    w("cert-manager", "cert-manager-cainjector", "58d9c7f6b", &["cert-manager-cainjector-58d9c7f6b-x4c6v"], "cert-manager-cainjector"),
    w("ingress-nginx", "ingress-nginx-controller", "7d9f8c6b5", &["ingress-nginx-controller-7d9f8c6b5-b8n2m", "ingress-nginx-controller-7d9f8c6b5-q5w7x"], "controller"),
    w("kube-system", "coredns", "5c7d9f8b6", &["coredns-5c7d9f8b6-t2b4k", "coredns-5c7d9f8b6-j6d8p"], "coredns"),
    w("kube-system", "metrics-server", "6f8c9d7b5", &["metrics-server-6f8c9d7b5-c9r5t"], "metrics-server"),
    w("kube-system", "ebs-csi-controller", "7b5d8c9f6", &["ebs-csi-controller-7b5d8c9f6-h7n9s"], "ebs-plugin"),
    w("sandbox", "debug-tools", "6d9c8f7b5", &["debug-tools-6d9c8f7b5-w2f4r"], "tools"),
];

pub(crate) fn workloads_in(ns: &str) -> impl Iterator<Item = &'static Workload> + Clone + '_ {
    WORKLOADS.iter().filter(move |w| w.ns == ns)
}

/// Namespaces where application teams work.
pub(crate) const APP_NS: &[&str] = &[
    "payments-prod",
    "payments-staging",
    "checkout",
    "search",
    "catalog",
];
/// Every namespace that runs workloads.
pub(crate) const WORK_NS: &[&str] = &[
    "payments-prod",
    "payments-staging",
    "checkout",
    "search",
    "catalog",
    "monitoring",
    "argocd",
    "cert-manager",
    "ingress-nginx",
    "kube-system",
    "sandbox",
];

pub(crate) const K8S_COMMIT: &str = "a78aa47"; // v1.31.4
pub(crate) const KUBECTL_MAC: &str = "kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46";
pub(crate) const KUBECTL_LINUX: &str = "kubectl/v1.30.5 (linux/amd64) kubernetes/74e84a9";
pub(crate) const KUBECTL_WIN: &str = "kubectl/v1.31.2 (windows/amd64) kubernetes/5864a46";
pub(crate) const K9S: &str = "k9s/v0.32.5 (darwin/arm64) kubernetes/$Format";
pub(crate) const LENS: &str = "Lens/2024.11.261604-latest";

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Team {
    Payments,
    Checkout,
    Search,
}

impl Team {
    pub(crate) fn group(self) -> &'static str {
        match self {
            Team::Payments => "oidc:team-payments",
            Team::Checkout => "oidc:team-checkout",
            Team::Search => "oidc:team-search",
        }
    }

    pub(crate) fn slug(self) -> &'static str {
        match self {
            Team::Payments => "payments",
            Team::Checkout => "checkout",
            Team::Search => "search",
        }
    }

    pub(crate) fn namespaces(self) -> &'static [&'static str] {
        match self {
            Team::Payments => &["payments-prod", "payments-staging"],
            Team::Checkout => &["checkout"],
            Team::Search => &["search", "catalog"],
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Admin,
    Sre,
    Viewer,
    Dev(Team),
}

pub(crate) struct Person {
    pub user: &'static str,
    pub role: Role,
    pub ip: &'static str,
    pub agents: &'static [&'static str],
}

const fn p(
    user: &'static str,
    role: Role,
    ip: &'static str,
    agents: &'static [&'static str],
) -> Person {
    Person {
        user,
        role,
        ip,
        agents,
    }
}

use Role::{Admin, Dev, Sre, Viewer};
use Team::{Checkout, Payments, Search};

/// Everyone but the suspect, whose day is scripted (see `story.rs`).
#[rustfmt::skip]
pub(crate) const PEOPLE: &[Person] = &[
    p("maria.garcia@corp.example", Admin, "10.8.2.41", &[KUBECTL_MAC, K9S]),
    p("tom.becker@corp.example", Admin, "10.8.2.77", &[KUBECTL_LINUX]),
    p("priya.sharma@corp.example", Sre, "10.8.5.12", &[KUBECTL_MAC, K9S]),
    p("lukas.novak@corp.example", Sre, "10.8.5.33", &[KUBECTL_LINUX]),
    p("aisha.bello@corp.example", Sre, "10.8.5.58", &[KUBECTL_MAC]),
    p("daniel.kim@corp.example", Sre, "10.8.5.91", &[K9S, KUBECTL_MAC]),
    p("sofia.rossi@corp.example", Sre, "10.8.6.14", &[KUBECTL_MAC]),
    p("mateo.fernandez@corp.example", Sre, "10.8.6.40", &[KUBECTL_LINUX, K9S]),
    p("oliver.jones@corp.example", Sre, "10.8.6.73", &[KUBECTL_MAC]),
    p("emma.wilson@corp.example", Viewer, "10.8.9.21", &[LENS]),
    p("noah.schmidt@corp.example", Viewer, "10.8.9.48", &[KUBECTL_WIN]),
    p("olivia.brown@corp.example", Viewer, "10.8.9.66", &[KUBECTL_MAC]),
    p("liam.dubois@corp.example", Viewer, "10.8.9.102", &[LENS, KUBECTL_MAC]),
    p("chloe.martin@corp.example", Viewer, "10.8.10.7", &[KUBECTL_MAC]),
    p("ethan.walker@corp.example", Viewer, "10.8.10.35", &[KUBECTL_LINUX]),
    p("isabella.costa@corp.example", Viewer, "10.8.10.83", &[K9S]),
    p("lucas.moreau@corp.example", Viewer, "10.8.10.120", &[KUBECTL_WIN]),
    p("grace.lee@corp.example", Viewer, "10.8.10.151", &[KUBECTL_MAC]),
    p("ana.souza@corp.example", Dev(Payments), "10.8.12.19", &[KUBECTL_MAC]),
    p("ben.carter@corp.example", Dev(Payments), "10.8.12.44", &[KUBECTL_MAC, K9S]),
    p("hiro.tanaka@corp.example", Dev(Payments), "10.8.12.71", &[KUBECTL_LINUX]),
    p("nina.petrova@corp.example", Dev(Payments), "10.8.12.96", &[LENS]),
    p("omar.haddad@corp.example", Dev(Payments), "10.8.12.130", &[KUBECTL_MAC]),
    p("raj.patel@corp.example", Dev(Payments), "10.8.12.162", &[KUBECTL_WIN]),
    p("ella.nguyen@corp.example", Dev(Checkout), "10.8.14.9", &[KUBECTL_MAC]),
    p("marco.bianchi@corp.example", Dev(Checkout), "10.8.14.52", &[K9S]),
    p("sara.lindqvist@corp.example", Dev(Checkout), "10.8.14.88", &[KUBECTL_MAC]),
    p("kevin.oconnor@corp.example", Dev(Checkout), "10.8.14.115", &[KUBECTL_LINUX]),
    p("fatima.khan@corp.example", Dev(Checkout), "10.8.14.140", &[KUBECTL_MAC, LENS]),
    p("yuki.sato@corp.example", Dev(Search), "10.8.16.23", &[KUBECTL_MAC]),
    p("pierre.laurent@corp.example", Dev(Search), "10.8.16.57", &[KUBECTL_LINUX]),
    p("zoe.adams@corp.example", Dev(Search), "10.8.16.81", &[K9S, KUBECTL_MAC]),
    p("ivan.horvat@corp.example", Dev(Search), "10.8.16.109", &[KUBECTL_LINUX]),
    p("mia.fischer@corp.example", Dev(Search), "10.8.16.134", &[KUBECTL_MAC]),
];

pub(crate) fn person(user: &str) -> Option<&'static Person> {
    PEOPLE.iter().find(|p| p.user == user)
}

/// OIDC groups as the authenticator reports them.
pub(crate) fn groups(role: Role) -> Vec<&'static str> {
    match role {
        Admin => vec!["oidc:k8s-admins", "oidc:sre", "system:authenticated"],
        Sre => vec!["oidc:sre", "system:authenticated"],
        Viewer => vec!["oidc:k8s-viewers", "system:authenticated"],
        Dev(t) => vec!["oidc:k8s-developers", t.group(), "system:authenticated"],
    }
}

/// `RBAC: allowed by …` as the RBAC authorizer words it.
pub(crate) fn rbac_reason(
    bkind: &str,
    binding: &str,
    rkind: &str,
    role: &str,
    skind: &str,
    subject: &str,
) -> String {
    format!("RBAC: allowed by {bkind} \"{binding}\" of {rkind} \"{role}\" to {skind} \"{subject}\"")
}

/// Why a person's request in `ns` is allowed.
pub(crate) fn human_reason(role: Role, ns: &str) -> String {
    match role {
        Admin => rbac_reason(
            "ClusterRoleBinding",
            "oidc-k8s-admins",
            "ClusterRole",
            "cluster-admin",
            "Group",
            "oidc:k8s-admins",
        ),
        Sre => rbac_reason(
            "ClusterRoleBinding",
            "oidc-sre",
            "ClusterRole",
            "sre-operator",
            "Group",
            "oidc:sre",
        ),
        Viewer => rbac_reason(
            "ClusterRoleBinding",
            "oidc-k8s-viewers",
            "ClusterRole",
            "view",
            "Group",
            "oidc:k8s-viewers",
        ),
        Dev(t) => rbac_reason(
            "RoleBinding",
            &format!("team-{}-edit/{ns}", t.slug()),
            "ClusterRole",
            "edit",
            "Group",
            t.group(),
        ),
    }
}

pub(crate) fn discovery_reason() -> String {
    rbac_reason(
        "ClusterRoleBinding",
        "system:discovery",
        "ClusterRole",
        "system:discovery",
        "Group",
        "system:authenticated",
    )
}

pub(crate) fn public_info_reason(group: &str) -> String {
    rbac_reason(
        "ClusterRoleBinding",
        "system:public-info-viewer",
        "ClusterRole",
        "system:public-info-viewer",
        "Group",
        group,
    )
}
