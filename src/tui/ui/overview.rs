//! The overview: counts, the activity histogram (people above, system
//! below, the cursor and the picked range on the time axis), then the doors.

use super::super::app::AppState;
use super::super::layout::HISTOGRAM_ROWS;
use super::super::theme::{Role, Theme};
use super::super::view::{Open, Overview};
use super::table::{self, Cells};
use crate::model::text::{sanitize, truncate, width};
use crate::model::time::format_short;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};
use std::ops::Range;

#[allow(clippy::too_many_arguments)]
pub fn draw(
    st: &AppState,
    o: &Overview,
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    range: Range<usize>,
    sel: Option<usize>,
    words: &[String],
) {
    let w = area.width as usize;
    let mut y = area.y;
    let bottom = area.y + area.height;
    let put = |f: &mut Frame, line: Line, y: &mut u16| {
        if *y < bottom {
            f.render_widget(
                Paragraph::new(line),
                Rect {
                    y: *y,
                    height: 1,
                    ..area
                },
            );
            *y += 1;
        }
    };
    for (t, r) in &o.lines {
        put(
            f,
            Line::styled(
                format!(" {}", truncate(&sanitize(t), w.saturating_sub(1))),
                theme.style(*r),
            ),
            &mut y,
        );
    }
    // What Loki was asked (the filter given at start, pushed down).
    for n in &st.load.names {
        if let Some(q) = n.strip_prefix("loki ") {
            let text = format!("Loki {}", sanitize(q));
            for l in crate::model::text::wrap(&text, w.saturating_sub(2))
                .into_iter()
                .take(3)
            {
                put(
                    f,
                    Line::styled(format!(" {l}"), theme.style(Role::Muted)),
                    &mut y,
                );
            }
        }
    }
    // The histogram.
    let h = &o.histogram;
    let n = h.buckets.len().min(w.saturating_sub(2));
    if n > 0 && y + HISTOGRAM_ROWS <= bottom {
        let people: Vec<u64> = h.buckets.iter().take(n).map(|b| b.0).collect();
        let system: Vec<u64> = h.buckets.iter().take(n).map(|b| b.1).collect();
        let x = area.x + 1;
        f.render_widget(
            Sparkline::default()
                .data(&people)
                .style(theme.style(Role::Human)),
            Rect {
                x,
                y,
                width: n as u16,
                height: 2,
            },
        );
        f.render_widget(
            Sparkline::default()
                .data(&system)
                .style(theme.style(Role::System)),
            Rect {
                x,
                y: y + 2,
                width: n as u16,
                height: 1,
            },
        );
        let on_hist = sel
            .and_then(|s| o.doors.get(range.start + s))
            .is_some_and(|d| d.open == Open::Histogram);
        if on_hist {
            // The cursor's column, and the range picked so far.
            let at = st.hist.at.min(n - 1);
            let (lo, hi) = st
                .hist
                .anchor
                .map_or((at, at), |a| (a.min(at).min(n - 1), a.max(at).min(n - 1)));
            let buf = f.buffer_mut();
            for i in lo..=hi {
                let role = if i == at {
                    Role::Selection
                } else {
                    Role::Gauge
                };
                for dy in 0..3 {
                    buf[(x + i as u16, y + dy)].set_style(theme.style(role));
                }
            }
        }
        y += 3;
        put(f, axis(st, o, n, on_hist, theme), &mut y);
    } else if n == 0 {
        put(
            f,
            Line::styled(
                if st.load.done {
                    " no activity to chart"
                } else {
                    " loading…"
                },
                theme.style(Role::Muted),
            ),
            &mut y,
        );
        y += HISTOGRAM_ROWS.saturating_sub(1);
    }
    y += 1;
    if y >= bottom {
        return;
    }
    let cells: Vec<Cells> = o.doors[range].iter().map(Cells::from).collect();
    let lines = table::lines(super::DOOR_COLS, &cells, sel, w, false, theme, words);
    f.render_widget(
        Paragraph::new(lines),
        Rect {
            y,
            height: bottom - y,
            ..area
        },
    );
}

/// `06:00 ── people ▆ system ▂ ── 12:19`, with the cursor (▲) and the
/// picked range (━) when the activity line is selected.
fn axis(st: &AppState, o: &Overview, n: usize, on_hist: bool, theme: &Theme) -> Line<'static> {
    let h = &o.histogram;
    let time = |t: i64| format_short(t)[11..16].to_string();
    let start = time(h.start);
    let end = time(h.start + h.width * h.buckets.len() as i64);
    let mut cells: Vec<(char, Role)> = vec![('─', Role::Muted); n];
    for (i, c) in start.chars().enumerate().take(n) {
        cells[i] = (c, Role::Muted);
    }
    let elen = end.chars().count();
    for (i, c) in end.chars().enumerate() {
        if n >= elen && n - elen + i < n {
            cells[n - elen + i] = (c, Role::Muted);
        }
    }
    // The legend, or what is under the cursor.
    let at = st.hist.at.min(n.saturating_sub(1));
    let cursor_text;
    let legend: Vec<(&str, Role)> = if on_hist {
        let (p, s) = h.buckets.get(at).copied().unwrap_or_default();
        let t0 = h.start + h.width * at as i64;
        cursor_text = format!(" {}: {p} people, {s} system ", &format_short(t0)[11..19]);
        vec![(cursor_text.as_str(), Role::Accent)]
    } else {
        vec![
            (" people ", Role::Human),
            ("▆", Role::Human),
            (" system ", Role::System),
            ("▂ ", Role::System),
        ]
    };
    let llen: usize = legend.iter().map(|(t, _)| width(t)).sum();
    // Where the cursor is, and the picked range, drawn on the axis itself so
    // they read without colour too.
    let mut span = None;
    if on_hist && n > 0 {
        let (lo, hi) = st
            .hist
            .anchor
            .map_or((at, at), |a| (a.min(at).min(n - 1), a.max(at).min(n - 1)));
        for c in &mut cells[lo..=hi] {
            *c = ('━', Role::Accent);
        }
        cells[at] = ('▲', Role::Accent);
        span = Some((lo, hi));
    }
    if n > llen + 14 {
        let mut i = (n - llen) / 2;
        // Keep the text off the cursor: beside it when the middle would cover it.
        if let Some((lo, hi)) = span {
            if i <= hi + 1 && lo <= i + llen {
                i = if hi + 2 + llen + 6 <= n {
                    hi + 2
                } else {
                    lo.saturating_sub(llen + 1).max(6)
                };
            }
        }
        for (t, r) in legend {
            for c in t.chars() {
                cells[i] = (c, r);
                i += 1;
            }
        }
    }
    let mut spans = vec![Span::raw(" ")];
    spans.extend(
        cells
            .into_iter()
            .map(|(c, r)| Span::styled(c.to_string(), theme.style(r))),
    );
    Line::from(spans)
}
