//! Every screen drawn at 80x24 and 120x40 (TestBackend + insta), with the
//! demo incident, an empty input, a load under way and broken inputs; and
//! hostile text that must reach the screen as inert characters.

mod common;

use kaudit::model::time::parse_rfc3339;
use kaudit::source::{self, LoadOptions, SourceMsg, SourceSpec};
use kaudit::tui::app::{Action, AppState, Setup};
use kaudit::tui::runtime::{headless, step};
use kaudit::tui::testkit::{command, demo, keys, screen, typ};
use kaudit::tui::view::Body;
use std::path::Path;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn now() -> i64 {
    parse_rfc3339("2026-11-21T12:30:00Z").expect("time")
}

/// Draw a screen of the demo at both sizes, after `go`; returns the texts.
fn shot(name: &str, go: impl Fn(&mut AppState)) -> Vec<String> {
    SIZES
        .iter()
        .map(|&size| {
            let (_f, mut st) = demo(kaudit::demo::MIN_EVENTS, size, now());
            go(&mut st);
            let text = screen(&st);
            insta::assert_snapshot!(format!("{name}-{}x{}", size.0, size.1), text);
            text
        })
        .collect()
}

/// Select the first row whose first cell starts with `text`.
fn select(st: &mut AppState, text: &str) {
    let s = st.screen();
    let i = match &s.body {
        Body::Rows { rows, .. } => rows
            .iter()
            .position(|r| r.cells[0].trim_start().starts_with(text)),
        Body::Overview(o) => o.doors.iter().position(|r| r.cells[0].starts_with(text)),
        Body::Detail(d) => d
            .lines
            .iter()
            .position(|l| l.section.as_deref() == Some(text)),
        Body::Events { .. } => None,
    }
    .unwrap_or_else(|| panic!("no row {text:?}"));
    keys(st, &["g"]);
    for _ in 0..i {
        keys(st, &["j"]);
    }
}

#[test]
fn overview() {
    for t in shot("overview", |_| {}) {
        assert!(t.contains("kaudit ▸ Overview"));
        assert!(t.contains("Findings: "), "{t}");
        assert!(
            t.contains("jordan.lee@corp.exam"),
            "the worst finding is in sight: {t}"
        );
        assert!(t.contains("people ▆ system ▂"), "{t}");
    }
}

#[test]
fn users_and_a_user() {
    for t in shot("users", |st| command(st, "users")) {
        assert!(t.contains("▾ People (35)"), "{t}");
    }
    for t in shot("user", |st| {
        command(st, "users");
        select(st, "jordan.lee");
        keys(st, &["enter"]);
    }) {
        assert!(t.contains("verbs: "), "{t}");
    }
}

#[test]
fn objects_tree() {
    for t in shot("objects", |st| {
        command(st, "objects");
        select(st, "▸ secrets");
        keys(st, &["enter"]);
        select(st, "▸ payments-prod");
        keys(st, &["enter"]);
    }) {
        assert!(
            t.contains("▾ secrets") && t.contains("▾ payments-prod"),
            "{t}"
        );
        assert!(t.contains("stripe-api-key"), "{t}");
    }
}

#[test]
fn investigations() {
    for t in shot("secrets", |st| command(st, "secrets")) {
        assert!(t.contains("payments-prod/"), "{t}");
    }
    for t in shot("denied", |st| command(st, "denied")) {
        assert!(t.contains("jordan.lee@corp.exam"), "{t}");
        assert!(t.contains("45.155.205.11"), "the scanner, by address: {t}");
    }
    for t in shot("exec", |st| command(st, "exec")) {
        assert!(t.contains("k9q:api"), "{t}");
    }
    for t in shot("findings", |st| command(st, "findings")) {
        assert!(t.contains("HIGH"), "{t}");
    }
}

#[test]
fn events_list_and_detail() {
    for t in shot("events", |st| command(st, "events")) {
        assert!(t.contains("TIME") && t.contains("CODE"), "{t}");
    }
    for t in shot("evidence", |st| {
        command(st, "findings");
        keys(st, &["enter"]);
    }) {
        assert!(t.contains("403"), "{t}");
    }
    for t in shot("detail", |st| {
        command(st, "findings");
        keys(st, &["enter", "enter"]);
    }) {
        assert!(t.contains("▾ request") && t.contains("auditID"), "{t}");
    }
    // The secrets of payments-prod as listed, values redacted.
    for t in shot("detail-secret", |st| {
        keys(st, &["/"]);
        typ(st, "verb:list @secrets ns:payments-prod code:200");
        keys(st, &["enter"]);
        command(st, "events");
        keys(st, &["enter"]);
        select(st, "responseObject");
        keys(st, &["enter"]);
        // Down to the first value.
        let Body::Detail(d) = &st.screen().body else {
            panic!("detail")
        };
        let at = d
            .lines
            .iter()
            .position(|l| l.text.contains("<redacted>"))
            .expect("a redacted value");
        for _ in st.screen().sel..at + 5 {
            keys(st, &["j"]);
        }
    }) {
        assert!(t.contains("<redacted>"), "{t}");
    }
    for t in shot("confirm-reveal", |st| {
        command(st, "findings");
        keys(st, &["enter", "enter", "r"]);
    }) {
        assert!(t.contains("Show secret values?"), "{t}");
    }
}

#[test]
fn marks_help_filter() {
    for t in shot("marks", |st| {
        command(st, "events");
        keys(st, &["m", "j", "m", "k", "n"]);
        typ(st, "seen in the incident channel, ticket 42");
        keys(st, &["enter"]);
        command(st, "marks");
        keys(st, &["j"]);
    }) {
        assert!(t.contains("2 marked events, 1 with notes"), "{t}");
        assert!(t.contains("✎ seen in the incident channel"), "{t}");
    }
    for t in shot("help", |st| {
        keys(st, &["?"]);
    }) {
        assert!(t.contains("Keys") && t.contains("j down"), "{t}");
    }
    for t in shot("filter-error", |st| {
        keys(st, &["/"]);
        typ(st, "@humans usr:jordan");
    }) {
        assert!(t.contains("✗ column 9"), "{t}");
    }
    for t in shot("filtered", |st| {
        keys(st, &["/"]);
        typ(st, "jordan podsexec");
        keys(st, &["enter"]);
        command(st, "events");
    }) {
        assert!(t.contains("/ jordan podsexec"), "{t}");
    }
    for t in shot("no-match", |st| {
        keys(st, &["/"]);
        typ(st, "user:nobody");
        keys(st, &["enter"]);
        command(st, "events");
    }) {
        assert!(t.contains("nothing here for this filter"), "{t}");
    }
    for t in shot("window", |st| {
        command(st, "from 09:40");
        command(st, "to 10:00");
    }) {
        assert!(t.contains("⏱ 11-21 09:40:00 → 11-21 10:00:00"), "{t}");
    }
}

/// A session over a file with its first batches in (up to `share` of its
/// bytes), and
/// progress said to match (the pipeline's own progress messages interleave
/// with batches by timing; this is the same state every run).
fn session(path: &Path, size: (u16, u16), share: f64) -> AppState {
    let opened = source::open(&[SourceSpec::Path(path.to_path_buf())]).expect("opens");
    let opts = LoadOptions {
        workers: 1,
        chunk_size: 1 << 16,
        ..LoadOptions::default()
    };
    let loading = source::start(opened.inputs, opts).expect("starts");
    let mut st = AppState::new(Setup::plain(
        "audit.log",
        loading.names.clone(),
        loading.raw.clone(),
        size,
        now(),
    ));
    let total = std::fs::metadata(path).expect("size").len();
    let mut bytes = 0;
    for msg in loading.rx.iter() {
        if let SourceMsg::Batch(b) = &msg {
            bytes += b.bytes;
        } else {
            continue;
        }
        step(&mut st, Action::Source { generation: 0, msg });
        if bytes as f64 >= share * total as f64 {
            break;
        }
    }
    let events = st.idx.events.len() as u64;
    let p = kaudit::source::Progress {
        bytes_read: bytes,
        bytes_total: total,
        events,
        remote: None,
    };
    step(
        &mut st,
        Action::Source {
            generation: 0,
            msg: SourceMsg::Progress(p),
        },
    );
    // The clock ticks: the screens catch up with what has arrived.
    step(&mut st, Action::Tick(now()));
    st
}

#[test]
fn loading_empty_and_broken_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("audit.log");
    let mut f = std::fs::File::create(&big).expect("create");
    kaudit::demo::write_demo(
        &kaudit::demo::DemoOptions {
            events: 20_000,
            ..Default::default()
        },
        &mut f,
    )
    .expect("demo");
    for size in SIZES {
        // Part-way: the first batches in, the gauge and counts showing.
        let st = session(&big, size, 0.4);
        assert!(!st.load.done);
        let t = screen(&st);
        assert!(t.contains("loading") && t.contains('%'), "{t}");
        insta::assert_snapshot!(format!("loading-{}x{}", size.0, size.1), t);

        // Nothing at all.
        let empty = common::fixtures().join("bad-inputs/05-empty.log");
        let st = headless(&[SourceSpec::Path(empty)], size, now()).expect("loads");
        let t = screen(&st);
        assert!(t.contains("no activity to chart"), "{t}");
        insta::assert_snapshot!(format!("empty-{}x{}", size.0, size.1), t);

        // Malformed lines and a read error: said in the status bar.
        let bad = common::fixtures().join("bad-inputs/12-garbage-between.log");
        let mut st = headless(&[SourceSpec::Path(bad)], size, now()).expect("loads");
        let t = screen(&st);
        assert!(t.contains("malformed line"), "{t}");
        assert!(
            t.contains("12-garbage-between.log:"),
            "with file and line: {t}"
        );
        step(&mut st, Action::Source { generation: 0, msg: SourceMsg::Warning("audit.log.2.gz: read stopped after an error (unexpected end of file); the events before it are kept".into()) });
        let t = screen(&st);
        assert!(t.contains("⚠ audit.log.2.gz: read stopped"), "{t}");
        insta::assert_snapshot!(format!("source-error-{}x{}", size.0, size.1), t);
    }
}

#[test]
fn escape_sequences_in_event_text_are_inert() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hostile.log");
    // A user agent that would turn the screen red and retitle the window, a
    // user name with a C1 CSI and a right-to-left override in an object name.
    let line = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"11111111-2222-4333-8444-555555555555","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods/x","verb":"get","user":{"username":"eve\u009b31m@corp.example","groups":["system:authenticated"]},"sourceIPs":["203.0.113.9"],"userAgent":"curl\u001b[31mRED\u001b]0;pwned\u0007","objectRef":{"resource":"pods","namespace":"default","name":"x\u202egnp.exe","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-11-21T09:00:00.000000Z","stageTimestamp":"2026-11-21T09:00:00.010000Z"}"#;
    std::fs::write(&path, format!("{line}\n")).expect("write");
    let mut st = headless(&[SourceSpec::Path(path)], (120, 40), now()).expect("loads");
    let theme = kaudit::tui::theme::Theme::default_theme();
    let check = |st: &AppState, what: &str| {
        let b = kaudit::tui::testkit::draw(st, &theme);
        for cell in b.content() {
            assert!(
                !cell
                    .symbol()
                    .chars()
                    .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                "{what}: a raw control character reached the screen: {:?}",
                cell.symbol()
            );
        }
        screen(st)
    };
    command(&mut st, "events");
    let t = check(&st, "events");
    assert!(t.contains(r"eve\x9b31m@corp.example"), "{t}");
    assert!(t.contains(r"x\u{202e}gnp.exe"), "{t}");
    keys(&mut st, &["enter"]);
    let t = check(&st, "detail");
    assert!(
        t.contains(r"curl\x1b[31mRED\x1b]0;pwned\x07"),
        "the user agent, escaped: {t}"
    );
    // And in the filter line, typed by the operator.
    keys(&mut st, &["/"]);
    typ(&mut st, "a\u{1b}[2Jb");
    check(&st, "filter line");
}

#[test]
fn a_loki_fetch_shows_its_share_of_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("audit.log");
    let mut f = std::fs::File::create(&path).expect("create");
    kaudit::demo::write_demo(
        &kaudit::demo::DemoOptions {
            events: 5_000,
            ..Default::default()
        },
        &mut f,
    )
    .expect("demo");
    let mut st = session(&path, (120, 40), 0.3);
    let remote = kaudit::source::loki::Outcome {
        covered: 30,
        span: 100,
        windows_done: 5,
        windows: 16,
        bytes: 12 << 20,
        ..Default::default()
    };
    step(
        &mut st,
        Action::Source {
            generation: 0,
            msg: SourceMsg::Progress(kaudit::source::Progress {
                events: 1234,
                remote: Some(remote),
                ..Default::default()
            }),
        },
    );
    let t = screen(&st);
    assert!(
        t.contains("loading  30% ███░░░░░░░") && t.contains("5/16 windows · 12 MB"),
        "{t}"
    );
}
