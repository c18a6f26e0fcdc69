//! Fetching from Loki: 100,000 demo events served by the fake Loki of the
//! tests (on 127.0.0.1, 5000 entries per answer at most, timestamps cut to
//! whole seconds so many entries tie), read by `kaudit events` with 1 and 4
//! workers. Each run checks every event arrived exactly once.
//!
//! `cargo bench --bench loki_fetch [-- EVENTS]`
//! `cargo bench --bench loki_fetch -- --serve EVENTS [--clusters]`: only serve (one third of the
//! events from a second cluster with `--clusters`), for trying
//! the TUI by hand (`kaudit --loki URL --from … --to …`).

#[path = "../tests/support/fake_logql.rs"]
mod fake_logql;
#[path = "../tests/support/fake_loki.rs"]
mod fake_loki;

use std::process::Command;
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_kaudit");
const FROM: &str = "2026-11-21T05:00:00Z";
const TO: &str = "2026-11-21T13:00:00Z";

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let serve = args.iter().any(|a| a == "--serve");
    let events: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("kaudit-loki-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let file = dir.join("demo.log");
    let ok = Command::new(BIN)
        .args(["demo", "--force", "--write"])
        .arg(&file)
        .args(["--events", &events.to_string()])
        .status()
        .expect("kaudit demo");
    assert!(ok.success());
    let text = std::fs::read_to_string(&file).expect("read");
    let mut entries = fake_loki::entries_of(&text, 1_000_000_000);
    if args.iter().any(|a| a == "--clusters") {
        // A second cluster behind the same job, for trying the picker.
        for e in entries.iter_mut().step_by(3) {
            e.labels.insert("cluster".into(), "staging-us-2".into());
        }
    }
    let bytes: usize = entries.iter().map(|e| e.line.len() + 1).sum();
    let loki = fake_loki::FakeLoki::start(entries);
    if serve {
        // Slow enough to watch the progress.
        loki.with(|s| s.latency = std::time::Duration::from_millis(250));
        println!("fake Loki with {events} events at {}", loki.url);
        println!("try: {BIN} --loki {} --from {FROM} --to {TO}", loki.url);
        loop {
            std::thread::park();
        }
    }
    println!(
        "{events} events, {:.1} MB of lines, served from {}",
        bytes as f64 / 1e6,
        loki.url
    );
    // Answered at once, then as a loaded Loki across a network might.
    for latency_ms in [0u64, 250] {
        loki.with(|s| s.latency = std::time::Duration::from_millis(latency_ms));
        println!("each answer delayed {latency_ms} ms:");
        run(&loki, events, bytes);
    }
    loki.with(|s| s.latency = std::time::Duration::ZERO);
    counted(&loki);
    let _ = std::fs::remove_dir_all(&dir);
}

fn run(loki: &fake_loki::FakeLoki, events: usize, bytes: usize) {
    for workers in [1, 4] {
        let mut times = Vec::new();
        for _ in 0..3 {
            let before = loki.with(|s| s.requests.len());
            let t = Instant::now();
            let o = Command::new(BIN)
                .args(["events", "--format", "jsonl", "--loki", &loki.url])
                .args(["--from", FROM, "--to", TO])
                .args(["--loki-workers", &workers.to_string()])
                .env_remove("LOKI_ADDR")
                .output()
                .expect("kaudit events");
            let secs = t.elapsed().as_secs_f64();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let lines = o.stdout.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(lines, events, "every event exactly once");
            let requests = loki.with(|s| s.requests.len()) - before;
            times.push((secs, requests));
        }
        times.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (best, requests) = times[0];
        let median = times[times.len() / 2].0;
        println!(
            "  workers {workers}: best {best:.2} s, median {median:.2} s ({:.0} events/s, {:.0} MB/s, {requests} requests)",
            events as f64 / best,
            bytes as f64 / 1e6 / best
        );
    }
}

/// `users`: the lines downloaded and grouped, or counted by Loki
/// (`--server-side`, metric queries): time, and bytes the fake sent. The
/// fake counts by scanning every entry once per query, on one thread, so its
/// time says nothing of a real Loki's; the bytes are what crosses the wire.
fn counted(loki: &fake_loki::FakeLoki) {
    println!("users, answered at once:");
    for (how, flag) in [
        ("downloaded", "--no-server-side"),
        ("counted by Loki", "--server-side"),
    ] {
        let mut best = f64::MAX;
        let before = loki.with(|s| s.bytes_sent);
        for _ in 0..3 {
            let t = Instant::now();
            let o = Command::new(BIN)
                .args(["users", "--format", "json", "--loki", &loki.url, flag])
                .args(["--from", FROM, "--to", TO])
                .env_remove("LOKI_ADDR")
                .output()
                .expect("kaudit users");
            best = best.min(t.elapsed().as_secs_f64());
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        let bytes = (loki.with(|s| s.bytes_sent) - before) / 3;
        println!(
            "  {how}: best {best:.2} s, {:.2} MB of answers",
            bytes as f64 / 1e6
        );
    }
}
