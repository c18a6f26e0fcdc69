//! `update` driven by keys over the demo incident, as an operator would.

use super::*;
use crate::tui::runtime::step;
use crate::tui::testkit::{self, keys, typ};
use crate::tui::view::Listed;

const NOW: &str = "2026-11-21T12:30:00Z";

/// The demo incident (its smallest size holds the whole story), loaded.
fn demo(size: (u16, u16)) -> (tempfile::NamedTempFile, AppState) {
    testkit::demo(
        crate::demo::MIN_EVENTS,
        size,
        parse_rfc3339(NOW).expect("time"),
    )
}

fn titles(st: &AppState) -> Vec<String> {
    st.stack.iter().map(|s| s.page.title(&st.idx)).collect()
}

/// Move the selection to the first row whose first cell starts with `text`.
fn select_row(st: &mut AppState, text: &str) {
    let s = st.screen();
    let i = match &s.body {
        Body::Rows { rows, .. } => rows
            .iter()
            .position(|r| r.cells[0].trim_start().starts_with(text)),
        Body::Overview(o) => o.doors.iter().position(|r| r.cells[0].starts_with(text)),
        _ => None,
    }
    .unwrap_or_else(|| panic!("no row {text:?}"));
    keys(st, &["g"]);
    for _ in 0..i {
        keys(st, &["j"]);
    }
    assert_eq!(st.screen().sel, i);
}

fn user_of(st: &AppState, e: EventId) -> &str {
    st.idx.s(st.idx.who(&st.idx.events[e as usize]).user)
}

#[test]
fn drill_down_and_back() {
    let (_f, mut st) = demo((120, 40));
    assert_eq!(titles(&st), ["Overview"]);
    select_row(&mut st, "Findings");
    keys(&mut st, &["enter"]);
    assert_eq!(titles(&st), ["Overview", "Findings"]);
    // The first finding is the worst: Jordan's enumeration.
    keys(&mut st, &["enter"]);
    assert_eq!(
        titles(&st)[2],
        "denied-enumeration: jordan.lee@corp.example"
    );
    let Body::Events { events, .. } = &st.screen().body else {
        panic!("a list of events")
    };
    let reqs: std::collections::HashSet<_> = events
        .iter()
        .map(|&e| st.idx.events[e as usize].req)
        .collect();
    assert_eq!(reqs.len(), 24, "the 24 refused requests of the timeline");
    assert!(
        events
            .iter()
            .all(|&e| st.idx.events[e as usize].code == 403)
    );
    keys(&mut st, &["j", "enter"]);
    assert!(matches!(st.screen().page, Page::Detail(_)));
    let Body::Detail(d) = &st.screen().body else {
        panic!("detail")
    };
    assert!(!d.pending, "the event's text was read back");
    assert!(
        d.lines.iter().any(|l| l.text.contains("answer    403")),
        "{:?}",
        d.lines
    );
    // Back, with the selection where it was.
    keys(&mut st, &["esc"]);
    assert_eq!(st.screen().sel, 1);
    keys(&mut st, &["esc", "esc"]);
    assert_eq!(titles(&st), ["Overview"]);
    let sel = st.screen().sel;
    keys(&mut st, &["esc"]);
    assert_eq!(titles(&st), ["Overview"], "the root stays");
    assert_eq!(st.screen().sel, sel);
    assert!(st.message.as_ref().is_some_and(|m| m.0.contains("q quits")));
}

#[test]
fn users_objects_and_groups() {
    let (_f, mut st) = demo((120, 40));
    keys(&mut st, &[":"]);
    typ(&mut st, "users");
    keys(&mut st, &["enter"]);
    assert_eq!(titles(&st), ["Overview", "Users"]);
    let count = |st: &AppState| st.screen().body.len();
    let closed = count(&st);
    // People are open, system identities closed until asked.
    select_row(&mut st, "▸ System identities");
    keys(&mut st, &["l"]);
    assert!(count(&st) > closed + 10);
    keys(&mut st, &["h"]);
    assert_eq!(count(&st), closed);
    select_row(&mut st, "jordan.lee@corp.example");
    keys(&mut st, &["enter"]);
    let Body::Events { events, header } = &st.screen().body else {
        panic!("events")
    };
    assert!(
        events
            .iter()
            .all(|&e| user_of(&st, e) == "jordan.lee@corp.example")
    );
    assert!(header[0].0.contains("refused"), "{header:?}");
    // Objects: resource → namespace → name.
    keys(&mut st, &[":"]);
    typ(&mut st, "obj");
    keys(&mut st, &["enter"]);
    select_row(&mut st, "▸ secrets");
    keys(&mut st, &["enter"]);
    select_row(&mut st, "▸ payments-prod");
    keys(&mut st, &["enter"]);
    select_row(&mut st, "stripe-api-key");
    keys(&mut st, &["enter"]);
    assert_eq!(
        titles(&st).last().map(String::as_str),
        Some("secrets payments-prod/stripe-api-key")
    );
    let Body::Events { events, .. } = &st.screen().body else {
        panic!("events")
    };
    assert!(!events.is_empty());
    assert!(
        events
            .iter()
            .all(|&e| st.idx.s(st.idx.obj(&st.idx.events[e as usize]).name) == "stripe-api-key")
    );
}

#[test]
fn filter_applies_to_every_view_and_reports_errors() {
    let (_f, mut st) = demo((120, 40));
    let all = st.scope.events.len();
    keys(&mut st, &["/"]);
    typ(&mut st, "usr:jordan*");
    assert_eq!(st.mode(), Mode::Input);
    let err = st
        .input
        .as_ref()
        .and_then(|i| i.error.clone())
        .expect("checked while typing");
    assert_eq!(
        (err.0, err.1),
        (1, 3),
        "the bad field is pointed at: {err:?}"
    );
    keys(&mut st, &["enter"]);
    assert_eq!(st.mode(), Mode::Input, "a bad filter is not applied");
    assert_eq!(st.scope.events.len(), all);
    keys(&mut st, &["ctrl-u"]);
    typ(&mut st, "user:jordan.lee@corp.example @secrets");
    keys(&mut st, &["enter"]);
    assert_eq!(st.mode(), Mode::Normal);
    let n = st.scope.events.len();
    assert!(n > 0 && n < all);
    let k = st.idx.known;
    assert!(
        st.scope
            .events
            .iter()
            .all(|&e| user_of(&st, e) == "jordan.lee@corp.example"
                && st.idx.obj(&st.idx.events[e as usize]).resource == k.secrets)
    );
    // The same selection behind the other views.
    keys(&mut st, &[":"]);
    typ(&mut st, "secrets");
    keys(&mut st, &["enter"]);
    let Body::Rows { rows, .. } = &st.screen().body else {
        panic!("rows")
    };
    assert!(
        rows.iter().all(|r| r.cells[3].contains("jordan.lee")),
        "only Jordan's accesses"
    );
    keys(&mut st, &[":"]);
    typ(&mut st, "denied");
    keys(&mut st, &["enter"]);
    let Body::Rows { rows, .. } = &st.screen().body else {
        panic!("rows")
    };
    assert_eq!(rows.len(), 1, "only Jordan is refused under this filter");
    // History: ↑ brings back the last filters.
    keys(&mut st, &["/", "ctrl-u"]);
    typ(&mut st, "@exec");
    keys(&mut st, &["enter", "/", "up"]);
    assert_eq!(st.input.as_ref().map(|i| i.text.as_str()), Some("@exec"));
    keys(&mut st, &["up"]);
    assert_eq!(
        st.input.as_ref().map(|i| i.text.as_str()),
        Some("user:jordan.lee@corp.example @secrets")
    );
    keys(&mut st, &["down", "down"]);
    assert_eq!(
        st.input.as_ref().map(|i| i.text.as_str()),
        Some("@exec "),
        "back to what was there: the active filter, ready for one more term"
    );
    keys(&mut st, &["esc"]);
    assert_eq!(st.filter.text, "@exec", "esc leaves the filter as it was");
    keys(&mut st, &["ctrl-l"]);
    assert_eq!(st.scope.events.len(), all);
}

#[test]
fn fuzzy_words_select_and_keep_the_selected_event() {
    let (_f, mut st) = demo((120, 40));
    keys(&mut st, &[":"]);
    typ(&mut st, "events");
    keys(&mut st, &["enter"]);
    // Select an exec event, then filter on what it is: it stays selected.
    let Body::Events { events, .. } = &st.screen().body else {
        panic!("events")
    };
    let k = st.idx.known;
    let pos = events
        .iter()
        .position(|&e| {
            st.idx.obj(&st.idx.events[e as usize]).subresource == k.exec
                && user_of(&st, e).starts_with("jordan")
        })
        .expect("an exec");
    let target = events[pos];
    keys(&mut st, &["g"]);
    for _ in 0..pos {
        keys(&mut st, &["j"]);
    }
    keys(&mut st, &["/"]);
    typ(&mut st, "jordan podsexec");
    keys(&mut st, &["enter"]);
    let s = st.screen();
    let Body::Events { events, .. } = &s.body else {
        panic!("events")
    };
    assert!(events.len() < 50, "{} events", events.len());
    assert_eq!(events.get(s.sel), Some(&target));
}

#[test]
fn marks() {
    let (_f, mut st) = demo((120, 40));
    keys(&mut st, &[":"]);
    typ(&mut st, "events");
    keys(&mut st, &["enter", "m", "m"]);
    assert_eq!(st.marks.len(), 2);
    assert_eq!(st.screen().sel, 2, "m moves on, to mark runs quickly");
    keys(&mut st, &["k", "m"]);
    assert_eq!(st.marks.len(), 1, "m again unmarks");
    keys(&mut st, &[":"]);
    typ(&mut st, "marks");
    keys(&mut st, &["enter"]);
    let Body::Events { events, .. } = &st.screen().body else {
        panic!("events")
    };
    assert_eq!(events.len(), 1);
    // Marks are for events.
    keys(&mut st, &[":"]);
    typ(&mut st, "users");
    keys(&mut st, &["enter", "m"]);
    assert_eq!(st.marks.len(), 1);
}

#[test]
fn commands_and_time_window() {
    let (_f, mut st) = demo((120, 40));
    keys(&mut st, &[":"]);
    typ(&mut st, "nope");
    keys(&mut st, &["enter"]);
    assert!(
        st.input
            .as_ref()
            .and_then(|i| i.error.as_ref())
            .is_some_and(|e| e.2.contains("no command"))
    );
    keys(&mut st, &["esc", ":"]);
    typ(&mut st, "e");
    keys(&mut st, &["enter"]);
    assert!(
        st.input
            .as_ref()
            .and_then(|i| i.error.as_ref())
            .is_some_and(|e| e.2.contains(":events") && e.2.contains(":exec")),
        "ambiguous"
    );
    keys(&mut st, &["esc", ":"]);
    typ(&mut st, "from 09:40");
    keys(&mut st, &["enter", ":"]);
    typ(&mut st, "to 10:00");
    keys(&mut st, &["enter"]);
    let (from, to) = (
        parse_rfc3339("2026-11-21T09:40:00Z"),
        parse_rfc3339("2026-11-21T10:00:00Z"),
    );
    assert_eq!((st.filter.window.from, st.filter.window.to), (from, to));
    assert!(!st.scope.events.is_empty());
    assert!(st.scope.events.iter().all(|&e| {
        let t = Some(st.idx.events[e as usize].ts);
        t >= from && t < to
    }));
    // :since counts back from now.
    keys(&mut st, &[":"]);
    typ(&mut st, "since 1h");
    keys(&mut st, &["enter"]);
    assert_eq!(st.filter.window.from, parse_rfc3339("2026-11-21T11:30:00Z"));
    assert_eq!(st.filter.window.to, None);
    keys(&mut st, &[":"]);
    typ(&mut st, "from 11:00");
    keys(&mut st, &["enter", ":"]);
    typ(&mut st, "to 10:00");
    keys(&mut st, &["enter"]);
    assert!(
        st.input
            .as_ref()
            .and_then(|i| i.error.as_ref())
            .is_some_and(|e| e.2.contains("empty"))
    );
    keys(&mut st, &["esc", ":"]);
    typ(&mut st, "q");
    assert!(keys(&mut st, &["enter"]), ":q quits");
}

#[test]
fn histogram_narrows_the_window() {
    let (_f, mut st) = demo((80, 24));
    assert!(
        matches!(
            st.screen().body.open(st.screen().sel),
            Open::Page(Page::Findings)
        ),
        "the overview opens on the findings"
    );
    keys(&mut st, &["k"]);
    assert!(matches!(
        st.screen().body.open(st.screen().sel),
        Open::Histogram
    ));
    let Body::Overview(o) = &st.screen().body else {
        panic!("overview")
    };
    let h = o.histogram.clone();
    assert_eq!(h.buckets.len(), layout::histogram_width(80));
    assert_eq!(
        h.buckets.iter().map(|b| b.0 + b.1).sum::<u64>() as usize,
        st.scope.events.len()
    );
    for _ in 0..10 {
        keys(&mut st, &["right"]);
    }
    keys(&mut st, &["enter"]);
    assert_eq!(st.hist.anchor, Some(10));
    for _ in 0..5 {
        keys(&mut st, &["l"]);
    }
    keys(&mut st, &["h", "enter"]);
    let from = h.start + 10 * h.width;
    let to = h.start + 15 * h.width;
    assert_eq!(
        (st.filter.window.from, st.filter.window.to),
        (Some(from), Some(to))
    );
    let expect: u64 = h.buckets[10..15].iter().map(|b| b.0 + b.1).sum();
    assert_eq!(st.scope.events.len() as u64, expect);
    // Esc cancels a half-picked range before it leaves anything.
    keys(&mut st, &["enter", "esc"]);
    assert_eq!(st.hist.anchor, None);
}

#[test]
fn secrets_stay_redacted_until_confirmed() {
    let (_f, mut st) = demo((120, 40));
    // A read of the secrets of payments-prod, with their values logged.
    keys(&mut st, &["/"]);
    typ(
        &mut st,
        "user:jordan.lee@corp.example verb:list @secrets ns:payments-prod code:200",
    );
    keys(&mut st, &["enter", ":"]);
    typ(&mut st, "events");
    keys(&mut st, &["enter", "enter"]);
    let text = |st: &AppState| match &st.screen().body {
        Body::Detail(d) => d
            .lines
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => panic!("detail"),
    };
    let section = |st: &mut AppState, name: &str| {
        let Body::Detail(d) = &st.screen().body else {
            panic!("detail")
        };
        let i = d
            .lines
            .iter()
            .position(|l| l.section.as_deref() == Some(name))
            .expect("section");
        keys(st, &["g"]);
        for _ in 0..i {
            keys(st, &["j"]);
        }
        keys(st, &["enter"]);
    };
    section(&mut st, "responseObject");
    assert!(text(&st).contains("\"<redacted>\""), "{}", text(&st));
    keys(&mut st, &["r"]);
    assert_eq!(st.mode(), Mode::Confirm);
    keys(&mut st, &["n"]);
    assert!(!st.reveal);
    assert!(text(&st).contains("\"<redacted>\""));
    keys(&mut st, &["r", "y"]);
    assert!(st.reveal);
    assert!(
        !text(&st).contains("\"<redacted>\""),
        "values shown once confirmed"
    );
    keys(&mut st, &["r"]);
    assert!(!st.reveal, "r hides them again without asking");
    assert!(text(&st).contains("\"<redacted>\""));
}

#[test]
fn scrolling_and_resizing_keep_the_place() {
    let (_f, mut st) = demo((80, 24));
    keys(&mut st, &[":"]);
    typ(&mut st, "events");
    keys(&mut st, &["enter"]);
    let h = layout::list_height(st.size, &st.screen().body);
    assert_eq!(h, 24 - 3 - 1);
    keys(&mut st, &["pgdn"]);
    assert_eq!(st.screen().sel, h);
    assert_eq!(st.screen().top, 1, "the selected row is the last shown");
    keys(&mut st, &["G"]);
    let last = st.screen().body.len() - 1;
    assert_eq!(st.screen().sel, last);
    assert_eq!(st.screen().top, last + 1 - h);
    step(&mut st, Action::Resize(120, 40));
    assert_eq!(st.screen().sel, last, "a resize keeps the selection");
    assert_eq!(titles(&st), ["Overview", "Events"]);
    step(&mut st, Action::Resize(80, 10));
    let h = layout::list_height(st.size, &st.screen().body);
    assert!(
        st.screen().top + h > last && st.screen().top <= last,
        "still on screen"
    );
    keys(&mut st, &["g"]);
    assert_eq!((st.screen().sel, st.screen().top), (0, 0));
}

#[test]
fn help_and_quit() {
    let (_f, mut st) = demo((80, 24));
    keys(&mut st, &["?"]);
    assert_eq!(st.mode(), Mode::Help);
    keys(&mut st, &["j", "j"]);
    assert_eq!(st.overlay, Overlay::Help { scroll: 2 });
    keys(&mut st, &["esc"]);
    assert_eq!(st.mode(), Mode::Normal);
    assert!(keys(&mut st, &["q"]));
}

#[test]
fn a_source_of_another_generation_is_dropped() {
    let (_f, mut st) = demo((80, 24));
    let n = st.idx.events.len();
    let fx = update(
        &mut st,
        Action::Source {
            generation: 7,
            msg: SourceMsg::Warning("old run".into()),
        },
    );
    assert!(fx.is_empty());
    assert!(st.errors.is_empty());
    assert_eq!(st.idx.events.len(), n);
}

#[test]
fn list_pages_follow_the_filter() {
    let (_f, mut st) = demo((120, 40));
    keys(&mut st, &[":"]);
    typ(&mut st, "exec");
    keys(&mut st, &["enter", "enter"]);
    let Page::List {
        of: Listed::Requests(_),
        ..
    } = &st.screen().page
    else {
        panic!("a list")
    };
    let before = st.screen().body.len();
    assert!(before > 0);
    keys(&mut st, &["/"]);
    typ(&mut st, "user:nobody");
    keys(&mut st, &["enter"]);
    assert_eq!(st.screen().body.len(), 0, "the list is re-filtered");
    keys(&mut st, &["ctrl-l"]);
    assert_eq!(st.screen().body.len(), before);
}

#[test]
fn a_cluster_is_chosen_from_the_picker_and_asked_for() {
    let (_f, mut st) = demo((80, 24));
    // Without clusters there is nothing to choose.
    keys(&mut st, &[":"]);
    typ(&mut st, "cluster");
    keys(&mut st, &["enter"]);
    let error = st.input.as_ref().and_then(|i| i.error.clone());
    assert!(error.is_some_and(|e| e.2.contains("one cluster")));
    keys(&mut st, &["esc"]);
    st.clusters = vec!["prod-eu-1".into(), "staging-us-2".into()];
    keys(&mut st, &[":"]);
    typ(&mut st, "cluster");
    keys(&mut st, &["enter"]);
    assert_eq!(st.mode(), Mode::Pick);
    // Down past the end stays on the last; enter asks for it.
    keys(&mut st, &["j", "j", "j", "enter"]);
    assert_eq!(st.reload, Some(Some("staging-us-2".into())));
    assert_eq!(st.mode(), Mode::Normal);
    // Loaded: the picker starts on it, and choosing it again asks nothing.
    st.reload = None;
    st.cluster = Some("staging-us-2".into());
    keys(&mut st, &[":"]);
    typ(&mut st, "cluster");
    keys(&mut st, &["enter"]);
    assert_eq!(st.overlay, Overlay::Clusters { sel: 2 });
    keys(&mut st, &["enter"]);
    assert_eq!(st.reload, None);
    // All of them again: the first row.
    keys(&mut st, &[":"]);
    typ(&mut st, "cluster");
    keys(&mut st, &["enter", "k", "k", "enter"]);
    assert_eq!(st.reload, Some(None));
    // esc keeps what is loaded.
    st.reload = None;
    keys(&mut st, &[":"]);
    typ(&mut st, "cluster");
    keys(&mut st, &["enter", "k", "esc"]);
    assert_eq!((st.reload.clone(), st.mode()), (None, Mode::Normal));
}

/// Live mode over a followed file: what arrives, up to `n` events in all.
fn take_until(st: &mut AppState, rx: &std::sync::mpsc::Receiver<SourceMsg>, n: usize) {
    while st.idx.events.len() < n {
        let msg = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("followed lines arrive");
        step(st, Action::Source { generation: 0, msg });
    }
}

#[test]
fn live_lists_follow_unless_scrolled_up_and_pause_holds_the_view() {
    use std::io::Write;
    let file = tempfile::NamedTempFile::new().expect("tmp");
    let mut demo = Vec::new();
    crate::demo::write_demo(&crate::demo::DemoOptions::default(), &mut demo).expect("demo");
    let demo = String::from_utf8(demo).expect("utf-8");
    let lines: Vec<&str> = demo.lines().collect();
    let mut w = std::fs::OpenOptions::new()
        .append(true)
        .open(file.path())
        .expect("open");
    let mut add = |from: usize, to: usize| {
        for l in &lines[from..to] {
            writeln!(w, "{l}").expect("write");
        }
        w.flush().expect("flush");
    };
    add(0, 500);
    let opts = crate::source::follow::FollowOptions {
        from_start: true,
        ..Default::default()
    };
    let loading = crate::source::follow::start(&[file.path().to_path_buf()], opts).expect("follow");
    let now = parse_rfc3339(NOW).expect("time");
    let mut st = AppState::new(Setup {
        live: true,
        ..Setup::plain("live", Vec::new(), loading.raw.clone(), (120, 40), now)
    });
    let mut clock = now;
    let mut tick = |st: &mut AppState| {
        clock += REFRESH_EVERY;
        step(st, Action::Tick(clock));
    };
    take_until(&mut st, &loading.rx, 500);
    tick(&mut st);
    testkit::command(&mut st, "events");
    let len = |st: &AppState| st.screen().body.len();
    assert_eq!(len(&st), 500);
    assert_eq!(st.screen().sel, 499, "opens on the newest row");
    // At the last row: the list follows what arrives.
    add(500, 600);
    take_until(&mut st, &loading.rx, 600);
    tick(&mut st);
    assert_eq!(len(&st), 600);
    assert_eq!(st.screen().sel, 599);
    assert_eq!(st.unseen, 0);
    // Scrolled up: the selection stays, the new rows are counted.
    keys(&mut st, &["k", "k", "k"]);
    let held = st.screen().body.event(st.screen().sel);
    add(600, 650);
    take_until(&mut st, &loading.rx, 650);
    tick(&mut st);
    assert_eq!(len(&st), 650);
    assert_eq!(st.screen().body.event(st.screen().sel), held);
    assert_eq!(st.unseen, 50);
    assert!(testkit::screen(&st).contains("50 new ↓"));
    // Paused: the events are taken in, the view holds still.
    keys(&mut st, &["p"]);
    add(650, 700);
    take_until(&mut st, &loading.rx, 700);
    tick(&mut st);
    assert_eq!(len(&st), 650);
    assert!(testkit::screen(&st).contains("PAUSED +50"));
    keys(&mut st, &["p"]);
    assert_eq!(len(&st), 700);
    // Back at the bottom, nothing is unseen.
    keys(&mut st, &["G"]);
    assert_eq!(st.unseen, 0);
}
