//! Fetching a window completely: `query_range` forward from the window's
//! start; a full answer is kept up to its newest timestamp T (exclusive, since
//! more entries may share T) and the walk goes on from T. What is left of a
//! long window is split for idle workers; a window that times out is halved.

use super::http::{Fault, Http, LokiError, backoff, range_params};
use super::wire;
use crate::model::Nanos;
use std::collections::VecDeque;
use std::hash::BuildHasher;
use std::io::Read;
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, mpsc};

pub(super) struct Plan {
    pub query: String,
    pub start: Nanos,
    pub end: Nanos,
    pub workers: usize,
    pub limit: usize,
}

/// How a fetch goes, and how it ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub requests: u64,
    pub entries: u64,
    /// Entries seen twice (same auditID and stage) and dropped.
    pub duplicates: u64,
    pub bytes: u64,
    /// Nanoseconds of the window fetched completely, of `span`.
    pub covered: u64,
    pub span: u64,
    /// Windows (parts of the window, split as needed) finished, of all made.
    pub windows_done: u64,
    pub windows: u64,
}

impl Outcome {
    pub fn plus(&self, o: &Outcome) -> Outcome {
        Outcome {
            requests: self.requests + o.requests,
            entries: self.entries + o.entries,
            duplicates: self.duplicates + o.duplicates,
            bytes: self.bytes + o.bytes,
            covered: self.covered + o.covered,
            span: self.span + o.span,
            windows_done: self.windows_done + o.windows_done,
            windows: self.windows + o.windows,
        }
    }

    /// Share of the window fetched, 0..=100.
    pub fn percent(&self) -> u64 {
        (self.covered as u128 * 100 / (self.span as u128).max(1)).min(100) as u64
    }

    /// For a progress line: `42% of the window, 3/16 windows, 12 MB`.
    pub fn progress(&self) -> String {
        format!(
            "{}% of the window, {}/{} windows, {} MB",
            self.percent(),
            self.windows_done,
            self.windows,
            crate::model::text::thousands(self.bytes >> 20)
        )
    }

    /// For the operator: complete, with what it took.
    pub fn describe(&self) -> String {
        let t = crate::model::text::thousands;
        let mut s = format!(
            "loki: complete: {} entries in {} requests ({} MB)",
            t(self.entries),
            t(self.requests),
            t(self.bytes >> 20)
        );
        if self.duplicates > 0 {
            s.push_str(&format!(", {} duplicates dropped", t(self.duplicates)));
        }
        s
    }
}

pub(super) enum Piece {
    /// Lines, and the newest timestamp among their entries.
    Lines(Vec<u8>, Nanos),
    End(Result<Outcome, LokiError>),
}

/// Tries per request before giving up on it (429, 5xx, cut bodies).
const TRIES: u32 = 5;
/// A window is split for idle workers only if longer than this.
const MIN_SPLIT: Nanos = 1_000_000; // 1 ms

struct Shared {
    queue: Mutex<(VecDeque<(Nanos, Nanos)>, usize)>,
    wake: Notify,
    seen: Mutex<hashbrown::HashSet<u128>>,
    limit: Mutex<usize>,
    outcome: Arc<Mutex<Outcome>>,
}

pub(super) async fn run(
    http: Http,
    plan: Plan,
    tx: mpsc::Sender<Piece>,
    outcome: Arc<Mutex<Outcome>>,
) -> Result<Outcome, LokiError> {
    if plan.end <= plan.start {
        return Ok(Outcome::default());
    }
    // More parts than workers, so a busy part of the window does not hold up the rest.
    let parts = (plan.workers * 4) as i128;
    let span = (plan.end - plan.start) as i128;
    let mut queue = VecDeque::new();
    for i in 0..parts {
        let a = plan.start + (span * i / parts) as Nanos;
        let b = plan.start + (span * (i + 1) / parts) as Nanos;
        if b > a {
            queue.push_back((a, b));
        }
    }
    if let Ok(mut o) = outcome.lock() {
        o.span = (plan.end - plan.start) as u64;
        o.windows = queue.len() as u64;
    }
    let shared = Arc::new(Shared {
        queue: Mutex::new((queue, 0)),
        wake: Notify::new(),
        seen: Mutex::new(hashbrown::HashSet::new()),
        limit: Mutex::new(plan.limit),
        outcome,
    });
    let http = Arc::new(http);
    let query = Arc::new(plan.query);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..plan.workers {
        let (http, query, shared, tx) = (http.clone(), query.clone(), shared.clone(), tx.clone());
        tasks.spawn(async move { worker(&http, &query, &shared, &tx).await });
    }
    let mut first_error = None;
    while let Some(r) = tasks.join_next().await {
        let r = r.unwrap_or_else(|e| Err(LokiError::Setup(format!("a fetch task failed: {e}"))));
        if let Err(e) = r {
            if first_error.is_none() {
                first_error = Some(e);
                // The others stop at their next window.
                if let Ok(mut q) = shared.queue.lock() {
                    q.0.clear();
                }
                shared.wake.notify_waiters();
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(shared.outcome.lock().map(|o| *o).unwrap_or_default()),
    }
}

async fn worker(
    http: &Http,
    query: &str,
    sh: &Shared,
    tx: &mpsc::Sender<Piece>,
) -> Result<(), LokiError> {
    loop {
        let wake = sh.wake.notified();
        let next = {
            let Ok(mut q) = sh.queue.lock() else {
                return Ok(());
            };
            match q.0.pop_front() {
                Some(w) => {
                    q.1 += 1;
                    Some(w)
                }
                None if q.1 == 0 => return Ok(()),
                None => None,
            }
        };
        let Some(w) = next else {
            wake.await;
            continue;
        };
        let r = window(http, query, sh, tx, w).await;
        if let Ok(mut q) = sh.queue.lock() {
            q.1 -= 1;
        }
        sh.wake.notify_waiters();
        r?;
    }
}

/// Fetch [start, end) to the end, handing part of it to idle workers when it
/// proves long.
async fn window(
    http: &Http,
    query: &str,
    sh: &Shared,
    tx: &mpsc::Sender<Piece>,
    (mut start, mut end): (Nanos, Nanos),
) -> Result<(), LokiError> {
    let mut tries = 0u32;
    while start < end {
        let limit = sh.limit.lock().map(|l| *l).unwrap_or(super::DEFAULT_LIMIT);
        let params = range_params(query, start, end, limit);
        if let Ok(mut o) = sh.outcome.lock() {
            o.requests += 1;
        }
        let page = match http.get("/loki/api/v1/query_range", &params).await {
            // A body cut short parses as broken JSON: asked again below.
            Ok(body) => wire::page(&body)
                .map(|p| (body.len(), p))
                .map_err(|detail| http.body_error(detail)),
            Err(Fault::Fatal(e)) => return Err(e),
            Err(Fault::Limit(max)) if max < limit => {
                if let Ok(mut l) = sh.limit.lock() {
                    *l = (*l).min(max);
                }
                continue;
            }
            Err(Fault::Limit(max)) => {
                return Err(http.body_error(format!(
                    "the server limits entries to {max} and still refuses {limit}"
                )));
            }
            // Ask for less: halve the window, give one half away.
            Err(Fault::Timeout(_)) if end - start > MIN_SPLIT => {
                let mid = start + (end - start) / 2;
                give_away(sh, (mid, end));
                end = mid;
                continue;
            }
            Err(Fault::Retry(m) | Fault::Timeout(m)) => Err(LokiError::GaveUp {
                url: http.shown.clone(),
                detail: m,
            }),
        };
        let (bytes, entries) = match page {
            Ok((bytes, p)) => {
                // A partial answer said so: the result cannot pass for complete.
                if !p.warnings.is_empty() {
                    return Err(LokiError::Warned {
                        url: http.shown.clone(),
                        warnings: crate::model::text::sanitize(&p.warnings.join("; ")).into_owned(),
                    });
                }
                (bytes, p.entries)
            }
            Err(e) => {
                tries += 1;
                if tries >= TRIES {
                    return Err(e);
                }
                tokio::time::sleep(backoff(tries)).await;
                continue;
            }
        };
        tries = 0;
        if let Ok(mut o) = sh.outcome.lock() {
            o.bytes += bytes as u64;
        }
        if entries.len() < limit {
            emit(sh, tx, &entries).await?;
            if let Ok(mut o) = sh.outcome.lock() {
                o.covered += (end - start) as u64;
                o.windows_done += 1;
            }
            return Ok(());
        }
        // Full: everything before the newest timestamp T is complete; entries at T may not be.
        let t = entries[entries.len() - 1].ts;
        if entries[0].ts == t {
            return Err(LokiError::Ties { at: t, limit });
        }
        let cut = entries.partition_point(|e| e.ts < t);
        emit(sh, tx, &entries[..cut]).await?;
        if let Ok(mut o) = sh.outcome.lock() {
            o.covered += (t - start) as u64;
        }
        start = t;
        // A long way to go and someone idle: share it.
        if end - start > MIN_SPLIT * 2 && idle(sh) {
            let mid = start + (end - start) / 2;
            give_away(sh, (mid, end));
            end = mid;
        }
    }
    Ok(())
}

fn idle(sh: &Shared) -> bool {
    sh.queue.lock().is_ok_and(|q| q.0.is_empty())
}

fn give_away(sh: &Shared, w: (Nanos, Nanos)) {
    if let Ok(mut q) = sh.queue.lock() {
        q.0.push_back(w);
    }
    if let Ok(mut o) = sh.outcome.lock() {
        o.windows += 1;
    }
    sh.wake.notify_waiters();
}

/// Send the entries not seen before, one line each.
async fn emit(
    sh: &Shared,
    tx: &mpsc::Sender<Piece>,
    entries: &[wire::Entry],
) -> Result<(), LokiError> {
    let mut buf = Vec::with_capacity(entries.iter().map(|e| e.line.len() + 1).sum());
    let (mut kept, mut dups) = (0u64, 0u64);
    {
        let mut seen = sh
            .seen
            .lock()
            .map_err(|_| LokiError::Setup("a fetch task failed".into()))?;
        for e in entries {
            if let Some(k) = key(e.line.as_bytes()) {
                if !seen.insert(k) {
                    dups += 1;
                    continue;
                }
            }
            buf.extend_from_slice(e.line.as_bytes());
            buf.push(b'\n');
            kept += 1;
        }
    }
    if let Ok(mut o) = sh.outcome.lock() {
        o.entries += kept;
        o.duplicates += dups;
    }
    if buf.is_empty() {
        return Ok(());
    }
    let newest = entries.iter().map(|e| e.ts).max().unwrap_or(Nanos::MIN);
    tx.send(Piece::Lines(buf, newest))
        .await
        .map_err(|_| LokiError::Setup("the loader stopped".into()))
}

/// (auditID, stage) of a line, hashed to 128 bits; `None` when the line has
/// no auditID (the parser will say what it is).
pub(super) fn key(line: &[u8]) -> Option<u128> {
    let id = field(line, b"\"auditID\":\"")?;
    let stage = field(line, b"\"stage\":\"").unwrap_or_default();
    let a = foldhash::fast::FixedState::with_seed(1).hash_one((id, stage));
    let b = foldhash::fast::FixedState::with_seed(2).hash_one((id, stage));
    Some(((a as u128) << 64) | b as u128)
}

fn field<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let at = memchr::memmem::find(line, name)? + name.len();
    let len = memchr::memchr(b'"', &line[at..])?;
    Some(&line[at..at + len])
}

/// The fetched lines as a byte stream, for the pipeline's producer thread.
pub struct LineReader {
    rx: mpsc::Receiver<Piece>,
    note: Arc<Mutex<Option<String>>>,
    cur: Vec<u8>,
    pos: usize,
    done: bool,
}

impl LineReader {
    pub(super) fn new(rx: mpsc::Receiver<Piece>, note: Arc<Mutex<Option<String>>>) -> Self {
        LineReader {
            rx,
            note,
            cur: Vec::new(),
            pos: 0,
            done: false,
        }
    }
}

impl Read for LineReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.cur.len() {
            if self.done {
                return Ok(0);
            }
            match self.rx.blocking_recv() {
                Some(Piece::Lines(b, _)) => {
                    self.cur = b;
                    self.pos = 0;
                }
                Some(Piece::End(Ok(o))) => {
                    self.done = true;
                    if let Ok(mut n) = self.note.lock() {
                        *n = Some(o.describe());
                    }
                }
                Some(Piece::End(Err(e))) => {
                    self.done = true;
                    return Err(std::io::Error::other(format!("incomplete: {e}")));
                }
                None => {
                    self.done = true;
                    return Err(std::io::Error::other("incomplete: the fetch stopped"));
                }
            }
        }
        let n = out.len().min(self.cur.len() - self.pos);
        out[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_the_audit_id_and_stage() {
        let a = br#"{"auditID":"a1","stage":"ResponseComplete","verb":"get"}"#;
        let b = br#"{"auditID":"a1","stage":"ResponseStarted","verb":"get"}"#;
        let c = br#"{"kind":"Event","auditID":"a1","stage":"ResponseComplete"}"#;
        assert_ne!(key(a), key(b));
        assert_eq!(key(a), key(c));
        assert_eq!(key(b"not an event"), None);
    }
}
