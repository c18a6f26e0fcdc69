//! Evidence files. Each is written under a temporary name beside its target
//! (created with mode 0600), flushed to disk, then renamed into place: a
//! failure (disk full, permission) leaves no half-written file behind. An
//! existing file is replaced only when asked (`force`), and an input of the
//! export never.

use crate::source::SourceSpec;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0} exists; --force replaces it (:export! in the investigator)")]
    Exists(String),
    #[error("{0} is an input of this export; kaudit never writes over what it reads")]
    Input(String),
    #[error(
        "{0} is in the directory of an input ({1}); name a place outside it, or pass --in-input-dir"
    )]
    InputDir(String, String),
    #[error("cannot read {path} to hash it: {err}")]
    Hash { path: String, err: io::Error },
    #[error("cannot write {path}: {err}")]
    Write { path: String, err: io::Error },
}

/// Where an export goes, and what it may do there.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    /// Replace an existing file.
    pub force: bool,
    /// Write inside a directory that holds an input.
    pub in_input_dir: bool,
}

impl Target {
    /// Refuse a target that is an input, or (unless asked) lies beside one.
    pub fn check(&self, sources: &[SourceSpec]) -> Result<(), ExportError> {
        let shown = self.path.display().to_string();
        let out_dir = parent(&self.path)
            .canonicalize()
            .unwrap_or_else(|_| parent(&self.path).to_path_buf());
        let same_file = |p: &Path| match (std::fs::metadata(p), std::fs::metadata(&self.path)) {
            (Ok(a), Ok(b)) => crate::source::same_file(&a, &b),
            _ => false,
        };
        for s in sources {
            let SourceSpec::Path(p) = s else { continue };
            if same_file(p) {
                return Err(ExportError::Input(shown));
            }
            let dir = if p.is_dir() { p.as_path() } else { parent(p) };
            let Ok(dir) = dir.canonicalize() else {
                continue;
            };
            // Subdirectories are not read as inputs (`dir::list`): only the directory itself.
            if out_dir == dir && !self.in_input_dir {
                return Err(ExportError::InputDir(shown, dir.display().to_string()));
            }
        }
        if self.path.exists() && !self.force {
            return Err(ExportError::Exists(shown));
        }
        Ok(())
    }
}

/// A temporary name beside the target: hidden, and marked as unfinished.
fn scratch<'a>() -> tempfile::Builder<'a, 'a> {
    let mut b = tempfile::Builder::new();
    b.prefix(".kaudit-").suffix(".part");
    b
}

/// A write error, naming the target.
fn failed(path: &Path) -> impl Fn(io::Error) -> ExportError + Copy + '_ {
    move |err| ExportError::Write {
        path: path.display().to_string(),
        err,
    }
}

fn parent(p: &Path) -> &Path {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Write `path` whole or not at all: `body` writes into a temporary file
/// beside it, which becomes `path` only once complete.
pub fn write_file(
    path: &Path,
    force: bool,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), ExportError> {
    let err = failed(path);
    // tempfile creates the file with mode 0600 on Unix.
    let tmp = scratch().tempfile_in(parent(path)).map_err(err)?;
    {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        body(&mut w).map_err(err)?;
        w.flush().map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    let placed = if force {
        tmp.persist(path)
    } else {
        // Not over a file that appeared since the check.
        tmp.persist_noclobber(path)
    };
    placed.map_err(|e| {
        if e.error.kind() == io::ErrorKind::AlreadyExists {
            ExportError::Exists(path.display().to_string())
        } else {
            err(e.error)
        }
    })?;
    Ok(())
}

/// Size and SHA-256 (hex) of a file, read through once.
pub fn sha256_file(path: &Path) -> io::Result<(u64, String)> {
    use sha2::Digest;
    let mut f = std::fs::File::open(path)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = std::io::Read::read(&mut f, &mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((n, hex(&h.finalize())))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A directory written whole or not at all: its files go into a temporary
/// directory beside it (mode 0700, files 0600), each hashed as it is
/// written, and the directory is renamed into place by `finish`. Dropped
/// unfinished, it leaves nothing.
pub struct Dir {
    tmp: tempfile::TempDir,
    path: PathBuf,
    /// What was written: name, size, SHA-256.
    pub files: Vec<(String, u64, String)>,
}

impl Dir {
    pub fn new(path: &Path) -> Result<Dir, ExportError> {
        let err = failed(path);
        let tmp = scratch().tempdir_in(parent(path)).map_err(err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o700))
                .map_err(err)?;
        }
        Ok(Dir {
            tmp,
            path: path.to_path_buf(),
            files: Vec::new(),
        })
    }

    /// Write file `name` with `body`, and list it with its size and hash.
    pub fn file(
        &mut self,
        name: &str,
        body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), ExportError> {
        let err = failed(&self.path);
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let file = o.open(self.tmp.path().join(name)).map_err(err)?;
        let mut w = Hashing {
            inner: BufWriter::with_capacity(1 << 20, file),
            hash: sha2::Sha256::default(),
            bytes: 0,
        };
        body(&mut w).map_err(err)?;
        w.inner.flush().map_err(err)?;
        w.inner.get_ref().sync_all().map_err(err)?;
        use sha2::Digest;
        self.files
            .push((name.to_string(), w.bytes, hex(&w.hash.finalize())));
        Ok(())
    }

    /// Put the directory in place. With `force`, an existing directory is
    /// replaced only if it is an earlier case file (it holds `marker`).
    pub fn finish(self, force: bool, marker: &str) -> Result<(), ExportError> {
        let path = self.path.as_path();
        let err = failed(path);
        if path.exists() {
            if !force {
                return Err(ExportError::Exists(path.display().to_string()));
            }
            if !path.join(marker).is_file() {
                return Err(ExportError::Write {
                    path: path.display().to_string(),
                    err: io::Error::other(format!(
                        "it exists and is not a kaudit case file (no {marker}); kaudit replaces only its own"
                    )),
                });
            }
            std::fs::remove_dir_all(path).map_err(err)?;
        }
        let kept = self.tmp.keep();
        std::fs::rename(&kept, path).map_err(|e| {
            let _ = std::fs::remove_dir_all(&kept);
            err(e)
        })?;
        Ok(())
    }
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W> {
    inner: W,
    hash: sha2::Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
