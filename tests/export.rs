//! `kaudit export`: evidence files that hold the events as read (redacted by
//! default), CSV a reader takes back, mode 0600, never over a file without
//! --force, never over or beside an input unless asked.

mod common;

use serde_json::Value;
use std::path::Path;

fn export(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    common::kaudit()
        .arg("export")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run")
}

fn lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .expect("read")
        .lines()
        .map(String::from)
        .collect()
}

/// The secret values of a line (SPEC §4): `data` and `stringData` of a
/// Secret or of the items of a SecretList, a Secret's last-applied
/// configuration, a TokenRequest's `status.token`.
fn secret_values(v: &Value, secret: bool, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            let kind = m.get("kind").and_then(Value::as_str);
            let secret = secret || kind == Some("Secret");
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("data" | "stringData", Value::Object(d)) if secret => {
                        out.extend(d.values().filter_map(|s| s.as_str().map(String::from)));
                    }
                    ("items", Value::Array(items)) if kind == Some("SecretList") => {
                        items.iter().for_each(|i| secret_values(i, true, out));
                    }
                    ("kubectl.kubernetes.io/last-applied-configuration", Value::String(s))
                        if secret =>
                    {
                        out.push(s.clone());
                    }
                    ("token", Value::String(t)) if kind.is_none() => out.push(t.clone()),
                    _ => secret_values(x, secret && k == "metadata", out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| secret_values(x, false, out)),
        _ => {}
    }
}

#[test]
fn jsonl_is_the_input_with_secret_values_redacted() {
    let (dir, log) = common::demo_log(3000);
    let out_dir = dir.path().join("evidence");
    std::fs::create_dir(&out_dir).expect("mkdir");
    let input = lines(&log);
    let o = export(&log, &out_dir.join("all.jsonl"), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = lines(&out_dir.join("all.jsonl"));
    assert_eq!(got.len(), input.len());
    let mut secrets = Vec::new();
    let (mut same, mut changed) = (0, 0);
    for (a, b) in input.iter().zip(&got) {
        let mut vals = Vec::new();
        secret_values(&serde_json::from_str(a).expect("json"), false, &mut vals);
        if vals.is_empty() {
            assert_eq!(a, b, "a line without secret values is exported as read");
            same += 1;
        } else {
            assert_ne!(a, b);
            changed += 1;
            secrets.extend(vals);
        }
    }
    assert!(
        changed > 0 && same > 0,
        "{changed} lines with secret values"
    );
    let text = std::fs::read_to_string(out_dir.join("all.jsonl")).expect("read");
    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|s| s.len() >= 8 && text.contains(s.as_str()))
        .collect();
    assert!(leaked.is_empty(), "{leaked:?}");
    // --no-redact gives the input back, byte for byte.
    let o = export(&log, &out_dir.join("raw.jsonl"), &["--no-redact"]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read(out_dir.join("raw.jsonl")).expect("read"),
        std::fs::read(&log).expect("read")
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("NOT redacted"));
}

#[test]
fn csv_round_trips_through_a_csv_reader() {
    let (dir, log) = common::demo_log(3000);
    let out = dir.path().join("evidence");
    std::fs::create_dir(&out).expect("mkdir");
    let csv = out.join("denied.csv");
    let o = export(&log, &csv, &["--filter", "@denied"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Python's csv module, an independent reader.
    let read = std::process::Command::new("python3")
        .args([
            "-c",
            "import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))",
        ])
        .arg(&csv)
        .output()
        .expect("python3");
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let rows: Vec<Vec<String>> = serde_json::from_slice(&read.stdout).expect("rows");
    let want: Vec<Value> = lines(&log)
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .filter(|v| {
            let code = common::code(v);
            matches!(code, Some(401 | 403)) || common::decision(v) == "forbid"
        })
        .collect();
    assert!(!want.is_empty());
    assert_eq!(rows[0].len(), 17);
    assert_eq!(rows[0][1], "auditID");
    assert_eq!(rows.len(), want.len() + 1);
    let mut ids: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    let mut want_ids: Vec<&str> = want.iter().map(|v| common::s(v, &["auditID"])).collect();
    ids.sort();
    want_ids.sort();
    assert_eq!(ids, want_ids);
    assert!(rows.iter().all(|r| r.len() == 17), "every row whole");
    // The request URI comes back whole, commas and all.
    let uris: Vec<&str> = rows[1..].iter().map(|r| r[16].as_str()).collect();
    assert!(uris.iter().all(|u| u.starts_with('/')), "{uris:?}");
}

#[test]
fn files_are_private_never_overwritten_and_never_inputs() {
    let (dir, log) = common::demo_log(2000);
    let out = dir.path().join("evidence");
    std::fs::create_dir(&out).expect("mkdir");
    let f = out.join("e.jsonl");
    assert!(export(&log, &f, &["--filter", "@exec"]).status.success());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&f).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let before = std::fs::read(&f).expect("read");
    // Not over an existing file without --force.
    let o = export(&log, &f, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("exists; --force replaces it"));
    assert_eq!(std::fs::read(&f).expect("read"), before);
    assert!(export(&log, &f, &["--force"]).status.success());
    assert!(std::fs::read(&f).expect("read").len() > before.len());
    // Never over an input, even with --force; not beside one unless asked.
    let input = std::fs::read(&log).expect("read");
    let o = export(&log, &log.with_extension("jsonl"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("directory of an input"));
    let link = dir.path().join("same.jsonl");
    std::fs::hard_link(&log, &link).expect("link");
    let o = export(&log, &link, &["--force", "--in-input-dir"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is an input"));
    assert_eq!(std::fs::read(&log).expect("read"), input);
    assert!(
        export(&log, &dir.path().join("beside.jsonl"), &["--in-input-dir"])
            .status
            .success()
    );
    // A place that cannot be written: an error, and nothing left behind.
    let o = export(&log, &out.join("missing/e.jsonl"), &[]);
    assert_eq!(o.status.code(), Some(1));
    let left: Vec<_> = std::fs::read_dir(&out)
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("e.jsonl")]);
}

/// Every file the manifest lists has the size and SHA-256 it says
/// (sha256sum, not kaudit) and mode 0600.
fn verify(dir: &Path, manifest: &Value) {
    let files = manifest["files"].as_array().expect("files");
    for f in files {
        let p = dir.join(f["file"].as_str().expect("name"));
        let sum = std::process::Command::new("sha256sum")
            .arg(&p)
            .output()
            .expect("sha256sum");
        let sum = String::from_utf8_lossy(&sum.stdout);
        assert_eq!(
            sum.split_whitespace().next(),
            f["sha256"].as_str(),
            "{}",
            p.display()
        );
        assert_eq!(
            std::fs::metadata(&p).expect("meta").len(),
            f["bytes"].as_u64().expect("bytes")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", p.display());
        }
    }
}

#[test]
fn a_case_file_verifies_and_comes_out_the_same_twice() {
    let (dir, log) = common::demo_log(3000);
    let out = dir.path().join("evidence");
    std::fs::create_dir(&out).expect("mkdir");
    let (a, b) = (out.join("incident-42"), out.join("again"));
    for p in [&a, &b] {
        let o = export(&log, p, &["--format", "case", "--filter", "@humans"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(a.join("MANIFEST.json")).expect("read"))
            .expect("json");
    let files = manifest["files"].as_array().expect("files");
    let names: Vec<&str> = files
        .iter()
        .map(|f| f["file"].as_str().expect("name"))
        .collect();
    for want in [
        "events.jsonl",
        "report.md",
        "findings.json",
        "secrets.json",
        "denied.json",
        "exec.json",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    verify(&a, &manifest);
    // The input's own hash is in the scope.
    let input = &manifest["scope"]["inputs"][0];
    assert_eq!(
        input["bytes"].as_u64(),
        Some(std::fs::metadata(&log).expect("meta").len())
    );
    assert_eq!(manifest["scope"]["redacted"], Value::Bool(true));
    // The same export again: the same bytes, but for the manifest's `created`.
    for n in &names {
        assert_eq!(
            std::fs::read(a.join(n)).expect("read"),
            std::fs::read(b.join(n)).expect("read"),
            "{n}"
        );
    }
    let mut mb: Value =
        serde_json::from_slice(&std::fs::read(b.join("MANIFEST.json")).expect("read"))
            .expect("json");
    let mut ma = manifest.clone();
    ma["created"] = Value::Null;
    mb["created"] = Value::Null;
    assert_eq!(ma, mb);
    // The report: scope, findings, people, the lenses; no secret value.
    let report = std::fs::read_to_string(a.join("report.md")).expect("read");
    for h in [
        "# Audit evidence",
        "## Inputs",
        "## Findings",
        "## People, in time order",
        "### jordan.lee@corp.example",
        "## Secrets",
        "## Denied",
        "## Exec",
    ] {
        assert!(report.contains(h), "{h}");
    }
    let mut secrets = Vec::new();
    for l in lines(&log) {
        secret_values(
            &serde_json::from_str(&l).expect("json"),
            false,
            &mut secrets,
        );
    }
    assert!(
        secrets
            .iter()
            .all(|s| s.len() < 8 || !report.contains(s.as_str()))
    );
    // Not over an existing case without --force; with it, only over a case file.
    let o = export(&log, &a, &["--format", "case"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        export(&log, &a, &["--format", "case", "--force"])
            .status
            .success()
    );
    let o = export(&log, &out, &["--format", "case", "--force"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a directory that is not a case file stays"
    );
    assert!(out.join("incident-42").is_dir());
}

/// In the TUI: events marked in two views, a note on one, `:export case DIR`
/// with a filter on: the case holds what is on show, and the report and
/// marks.json the marked events with the note.
#[test]
fn the_tui_exports_marks_and_notes() {
    use kaudit::tui::testkit::{command, demo, keys, typ};
    let now = kaudit::model::time::parse_rfc3339("2026-11-21T12:30:00Z").expect("time");
    let (_f, mut st) = demo(3000, (120, 40), now);
    let out = tempfile::tempdir().expect("dir");
    // Marked on the list of every event, and on the list of denied ones.
    command(&mut st, "events");
    keys(&mut st, &["m"]);
    keys(&mut st, &["/"]);
    typ(&mut st, "@denied");
    keys(&mut st, &["enter"]);
    command(&mut st, "events");
    keys(&mut st, &["G", "n"]);
    typ(&mut st, "the 403 | we asked about");
    keys(&mut st, &["enter"]);
    assert_eq!(st.marks.len(), 2);
    let shown = st.scope.events.len();
    let case = out.path().join("incident-42");
    command(&mut st, &format!("export case {}", case.display()));
    let said = st.message.clone().expect("said").0;
    assert!(
        said.starts_with(&format!("wrote a case file of {shown} events and 2 marked")),
        "{said}"
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(case.join("MANIFEST.json")).expect("read"))
            .expect("json");
    verify(&case, &manifest);
    assert_eq!(manifest["scope"]["filters"][0], "@denied");
    assert_eq!(manifest["scope"]["events"].as_u64(), Some(shown as u64));
    assert_eq!(lines(&case.join("events.jsonl")).len(), shown);
    // The marks, with the note, by auditID.
    let marks: Value =
        serde_json::from_slice(&std::fs::read(case.join("marks.json")).expect("read"))
            .expect("json");
    let list = marks["marks"].as_array().expect("marks");
    assert_eq!(list.len(), 2);
    let noted: Vec<&Value> = list.iter().filter(|m| !m["note"].is_null()).collect();
    assert_eq!(noted.len(), 1);
    assert_eq!(noted[0]["note"], "the 403 | we asked about");
    assert_eq!(noted[0]["code"], 403);
    let report = std::fs::read_to_string(case.join("report.md")).expect("report");
    assert!(report.contains("## Marked events: 2"), "{report}");
    assert!(
        report.contains("note: the 403 | we asked about"),
        "{report}"
    );
    for m in list {
        assert!(
            report.contains(m["auditID"].as_str().expect("id")),
            "{report}"
        );
    }
    // Not over the case without `!`; `:export!` replaces it.
    command(&mut st, &format!("export case {}", case.display()));
    let err = st.input.as_ref().and_then(|i| i.error.clone());
    assert!(err.is_none(), "the command is taken; the error comes back");
    let said = st.message.clone().expect("said").0;
    assert!(said.contains("exists"), "{said}");
    command(&mut st, &format!("export! case {}", case.display()));
    let said = st.message.clone().expect("said").0;
    assert!(said.starts_with("wrote a case file"), "{said}");
    // A report on its own, named by its extension.
    let md = out.path().join("report.md");
    command(&mut st, &format!("export {}", md.display()));
    assert!(
        std::fs::read_to_string(&md)
            .expect("report")
            .contains("note: the 403")
    );
}
