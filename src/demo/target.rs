//! What a background command works on: namespace, workload, pod, secret and
//! object names, all drawn from the command's seed so that every request of
//! it (and both lines of a long-running one) agree.

use super::acts::Act;
use super::cast::{self, Res, Workload};
use super::rng::{Rng, key_seed};
use super::secrets::{self, SecretDef};
use super::time::{DAY, MIN, at};
use super::world::{Actor, Kind};

/// What one command works on; every request of the command shares it.
pub(crate) struct Target {
    pub ns: &'static str,
    pub wl: Option<&'static Workload>,
    pub pod: &'static str,
    pub secret: Option<&'static SecretDef>,
    pub node: &'static str,
}

const SUFFIX: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

fn suffix(h: u64, n: usize) -> String {
    (0..n)
        .map(|i| char::from(SUFFIX[((h >> (i * 5)) % SUFFIX.len() as u64) as usize]))
        .collect()
}

pub(crate) fn uid(seed: u64, res: &str, ns: &str, name: &str) -> String {
    Rng::new(key_seed(seed, &[res, ns, name])).uuid()
}

/// An etcd revision that grows through the day.
pub(crate) fn resource_version(t: u64) -> u64 {
    48_213_377 + t.saturating_sub(DAY) / 40_000
}

pub(crate) fn choose(c: &mut Rng, actor: &Actor, steps: &[Act], recv: u64) -> Target {
    let mut ns = match actor.pool.len() {
        0 => "default",
        n => actor.pool[c.index(n)],
    };
    // CI may deploy to catalog only once its RoleBinding exists (08:21:37).
    if matches!(actor.kind, Kind::Ci) && ns == "catalog" && recv < at(8, 21, 37) {
        ns = "checkout";
    }
    let uses = |names: &[&str]| steps.iter().any(|a| names.contains(&a.res.name));
    let want_deploy = uses(&[
        "deployments",
        "replicasets",
        "horizontalpodautoscalers",
        "services",
    ]) || actor.name.ends_with("replicaset-controller");
    let want_sts = uses(&["statefulsets", "persistentvolumeclaims"]);
    let fits =
        |w: &&Workload| (!want_deploy || !w.hash.is_empty()) && (!want_sts || w.hash.is_empty());
    let mut secret = None;
    if steps.iter().any(|a| a.res.name == "secrets") {
        if matches!(actor.kind, Kind::Kubelet(_)) {
            // Kubelets fetch what their pods mount, in any namespace.
            let mounted: Vec<&SecretDef> = secrets::CATALOG.iter().filter(|s| s.mounted).collect();
            let s = mounted[c.index(mounted.len())];
            ns = s.ns;
            secret = Some(s);
        } else {
            let here: Vec<&SecretDef> = secrets::in_ns(ns).collect();
            if !here.is_empty() {
                secret = Some(here[c.index(here.len())]);
            }
        }
    }
    let mut wls: Vec<&'static Workload> = cast::workloads_in(ns).filter(fits).collect();
    if wls.is_empty() && secret.is_none() {
        // Nothing of that kind here: go where the actor finds one.
        wls = cast::WORKLOADS
            .iter()
            .filter(|w| actor.pool.contains(&w.ns) && fits(w))
            .collect();
    }
    let wl = if wls.is_empty() {
        None
    } else {
        Some(wls[c.index(wls.len())])
    };
    if let Some(w) = wl {
        ns = w.ns;
    }
    let pod = wl.map_or("", |w| w.pods[c.index(w.pods.len())]);
    let node = match actor.kind {
        Kind::Kubelet(i) => super::facts::NODES[i],
        _ => super::facts::NODES[c.index(super::facts::NODES.len())],
    };
    Target {
        ns,
        wl,
        pod,
        secret,
        node,
    }
}

/// The object a request names, if any.
pub(crate) fn object_name(res: &Res, t: &Target, c_seed: u64, recv: u64) -> Option<String> {
    let w = t.wl.map_or("app", |w| w.name);
    let h = key_seed(c_seed, &["name"]);
    Some(match res.name {
        "pods" => t.pod.to_string(),
        "deployments"
        | "statefulsets"
        | "services"
        | "endpoints"
        | "horizontalpodautoscalers"
        | "serviceaccounts" => w.to_string(),
        "replicasets" => format!("{w}-{}", t.wl.map_or("", |w| w.hash)),
        "endpointslices" => format!("{w}-{}", suffix(key_seed(0, &[t.ns, w]), 5)),
        "configmaps" if h % 2 == 0 => "kube-root-ca.crt".to_string(),
        "configmaps" => format!("{w}-config"),
        "secrets" => t.secret?.name.to_string(),
        "events" => {
            let mut s = format!("{}.", t.pod);
            super::rng::push_hex(&mut s, h, 16);
            s
        }
        "persistentvolumeclaims" => format!("data-{}", t.pod),
        "jobs" => job_name(w, recv),
        "cronjobs" => format!("{w}-sync"),
        "nodes" => t.node.to_string(),
        "namespaces" => t.ns.to_string(),
        "applications" => cast::APP_NS[(h % cast::APP_NS.len() as u64) as usize].to_string(),
        "certificates" => "cert-manager-webhook-ca".to_string(),
        _ => return None,
    })
}

/// A CronJob's Job is named after its schedule time, in minutes.
pub(crate) fn job_name(cronjob: &str, t: u64) -> String {
    format!("{cronjob}-sync-{}", 29_011_680 + (t - DAY) / MIN / 30 * 30)
}
