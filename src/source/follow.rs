//! Following growing audit files, with `tail -F` semantics.
//!
//! ```text
//!  path (a file, or a directory's active file)
//!      │ every POLL: stat the path, read what was appended
//!      ▼
//!  complete lines ──► parse_chunk ──► SourceMsg::Batch (offsets into the file itself)
//!  partial last line: kept until its newline arrives
//!  another inode at the path (rotation, or a file recreated): the old file
//!      is read to its end, then the new one from its start
//!  the file shorter than what was read (truncation): read again from 0
//! ```
//!
//! Polling, not inotify: one `stat` and one `read` per file every 100 ms cost
//! nothing measurable (docs/performance.md), they work the same on every file
//! system (NFS and overlay mounts drop inotify events), and rotation needs a
//! `stat` anyway. Each file followed is an input of its own in the raw
//! store, kept open, so details and exports read events back even after the
//! file was renamed or deleted.

use super::{Loading, RawStore, SourceError, SourceMsg};
use crate::parse::Batch;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct FollowOptions {
    /// Read what the files hold already (else start at their end).
    pub from_start: bool,
    /// How often to look for new lines when there were none.
    pub poll: Duration,
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            from_start: false,
            poll: Duration::from_millis(100),
        }
    }
}

/// Most bytes read before parsing them: bounds a batch when a large file is
/// read from its start.
const READ_MAX: usize = 4 << 20;

/// Follow files and directories. A path that does not exist yet is an error
/// (a typo is likelier than a file about to appear); once followed, a path
/// may disappear and come back.
pub fn start(paths: &[PathBuf], opts: FollowOptions) -> Result<Loading, SourceError> {
    for p in paths {
        if let Err(err) = std::fs::metadata(p) {
            return Err(SourceError::Open {
                path: p.display().to_string(),
                err,
            });
        }
    }
    let raw = Arc::new(RawStore::new(Vec::new()));
    let (tx, rx) = std::sync::mpsc::sync_channel(64);
    let (loading, spare) = Loading::live(rx, raw.clone());
    let spare = Arc::new(std::sync::Mutex::new(spare));
    for p in paths {
        let mut f = Follower {
            target: p.clone(),
            dir: p.is_dir(),
            cur: None,
            carry: Vec::new(),
            chunk: 0,
            raw: raw.clone(),
            tx: tx.clone(),
            spare: spare.clone(),
        };
        let opts = opts.clone();
        std::thread::spawn(move || f.run(&opts));
    }
    Ok(loading)
}

/// The file being read.
struct Current {
    file: File,
    id: (u64, u64),
    name: String,
    input: u32,
    /// Bytes consumed (parsed, or held in `carry`).
    offset: u64,
    /// Complete lines parsed so far, for the line numbers of skipped ones.
    lines: u64,
}

struct Follower {
    target: PathBuf,
    dir: bool,
    cur: Option<Current>,
    /// The start of a line whose newline has not arrived.
    carry: Vec<u8>,
    chunk: u64,
    raw: Arc<RawStore>,
    tx: SyncSender<SourceMsg>,
    spare: Arc<std::sync::Mutex<Receiver<Box<Batch>>>>,
}

/// The consumer is gone: stop.
struct Gone;

impl Follower {
    fn run(&mut self, opts: &FollowOptions) {
        let mut first = true;
        loop {
            if self.look(first && !opts.from_start).is_err() {
                return;
            }
            first = false;
            match self.read_new() {
                Err(Gone) => return,
                Ok(n) if n >= READ_MAX => {}
                Ok(_) => std::thread::sleep(opts.poll),
            }
        }
    }

    /// The file now at the path, if any.
    fn active(&self) -> Option<(PathBuf, std::fs::Metadata)> {
        let path = if self.dir {
            super::dir::active(&self.target)?
        } else {
            self.target.clone()
        };
        let meta = std::fs::metadata(&path).ok()?;
        meta.is_file().then_some((path, meta))
    }

    /// Check the path: open the file, follow a rotation, notice a truncation.
    fn look(&mut self, at_end: bool) -> Result<(), Gone> {
        let Some((path, meta)) = self.active() else {
            return Ok(());
        };
        let id = super::file_id(&meta);
        match &mut self.cur {
            Some(c) if c.id == id => {
                if meta.len() < c.offset {
                    let name = c.name.clone();
                    c.offset = 0;
                    c.lines = 0;
                    self.carry.clear();
                    if let Err(e) = std::io::Seek::seek(&mut c.file, std::io::SeekFrom::Start(0)) {
                        return self.send(SourceMsg::Warning(format!("{name}: {e}")));
                    }
                    self.send(SourceMsg::Warning(format!(
                        "{name} was truncated; reading it again from its start"
                    )))?;
                }
                Ok(())
            }
            Some(c) => {
                // Rotated (or deleted and created again): what the old file
                // got before the switch is read first, so nothing is lost.
                let old = c.id;
                self.read_to_end()?;
                self.rotated(old)
            }
            None => self.open(&path, id, at_end).map(|_| ()),
        }
    }

    /// After the file `old`: every file rotated since, oldest first (two
    /// rotations between two looks leave one in between), then the active
    /// one. A rotation while this runs changes the file under a name between
    /// its `stat` and its `open`: then round again.
    fn rotated(&mut self, old: (u64, u64)) -> Result<(), Gone> {
        let mut done = vec![old];
        for _ in 0..4 {
            let Some((path, meta)) = self.active() else {
                return Ok(());
            };
            for p in rotated_between(old, &path) {
                let Ok(m) = std::fs::metadata(&p) else {
                    continue;
                };
                let id = super::file_id(&m);
                if !done.contains(&id) && self.open(&p, id, false)? {
                    self.read_to_end()?;
                    done.push(id);
                }
            }
            let id = super::file_id(&meta);
            if done.contains(&id) || self.open(&path, id, false)? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Read a file left behind to its end; a last line without its newline
    /// is parsed as it is (it will never be completed).
    fn read_to_end(&mut self) -> Result<(), Gone> {
        while self.read_new()? >= READ_MAX {}
        if self.carry.is_empty() {
            return Ok(());
        }
        let data = std::mem::take(&mut self.carry);
        self.parse(data)
    }

    /// Open the file at `path` if it is still the file `id` (the name may
    /// have moved on to the next file since it was looked at).
    fn open(&mut self, path: &Path, id: (u64, u64), at_end: bool) -> Result<bool, Gone> {
        let name = path.display().to_string();
        let mut file = match File::open(path) {
            Ok(f) => f,
            // Gone again between the stat and the open: the next look sees.
            Err(_) => return Ok(false),
        };
        if file.metadata().map(|m| super::file_id(&m)).ok() != Some(id) {
            return Ok(false);
        }
        let offset = if at_end {
            match end_of_last_line(&mut file) {
                Ok(o) => o,
                Err(e) => {
                    self.send(SourceMsg::Warning(format!("{name}: {e}")))?;
                    return Ok(false);
                }
            }
        } else {
            0
        };
        let input = match file.try_clone() {
            Ok(f) => self.raw.add(Some(Arc::new(f))),
            Err(_) => self.raw.add(None),
        };
        self.send(SourceMsg::Input {
            input,
            name: name.clone(),
        })?;
        self.cur = Some(Current {
            file,
            id,
            name,
            input,
            offset,
            lines: 0,
        });
        self.carry.clear();
        Ok(true)
    }

    /// Read what was appended; parse the complete lines. Returns bytes read.
    fn read_new(&mut self) -> Result<usize, Gone> {
        let Some(c) = &mut self.cur else {
            return Ok(0);
        };
        let mut buf = std::mem::take(&mut self.carry);
        let old = buf.len();
        let res = (&mut c.file).take(READ_MAX as u64).read_to_end(&mut buf);
        let n = buf.len() - old;
        c.offset += n as u64;
        if let Err(e) = res {
            let msg = format!("{}: {e}", c.name);
            self.carry = buf;
            self.send(SourceMsg::Warning(msg))?;
            return Ok(n);
        }
        match memchr::memrchr(b'\n', &buf) {
            Some(nl) => {
                self.carry = buf.split_off(nl + 1);
                self.parse(buf)?;
            }
            None => self.carry = buf,
        }
        Ok(n)
    }

    /// Parse complete lines that end where `carry` begins.
    fn parse(&mut self, data: Vec<u8>) -> Result<(), Gone> {
        let Some(c) = &mut self.cur else {
            return Ok(());
        };
        let base = c.offset - self.carry.len() as u64 - data.len() as u64;
        let spare = self.spare.lock().ok().and_then(|rx| rx.try_recv().ok());
        let (batch, skipped) = super::parse_live(spare, c.input, self.chunk, &data, base, c.lines);
        self.chunk += 1;
        c.lines += batch.lines;
        if !batch.events.is_empty() {
            self.send(SourceMsg::Batch(batch))?;
        }
        if !skipped.is_empty() {
            self.send(SourceMsg::Skipped(skipped))?;
        }
        Ok(())
    }

    fn send(&self, m: SourceMsg) -> Result<(), Gone> {
        self.tx.send(m).map_err(|_| Gone)
    }
}

/// The rotated files written after the file `old` and before `active`, in
/// the order they were written (names in rotation order, as `dir` sorts
/// them). Compressed ones are left out: a file being compressed was read
/// before, while it was plain. None when `old` is no longer in the directory.
fn rotated_between(old: (u64, u64), active: &Path) -> Vec<PathBuf> {
    let Some(dir) = active.parent() else {
        return Vec::new();
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(listing) = super::dir::list(dir) else {
        return Vec::new();
    };
    let id = |p: &Path| std::fs::metadata(p).ok().map(|m| super::file_id(&m));
    let files = listing.files;
    let (Some(from), Some(to)) = (
        files.iter().position(|p| id(p) == Some(old)),
        files
            .iter()
            .position(|p| p.file_name() == active.file_name()),
    ) else {
        return Vec::new();
    };
    files
        .get(from + 1..to)
        .unwrap_or_default()
        .iter()
        .filter(|p| p.extension().is_none_or(|e| e != "gz"))
        .cloned()
        .collect()
}

/// Where the last complete line of a file ends: following starts there, so
/// a line being written as kaudit starts is read whole.
fn end_of_last_line(f: &mut File) -> std::io::Result<u64> {
    use std::io::{Seek, SeekFrom};
    let len = f.metadata()?.len();
    let mut end = len;
    let mut buf = vec![0u8; 64 << 10];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        f.seek(SeekFrom::Start(start))?;
        let n = (end - start) as usize;
        f.read_exact(&mut buf[..n])?;
        if let Some(nl) = memchr::memrchr(b'\n', &buf[..n]) {
            let at = start + nl as u64 + 1;
            f.seek(SeekFrom::Start(at))?;
            return Ok(at);
        }
        end = start;
    }
    f.seek(SeekFrom::Start(0))?;
    Ok(0)
}
