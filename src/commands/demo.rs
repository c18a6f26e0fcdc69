//! `kaudit demo`: the bundled incident, opened in the TUI on a terminal (else
//! summarised); `--write FILE` writes the log as JSON lines instead.

use super::RunError;
use crate::config::DemoConfig;
use crate::demo::{DemoOptions, write_demo};
use crate::source::SourceSpec;
use std::io::{BufWriter, Write};

pub fn run(cfg: DemoConfig, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), RunError> {
    let opts = DemoOptions {
        events: cfg.events,
        seed: cfg.seed,
    };
    match &cfg.write {
        Some(p) if p.as_os_str() == "-" => {
            write_demo(&opts, out)?;
            Ok(out.flush()?)
        }
        Some(path) => {
            if path.exists() && !cfg.force {
                return Err(RunError::Other(
                    crate::export::ExportError::Exists(path.display().to_string()).to_string(),
                ));
            }
            // Whole or not at all (see `export::write_file`).
            let mut stats = None;
            crate::export::write_file(path, cfg.force, |w| {
                stats = Some(write_demo(&opts, w)?);
                Ok(())
            })
            .map_err(|e| RunError::Other(e.to_string()))?;
            let Some(stats) = stats else {
                return Err(RunError::Other("the demo was not written".into()));
            };
            writeln!(
                err,
                "kaudit: wrote {} events ({} → {}) to {}",
                stats.events,
                stats.first,
                stats.last,
                path.display()
            )?;
            Ok(())
        }
        None => {
            // In a directory of its own, so that an export to /tmp is not
            // beside an input.
            let dir = tempfile::Builder::new()
                .prefix("kaudit-demo-")
                .tempdir()
                .map_err(|e| {
                    RunError::Other(format!("cannot create a temporary directory: {e}"))
                })?;
            let path = dir.path().join("audit.log");
            let file = std::fs::File::create(&path)
                .map_err(|e| RunError::Other(format!("cannot create {}: {e}", path.display())))?;
            let mut w = BufWriter::with_capacity(1 << 20, file);
            write_demo(&opts, &mut w)?;
            w.flush()?;
            drop(w);
            if let Some(mut tui) = cfg.tui {
                // The file lives until the session ends: details read it back.
                tui.sources = vec![SourceSpec::Path(path)];
                return crate::tui::runtime::run(tui);
            }
            let mut summary = cfg.summary.clone_for(vec![SourceSpec::Path(path)]);
            summary.workers = None;
            super::run_query(&summary, out, err)
        }
    }
}
