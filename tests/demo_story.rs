//! Every fact of docs/demo.md, found with the command the doc gives for it,
//! and the demo's secret values hidden by default.

mod common;
use common::kaudit;
use kaudit::demo::facts;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn demo() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| common::demo_log(kaudit::demo::DemoOptions::default().events))
        .1
}

fn run(args: &[&str]) -> String {
    let out = kaudit().args(args).arg(demo()).output().expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

fn events(filter: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["events", "--format", "jsonl", "--filter", filter];
    args.extend_from_slice(extra);
    run(&args)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&run(&a)).expect("json")
}

/// (user, requests, denied) rows of `users --format json`.
fn users(filter: &str) -> Vec<(String, u64, u64)> {
    json(&["users", "--filter", filter])["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| {
            (
                u["user"].as_str().unwrap_or("").to_string(),
                u["requests"].as_u64().unwrap_or(0),
                u["denied"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn times(ev: &[Value]) -> (String, String) {
    let t = |v: &Value| v["stageTimestamp"].as_str().unwrap_or("")[11..19].to_string();
    (t(&ev[0]), t(&ev[ev.len() - 1]))
}

#[test]
fn overview() {
    let s = json(&["summary"]);
    assert_eq!(s["events"], 60_000);
    assert_eq!(
        s["denied_requests"], 68,
        "24 by the suspect, 4 by developers, 40 by the scanner"
    );
    assert_eq!(s["exec_requests"], 7);
    assert_eq!(
        s["findings"]["total"],
        s["findings"]["secrets"].as_u64().unwrap_or(0)
            + s["findings"]["denied"].as_u64().unwrap_or(0)
            + s["findings"]["exec"].as_u64().unwrap_or(0)
            + s["findings"]["access"].as_u64().unwrap_or(0)
    );
    assert_eq!(s["codes"]["401"], 40);
    assert!(
        s["first"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-11-21T06:00"))
    );
    assert!(
        s["last"]
            .as_str()
            .is_some_and(|t| ("2026-11-21T12:00".."2026-11-21T12:30").contains(&t))
    );
}

#[test]
fn who_was_denied() {
    let rows = users("@denied @humans");
    assert_eq!(rows[0], (facts::SUSPECT.to_string(), 24, 24));
    assert_eq!(rows.len(), 4);
    assert_eq!(rows.iter().skip(1).map(|r| r.1).sum::<u64>(), 4);
    let denied = events(&format!("user:{} code:403", facts::SUSPECT), &[]);
    assert_eq!(
        denied.len(),
        26,
        "24 requests, exec and port-forward write two lines"
    );
    assert_eq!(times(&denied), ("09:12:10".into(), "09:14:40".into()));
    assert!(
        denied
            .iter()
            .all(|e| e["sourceIPs"][0] == facts::ATTACKER_IP)
    );
    let all_ns = events("@secrets ns:\"\" verb:list code:403", &[]);
    assert_eq!(all_ns.len(), 1);
    assert_eq!(all_ns[0]["requestURI"], "/api/v1/secrets?limit=500");
    assert_eq!(times(&all_ns).0, "09:13:02");
}

#[test]
fn is_it_really_jordan() {
    let j = json(&["users", "--filter", &format!("ip:{}", facts::ATTACKER_IP)]);
    let u = &j["users"].as_array().expect("users")[..];
    assert_eq!(u.len(), 1);
    assert_eq!(
        (
            u[0]["user"].as_str(),
            u[0]["requests"].as_u64(),
            u[0]["denied"].as_u64()
        ),
        (Some(facts::SUSPECT), Some(33), Some(24))
    );
    assert!(
        u[0]["first"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-11-21T09:12:04"))
    );
    assert!(
        u[0]["last"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-11-21T10:41:05")),
        "the tunnel closes at 10:41:05"
    );
    let home = events(&format!("user:{} ip:10.8.14.27", facts::SUSPECT), &[]);
    assert_eq!(home.len(), 18);
    assert!(home.iter().all(|e| {
        e["responseStatus"]["code"]
            .as_u64()
            .is_some_and(|c| c < 300)
    }));
    let namespaced: Vec<_> = home.iter().filter(|e| e["objectRef"].is_object()).collect();
    assert_eq!(namespaced.len(), 16, "the other two are API discovery");
    assert!(
        namespaced
            .iter()
            .all(|e| e["objectRef"]["namespace"] == "checkout")
    );
    let burst = events(
        &format!("user:{}", facts::SUSPECT),
        &[
            "--from",
            "2026-11-21T09:12:00Z",
            "--to",
            "2026-11-21T09:15:00Z",
        ],
    );
    assert_eq!(burst.len(), 27);
    assert_eq!(burst[0]["objectRef"]["resource"], "selfsubjectrulesreviews");
}

#[test]
fn who_opened_the_door() {
    let rbac = events("@rbac @writes", &[]);
    assert_eq!(rbac.len(), 4);
    let grant = rbac
        .iter()
        .find(|e| e["user"]["username"] == facts::ADMIN)
        .expect("the grant");
    assert_eq!(grant["objectRef"]["name"], facts::ROLEBINDING);
    assert_eq!(grant["objectRef"]["namespace"], facts::TARGET_NAMESPACE);
    assert_eq!(grant["requestObject"]["roleRef"]["name"], "edit");
    assert_eq!(
        grant["requestObject"]["subjects"][0]["name"],
        facts::SUSPECT
    );
    let used = events("reason:*jordan-debug*", &[]);
    assert_eq!(used.len(), 10);
    assert!(used.iter().all(|e| e["sourceIPs"][0] == facts::ATTACKER_IP));
}

#[test]
fn what_was_taken() {
    let taken = events(&format!("@secrets user:{} code:2xx", facts::SUSPECT), &[]);
    assert_eq!(taken.len(), 6);
    assert_eq!(times(&taken).0, "09:44:10");
    assert_eq!(
        taken[0]["responseObject"]["items"].as_array().map(Vec::len),
        Some(6),
        "the list returned every secret"
    );
    let read: Vec<&str> = taken[1..]
        .iter()
        .filter_map(|e| e["objectRef"]["name"].as_str())
        .collect();
    assert_eq!(read, facts::SECRETS_READ);
    let objects = json(&[
        "objects",
        "--filter",
        &format!("@secrets ns:payments-prod user:{}", facts::SUSPECT),
    ]);
    let objects = objects["objects"].as_array().expect("objects");
    assert_eq!(objects.len(), 6);
    assert_eq!(
        (objects[0]["name"].clone(), objects[0]["requests"].clone()),
        (Value::Null, Value::from(2))
    );
    assert_eq!(
        users("@secrets @humans"),
        [
            (facts::SUSPECT.to_string(), 12, 6),
            ("sofia.rossi@corp.example".to_string(), 1, 0)
        ]
    );
    assert_eq!(events("agent:curl/*", &[]).len(), 5);
}

#[test]
fn shell_and_tunnel() {
    let ex = events(&format!("@exec user:{}", facts::SUSPECT), &[]);
    assert_eq!(ex.len(), 8);
    let exec = ex
        .iter()
        .filter(|e| e["objectRef"]["name"] == facts::EXEC_POD && e["responseStatus"]["code"] == 101)
        .count();
    let pf = ex
        .iter()
        .filter(|e| {
            e["objectRef"]["name"] == facts::PORTFORWARD_POD && e["responseStatus"]["code"] == 101
        })
        .count();
    assert_eq!((exec, pf), (2, 2), "opened and closed");
    assert_eq!(
        events(&format!("@exec -user:{}", facts::SUSPECT), &[]).len(),
        6
    );
}

#[test]
fn ruling_out_the_rest() {
    let scan = events("code:401", &[]);
    assert_eq!(scan.len(), 40);
    assert!(times(&scan).0.as_str() >= "10:20:00");
    assert!(
        scan.iter()
            .all(|e| facts::SCANNER_IPS.contains(&e["sourceIPs"][0].as_str().unwrap_or("")))
    );
    assert!(events("@anonymous -code:200", &[]).is_empty());
    assert_eq!(events("@impersonated", &[]).len(), 4);
    assert!(
        events(
            "@secrets level:RequestResponse",
            &["--to", "2026-11-21T09:30:00Z"]
        )
        .is_empty()
    );
}

#[test]
fn secret_values_are_redacted_by_default() {
    let redacted = run(&["events", "--format", "jsonl"]);
    let raw = run(&["events", "--format", "jsonl", "--no-redact"]);
    let mut present = 0;
    for v in facts::all_secret_values() {
        assert!(!redacted.contains(v), "{v} leaked");
        present += usize::from(raw.contains(v));
    }
    assert!(
        present > 0 && present == facts::all_secret_values().count(),
        "every value is in the log: {present}"
    );
    assert!(redacted.contains("\"<redacted>\""));
    // Redaction is the only change: the other lines are identical.
    let input = std::fs::read_to_string(demo()).expect("read");
    assert_eq!(
        raw, input,
        "--no-redact gives the input back, in time order"
    );
    let changed = redacted
        .lines()
        .zip(input.lines())
        .filter(|(a, b)| a != b)
        .count();
    assert!(changed > 300, "{changed}");
}
