//! `kaudit tail` on files: appended lines appear once each, through
//! rotation, truncation and lines written in two halves.

mod common;
#[path = "support/live.rs"]
mod live;

use live::Running;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);
/// Long enough for several polls (100 ms) to pass.
const QUIET: Duration = Duration::from_millis(600);

fn demo_lines(n: usize) -> (tempfile::TempDir, Vec<String>) {
    let (dir, path) = common::demo_log(n);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::remove_file(&path).expect("rm");
    (dir, text.lines().map(str::to_string).collect())
}

fn append(path: &Path, lines: &[String]) {
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open");
    for l in lines {
        f.write_all(l.as_bytes()).expect("write");
        f.write_all(b"\n").expect("write");
    }
}

fn tail_jsonl(path: &Path) -> Running {
    let p = path.to_str().expect("path");
    let r = Running::start(&["tail", "--all", "--format", "jsonl", "--no-redact", p]);
    // It starts at the end of what is there: give it a moment to open the file.
    std::thread::sleep(Duration::from_millis(400));
    r
}

#[test]
fn appended_lines_appear_and_old_ones_do_not() {
    let (dir, lines) = demo_lines(2000);
    let log = dir.path().join("audit.log");
    append(&log, &lines[..100]);
    let mut t = tail_jsonl(&log);
    append(&log, &lines[100..150]);
    let got = t.wait_for(50, WAIT).to_vec();
    assert_eq!(got, lines[100..150], "the appended lines, as written");
    append(&log, &lines[150..151]);
    assert_eq!(t.wait_for(51, WAIT).len(), 51);
    assert_eq!(t.settle(QUIET).len(), 51, "nothing more");
    let (code, err) = t.interrupt();
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("tail stopped: 51 events shown"), "{err}");
}

#[test]
fn a_rotation_in_the_middle_of_a_burst_loses_and_repeats_nothing() {
    rotation_in_a_burst(false);
}

#[test]
fn a_directory_follows_its_active_file_through_a_rotation() {
    rotation_in_a_burst(true);
}

#[test]
fn two_rotations_between_two_looks_lose_nothing() {
    rotations_in_a_burst(false, &[1000, 2000]);
}

fn rotation_in_a_burst(follow_dir: bool) {
    rotations_in_a_burst(follow_dir, &[1500]);
}

fn rotations_in_a_burst(follow_dir: bool, at: &[usize]) {
    let (dir, lines) = demo_lines(3000);
    let log = dir.path().join("audit.log");
    append(&log, &lines[..10]);
    let mut t = tail_jsonl(if follow_dir { dir.path() } else { &log });
    // As lumberjack does: rename the full file, create a new audit.log, go on
    // writing, with no pause around the switch.
    let rotated = |i: usize| {
        dir.path()
            .join(format!("audit-2026-11-22T10-0{i}-00.000.log"))
    };
    let mut f = OpenOptions::new().append(true).open(&log).expect("open");
    for (i, l) in lines[10..].iter().enumerate() {
        if at.contains(&i) {
            f.flush().expect("flush");
            std::fs::rename(&log, rotated(i / 500)).expect("rename");
            f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)
                .expect("create");
        }
        writeln!(f, "{l}").expect("write");
    }
    drop(f);
    let want = lines.len() - 10;
    let got = t.wait_for(want, WAIT).to_vec();
    let got = {
        let mut t = t;
        let all = t.settle(QUIET).to_vec();
        let (code, err) = t.interrupt();
        assert_eq!(code, Some(0), "{err}");
        assert!(all.len() >= got.len());
        all
    };
    let missing: Vec<usize> = lines[10..]
        .iter()
        .enumerate()
        .filter(|(_, l)| !got.contains(l))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(got.len(), want, "every line once; missing {missing:?}");
    assert_eq!(got, lines[10..], "in the order written");
}

#[test]
fn a_truncated_file_is_read_again_from_its_start() {
    let (dir, lines) = demo_lines(2000);
    let log = dir.path().join("audit.log");
    append(&log, &lines[..20]);
    let mut t = tail_jsonl(&log);
    append(&log, &lines[20..30]);
    assert_eq!(t.wait_for(10, WAIT).len(), 10);
    // copytruncate: the file emptied in place, then written again.
    OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&log)
        .expect("truncate");
    std::thread::sleep(QUIET);
    append(&log, &lines[30..35]);
    let got = t.wait_for(15, WAIT).to_vec();
    assert_eq!(got[10..], lines[30..35]);
    assert_eq!(t.settle(QUIET).len(), 15, "nothing repeated");
    let (code, err) = t.interrupt();
    assert_eq!(code, Some(0));
    assert!(err.contains("was truncated"), "{err}");
}

#[test]
fn a_line_written_in_two_halves_comes_out_whole() {
    let (dir, lines) = demo_lines(2000);
    let log = dir.path().join("audit.log");
    append(&log, &lines[..5]);
    // A half-written line as kaudit starts is not taken for a line either.
    let (a, b) = lines[5].split_at(lines[5].len() / 2);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .and_then(|mut f| f.write_all(a.as_bytes()))
        .expect("write");
    let mut t = tail_jsonl(&log);
    std::thread::sleep(QUIET);
    assert!(
        t.settle(Duration::from_millis(10)).is_empty(),
        "no half line"
    );
    let (c, d) = lines[6].split_at(lines[6].len() / 3);
    let mut f = OpenOptions::new().append(true).open(&log).expect("open");
    write!(f, "{b}\n{c}").expect("write");
    f.flush().expect("flush");
    assert_eq!(t.wait_for(1, WAIT), &lines[5..6]);
    std::thread::sleep(QUIET);
    assert_eq!(
        t.settle(Duration::from_millis(10)).len(),
        1,
        "the half line waits"
    );
    writeln!(f, "{d}").expect("write");
    assert_eq!(t.wait_for(2, WAIT), &lines[5..7]);
    let (code, err) = t.interrupt();
    assert_eq!(code, Some(0));
    assert!(!err.contains("malformed"), "{err}");
}

#[test]
fn people_only_by_default_and_the_rest_is_counted() {
    let (dir, lines) = demo_lines(2000);
    let log = dir.path().join("audit.log");
    std::fs::write(&log, b"").expect("create");
    let mut t = Running::start(&["tail", "--format", "jsonl", log.to_str().expect("path")]);
    std::thread::sleep(Duration::from_millis(400));
    append(&log, &lines);
    let humans: Vec<&String> = lines
        .iter()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            let u = common::s(&v, &["user", "username"]);
            !u.is_empty() && !u.starts_with("system:")
        })
        .collect();
    assert!(!humans.is_empty() && humans.len() < lines.len());
    t.wait_for(humans.len(), WAIT);
    let got = t.settle(QUIET).to_vec();
    assert_eq!(got.len(), humans.len());
    let (code, err) = t.interrupt();
    assert_eq!(code, Some(0));
    let hidden = lines.len() - humans.len();
    assert!(
        err.contains(&format!(
            "{} of system:* identities hidden",
            kaudit::model::text::thousands(hidden as u64)
        )),
        "{err}"
    );
}

#[test]
fn a_closed_pipe_ends_it_quietly() {
    let (dir, lines) = demo_lines(2000);
    let log = dir.path().join("audit.log");
    std::fs::write(&log, b"").expect("create");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kaudit"))
        .args(["tail", "--all", log.to_str().expect("path")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(400));
    // The reader goes away (as `| head -1` does), then more is written.
    drop(child.stdout.take());
    append(&log, &lines);
    let deadline = std::time::Instant::now() + WAIT;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(std::time::Instant::now() < deadline, "still running");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn table_lines_name_who_did_what() {
    let (dir, lines) = demo_lines(3000);
    let log = dir.path().join("audit.log");
    std::fs::write(&log, b"").expect("create");
    let mut t = Running::start(&[
        "tail",
        "--format",
        "table",
        "--filter",
        "@secrets",
        log.to_str().expect("path"),
    ]);
    std::thread::sleep(Duration::from_millis(400));
    append(&log, &lines);
    let n = lines
        .iter()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            let u = common::s(&v, &["user", "username"]);
            common::s(&v, &["objectRef", "resource"]) == "secrets"
                && !u.is_empty()
                && !u.starts_with("system:")
        })
        .count();
    assert!(n > 0);
    t.wait_for(n, WAIT);
    let got = t.settle(QUIET).to_vec();
    assert_eq!(got.len(), n);
    assert!(got.iter().all(|l| l.contains(" secrets ")), "{got:?}");
    // Not a terminal: no colour, but findings are named.
    assert!(got.iter().all(|l| !l.contains('\x1b')));
    assert!(got.iter().any(|l| l.contains("  ! ")), "{got:?}");
    t.interrupt();
}
