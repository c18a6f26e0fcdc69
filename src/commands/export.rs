//! `kaudit export`: the matching events as evidence in a file, in time
//! order: their own JSON lines (redacted unless `--no-redact`, SPEC §3–4), or
//! CSV rows with the columns an analyst filters on.

use super::RunError;
use crate::config::QueryConfig;
use crate::export::write_file;
use crate::index::Index;
use crate::model::RawAccess;
use crate::model::text::thousands;
use crate::query::Selection;
use std::io::Write;

pub fn write(
    cfg: &QueryConfig,
    idx: &Index,
    sel: &Selection,
    raw: &mut dyn RawAccess,
    err: &mut dyn Write,
) -> Result<(), RunError> {
    let Some(target) = &cfg.export else {
        return Err(RunError::Other("export: no --out".into()));
    };
    // A file is not a terminal: the lines go out as they were read.
    let mut file_cfg = cfg.clone_for(cfg.sources.clone());
    file_cfg.stdout_is_terminal = false;
    write_file(&target.path, target.force, |w| {
        super::events::write(&file_cfg, idx, sel, raw, w)
    })
    .map_err(|e| RunError::Other(e.to_string()))?;
    writeln!(
        err,
        "kaudit: wrote {} events to {} (secret values {})",
        thousands(sel.events.len() as u64),
        target.path.display(),
        if cfg.redact {
            "redacted"
        } else {
            "NOT redacted: --no-redact"
        }
    )?;
    Ok(())
}
