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
    let idx: &Index = if ordered {
        idx.time_order();
        idx
    } else {
        idx
    };
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
    let mut events = Vec::new();
    let mut seen = vec![false; idx.requests.len()];
    let mut requests = Vec::new();
    for &id in order {
        let e = &idx.events[id as usize];
        if !window.contains(e.ts) || !m.matches(idx, e, raw) {
            continue;
        }
        events.push(id);
        if !seen[e.req as usize] {
            seen[e.req as usize] = true;
            requests.push(e.req);
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
