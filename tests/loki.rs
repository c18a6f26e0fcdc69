//! Loki as a source, against a fake Loki that answers like the real one.

mod support;

use std::collections::BTreeMap;
use support::fake_loki::{FakeLoki, Fault};
use support::loki_data::{Data, data, data_with, kaudit, loki_run, sorted_lines, stderr};

#[test]
fn every_event_exactly_once_whatever_the_workers_and_window() {
    let d = data(12_500);
    let mut ties: BTreeMap<i64, usize> = BTreeMap::new();
    for e in &d.entries {
        *ties.entry(e.ts).or_default() += 1;
    }
    let biggest = ties.values().copied().max().unwrap_or(0);
    let shared = ties.values().filter(|&&n| n > 1).count();
    assert!(
        d.entries.len() >= 12_000 && shared > 500 && biggest >= 4,
        "{shared} ties, largest {biggest}"
    );
    let want = {
        let o = kaudit()
            .args(["events", "--format", "jsonl"])
            .arg(&d.file)
            .output()
            .expect("run");
        assert!(o.status.success());
        sorted_lines(&o.stdout)
    };
    assert_eq!(want.len(), d.entries.len());
    let loki = FakeLoki::start(d.entries.clone());
    // (server max, client limit, workers): the window is cut by the limit.
    for (max, limit, workers) in [
        (5000, 5000, 1),
        (5000, 5000, 4),
        (5000, 100, 4),
        (300, 5000, 2),
        (5000, 37, 1),
    ] {
        loki.with(|s| {
            s.max_limit = max;
            s.requests.clear();
        });
        let o = loki_run(
            &d,
            &loki.url,
            &[
                "events",
                "--format",
                "jsonl",
                "--selector",
                r#"{job="kubernetes-audit"}"#,
                "--loki-workers",
                &workers.to_string(),
                "--loki-limit",
                &limit.to_string(),
            ],
        );
        let err = stderr(&o);
        assert!(
            o.status.success(),
            "max {max} limit {limit} workers {workers}: {err}"
        );
        let got = sorted_lines(&o.stdout);
        assert_eq!(
            got.len(),
            want.len(),
            "max {max} limit {limit} workers {workers}: {err}"
        );
        assert!(
            got == want,
            "max {max} limit {limit} workers {workers}: the same lines as the file"
        );
        assert!(err.contains("complete:"), "{err}");
        let requests = loki.with(|s| s.requests.clone());
        let asked = limit.min(max);
        assert!(
            requests.len() >= d.entries.len() / asked,
            "{} requests for {} entries at {asked} each",
            requests.len(),
            d.entries.len()
        );
        // Never more than the server allows, once it has said so.
        let over = requests
            .iter()
            .filter(|r| r["limit"].parse::<usize>().unwrap_or(0) > max)
            .count();
        assert!(over <= workers * 4, "{over} requests above the limit");
        assert!(requests.iter().all(|r| r["direction"] == "forward"));
    }
}

#[test]
fn a_duplicated_entry_is_loaded_once() {
    let d = data(2_000);
    let mut entries = d.entries.clone();
    let mut twin = entries[100].clone();
    twin.labels.insert("pod".into(), "promtail-retry".into());
    entries.push(twin);
    let loki = FakeLoki::start(entries);
    let o = loki_run(
        &d,
        &loki.url,
        &["events", "--format", "jsonl", "--loki-limit", "50"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(sorted_lines(&o.stdout).len(), d.entries.len());
    assert!(
        stderr(&o).contains("1 duplicates dropped"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn filters_give_the_same_answers_as_the_file() {
    // Each pushed down in its own way (index labels, metadata, line
    // filters, `| json`), partly, or not at all.
    same_answers(
        &data(4_000),
        &[
            "@secrets",
            "user:jordan.lee@corp.example",
            "-user:system:*",
            "@denied @humans",
            "jordan",
            "@exec",
            "resource:pods/exec,secrets verb:get,create",
            "code:>=400 -ns:kube-system",
            r#"ns:"" @writes"#,
            "verb:delete,patch -resource:configmaps,leases",
            "uri:*secrets* agent:kubectl*",
            "stage:ResponseComplete code:4xx",
            "@rbac decision:allow",
            "-code:200 @humans -verb:watch",
            "group:system:masters,system:authenticated @impersonated",
        ],
    );
}

#[test]
fn filters_on_codes_keep_the_received_stage() {
    // Codes and decisions differ between the stages of one request; what
    // kaudit shows of a request still comes from all its stages.
    same_answers(
        &data_with(3_000, true),
        &[
            "@denied @humans",
            "code:>=400 -ns:kube-system",
            "@exec code:101",
            "stage:RequestReceived @secrets",
            "@rbac decision:allow",
        ],
    );
}

fn same_answers(d: &Data, filters: &[&str]) {
    let loki = FakeLoki::start(d.entries.clone());
    for &filter in filters {
        let before = loki.with(|s| s.returned);
        for cmd in [
            "events", "summary", "users", "objects", "secrets", "denied", "exec", "findings",
        ] {
            let format = if cmd == "events" { "jsonl" } else { "json" };
            let file = kaudit()
                .args([
                    cmd, "--format", format, "--filter", filter, "--from", &d.from, "--to", &d.to,
                ])
                .arg(&d.file)
                .output()
                .expect("run");
            assert!(file.status.success(), "{}", stderr(&file));
            let remote = loki_run(d, &loki.url, &[cmd, "--format", format, "--filter", filter]);
            assert!(remote.status.success(), "{}", stderr(&remote));
            assert_eq!(
                String::from_utf8_lossy(&file.stdout),
                String::from_utf8_lossy(&remote.stdout),
                "{cmd} --filter {filter}"
            );
        }
        // Loki did the selecting: fewer lines came over the wire than the
        // window holds (8 runs per filter).
        let per_run = (loki.with(|s| s.returned) - before) / 8;
        let local_only = ["jordan", "stage:ResponseComplete code:4xx"];
        if !local_only.contains(&filter) {
            assert!(
                per_run < d.entries.len() * 2 / 3,
                "{filter}: {per_run} of {} entries fetched",
                d.entries.len()
            );
        }
    }
}

#[test]
fn explain_shows_the_logql_without_fetching() {
    let d = data(2_000);
    let loki = FakeLoki::start(d.entries.clone());
    let o = loki_run(
        &d,
        &loki.url,
        &[
            "users",
            "--explain",
            "--filter",
            "@secrets -user:system:* ns:payments stage:ResponseComplete",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(r#"logql:    {job="kubernetes-audit", resource="secrets"} |= "payments" | username!~"system:.*" | json k_namespace="objectRef.namespace" | k_namespace="payments""#),
        "{out}"
    );
    assert!(out.contains("kaudit only: stage:ResponseComplete"), "{out}");
    // Checked by Loki (one entry at most), nothing fetched.
    let limits: Vec<String> =
        loki.with(|s| s.requests.iter().map(|r| r["limit"].clone()).collect());
    assert!(limits.iter().all(|l| l == "50" || l == "1"), "{limits:?}");
    // A query Loki rejects is an error before anything loads.
    let o = loki_run(
        &d,
        &loki.url,
        &[
            "users",
            "--explain",
            "--selector",
            r#"{job="kubernetes-audit"} |~ "(""#,
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn the_selector_is_discovered_from_the_job_label() {
    let d = data(2_000);
    let loki = FakeLoki::start(d.entries.clone());
    let o = loki_run(&d, &loki.url, &["summary", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(r#"reading {job="kubernetes-audit"}"#),
        "{}",
        stderr(&o)
    );
    let q = loki.with(|s| s.requests[0]["query"].clone());
    assert_eq!(q, r#"{job="kubernetes-audit"}"#);
}

#[test]
fn several_clusters_are_named_with_how_to_pick_one() {
    let d = data(2_000);
    let mut entries = d.entries.clone();
    for e in entries.iter_mut().step_by(3) {
        e.labels.insert("cluster".into(), "staging-us-2".into());
    }
    let loki = FakeLoki::start(entries);
    let o = loki_run(&d, &loki.url, &["summary", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(r#"2 clusters (prod-eu-1, staging-us-2), all read together; pick one with --selector '{job="kubernetes-audit", cluster="prod-eu-1"}'"#),
        "{}",
        stderr(&o)
    );
    // Picked: only that cluster's events, and no note.
    let o = loki_run(
        &d,
        &loki.url,
        &[
            "events",
            "--selector",
            r#"{job="kubernetes-audit", cluster="staging-us-2"}"#,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(sorted_lines(&o.stdout).len(), d.entries.len().div_ceil(3));
    assert!(!stderr(&o).contains("clusters"), "{}", stderr(&o));
}

#[test]
fn passing_faults_are_retried_and_the_result_is_complete() {
    let d = data(2_000);
    let loki = FakeLoki::start(d.entries.clone());
    for faults in [
        vec![
            Fault::Status(429, "Too Many Requests".into()),
            Fault::Status(429, "Too Many Requests".into()),
        ],
        vec![
            Fault::Status(500, "internal".into()),
            Fault::Status(502, "bad gateway".into()),
        ],
        vec![
            Fault::Status(504, "timeout".into()),
            Fault::Status(504, "timeout".into()),
        ],
        vec![Fault::CutBody],
    ] {
        loki.with(|s| s.faults = faults.clone().into());
        let o = loki_run(
            &d,
            &loki.url,
            &[
                "events",
                "--format",
                "jsonl",
                "--loki-limit",
                "500",
                "--loki-workers",
                "1",
            ],
        );
        assert!(o.status.success(), "{faults:?}: {}", stderr(&o));
        assert_eq!(sorted_lines(&o.stdout).len(), d.entries.len(), "{faults:?}");
        assert!(loki.with(|s| s.faults.is_empty()), "every fault was met");
    }
}

#[test]
fn a_partial_answer_with_warnings_is_not_complete() {
    let d = data(2_000);
    let loki = FakeLoki::start(d.entries.clone());
    loki.with(|s| {
        s.faults = [Fault::Warning(
            "query timed out, results are partial".into(),
        )]
        .into();
        s.fault_after = 2;
    });
    let o = loki_run(
        &d,
        &loki.url,
        &["summary", "--format", "json", "--loki-limit", "100"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("answered with warnings: query timed out, results are partial")
            && err.contains("incomplete"),
        "{err}"
    );
}

#[test]
fn tls_mistakes_are_named() {
    let d = data(2_000);
    let loki = FakeLoki::start(d.entries.clone());
    // The fake speaks plain HTTP: a TLS client gets nonsense back.
    let https = loki.url.replace("http://", "https://");
    let o = loki_run(&d, &https, &["summary"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("does not answer TLS there"),
        "{}",
        stderr(&o)
    );
    let o = loki_run(
        &d,
        &https,
        &["summary", "--ca-cert", d.file.to_str().expect("path")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("holds no PEM certificate"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_lasting_fault_gives_an_incomplete_result_and_exit_1() {
    let d = data(2_000);
    let loki = FakeLoki::start(d.entries.clone());
    // After the first request (the sample prepare reads), and after some events have come.
    loki.with(|s| {
        s.faults = (0..50)
            .map(|_| Fault::Status(503, "overloaded".into()))
            .collect();
        s.fault_after = 3;
    });
    let o = loki_run(
        &d,
        &loki.url,
        &[
            "events",
            "--format",
            "jsonl",
            "--loki-workers",
            "1",
            "--loki-limit",
            "100",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        sorted_lines(&o.stdout).len(),
        198,
        "two pages of 100, each less its newest timestamp"
    );
    let err = stderr(&o);
    assert!(
        err.contains("503: overloaded") && err.contains("incomplete"),
        "{err}"
    );
}

#[test]
fn more_ties_than_the_limit_are_reported() {
    let d = data(2_000);
    let mut entries = d.entries.clone();
    let t = entries[500].ts;
    for e in entries.iter_mut().skip(500).take(8) {
        e.ts = t;
    }
    let loki = FakeLoki::start(entries);
    loki.with(|s| s.max_limit = 5);
    let o = loki_run(&d, &loki.url, &["summary", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("share the timestamp"), "{}", stderr(&o));
}

#[test]
fn loki_errors_are_shown_as_sent() {
    let d = data(2_000);
    let loki = FakeLoki::start(d.entries.clone());
    let o = loki_run(
        &d,
        &loki.url,
        &["summary", "--selector", r#"{job="kubernetes-audit""#],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("answered 400: parse error at line 1, col 24: syntax error: unexpected $end, expecting } or ,")
            && !stderr(&o).contains("incomplete"),
        "{}",
        stderr(&o)
    );
    let o = loki_run(&d, &loki.url, &["summary", "--selector", r#"{job=~".*"}"#]);
    assert!(
        stderr(&o).contains("empty-compatible value"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_tenant_is_asked_for_and_credentials_never_shown() {
    let d = data(2_000);
    let loki = FakeLoki::start(d.entries.clone());
    loki.with(|s| s.tenant = Some("fake".into()));
    let o = loki_run(
        &d,
        &loki.url,
        &["summary", "--username", "ops", "--password", "hunter2"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("no org id") && err.contains("--org-id"),
        "{err}"
    );
    assert!(
        err.contains("LOKI_PASSWORD"),
        "a warning about the password on the command line: {err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    // The basic-auth header was sent, base64 of ops:hunter2.
    assert!(loki.with(|s| {
        s.auth_seen
            .iter()
            .any(|a| a.as_deref() == Some("Basic b3BzOmh1bnRlcjI="))
    }));
    // With the tenant, from the environment, and the password from it too.
    let o = kaudit()
        .args([
            "summary", "--format", "json", "--from", &d.from, "--to", &d.to,
        ])
        .env("LOKI_ADDR", &loki.url)
        .env("LOKI_ORG_ID", "fake")
        .env("LOKI_USERNAME", "ops")
        .env("LOKI_PASSWORD", "hunter2")
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("hunter2") && !stderr(&o).contains("LOKI_PASSWORD"));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["events"], d.entries.len());
}

#[test]
fn an_unreachable_loki_is_a_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    for url in [
        format!("http://127.0.0.1:{port}"),
        "http://user:s3cret@no-such-host.invalid:3100".to_string(),
    ] {
        let o = kaudit()
            .args(["summary", "--loki", &url])
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(1), "{url}");
        let err = stderr(&o);
        assert!(err.contains("cannot reach Loki at"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
    }
}
