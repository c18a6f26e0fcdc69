//! `kaudit export`: the matching events as evidence, in the format the
//! output's name or `--format` asks for (the sinks are in `export`).

use super::RunError;
use crate::cli::Format;
use crate::config::QueryConfig;
use crate::export::{Evidence, Kind, Marks, Scope};
use crate::index::Index;
use crate::model::RawAccess;
use crate::model::text::thousands;
use crate::query::Selection;
use crate::source::SourceSpec;
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
    let tenant = cfg.sources.iter().find_map(|s| match s {
        SourceSpec::Loki(l) => l.org_id.as_deref(),
        _ => None,
    });
    // Only the report and the case file say what the inputs were.
    let scope = if matches!(kind, Kind::Md | Kind::Case) {
        Scope::of(
            idx,
            sel,
            names,
            tenant,
            cfg.window,
            &cfg.filter_text,
            cfg.redact,
        )
    } else {
        Scope::of(
            idx,
            sel,
            &[],
            tenant,
            cfg.window,
            &cfg.filter_text,
            cfg.redact,
        )
    }
    .map_err(fail)?;
    let marks = Marks::new();
    let ev = Evidence {
        idx,
        sel,
        scope: &scope,
        marks: &marks,
    };
    crate::export::write(kind, &ev, raw, target).map_err(fail)?;
    let what = match kind {
        Kind::Md => "a report of ",
        Kind::Case => "a case file of ",
        _ => "",
    };
    writeln!(
        err,
        "kaudit: wrote {what}{} events to {} (secret values {})",
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
