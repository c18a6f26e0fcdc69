//! Server-side grouping: Loki counts the requests with metric queries
//! (`sum by (…) (count_over_time(…))`), so a window too large to download is
//! still answered, and only numbers cross the wire.
//!
//! A request is counted by its last event: ResponseComplete (or Panic), which
//! carries the code, or for a failed authentication the ResponseStarted the
//! apiserver logs alone. Requests without one in the window (still running,
//! such as an open exec session) are not counted. Totals come from
//! instant queries over exactly the window; when things happened comes from
//! a range query in steps (the histogram), so it is known to the step.

use super::{Http, LokiError, Prepared};
use crate::model::Nanos;
use std::collections::BTreeMap;

/// What a request can be counted by, and where it is in the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dim {
    User,
    Verb,
    Resource,
    Subresource,
    Namespace,
    Name,
    Code,
}

impl Dim {
    /// The label extracted for it: a name no Promtail pipeline gives a
    /// stream, so Loki never renames it (`_extracted`).
    fn label(self) -> &'static str {
        match self {
            Dim::User => "g_user",
            Dim::Verb => "g_verb",
            Dim::Resource => "g_resource",
            Dim::Subresource => "g_subresource",
            Dim::Namespace => "g_namespace",
            Dim::Name => "g_name",
            Dim::Code => "g_code",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Dim::User => "user.username",
            Dim::Verb => "verb",
            Dim::Resource => "objectRef.resource",
            Dim::Subresource => "objectRef.subresource",
            Dim::Namespace => "objectRef.namespace",
            Dim::Name => "objectRef.name",
            Dim::Code => "responseStatus.code",
        }
    }
}

/// Requests per combination of values (in the order of the dimensions
/// asked; a missing value is "").
pub type Counts = Vec<(Vec<String>, u64)>;

/// Requests per step: `(end of step, requests)`, the step covering the
/// `step` nanoseconds before its end.
pub type Steps = Vec<(Nanos, u64)>;

/// Requests per combination and per step.
pub struct Timeline {
    pub step: Nanos,
    pub rows: Vec<(Vec<String>, Steps)>,
}

/// Counts the requests of one window, on Loki.
pub struct Counter {
    http: Http,
    rt: tokio::runtime::Runtime,
    /// The log query with the filter pushed down.
    query: String,
    start: Nanos,
    end: Nanos,
    /// Every metric query sent, for the operator to see.
    pub sent: Vec<String>,
}

/// Steps in the histogram, as Loki's own default (range / 250).
const STEPS: i64 = 250;
const SEC: i64 = 1_000_000_000;

impl Counter {
    /// Loki can count only what it can select exactly: a filter term kaudit
    /// would evaluate itself is an error here.
    pub fn new(p: Prepared, start: Nanos, end: Nanos) -> Result<Counter, LokiError> {
        if !p.pushdown.local.is_empty() {
            return Err(LokiError::Setup(format!(
                "Loki cannot count with {}: only kaudit evaluates {}; drop {} or download the lines (--no-server-side)",
                p.pushdown.local.join(" "),
                if p.pushdown.local.len() == 1 {
                    "that term"
                } else {
                    "those terms"
                },
                if p.pushdown.local.len() == 1 {
                    "it"
                } else {
                    "them"
                },
            )));
        }
        Ok(Counter {
            http: p.http,
            rt: super::runtime(1)?,
            query: p.pushdown.query,
            start,
            end,
            sent: Vec::new(),
        })
    }

    /// The window counted, `[start, end)`.
    pub fn window(&self) -> (Nanos, Nanos) {
        (self.start, self.end)
    }

    /// The step of the timeline: a 250th of the window, in whole seconds.
    pub fn step(&self) -> Nanos {
        ((self.end - self.start) / STEPS / SEC).max(1) * SEC
    }

    /// The requests' log query: the pushed-down filter, one event per
    /// request (its last: ResponseComplete or Panic, or the ResponseStarted
    /// the apiserver logs alone for a failed authentication, code 401), the
    /// dimensions extracted. A line Loki cannot parse would fail the whole
    /// metric query (`__error__`), so it is left out (`malformed` counts
    /// those). The line filter only spares Loki parsing the other stages;
    /// the label filter decides, on the event's own top-level `stage`.
    fn requests(&self, by: &[Dim], only: &str) -> String {
        let mut extract = vec![r#"g_stage="stage""#.to_string()];
        let mut dims: Vec<Dim> = by.to_vec();
        if !dims.contains(&Dim::Code) {
            dims.push(Dim::Code);
        }
        for d in dims {
            extract.push(format!(r#"{}="{}""#, d.label(), d.path()));
        }
        format!(
            r#"{} |~ `"stage":"(ResponseComplete|Panic|ResponseStarted)"` | json {} | __error__="" | (g_stage=~"ResponseComplete|Panic" or (g_stage="ResponseStarted" and g_code="401")){only}"#,
            self.query,
            extract.join(", ")
        )
    }

    fn sum(by: &[Dim], inner: &str, range: &str) -> String {
        let labels: Vec<&str> = by.iter().map(|d| d.label()).collect();
        format!(
            "sum by ({}) (count_over_time({inner} [{range}]))",
            labels.join(", ")
        )
    }

    /// Requests in the window per value of `by`; `only` narrows further
    /// (a label filter on the extracted fields, e.g. ` | g_code=~"401|403"`).
    pub fn count(&mut self, by: &[Dim], only: &str) -> Result<Counts, LokiError> {
        let q = Self::sum(
            by,
            &self.requests(by, only),
            &duration(self.end - self.start),
        );
        let rows = self.instant(&q)?;
        Ok(rows
            .into_iter()
            .map(|s| {
                let n = s.samples.first().map_or(0.0, |v| v.1);
                (values(by, &s.labels), n.round() as u64)
            })
            .collect())
    }

    /// Requests per value of `by` per step.
    pub fn timeline(&mut self, by: &[Dim], only: &str) -> Result<Timeline, LokiError> {
        let step = self.step();
        let q = Self::sum(by, &self.requests(by, only), &duration(step));
        // Loki evaluates at whole multiples of the step (capture 42), each
        // point counting the step before it: one more step covers the end.
        let params = [
            ("query", q.clone()),
            ("start", self.start.to_string()),
            ("end", (self.end + step).to_string()),
            ("step", (step / SEC).to_string()),
        ];
        let series = self.ask("/loki/api/v1/query_range", &q, &params)?;
        let rows = series
            .into_iter()
            .map(|s| {
                let points = s
                    .samples
                    .iter()
                    .filter(|p| p.1 > 0.0)
                    .map(|&(t, n)| ((t * SEC as f64).round() as Nanos, n.round() as u64))
                    .collect();
                (values(by, &s.labels), points)
            })
            .collect();
        Ok(Timeline { step, rows })
    }

    /// Events in the window (every stage) and lines Loki could not read as
    /// JSON.
    pub fn events(&mut self) -> Result<(u64, u64), LokiError> {
        let range = duration(self.end - self.start);
        let total = |q: &str, ok: &str| {
            format!(
                r#"sum(count_over_time({q} | json g_stage="stage" | __error__{ok}"" [{range}]))"#
            )
        };
        let good = total(&self.query, "=");
        let bad = total(&self.query, "!=");
        let n = |s: Vec<super::wire::Series>| {
            s.first()
                .and_then(|s| s.samples.first())
                .map_or(0, |v| v.1.round() as u64)
        };
        Ok((n(self.instant(&good)?), n(self.instant(&bad)?)))
    }

    fn instant(&mut self, q: &str) -> Result<Vec<super::wire::Series>, LokiError> {
        // Over [start, end): the range ends at `time`, including it.
        let params = [
            ("query", q.to_string()),
            ("time", (self.end - 1).to_string()),
        ];
        self.ask("/loki/api/v1/query", q, &params)
    }

    fn ask(
        &mut self,
        path: &str,
        q: &str,
        params: &[(&str, String)],
    ) -> Result<Vec<super::wire::Series>, LokiError> {
        self.sent.push(q.to_string());
        self.rt
            .block_on(self.http.get_simple(path, params, super::wire::series))
            .map_err(series_hint)
    }
}

/// Whether an error is Loki's limit on the series of one query: what is
/// counted per (user, verb) or (object, user) can exceed it.
pub fn too_many_series(e: &LokiError) -> bool {
    matches!(e, LokiError::Status { status: 400, body, .. }
        if body.contains("maximum") && body.contains("series"))
}

fn series_hint(e: LokiError) -> LokiError {
    if !too_many_series(&e) {
        return e;
    }
    match e {
        LokiError::Status { url, status, body } => LokiError::Status {
            url,
            status,
            body: format!(
                "{body} (Loki's max_query_series: narrow the window or the filter, or download the lines with --no-server-side)"
            ),
        },
        e => e,
    }
}

fn values(by: &[Dim], labels: &BTreeMap<String, String>) -> Vec<String> {
    by.iter()
        .map(|d| labels.get(d.label()).cloned().unwrap_or_default())
        .collect()
}

/// A LogQL range: whole seconds when it is, else nanoseconds.
fn duration(ns: Nanos) -> String {
    if ns % SEC == 0 {
        format!("{}s", ns / SEC)
    } else {
        format!("{ns}ns")
    }
}

/// How much the selected streams hold in the window (`/index/stats`), when
/// this Loki says: `(entries, bytes)`.
pub fn stats(p: &Prepared, start: Nanos, end: Nanos) -> Option<(u64, u64)> {
    let close = super::logql::closing_brace(p.pushdown.query.trim())?;
    let matchers = p.pushdown.query.trim()[..=close].to_string();
    let rt = super::runtime(1).ok()?;
    let params = [
        ("query", matchers),
        ("start", start.to_string()),
        ("end", end.to_string()),
    ];
    let body = rt
        .block_on(p.http.get("/loki/api/v1/index/stats", &params))
        .ok()?;
    #[derive(serde::Deserialize)]
    struct Stats {
        entries: u64,
        bytes: u64,
    }
    let s: Stats = serde_json::from_slice(&body).ok()?;
    Some((s.entries, s.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_whole_seconds_when_they_can_be() {
        assert_eq!(duration(3600 * SEC), "3600s");
        assert_eq!(duration(SEC + 5), "1000000005ns");
    }

    #[test]
    fn the_series_limit_is_recognised() {
        let e = LokiError::Status {
            url: "u".into(),
            status: 400,
            body: "maximum number of series (500) reached for a single query".into(),
        };
        assert!(too_many_series(&e));
        assert!(series_hint(e).to_string().contains("--no-server-side"));
    }
}
