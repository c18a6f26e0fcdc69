//! The command-line frontend: each command loads its sources into an index,
//! selects with the filter, and prints with one of the output formats.

pub mod demo;
mod export;
mod groups;
mod server;
mod summary;
mod tail;
mod tally;

use crate::cli::Format;
use crate::config::{Action, QueryConfig};
use crate::export as sinks;
use crate::index::Index;
use crate::model::text::{sanitize, thousands};
use crate::query::{Matcher, select};
use crate::source::{self, LoadOptions, RawStore, SourceError, SourceMsg, SourceSpec};
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;

/// A failure while running (exit code 1), or the output pipe closing (exit 0).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Other(String),
}

/// Inputs loaded into an index, with their raw text reachable.
pub struct Loaded {
    pub index: Index,
    pub raw: Arc<RawStore>,
    pub names: Vec<String>,
}

/// Load every source to the end (Loki `ready` when already prepared) into
/// `index`. On a terminal, a progress line on stderr.
pub fn load(
    specs: &[SourceSpec],
    opts: LoadOptions,
    ready: Option<source::loki::Prepared>,
    mut index: Index,
) -> Result<Loaded, RunError> {
    let opened = source::open_ready(specs, ready)?;
    // Room for the events the inputs likely hold (audit lines run 0.5–2 KB;
    // gzip packs about six to one), so loading does not rehash or copy.
    let hint: u64 = opened
        .inputs
        .iter()
        .filter_map(|i| {
            i.size.map(|s| {
                if i.encoding == source::Encoding::Gzip {
                    s * 6
                } else {
                    s
                }
            })
        })
        .sum::<u64>()
        / 800;
    let loading = source::start(opened.inputs, opts)?;
    index.reserve(hint.min(1 << 28) as usize);
    index.warnings.extend(opened.notes);
    let show = io::stderr().is_terminal();
    let mut shown = false;
    let mut names = loading.names.clone();
    for msg in loading.rx.iter() {
        match msg {
            SourceMsg::Batch(b) => {
                index.apply(&b);
                loading.recycle(b);
            }
            SourceMsg::Skipped(s) => index.skipped.extend(s),
            SourceMsg::Warning(w) => index.warnings.push(w),
            SourceMsg::Failed(w) => index.failed.push(w),
            SourceMsg::Progress(source::Progress {
                remote: Some(r),
                events,
                ..
            }) if show => {
                eprint!(
                    "\rkaudit: loki {}, {} events\x1b[K",
                    r.progress(),
                    thousands(events)
                );
                shown = true;
            }
            SourceMsg::Progress(p) if show && p.bytes_total >= 64 << 20 => {
                let pct = p.bytes_read * 100 / p.bytes_total.max(1);
                eprint!(
                    "\rkaudit: loading {pct:>3}% ({} events)\x1b[K",
                    thousands(p.events)
                );
                shown = true;
            }
            SourceMsg::Progress(_) => {}
            SourceMsg::Input { input, name } => source::name_input(&mut names, input, name),
            SourceMsg::Dropped(n) => index.warnings.push(format!(
                "the server dropped {n} entries it could not send in time"
            )),
            SourceMsg::Done => break,
        }
    }
    if shown {
        eprint!("\r\x1b[K");
    }
    Ok(Loaded {
        index,
        raw: loading.raw,
        names,
    })
}

pub fn run_query(
    cfg: &QueryConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), RunError> {
    if cfg.action == Action::Tail && !cfg.explain {
        return tail::run(cfg, out, err);
    }
    for w in &cfg.warnings {
        writeln!(err, "kaudit: {w}").map_err(RunError::Io)?;
    }
    if cfg.explain {
        for s in &cfg.sources {
            if let SourceSpec::Loki(spec) = s {
                let lines = source::loki::explain(spec).map_err(SourceError::from)?;
                for l in lines {
                    writeln!(out, "{}", sanitize(&l)).map_err(RunError::Io)?;
                }
            }
        }
        return Ok(());
    }
    if let Some(t) = &cfg.export {
        t.check(&cfg.sources)
            .map_err(|e| RunError::Other(e.to_string()))?;
    }
    let ready = match server::plan(cfg, err)? {
        server::Plan::Count(counter) => return server::run(cfg, counter, out, err),
        server::Plan::Download(ready) => ready,
    };
    let mut opts = LoadOptions::default();
    if let Some(w) = cfg.workers {
        opts.workers = w;
    }
    let matcher_needs_raw = crate::query::Matcher::new(&cfg.terms, &Index::new()).uses_raw();
    let lines = matches!(cfg.action, Action::Events | Action::Export);
    opts.keep_raw = lines || matcher_needs_raw;
    // Events printed one by one need no groups or counts: less work loading.
    let lines_only = matches!(
        (cfg.action, cfg.format),
        (Action::Events, _) | (Action::Export, Format::Jsonl | Format::Csv)
    );
    let index = if lines_only {
        Index::ungrouped()
    } else {
        Index::new()
    };
    let mut loaded = load(&cfg.sources, opts, ready, index)?;
    let matcher = Matcher::new(&cfg.terms, &loaded.index);
    let raw = loaded.raw.clone();
    let mut reader = raw.reader();
    let sel = select(&mut loaded.index, &matcher, cfg.window, &mut reader, lines);
    let result = match cfg.action {
        Action::Summary => summary::write(cfg, &loaded.index, &sel, out),
        Action::Events => sinks::events::write(&cfg.shape(), &loaded.index, &sel, &mut reader, out),
        Action::Users => {
            groups::write_users(cfg, &loaded.index, &tally::of(&loaded.index, &sel), out)
        }
        Action::Objects => {
            groups::write_objects(cfg, &loaded.index, &tally::of(&loaded.index, &sel), out)
        }
        Action::Secrets => sinks::secrets::write(
            &cfg.shape(),
            &loaded.index,
            &sinks::lenses(&loaded.index, &sel),
            out,
        ),
        Action::Denied => sinks::denied::write(
            &cfg.shape(),
            &loaded.index,
            &sinks::lenses(&loaded.index, &sel),
            out,
        ),
        Action::Exec => sinks::exec::write(
            &cfg.shape(),
            &loaded.index,
            &sinks::lenses(&loaded.index, &sel),
            out,
        ),
        Action::Findings => sinks::findings::write(
            &cfg.shape(),
            &loaded.index,
            &sinks::lenses(&loaded.index, &sel),
            out,
        ),
        // Answered before loading: it never ends.
        Action::Tail => Ok(()),
        Action::Export => {
            // Evidence that is known to be incomplete is not written.
            if !loaded.index.failed.is_empty() {
                report(&loaded, err)?;
                return Err(RunError::Other(format!(
                    "{}; nothing was exported",
                    loaded.index.failed.join("; ")
                )));
            }
            return export::write(cfg, &loaded.index, &sel, &mut reader, &loaded.names, err)
                .and_then(|()| report(&loaded, err).map_err(RunError::Io));
        }
    };
    let flushed = result.and_then(|()| out.flush());
    report(&loaded, err)?;
    flushed.map_err(RunError::Io)?;
    if !loaded.index.failed.is_empty() {
        return Err(RunError::Other(format!(
            "{}; what is shown above is incomplete",
            loaded.index.failed.join("; ")
        )));
    }
    Ok(())
}

/// After the output: what was skipped and what could not be read, on stderr.
pub fn report(loaded: &Loaded, err: &mut dyn Write) -> io::Result<()> {
    report_skipped(&loaded.names, &loaded.index, err)
}

/// `report`, for inputs named `names`.
pub fn report_skipped(names: &[String], idx: &Index, err: &mut dyn Write) -> io::Result<()> {
    let name = |i: u32| {
        names
            .get(i as usize)
            .map_or("?".to_string(), |n| sanitize(n).into_owned())
    };
    let places = |list: &[&crate::source::SkippedLine]| {
        let mut p: Vec<String> = list
            .iter()
            .take(5)
            .map(|s| format!("{}:{}", name(s.input), s.line))
            .collect();
        if list.len() > 5 {
            p.push("...".into());
        }
        p.join(", ")
    };
    let (bad, other): (Vec<_>, Vec<_>) = idx.skipped.iter().partition(|s| s.reason.is_malformed());
    if !bad.is_empty() {
        let n = bad.len();
        writeln!(
            err,
            "kaudit: skipped {n} malformed line{} ({})",
            if n == 1 { "" } else { "s" },
            places(&bad)
        )?;
    }
    if !other.is_empty() {
        // Grouped by what they look like, so an AKS or GKE export says so.
        let mut kinds: Vec<(&str, Vec<&crate::source::SkippedLine>)> = Vec::new();
        for s in &other {
            let what = match &s.reason {
                crate::parse::SkipReason::NotAnEvent(w) => *w,
                _ => "not an audit event",
            };
            match kinds.iter_mut().find(|(w, _)| *w == what) {
                Some((_, v)) => v.push(s),
                None => kinds.push((what, vec![s])),
            }
        }
        let n = other.len();
        let detail: Vec<String> = kinds
            .iter()
            .map(|(what, list)| format!("{what}: {}", places(list)))
            .collect();
        let head = if n == 1 {
            "1 record that is not an audit event".to_string()
        } else {
            format!("{n} records that are not audit events")
        };
        writeln!(err, "kaudit: skipped {head} ({})", detail.join("; "))?;
    }
    for w in &idx.warnings {
        writeln!(err, "kaudit: {}", sanitize(w))?;
    }
    Ok(())
}
