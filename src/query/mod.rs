//! The filter language (SPEC §2): lexer and parser → `Expr`, compiled by
//! `Matcher` against the index; plus the time window and the selection of
//! matching events and requests that every command starts from.

pub mod ast;
pub mod error;
pub mod eval;
pub mod parser;
pub mod pattern;

pub use ast::Expr;
pub use error::FilterError;
pub use eval::Matcher;

use crate::index::{EventId, Index, ReqId};
use crate::model::{Nanos, RawAccess};
use crate::parse::NO_TIME;

/// Parse every `--filter` given; all their terms must hold. With several
/// filters, an error names which one.
pub fn parse_filters(filters: &[String]) -> Result<Vec<Expr>, FilterError> {
    let mut terms = Vec::new();
    for (i, f) in filters.iter().enumerate() {
        match parser::parse(f) {
            Ok(t) => terms.extend(t),
            Err(mut e) if filters.len() > 1 => {
                e.message = format!("{} (in filter {}: {f:?})", e.message, i + 1);
                return Err(e);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(terms)
}

/// `--from` inclusive, `--to` exclusive; events without a time fall outside
/// any bounded window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub from: Option<Nanos>,
    pub to: Option<Nanos>,
}

impl Window {
    pub fn contains(&self, t: Nanos) -> bool {
        if self.from.is_none() && self.to.is_none() {
            return true;
        }
        t != NO_TIME && self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|to| t < to)
    }
}

/// The events matching a query and the requests they belong to.
#[derive(Debug, Default)]
pub struct Selection {
    /// In time order when asked for, else in load order.
    pub events: Vec<EventId>,
    /// Distinct requests among the matching events, in order of first match.
    pub requests: Vec<ReqId>,
    /// Nothing was filtered out: everything loaded is selected.
    pub everything: bool,
}

/// Evaluate the query over the whole index; `ordered` sorts the events by time.
pub fn select(
    idx: &mut Index,
    m: &Matcher,
    window: Window,
    raw: &mut dyn RawAccess,
    ordered: bool,
) -> Selection {
    if ordered {
        idx.time_order();
    }
    select_in(idx, m, window, raw, ordered, threads_for(idx))
}

/// `select` in time order over an index already put in time order
/// (`Index::time_order`), so a shared index can be read.
pub fn select_ordered(
    idx: &Index,
    m: &Matcher,
    window: Window,
    raw: &mut dyn RawAccess,
) -> Selection {
    debug_assert!(idx.is_ordered());
    select_in(idx, m, window, raw, true, threads_for(idx))
}

/// Split over the cores when large (the TUI re-selects on every filter change).
fn threads_for(idx: &Index) -> usize {
    const PER_THREAD: usize = 1 << 18;
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(idx.events.len() / PER_THREAD)
        .max(1)
}

fn select_in(
    idx: &Index,
    m: &Matcher,
    window: Window,
    raw: &mut dyn RawAccess,
    ordered: bool,
    threads: usize,
) -> Selection {
    let all: Vec<EventId>;
    let order: &[EventId] = if ordered {
        idx.sorted_events()
    } else {
        all = (0..idx.events.len() as u32).collect();
        &all
    };
    if m.is_empty() && window == Window::default() {
        let requests = (0..idx.requests.len() as u32).collect();
        return Selection {
            events: order.to_vec(),
            requests,
            everything: true,
        };
    }
    let keep = |m: &Matcher, raw: &mut dyn RawAccess, id: EventId| {
        let e = &idx.events[id as usize];
        window.contains(e.ts) && m.matches(idx, e, raw)
    };
    // `uri:` reads raw lines through one reader, so stays on one thread.
    let events: Vec<EventId> = if threads > 1 && !m.uses_raw() && order.len() >= threads {
        let size = order.len().div_ceil(threads);
        let parts: Vec<Vec<EventId>> = std::thread::scope(|s| {
            let handles: Vec<_> = order
                .chunks(size)
                .map(|c| {
                    let m = m.clone();
                    s.spawn(move || {
                        let mut none = crate::model::NoRaw;
                        c.iter()
                            .copied()
                            .filter(|&id| keep(&m, &mut none, id))
                            .collect()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        parts.concat()
    } else {
        order
            .iter()
            .copied()
            .filter(|&id| keep(m, raw, id))
            .collect()
    };
    let mut seen = vec![false; idx.requests.len()];
    let mut requests = Vec::new();
    for &id in &events {
        let r = idx.events[id as usize].req;
        if !seen[r as usize] {
            seen[r as usize] = true;
            requests.push(r);
        }
    }
    Selection {
        events,
        requests,
        everything: false,
    }
}

#[cfg(test)]
mod tests;
