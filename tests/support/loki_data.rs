//! The demo incident as a file and as Loki entries, and running kaudit on
//! either: what the Loki tests share.
#![allow(dead_code)]

use super::fake_loki::{Entry, entries_of};
use assert_cmd::Command;

pub const SEC: i64 = 1_000_000_000;

pub struct Data {
    pub _dir: tempfile::TempDir,
    pub file: std::path::PathBuf,
    pub entries: Vec<Entry>,
    pub from: String,
    pub to: String,
}

/// The demo incident as a file and as Loki entries with ties (times cut to
/// whole seconds, so several entries share one timestamp).
pub fn data(events: usize) -> Data {
    data_with(events, false)
}

/// With `received`, each request also has the RequestReceived stage the
/// demo's policy omits (no code, no annotations yet), as some clusters log it.
pub fn data_with(events: usize, received: bool) -> Data {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("demo.log");
    Command::cargo_bin("kaudit")
        .expect("bin")
        .args(["demo", "--write"])
        .arg(&file)
        .args(["--events", &events.to_string()])
        .assert()
        .success();
    let mut text = std::fs::read_to_string(&file).expect("read");
    if received {
        let mut seen = std::collections::HashSet::new();
        let mut out = String::new();
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json");
            if seen.insert(v["auditID"].as_str().unwrap_or("").to_string()) {
                let mut rr = v.clone();
                rr["stage"] = "RequestReceived".into();
                rr["stageTimestamp"] = v["requestReceivedTimestamp"].clone();
                let o = rr.as_object_mut().expect("object");
                for k in ["responseStatus", "annotations", "responseObject"] {
                    o.remove(k);
                }
                out.push_str(&serde_json::to_string(&rr).expect("json"));
                out.push('\n');
            }
            out.push_str(line);
            out.push('\n');
        }
        text = out;
        std::fs::write(&file, &text).expect("write");
    }
    let entries = entries_of(&text, SEC);
    Data {
        _dir: dir,
        file,
        entries,
        // The demo's morning, with room on both sides.
        from: "2026-11-21T05:00:00Z".into(),
        to: "2026-11-21T13:00:00Z".into(),
    }
}

pub fn kaudit() -> Command {
    let mut c = Command::cargo_bin("kaudit").expect("bin");
    c.env_remove("LOKI_ADDR").env("NO_COLOR", "1");
    c
}

pub fn loki_run(d: &Data, url: &str, args: &[&str]) -> std::process::Output {
    kaudit()
        .args(args)
        .args(["--loki", url, "--from", &d.from, "--to", &d.to])
        .output()
        .expect("run")
}

pub fn sorted_lines(b: &[u8]) -> Vec<String> {
    let mut v: Vec<String> = String::from_utf8_lossy(b)
        .lines()
        .map(String::from)
        .collect();
    v.sort();
    v
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
