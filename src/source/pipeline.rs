//! The load pipeline: one producer, N parse workers, one coordinator.

use super::{
    Encoding, Input, LoadOptions, Progress, SkippedLine, SourceError, SourceMsg, raw::RawStore,
};
use crate::parse::{Batch, Skip, frame, parse_chunk};
use std::fs::File;
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// A running load: messages to consume, and the raw store to read events back.
pub struct Loading {
    pub rx: Receiver<SourceMsg>,
    pub raw: Arc<RawStore>,
    pub names: Vec<String>,
    spare: SyncSender<Box<Batch>>,
}

impl Loading {
    /// Give a consumed batch back for reuse (optional; saves allocations).
    pub fn recycle(&self, b: Box<Batch>) {
        let _ = self.spare.try_send(b);
    }

    /// A load fed by a live source: its messages, its raw store, and where
    /// consumed batches come back for reuse.
    pub(super) fn live(
        rx: Receiver<SourceMsg>,
        raw: Arc<RawStore>,
    ) -> (Loading, Receiver<Box<Batch>>) {
        let (spare, back) = sync_channel(16);
        (
            Loading {
                rx,
                raw,
                names: Vec::new(),
                spare,
            },
            back,
        )
    }

    /// A handle to give batches back from elsewhere (the receiver may move).
    pub fn recycler(&self) -> Recycler {
        Recycler(self.spare.clone())
    }
}

/// Gives consumed batches back to the parse workers.
#[derive(Clone)]
pub struct Recycler(SyncSender<Box<Batch>>);

impl Recycler {
    pub fn recycle(&self, b: Box<Batch>) {
        let _ = self.0.try_send(b);
    }
}

struct Chunk {
    input: u32,
    idx: u64,
    base: u64,
    data: Vec<u8>,
}

enum Internal {
    Parsed(Box<Batch>),
    /// The producer finished an input: how many chunks it cut.
    InputRead {
        input: u32,
        chunks: u64,
    },
    Read(u64),
    Warning(String),
    Failed(String),
}

/// Start loading. Files are opened (and spools created) before this returns,
/// so a missing file is an error here, not a message later.
pub fn start(mut inputs: Vec<Input>, opts: LoadOptions) -> Result<Loading, SourceError> {
    let mut raw_files = Vec::new();
    let mut spools = Vec::new();
    for inp in &mut inputs {
        match (inp.encoding, inp.file.as_ref()) {
            (Encoding::Plain, Some(f)) => {
                let f = f.try_clone().map_err(|err| SourceError::Open {
                    path: inp.name.clone(),
                    err,
                })?;
                raw_files.push(Some(Arc::new(f)));
                spools.push(None);
            }
            _ if opts.keep_raw => {
                let f = tempfile::tempfile().map_err(|err| SourceError::Spool {
                    path: inp.name.clone(),
                    err,
                })?;
                let w = f.try_clone().map_err(|err| SourceError::Spool {
                    path: inp.name.clone(),
                    err,
                })?;
                raw_files.push(Some(Arc::new(f)));
                spools.push(Some(w));
            }
            _ => {
                raw_files.push(None);
                spools.push(None);
            }
        }
    }
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let remote: Vec<_> = inputs
        .iter()
        .filter_map(|i| i.stream.as_ref().map(|s| s.status.clone()))
        .collect();
    let total: u64 = inputs.iter().filter_map(|i| i.size).sum();
    let workers = opts.workers.max(1);
    let (out_tx, out_rx) = sync_channel::<SourceMsg>(workers * 2 + 2);
    let (int_tx, int_rx) = sync_channel::<Internal>(workers * 2 + 2);
    let (work_tx, work_rx) = sync_channel::<Chunk>(workers);
    let (pool_tx, pool_rx) = sync_channel::<Vec<u8>>(workers * 2 + 2);
    for _ in 0..workers * 2 + 2 {
        let _ = pool_tx.send(Vec::new());
    }
    let work_rx = Arc::new(std::sync::Mutex::new(work_rx));
    let (spare_tx, spare_rx) = sync_channel::<Box<Batch>>(workers * 2 + 4);
    let spare_rx = Arc::new(std::sync::Mutex::new(spare_rx));
    for _ in 0..workers {
        let (work_rx, int_tx, pool_tx, spare_rx) = (
            work_rx.clone(),
            int_tx.clone(),
            pool_tx.clone(),
            spare_rx.clone(),
        );
        std::thread::spawn(move || worker(&work_rx, &int_tx, &pool_tx, &spare_rx));
    }
    {
        let int_tx = int_tx.clone();
        let chunk_size = opts.chunk_size.max(1 << 16);
        std::thread::spawn(move || {
            produce(inputs, spools, chunk_size, &work_tx, &pool_rx, &int_tx)
        });
    }
    drop(int_tx);
    let n_inputs = names.len();
    std::thread::spawn(move || coordinate(n_inputs, total, remote, &int_rx, &out_tx));
    Ok(Loading {
        rx: out_rx,
        raw: Arc::new(RawStore::new(raw_files)),
        names,
        spare: spare_tx,
    })
}

fn worker(
    work: &std::sync::Mutex<Receiver<Chunk>>,
    out: &SyncSender<Internal>,
    pool: &SyncSender<Vec<u8>>,
    spare: &std::sync::Mutex<Receiver<Box<Batch>>>,
) {
    loop {
        let chunk = match work.lock() {
            Ok(rx) => match rx.recv() {
                Ok(c) => c,
                Err(_) => return,
            },
            Err(_) => return,
        };
        let mut batch = match spare.lock().ok().and_then(|rx| rx.try_recv().ok()) {
            Some(mut b) => {
                b.reset(chunk.input, chunk.idx);
                b
            }
            None => Box::new(Batch::new(chunk.input, chunk.idx)),
        };
        batch.lines = parse_chunk(&chunk.data, chunk.base, &mut batch);
        batch.bytes = chunk.data.len() as u64;
        let _ = pool.try_send(chunk.data);
        if out.send(Internal::Parsed(batch)).is_err() {
            return;
        }
    }
}

fn produce(
    inputs: Vec<Input>,
    spools: Vec<Option<File>>,
    chunk_size: usize,
    work: &SyncSender<Chunk>,
    pool: &Receiver<Vec<u8>>,
    int: &SyncSender<Internal>,
) {
    for (i, (inp, spool)) in inputs.into_iter().zip(spools).enumerate() {
        let input = i as u32;
        let name = inp.name.clone();
        let mut note = None;
        // Plain streams are read straight into the chunk buffers (a wrapper
        // would make std zero them before every read) and counted as cut;
        // gzip is counted in compressed bytes under the decoder.
        let (reader, count): (Box<dyn Read>, _) = match (inp.stream, inp.file, inp.encoding) {
            (Some(s), _, _) => {
                note = Some(s.note);
                (s.reader, Some(int))
            }
            (None, Some(f), Encoding::Plain) => (Box::new(f), Some(int)),
            (None, Some(f), Encoding::Gzip) => {
                let counted = Counting {
                    inner: f,
                    int: int.clone(),
                };
                (
                    Box::new(flate2::read::MultiGzDecoder::new(
                        std::io::BufReader::with_capacity(1 << 20, counted),
                    )),
                    None,
                )
            }
            (None, None, _) => (Box::new(std::io::stdin().lock()), Some(int)),
        };
        let (chunks, err) = cut(reader, spool, input, chunk_size, work, pool, count);
        // A remote stream that stops early is an incomplete result; a local
        // one (gzip cut short) keeps what it had, with a warning.
        if let Some(e) = err {
            let _ = int.send(if note.is_some() {
                Internal::Failed(format!("{name}: {e}"))
            } else {
                Internal::Warning(format!(
                    "{name}: read stopped after an error ({e}); the events before it are kept"
                ))
            });
        }
        if let Some(n) = note.and_then(|n| n.lock().ok().and_then(|mut n| n.take())) {
            let _ = int.send(Internal::Warning(n));
        }
        if int.send(Internal::InputRead { input, chunks }).is_err() {
            return;
        }
    }
}

/// Counts bytes read from disk, for progress.
struct Counting<R> {
    inner: R,
    int: SyncSender<Internal>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let _ = self.int.send(Internal::Read(n as u64));
        Ok(n)
    }
}

/// Read a stream into chunks cut where a record can start; returns how many
/// chunks were sent and the error that ended the stream early, if any.
fn cut(
    mut r: Box<dyn Read>,
    mut spool: Option<File>,
    input: u32,
    chunk_size: usize,
    work: &SyncSender<Chunk>,
    pool: &Receiver<Vec<u8>>,
    count: Option<&SyncSender<Internal>>,
) -> (u64, Option<std::io::Error>) {
    let mut carry: Vec<u8> = Vec::new();
    let mut base: u64 = 0;
    let mut idx: u64 = 0;
    let mut error = None;
    loop {
        let mut buf = pool.recv().unwrap_or_default();
        buf.clear();
        buf.extend_from_slice(&carry);
        let mut eof = false;
        let mut scanned = 0;
        // Fill to chunk_size, then keep reading until a cut point appears (long lines).
        let cut_at = loop {
            if buf.len() >= chunk_size || eof {
                if let Some(c) = frame::last_cut(&buf[scanned..]).map(|c| c + scanned) {
                    if !eof {
                        break c;
                    }
                }
                if eof {
                    break buf.len();
                }
                scanned = buf.len().saturating_sub(1);
            }
            let want = (chunk_size.max(buf.len() / 2)).max(1 << 16);
            let old = buf.len();
            // read_to_end fills spare capacity without zeroing it first, and
            // keeps what it read before an error.
            buf.reserve(want);
            let res = (&mut r).take(want as u64).read_to_end(&mut buf);
            let n = buf.len() - old;
            if let Some(c) = count {
                let _ = c.send(Internal::Read(n as u64));
            }
            if let Some(s) = spool.as_mut() {
                if let Err(e) = s.write_all(&buf[old..]) {
                    error = Some(e);
                    spool = None;
                }
            }
            match res {
                Ok(_) if n < want => eof = true,
                Ok(_) => {}
                Err(e) => {
                    error = Some(e);
                    eof = true;
                }
            }
        };
        carry.clear();
        carry.extend_from_slice(&buf[cut_at..]);
        buf.truncate(cut_at);
        let len = buf.len() as u64;
        if !buf.is_empty() {
            if work
                .send(Chunk {
                    input,
                    idx,
                    base,
                    data: buf,
                })
                .is_err()
            {
                return (idx, error);
            }
            idx += 1;
        }
        base += len;
        if eof && carry.is_empty() {
            return (idx, error);
        }
    }
}

/// Line numbers of skipped records are known once every earlier chunk of
/// their input has been counted; the coordinator holds them until then.
#[derive(Default)]
struct InputLines {
    chunk_lines: Vec<Option<u64>>,
    skips: Vec<(u64, Skip)>,
    chunks: Option<u64>,
    parsed: u64,
}

fn coordinate(
    n_inputs: usize,
    total: u64,
    remote: Vec<Arc<std::sync::Mutex<super::loki::Outcome>>>,
    int: &Receiver<Internal>,
    out: &SyncSender<SourceMsg>,
) {
    // A remote fetch is slower than a disk: say how it goes more often.
    let every: u64 = if remote.is_empty() { 8 << 20 } else { 1 << 20 };
    let remote_now = || {
        remote
            .iter()
            .fold(None, |acc: Option<super::loki::Outcome>, s| {
                let o = s.lock().map(|o| *o).unwrap_or_default();
                Some(acc.map_or(o, |a| a.plus(&o)))
            })
    };
    let mut lines: Vec<InputLines> = (0..n_inputs).map(|_| InputLines::default()).collect();
    let mut progress = Progress {
        bytes_total: total,
        ..Progress::default()
    };
    let mut last_sent = 0u64;
    for msg in int.iter() {
        let finished = match msg {
            Internal::Parsed(mut b) => {
                let st = &mut lines[b.source as usize];
                let i = b.chunk as usize;
                if st.chunk_lines.len() <= i {
                    st.chunk_lines.resize(i + 1, None);
                }
                st.chunk_lines[i] = Some(b.lines);
                st.skips.extend(b.skipped.drain(..).map(|s| (b.chunk, s)));
                st.parsed += 1;
                progress.events += b.events.len() as u64;
                let input = b.source as usize;
                if out.send(SourceMsg::Batch(b)).is_err() {
                    return;
                }
                Some(input)
            }
            Internal::InputRead { input, chunks } => {
                lines[input as usize].chunks = Some(chunks);
                Some(input as usize)
            }
            Internal::Read(n) => {
                progress.bytes_read += n;
                // Progress every 8 MiB is plenty for a gauge.
                if progress.bytes_read - last_sent >= every {
                    last_sent = progress.bytes_read;
                    progress.remote = remote_now();
                    let _ = out.send(SourceMsg::Progress(progress));
                }
                None
            }
            Internal::Warning(w) => {
                let _ = out.send(SourceMsg::Warning(w));
                None
            }
            Internal::Failed(w) => {
                let _ = out.send(SourceMsg::Failed(w));
                None
            }
        };
        if let Some(input) = finished {
            let st = &mut lines[input];
            if st.chunks == Some(st.parsed) {
                let mut starts = Vec::with_capacity(st.chunk_lines.len());
                let mut acc = 0;
                for l in &st.chunk_lines {
                    starts.push(acc);
                    acc += l.unwrap_or(0);
                }
                let mut skipped: Vec<SkippedLine> = st
                    .skips
                    .drain(..)
                    .map(|(c, s)| SkippedLine {
                        input: input as u32,
                        line: starts[c as usize] + s.line + 1,
                        reason: s.reason,
                    })
                    .collect();
                skipped.sort_by_key(|s| s.line);
                st.chunks = None;
                if !skipped.is_empty() && out.send(SourceMsg::Skipped(skipped)).is_err() {
                    return;
                }
            }
        }
    }
    progress.remote = remote_now();
    let _ = out.send(SourceMsg::Progress(progress));
    let _ = out.send(SourceMsg::Done);
}
