//! Shared by the integration tests: running the binary, and an oracle that
//! reads audit files with plain serde_json and applies SPEC rules by hand,
//! independently of the engine.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn kaudit() -> Command {
    let mut c = Command::cargo_bin("kaudit").expect("binary");
    c.env_remove("NO_COLOR").env("COLUMNS", "80");
    c
}

/// `kaudit demo --write` of `events` events into a fresh directory (kept
/// alive by the returned handle).
pub fn demo_log(events: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("demo.log");
    let out = kaudit()
        .args(["demo", "--events", &events.to_string(), "--write"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, path)
}

/// Test inputs kept in the repository (see tests/fixtures/corpus/SOURCES.md).
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One event as the oracle sees it: its value, its text (one line) and its position.
#[derive(Debug, Clone)]
pub struct OEvent {
    pub v: Value,
    pub text: String,
    pub pos: usize,
}

/// Every audit event of a file, in file order: one per line, or (for
/// pretty-printed files) every top-level JSON value.
pub fn oracle_events(path: &Path) -> Vec<OEvent> {
    let text = std::fs::read_to_string(path).expect("read");
    let text = text.trim_start_matches('\u{feff}');
    let mut values: Vec<(Value, String)> = Vec::new();
    let all_lines_json = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .all(|l| serde_json::from_str::<Value>(l).is_ok());
    if all_lines_json {
        for l in text.lines().filter(|l| !l.trim().is_empty()) {
            values.push((serde_json::from_str(l).expect("json"), l.trim().to_string()));
        }
    } else {
        for v in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
            let v = v.expect("json document");
            let compact = serde_json::to_string(&v).expect("json");
            values.push((v, compact));
        }
    }
    values
        .into_iter()
        .filter(|(v, _)| is_event(v))
        .enumerate()
        .map(|(pos, (v, text))| OEvent { v, text, pos })
        .collect()
}

fn is_event(v: &Value) -> bool {
    v.get("auditID").is_some_and(Value::is_string)
        && v.get("verb").is_some_and(Value::is_string)
        && (v.get("stage").is_some()
            || v.get("stageTimestamp").is_some()
            || v.get("timestamp").is_some()
            || v.get("requestReceivedTimestamp").is_some())
}

pub fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(x) => cur = x,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

pub fn code(v: &Value) -> Option<i64> {
    v.get("responseStatus")
        .and_then(|r| r.get("code"))
        .and_then(Value::as_i64)
}

pub fn decision(v: &Value) -> &str {
    v.get("annotations")
        .and_then(|a| a.get("authorization.k8s.io/decision"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The event's time: stageTimestamp, else v1beta1 timestamp, else requestReceivedTimestamp.
pub fn time(v: &Value) -> i64 {
    let t = [
        s(v, &["stageTimestamp"]),
        s(v, &["timestamp"]),
        s(v, &["requestReceivedTimestamp"]),
    ]
    .into_iter()
    .find(|t| !t.is_empty())
    .unwrap_or("");
    let t = if t.contains('T') {
        t.to_string()
    } else {
        t.replacen(' ', "T", 1) + "Z"
    };
    chrono::DateTime::parse_from_rfc3339(&t)
        .map(|d| d.timestamp_nanos_opt().unwrap_or(0))
        .unwrap_or(i64::MIN)
}

/// Events sorted by time, ties in file order.
pub fn in_time_order(mut ev: Vec<OEvent>) -> Vec<OEvent> {
    ev.sort_by_key(|e| (time(&e.v), e.pos));
    ev
}

/// The SPEC §2 filters of the engine issue, as plain predicates.
pub type Pred = fn(&Value) -> bool;

pub fn filters() -> Vec<(&'static str, Pred)> {
    fn human(v: &Value) -> bool {
        let u = s(v, &["user", "username"]);
        !u.is_empty() && !u.starts_with("system:")
    }
    vec![
        ("@secrets", |v| {
            s(v, &["objectRef", "resource"]) == "secrets"
        }),
        ("@denied", |v| {
            matches!(code(v), Some(401 | 403)) || decision(v) == "forbid"
        }),
        ("@exec", |v| {
            matches!(
                s(v, &["objectRef", "subresource"]),
                "exec" | "attach" | "portforward"
            )
        }),
        ("@humans", human),
        ("-user:system:*", |v| {
            !s(v, &["user", "username"]).starts_with("system:")
        }),
        ("code:4xx", |v| {
            code(v).is_some_and(|c| (400..500).contains(&c))
        }),
        ("verb:create,update,patch,delete", |v| {
            matches!(s(v, &["verb"]), "create" | "update" | "patch" | "delete")
        }),
        ("ns:kube-system", |v| {
            s(v, &["objectRef", "namespace"]) == "kube-system"
        }),
        ("resource:pods/exec", |v| {
            s(v, &["objectRef", "resource"]) == "pods"
                && s(v, &["objectRef", "subresource"]) == "exec"
        }),
        ("user:system:serviceaccount:*", |v| {
            s(v, &["user", "username"]).starts_with("system:serviceaccount:")
                && s(v, &["user", "username"]).len() > "system:serviceaccount:".len()
        }),
        ("ns:\"\"", |v| s(v, &["objectRef", "namespace"]).is_empty()),
        ("code:>=400 @humans", |v| {
            code(v).is_some_and(|c| c >= 400) && human(v)
        }),
    ]
}

/// Requests per user (distinct auditIDs among the events), and how many of
/// them were denied (by their most complete stage's code or decision).
pub fn oracle_users(events: &[&OEvent]) -> std::collections::BTreeMap<String, (u64, u64)> {
    use std::collections::BTreeMap;
    let rank = |st: &str| match st {
        "RequestReceived" => 1,
        "ResponseStarted" => 2,
        "ResponseComplete" | "Panic" => 3,
        _ => 0,
    };
    let mut by_req: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for e in events {
        by_req
            .entry(s(&e.v, &["auditID"]).to_string())
            .or_default()
            .push(&e.v);
    }
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    // `events` holds every event of each request: a request is described by
    // all its stages, not only the matching ones.
    for all in by_req.values() {
        let user = s(all[0], &["user", "username"]).to_string();
        let code = all
            .iter()
            .filter(|v| code(v).is_some())
            .max_by_key(|v| rank(s(v, &["stage"])))
            .and_then(|v| code(v));
        let dec = all
            .iter()
            .filter(|v| !decision(v).is_empty())
            .max_by_key(|v| rank(s(v, &["stage"])))
            .map(|v| decision(v))
            .unwrap_or("");
        let denied = matches!(code, Some(401 | 403)) || dec == "forbid";
        let e = out.entry(user).or_default();
        e.0 += 1;
        e.1 += u64::from(denied);
    }
    out
}
