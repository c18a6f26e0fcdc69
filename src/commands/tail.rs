//! `kaudit tail`: new events as they are written, one line each (or their
//! JSON lines), people only unless `--all`; what was hidden is counted.
//!
//! The events go through the same index, filter and lenses as every other
//! command, batch by batch, so a line is highlighted when its request is
//! evidence of a finding at the moment it arrives.

use super::RunError;
use crate::cli::Format;
use crate::config::QueryConfig;
use crate::export::events::event_text;
use crate::index::{EventRec, Index};
use crate::lens::Lenses;
use crate::lens::findings::{Ranking, Severity};
use crate::model::is_human;
use crate::model::text::{sanitize, thousands};
use crate::model::time::format_millis;
use crate::parse::batch::FLAG_LENS;
use crate::query::Matcher;
use crate::source::{self, Loading, SourceMsg};
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

/// How often the loop looks at the stop flag when nothing arrives.
const WAKE: Duration = Duration::from_millis(200);

pub fn run(cfg: &QueryConfig, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), RunError> {
    for w in &cfg.warnings {
        writeln!(err, "kaudit: {w}")?;
    }
    let live = source::open_live(&cfg.sources, cfg.window.from)?;
    for n in &live.notes {
        writeln!(err, "kaudit: {}", sanitize(n))?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
    let status = io::stderr().is_terminal();
    let mut t = Tail::new(cfg, live.loading);
    let result = t.follow(cfg, &stop, out, err, status);
    if status {
        write!(err, "\r\x1b[K")?;
    }
    t.report(err)?;
    result
}

struct Tail {
    loading: Loading,
    names: Vec<String>,
    idx: Index,
    lenses: Lenses,
    ranking: Ranking,
    filter: Matcher,
    shown: u64,
    hidden: u64,
    /// Events withheld because their secret payload could not be redacted.
    withheld: u64,
    dropped: u64,
    warnings: Vec<String>,
}

impl Tail {
    fn new(cfg: &QueryConfig, loading: Loading) -> Tail {
        let idx = Index::new();
        Tail {
            names: loading.names.clone(),
            loading,
            filter: Matcher::new(&cfg.terms, &idx),
            idx,
            lenses: Lenses::default(),
            ranking: Ranking::default(),
            shown: 0,
            hidden: 0,
            withheld: 0,
            dropped: 0,
            warnings: Vec::new(),
        }
    }

    fn follow(
        &mut self,
        cfg: &QueryConfig,
        stop: &AtomicBool,
        out: &mut dyn Write,
        err: &mut dyn Write,
        status: bool,
    ) -> Result<(), RunError> {
        let mut said = String::new();
        while !stop.load(Ordering::Relaxed) {
            let msg = match self.loading.rx.recv_timeout(WAKE) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            };
            let mut lines = Vec::new();
            let mut next = Some(msg);
            // Everything already waiting goes out in one write.
            while let Some(m) = next {
                match m {
                    SourceMsg::Batch(b) => {
                        let first = self.idx.events.len();
                        self.idx.apply(&b);
                        self.loading.recycle(b);
                        self.render_new(cfg, first, &mut lines)?;
                    }
                    SourceMsg::Skipped(s) => self.idx.skipped.extend(s),
                    SourceMsg::Input { input, name } => {
                        source::name_input(&mut self.names, input, name)
                    }
                    SourceMsg::Warning(w) => {
                        // Said at once: a live source's news (a reconnect, a rotation).
                        if status {
                            write!(err, "\r\x1b[K")?;
                        }
                        writeln!(err, "kaudit: {}", sanitize(&w))?;
                        said.clear();
                    }
                    SourceMsg::Failed(w) => self.warnings.push(w),
                    SourceMsg::Dropped(n) => self.dropped += n,
                    SourceMsg::Progress(_) => {}
                    SourceMsg::Done => {
                        self.emit(&lines, out, err, status, &mut said)?;
                        return match self.warnings.pop() {
                            Some(w) => Err(RunError::Other(w)),
                            None => Ok(()),
                        };
                    }
                }
                next = self.loading.rx.try_recv().ok();
            }
            self.emit(&lines, out, err, status, &mut said)?;
        }
        Ok(())
    }

    /// Write the lines, then the status line (stderr on a terminal) under them.
    fn emit(
        &self,
        lines: &[u8],
        out: &mut dyn Write,
        err: &mut dyn Write,
        status: bool,
        said: &mut String,
    ) -> Result<(), RunError> {
        if !lines.is_empty() {
            if status && !said.is_empty() {
                write!(err, "\r\x1b[K")?;
                said.clear();
            }
            out.write_all(lines)?;
            out.flush()?;
        }
        if status {
            let now = self.status_line();
            if now != *said {
                write!(err, "\r\x1b[K{now}")?;
                err.flush()?;
                *said = now;
            }
        }
        Ok(())
    }

    fn status_line(&self) -> String {
        let mut s = format!("kaudit tail: {} shown", thousands(self.shown));
        if self.hidden > 0 {
            s.push_str(&format!(
                ", {} system:* hidden (--all shows them)",
                thousands(self.hidden)
            ));
        }
        if self.withheld > 0 {
            s.push_str(&format!(", {} withheld", thousands(self.withheld)));
        }
        if self.dropped > 0 {
            s.push_str(&format!(", {} dropped by Loki", thousands(self.dropped)));
        }
        s.push_str(" · Ctrl-C stops");
        s
    }

    /// The lines of the events from `first` on that pass the filter.
    fn render_new(
        &mut self,
        cfg: &QueryConfig,
        first: usize,
        lines: &mut Vec<u8>,
    ) -> Result<(), RunError> {
        self.filter.sync(&self.idx);
        let raw = self.loading.raw.clone();
        let mut reader = raw.reader();
        let mut picked = Vec::new();
        for id in first..self.idx.events.len() {
            let e = &self.idx.events[id];
            if !cfg.window.contains(e.ts) || !self.filter.matches(&self.idx, e, &mut reader) {
                continue;
            }
            // People only: SPEC's @humans.
            if !cfg.all && !is_human(self.idx.s(self.idx.who(e).user)) {
                self.hidden += 1;
                continue;
            }
            picked.push(id);
        }
        if picked.is_empty() {
            return Ok(());
        }
        // Only table lines name findings; they change only with events an
        // investigation looks at.
        if cfg.format == Format::Table
            && picked
                .iter()
                .any(|&id| self.idx.events[id].flags & FLAG_LENS != 0)
        {
            self.lenses.update(&self.idx);
            self.ranking = Ranking::new(&self.idx, &self.lenses);
        }
        for id in picked {
            let e = self.idx.events[id];
            match cfg.format {
                Format::Jsonl | Format::Json | Format::Csv => {
                    let line = reader.get(e.input, e.offset, e.len)?;
                    match event_text(line, &cfg.shape()) {
                        Some(text) => {
                            lines.extend_from_slice(&text);
                            lines.push(b'\n');
                        }
                        None => {
                            self.withheld += 1;
                            continue;
                        }
                    }
                }
                Format::Table | Format::Md | Format::Case => self.row(cfg, &e, lines),
            }
            self.shown += 1;
        }
        Ok(())
    }

    /// time  user  verb  resource  ns/name  code  [! findings]
    fn row(&self, cfg: &QueryConfig, e: &EventRec, lines: &mut Vec<u8>) {
        let idx = &self.idx;
        let o = idx.obj(e);
        let res = crate::export::table::target(idx, o);
        let place = crate::model::text::place(idx.s(o.namespace), idx.s(o.name));
        let code = crate::export::table::code_cell(e.code);
        let user = crate::model::user_shown(idx.s(idx.who(e).user));
        let mut text = format!(
            "{}  {:<24} {:<7} {:<22} {:<36} {}",
            format_millis(e.ts),
            sanitize(user),
            sanitize(idx.s(e.verb)),
            sanitize(&res),
            sanitize(&place),
            code
        );
        let rules = self.ranking.rules_of([e.req], None);
        if !rules.is_empty() {
            text.push_str("  ! ");
            text.push_str(&rules.join(", "));
        }
        let color = match self.ranking.of_requests([e.req], None) {
            _ if !cfg.color => None,
            Some(Severity::High) => Some("\x1b[1;31m"),
            Some(Severity::Medium) => Some("\x1b[1;33m"),
            Some(Severity::Low) => Some("\x1b[36m"),
            None => None,
        };
        match color {
            Some(c) => {
                lines.extend_from_slice(c.as_bytes());
                lines.extend_from_slice(text.trim_end().as_bytes());
                lines.extend_from_slice(b"\x1b[0m\n");
            }
            None => {
                lines.extend_from_slice(text.trim_end().as_bytes());
                lines.push(b'\n');
            }
        }
    }

    /// On the way out: what was shown and hidden, and what could not be read.
    fn report(&self, err: &mut dyn Write) -> io::Result<()> {
        let mut s = format!(
            "kaudit: tail stopped: {} event{} shown",
            thousands(self.shown),
            if self.shown == 1 { "" } else { "s" }
        );
        if self.hidden > 0 {
            s.push_str(&format!(
                ", {} of system:* identities hidden (--all shows them)",
                thousands(self.hidden)
            ));
        }
        if self.dropped > 0 {
            s.push_str(&format!(
                "; Loki dropped {} entries it could not send in time",
                thousands(self.dropped)
            ));
        }
        writeln!(err, "{s}")?;
        if self.withheld > 0 {
            writeln!(
                err,
                "kaudit: withheld {} event(s) whose secret payloads could not be redacted safely; --no-redact shows them",
                self.withheld
            )?;
        }
        super::report_skipped(&self.names, &self.idx, err)
    }
}
