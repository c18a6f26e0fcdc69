//! A fake Grafana Loki for tests: a real HTTP server on 127.0.0.1, answering
//! the way Loki 3.7.6 does in `tests/fixtures/loki` (the captures): nanosecond
//! string timestamps, streams in no particular order with structured metadata
//! merged into their labels, `end` exclusive, a 400 in plain text above the
//! entries limit, `{"status":"success"}` without `data` when a label has no
//! values, `no org id` (401) when a tenant is required and missing.
//! It evaluates the LogQL kaudit sends (see `fake_logql`) and answers with
//! categorized labels when asked. Faults can be queued for `query_range`.
#![allow(dead_code)]

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug)]
pub struct Entry {
    pub ts: i64,
    /// Index labels.
    pub labels: BTreeMap<String, String>,
    /// Structured metadata.
    pub meta: BTreeMap<String, String>,
    pub line: String,
}

#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with this status and plain-text body.
    Status(u16, String),
    /// Send the first half of the real answer only.
    CutBody,
    /// Answer, with this in `warnings` (a partial result).
    Warning(String),
}

pub struct LokiState {
    pub entries: Vec<Entry>,
    /// `max_entries_limit_per_query`.
    pub max_limit: usize,
    /// A tenant is required (`auth_enabled: true`), and which one holds the data.
    pub tenant: Option<String>,
    pub faults: VecDeque<Fault>,
    /// query_range requests answered normally before the faults begin.
    pub fault_after: usize,
    /// The parameters of every query_range request.
    pub requests: Vec<BTreeMap<String, String>>,
    /// The Authorization header of every request.
    pub auth_seen: Vec<Option<String>>,
    /// Entries sent in query_range answers, in all.
    pub returned: usize,
    /// Time each query_range takes before answering (a real Loki's query
    /// time and the network), for benchmarks.
    pub latency: std::time::Duration,
    /// `max_query_series`: the most series a metric query may return.
    pub max_series: usize,
    /// The query of every metric request (`/query`, metric `/query_range`).
    pub metric: Vec<String>,
    /// Bytes of the query answers sent (log lines and counts).
    pub bytes_sent: usize,
    /// Entries pushed after start, for the tail WebSockets open at the time.
    pub pushed: tokio::sync::broadcast::Sender<Entry>,
    /// How each tail connection ends, one per connection (none: it stays open).
    pub tail_faults: VecDeque<TailFault>,
    /// Answer the tail upgrade with this instead (a proxy without WebSockets).
    pub tail_refuse: Option<(u16, String)>,
    /// The parameters of every tail connection.
    pub tails: Vec<BTreeMap<String, String>>,
    /// Entries the next tail says it dropped (`dropped_entries`), in its first frame.
    pub tail_dropped: usize,
}

/// How a tail connection ends after `frames` live frames.
#[derive(Clone, Debug)]
pub struct TailFault {
    pub frames: usize,
    /// A close frame with this code and reason (Loki's 1011 at its max
    /// duration); `None` drops the connection without one (1006).
    pub close: Option<(u16, String)>,
}

pub struct FakeLoki {
    pub url: String,
    pub state: Arc<Mutex<LokiState>>,
}

impl FakeLoki {
    pub fn start(mut entries: Vec<Entry>) -> FakeLoki {
        entries.sort_by_key(|e| e.ts);
        let state = Arc::new(Mutex::new(LokiState {
            entries,
            max_limit: 5000,
            tenant: None,
            faults: VecDeque::new(),
            fault_after: 0,
            requests: Vec::new(),
            auth_seen: Vec::new(),
            returned: 0,
            latency: std::time::Duration::ZERO,
            max_series: 500,
            metric: Vec::new(),
            bytes_sent: 0,
            pushed: tokio::sync::broadcast::channel(100_000).0,
            tail_faults: VecDeque::new(),
            tail_refuse: None,
            tails: Vec::new(),
            tail_dropped: 0,
        }));
        let (tx, rx) = std::sync::mpsc::channel();
        let st = state.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let app = Router::new()
                    .route("/loki/api/v1/status/buildinfo", get(buildinfo))
                    .route("/loki/api/v1/labels", get(labels))
                    .route("/loki/api/v1/label/{name}/values", get(label_values))
                    .route("/loki/api/v1/query_range", get(query_range))
                    .route("/loki/api/v1/query", get(query))
                    .route("/loki/api/v1/index/stats", get(index_stats))
                    .route("/loki/api/v1/tail", get(tail))
                    .with_state(st);
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                tx.send(listener.local_addr().expect("addr")).expect("send");
                axum::serve(listener, app).await.expect("serve");
            });
        });
        let addr = rx.recv().expect("fake loki started");
        FakeLoki {
            url: format!("http://{addr}"),
            state,
        }
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut LokiState) -> R) -> R {
        f(&mut self.state.lock().expect("state"))
    }

    /// Entries arriving now, as Promtail pushes them: stored, and sent to
    /// the open tails.
    pub fn push(&self, new: Vec<Entry>) {
        let mut st = self.state.lock().expect("state");
        for e in new {
            let at = st.entries.partition_point(|x| x.ts <= e.ts);
            st.entries.insert(at, e.clone());
            let _ = st.pushed.send(e);
        }
    }
}

/// `/loki/api/v1/tail`: a WebSocket of text frames as captures 60–62 show,
/// `{"streams":[{"stream":{…},"values":[["ts","line"]]}]}`, one entry per live
/// frame; history since `start` (at most `limit`, newest) in the first.
async fn tail(
    ws: axum::extract::ws::WebSocketUpgrade,
    State(st): St,
    h: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let mut st = st.lock().expect("state");
    let visible = match tenant(&mut st, &h) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if let Some((code, body)) = st.tail_refuse.clone() {
        return text(code, &body);
    }
    st.tails.push(q.clone());
    let logql = match q.get("query").map(|s| super::fake_logql::parse(s)) {
        Some(Ok(l)) => l,
        Some(Err(e)) => return text(400, &e),
        None => return text(400, "parse error : syntax error: unexpected $end"),
    };
    let start: i64 = q.get("start").and_then(|s| s.parse().ok()).unwrap_or(0);
    let limit: usize = q.get("limit").and_then(|s| s.parse().ok()).unwrap_or(100);
    let mut history: Vec<(Labels, i64, String)> = st
        .entries
        .iter()
        .filter(|e| visible && e.ts >= start)
        .filter_map(|e| {
            logql
                .selects(&e.labels)
                .then(|| logql.run(&e.labels, &e.meta, &e.line))
                .flatten()
                .map(|l| (l, e.ts, e.line.clone()))
        })
        .collect();
    history.drain(..history.len().saturating_sub(limit));
    let rx = st.pushed.subscribe();
    let fault = st.tail_faults.pop_front();
    let dropped = std::mem::take(&mut st.tail_dropped);
    ws.on_upgrade(move |socket| serve_tail(socket, logql, visible, history, rx, fault, dropped))
}

fn tail_frame(entries: &[(Labels, i64, String)]) -> String {
    let streams: Vec<serde_json::Value> = entries
        .iter()
        .map(|(l, ts, line)| serde_json::json!({"stream": l, "values": [[ts.to_string(), line]]}))
        .collect();
    serde_json::json!({ "streams": streams }).to_string()
}

async fn serve_tail(
    mut socket: axum::extract::ws::WebSocket,
    logql: super::fake_logql::LogQuery,
    visible: bool,
    history: Vec<(Labels, i64, String)>,
    mut rx: tokio::sync::broadcast::Receiver<Entry>,
    fault: Option<TailFault>,
    dropped: usize,
) {
    use axum::extract::ws::{CloseFrame, Message};
    if dropped > 0 {
        let d: Vec<serde_json::Value> = (0..dropped)
            .map(|_| serde_json::json!({"labels": {"job": "kubernetes-audit"}, "timestamp": "0"}))
            .collect();
        let frame = serde_json::json!({"streams": [], "dropped_entries": d}).to_string();
        if socket.send(Message::Text(frame.into())).await.is_err() {
            return;
        }
    }
    if !history.is_empty()
        && socket
            .send(Message::Text(tail_frame(&history).into()))
            .await
            .is_err()
    {
        return;
    }
    let mut sent = 0;
    loop {
        let frame = match rx.recv().await {
            Ok(e) => {
                let Some(labels) = visible
                    .then(|| logql.selects(&e.labels))
                    .filter(|s| *s)
                    .and_then(|_| logql.run(&e.labels, &e.meta, &e.line))
                else {
                    continue;
                };
                tail_frame(&[(labels, e.ts, e.line)])
            }
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                let dropped: Vec<serde_json::Value> = (0..n)
                    .map(|_| serde_json::json!({"labels": {}, "timestamp": "0"}))
                    .collect();
                serde_json::json!({"streams": [], "dropped_entries": dropped}).to_string()
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        };
        if socket.send(Message::Text(frame.into())).await.is_err() {
            return;
        }
        sent += 1;
        if let Some(f) = &fault {
            if sent >= f.frames {
                if let Some((code, reason)) = &f.close {
                    let _ = socket
                        .send(Message::Close(Some(CloseFrame {
                            code: *code,
                            reason: reason.clone().into(),
                        })))
                        .await;
                }
                // No close frame: the connection just ends (1006 at the client).
                return;
            }
        }
    }
}

type St = State<Arc<Mutex<LokiState>>>;
type Labels = BTreeMap<String, String>;

fn text(status: u16, body: &str) -> Response {
    (
        StatusCode::from_u16(status).expect("status"),
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{body}\n"),
    )
        .into_response()
}

fn json(v: serde_json::Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=UTF-8")],
        v.to_string(),
    )
        .into_response()
}

/// The tenant check of `auth_enabled: true`: `Err` is the answer to give;
/// `Ok(false)` means another tenant, who sees nothing.
fn tenant(st: &mut LokiState, h: &HeaderMap) -> Result<bool, Box<Response>> {
    st.auth_seen.push(
        h.get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(String::from),
    );
    let Some(want) = &st.tenant else {
        return Ok(true);
    };
    match h.get("X-Scope-OrgID").and_then(|v| v.to_str().ok()) {
        None => Err(Box::new(text(401, "no org id"))),
        Some(o) if o.contains('|') => Err(Box::new(text(500, "multiple org IDs present"))),
        Some(o) => Ok(o == want),
    }
}

async fn buildinfo() -> Response {
    json(
        serde_json::json!({"version":"3.7.6","revision":"5003600d7c","branch":"HEAD","buildUser":"local","buildDate":"2026-11-22T10:55:17Z","goVersion":""}),
    )
}

fn span(q: &BTreeMap<String, String>) -> (i64, i64) {
    let end = q
        .get("end")
        .and_then(|s| s.parse().ok())
        .unwrap_or(i64::MAX);
    let start = q.get("start").and_then(|s| s.parse().ok()).unwrap_or(0);
    (start, end)
}

fn strings(v: BTreeSet<String>) -> Response {
    if v.is_empty() {
        json(serde_json::json!({"status":"success"}))
    } else {
        json(serde_json::json!({"status":"success","data":v}))
    }
}

/// `/labels` and `/label/NAME/values`: what `pick` finds in the window's entries.
fn listing(
    st: &Mutex<LokiState>,
    h: &HeaderMap,
    q: &BTreeMap<String, String>,
    pick: impl Fn(&Entry) -> Vec<String>,
) -> Response {
    let mut st = st.lock().expect("state");
    let visible = match tenant(&mut st, h) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let (start, end) = span(q);
    let found = st
        .entries
        .iter()
        .filter(|e| visible && e.ts >= start && e.ts < end)
        .flat_map(pick)
        .collect();
    strings(found)
}

async fn labels(
    State(st): St,
    h: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    listing(&st, &h, &q, |e| e.labels.keys().cloned().collect())
}

async fn label_values(
    State(st): St,
    h: HeaderMap,
    Path(name): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    // `query`: only the streams it selects (capture 35).
    let sel = match q.get("query").map(|s| super::fake_logql::parse(s)) {
        Some(Err(e)) => return text(400, &e),
        Some(Ok(s)) => Some(s),
        None => None,
    };
    listing(&st, &h, &q, |e| {
        if sel.as_ref().is_some_and(|s| !s.selects(&e.labels)) {
            return Vec::new();
        }
        e.labels.get(&name).cloned().into_iter().collect()
    })
}

async fn query_range(
    State(st): St,
    h: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let latency = st.lock().expect("state").latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let mut st = st.lock().expect("state");
    st.requests.push(q.clone());
    let visible = match tenant(&mut st, &h) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let fault = if st.fault_after > 0 {
        st.fault_after -= 1;
        None
    } else {
        st.faults.pop_front()
    };
    if let Some(Fault::Status(code, body)) = &fault {
        return text(*code, body);
    }
    let Some(query) = q.get("query") else {
        return text(400, "parse error : syntax error: unexpected $end");
    };
    if !query.trim_start().starts_with('{') {
        return metric_range(&mut st, visible, query, &q);
    }
    let logql = match super::fake_logql::parse(query) {
        Ok(m) => m,
        Err(e) => return text(400, &e),
    };
    let categorize = h
        .get("X-Loki-Response-Encoding-Flags")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("categorize-labels"));
    let limit: usize = match q.get("limit").map(|l| l.parse()) {
        None => 100,
        Some(Ok(l)) => l,
        Some(Err(_)) => return text(400, "invalid limit"),
    };
    if limit > st.max_limit {
        return text(
            400,
            &format!(
                "max entries limit per query exceeded, limit > max_entries_limit_per_query ({limit} > {})",
                st.max_limit
            ),
        );
    }
    let (start, end) = span(&q);
    if end <= start {
        return text(
            400,
            "end timestamp must not be before or equal to start time",
        );
    }
    let forward = q.get("direction").is_some_and(|d| d == "forward");
    let lo = st.entries.partition_point(|e| e.ts < start);
    let hi = st.entries.partition_point(|e| e.ts < end);
    let run = |e: &'_ Entry| {
        if !visible || !logql.selects(&e.labels) {
            return None;
        }
        logql.run(&e.labels, &e.meta, &e.line)
    };
    let mut picked: Vec<(&Entry, Labels)> = if forward {
        st.entries[lo..hi]
            .iter()
            .filter_map(|e| run(e).map(|p| (e, p)))
            .take(limit)
            .collect()
    } else {
        st.entries[lo..hi]
            .iter()
            .rev()
            .filter_map(|e| run(e).map(|p| (e, p)))
            .take(limit)
            .collect()
    };
    let returned = picked.len();
    // Streams in no particular order (a hash of their labels), values in
    // query direction. Structured metadata and extracted labels are merged
    // into the stream's labels, unless categorized labels were asked for.
    let mut streams: BTreeMap<u64, (Labels, Vec<serde_json::Value>)> = BTreeMap::new();
    for (e, parsed) in picked.drain(..) {
        let mut l = e.labels.clone();
        let value = if categorize {
            let mut extra = serde_json::Map::new();
            if !e.meta.is_empty() {
                extra.insert("structuredMetadata".into(), serde_json::json!(e.meta));
            }
            if !parsed.is_empty() {
                extra.insert("parsed".into(), serde_json::json!(parsed));
            }
            serde_json::json!([e.ts.to_string(), e.line, extra])
        } else {
            l.extend(e.meta.clone());
            l.extend(parsed);
            serde_json::json!([e.ts.to_string(), e.line])
        };
        let key = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            l.hash(&mut h);
            h.finish()
        };
        streams
            .entry(key)
            .or_insert_with(|| (l, Vec::new()))
            .1
            .push(value);
    }
    let result: Vec<serde_json::Value> = streams
        .into_values()
        .map(|(l, v)| serde_json::json!({"stream": l, "values": v}))
        .collect();
    st.returned += returned;
    let mut data = serde_json::json!({"resultType": "streams", "result": result,
        "stats": {"summary": {"bytesProcessedPerSecond": 0, "totalEntriesReturned": 0}}});
    if categorize {
        data["encodingFlags"] = serde_json::json!(["categorize-labels"]);
    }
    let mut answer = serde_json::json!({"status": "success", "data": data});
    if let Some(Fault::Warning(w)) = &fault {
        answer["warnings"] = serde_json::json!([w]);
    }
    let body = answer.to_string();
    st.bytes_sent += body.len();
    if let Some(Fault::CutBody) = fault {
        let half = body.len() / 2;
        return (
            [(header::CONTENT_TYPE, "application/json; charset=UTF-8")],
            body[..half].to_string(),
        )
            .into_response();
    }
    (
        [(header::CONTENT_TYPE, "application/json; charset=UTF-8")],
        body,
    )
        .into_response()
}

/// Seconds as Loki writes a sample's time: a JSON number, whole when it is.
fn seconds(ns: i64) -> serde_json::Value {
    if ns % 1_000_000_000 == 0 {
        serde_json::json!(ns / 1_000_000_000)
    } else {
        serde_json::json!(ns as f64 / 1e9)
    }
}

/// A metric query evaluated at the times `at` (sorted): per group of the
/// `by` labels, the entries in `(t - range, t]` for each `t`. Loki's errors:
/// a line with `__error__` that reaches the sum, more series than allowed.
fn evaluate(
    st: &LokiState,
    visible: bool,
    m: &super::fake_logql::MetricQuery,
    at: &[i64],
) -> Result<BTreeMap<Labels, Vec<(i64, u64)>>, String> {
    let mut groups: BTreeMap<Labels, BTreeMap<i64, u64>> = BTreeMap::new();
    let (Some(&lo), Some(&hi)) = (at.first(), at.last()) else {
        return Ok(BTreeMap::new());
    };
    let from = st.entries.partition_point(|e| e.ts <= lo - m.range);
    let to = st.entries.partition_point(|e| e.ts <= hi);
    for e in &st.entries[from..to] {
        if !visible || !m.log.selects(&e.labels) {
            continue;
        }
        let Some(parsed) = m.log.run(&e.labels, &e.meta, &e.line) else {
            continue;
        };
        let mut all = e.labels.clone();
        all.extend(e.meta.clone());
        all.extend(parsed);
        if let Some(err) = all.get("__error__").filter(|v| !v.is_empty()) {
            return Err(format!(
                "pipeline error: '{err}' for series: '{all:?}'.\nUse a label filter to intentionally skip this error. (e.g | __error__!=\"{err}\").\nTo skip all potential errors you can match empty errors.(e.g __error__=\"\")\nThe label filter can also be specified after unwrap. (e.g | unwrap latency | __error__=\"\" )\n"
            ));
        }
        let key: Labels =
            m.by.iter()
                .filter_map(|n| {
                    all.get(n)
                        .filter(|v| !v.is_empty())
                        .map(|v| (n.clone(), v.clone()))
                })
                .collect();
        let first = at.partition_point(|&t| t < e.ts);
        let last = at.partition_point(|&t| t < e.ts + m.range);
        let g = groups.entry(key).or_default();
        for &t in &at[first..last] {
            *g.entry(t).or_default() += 1;
        }
    }
    if groups.len() > st.max_series {
        return Err(format!(
            "maximum number of series ({}) reached for a single query; consider reducing query cardinality by adding more specific stream selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()",
            st.max_series
        ));
    }
    Ok(groups
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().filter(|p| p.1 > 0).collect::<Vec<_>>()))
        .filter(|(_, v)| !v.is_empty())
        .collect())
}

fn metric_answer(
    st: &mut LokiState,
    result_type: &str,
    result: Vec<serde_json::Value>,
) -> Response {
    let body = serde_json::json!({"status": "success", "data": {"resultType": result_type, "result": result,
        "stats": {"summary": {"bytesProcessedPerSecond": 0, "totalEntriesReturned": 0}}}})
    .to_string();
    st.bytes_sent += body.len();
    (
        [(header::CONTENT_TYPE, "application/json; charset=UTF-8")],
        body,
    )
        .into_response()
}

/// A metric `query_range`: a matrix, a point at each whole multiple of the
/// step, steps without entries left out (captures 40, 42).
fn metric_range(
    st: &mut LokiState,
    visible: bool,
    query: &str,
    q: &BTreeMap<String, String>,
) -> Response {
    st.metric.push(query.to_string());
    let m = match super::fake_logql::parse_metric(query) {
        Ok(m) => m,
        Err(e) => return text(400, &e),
    };
    let (start, end) = span(q);
    const SEC: i64 = 1_000_000_000;
    let step = match q.get("step").map(|s| s.parse::<f64>()) {
        Some(Ok(s)) => (s * 1e9) as i64,
        Some(Err(_)) => return text(400, "invalid step"),
        None => ((end - start) / 250 / SEC).max(1) * SEC,
    };
    let at: Vec<i64> = ((start + step - 1) / step..=end / step)
        .map(|k| k * step)
        .collect();
    match evaluate(st, visible, &m, &at) {
        Err(e) => text(400, &e),
        Ok(groups) => metric_answer(
            st,
            "matrix",
            groups
                .into_iter()
                .map(|(k, v)| {
                    let values: Vec<_> = v
                        .into_iter()
                        .map(|(t, n)| serde_json::json!([seconds(t), n.to_string()]))
                        .collect();
                    serde_json::json!({"metric": k, "values": values})
                })
                .collect(),
        ),
    }
}

/// `/query`: an instant metric query (a vector); a log query is refused
/// (capture 23).
async fn query(State(st): St, h: HeaderMap, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let mut st = st.lock().expect("state");
    let visible = match tenant(&mut st, &h) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(query) = q.get("query") else {
        return text(400, "parse error : syntax error: unexpected $end");
    };
    if query.trim_start().starts_with('{') {
        return text(
            400,
            "log queries are not supported as an instant query type, please change your query to a range query type",
        );
    }
    st.metric.push(query.clone());
    let m = match super::fake_logql::parse_metric(query) {
        Ok(m) => m,
        Err(e) => return text(400, &e),
    };
    let Some(Ok(time)) = q.get("time").map(|t| t.parse::<i64>()) else {
        return text(400, "fake loki: give time in nanoseconds");
    };
    match evaluate(&st, visible, &m, &[time]) {
        Err(e) => text(400, &e),
        Ok(groups) => metric_answer(
            &mut st,
            "vector",
            groups
                .into_iter()
                .map(|(k, v)| {
                    serde_json::json!({"metric": k, "value": [seconds(time), v[0].1.to_string()]})
                })
                .collect(),
        ),
    }
}

/// `/index/stats`: what the selected streams hold in the window, as the
/// index estimates it (here: exactly).
async fn index_stats(
    State(st): St,
    h: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let mut st = st.lock().expect("state");
    let visible = match tenant(&mut st, &h) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let sel = match q.get("query").map(|s| super::fake_logql::parse(s)) {
        Some(Ok(s)) => s,
        Some(Err(e)) => return text(400, &e),
        None => return text(400, "parse error : syntax error: unexpected $end"),
    };
    let (start, end) = span(&q);
    let mut streams = BTreeSet::new();
    let (mut entries, mut bytes) = (0u64, 0u64);
    for e in st
        .entries
        .iter()
        .filter(|e| visible && e.ts >= start && e.ts < end)
    {
        if sel.selects(&e.labels) {
            streams.insert(e.labels.clone());
            entries += 1;
            bytes += e.line.len() as u64;
        }
    }
    json(
        serde_json::json!({"streams": streams.len(), "chunks": streams.len(), "entries": entries, "bytes": bytes}),
    )
}

/// Audit lines as Promtail ships them: labels job, cluster, verb, resource;
/// the username as structured metadata; the entry's time from
/// `stageTimestamp`, cut to `tick` nanoseconds (a coarse tick makes ties).
pub fn entries_of(lines: &str, tick: i64) -> Vec<Entry> {
    lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("demo line");
            let s = |p: &str| {
                v.pointer(p)
                    .and_then(|x| x.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let t = chrono::DateTime::parse_from_rfc3339(&s("/stageTimestamp"))
                .expect("stageTimestamp")
                .timestamp_nanos_opt()
                .expect("ns");
            let mut labels = BTreeMap::new();
            labels.insert("job".to_string(), "kubernetes-audit".to_string());
            labels.insert("cluster".to_string(), "prod-eu-1".to_string());
            labels.insert("verb".to_string(), s("/verb"));
            let res = s("/objectRef/resource");
            if !res.is_empty() {
                labels.insert("resource".to_string(), res);
            }
            let mut meta = BTreeMap::new();
            let user = s("/user/username");
            if !user.is_empty() {
                meta.insert("username".to_string(), user);
            }
            Entry {
                ts: t - t.rem_euclid(tick),
                labels,
                meta,
                line: line.to_string(),
            }
        })
        .collect()
}
