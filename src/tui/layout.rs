//! Where things go on the screen, shared by `update` (to scroll: how many
//! rows a list shows) and `ui` (to draw). Pure functions of the size.

use super::view::Body;
use ratatui::layout::Rect;

/// Rows of the activity histogram: people (2), system (1), time axis (1).
pub const HISTOGRAM_ROWS: u16 = 4;

/// The four bands of the screen, top to bottom.
pub struct Areas {
    /// Breadcrumbs, filter and window.
    pub title: Rect,
    pub body: Rect,
    /// Source state, messages, counts.
    pub status: Rect,
    /// Key hints, or the filter or command line being typed.
    pub bottom: Rect,
}

pub fn areas(area: Rect) -> Areas {
    let h = area.height;
    let row = |y: u16, height: u16| Rect {
        x: area.x,
        y: area.y + y.min(h),
        width: area.width,
        height: height.min(h.saturating_sub(y)),
    };
    Areas {
        title: row(0, 1),
        body: row(1, h.saturating_sub(3)),
        status: row(h.saturating_sub(2), 1),
        bottom: row(h.saturating_sub(1), 1),
    }
}

/// Rows above a body's list: header lines, the column header, the
/// overview's counts and histogram.
pub fn list_offset(body: &Body) -> u16 {
    match body {
        Body::Rows { header, .. } | Body::Events { header, .. } => header.len() as u16 + 1,
        Body::Overview(o) => o.lines.len() as u16 + HISTOGRAM_ROWS + 1,
        Body::Detail(_) => 0,
    }
}

/// How many rows of a body's list fit on a screen of `size` (columns, rows).
pub fn list_height(size: (u16, u16), body: &Body) -> usize {
    size.1.saturating_sub(3).saturating_sub(list_offset(body)) as usize
}

/// Histogram buckets: one per column, within reason.
pub fn histogram_width(columns: u16) -> usize {
    (columns as usize).saturating_sub(2).clamp(10, 400)
}
