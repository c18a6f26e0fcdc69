//! The incident, at fixed times (see `docs/demo.md`). Nothing here depends
//! on the event count; the seed only changes ids and sub-seconds.

use super::cast::{KUBECTL_MAC, discovery_reason, rbac_reason};
use super::facts as f;
use super::objects::{self, Stored, Subject};
use super::script::{Answer, Script, Scripted, Who};
use super::secrets;
use super::target::{resource_version, uid};
use super::time::{self, SEC, at};

pub(crate) fn script(seed: u64) -> Vec<Scripted> {
    let mut s = Script::new(seed);
    morning(&mut s);
    recon(&mut s);
    grant(&mut s);
    secrets_taken(&mut s);
    shell_and_tunnel(&mut s);
    scanner(&mut s);
    super::benign::add(&mut s);
    s.finish()
}

fn allow(r: &str) -> Answer {
    Answer::Allow(r.to_string())
}

/// Jordan at work from the VPN, in checkout only.
#[rustfmt::skip]
fn morning(s: &mut Script) {
    let j = Who::jordan(f::SUSPECT_HOME_IP, f::SUSPECT_HOME_AGENT);
    let r = &j.reason("checkout");
    let api = "checkout-api-5d7f8c6b9-k8s2p";
    let web = "checkout-web-7b9c6d5f8-h2j4k";
    let describe = format!(
        "list events checkout/ ?fieldSelector=involvedObject.name%3D{api}%2CinvolvedObject.namespace%3Dcheckout%2CinvolvedObject.uid%3D{}",
        uid(s.seed, "pods", "checkout", api)
    );
    s.add(&j, at(8, 52, 11), "get /api?timeout=32s", allow(&discovery_reason()));
    s.add(&j, at(8, 52, 11), "get /apis?timeout=32s", allow(&discovery_reason()));
    s.add(&j, at(8, 52, 12), "list pods checkout/ ?limit=500", allow(r));
    s.add(&j, at(8, 52, 40), &format!("get pods checkout/{api}"), allow(r));
    s.add(&j, at(8, 52, 41), &describe, allow(r));
    s.add(&j, at(8, 53, 5), &format!("get pods checkout/{api}"), allow(r));
    s.add(&j, at(8, 53, 6), &format!("get pods/log checkout/{api} ?container=api"), allow(r));
    s.add(&j, at(8, 55, 30), "list deployments checkout/ ?limit=500", allow(r));
    s.add(&j, at(8, 58, 2), "get deployments checkout/checkout-web", allow(r));
    s.add(&j, at(8, 58, 3), "patch deployments checkout/checkout-web ?fieldManager=kubectl-rollout", allow(r));
    s.add(&j, at(9, 1, 15), "list pods checkout/ ?limit=500", allow(r));
    s.add(&j, at(9, 3, 40), &format!("get pods checkout/{web}"), allow(r));
    let follow = s.add(&j, at(9, 3, 41), &format!("get pods/log checkout/{web} ?container=web&follow=true"), allow(r));
    follow.first_stage = super::event::Stage::Started;
    follow.second = Some(at(9, 6, 10) + 250_000);
    s.add(&j, at(9, 7, 25), "list events checkout/ ?limit=500", allow(r));
    // Jordan's own laptop again, while the other address holds a tunnel open.
    s.add(&j, at(10, 15, 2), "list pods checkout/ ?limit=500", allow(r));
    s.add(&j, at(10, 15, 40), &format!("get pods checkout/{api}"), allow(r));
    s.add(&j, at(10, 15, 41), &format!("get pods/log checkout/{api} ?container=api"), allow(r));
}

/// From a new address: what may I do? Then 24 tries, all denied.
#[rustfmt::skip]
fn recon(s: &mut Script) {
    let j = Who::jordan(f::ATTACKER_IP, f::ATTACKER_AGENT);
    let basic = rbac_reason("ClusterRoleBinding", "system:basic-user", "ClusterRole", "system:basic-user", "Group", "system:authenticated");
    s.add(&j, at(9, 12, 4), "create selfsubjectrulesreviews -", allow(&basic));
    const TRIES: [(u64, u64, &str); 24] = [
        (12, 10, "list nodes - ?limit=500"),
        (12, 16, "list clusterroles - ?limit=500"),
        (12, 21, "list clusterrolebindings - ?limit=500"),
        (12, 27, "list namespaces - ?limit=500"),
        (12, 33, "get secrets kube-system/aws-credentials"),
        (12, 39, "list secrets kube-system/ ?limit=500"),
        (12, 45, "create pods kube-system/debug ?fieldManager=kubectl-run"),
        (12, 51, "list serviceaccounts - ?limit=500"),
        (12, 56, "create serviceaccounts/token kube-system/clusterrole-aggregation-controller"),
        (13, 2, "list secrets - ?limit=500"),
        (13, 9, "list secrets payments-prod/ ?limit=500"),
        (13, 15, "get secrets payments-prod/payments-db-credentials"),
        (13, 22, "create pods/exec payments-prod/payments-api-7c9d8b5f4-x2k9q ?command=sh&container=api&stdin=true&stdout=true&tty=true"),
        (13, 30, "list pods payments-prod/ ?limit=500"),
        (13, 36, "list rolebindings payments-prod/ ?limit=500"),
        (13, 42, "create rolebindings payments-prod/jordan-admin ?fieldManager=kubectl-create&fieldValidation=Strict"),
        (13, 49, "create clusterrolebindings /jordan-cluster-admin ?fieldManager=kubectl-create&fieldValidation=Strict"),
        (13, 55, "get configmaps kube-system/aws-auth"),
        (14, 2, "list deployments payments-prod/ ?limit=500"),
        (14, 9, "create pods/portforward payments-prod/payments-db-0 ?ports=5432"),
        (14, 16, "create certificatesigningrequests /jordan-client ?fieldManager=kubectl-create&fieldValidation=Strict"),
        (14, 23, "patch deployments payments-prod/payments-api ?fieldManager=kubectl-patch"),
        (14, 31, "list daemonsets kube-system/ ?limit=500"),
        (14, 40, "get secrets argocd/argocd-initial-admin-secret"),
    ];
    for (m, sec, spec) in TRIES {
        s.add(&j, at(9, m, sec), spec, Answer::Forbid);
    }
}

/// A RoleBinding as created and as stored, for the request and response bodies.
pub(crate) fn binding(
    s: &mut Script,
    who: &Who,
    t: u64,
    ns: &str,
    name: &str,
    subject: &Subject<'_>,
    role: &str,
) {
    let seed = s.seed;
    let spec = format!(
        "create rolebindings {ns}/{name} ?fieldManager=kubectl-create&fieldValidation=Strict"
    );
    let rb = s.add(who, t, &spec, Answer::Allow(who.reason(ns)));
    let created = time::seconds(rb.req.recv);
    let uid = uid(seed, "rolebindings", ns, name);
    let stored = Stored {
        uid: &uid,
        resource_version: resource_version(rb.req.recv),
        created: &created,
        manager: "kubectl-create",
    };
    rb.req.request_object = Some(objects::rolebinding(name, ns, subject, role, None));
    rb.req.response_object = Some(objects::rolebinding(name, ns, subject, role, Some(&stored)));
}

/// The admin grants Jordan edit in payments-prod, and checks it.
fn grant(s: &mut Script) {
    let maria = Who::person(f::ADMIN, KUBECTL_MAC);
    let ns = f::TARGET_NAMESPACE;
    let jordan = Subject {
        kind: "User",
        name: f::SUSPECT,
        namespace: None,
    };
    binding(
        s,
        &maria,
        at(9, 38, 45),
        ns,
        f::ROLEBINDING,
        &jordan,
        f::ROLEBINDING_ROLE,
    );
    let r = maria.reason(ns);
    s.add(
        &maria,
        at(9, 38, 52),
        &format!("get rolebindings {ns}/{}", f::ROLEBINDING),
        Answer::Allow(r),
    );
}

/// All of payments-prod's secrets in one list, then five by name with curl.
fn secrets_taken(s: &mut Script) {
    let seed = s.seed;
    let ns = f::TARGET_NAMESPACE;
    let j = Who::jordan(f::ATTACKER_IP, f::ATTACKER_AGENT);
    let list = s.add(
        &j,
        at(9, 44, 10),
        &format!("list secrets {ns}/ ?limit=500"),
        allow(f::GRANT_REASON),
    );
    let rv = resource_version(list.req.recv);
    list.req.response_object = Some(secrets::list_json(secrets::in_ns(ns), seed, rv));
    let curl = Who::jordan(f::ATTACKER_IP, f::CURL_AGENT);
    let times = [
        at(9, 44, 30),
        at(9, 45, 5),
        at(9, 45, 41),
        at(9, 46, 18),
        at(9, 46, 50),
    ];
    for (name, t) in f::SECRETS_READ.iter().zip(times) {
        let get = s.add(
            &curl,
            t,
            &format!("get secrets {ns}/{name}"),
            allow(f::GRANT_REASON),
        );
        get.req.response_object = secrets::find(ns, name).map(|d| secrets::secret_json(d, seed));
    }
}

fn shell_and_tunnel(s: &mut Script) {
    let j = Who::jordan(f::ATTACKER_IP, f::ATTACKER_AGENT);
    let ns = f::TARGET_NAMESPACE;
    let query = &f::EXEC_URI[f::EXEC_URI.find('?').unwrap_or(0)..];
    let exec = s.add(
        &j,
        at(9, 49, 12),
        &format!("create pods/exec {ns}/{} {query}", f::EXEC_POD),
        allow(f::GRANT_REASON),
    );
    exec.second = Some(at(9, 57, 40) + 318_000);
    let pf = format!(
        "create pods/portforward {ns}/{} ?ports={}",
        f::PORTFORWARD_POD,
        f::PORTFORWARD_PORT
    );
    let pf = s.add(&j, at(10, 3, 20), &pf, allow(f::GRANT_REASON));
    pf.second = Some(at(10, 41, 5) + 77_000);
}

/// An unrelated internet scanner: 40 requests, no valid credentials.
fn scanner(s: &mut Script) {
    const PROBES: [&str; 20] = [
        "list secrets -",
        "list secrets kube-system/",
        "get /apis",
        "get /version",
        "list pods -",
        "get /.env",
        "get /debug/pprof/",
        "list namespaces -",
        "list nodes -",
        "list deployments -",
        "list pods default/",
        "get /metrics",
        "get /.git/config",
        "get /api",
        "list clusterrolebindings -",
        "list configmaps -",
        "get /openapi/v2",
        "get /actuator/env",
        "list pods kube-system/",
        "get /healthz",
    ];
    for i in 0..f::SCANNER_REQUESTS {
        // The first address probes every 20 s, the second every 28 s.
        let (ip, agent, t, probe) = if i < 22 {
            let agent = f::SCANNER_AGENTS[usize::from(i % 3 == 2)];
            (
                f::SCANNER_IPS[0],
                agent,
                at(10, 20, 0) + i as u64 * 20 * SEC,
                i,
            )
        } else {
            let n = i as u64 - 22;
            (
                f::SCANNER_IPS[1],
                f::SCANNER_AGENTS[2],
                at(10, 26, 30) + n * 28 * SEC,
                i * 7,
            )
        };
        s.add(
            &Who::nobody(ip, agent),
            t,
            PROBES[probe % PROBES.len()],
            Answer::Unauthenticated,
        );
    }
}
