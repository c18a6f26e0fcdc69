//! Server-side grouping: `summary`, `users` and `objects` answered by Loki's
//! counts (metric queries) give what downloading the lines gives, counting
//! each request by its ResponseComplete event.

mod support;

use serde_json::Value;
use support::fake_loki::FakeLoki;
use support::loki_data::{Data, SEC, data, kaudit, loki_run, stderr};

fn json_of(o: &std::process::Output) -> Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("json")
}

/// The requests Loki can count, every event of them: those that ended
/// (ResponseComplete or Panic) or failed authentication (401 at
/// ResponseStarted, the only event the apiserver logs for it).
fn finished(d: &Data) -> std::path::PathBuf {
    let path = d._dir.path().join("finished.log");
    if path.exists() {
        return path;
    }
    let text = std::fs::read_to_string(&d.file).expect("read");
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let done: std::collections::HashSet<&str> = events
        .iter()
        .filter(|e| {
            let stage = e["stage"].as_str().unwrap_or("");
            matches!(stage, "ResponseComplete" | "Panic")
                || (stage == "ResponseStarted" && e["responseStatus"]["code"] == 401)
        })
        .filter_map(|e| e["auditID"].as_str())
        .collect();
    let kept: Vec<&str> = text
        .lines()
        .zip(&events)
        .filter(|(_, e)| e["auditID"].as_str().is_some_and(|a| done.contains(a)))
        .map(|(l, _)| l)
        .collect();
    assert!(kept.len() < events.len(), "some requests are still running");
    std::fs::write(&path, kept.join("\n") + "\n").expect("write");
    path
}

/// The file's answer for the requests Loki counts.
fn from_file(d: &Data, cmd: &str, filter: &str) -> Value {
    let mut c = kaudit();
    c.args([cmd, "--format", "json"]);
    if !filter.is_empty() {
        c.args(["--filter", filter]);
    }
    json_of(&c.arg(finished(d)).output().expect("run"))
}

fn time(v: &Value) -> i64 {
    let s = v.as_str().expect("a time");
    let t = chrono::DateTime::parse_from_rfc3339(s).expect("rfc3339");
    t.timestamp_nanos_opt().expect("in range")
}

/// Loki knows when a request completed, to the step: `first` is the start of
/// the step of the user's first completion (the file: when the first request
/// arrived), `last` the end of the step of the last one.
fn close_in_time(got: &Value, want: &Value, step: i64) {
    let (gf, gl, wf, wl) = (
        time(&got["first"]),
        time(&got["last"]),
        time(&want["first"]),
        time(&want["last"]),
    );
    assert!(gf >= wf - step - SEC && gf <= wl, "first {got} vs {want}");
    assert!((gl - wl).abs() <= step + SEC, "last {got} vs {want}");
}

fn without(v: &Value, keys: &[&str]) -> Value {
    let mut v = v.clone();
    for k in keys {
        v.as_object_mut().expect("object").remove(*k);
    }
    v
}

/// The 8-hour test window in 250 whole-second steps.
const STEP: i64 = 8 * 3600 / 250 * SEC;

#[test]
fn loki_counts_what_downloading_counts() {
    let d = data(4_000);
    let loki = FakeLoki::start(d.entries.clone());
    // A Loki whose max_query_series was raised: every breakdown fits (the
    // default, 500, is tested below).
    loki.with(|s| s.max_series = 10_000);
    for filter in [
        "",
        "-user:system:*",
        "@secrets",
        "verb:get,list ns:payments-prod",
    ] {
        let mut args = vec!["users", "--format", "json", "--server-side"];
        if !filter.is_empty() {
            args.extend(["--filter", filter]);
        }
        let before = loki.with(|s| s.returned);
        let o = loki_run(&d, &loki.url, &args);
        let got = json_of(&o);
        let fetched = loki.with(|s| s.returned) - before;
        // The lines looked at before counting: 50 to learn the metadata, one
        // to check the filter's query.
        assert!(fetched <= 51, "{fetched} lines downloaded");
        assert!(
            stderr(&o).contains("Loki counted these requests"),
            "{}",
            stderr(&o)
        );
        let want = from_file(&d, "users", filter);
        let (g, w) = (
            got["users"].as_array().expect("a list"),
            want["users"].as_array().expect("a list"),
        );
        assert!(!w.is_empty(), "{filter}");
        assert_eq!(g.len(), w.len(), "{filter}");
        for (g, w) in g.iter().zip(w) {
            assert_eq!(
                without(g, &["first", "last"]),
                without(w, &["first", "last"]),
                "{filter}"
            );
            close_in_time(g, w, STEP);
        }
    }

    let got = json_of(&loki_run(
        &d,
        &loki.url,
        &["objects", "--format", "json", "--server-side"],
    ));
    let want = from_file(&d, "objects", "");
    let (g, w) = (
        got["objects"].as_array().expect("a list"),
        want["objects"].as_array().expect("a list"),
    );
    assert_eq!(g.len(), w.len());
    for (g, w) in g.iter().zip(w) {
        assert_eq!(
            without(g, &["first", "last"]),
            without(w, &["first", "last"])
        );
        close_in_time(g, w, STEP);
    }

    let got = json_of(&loki_run(
        &d,
        &loki.url,
        &["summary", "--format", "json", "--server-side"],
    ));
    let want = from_file(&d, "summary", "");
    for k in [
        "requests",
        "users",
        "humans",
        "top_users",
        "codes",
        "verbs",
        "secret_requests",
        "exec_requests",
    ] {
        assert_eq!(got[k], want[k], "{k}");
    }
    assert_eq!(got["events"].as_u64(), Some(d.entries.len() as u64));
    assert_eq!(got["malformed"], 0);
    assert_eq!(got["findings"], Value::Null, "findings need the lines");
    let points = got["histogram"]["points"].as_array().expect("histogram");
    let sum: u64 = points
        .iter()
        .map(|p| p["requests"].as_u64().expect("a number"))
        .sum();
    assert_eq!(sum, want["requests"].as_u64().expect("a number"));
    assert_eq!(got["histogram"]["step_s"].as_i64(), Some(STEP / SEC));
}

#[test]
fn a_filter_loki_cannot_evaluate_is_refused() {
    let d = data(2_000);
    let loki = FakeLoki::start(d.entries.clone());
    let o = loki_run(
        &d,
        &loki.url,
        &[
            "users",
            "--server-side",
            "--filter",
            "stage:RequestReceived",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("stage:RequestReceived") && e.contains("--no-server-side"),
        "{e}"
    );
    // Only the grouping commands, only on Loki alone.
    let o = loki_run(&d, &loki.url, &["events", "--server-side"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = kaudit()
        .args(["users", "--server-side"])
        .arg(&d.file)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_large_window_is_counted_by_loki_unasked() {
    let d = data(3_000);
    let loki = FakeLoki::start(d.entries.clone());
    let bytes: usize = d.entries.iter().map(|e| e.line.len()).sum();
    let mb = (bytes >> 20).max(1);
    // The index holds more than the threshold: Loki counts.
    let below = (mb - 1).to_string();
    let o = loki_run(
        &d,
        &loki.url,
        &["users", "--format", "json", "--server-side-above", &below],
    );
    assert!(
        stderr(&o).contains("Loki counts the requests instead"),
        "{}",
        stderr(&o)
    );
    let counted = json_of(&o);
    assert!(loki.with(|s| s.returned) <= 51);
    // Less than the threshold: the lines are downloaded.
    let above = (mb + 1).to_string();
    let o = loki_run(
        &d,
        &loki.url,
        &["users", "--format", "json", "--server-side-above", &above],
    );
    assert!(!stderr(&o).contains("Loki count"), "{}", stderr(&o));
    assert!(loki.with(|s| s.returned) >= d.entries.len());
    // Loki is prepared once (its samples asked once) whether or not kaudit
    // first asked how much the window holds.
    let samples = |args: &[&str]| {
        let before = loki.with(|s| s.requests.len());
        assert!(loki_run(&d, &loki.url, args).status.success());
        loki.with(|s| {
            s.requests[before..]
                .iter()
                .filter(|r| r.get("limit").is_some_and(|l| l == "50"))
                .count()
        })
    };
    let chosen = samples(&["users", "--format", "json", "--server-side-above", &above]);
    let never = samples(&["users", "--format", "json", "--no-server-side"]);
    assert_eq!((chosen, never), (1, 1));
    assert!(json_of(&o)["users"].as_array().is_some());
    let names = |v: &Value| -> Vec<(Value, Value)> {
        v["users"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|u| (u["user"].clone(), u["requests"].clone()))
            .collect()
    };
    assert_eq!(names(&counted), names(&from_file(&d, "users", "")));
}

#[test]
fn loki_series_limit_is_explained_or_leaves_a_breakdown_out() {
    let d = data(2_000);
    let loki = FakeLoki::start(d.entries.clone());
    let objects = from_file(&d, "objects", "")["objects"]
        .as_array()
        .expect("a list")
        .len();
    // Room for the objects, not for their users: the users are left out, said.
    loki.with(|s| s.max_series = objects);
    let o = loki_run(
        &d,
        &loki.url,
        &["objects", "--format", "json", "--server-side"],
    );
    let got = json_of(&o);
    assert_eq!(got["objects"].as_array().expect("a list").len(), objects);
    assert!(
        stderr(&o).contains("the users per object are left out"),
        "{}",
        stderr(&o)
    );
    // No room for the objects themselves: Loki's message and what to do.
    loki.with(|s| s.max_series = 5);
    let o = loki_run(&d, &loki.url, &["objects", "--server-side"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("maximum number of series (5)") && e.contains("--no-server-side"),
        "{e}"
    );
}

#[test]
fn drilling_into_a_group_fetches_only_its_lines() {
    let d = data(3_000);
    let loki = FakeLoki::start(d.entries.clone());
    let users = json_of(&loki_run(
        &d,
        &loki.url,
        &["users", "--format", "json", "--server-side"],
    ));
    let top = users["users"][0]["user"]
        .as_str()
        .expect("a user")
        .to_string();
    let mine = d
        .entries
        .iter()
        .filter(|e| e.meta.get("username") == Some(&top))
        .count();
    let before = loki.with(|s| s.returned);
    let filter = format!("user:{top}");
    let o = loki_run(
        &d,
        &loki.url,
        &["events", "--format", "jsonl", "--filter", &filter],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let fetched = loki.with(|s| s.returned) - before;
    assert!(
        fetched <= mine + 51,
        "{fetched} lines for {mine} of the user's"
    );
    let want = kaudit()
        .args(["events", "--format", "jsonl", "--filter", &filter])
        .arg(&d.file)
        .output()
        .expect("run");
    assert_eq!(o.stdout, want.stdout);
}
