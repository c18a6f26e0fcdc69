//! `kaudit tail --loki`: back-fill, then the WebSocket; a socket closed with
//! 1011 (Loki's max tail duration) or dropped (1006) resumes with no gap and
//! no repeat; a refused upgrade falls back to polling query_range.

mod support;

use std::time::Duration;
use support::fake_loki::{Entry, FakeLoki, TailFault};
use support::live::Running;
use support::loki_data::data;

const WAIT: Duration = Duration::from_secs(20);

fn now_ns() -> i64 {
    chrono::Utc::now().timestamp_nanos_opt().expect("ns")
}

/// Entries stamped as Promtail stamps them when they arrive.
fn stamped(e: &Entry, ts: i64) -> Entry {
    Entry { ts, ..e.clone() }
}

fn tail(url: &str) -> Running {
    Running::start(&[
        "tail",
        "--all",
        "--format",
        "jsonl",
        "--no-redact",
        "--loki",
        url,
        "--from",
        "2020-01-01T00:00:00Z",
    ])
}

/// Push entries one at a time, as a busy cluster does.
fn push_slowly(loki: &FakeLoki, entries: &[Entry], gap: Duration) {
    for e in entries {
        loki.push(vec![stamped(e, now_ns())]);
        std::thread::sleep(gap);
    }
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

#[test]
fn closes_with_1011_and_1006_resume_without_gap_or_repeat() {
    let d = data(2000);
    let t0 = now_ns() - 60 * support::loki_data::SEC;
    let history: Vec<Entry> = d.entries[..100]
        .iter()
        .enumerate()
        .map(|(i, e)| stamped(e, t0 + i as i64 * 1_000_000))
        .collect();
    let loki = FakeLoki::start(history);
    loki.with(|s| {
        s.tail_dropped = 3;
        s.tail_faults.push_back(TailFault {
            frames: 60,
            close: Some((1011, "reached tail max duration limit".into())),
        });
        s.tail_faults.push_back(TailFault {
            frames: 60,
            close: None,
        });
    });
    let mut t = tail(&loki.url);
    assert_eq!(t.wait_for(100, WAIT).len(), 100, "the back-fill");
    push_slowly(&loki, &d.entries[100..400], Duration::from_millis(10));
    t.wait_for(400, WAIT);
    let got = t.settle(Duration::from_millis(1500)).to_vec();
    let want: Vec<String> = d.entries[..400].iter().map(|e| e.line.clone()).collect();
    assert_eq!(got.len(), 400, "each entry once");
    assert_eq!(sorted(&got), sorted(&want), "every entry");
    let tails = loki.with(|s| s.tails.len());
    assert!(tails >= 3, "connected {tails} times");
    let (code, err) = t.interrupt();
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("1011 reached tail max duration limit"),
        "{err}"
    );
    assert!(err.contains("(1006"), "{err}");
    assert!(err.contains("Loki dropped 3 entries"), "{err}");
    // Each reconnect filled in from just before the newest entry, not from the start.
    let starts: Vec<i64> = loki.with(|s| {
        s.requests
            .iter()
            .filter_map(|r| r.get("start").and_then(|v| v.parse().ok()))
            .collect()
    });
    assert!(
        starts.iter().filter(|&&s| s > t0).count() >= 2,
        "gap fills: {starts:?}"
    );
}

#[test]
fn a_refused_websocket_falls_back_to_polling() {
    let d = data(2000);
    let loki = FakeLoki::start(Vec::new());
    loki.with(|s| {
        s.tail_refuse = Some((
            400,
            "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header".into(),
        ))
    });
    let mut t = tail(&loki.url);
    std::thread::sleep(Duration::from_millis(500));
    push_slowly(&loki, &d.entries[..150], Duration::from_millis(5));
    t.wait_for(150, WAIT);
    let got = t.settle(Duration::from_millis(2500)).to_vec();
    let want: Vec<String> = d.entries[..150].iter().map(|e| e.line.clone()).collect();
    assert_eq!(got.len(), 150, "each entry once");
    assert_eq!(sorted(&got), sorted(&want));
    let polls = loki.with(|s| s.requests.len());
    assert!(polls >= 3, "{polls} query_range requests");
    let (code, err) = t.interrupt();
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("polling query_range"), "{err}");
}
