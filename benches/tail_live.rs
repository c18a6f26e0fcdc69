//! `kaudit tail` on a growing file: how long a line takes from `write` to
//! kaudit's output, and the CPU kaudit uses while 2,000 events a second are
//! appended (gen-audit output replayed, as kube-apiserver would write it).
//!
//! `cargo bench --bench tail_live [-- SECONDS]` (default 30 s of replay).
//! Uses `../shared/tools/gen-audit` when present (or `$GEN_AUDIT`), else the
//! demo generator.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kaudit");
const RATE: usize = 2000;
/// Writes per second during the replay (lumberjack writes each event as it
/// comes; 20 writes of 100 lines is a burstier, harder case for latency).
const WRITES: usize = 20;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let seconds: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(30);
    let dir = std::env::temp_dir().join(format!("kaudit-tail-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let lines = source_lines(&dir, RATE * seconds + 200);
    for (format, all) in [("jsonl", true), ("table", false)] {
        run(&dir, &lines, seconds, format, all);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn source_lines(dir: &std::path::Path, n: usize) -> Vec<String> {
    let out = dir.join("source.log");
    let gen_audit = std::env::var("GEN_AUDIT")
        .ok()
        .unwrap_or_else(|| format!("{}/../shared/tools/gen-audit", env!("CARGO_MANIFEST_DIR")));
    let ok = std::path::Path::new(&gen_audit).exists()
        && Command::new(&gen_audit)
            .args(["--events", &n.to_string(), "--seed", "42", "-o"])
            .arg(&out)
            .status()
            .is_ok_and(|s| s.success());
    if ok {
        println!("replaying gen-audit output ({n} events, seed 42)");
    } else {
        println!("gen-audit not found: replaying the demo incident");
        let s = Command::new(BIN)
            .args(["demo", "--force", "--write"])
            .arg(&out)
            .args(["--events", &n.to_string()])
            .status()
            .expect("kaudit demo");
        assert!(s.success());
    }
    let text = std::fs::read_to_string(&out).expect("read");
    text.lines().map(str::to_string).collect()
}

/// CPU seconds (user + system) a process has used, from /proc.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) at the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    ticks as f64 / 100.0
}

fn run(dir: &std::path::Path, lines: &[String], seconds: usize, format: &str, all: bool) {
    let log = dir.join(format!("audit-{format}.log"));
    std::fs::write(&log, b"").expect("create");
    let mut args = vec!["tail", "--format", format, "--no-redact"];
    if all {
        args.push("--all");
    }
    let mut child = Command::new(BIN)
        .args(&args)
        .arg(&log)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = channel::<(Instant, String)>();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines() {
            let Ok(l) = l else { return };
            if tx.send((Instant::now(), l)).is_err() {
                return;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(500));
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .expect("open");
    println!(
        "\nkaudit tail --format {format}{}",
        if all { " --all" } else { " (people only)" }
    );

    // Idle: nothing written for 10 s (the kernel counts CPU in 10 ms ticks).
    let c0 = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(10));
    println!(
        "  idle: {:.2} s of CPU in 10 s = {:.1}% of a core",
        cpu_seconds(pid) - c0,
        (cpu_seconds(pid) - c0) / 10.0 * 100.0
    );

    // Latency alone: single lines, 200 to 300 ms apart so that writes fall
    // at every point of the 100 ms poll (jsonl: each line is its own output).
    if format == "jsonl" {
        let mut lat = Vec::new();
        for (i, l) in lines[..50].iter().enumerate() {
            let t = Instant::now();
            writeln!(f, "{l}").expect("write");
            f.flush().expect("flush");
            if let Ok((at, got)) = rx.recv_timeout(Duration::from_secs(5)) {
                assert_eq!(&got, l, "the line as written");
                lat.push(at - t);
            }
            std::thread::sleep(Duration::from_millis(200 + (i as u64 * 37) % 100));
        }
        report("  one line at a time (50 lines)", &mut lat);
    }

    // 2,000 events a second for `seconds`.
    let replay = &lines[50..50 + RATE * seconds];
    let per_write = RATE / WRITES;
    let mut written: HashMap<&str, Instant> = HashMap::new();
    let c0 = cpu_seconds(pid);
    let start = Instant::now();
    for (i, chunk) in replay.chunks(per_write).enumerate() {
        let due = start + Duration::from_secs_f64(i as f64 / WRITES as f64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let mut buf = String::with_capacity(chunk.iter().map(|l| l.len() + 1).sum());
        for l in chunk {
            buf.push_str(l);
            buf.push('\n');
        }
        let t = Instant::now();
        f.write_all(buf.as_bytes()).expect("write");
        for l in chunk {
            written.insert(l.as_str(), t);
        }
    }
    let wall = start.elapsed().as_secs_f64();
    // Let the last lines through, then count.
    let mut lat = Vec::new();
    let mut got = 0usize;
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Ok((at, l)) = rx.recv_timeout(
        deadline
            .saturating_duration_since(Instant::now())
            .min(Duration::from_secs(2)),
    ) {
        got += 1;
        if let Some(t) = written.get(l.as_str()) {
            lat.push(at - *t);
        }
    }
    let cpu = cpu_seconds(pid) - c0;
    let mb = replay.iter().map(|l| l.len() + 1).sum::<usize>() as f64 / 1e6;
    println!(
        "  replay: {} events in {wall:.1} s ({:.0}/s, {:.1} MB/s); {got} lines out",
        replay.len(),
        replay.len() as f64 / wall,
        mb / wall
    );
    println!(
        "  CPU: {cpu:.2} s over {wall:.1} s = {:.1}% of a core",
        cpu / wall * 100.0
    );
    if format == "jsonl" {
        assert_eq!(got, replay.len(), "every event once");
        report("  latency under load (every line)", &mut lat);
    }
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS"))
        .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        .unwrap_or_default();
    println!(
        "  resident memory at the end: {} MB",
        rss.parse::<u64>().unwrap_or(0) / 1024
    );
    let _ = child.kill();
    let _ = child.wait();
}

fn report(what: &str, lat: &mut [Duration]) {
    if lat.is_empty() {
        println!("{what}: no samples");
        return;
    }
    lat.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p = |q: f64| lat[((lat.len() as f64 - 1.0) * q) as usize];
    println!(
        "{what}: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(p(0.5)),
        ms(p(0.95)),
        ms(lat[lat.len() - 1])
    );
}
