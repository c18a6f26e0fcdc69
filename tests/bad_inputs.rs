//! The fixture folder of bad inputs: every valid event loads, everything
//! else is counted and reported with its file and line, nothing panics.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

/// (file, events that must load, lines that must be reported as skipped)
const EXPECT: &[(&str, usize, &[u64])] = &[
    ("01-truncated-last-line.log", 3, &[4]),
    ("02-binary-junk.log", 2, &[2, 3]), // the junk holds a newline byte
    ("03-invalid-utf8.log", 2, &[2]),
    ("04-twenty-megabyte-line.log", 2, &[]),
    ("05-empty.log", 0, &[]),
    ("07-not-an-event.log", 2, &[2, 3, 4]),
    ("08-bom.log", 2, &[]),
    ("09-pretty-printed.json", 2, &[]),
    ("10-eventlist.json", 3, &[]),
    ("11-crlf-and-prefixes.log", 3, &[]),
    ("12-garbage-between.log", 2, &[3, 4]),
];

fn fixture_dir() -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-inputs");
    let dir = tempfile::tempdir().expect("tempdir");
    for e in std::fs::read_dir(&src).expect("fixtures") {
        let p = e.expect("entry").path();
        std::fs::copy(&p, dir.path().join(p.file_name().expect("name"))).expect("copy");
    }
    // A RequestResponse event with a 20 MB object, then an ordinary one.
    let sample = std::fs::read_to_string(fixtures().join("corpus/apiserver/sample-audit.log"))
        .expect("sample");
    let mut lines = sample.lines();
    let first = lines.next().expect("line");
    let second = lines.next().expect("line");
    let big = "x".repeat(20 << 20);
    let giant = first.replacen("\"requestReceivedTimestamp\"", &format!("\"responseObject\":{{\"kind\":\"ConfigMap\",\"data\":{{\"big\":\"{big}\"}}}},\"requestReceivedTimestamp\""), 1);
    assert!(giant.len() > 20 << 20);
    std::fs::write(
        dir.path().join("04-twenty-megabyte-line.log"),
        format!("{giant}\n{second}\n"),
    )
    .expect("write");
    dir
}

/// Skipped line numbers named on stderr for one file.
fn reported_lines(stderr: &str, file: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for part in stderr.split([' ', '(', ')', ',', ';']) {
        if let Some(rest) = part
            .strip_suffix(':')
            .or(Some(part))
            .and_then(|p| p.rsplit_once(':'))
        {
            if rest.0.ends_with(file) {
                if let Ok(n) = rest.1.parse() {
                    out.push(n);
                }
            }
        }
    }
    out
}

#[test]
fn every_bad_input_is_survived_and_reported() {
    let dir = fixture_dir();
    let mut total_events = 0;
    let mut total_skipped = 0;
    for &(file, events, skipped) in EXPECT {
        let path = dir.path().join(file);
        let out = kaudit()
            .args(["events", "--format", "jsonl", "--no-redact"])
            .arg(&path)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).expect("utf8");
        let stderr = String::from_utf8(out.stderr).expect("utf8");
        assert_eq!(stdout.lines().count(), events, "{file}: events\n{stderr}");
        for l in stdout.lines() {
            let v: Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{file}: output is not JSON: {e}"));
            assert!(v["auditID"].is_string(), "{file}");
        }
        assert_eq!(
            reported_lines(&stderr, file),
            skipped,
            "{file}: reported lines\n{stderr}"
        );
        total_events += events;
        total_skipped += skipped.len();
    }
    // A gzip stream cut short: the events before the cut load, the cut is reported.
    let gz = dir.path().join("06-gzip-cut-short.log.gz");
    let mut prefix = Vec::new();
    let _ = std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(&gz).expect("open")),
        &mut prefix,
    );
    let complete = prefix.iter().filter(|&&b| b == b'\n').count();
    assert!(
        complete > 10 && !prefix.ends_with(b"\n"),
        "the fixture is cut inside a line"
    );
    let out = kaudit()
        .args(["events", "--format", "jsonl"])
        .arg(&gz)
        .output()
        .expect("run");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        complete,
        "{stderr}"
    );
    assert!(
        stderr.contains("06-gzip-cut-short.log.gz") && stderr.contains("read stopped"),
        "{stderr}"
    );
    assert_eq!(
        reported_lines(&stderr, "06-gzip-cut-short.log.gz"),
        [complete as u64 + 1],
        "{stderr}"
    );
    total_events += complete;
    total_skipped += 1;
    // The whole folder at once gives the same totals.
    let out = kaudit()
        .args(["summary", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["events"].as_u64(), Some(total_events as u64));
    assert_eq!(v["malformed"].as_u64(), Some(total_skipped as u64));
}
