//! The detail screen: its lines, the cursor line highlighted.

use super::super::detail::Detail;
use super::super::theme::{Role, Theme};
use crate::model::text::{sanitize, truncate, width};
use ratatui::text::{Line, Span};
use std::ops::Range;

pub fn lines(
    d: &Detail,
    range: Range<usize>,
    sel: Option<usize>,
    theme: &Theme,
    w: usize,
) -> Vec<Line<'static>> {
    d.lines[range]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let text = format!(" {}", truncate(&sanitize(&l.text), w.saturating_sub(1)));
            let mut style = theme.style(l.role);
            if sel == Some(i) {
                style = style.patch(theme.style(Role::Selection));
                let pad = w.saturating_sub(width(&text));
                return Line::from(vec![
                    Span::styled(text, style),
                    Span::styled(" ".repeat(pad), style),
                ]);
            }
            Line::styled(text, style)
        })
        .collect()
}
