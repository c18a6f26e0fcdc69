//! The background cast as actors: identity (user JSON, address, agent),
//! what they do (command tables) and how often (timing at density 1, the
//! default 60,000 events; `sources.rs` scales every rate by the density).

use super::acts::Cmd;
use super::cast::{self, K8S_COMMIT, Person, Role, WORK_NS};
use super::commands as acts;
use super::facts;
use super::json::{Obj, push_str_array};
use super::rng::{Rng, key_seed, push_hex};
use super::script::Scripted;
use super::story;
use super::time::SEC;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Kubelet(usize),
    /// Control plane and kube-system controllers: may touch any namespace.
    System,
    /// A workload's service account: its secrets only in its own namespace.
    InCluster,
    Anonymous,
    Human(Role),
    Ci,
}

#[derive(Clone, Copy)]
pub(crate) enum Timing {
    /// Every so often (±10 %), as leases are renewed.
    Every(u64),
    /// At random, with this mean gap.
    Poisson(u64),
    /// A person's working sessions (see `gen.rs`).
    Sessions,
}

pub(crate) struct Actor {
    pub name: String,
    pub user_json: String,
    pub ip: String,
    pub agents: Vec<String>,
    /// The allow reason; for people and CI it depends on the namespace.
    pub reason: String,
    pub kind: Kind,
    pub pool: &'static [&'static str],
    /// `tables[0]` is the usual one; people with k9s or Lens browse with `tables[1]`.
    pub tables: Vec<Vec<Cmd>>,
    pub timing: Timing,
}

/// A workload's service account, calling from its pod.
struct InCluster {
    ns: &'static str,
    sa: &'static str,
    binding: &'static str,
    pod: &'static str,
    ip: &'static str,
    agent: &'static str,
    table: &'static [Cmd],
    gap: u64,
    /// Leader election: agent ("" for the usual one) and lease.
    lease: Option<(&'static str, &'static [Cmd])>,
}

#[rustfmt::skip]
const IN_CLUSTER: &[InCluster] = &[
    InCluster { ns: "kube-system", sa: "coredns", binding: "system:coredns", pod: "coredns-5c7d9f8b6-t2b4k", ip: "10.20.41.18",
        agent: "coredns/v0.0.0 (linux/amd64) kubernetes/$Format", table: acts::COREDNS, gap: 120, lease: None },
    InCluster { ns: "monitoring", sa: "prometheus-k8s", binding: "prometheus-k8s", pod: "prometheus-k8s-0", ip: "10.20.72.201",
        agent: "Prometheus/2.54.1", table: acts::PROMETHEUS, gap: 30, lease: None },
    InCluster { ns: "monitoring", sa: "kube-state-metrics", binding: "kube-state-metrics", pod: "kube-state-metrics-5b7c9d8f6-n4m8q", ip: "10.20.70.33",
        agent: "kube-state-metrics/v2.13.0 (linux/amd64) kube-state-metrics/4c8d2a7", table: acts::KUBE_STATE_METRICS, gap: 60, lease: None },
    InCluster { ns: "argocd", sa: "argocd-application-controller", binding: "argocd-application-controller", pod: "argocd-application-controller-0", ip: "10.20.99.14",
        agent: "argocd-application-controller/v2.12.4+27d1e64 (linux/amd64)", table: acts::ARGOCD_CONTROLLER, gap: 12, lease: None },
    InCluster { ns: "argocd", sa: "argocd-server", binding: "argocd-server", pod: "argocd-server-6d8f9c7b5-r2t4v", ip: "10.20.104.57",
        agent: "argocd-server/v2.12.4+27d1e64 (linux/amd64)", table: acts::ARGOCD_SERVER, gap: 120, lease: None },
    InCluster { ns: "cert-manager", sa: "cert-manager", binding: "cert-manager-controller-certificates", pod: "cert-manager-6b7c8d9f5-g5h7j", ip: "10.20.36.90",
        agent: "cert-manager-certificates-issuing/v1.15.3 (linux/amd64) cert-manager/2b3b9e4", table: acts::CERT_MANAGER, gap: 120,
        lease: Some(("cert-manager-leader-election/v1.15.3 (linux/amd64) cert-manager/2b3b9e4", acts::CERT_MANAGER_LEASE)) },
    InCluster { ns: "ingress-nginx", sa: "ingress-nginx", binding: "ingress-nginx", pod: "ingress-nginx-controller-7d9f8c6b5-b8n2m", ip: "10.20.66.140",
        agent: "nginx-ingress-controller/v1.11.2 (linux/amd64) ingress-nginx/46e76e5", table: acts::INGRESS, gap: 120,
        lease: Some(("", acts::INGRESS_LEASE)) },
];

pub(crate) struct World {
    pub seed: u64,
    pub actors: Vec<Actor>,
    pub script: Vec<Scripted>,
}

const NODE_GROUPS: &[&str] = &["system:nodes", "system:authenticated"];
const CI_NS: &[&str] = &[
    "payments-staging",
    "payments-prod",
    "checkout",
    "search",
    "catalog",
];

fn user_json(name: &str, uid: Option<&str>, groups: &[&str], extra: &[(&str, &str)]) -> String {
    let mut b = String::with_capacity(200);
    let mut o = Obj::open(&mut b);
    o.str("username", name)
        .opt_str("uid", uid)
        .strs("groups", groups);
    if !extra.is_empty() {
        let mut e = Obj::open(o.key("extra"));
        for (k, v) in extra {
            push_str_array(e.key(k), &[v]);
        }
        e.close();
    }
    o.close();
    b
}

pub(crate) fn sa_groups(ns: &str) -> Vec<String> {
    vec![
        "system:serviceaccounts".to_string(),
        format!("system:serviceaccounts:{ns}"),
        "system:authenticated".to_string(),
    ]
}

fn x509(r: &mut Rng) -> String {
    let mut s = String::from("X509SHA256=");
    for _ in 0..4 {
        push_hex(&mut s, r.next_u64(), 16);
    }
    s
}

pub(crate) fn node_ip(node: &str) -> String {
    node.trim_start_matches("ip-")
        .split('.')
        .next()
        .unwrap_or("")
        .replace('-', ".")
}

fn ua(component: &str, suffix: &str) -> String {
    format!("{component}/v1.31.4 (linux/amd64) kubernetes/{K8S_COMMIT}{suffix}")
}

struct Spec {
    name: String,
    user_json: String,
    ip: String,
    agent: String,
    reason: String,
    kind: Kind,
    pool: &'static [&'static str],
}

impl Spec {
    fn actor(&self, agent: &str, table: &[Cmd], timing: Timing) -> Actor {
        Actor {
            name: self.name.clone(),
            user_json: self.user_json.clone(),
            ip: self.ip.clone(),
            agents: vec![if agent.is_empty() {
                self.agent.clone()
            } else {
                agent.to_string()
            }],
            reason: self.reason.clone(),
            kind: self.kind,
            pool: self.pool,
            tables: vec![table.to_vec()],
            timing,
        }
    }
}

fn system_user(r: &mut Rng, name: &str, ip: &str, agent: String) -> Spec {
    let cred = x509(r);
    Spec {
        name: name.to_string(),
        user_json: user_json(
            name,
            None,
            &["system:authenticated"],
            &[("authentication.kubernetes.io/credential-id", &cred)],
        ),
        ip: ip.to_string(),
        agent,
        reason: cast::rbac_reason(
            "ClusterRoleBinding",
            name,
            "ClusterRole",
            name,
            "User",
            name,
        ),
        kind: Kind::System,
        pool: WORK_NS,
    }
}

/// A service account; `pod` binds its token to a pod (in-cluster workloads).
fn service_account(
    r: &mut Rng,
    ns: &str,
    sa: &str,
    binding: &str,
    ip: &str,
    agent: String,
    pod: Option<&str>,
) -> Spec {
    let name = format!("system:serviceaccount:{ns}:{sa}");
    let uid = r.uuid();
    let jti = format!("JTI={}", r.uuid());
    let mut extra: Vec<(&str, String)> = vec![("authentication.kubernetes.io/credential-id", jti)];
    if let Some(pod) = pod {
        let node = facts::NODES[r.index(facts::NODES.len())];
        extra.push(("authentication.kubernetes.io/node-name", node.to_string()));
        extra.push(("authentication.kubernetes.io/node-uid", r.uuid()));
        extra.push(("authentication.kubernetes.io/pod-name", pod.to_string()));
        extra.push(("authentication.kubernetes.io/pod-uid", r.uuid()));
    }
    let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let groups = sa_groups(ns);
    let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
    Spec {
        user_json: user_json(&name, Some(&uid), &groups, &extra),
        reason: cast::rbac_reason(
            "ClusterRoleBinding",
            binding,
            "ClusterRole",
            binding,
            "ServiceAccount",
            &format!("{sa}/{ns}"),
        ),
        name,
        ip: ip.to_string(),
        agent,
        kind: if ns == "kube-system" && pod.is_none() {
            Kind::System
        } else {
            Kind::InCluster
        },
        pool: WORK_NS,
    }
}

impl World {
    pub(crate) fn new(seed: u64) -> World {
        let mut r = Rng::new(key_seed(seed, &["world"]));
        let mut actors = Vec::new();
        let s = |secs: u64| secs * SEC;

        for (i, node) in facts::NODES.iter().enumerate() {
            let name = format!("system:node:{node}");
            let cred = x509(&mut r);
            let spec = Spec {
                user_json: user_json(
                    &name,
                    None,
                    NODE_GROUPS,
                    &[("authentication.kubernetes.io/credential-id", &cred)],
                ),
                name,
                ip: node_ip(node),
                agent: ua("kubelet", ""),
                reason: String::new(), // the Node authorizer gives no reason
                kind: Kind::Kubelet(i),
                pool: WORK_NS,
            };
            actors.push(spec.actor("", acts::KUBELET_LEASE, Timing::Every(s(15))));
            actors.push(spec.actor("", acts::KUBELET, Timing::Poisson(s(80))));
        }

        let kcm = system_user(
            &mut r,
            "system:kube-controller-manager",
            "10.20.200.11",
            ua("kube-controller-manager", "/leader-election"),
        );
        actors.push(kcm.actor("", acts::KCM_LEASE, Timing::Every(s(5))));
        actors.push(kcm.actor(
            &ua("kube-controller-manager", "/shared-informers"),
            acts::KCM,
            Timing::Poisson(s(60)),
        ));
        let sched = system_user(
            &mut r,
            "system:kube-scheduler",
            "10.20.200.12",
            ua("kube-scheduler", "/leader-election"),
        );
        actors.push(sched.actor("", acts::SCHED_LEASE, Timing::Every(s(5))));
        actors.push(sched.actor(
            &ua("kube-scheduler", "/scheduler"),
            acts::SCHED,
            Timing::Poisson(s(100)),
        ));

        let uid = r.uuid();
        let apiserver = Spec {
            name: "system:apiserver".into(),
            user_json: user_json(
                "system:apiserver",
                Some(&uid),
                &["system:authenticated", "system:masters"],
                &[],
            ),
            ip: "::1".into(),
            agent: ua("kube-apiserver", ""),
            reason: String::new(), // system:masters bypasses RBAC
            kind: Kind::System,
            pool: &["default", "kube-system", "kube-public", "kube-node-lease"],
        };
        actors.push(apiserver.actor("", acts::APISERVER_LEASE, Timing::Every(s(10))));
        actors.push(apiserver.actor("", acts::APISERVER, Timing::Poisson(s(60))));

        for (ctl, gap, table) in acts::CONTROLLERS {
            let sa = format!("system:serviceaccount:kube-system:{ctl}");
            let mut spec = service_account(
                &mut r,
                "kube-system",
                ctl,
                &format!("system:controller:{ctl}"),
                "10.20.200.11",
                ua("kube-controller-manager", &format!("/{sa}")),
                None,
            );
            spec.pool = match *ctl {
                "token-cleaner" => &["kube-system"],
                "job-controller" | "cronjob-controller" => &["search", "catalog"],
                _ => WORK_NS,
            };
            actors.push(spec.actor("", table, Timing::Poisson(s(*gap))));
        }

        for c in IN_CLUSTER {
            let mut spec = service_account(
                &mut r,
                c.ns,
                c.sa,
                c.binding,
                c.ip,
                c.agent.into(),
                Some(c.pod),
            );
            spec.pool = std::slice::from_ref(&c.ns);
            actors.push(spec.actor("", c.table, Timing::Poisson(s(c.gap))));
            if let Some((agent, table)) = c.lease {
                actors.push(spec.actor(agent, table, Timing::Every(s(20))));
            }
        }

        for ip in facts::LB_IPS {
            let spec = Spec {
                name: "system:anonymous".into(),
                user_json: user_json("system:anonymous", None, &["system:unauthenticated"], &[]),
                ip: (*ip).to_string(),
                agent: "ELB-HealthChecker/2.0".into(),
                reason: cast::public_info_reason("system:unauthenticated"),
                kind: Kind::Anonymous,
                pool: &[],
            };
            actors.push(spec.actor("", acts::HEALTH, Timing::Every(s(30))));
        }

        for p in cast::PEOPLE {
            actors.push(person(p));
        }

        let mut ci = service_account(
            &mut r,
            "ci",
            "deployer",
            "",
            "10.30.4.17",
            "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46".into(),
            None,
        );
        ci.kind = Kind::Ci;
        ci.pool = CI_NS;
        // Pipelines run every ~12 minutes; each is one multi-request command.
        actors.push(ci.actor("", acts::CI, Timing::Poisson(s(720))));

        World {
            seed,
            actors,
            script: story::script(seed),
        }
    }
}

fn person(p: &Person) -> Actor {
    let groups = cast::groups(p.role);
    let mut main: Vec<Cmd> = acts::READ.to_vec();
    if !matches!(p.role, Role::Viewer) {
        main.extend_from_slice(acts::WRITE);
    }
    if !matches!(p.role, Role::Dev(_)) {
        main.extend_from_slice(acts::CLUSTER);
    }
    if matches!(p.role, Role::Sre | Role::Admin) {
        main.extend_from_slice(acts::OPERATE);
    }
    Actor {
        name: p.user.to_string(),
        user_json: user_json(p.user, None, &groups, &[]),
        ip: p.ip.to_string(),
        agents: p.agents.iter().map(|a| (*a).to_string()).collect(),
        reason: String::new(),
        kind: Kind::Human(p.role),
        pool: match p.role {
            Role::Dev(t) => t.namespaces(),
            Role::Viewer => cast::APP_NS,
            Role::Sre | Role::Admin => WORK_NS,
        },
        tables: vec![main, acts::BROWSE.to_vec()],
        timing: Timing::Sessions,
    }
}

/// The JSON of a person's `user`, for the story.
pub(crate) fn human_user_json(name: &str, groups: &[&str]) -> String {
    user_json(name, None, groups, &[])
}

pub(crate) fn impersonated_json(sa_ns: &str, name: &str) -> String {
    let g = sa_groups(sa_ns);
    let g: Vec<&str> = g.iter().map(String::as_str).collect();
    user_json(name, None, &g, &[])
}
