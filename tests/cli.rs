//! The command line as a user meets it: exit codes, errors, pipes, stdin,
//! gzip, directories with rotated files, and the output formats.

mod common;
use common::*;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;

fn sample() -> PathBuf {
    fixtures().join("corpus/apiserver/sample-audit.log")
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_filter_is_a_usage_error_pointing_at_the_term() {
    let out = kaudit()
        .args(["events", "--filter", "verb:get usr:alice"])
        .arg(sample())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "kaudit: bad filter at column 10: unknown field \"usr\" (did you mean \"user\"?)\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_flags_and_times_are_usage_errors() {
    for args in [
        vec!["events", "--frobnicate"],
        vec!["events", "--since", "yesterday"],
        vec!["events", "--from", "21/11/2026"],
        vec!["summary", "--format", "csv"],
    ] {
        let out = kaudit().args(&args).arg(sample()).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).lines().any(|l| !l.trim().is_empty()),
            "{args:?}: says why"
        );
    }
}

#[test]
fn a_missing_file_is_a_runtime_error_naming_it() {
    let out = kaudit()
        .args(["summary", "/nonexistent/audit.log"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(
        err.starts_with("kaudit: cannot open /nonexistent/audit.log:"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn a_closed_pipe_is_success() {
    let (_dir, big) = demo_log(20_000);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kaudit"))
        .args(["events", "--format", "jsonl"])
        .arg(&big)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 100];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("some output");
    drop(stdout); // `| head -c 100`
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).is_empty(),
        "no error on a closed pipe: {}",
        stderr_of(&out)
    );
}

#[test]
fn filters_starting_with_a_dash_both_ways() {
    let eq = kaudit()
        .args(["events", "--format", "jsonl", "--filter=-user:system:*"])
        .arg(sample())
        .output()
        .expect("run");
    let sep = kaudit()
        .args([
            "events",
            "--format",
            "jsonl",
            "--filter",
            "-user:system:* -verb:watch",
        ])
        .arg(sample())
        .output()
        .expect("run");
    assert!(
        eq.status.success() && sep.status.success(),
        "{} {}",
        stderr_of(&eq),
        stderr_of(&sep)
    );
    let n = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).lines().count();
    assert!(n(&eq) > n(&sep) && n(&sep) > 0);
}

#[test]
fn standard_input_by_dash_or_by_pipe() {
    let data = std::fs::read(sample()).expect("sample");
    let direct = kaudit()
        .args(["summary", "--format", "json"])
        .arg(sample())
        .output()
        .expect("run");
    for args in [
        vec!["summary", "--format", "json", "-"],
        vec!["summary", "--format", "json"],
    ] {
        let out = kaudit()
            .args(&args)
            .write_stdin(data.clone())
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert_eq!(out.stdout, direct.stdout, "{args:?}");
    }
    // Events from stdin are written back as they were read (spooled, then re-read).
    let out = kaudit()
        .args([
            "events",
            "--format",
            "jsonl",
            "--no-redact",
            "--filter",
            "@humans",
            "-",
        ])
        .write_stdin(data)
        .output()
        .expect("run");
    let file = kaudit()
        .args([
            "events",
            "--format",
            "jsonl",
            "--no-redact",
            "--filter",
            "@humans",
        ])
        .arg(sample())
        .output()
        .expect("run");
    assert_eq!(out.stdout, file.stdout);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

#[test]
fn gzip_is_detected_by_its_bytes_not_its_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = std::fs::read(sample()).expect("sample");
    let disguised = dir.path().join("audit.log");
    std::fs::write(&disguised, gzip(&data)).expect("write");
    let plain = kaudit()
        .args(["events", "--format", "jsonl", "--no-redact"])
        .arg(sample())
        .output()
        .expect("run");
    let gz = kaudit()
        .args(["events", "--format", "jsonl", "--no-redact"])
        .arg(&disguised)
        .output()
        .expect("run");
    assert!(gz.status.success(), "{}", stderr_of(&gz));
    assert_eq!(gz.stdout, plain.stdout);
}

#[test]
fn a_rotated_directory_is_read_in_order_and_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(sample()).expect("sample");
    let lines: Vec<&str> = text.lines().collect();
    let part = |r: std::ops::Range<usize>| {
        lines[r]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    // lumberjack: oldest backup gzipped, newer backup plain, active file last;
    // one backup present both plain and gzipped (compression in progress).
    std::fs::write(
        dir.path().join("audit-2026-11-22T11-30-40.000.log.gz"),
        gzip(part(0..150).as_bytes()),
    )
    .expect("w");
    std::fs::write(
        dir.path().join("audit-2026-11-22T11-31-20.000.log"),
        part(150..300),
    )
    .expect("w");
    std::fs::write(
        dir.path().join("audit-2026-11-22T11-31-20.000.log.gz"),
        gzip(part(150..300).as_bytes()),
    )
    .expect("w");
    std::fs::write(dir.path().join("audit.log"), part(300..lines.len())).expect("w");
    std::fs::write(dir.path().join("README.md"), "not a log\n").expect("w");
    let whole = kaudit()
        .args(["events", "--format", "jsonl", "--no-redact"])
        .arg(sample())
        .output()
        .expect("run");
    let out = kaudit()
        .args(["events", "--format", "jsonl", "--no-redact"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        out.stdout, whole.stdout,
        "same events, same order, none twice"
    );
    assert!(
        stderr_of(&out).contains("README.md"),
        "the ignored file is named: {}",
        stderr_of(&out)
    );
    // Naming a file inside the directory too does not count it twice.
    let twice = kaudit()
        .args(["summary", "--format", "json"])
        .arg(dir.path())
        .arg(dir.path().join("audit.log"))
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&twice.stdout).expect("json");
    assert_eq!(v["events"].as_u64(), Some(lines.len() as u64));
}

#[test]
fn every_format_parses() {
    for (cmd, fmt) in [
        ("events", "json"),
        ("users", "json"),
        ("objects", "json"),
        ("summary", "json"),
    ] {
        let out = kaudit()
            .args([cmd, "--format", fmt])
            .arg(sample())
            .output()
            .expect("run");
        let _: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{cmd} {fmt}: {e}"));
    }
    for cmd in ["events", "users", "objects"] {
        let out = kaudit()
            .args([cmd, "--format", "jsonl"])
            .arg(sample())
            .output()
            .expect("run");
        for l in String::from_utf8_lossy(&out.stdout).lines() {
            let _: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{cmd} jsonl: {e}"));
        }
        let out = kaudit()
            .args([cmd, "--format", "csv"])
            .arg(sample())
            .output()
            .expect("run");
        let mut r = csv_reader(&out.stdout);
        let header = r.remove(0);
        assert!(
            r.iter().all(|row| row.len() == header.len()),
            "{cmd} csv rows have the header's width"
        );
        assert!(!r.is_empty());
    }
    let csv = kaudit()
        .args(["events", "--format", "csv", "--filter", "@denied"])
        .arg(sample())
        .output()
        .expect("run");
    let rows = csv_reader(&csv.stdout);
    let uri = rows[0]
        .iter()
        .position(|c| c == "request_uri")
        .expect("column");
    assert!(
        rows[1..].iter().all(|r| r[uri].starts_with('/')),
        "request URIs are filled in"
    );
}

/// A small RFC 4180 reader, enough to check kaudit's CSV.
fn csv_reader(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8_lossy(bytes);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

#[test]
fn tables_fit_eighty_columns_and_escape_control_characters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = std::fs::read_to_string(sample())
        .expect("sample")
        .lines()
        .next()
        .expect("line")
        .to_string();
    let evil = line
        .replacen(
            "\"userAgent\":\"",
            "\"userAgent\":\"\\u001b[2J\\u001b]0;pwned\\u0007",
            1,
        )
        .replacen("\"username\":\"", "\"username\":\"evil\\u001b[31m", 1);
    assert_ne!(evil, line);
    let path = dir.path().join("evil.log");
    std::fs::write(&path, format!("{evil}\n")).expect("write");
    for cmd in [
        "summary", "events", "users", "objects", "secrets", "denied", "exec", "findings",
    ] {
        let out = kaudit()
            .args([cmd, "--format", "table"])
            .arg(sample())
            .arg(&path)
            .output()
            .expect("run");
        let text = String::from_utf8(out.stdout).expect("utf8");
        for l in text.lines() {
            assert!(l.chars().count() <= 80, "{cmd}: {l:?}");
        }
        assert!(
            !text.contains('\x1b'),
            "{cmd}: raw escape reached the output"
        );
    }
    let out = kaudit()
        .args(["users", "--format", "table"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("evil\\x1b[31m"));
}

#[test]
fn time_window() {
    let all = kaudit()
        .args(["events", "--format", "jsonl"])
        .arg(sample())
        .output()
        .expect("run");
    let out = kaudit()
        .args([
            "events",
            "--format",
            "jsonl",
            "--from",
            "2026-11-22T11:31:00Z",
            "--to",
            "2026-11-22T11:32:00",
        ])
        .arg(sample())
        .output()
        .expect("run");
    let times: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["stageTimestamp"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert!(
        !times.is_empty() && times.len() < String::from_utf8_lossy(&all.stdout).lines().count()
    );
    assert!(
        times
            .iter()
            .all(|t| t.as_str() >= "2026-11-22T11:31:00" && t.as_str() < "2026-11-22T11:32:00")
    );
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");
}
