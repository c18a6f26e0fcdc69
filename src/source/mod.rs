//! Sources read inputs and emit messages; they never see the index.
//!
//! ```text
//!  inputs (files, gzip, dirs, stdin, Loki)
//!      │ producer thread: read / gunzip (+ spool), cut chunks where a record can start
//!      ▼
//!  [chunk queue] ──► worker × N: parse_chunk → Batch (local ids)
//!                         │
//!                         ▼
//!                 coordinator: line numbers, progress ──► SourceMsg ──► consumer (index)
//! ```

pub mod dir;
pub mod follow;
pub mod loki;
mod pipeline;
pub mod raw;

use crate::parse::{Batch, SkipReason};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use pipeline::{Loading, Recycler, start};
pub use raw::RawStore;

/// What the user named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceSpec {
    Path(PathBuf),
    Stdin,
    Loki(Box<loki::LokiSpec>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Plain,
    Gzip,
}

/// One input stream, opened.
#[derive(Debug)]
pub struct Input {
    /// The name to show (the path as given, or `stdin`).
    pub name: String,
    pub encoding: Encoding,
    /// Size on disk, when known.
    pub size: Option<u64>,
    pub(crate) file: Option<File>,
    /// A stream that is neither a file nor standard input (Loki).
    pub(crate) stream: Option<Stream>,
}

/// A byte stream from elsewhere, and what it has to say when it ends.
pub(crate) struct Stream {
    pub reader: Box<dyn Read + Send>,
    pub note: Arc<Mutex<Option<String>>>,
    /// How far the fetch has got, for progress.
    pub status: Arc<Mutex<loki::Outcome>>,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stream")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot open {path}: {err}")]
    Open { path: String, err: std::io::Error },
    #[error("cannot read directory {path}: {err}")]
    Dir { path: String, err: std::io::Error },
    #[error("{path} is compressed with {format}, which kaudit does not read; decompress it first")]
    Compression { path: String, format: &'static str },
    #[error("cannot create a temporary file for {path}: {err}")]
    Spool { path: String, err: std::io::Error },
    #[error(transparent)]
    Loki(#[from] loki::LokiError),
    #[error("{0}")]
    Live(String),
}

/// Opened inputs, and notes on what was left out.
pub struct Opened {
    pub inputs: Vec<Input>,
    pub notes: Vec<String>,
    /// A Loki selector whose streams come from several clusters, and those
    /// clusters: the TUI offers to pick one.
    pub clusters: Option<(String, Vec<String>)>,
}

/// Open every named source. A directory contributes each of its audit files
/// in rotation order; a file named twice (or reached twice) is read once.
pub fn open(specs: &[SourceSpec]) -> Result<Opened, SourceError> {
    open_ready(specs, None)
}

/// `open`, with the Loki source already prepared (the CLI asked it how much
/// the window holds before choosing to download).
pub fn open_ready(
    specs: &[SourceSpec],
    mut ready: Option<loki::Prepared>,
) -> Result<Opened, SourceError> {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let mut clusters = None;
    let mut seen = std::collections::HashSet::new();
    for spec in specs {
        match spec {
            SourceSpec::Stdin => {
                if seen.insert((u64::MAX, u64::MAX)) {
                    out.push(Input {
                        name: "stdin".into(),
                        encoding: Encoding::Plain,
                        size: None,
                        file: None,
                        stream: None,
                    });
                }
            }
            SourceSpec::Loki(spec) => {
                let prepared = match ready.take() {
                    Some(p) => p,
                    None => loki::prepare(spec)?,
                };
                notes.extend(prepared.notes.iter().cloned());
                if !prepared.clusters.is_empty() {
                    clusters = Some((prepared.selector.clone(), prepared.clusters.clone()));
                }
                if prepared.pushdown.query != prepared.selector {
                    notes.push(format!(
                        "loki: sent {} (the filter is checked again here)",
                        prepared.pushdown.query
                    ));
                }
                let name = format!("loki {} {}", prepared.http.shown, prepared.pushdown.query);
                let note = Arc::new(Mutex::new(None));
                let status = Arc::new(Mutex::new(loki::Outcome::default()));
                let reader = loki::start(prepared, spec, note.clone(), status.clone());
                out.push(Input {
                    name,
                    encoding: Encoding::Plain,
                    size: None,
                    file: None,
                    stream: Some(Stream {
                        reader: Box::new(reader),
                        note,
                        status,
                    }),
                });
            }
            SourceSpec::Path(p) if p.is_dir() => {
                let listing = dir::list(p).map_err(|err| SourceError::Dir {
                    path: p.display().to_string(),
                    err,
                })?;
                for f in listing.files {
                    open_file(&f, &mut seen, &mut out)?;
                }
                if !listing.ignored.is_empty() {
                    let n = listing.ignored.len();
                    notes.push(format!(
                        "ignored {n} file{} in {} whose name does not look like an audit log ({}); name it to read it",
                        if n == 1 { "" } else { "s" },
                        p.display(),
                        listing.ignored.join(", ")
                    ));
                }
            }
            SourceSpec::Path(p) => open_file(p, &mut seen, &mut out)?,
        }
    }
    Ok(Opened {
        inputs: out,
        notes,
        clusters,
    })
}

fn open_file(
    path: &Path,
    seen: &mut std::collections::HashSet<(u64, u64)>,
    out: &mut Vec<Input>,
) -> Result<(), SourceError> {
    let name = path.display().to_string();
    let open_err = |err| SourceError::Open {
        path: name.clone(),
        err,
    };
    let mut file = File::open(path).map_err(open_err)?;
    let meta = file.metadata().map_err(open_err)?;
    if !seen.insert(file_id(&meta)) {
        return Ok(());
    }
    let mut magic = [0u8; 6];
    let n = read_prefix(&mut file, &mut magic).map_err(open_err)?;
    let encoding = match &magic[..n] {
        [0x1f, 0x8b, ..] => Encoding::Gzip,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => {
            return Err(SourceError::Compression {
                path: name,
                format: "zstd",
            });
        }
        [0xfd, b'7', b'z', b'X', b'Z', 0] => {
            return Err(SourceError::Compression {
                path: name,
                format: "xz",
            });
        }
        [b'B', b'Z', b'h', ..] => {
            return Err(SourceError::Compression {
                path: name,
                format: "bzip2",
            });
        }
        _ => Encoding::Plain,
    };
    out.push(Input {
        name,
        encoding,
        size: Some(meta.len()),
        file: Some(file),
        stream: None,
    });
    Ok(())
}

fn read_prefix(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::{Seek, SeekFrom};
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    f.seek(SeekFrom::Start(0))?;
    Ok(n)
}

/// Whether two paths' metadata are of one file (a hard link, a symlink, or
/// the same path written two ways).
pub fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    file_id(a) == file_id(b)
}

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    // No inode numbers: fall back to size and mtime, good enough to spot a file named twice.
    let t = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (m.len(), t)
}

#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub workers: usize,
    pub chunk_size: usize,
    /// Keep the raw text reachable (spool gzip and stdin); not needed for counts.
    pub keep_raw: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            chunk_size: 1 << 20,
            keep_raw: true,
        }
    }
}

/// A live source: its messages never end (until it fails), and notes said
/// at start.
pub struct Live {
    pub loading: Loading,
    pub notes: Vec<String>,
}

/// Follow files and directories, or tail Loki, from `from` (else from now).
pub fn open_live(
    specs: &[SourceSpec],
    from: Option<crate::model::Nanos>,
) -> Result<Live, SourceError> {
    match specs {
        [SourceSpec::Loki(spec)] => loki::tail::start(spec, from),
        _ if specs.iter().all(|s| matches!(s, SourceSpec::Path(_))) => {
            let paths: Vec<PathBuf> = specs
                .iter()
                .filter_map(|s| match s {
                    SourceSpec::Path(p) => Some(p.clone()),
                    _ => None,
                })
                .collect();
            let opts = follow::FollowOptions {
                from_start: from.is_some(),
                ..follow::FollowOptions::default()
            };
            Ok(Live {
                loading: follow::start(&paths, opts)?,
                notes: Vec::new(),
            })
        }
        _ if specs.iter().any(|s| matches!(s, SourceSpec::Stdin)) => Err(SourceError::Live(
            "following reads files, directories or Loki; for a stream, save it to a file and follow that".into(),
        )),
        _ => Err(SourceError::Live(
            "follow files or Loki, not both at once".into(),
        )),
    }
}

/// A skipped record, with its input and 1-based line number.
#[derive(Clone, Debug)]
pub struct SkippedLine {
    pub input: u32,
    pub line: u64,
    pub reason: SkipReason,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    /// Bytes of the inputs read so far (compressed bytes for gzip).
    pub bytes_read: u64,
    /// Sum of the known input sizes; 0 when unknown (stdin).
    pub bytes_total: u64,
    pub events: u64,
    /// For a remote source (Loki): how much of its window has been fetched.
    pub remote: Option<loki::Outcome>,
}

/// Complete lines of a live source (a followed file, the Loki tail) parsed
/// into a batch, reusing a consumed one when given. `base` is the offset of
/// `data` in input `input`, `lines_before` how many lines that input had
/// before it, for the numbers of the skipped lines returned beside.
fn parse_live(
    spare: Option<Box<Batch>>,
    input: u32,
    chunk: u64,
    data: &[u8],
    base: u64,
    lines_before: u64,
) -> (Box<Batch>, Vec<SkippedLine>) {
    let mut batch = match spare {
        Some(mut b) => {
            b.reset(input, chunk);
            b
        }
        None => Box::new(Batch::new(input, chunk)),
    };
    batch.lines = crate::parse::parse_chunk(data, base, &mut batch);
    batch.bytes = data.len() as u64;
    let skipped = batch
        .skipped
        .drain(..)
        .map(|s| SkippedLine {
            input,
            line: lines_before + s.line + 1,
            reason: s.reason,
        })
        .collect();
    (batch, skipped)
}

/// Record an input's name (`SourceMsg::Input`) in a list indexed by input.
pub fn name_input(names: &mut Vec<String>, input: u32, name: String) {
    let i = input as usize;
    if names.len() <= i {
        names.resize(i + 1, String::new());
    }
    names[i] = name;
}

/// What a running load tells its consumer.
#[derive(Debug)]
pub enum SourceMsg {
    Batch(Box<Batch>),
    Progress(Progress),
    /// The skipped records of one input, once its line numbers are known.
    Skipped(Vec<SkippedLine>),
    /// An input could not be read to its end; what was read is kept.
    Warning(String),
    /// A remote source (Loki) could not deliver all it holds: the result is
    /// incomplete and must not pass for complete.
    Failed(String),
    /// A live source opened another input (a rotated file's successor): its
    /// number in the raw store, and its name.
    Input {
        input: u32,
        name: String,
    },
    /// Entries a live source's server could not deliver (Loki's `dropped_entries`).
    Dropped(u64),
    Done,
}
