//! Live tail of Loki over the `/loki/api/v1/tail` WebSocket.
//!
//! ```text
//!  connect the WebSocket (start = now) ──► frames buffered meanwhile
//!  fill [resume, now + MARGIN) with query_range ──► intake (dedup by auditID+stage)
//!  then the frames, live ─────────────────────────► intake ──► writer thread:
//!                                                   spool, parse, SourceMsg
//!  closed (1006, 1011 "reached tail max duration limit", network):
//!      back off, connect again, fill from the newest entry seen − SLACK
//!  upgrade refused (a proxy without WebSockets): poll query_range instead
//! ```
//!
//! The socket opens before the fill, so an entry pushed while the fill runs
//! arrives through the socket, and one pushed before is in the store: no gap.
//! What both deliver is dropped by the (auditID, stage) key.

use super::fetch::{self, Piece};
use super::http::{Http, backoff};
use super::{LokiError, LokiSpec, wire};
use crate::model::Nanos;
use crate::model::time::NANOS_PER_SEC;
use crate::model::time::now;
use crate::parse::Batch;
use crate::source::{Live, Loading, RawStore, SourceError, SourceMsg};
use futures_util::StreamExt;
use hashbrown::HashMap;
use std::io::Write;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{self, Message};

/// A resume starts this far before the newest entry seen: entries of
/// several streams do not arrive in time order.
const SLACK: Nanos = 5 * NANOS_PER_SEC;
/// A fill reaches past the local clock by this much (clocks differ).
const MARGIN: Nanos = 2 * NANOS_PER_SEC;
/// Keys older than this before the resume point are forgotten.
const KEEP: Nanos = 60 * NANOS_PER_SEC;
/// How often the polling fallback asks.
const POLL: Duration = Duration::from_secs(1);

/// What the network side hands the writer thread.
enum Out {
    Lines(Vec<u8>),
    Note(String),
    Dropped(u64),
    Failed(String),
}

/// Tail the Loki source: entries from `from` (else from now) on, forever.
pub fn start(spec: &LokiSpec, from: Option<Nanos>) -> Result<Live, SourceError> {
    let prepared = super::prepare(spec)?;
    let tls = if prepared.http.shown.starts_with("https") {
        Some(super::tls::client_config(spec)?)
    } else {
        None
    };
    let query = prepared.pushdown.query.clone();
    let spool = tempfile::tempfile().map_err(|err| SourceError::Spool {
        path: "loki".into(),
        err,
    })?;
    let read = spool.try_clone().map_err(|err| SourceError::Spool {
        path: "loki".into(),
        err,
    })?;
    let raw = Arc::new(RawStore::new(vec![Some(Arc::new(read))]));
    let (tx, rx) = std::sync::mpsc::sync_channel(64);
    let (loading, spare) = Loading::live(rx, raw);
    let name = format!("loki {} {}", prepared.http.shown, query);
    let _ = tx.send(SourceMsg::Input { input: 0, name });
    let (otx, orx) = mpsc::channel::<Out>(64);
    std::thread::spawn(move || write_out(orx, spool, &tx, &spare));
    let http = prepared.http;
    let workers = spec.workers.max(1);
    let q = query.clone();
    std::thread::spawn(move || match super::runtime(2) {
        Ok(rt) => rt.block_on(run(http, q, tls, from, workers, otx)),
        Err(e) => {
            let _ = otx.blocking_send(Out::Failed(e.to_string()));
        }
    });
    let mut notes = prepared.notes;
    if query != prepared.selector {
        notes.push(format!(
            "loki: following {query} (the filter is checked again here)"
        ));
    }
    Ok(Live { loading, notes })
}

/// The writer thread: spool the lines (the raw store reads them back),
/// parse, and tell the consumer.
fn write_out(
    mut rx: mpsc::Receiver<Out>,
    mut spool: std::fs::File,
    tx: &SyncSender<SourceMsg>,
    spare: &Receiver<Box<Batch>>,
) {
    let (mut offset, mut lines, mut chunk) = (0u64, 0u64, 0u64);
    while let Some(m) = rx.blocking_recv() {
        let msg = match m {
            Out::Lines(buf) => {
                if let Err(e) = spool.write_all(&buf) {
                    let _ = tx.send(SourceMsg::Failed(format!(
                        "loki: cannot keep the tailed lines in a temporary file: {e}"
                    )));
                    let _ = tx.send(SourceMsg::Done);
                    return;
                }
                let (b, skipped) =
                    crate::source::parse_live(spare.try_recv().ok(), 0, chunk, &buf, offset, lines);
                chunk += 1;
                offset += buf.len() as u64;
                lines += b.lines;
                if !skipped.is_empty() && tx.send(SourceMsg::Skipped(skipped)).is_err() {
                    return;
                }
                SourceMsg::Batch(b)
            }
            Out::Note(n) => SourceMsg::Warning(n),
            Out::Dropped(n) => SourceMsg::Dropped(n),
            Out::Failed(e) => {
                let _ = tx.send(SourceMsg::Failed(e));
                let _ = tx.send(SourceMsg::Done);
                return;
            }
        };
        if tx.send(msg).is_err() {
            return;
        }
    }
}

/// The consumer went away.
struct Gone;

/// Entries from the fills and the socket, each passed on once.
struct Intake {
    out: mpsc::Sender<Out>,
    seen: HashMap<u128, Nanos>,
    /// The newest entry passed on.
    newest: Nanos,
    pruned_at: usize,
}

impl Intake {
    fn key(line: &[u8]) -> u128 {
        fetch::key(line).unwrap_or_else(|| {
            use std::hash::BuildHasher;
            let a = foldhash::fast::FixedState::with_seed(3).hash_one(line);
            let b = foldhash::fast::FixedState::with_seed(4).hash_one(line);
            ((a as u128) << 64) | b as u128
        })
    }

    /// Pass on the lines not seen before.
    async fn take<'a>(
        &mut self,
        lines: impl Iterator<Item = (Nanos, &'a [u8])>,
    ) -> Result<(), Gone> {
        let mut buf = Vec::new();
        for (ts, line) in lines {
            if line.is_empty() {
                continue;
            }
            if self.seen.insert(Self::key(line), ts).is_some() {
                continue;
            }
            self.newest = self.newest.max(ts);
            buf.extend_from_slice(line);
            buf.push(b'\n');
        }
        if self.seen.len() > self.pruned_at {
            let horizon = self.newest - SLACK - KEEP;
            self.seen.retain(|_, t| *t >= horizon);
            self.pruned_at = (self.seen.len() * 2).max(1 << 16);
        }
        if buf.is_empty() {
            return Ok(());
        }
        self.out.send(Out::Lines(buf)).await.map_err(|_| Gone)
    }

    async fn entries(&mut self, es: &[wire::Entry]) -> Result<(), Gone> {
        self.take(es.iter().map(|e| (e.ts, e.line.as_bytes())))
            .await
    }

    async fn note(&self, n: String) -> Result<(), Gone> {
        self.out.send(Out::Note(n)).await.map_err(|_| Gone)
    }

    /// Say what went wrong, then wait before trying again: 0.2 s, doubling
    /// with each `attempt` up to 5 s.
    async fn wait(&self, attempt: &mut u32, what: String) -> Result<(), Gone> {
        let wait = backoff(*attempt);
        *attempt += 1;
        self.note(format!(
            "{what}; trying again in {:.1} s",
            wait.as_secs_f64()
        ))
        .await?;
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Where the next fill starts: a little before the newest entry.
    fn resume(&self, at_least: Nanos) -> Nanos {
        if self.newest == Nanos::MIN {
            at_least
        } else {
            at_least.max(self.newest - SLACK)
        }
    }
}

/// An error that asking again will not mend (refused, a bad query, a
/// set-up problem), as opposed to a network or server hiccup.
fn fatal(e: &LokiError) -> bool {
    matches!(
        e,
        LokiError::Refused { .. } | LokiError::Status { .. } | LokiError::Setup(_)
    )
}

/// How a socket session ended.
enum End {
    /// Closed by the server or the network: connect again.
    Closed(String),
    /// The fill failed: connect again, fill from the same point.
    FillFailed(String),
    Fatal(LokiError),
}

async fn run(
    http: Http,
    query: String,
    tls: Option<Arc<rustls::ClientConfig>>,
    from: Option<Nanos>,
    workers: usize,
    out: mpsc::Sender<Out>,
) {
    let mut intake = Intake {
        out: out.clone(),
        seen: HashMap::new(),
        newest: Nanos::MIN,
        pruned_at: 1 << 16,
    };
    let r = follow(&http, &query, tls, from, workers, &mut intake).await;
    if let Err(Some(e)) = r {
        let _ = out.send(Out::Failed(e.to_string())).await;
    }
}

/// Ok never; Err(None) when the consumer went away.
async fn follow(
    http: &Http,
    query: &str,
    tls: Option<Arc<rustls::ClientConfig>>,
    from: Option<Nanos>,
    workers: usize,
    intake: &mut Intake,
) -> Result<(), Option<LokiError>> {
    let gone = |_: Gone| None;
    let mut resume = from.unwrap_or_else(now);
    let mut attempt = 0u32;
    loop {
        let connected = now();
        let ws = match connect(http, query, connected, tls.clone()).await {
            Ok(ws) => ws,
            Err(Connect::Refused(status @ (401 | 403), body)) => {
                return Err(Some(LokiError::Refused {
                    url: http.shown.clone(),
                    status,
                    body,
                    hint: "; check the credentials and the tenant (--org-id)",
                }));
            }
            Err(Connect::Refused(status, body)) => {
                intake
                    .note(format!(
                        "loki: the tail WebSocket was refused ({status}: {}); polling query_range every {} s instead",
                        crate::model::text::truncate(&body, 120),
                        POLL.as_secs()
                    ))
                    .await
                    .map_err(gone)?;
                return poll(http, query, resume, workers, intake).await;
            }
            Err(Connect::Network(e)) => {
                let what = format!("loki: cannot open the tail ({e})");
                intake.wait(&mut attempt, what).await.map_err(gone)?;
                continue;
            }
        };
        match session(ws, http, query, resume, workers, intake).await? {
            End::Fatal(e) => return Err(Some(e)),
            End::Closed(why) => {
                // The fill completed: from now on the newest entry says where to go on.
                resume = intake.resume(resume.max(connected - SLACK));
                // A socket that lasted is a normal end (Loki's max duration);
                // one closed again at once waits longer each time.
                if now() - connected > 30 * NANOS_PER_SEC {
                    attempt = 0;
                }
                let what = format!(
                    "loki: the tail closed ({why}); it resumes from {}",
                    crate::model::time::format_micros(resume)
                );
                intake.wait(&mut attempt, what).await.map_err(gone)?;
            }
            End::FillFailed(why) => {
                let what = format!(
                    "loki: filling in from {} failed ({why})",
                    crate::model::time::format_micros(resume)
                );
                intake.wait(&mut attempt, what).await.map_err(gone)?;
            }
        }
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

enum Connect {
    /// The server answered the upgrade with this status (and body).
    Refused(u16, String),
    Network(String),
}

async fn connect(
    http: &Http,
    query: &str,
    start: Nanos,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> Result<Socket, Connect> {
    let params = [
        ("query", query.to_string()),
        ("start", start.to_string()),
        ("limit", super::DEFAULT_LIMIT.to_string()),
    ];
    let req = http
        .ws_request("/loki/api/v1/tail", &params)
        .map_err(|e| Connect::Network(e.to_string()))?;
    let connector = tls.map(tokio_tungstenite::Connector::Rustls);
    let attempt = tokio_tungstenite::connect_async_tls_with_config(req, None, false, connector);
    match tokio::time::timeout(Duration::from_secs(10), attempt).await {
        Err(_) => Err(Connect::Network("no answer in 10 s".into())),
        Ok(Ok((ws, _))) => Ok(ws),
        Ok(Err(tungstenite::Error::Http(resp))) => {
            let body = resp
                .body()
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).trim().to_string())
                .unwrap_or_default();
            Err(Connect::Refused(
                resp.status().as_u16(),
                crate::model::text::sanitize(&body).into_owned(),
            ))
        }
        Ok(Err(e)) => {
            let detail = e.to_string();
            let hint = super::http::tls_hint(&detail);
            Err(Connect::Network(format!("{detail}{hint}")))
        }
    }
}

/// Fill from `resume` while the socket's frames wait, then pass the frames
/// on until the socket closes.
async fn session(
    mut ws: Socket,
    http: &Http,
    query: &str,
    resume: Nanos,
    workers: usize,
    intake: &mut Intake,
) -> Result<End, Option<LokiError>> {
    let gone = |_: Gone| None;
    let (ftx, mut frx) = mpsc::channel::<Piece>(16);
    let plan = fetch::Plan {
        query: query.to_string(),
        start: resume,
        end: now() + MARGIN,
        workers,
        limit: super::DEFAULT_LIMIT,
    };
    let status = Arc::new(Mutex::new(fetch::Outcome::default()));
    let mut fill = Some(tokio::spawn(fetch::run(http.clone(), plan, ftx, status)));
    let mut waiting: Vec<wire::Entry> = Vec::new();
    loop {
        tokio::select! {
            piece = frx.recv(), if fill.is_some() => match piece {
                Some(Piece::Lines(buf, newest)) => {
                    intake.take(buf.split(|&b| b == b'\n').map(|l| (newest, l))).await.map_err(gone)?;
                }
                Some(Piece::End(_)) | None => {
                    let result = match fill.take() {
                        Some(h) => h.await.unwrap_or_else(|e| Err(LokiError::Setup(e.to_string()))),
                        None => Ok(fetch::Outcome::default()),
                    };
                    match result {
                        Ok(_) => {
                            intake.entries(&waiting).await.map_err(gone)?;
                            waiting = Vec::new();
                        }
                        Err(e) if fatal(&e) => return Ok(End::Fatal(e)),
                        Err(e) => return Ok(End::FillFailed(e.to_string())),
                    }
                }
            },
            msg = ws.next() => {
                let frame = match msg {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Close(c))) => {
                        let why = c.map_or("no reason given".to_string(), |c| {
                            format!("{} {}", u16::from(c.code), crate::model::text::sanitize(&c.reason))
                        });
                        return Ok(if fill.is_some() { End::FillFailed(why) } else { End::Closed(why) });
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => {
                        let why = format!("1006, {e}");
                        return Ok(if fill.is_some() { End::FillFailed(why) } else { End::Closed(why) });
                    }
                    None => {
                        let why = "1006, the connection ended".to_string();
                        return Ok(if fill.is_some() { End::FillFailed(why) } else { End::Closed(why) });
                    }
                };
                match wire::tail_frame(frame.as_bytes()) {
                    Ok(f) => {
                        if f.dropped > 0 {
                            intake.out.send(Out::Dropped(f.dropped)).await.map_err(|_| None)?;
                        }
                        if fill.is_some() {
                            waiting.extend(f.entries);
                        } else {
                            intake.entries(&f.entries).await.map_err(gone)?;
                        }
                    }
                    Err(e) => intake.note(format!("loki: a tail frame was not understood ({e})")).await.map_err(gone)?,
                }
            }
        }
    }
}

/// Without a socket: ask query_range for what is new, every POLL.
async fn poll(
    http: &Http,
    query: &str,
    mut resume: Nanos,
    workers: usize,
    intake: &mut Intake,
) -> Result<(), Option<LokiError>> {
    let mut attempt = 0u32;
    loop {
        let asked = now();
        let (ftx, mut frx) = mpsc::channel::<Piece>(16);
        let plan = fetch::Plan {
            query: query.to_string(),
            start: resume,
            end: asked + MARGIN,
            workers: workers.min(2),
            limit: super::DEFAULT_LIMIT,
        };
        let status = Arc::new(Mutex::new(fetch::Outcome::default()));
        let h = tokio::spawn(fetch::run(http.clone(), plan, ftx, status));
        while let Some(p) = frx.recv().await {
            if let Piece::Lines(buf, newest) = p {
                intake
                    .take(buf.split(|&b| b == b'\n').map(|l| (newest, l)))
                    .await
                    .map_err(|_| None)?;
            }
        }
        match h
            .await
            .unwrap_or_else(|e| Err(LokiError::Setup(e.to_string())))
        {
            Ok(_) => {
                attempt = 0;
                resume = intake.resume(resume.max(asked - SLACK));
                tokio::time::sleep(POLL).await;
            }
            Err(e) if fatal(&e) => return Err(Some(e)),
            Err(e) => {
                let what = format!("loki: polling failed ({e})");
                intake.wait(&mut attempt, what).await.map_err(|_| None)?;
            }
        }
    }
}
