//! The engine against real audit files: every filter of the engine issue
//! selects exactly the events an independent reading of SPEC §2/§3 selects,
//! in time order, and `users` counts requests exactly.

mod common;
use common::*;
use serde_json::Value;
use std::path::PathBuf;

fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let native = fixtures().join("corpus/native");
    for dir in [
        native.clone(),
        native.join("falco-trace-files"),
        fixtures().join("corpus/apiserver"),
    ] {
        for e in std::fs::read_dir(&dir).expect("corpus dir") {
            let p = e.expect("entry").path();
            if p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 36, "corpus present: {}", files.len());
    files
}

/// (auditID, stage, time) of each JSON line the binary printed.
fn keys_of_lines(out: &str) -> Vec<(String, String, i64)> {
    out.lines()
        .map(|l| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
            (
                s(&v, &["auditID"]).to_string(),
                s(&v, &["stage"]).to_string(),
                time(&v),
            )
        })
        .collect()
}

fn check_file(path: &PathBuf) {
    let all = oracle_events(path);
    for (filter, pred) in filters() {
        let expected: Vec<_> = in_time_order(all.iter().filter(|e| pred(&e.v)).cloned().collect());
        let out = kaudit()
            .args([
                "events",
                "--format",
                "jsonl",
                "--no-redact",
                "--filter",
                filter,
            ])
            .arg(path)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}: {filter}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).expect("utf8");
        let want: Vec<_> = expected
            .iter()
            .map(|e| {
                (
                    s(&e.v, &["auditID"]).to_string(),
                    s(&e.v, &["stage"]).to_string(),
                    time(&e.v),
                )
            })
            .collect();
        assert_eq!(keys_of_lines(&stdout), want, "{}: {filter}", path.display());
        // Without redaction, each line is the input's own text.
        let lines: Vec<&str> = stdout.lines().collect();
        let texts: Vec<&str> = expected.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            lines,
            texts,
            "{}: {filter}: lines are the input bytes",
            path.display()
        );
    }
    // users --format json counts requests exactly (all events, then humans only).
    for (filter, pred) in [
        ("", (|_: &Value| true) as fn(&Value) -> bool),
        ("@humans", filters()[3].1),
    ] {
        let matching: Vec<&OEvent> = all.iter().filter(|e| pred(&e.v)).collect();
        // Requests are described by all their events, so the oracle gets every
        // event of a matching request.
        let ids: std::collections::BTreeSet<&str> =
            matching.iter().map(|e| s(&e.v, &["auditID"])).collect();
        let of_matching: Vec<&OEvent> = all
            .iter()
            .filter(|e| ids.contains(s(&e.v, &["auditID"])))
            .collect();
        let want = oracle_users(&of_matching);
        let mut cmd = kaudit();
        cmd.args(["users", "--format", "json"]).arg(path);
        if !filter.is_empty() {
            cmd.args(["--filter", filter]);
        }
        let out = cmd.output().expect("run");
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let got: std::collections::BTreeMap<String, (u64, u64)> = v["users"]
            .as_array()
            .expect("users")
            .iter()
            .map(|u| {
                (
                    u["user"].as_str().unwrap_or("").to_string(),
                    (
                        u["requests"].as_u64().expect("n"),
                        u["denied"].as_u64().expect("n"),
                    ),
                )
            })
            .collect();
        assert_eq!(got, want, "{}: users {filter}", path.display());
        let counts: Vec<u64> = v["users"]
            .as_array()
            .expect("users")
            .iter()
            .map(|u| u["requests"].as_u64().expect("n"))
            .collect();
        assert!(
            counts.windows(2).all(|w| w[0] >= w[1]),
            "sorted by requests"
        );
    }
}

#[test]
fn every_corpus_file_every_filter() {
    for f in corpus_files() {
        check_file(&f);
    }
}

#[test]
fn demo_output_every_filter() {
    let (_dir, path) = demo_log(20_000);
    check_file(&path);
}

#[test]
fn gen_audit_output_every_filter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gen.log");
    let status = std::process::Command::new("python3")
        .arg(fixtures().join("gen-audit"))
        .args(["--events", "20000", "--seed", "7", "-o"])
        .arg(&path)
        .status()
        .expect("python3 runs gen-audit");
    assert!(status.success());
    check_file(&path);
}
