//! `kaudit export`: the matching events as evidence, in the format the
//! output's name or `--format` asks for (the sinks are in `export`).

use super::RunError;
use crate::cli::Format;
use crate::config::QueryConfig;
use crate::export::{Evidence, Kind, Marks};
use crate::index::Index;
use crate::model::RawAccess;
use crate::query::Selection;
use std::io::Write;

pub fn write(
    cfg: &QueryConfig,
    idx: &Index,
    sel: &Selection,
    raw: &mut dyn RawAccess,
    names: &[String],
    err: &mut dyn Write,
) -> Result<(), RunError> {
    let Some(target) = &cfg.export else {
        return Err(RunError::Other("export: no --out".into()));
    };
    let fail = |e: crate::export::ExportError| RunError::Other(e.to_string());
    let kind = match cfg.format {
        Format::Csv => Kind::Csv,
        Format::Md => Kind::Md,
        Format::Case => Kind::Case,
        _ => Kind::Jsonl,
    };
    let marks = Marks::new();
    let ev = Evidence {
        idx,
        sel,
        marks: &marks,
        names,
        sources: &cfg.sources,
        window: cfg.window,
        filters: &cfg.filter_text,
        redact: cfg.redact,
    };
    let said = crate::export::write(kind, &ev, raw, target).map_err(fail)?;
    writeln!(err, "kaudit: {said}")?;
    Ok(())
}
