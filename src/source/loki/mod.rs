//! Grafana Loki as a source: the audit lines Promtail or Alloy shipped, fetched
//! with `query_range` and fed to the same parse pipeline as a file.
//!
//! ```text
//!  open(): buildinfo ─► selector (given, or discovered from the `job` label)
//!          │
//!          ▼ fetch thread (tokio): the window cut in parts, `workers` at a time
//!  [windows] ─► query_range(start, end, limit, forward) ─► full? keep ts < T, go on from T
//!          │                                               (split what is left for idle workers)
//!          ▼ lines, de-duplicated by (auditID, stage)
//!  LineReader (std::io::Read) ─► the pipeline: spool, chunks, parsers, like standard input
//! ```

pub mod counts;
mod fetch;
mod http;
pub mod logql;
pub mod tail;
mod tls;
pub mod wire;

use crate::model::Nanos;
use crate::query::Expr;
use std::path::PathBuf;

pub use fetch::Outcome;
pub use http::{Http, LokiError, shown_url};

/// Where Loki is and how to talk to it (SPEC §1, logcli's flags and variables).
#[derive(Clone)]
pub struct LokiSpec {
    /// Base URL, as given (`http://loki:3100`).
    pub url: String,
    /// A LogQL stream selector; discovered when absent.
    pub selector: Option<String>,
    pub org_id: Option<String>,
    pub auth: Auth,
    pub ca_cert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub skip_verify: bool,
    /// Requests in flight at once.
    pub workers: usize,
    /// The window: `start` inclusive, `end` exclusive (Loki's own convention).
    pub start: Nanos,
    pub end: Nanos,
    /// Entries asked for per request; lowered to the server's maximum when it says so.
    pub limit: usize,
    /// The filter (all terms hold), pushed down into LogQL where it can be.
    pub terms: Vec<Expr>,
}

#[derive(Clone, Default)]
pub enum Auth {
    #[default]
    None,
    Basic {
        user: String,
        password: String,
    },
    Bearer(String),
}

// Credentials never reach a log or an error message, so not Debug either.
impl std::fmt::Debug for LokiSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let auth = match self.auth {
            Auth::None => "none",
            Auth::Basic { .. } => "basic",
            Auth::Bearer(_) => "bearer",
        };
        f.debug_struct("LokiSpec")
            .field("url", &http::shown_url(&self.url))
            .field("selector", &self.selector)
            .field("org_id", &self.org_id)
            .field("auth", &auth)
            .field("workers", &self.workers)
            .field("start", &self.start)
            .field("end", &self.end)
            .finish()
    }
}

impl PartialEq for LokiSpec {
    fn eq(&self, o: &Self) -> bool {
        self.url == o.url
            && self.selector == o.selector
            && self.start == o.start
            && self.end == o.end
            && self.terms == o.terms
    }
}
impl Eq for LokiSpec {}

/// The largest `limit` a default Loki accepts (`max_entries_limit_per_query`).
pub const DEFAULT_LIMIT: usize = 5000;

/// When nothing better is found (SPEC §1).
pub const FALLBACK_SELECTOR: &str = r#"{job=~".*audit.*"}"#;

/// Connected and ready to fetch: the query to send and what was decided.
pub struct Prepared {
    pub http: Http,
    pub version: String,
    pub selector: String,
    /// The selector with the filter pushed down.
    pub pushdown: logql::Pushdown,
    pub notes: Vec<String>,
    /// The clusters behind the selector, when there are several.
    pub clusters: Vec<String>,
}

/// Entries looked at to learn the structured metadata keys.
const SAMPLE: usize = 50;

/// Check that Loki answers, settle the selector and translate the filter,
/// before anything loads: an unreachable server, a refused tenant or a query
/// Loki rejects is an error here, at once.
pub fn prepare(spec: &LokiSpec) -> Result<Prepared, LokiError> {
    let mut http = Http::new(spec)?;
    let rt = runtime(1)?;
    rt.block_on(async {
        let version = http.buildinfo().await?;
        // Categorized labels came with Loki 3.0.
        http.categorize = major(&version) >= 3;
        let labels = http.label_names(spec.start, spec.end).await?;
        let mut notes = Vec::new();
        let selector = match &spec.selector {
            Some(s) => s.clone(),
            None => {
                let (s, note) = discover(&http, spec, &labels).await?;
                notes.push(note);
                s
            }
        };
        let clusters = clusters(&http, spec, &labels, &selector).await?;
        if let Some((_, n)) = &clusters {
            notes.push(n.clone());
        }
        // A few entries: Loki checks the selector and the tenant now rather
        // than in the middle of the load, and shows which structured
        // metadata the entries carry (`/labels` lists index labels only).
        let seen = match http.sample(&selector, spec.start, spec.end, SAMPLE).await {
            Ok(s) => s,
            // A server with a lower entries limit: one entry still checks
            // the query (metadata unknown means `| json` does the work).
            Err(_) => http.sample(&selector, spec.start, spec.end, 1).await?,
        };
        let known = logql::Known {
            metadata: seen.into_iter().filter(|k| !labels.contains(k)).collect(),
            labels: labels.into_iter().collect(),
        };
        let pushdown = logql::translate(&selector, &spec.terms, &known);
        if pushdown.query != selector {
            http.sample(&pushdown.query, spec.start, spec.end, 1)
                .await?;
        }
        Ok(Prepared {
            http,
            version,
            selector,
            pushdown,
            notes,
            clusters: clusters.map(|c| c.0).unwrap_or_default(),
        })
    })
}

/// Several clusters behind one selector are all read; say which, and how to
/// pick one.
async fn clusters(
    http: &Http,
    spec: &LokiSpec,
    labels: &[String],
    selector: &str,
) -> Result<Option<(Vec<String>, String)>, LokiError> {
    if !labels.iter().any(|l| l == "cluster") || selector.contains("cluster") {
        return Ok(None);
    }
    let selector = selector.trim();
    let Some(close) = logql::closing_brace(selector) else {
        return Ok(None);
    };
    let streams = &selector[..=close];
    let values = http
        .label_values("cluster", spec.start, spec.end, Some(streams))
        .await?;
    if values.len() < 2 {
        return Ok(None);
    }
    let example = logql::with_label(streams, "cluster", &values[0]);
    let note = format!(
        "loki: these streams come from {} clusters ({}), all read together; pick one with --selector '{example}' (in the TUI: :cluster)",
        values.len(),
        values.join(", ")
    );
    Ok(Some((values, note)))
}

fn major(version: &str) -> u32 {
    version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0)
}

/// What `--explain` prints: where, which streams, the LogQL sent and what of
/// the filter it carries.
pub fn explain(spec: &LokiSpec) -> Result<Vec<String>, LokiError> {
    let p = prepare(spec)?;
    let time = |t: Nanos| crate::model::time::format_micros(t);
    let mut out = vec![
        format!(
            "loki:     {} (Loki {}{})",
            p.http.shown,
            if p.version.is_empty() {
                "?"
            } else {
                &p.version
            },
            spec.org_id
                .as_ref()
                .map_or(String::new(), |o| format!(", tenant {o}"))
        ),
        format!(
            "window:   {} to {} (end exclusive)",
            time(spec.start),
            time(spec.end)
        ),
        format!("selector: {}", p.selector),
        format!("logql:    {}", p.pushdown.query),
    ];
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(" ")
        }
    };
    out.push(format!("pushed down: {}", list(&p.pushdown.pushed)));
    out.push(format!(
        "kaudit only: {} (every term is checked again on what arrives)",
        list(&p.pushdown.local)
    ));
    out.extend(p.notes);
    Ok(out)
}

/// The stream selector from the labels: a `job` whose name contains `audit`.
async fn discover(
    http: &Http,
    spec: &LokiSpec,
    labels: &[String],
) -> Result<(String, String), LokiError> {
    if labels.iter().any(|l| l == "job") {
        let jobs = http.label_values("job", spec.start, spec.end, None).await?;
        let audit: Vec<&String> = jobs.iter().filter(|j| j.contains("audit")).collect();
        // Several: the Kubernetes one (Promtail's usual name) first.
        let pick = audit
            .iter()
            .find(|j| j.contains("kube"))
            .or(audit.first())
            .copied();
        if let Some(job) = pick {
            let sel = format!(
                "{{job=\"{}\"}}",
                job.replace('\\', "\\\\").replace('"', "\\\"")
            );
            let others = if audit.len() > 1 {
                format!(
                    " (also: {})",
                    audit
                        .iter()
                        .filter(|j| **j != job)
                        .map(|j| j.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                String::new()
            };
            return Ok((
                sel.clone(),
                format!(
                    "loki: reading {sel}, the job whose name says audit{others}; --selector chooses another"
                ),
            ));
        }
    }
    Ok((
        FALLBACK_SELECTOR.to_string(),
        format!(
            "loki: no job label names an audit log; reading {FALLBACK_SELECTOR} (--selector chooses the streams)"
        ),
    ))
}

fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, LokiError> {
    let mut b = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(threads);
        b
    };
    b.enable_all()
        .build()
        .map_err(|e| LokiError::Setup(format!("cannot start the network runtime: {e}")))
}

/// Start fetching on a thread of its own; the lines arrive through the reader.
pub fn start(
    p: Prepared,
    spec: &LokiSpec,
    note: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    status: std::sync::Arc<std::sync::Mutex<Outcome>>,
) -> fetch::LineReader {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let plan = fetch::Plan {
        query: p.pushdown.query,
        start: spec.start,
        end: spec.end,
        workers: spec.workers.max(1),
        limit: spec.limit.clamp(1, DEFAULT_LIMIT),
    };
    let http = p.http;
    std::thread::spawn(move || {
        let result = match runtime(2) {
            Ok(rt) => rt.block_on(fetch::run(http, plan, tx.clone(), status)),
            Err(e) => Err(e),
        };
        let _ = tx.blocking_send(fetch::Piece::End(result));
    });
    fetch::LineReader::new(rx, note)
}
