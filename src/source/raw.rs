//! Raw event text left on disk: an event is (input, offset, length) and its
//! bytes are read back when they are shown or exported. Gzip and stdin inputs
//! are decompressed into an unlinked temporary spool file as they are read.

use std::fs::File;
use std::sync::{Arc, RwLock};

/// Inputs are added while a live source follows rotated files, hence the lock
/// (taken only when a read misses the current block).
#[derive(Default)]
pub struct RawStore {
    files: RwLock<Vec<Option<Arc<File>>>>,
}

impl RawStore {
    pub fn new(files: Vec<Option<Arc<File>>>) -> Self {
        RawStore {
            files: RwLock::new(files),
        }
    }

    /// Add an input; returns its number.
    pub fn add(&self, file: Option<Arc<File>>) -> u32 {
        let mut files = self.files.write().unwrap_or_else(|p| p.into_inner());
        files.push(file);
        (files.len() - 1) as u32
    }

    fn file(&self, input: u32) -> std::io::Result<Arc<File>> {
        let files = self.files.read().unwrap_or_else(|p| p.into_inner());
        match files.get(input as usize) {
            Some(Some(f)) => Ok(f.clone()),
            _ => Err(std::io::Error::other(
                "the raw text of this input was not kept",
            )),
        }
    }

    /// Read `len` bytes at `offset` of an input's (decompressed) stream.
    pub fn read(
        &self,
        input: u32,
        offset: u64,
        len: u32,
        buf: &mut Vec<u8>,
    ) -> std::io::Result<()> {
        let f = self.file(input)?;
        buf.clear();
        buf.resize(len as usize, 0);
        read_exact_at(&f, buf, offset)
    }

    /// A reader that serves many reads in ascending offset order from large blocks.
    pub fn reader(&self) -> BlockReader<'_> {
        BlockReader {
            store: self,
            input: u32::MAX,
            start: 0,
            block: Vec::new(),
            plan: None,
        }
    }
}

const BLOCK: usize = 1 << 20;

/// Reading events one `pread` each would cost a system call per event; most
/// output is in time order, which is nearly file order, so read whole blocks.
pub struct BlockReader<'a> {
    store: &'a RawStore,
    input: u32,
    start: u64,
    block: Vec<u8>,
    /// Where the next lines lie (`RawAccess::ahead`): read that, not a block.
    plan: Option<(u32, u64, u64)>,
}

impl BlockReader<'_> {
    pub fn get(&mut self, input: u32, offset: u64, len: u32) -> std::io::Result<&[u8]> {
        let end = offset + len as u64;
        let hit = input == self.input
            && offset >= self.start
            && end <= self.start + self.block.len() as u64;
        if !hit {
            let f = self.store.file(input)?;
            let want = match self.plan {
                Some((i, s, e)) if i == input && s <= offset && end <= e => (e - offset) as usize,
                _ => (len as usize).max(BLOCK),
            };
            self.block.resize(want, 0);
            let n = read_at_most(&f, &mut self.block, offset)?;
            self.block.truncate(n);
            self.input = input;
            self.start = offset;
            if n < len as usize {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the input file is shorter than when it was read",
                ));
            }
        }
        let s = (offset - self.start) as usize;
        Ok(&self.block[s..s + len as usize])
    }
}

#[cfg(unix)]
fn read_exact_at(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
}

#[cfg(unix)]
fn read_at_most(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match std::os::unix::fs::FileExt::read_at(f, &mut buf[n..], offset + n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(windows)]
fn read_exact_at(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    let n = read_at_most(f, buf, offset)?;
    if n < buf.len() {
        return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
    }
    Ok(())
}

#[cfg(windows)]
fn read_at_most(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match std::os::windows::fs::FileExt::seek_read(f, &mut buf[n..], offset + n as u64)? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

impl crate::model::RawAccess for BlockReader<'_> {
    fn line(&mut self, input: u32, offset: u64, len: u32) -> std::io::Result<&[u8]> {
        self.get(input, offset, len)
    }

    fn ahead(&mut self, input: u32, start: u64, end: u64) {
        self.plan = Some((input, start, end));
    }
}
