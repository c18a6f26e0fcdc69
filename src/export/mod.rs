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
    #[error("{0} exists; --force replaces it")]
    Exists(String),
    #[error("{0} is an input of this export; kaudit never writes over what it reads")]
    Input(String),
    #[error(
        "{0} is in the directory of an input ({1}); name a place outside it, or pass --in-input-dir"
    )]
    InputDir(String, String),
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
    let err = |err: io::Error| ExportError::Write {
        path: path.display().to_string(),
        err,
    };
    // tempfile creates the file with mode 0600 on Unix.
    let tmp = tempfile::Builder::new()
        .prefix(".kaudit-")
        .suffix(".part")
        .tempfile_in(parent(path))
        .map_err(err)?;
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
