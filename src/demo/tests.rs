//! The demo's contract: exact size, determinism, the apiserver's shape, and
//! every fact of the story findable by scanning the lines.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

use super::facts as f;
use super::*;

fn write(events: usize, seed: u64) -> (Vec<u8>, DemoStats) {
    let mut out = Vec::new();
    let stats = write_demo(&DemoOptions { events, seed }, &mut out).expect("demo writes");
    (out, stats)
}

/// The default log, written once for all the tests that read it.
fn default_log() -> &'static (Vec<String>, Vec<Value>, DemoStats) {
    static LOG: OnceLock<(Vec<String>, Vec<Value>, DemoStats)> = OnceLock::new();
    LOG.get_or_init(|| {
        let (out, stats) = write(DemoOptions::default().events, DemoOptions::default().seed);
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let events = lines
            .iter()
            .map(|l| serde_json::from_str(l).expect("valid JSON"))
            .collect();
        (lines, events, stats)
    })
}

fn events() -> &'static [Value] {
    &default_log().1
}

fn s<'a>(e: &'a Value, path: &[&str]) -> &'a str {
    let mut v = e;
    for p in path {
        v = &v[*p];
    }
    v.as_str().unwrap_or("")
}

fn code(e: &Value) -> u64 {
    e["responseStatus"]["code"].as_u64().unwrap_or(0)
}

fn ip(e: &Value) -> &str {
    e["sourceIPs"][0].as_str().unwrap_or("")
}

fn user(e: &Value) -> &str {
    s(e, &["user", "username"])
}

/// Within the second a fact names (`…T09:12:04Z` matches `…T09:12:04.xxxxxxZ`).
fn in_second(ts: &str, fact: &str) -> bool {
    ts.starts_with(fact.trim_end_matches('Z'))
}

fn between(ts: &str, from: &str, to_second: &str) -> bool {
    let to = to_second.trim_end_matches('Z');
    ts >= from.trim_end_matches('Z') && (ts < to || ts.starts_with(to))
}

fn by(u: &str) -> impl Iterator<Item = &'static Value> + '_ {
    events().iter().filter(move |e| user(e) == u)
}

fn sub(e: &Value) -> &str {
    s(e, &["objectRef", "subresource"])
}

/// Top-level keys of a line, in order, by scanning the raw text.
fn top_keys(line: &str) -> Vec<String> {
    let (mut depth, mut in_str, mut esc, mut start, mut keys) = (0, false, false, 0, Vec::new());
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if in_str {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
                if depth == 1 && b.get(i + 1) == Some(&b':') {
                    keys.push(line[start..i].to_string());
                }
            }
            continue;
        }
        match c {
            b'"' => {
                in_str = true;
                start = i + 1;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            _ => {}
        }
    }
    keys
}

#[test]
fn deterministic_per_seed() {
    let (a, sa) = write(5_000, 7);
    let (b, sb) = write(5_000, 7);
    assert!(a == b, "same options must give the same bytes");
    assert_eq!(sa, sb);
    let (c, _) = write(5_000, 8);
    assert!(a != c, "another seed must give another log");
}

#[test]
fn exact_line_counts() {
    for n in [MIN_EVENTS, 3_333, 20_000] {
        let (out, stats) = write(n, 3);
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), n);
        assert_eq!(stats.events, n);
    }
    let (lines, _, stats) = default_log();
    assert_eq!(lines.len(), 60_000);
    assert_eq!(stats.events, 60_000);
}

#[test]
fn too_few_events_is_an_error() {
    let err = write_demo(
        &DemoOptions {
            events: MIN_EVENTS - 1,
            seed: 1,
        },
        &mut Vec::new(),
    );
    assert_eq!(
        err.map_err(|e| e.kind()).err(),
        Some(std::io::ErrorKind::InvalidInput)
    );
}

#[test]
fn lines_have_the_apiserver_shape() {
    const ORDER: &[&str] = &[
        "kind",
        "apiVersion",
        "level",
        "auditID",
        "stage",
        "requestURI",
        "verb",
        "user",
        "impersonatedUser",
        "sourceIPs",
        "userAgent",
        "objectRef",
        "responseStatus",
        "requestObject",
        "responseObject",
        "requestReceivedTimestamp",
        "stageTimestamp",
        "annotations",
    ];
    let (lines, events, _) = default_log();
    for (line, e) in lines.iter().zip(events) {
        let keys = top_keys(line);
        let pos: Vec<usize> = keys
            .iter()
            .map(|k| ORDER.iter().position(|o| o == k).expect("known key"))
            .collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "field order: {line}");
        for k in [
            "kind",
            "apiVersion",
            "level",
            "auditID",
            "stage",
            "requestURI",
            "verb",
            "user",
            "sourceIPs",
            "userAgent",
            "responseStatus",
            "requestReceivedTimestamp",
            "stageTimestamp",
        ] {
            assert!(keys.iter().any(|x| x == k), "missing {k}: {line}");
        }
        assert_eq!(s(e, &["kind"]), "Event");
        assert_eq!(s(e, &["apiVersion"]), "audit.k8s.io/v1");
        let id = s(e, &["auditID"]);
        assert!(id.len() == 36 && &id[14..15] == "4", "v4 uuid: {id}");
        for t in [
            s(e, &["requestReceivedTimestamp"]),
            s(e, &["stageTimestamp"]),
        ] {
            assert!(
                t.len() == 27 && t.ends_with('Z') && &t[19..20] == ".",
                "MicroTime: {t}"
            );
        }
        assert!(s(e, &["requestReceivedTimestamp"]) <= s(e, &["stageTimestamp"]));
        // Go escapes these three, always.
        assert!(
            !line.contains('&') && !line.contains('<') && !line.contains('>'),
            "Go escaping: {line}"
        );
        let uri = s(e, &["requestURI"]);
        let nonres = [
            "/healthz",
            "/readyz",
            "/livez",
            "/metrics",
            "/version",
            "/api",
            "/apis",
            "/openapi/v2",
            "/.env",
            "/debug/pprof/",
            "/.git/config",
            "/actuator/env",
        ];
        let path = uri.split('?').next().unwrap_or("");
        assert_eq!(
            e.get("objectRef").is_none(),
            nonres.contains(&path),
            "objectRef iff resource URL: {uri}"
        );
        if code(e) == 401 {
            assert_eq!(e["user"], serde_json::json!({}));
            assert!(e.get("annotations").is_none());
            assert_eq!(s(e, &["stage"]), "ResponseStarted");
        } else {
            assert!(matches!(
                s(e, &["annotations", "authorization.k8s.io/decision"]),
                "allow" | "forbid"
            ));
        }
    }
    assert!(
        lines.iter().any(|l| l.contains("\\u0026")),
        "URIs with several parameters escape &"
    );
    assert!(
        lines.iter().any(|l| l.contains("\\\"")),
        "reasons contain escaped quotes"
    );
}

#[test]
fn sorted_and_spans_the_morning() {
    let (_, events, stats) = default_log();
    let ts: Vec<&str> = events.iter().map(|e| s(e, &["stageTimestamp"])).collect();
    assert!(
        ts.windows(2).all(|w| w[0] <= w[1]),
        "sorted by stageTimestamp"
    );
    assert_eq!(stats.first, ts[0]);
    assert_eq!(stats.last, ts[ts.len() - 1]);
    assert!(
        in_second(ts[0], f::WINDOW_START),
        "first line at 06:00:00: {}",
        ts[0]
    );
    assert!(
        *ts.last().unwrap_or(&"") < f::WINDOW_END,
        "ends before 12:30"
    );
    assert!(
        *ts.last().unwrap_or(&"") >= "2026-11-21T12:00:00",
        "spans at least 6 h"
    );
}

#[test]
fn the_mix_is_mostly_system_noise() {
    let all = events().len() as f64;
    let humans = events()
        .iter()
        .filter(|e| !user(e).is_empty() && !user(e).starts_with("system:"))
        .count() as f64;
    let share = humans / all;
    assert!((0.18..=0.30).contains(&share), "humans {share}");
    let people: BTreeSet<&str> = events()
        .iter()
        .map(user)
        .filter(|u| u.ends_with("@corp.example"))
        .collect();
    assert_eq!(people.len(), f::HUMANS);
    let kubelet_leases = events()
        .iter()
        .filter(|e| {
            user(e).starts_with("system:node:")
                && s(e, &["objectRef", "namespace"]) == "kube-node-lease"
        })
        .count();
    assert!(kubelet_leases > 10_000);
    assert!(
        by(f::CI_USER).any(
            |e| s(e, &["verb"]) == "patch" && s(e, &["objectRef", "resource"]) == "deployments"
        )
    );
}

#[test]
fn suspect_works_normally_first() {
    let home: Vec<&Value> = by(f::SUSPECT)
        .filter(|e| ip(e) == f::SUSPECT_HOME_IP)
        .collect();
    assert!(home.len() >= 10);
    assert!(in_second(
        s(home[0], &["requestReceivedTimestamp"]),
        f::SUSPECT_MORNING_FROM
    ));
    for e in &home {
        assert_eq!(s(e, &["userAgent"]), f::SUSPECT_HOME_AGENT);
        assert!(code(e) < 300);
        if let Some(ns) = e["objectRef"]["namespace"].as_str() {
            assert_eq!(ns, f::SUSPECT_HOME_NAMESPACE);
        }
    }
    assert!(home.iter().any(|e| in_second(
        s(e, &["requestReceivedTimestamp"]),
        f::SUSPECT_HOME_AGAIN_AT
    )));
    let first_new = by(f::SUSPECT)
        .find(|e| ip(e) == f::ATTACKER_IP)
        .expect("new address");
    assert!(in_second(
        s(first_new, &["requestReceivedTimestamp"]),
        f::RECON_AT
    ));
    assert_eq!(
        s(first_new, &["objectRef", "resource"]),
        "selfsubjectrulesreviews"
    );
    assert_eq!(code(first_new), 201);
    assert_eq!(s(first_new, &["userAgent"]), f::ATTACKER_AGENT);
}

#[test]
fn forbidden_burst() {
    let denied: Vec<&Value> = by(f::SUSPECT).filter(|e| code(e) == 403).collect();
    assert_eq!(denied.len(), f::FORBIDDEN_EVENTS);
    let ids: BTreeSet<&str> = denied.iter().map(|e| s(e, &["auditID"])).collect();
    assert_eq!(ids.len(), f::FORBIDDEN_REQUESTS);
    let actions: BTreeSet<(&str, &str, &str)> = denied
        .iter()
        .map(|e| (s(e, &["verb"]), s(e, &["objectRef", "resource"]), sub(e)))
        .collect();
    assert_eq!(actions.len(), f::FORBIDDEN_DISTINCT_ACTIONS);
    for e in &denied {
        let t = s(e, &["requestReceivedTimestamp"]);
        assert!(between(t, f::FORBIDDEN_FROM, f::FORBIDDEN_TO), "{t}");
        assert_eq!(ip(e), f::ATTACKER_IP);
        assert_eq!(
            s(e, &["annotations", "authorization.k8s.io/decision"]),
            "forbid"
        );
        assert_eq!(s(e, &["annotations", "authorization.k8s.io/reason"]), "");
        assert_eq!(s(e, &["responseStatus", "reason"]), "Forbidden");
        assert!(
            s(e, &["responseStatus", "message"])
                .contains("is forbidden: User \"jordan.lee@corp.example\" cannot")
        );
    }
    let all_ns = denied
        .iter()
        .find(|e| s(e, &["requestURI"]) == f::CROSS_NS_SECRETS_URI)
        .expect("cross-namespace secrets list");
    assert!(in_second(
        s(all_ns, &["requestReceivedTimestamp"]),
        f::CROSS_NS_SECRETS_AT
    ));
    assert!(all_ns["objectRef"].get("namespace").is_none());
    assert!(s(all_ns, &["responseStatus", "message"]).ends_with("at the cluster scope"));
    let named = denied
        .iter()
        .find(|e| s(e, &["objectRef", "name"]) == "payments-db-credentials")
        .expect("named denial");
    assert!(
        s(named, &["responseStatus", "message"])
            .starts_with("secrets \"payments-db-credentials\" is forbidden")
    );
    assert_eq!(
        s(named, &["responseStatus", "details", "name"]),
        "payments-db-credentials"
    );
}

#[test]
fn the_grant() {
    let rbac_writes: Vec<&Value> = events()
        .iter()
        .filter(|e| {
            s(e, &["objectRef", "apiGroup"]) == "rbac.authorization.k8s.io"
                && code(e) < 300
                && s(e, &["verb"]) != "get"
                && s(e, &["verb"]) != "list"
        })
        .collect();
    assert_eq!(rbac_writes.len(), 2, "the grant and the benign CI binding");
    let e = rbac_writes
        .iter()
        .find(|e| user(e) == f::ADMIN)
        .expect("grant");
    assert!(in_second(
        s(e, &["requestReceivedTimestamp"]),
        f::ROLEBINDING_AT
    ));
    assert_eq!(s(e, &["objectRef", "name"]), f::ROLEBINDING);
    assert_eq!(s(e, &["objectRef", "namespace"]), f::TARGET_NAMESPACE);
    assert_eq!(code(e), 201);
    assert_eq!(s(e, &["level"]), "RequestResponse");
    for body in ["requestObject", "responseObject"] {
        assert_eq!(s(e, &[body, "roleRef", "name"]), f::ROLEBINDING_ROLE);
        assert_eq!(e[body]["subjects"][0]["name"], f::SUSPECT);
        assert_eq!(e[body]["subjects"][0]["kind"], "User");
    }
    let groups: Vec<&str> = e["user"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(groups, f::ADMIN_GROUPS);
    let benign = rbac_writes
        .iter()
        .find(|e| user(e) == f::BENIGN_RBAC_ADMIN)
        .expect("benign binding");
    assert!(in_second(
        s(benign, &["requestReceivedTimestamp"]),
        f::BENIGN_RBAC_AT
    ));
}

#[test]
fn the_secrets() {
    let reads: Vec<&Value> = by(f::SUSPECT)
        .filter(|e| s(e, &["objectRef", "resource"]) == "secrets" && code(e) == 200)
        .collect();
    assert_eq!(reads.len(), 1 + f::SECRETS_READ.len());
    let list = reads[0];
    assert!(in_second(
        s(list, &["requestReceivedTimestamp"]),
        f::SECRETS_LIST_AT
    ));
    assert_eq!(s(list, &["verb"]), "list");
    assert_eq!(
        s(list, &["annotations", "authorization.k8s.io/reason"]),
        f::GRANT_REASON
    );
    assert_eq!(s(list, &["responseObject", "kind"]), "SecretList");
    let items = list["responseObject"]["items"].as_array().expect("items");
    let names: Vec<&str> = items.iter().map(|i| s(i, &["metadata", "name"])).collect();
    assert_eq!(
        names.iter().copied().collect::<BTreeSet<_>>(),
        f::SECRETS_LISTED.iter().copied().collect()
    );
    let mut listed_values = BTreeSet::new();
    for i in items {
        for v in i["data"].as_object().expect("data").values() {
            listed_values.insert(v.as_str().unwrap_or(""));
        }
    }
    assert_eq!(listed_values, f::SECRET_VALUES.iter().copied().collect());
    let gets = &reads[1..];
    let got: Vec<&str> = gets.iter().map(|e| s(e, &["objectRef", "name"])).collect();
    assert_eq!(got, f::SECRETS_READ);
    for e in gets {
        assert_eq!(s(e, &["userAgent"]), f::CURL_AGENT);
        assert!(between(
            s(e, &["requestReceivedTimestamp"]),
            f::SECRETS_READ_FROM,
            f::SECRETS_READ_TO
        ));
        assert_eq!(s(e, &["responseObject", "kind"]), "Secret");
        assert!(
            !e["responseObject"]["data"]
                .as_object()
                .expect("data")
                .is_empty()
        );
    }
}

#[test]
fn secret_values_only_after_the_policy_change() {
    let (lines, events, _) = default_log();
    let values: Vec<&str> = f::all_secret_values().collect();
    let story: BTreeSet<&str> = super::secrets::in_ns(f::TARGET_NAMESPACE)
        .flat_map(|s| s.data.iter().map(|d| d.1))
        .collect();
    assert_eq!(
        story,
        f::SECRET_VALUES.iter().copied().collect(),
        "facts match the catalog"
    );
    let mut seen = BTreeMap::new();
    for (line, e) in lines.iter().zip(events) {
        // Secret values only ever sit in a `data` map (or an annotation quoting one).
        let candidates: &[&str] = if line.contains("\"data\":") {
            &values
        } else {
            &[]
        };
        for v in candidates {
            if line.contains(v) {
                *seen.entry(*v).or_insert(0) += 1;
                assert!(
                    s(e, &["requestReceivedTimestamp"]) >= f::POLICY_CHANGE.trim_end_matches('Z'),
                    "value before 09:30: {line}"
                );
                assert_eq!(s(e, &["level"]), "RequestResponse");
            }
        }
        if s(e, &["objectRef", "resource"]) == "secrets" {
            let after =
                s(e, &["requestReceivedTimestamp"]) >= f::POLICY_CHANGE.trim_end_matches('Z');
            assert_eq!(
                s(e, &["level"]) == "RequestResponse",
                after,
                "policy: {line}"
            );
        }
    }
    for v in f::SECRET_VALUES {
        assert!(seen.contains_key(v), "story value never logged: {v}");
    }
    let noise_values = values
        .iter()
        .filter(|v| !story.contains(*v) && seen.contains_key(*v))
        .count();
    assert!(
        noise_values > 5,
        "background reads carry their own values too"
    );
}

#[test]
fn the_shell_and_the_tunnel() {
    let exec: Vec<&Value> = by(f::SUSPECT)
        .filter(|e| s(e, &["requestURI"]) == f::EXEC_URI)
        .collect();
    assert_eq!(exec.len(), 2);
    assert_eq!(s(exec[0], &["auditID"]), s(exec[1], &["auditID"]));
    assert_eq!(
        (s(exec[0], &["stage"]), code(exec[0])),
        ("ResponseStarted", 101)
    );
    assert_eq!(
        (s(exec[1], &["stage"]), code(exec[1])),
        ("ResponseComplete", 101)
    );
    assert!(in_second(s(exec[0], &["stageTimestamp"]), f::EXEC_START));
    assert!(in_second(s(exec[1], &["stageTimestamp"]), f::EXEC_END));
    assert_eq!(s(exec[0], &["objectRef", "name"]), f::EXEC_POD);
    assert!(f::EXEC_URI.contains(&format!("container={}", f::EXEC_CONTAINER)));
    let pf: Vec<&Value> = by(f::SUSPECT)
        .filter(|e| s(e, &["requestURI"]) == f::PORTFORWARD_URI && code(e) == 101)
        .collect();
    assert_eq!(pf.len(), 2);
    assert!(in_second(
        s(pf[0], &["stageTimestamp"]),
        f::PORTFORWARD_START
    ));
    assert!(in_second(s(pf[1], &["stageTimestamp"]), f::PORTFORWARD_END));
    assert_eq!(s(pf[1], &["objectRef", "name"]), f::PORTFORWARD_POD);
    // The raw line writes & the Go way.
    let raw = default_log()
        .0
        .iter()
        .find(|l| l.contains("/exec?command=sh\\u0026command=-c\\u0026command=cat+%2Fvar"))
        .expect("escaped URI");
    assert!(raw.contains("\\u0026container=api\\u0026stdin=true\\u0026stdout=true\\u0026tty=true"));
}

#[test]
fn the_scanner() {
    let unauth: Vec<&Value> = events().iter().filter(|e| code(e) == 401).collect();
    assert_eq!(unauth.len(), f::SCANNER_REQUESTS);
    let ips: BTreeSet<&str> = unauth.iter().map(|e| ip(e)).collect();
    assert_eq!(ips, f::SCANNER_IPS.iter().copied().collect());
    for e in &unauth {
        assert!(between(
            s(e, &["requestReceivedTimestamp"]),
            f::SCANNER_FROM,
            f::SCANNER_TO
        ));
        assert!(f::SCANNER_AGENTS.contains(&s(e, &["userAgent"])));
        assert_eq!(
            s(e, &["responseStatus", "message"]),
            "Authentication failed, attempted: bearer"
        );
    }
    assert!(
        unauth
            .iter()
            .any(|e| s(e, &["requestURI"]) == "/api/v1/secrets"
                && s(e, &["objectRef", "resource"]) == "secrets")
    );
}

#[test]
fn benign_look_alikes() {
    let people = |u: &str| f::BENIGN_FORBIDDEN_USERS.contains(&u);
    let denied: Vec<&Value> = events()
        .iter()
        .filter(|e| code(e) == 403 && user(e) != f::SUSPECT)
        .collect();
    assert_eq!(denied.len(), f::BENIGN_FORBIDDEN_REQUESTS);
    assert!(
        denied
            .iter()
            .all(|e| people(user(e)) && s(e, &["objectRef", "resource"]) != "secrets")
    );
    let execs: Vec<&Value> = events()
        .iter()
        .filter(|e| {
            sub(e) == "exec" && user(e) != f::SUSPECT && s(e, &["stage"]) == "ResponseStarted"
        })
        .collect();
    assert_eq!(execs.len(), f::BENIGN_EXECS);
    for e in &execs {
        assert!(f::BENIGN_EXEC_USERS.contains(&user(e)));
        assert!(!s(e, &["requestURI"]).contains("tty=true"));
        assert_ne!(s(e, &["objectRef", "namespace"]), f::TARGET_NAMESPACE);
    }
    let imp: Vec<&Value> = events()
        .iter()
        .filter(|e| e.get("impersonatedUser").is_some())
        .collect();
    assert_eq!(imp.len(), f::IMPERSONATED_REQUESTS);
    assert!(imp.iter().all(|e| user(e) == f::IMPERSONATOR
        && s(e, &["impersonatedUser", "username"]) == f::IMPERSONATED));
    assert!(
        imp.iter()
            .all(|e| matches!(s(e, &["verb"]), "get" | "list"))
    );
    let humans_on_secrets: BTreeSet<&str> = events()
        .iter()
        .filter(|e| {
            s(e, &["objectRef", "resource"]) == "secrets" && user(e).ends_with("@corp.example")
        })
        .map(user)
        .collect();
    assert_eq!(
        humans_on_secrets,
        [f::SUSPECT, f::BENIGN_SECRET_READER].into_iter().collect()
    );
}

#[test]
fn background_rules() {
    for e in events() {
        let u = user(e);
        let scripted = u == f::SUSPECT
            || u.is_empty()
            || f::BENIGN_FORBIDDEN_USERS.contains(&u)
            || f::BENIGN_EXEC_USERS.contains(&u);
        if !scripted {
            assert!(code(e) != 401 && code(e) != 403, "noise has no denials");
            assert!(
                !matches!(sub(e), "exec" | "attach" | "portforward"),
                "noise has no exec"
            );
        }
        // In-cluster service accounts keep to their own namespace's secrets.
        if let Some(rest) = u.strip_prefix("system:serviceaccount:") {
            let own = rest.split(':').next().unwrap_or("");
            if own != "kube-system" && s(e, &["objectRef", "resource"]) == "secrets" {
                assert_eq!(s(e, &["objectRef", "namespace"]), own, "{u}");
            }
        }
        if u == "system:anonymous" {
            assert_eq!(code(e), 200);
            assert!(f::LB_IPS.contains(&ip(e)));
        }
    }
}

#[test]
fn the_story_does_not_depend_on_the_size() {
    let story = |out: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(out)
            .lines()
            .filter(|l| l.contains(f::SUSPECT) || l.contains("\"user\":{}"))
            .map(str::to_string)
            .collect()
    };
    let (small, _) = write(MIN_EVENTS, 1);
    let big = default_log().0.join("\n");
    assert_eq!(story(&small), story(big.as_bytes()));
}

#[test]
fn long_running_requests_write_two_stages() {
    let secs = |t: &str| -> f64 {
        let h: f64 = t[11..13].parse().unwrap_or(0.0);
        let m: f64 = t[14..16].parse().unwrap_or(0.0);
        let s: f64 = t[17..26].parse().unwrap_or(0.0);
        h * 3600.0 + m * 60.0 + s
    };
    let mut started: BTreeMap<&str, &Value> = BTreeMap::new();
    let mut watches = 0;
    for e in events() {
        let id = s(e, &["auditID"]);
        match s(e, &["stage"]) {
            "ResponseStarted" => {
                assert!(
                    started.insert(id, e).is_none(),
                    "one ResponseStarted per request"
                );
            }
            _ => {
                if let Some(st) = started.get(id) {
                    assert_eq!(s(st, &["requestURI"]), s(e, &["requestURI"]));
                    if s(e, &["verb"]) == "watch" {
                        let d = secs(s(e, &["stageTimestamp"])) - secs(s(st, &["stageTimestamp"]));
                        assert!((300.0..=602.0).contains(&d), "watch of {d} s");
                        watches += 1;
                    }
                } else {
                    let v = s(e, &["verb"]);
                    assert!(
                        v != "watch" && !matches!(sub(e), "exec" | "attach" | "portforward"),
                        "completion without start"
                    );
                }
            }
        }
    }
    assert!(watches > 100);
}
