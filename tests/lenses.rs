//! The investigations on real logs: `secrets`, `denied` and `exec --format
//! json` agree with an independent reading of SPEC §3 and §5 on every corpus
//! file, demo and gen-audit output; the demo's facts are found by the lens
//! they belong to; and no rule fires on routine traffic.

mod common;
use common::*;
use kaudit::demo::facts;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn json_of(cmd: &str, path: &Path) -> Value {
    let out = kaudit()
        .args([cmd, "--format", "json"])
        .arg(path)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{cmd} {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Requests as the oracle sees them: every event of an auditID, described by
/// its most complete stage (ResponseComplete/Panic > ResponseStarted > RequestReceived).
struct Req {
    best: Value,
    stages: Vec<Value>,
}

fn requests(path: &Path) -> BTreeMap<String, Req> {
    let rank = |v: &Value| match s(v, &["stage"]) {
        "RequestReceived" => 1,
        "ResponseStarted" => 2,
        "ResponseComplete" | "Panic" => 3,
        _ => 0,
    };
    let mut out: BTreeMap<String, Req> = BTreeMap::new();
    for e in in_time_order(oracle_events(path)) {
        let id = s(&e.v, &["auditID"]).to_string();
        match out.get_mut(&id) {
            Some(r) => {
                if rank(&e.v) >= rank(&r.best) {
                    r.best = e.v.clone();
                }
                r.stages.push(e.v);
            }
            None => {
                out.insert(
                    id,
                    Req {
                        best: e.v.clone(),
                        stages: vec![e.v],
                    },
                );
            }
        }
    }
    out
}

/// The request's code from its most complete stage that has one.
fn req_code(r: &Req) -> Option<i64> {
    let rank = |v: &Value| match s(v, &["stage"]) {
        "RequestReceived" => 1,
        "ResponseStarted" => 2,
        "ResponseComplete" | "Panic" => 3,
        _ => 0,
    };
    r.stages
        .iter()
        .filter(|v| code(v).is_some())
        .max_by_key(|v| rank(v))
        .and_then(code)
}

fn check_secrets(path: &Path, reqs: &BTreeMap<String, Req>) {
    let got = json_of("secrets", path);
    // Per user: reads, writes, denied, cross-namespace list.
    let mut want: BTreeMap<String, (u64, u64, u64, bool)> = BTreeMap::new();
    let mut per_secret: BTreeMap<(Option<String>, Option<String>), u64> = BTreeMap::new();
    for r in reqs
        .values()
        .filter(|r| s(&r.best, &["objectRef", "resource"]) == "secrets")
    {
        let verb = s(&r.best, &["verb"]);
        let u = want
            .entry(s(&r.best, &["user", "username"]).to_string())
            .or_default();
        u.0 += u64::from(matches!(verb, "get" | "list" | "watch"));
        u.1 += u64::from(matches!(
            verb,
            "create" | "update" | "patch" | "delete" | "deletecollection"
        ));
        u.2 += u64::from(matches!(req_code(r), Some(401 | 403)));
        let ns = s(&r.best, &["objectRef", "namespace"]);
        u.3 |= matches!(verb, "list" | "watch") && ns.is_empty();
        let name = if matches!(verb, "list" | "watch" | "deletecollection") {
            ""
        } else {
            s(&r.best, &["objectRef", "name"])
        };
        let opt = |x: &str| (!x.is_empty()).then(|| x.to_string());
        *per_secret.entry((opt(ns), opt(name))).or_default() += 1;
    }
    let got_users: BTreeMap<String, (u64, u64, u64, bool)> = got["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| {
            let n = |k: &str| u[k].as_u64().expect(k);
            (
                u["user"].as_str().unwrap_or("").to_string(),
                (
                    n("reads"),
                    n("writes"),
                    n("denied"),
                    u["cross_namespace_list"].as_bool().expect("bool"),
                ),
            )
        })
        .collect();
    assert_eq!(got_users, want, "{}: secrets users", path.display());
    let order: Vec<u64> = got["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| u["reads"].as_u64().unwrap_or(0) + u["writes"].as_u64().unwrap_or(0))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] >= w[1]),
        "users by reads + writes"
    );
    let got_secrets: BTreeMap<(Option<String>, Option<String>), u64> = got["secrets"]
        .as_array()
        .expect("secrets")
        .iter()
        .map(|e| {
            assert_eq!(
                e["accesses"].as_array().map(Vec::len),
                e["requests"].as_u64().map(|n| n as usize),
                "one access per request"
            );
            let o = |k: &str| e[k].as_str().map(String::from);
            (
                (o("namespace"), o("name")),
                e["requests"].as_u64().expect("n"),
            )
        })
        .collect();
    assert_eq!(
        got_secrets,
        per_secret,
        "{}: secrets per (namespace, name)",
        path.display()
    );
}

fn check_denied(path: &Path, reqs: &BTreeMap<String, Req>) {
    let got = json_of("denied", path);
    let mut users: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut unauth: BTreeMap<(String, String), u64> = BTreeMap::new();
    for r in reqs.values() {
        let Some(c @ (401 | 403)) = req_code(r) else {
            continue;
        };
        let user = s(&r.best, &["user", "username"]);
        if user.is_empty() {
            let ip = r.best["sourceIPs"][0].as_str().unwrap_or("").to_string();
            *unauth
                .entry((ip, s(&r.best, &["userAgent"]).to_string()))
                .or_default() += 1;
        } else {
            *users
                .entry(user.to_string())
                .or_default()
                .entry(c.to_string())
                .or_default() += 1;
        }
    }
    let got_users: BTreeMap<String, BTreeMap<String, u64>> = got["by_user"]
        .as_array()
        .expect("by_user")
        .iter()
        .map(|u| {
            let codes: BTreeMap<String, u64> = u["codes"]
                .as_object()
                .expect("codes")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect();
            assert_eq!(
                codes.values().sum::<u64>(),
                u["requests"].as_u64().unwrap_or(0)
            );
            let in_attempts: u64 = u["attempts"]
                .as_array()
                .expect("attempts")
                .iter()
                .map(|a| a["requests"].as_u64().unwrap_or(0))
                .sum();
            assert_eq!(
                in_attempts,
                u["requests"].as_u64().unwrap_or(0),
                "every refusal is in one attempt"
            );
            (u["user"].as_str().unwrap_or("").to_string(), codes)
        })
        .collect();
    assert_eq!(got_users, users, "{}: denied by_user", path.display());
    let got_un: BTreeMap<(String, String), u64> = got["unauthenticated"]
        .as_array()
        .expect("unauthenticated")
        .iter()
        .map(|e| {
            (
                (
                    e["source_ip"].as_str().unwrap_or("").into(),
                    e["user_agent"].as_str().unwrap_or("").into(),
                ),
                e["requests"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(got_un, unauth, "{}: unauthenticated", path.display());
}

/// `command=` arguments of a request URI, decoded as Go's url.ParseQuery does.
fn commands(uri: &str) -> Vec<String> {
    let q = uri.split_once('?').map_or("", |(_, q)| q);
    q.split('&')
        .filter_map(|kv| kv.strip_prefix("command="))
        .map(|v| {
            let bytes = v.replace('+', " ").into_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%' && i + 2 < bytes.len() {
                    if let Ok(b) = u8::from_str_radix(
                        std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                        16,
                    ) {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                }
                out.push(bytes[i]);
                i += 1;
            }
            String::from_utf8_lossy(&out).into_owned()
        })
        .collect()
}

/// The last value of a query parameter, decoded ("" when absent).
fn param(uri: &str, key: &str) -> String {
    let q = uri.split_once('?').map_or("", |(_, q)| q);
    q.split('&')
        .rev()
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .map(|v| {
            let wrapped = format!("command={v}");
            commands(&format!("?{wrapped}")).pop().unwrap_or_default()
        })
        .unwrap_or_default()
}

fn check_exec(path: &Path, reqs: &BTreeMap<String, Req>) {
    let got = json_of("exec", path);
    type Session = (Vec<String>, String, String, Option<String>);
    let mut want: BTreeMap<String, Session> = BTreeMap::new();
    for (id, r) in reqs {
        let sub = s(&r.best, &["objectRef", "subresource"]);
        let verb = s(&r.best, &["verb"]);
        let session = matches!(sub, "exec" | "attach" | "portforward")
            || (sub == "ephemeralcontainers" && matches!(verb, "update" | "patch"));
        if s(&r.best, &["objectRef", "resource"]) != "pods" || !session {
            continue;
        }
        let complete = r
            .stages
            .iter()
            .find(|v| matches!(s(v, &["stage"]), "ResponseComplete" | "Panic"));
        let outcome = match (req_code(r), complete) {
            (Some(401 | 403), _) => "denied",
            (_, None) => "open",
            (Some(c), _) if c == 101 || (200..300).contains(&c) => "allowed",
            _ => "failed",
        };
        let uri = s(&r.best, &["requestURI"]);
        let cmd = if sub == "exec" {
            commands(uri)
        } else {
            Vec::new()
        };
        let container = if sub == "ephemeralcontainers" {
            String::new()
        } else {
            param(uri, "container")
        };
        let end = complete.map(|v| s(v, &["stageTimestamp"]).to_string());
        want.insert(id.clone(), (cmd, container, outcome.into(), end));
    }
    let sessions = got["sessions"].as_array().expect("sessions");
    let starts: Vec<&str> = sessions
        .iter()
        .filter_map(|x| x["start"].as_str())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "sessions by start");
    let got_map: BTreeMap<String, Session> = sessions
        .iter()
        .map(|x| {
            let cmd: Vec<String> = x["command"]
                .as_array()
                .expect("command")
                .iter()
                .filter_map(|c| c.as_str().map(String::from))
                .collect();
            let cmd = if x["subresource"] == "exec" {
                cmd
            } else {
                Vec::new()
            };
            // Compare ends to the second: kaudit writes microseconds, logs may carry fewer digits.
            let end = x["end"].as_str().map(|e| e[..19].to_string());
            let container = if x["subresource"] == "ephemeralcontainers" {
                String::new()
            } else {
                x["container"].as_str().unwrap_or("").to_string()
            };
            (
                x["auditID"].as_str().unwrap_or("").to_string(),
                (
                    cmd,
                    container,
                    x["outcome"].as_str().unwrap_or("").to_string(),
                    end,
                ),
            )
        })
        .collect();
    let want: BTreeMap<_, _> = want
        .into_iter()
        .map(|(k, (c, n, o, e))| (k, (c, n, o, e.map(|e| e[..19].to_string()))))
        .collect();
    assert_eq!(got_map, want, "{}: exec sessions", path.display());
}

fn check(path: &Path) {
    let reqs = requests(path);
    check_secrets(path, &reqs);
    check_denied(path, &reqs);
    check_exec(path, &reqs);
}

#[test]
fn lenses_agree_with_the_oracle_on_the_corpus() {
    let native = fixtures().join("corpus/native");
    for dir in [
        native.clone(),
        native.join("falco-trace-files"),
        fixtures().join("corpus/apiserver"),
    ] {
        for e in std::fs::read_dir(&dir).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_file() {
                check(&p);
            }
        }
    }
}

fn demo() -> &'static Path {
    static D: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &D.get_or_init(|| demo_log(kaudit::demo::DemoOptions::default().events))
        .1
}

fn gen_audit() -> &'static Path {
    static G: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &G.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("gen.log");
        let ok = std::process::Command::new("python3")
            .arg(fixtures().join("gen-audit"))
            .args(["--events", "30000", "--seed", "11", "-o"])
            .arg(&path)
            .status()
            .expect("python3");
        assert!(ok.success());
        (dir, path)
    })
    .1
}

#[test]
fn lenses_agree_with_the_oracle_on_demo_and_gen_audit() {
    check(demo());
    check(gen_audit());
}

#[test]
fn json_shapes_are_the_spec_s() {
    let sec = json_of("secrets", demo());
    assert_eq!(keys(&sec), set(&["secrets", "users"]));
    let entry = &sec["secrets"][0];
    assert!(keys(entry).is_superset(&set(&["namespace", "name", "requests", "accesses"])));
    assert!(
        keys(&entry["accesses"][0]).is_superset(&set(&["user", "verb", "code", "time", "auditID"]))
    );
    assert!(keys(&sec["users"][0]).is_superset(&set(&[
        "user",
        "reads",
        "writes",
        "denied",
        "cross_namespace_list"
    ])));
    let den = json_of("denied", demo());
    assert_eq!(keys(&den), set(&["by_user", "unauthenticated"]));
    assert!(keys(&den["by_user"][0]).is_superset(&set(&[
        "user", "requests", "codes", "first", "last", "attempts"
    ])));
    assert!(keys(&den["by_user"][0]["attempts"][0]).is_superset(&set(&[
        "verb",
        "resource",
        "subresource",
        "namespace",
        "name",
        "code",
        "reason",
        "requests"
    ])));
    assert!(keys(&den["unauthenticated"][0]).is_superset(&set(&[
        "source_ip",
        "user_agent",
        "requests",
        "first",
        "last"
    ])));
    let ex = json_of("exec", demo());
    assert!(keys(&ex["sessions"][0]).is_superset(&set(&[
        "auditID",
        "user",
        "as",
        "subresource",
        "namespace",
        "pod",
        "container",
        "command",
        "tty",
        "stdin",
        "start",
        "end",
        "duration_s",
        "code",
        "outcome",
        "source_ips",
    ])));
    let sum = json_of("summary", demo());
    assert!(keys(&sum["findings"]).is_superset(&set(&["secrets", "denied", "exec"])));
    let t = sec["secrets"][0]["accesses"][0]["time"]
        .as_str()
        .expect("time");
    assert!(
        t.len() == 27 && t.ends_with('Z'),
        "RFC 3339 with microseconds: {t}"
    );
}

#[test]
fn the_demo_s_facts_are_found_by_their_lens() {
    // Secrets: what Jordan's account read, and that the list exposed all six.
    let sec = json_of("secrets", demo());
    let jordan = sec["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["user"] == facts::SUSPECT)
        .expect("jordan");
    assert_eq!(
        (
            jordan["reads"].as_u64(),
            jordan["denied"].as_u64(),
            jordan["cross_namespace_list"].as_bool()
        ),
        (Some(12), Some(6), Some(true))
    );
    let accesses: Vec<&Value> = sec["secrets"]
        .as_array()
        .expect("s")
        .iter()
        .flat_map(|e| e["accesses"].as_array().expect("a"))
        .filter(|a| a["user"] == facts::SUSPECT)
        .collect();
    let list = accesses
        .iter()
        .find(|a| a["verb"] == "list" && a["code"] == 200)
        .expect("the allowed list");
    let mut listed: Vec<&str> = facts::SECRETS_LISTED.to_vec();
    listed.sort();
    assert_eq!(
        list["exposed"],
        serde_json::json!(listed),
        "the list exposed every secret of the namespace"
    );
    assert!(list["values"].as_bool().unwrap_or(false));
    for name in facts::SECRETS_READ {
        let e = sec["secrets"]
            .as_array()
            .expect("s")
            .iter()
            .find(|e| e["name"] == *name && e["namespace"] == facts::TARGET_NAMESPACE)
            .expect(name);
        assert!(
            e["accesses"]
                .as_array()
                .expect("a")
                .iter()
                .any(|a| a["user"] == facts::SUSPECT
                    && a["user_agent"] == facts::CURL_AGENT
                    && a["code"] == 200)
        );
    }
    // Denied: the burst, and the scanner by source.
    let den = json_of("denied", demo());
    let by_user = den["by_user"].as_array().expect("by_user");
    assert_eq!(
        (by_user[0]["user"].as_str(), by_user[0]["requests"].as_u64()),
        (Some(facts::SUSPECT), Some(facts::FORBIDDEN_REQUESTS as u64))
    );
    assert_eq!(
        by_user[0]["codes"]["403"].as_u64(),
        Some(facts::FORBIDDEN_REQUESTS as u64)
    );
    let scanner: u64 = den["unauthenticated"]
        .as_array()
        .expect("u")
        .iter()
        .filter(|e| facts::SCANNER_IPS.contains(&e["source_ip"].as_str().unwrap_or("")))
        .map(|e| e["requests"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(scanner, facts::SCANNER_REQUESTS as u64);
    let sources: Vec<(String, String, u64)> = den["unauthenticated"]
        .as_array()
        .expect("u")
        .iter()
        .map(|e| {
            (
                e["source_ip"].as_str().unwrap_or("").into(),
                e["user_agent"].as_str().unwrap_or("").into(),
                e["requests"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let want = [
        ("185.220.101.47", "python-requests/2.28.1", 18),
        ("45.155.205.11", "Mozilla/5.0 zgrab/0.x", 15),
        ("45.155.205.11", "Go-http-client/1.1", 7),
    ];
    assert_eq!(
        sources,
        want.map(|(a, b, n)| (a.to_string(), b.to_string(), n)),
        "docs/demo.md, step 2"
    );
    // Exec: the shell and the tunnel, opened and closed.
    let ex = json_of("exec", demo());
    let sessions = ex["sessions"].as_array().expect("sessions");
    let shell = sessions
        .iter()
        .find(|x| x["pod"] == facts::EXEC_POD && x["outcome"] == "allowed")
        .expect("exec");
    assert_eq!(shell["command"], serde_json::json!(facts::EXEC_COMMAND));
    assert_eq!(
        (shell["container"].as_str(), shell["tty"].as_bool()),
        (Some(facts::EXEC_CONTAINER), Some(true))
    );
    assert!(
        shell["start"]
            .as_str()
            .is_some_and(|t| t.contains("09:49:12"))
            && shell["end"]
                .as_str()
                .is_some_and(|t| t.contains("09:57:40"))
    );
    let tunnel = sessions
        .iter()
        .find(|x| x["pod"] == facts::PORTFORWARD_POD && x["outcome"] == "allowed")
        .expect("port-forward");
    assert_eq!(
        tunnel["ports"],
        serde_json::json!([facts::PORTFORWARD_PORT.to_string()])
    );
    assert!(
        tunnel["duration_s"]
            .as_f64()
            .is_some_and(|d| (d - 2265.0).abs() < 1.0),
        "{}",
        tunnel["duration_s"]
    );
    assert_eq!(
        sessions
            .iter()
            .filter(|x| x["user"] == facts::SUSPECT && x["outcome"] == "denied")
            .count(),
        2
    );
    // Findings: the story, and nothing else.
    let f = json_of("findings", demo());
    let got: BTreeSet<(String, String)> = f["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|x| {
            (
                x["rule"].as_str().unwrap_or("").into(),
                x["subject"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    let j = facts::SUSPECT;
    let want: BTreeSet<(String, String)> = [
        ("denied-enumeration", j),
        ("denied-then-allowed", j),
        ("secret-list-all-namespaces", j),
        ("secret-read-burst", j),
        ("secret-read-by-script", j),
        ("secret-denied", j),
        ("exec-shell", j),
        ("exec-fetch-exfil", j),
        ("denied-enumeration", "unauthenticated from 45.155.205.11"),
        ("denied-enumeration", "unauthenticated from 185.220.101.47"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    let sum = json_of("summary", demo());
    assert_eq!(sum["findings"]["total"], 10);
    let high = f["findings"]
        .as_array()
        .expect("f")
        .iter()
        .filter(|x| x["severity"] == "high")
        .count();
    assert_eq!(high, 7, "docs/demo.md, step 1");
    let grant = f["findings"]
        .as_array()
        .expect("f")
        .iter()
        .find(|x| x["rule"] == "denied-then-allowed")
        .expect("grant");
    assert!(
        grant["summary"]
            .as_str()
            .is_some_and(|s| s.contains(facts::ROLEBINDING) && s.contains(facts::ADMIN)),
        "{}",
        grant["summary"]
    );
    // The actions in the order they were refused, whatever order the loader's
    // workers interned their names in.
    assert!(
        grant["summary"].as_str().is_some_and(|s| s.starts_with(
            "refused, later allowed: list secrets in payments-prod, get secrets in payments-prod, create pods/exec"
        )),
        "{}",
        grant["summary"]
    );
    assert_eq!(grant["severity"], "high");
}

/// Routine identities: kubelets, the control plane and kube-system's
/// controllers; in-cluster operators are service accounts elsewhere.
fn routine(subject: &str) -> bool {
    subject.starts_with("system:node:")
        || subject.starts_with("system:serviceaccount:kube-system:")
        || matches!(
            subject,
            "system:kube-controller-manager" | "system:kube-scheduler" | "system:apiserver"
        )
}

#[test]
fn no_rule_fires_on_routine_traffic() {
    for path in [demo(), gen_audit()] {
        let f = json_of("findings", path);
        for x in f["findings"].as_array().expect("findings") {
            let subject = x["subject"].as_str().unwrap_or("");
            assert!(!routine(subject), "{}: {x}", path.display());
            // A workload's own traffic never fires; only refusals it really got do, at low severity.
            if subject.starts_with("system:serviceaccount:") {
                assert_eq!(
                    (x["rule"].as_str(), x["severity"].as_str()),
                    (Some("secret-denied"), Some("low")),
                    "{}: {x}",
                    path.display()
                );
            }
        }
    }
}
