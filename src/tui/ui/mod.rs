//! Drawing: `render(&AppState, &Theme, &mut Frame)`, a pure function of the
//! state. Nothing here reads a clock or a channel or changes the state.
//!
//! ```text
//! ┌──────────────────────────────────────────────────────────────────────┐
//! │ kaudit ▸ Overview ▸ Secrets               / @humans  ⏱ 09:40 → 10:00 │ title: breadcrumbs, filter, window
//! │ SECRET                    REQS  LAST            WHO          NOTES   │ body: the screen on top of the stack
//! │ payments-prod/stripe-api…    3  11-21 09:45:02  jordan.lee@…  new-…  │
//! │ …                                                                    │
//! │ demo incident · 60,000 events           1,204 of 60,000 events      │ status: source, messages, counts
//! │ j/k move  enter open  esc back  / filter  : command  ? help  q quit  │ hints, or the line being typed
//! └──────────────────────────────────────────────────────────────────────┘
//! ```

mod detail;
mod events;
mod help;
mod overview;
mod status;
pub mod table;

use super::app::{AppState, Overlay};
use super::layout::{areas, list_offset};
use super::theme::{Role, Theme};
use super::view::{Body, Col};
use crate::model::text::{sanitize, width};
use crate::query::Expr;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use table::Cells;

pub fn render(st: &AppState, theme: &Theme, f: &mut Frame) {
    let a = areas(f.area());
    title(st, theme, f, a.title);
    body(st, theme, f, a.body);
    status::status(st, theme, f, a.status);
    status::bottom(st, theme, f, a.bottom);
    match st.overlay {
        Overlay::Help { scroll } => help::help(st, theme, f, a.body, scroll),
        Overlay::ConfirmReveal => help::confirm(theme, f, a.body),
        Overlay::Clusters { sel } => help::clusters(st, theme, f, a.body, sel),
        Overlay::None => {}
    }
}

/// Breadcrumbs on the left; the filter and the window on the right.
fn title(st: &AppState, theme: &Theme, f: &mut Frame, area: Rect) {
    let mut right: Vec<Span> = Vec::new();
    if !st.filter.text.is_empty() {
        right.push(Span::styled(
            format!("/ {} ", sanitize(&st.filter.text)),
            theme.style(Role::Accent),
        ));
    }
    let w = st.filter.window;
    if w.from.is_some() || w.to.is_some() {
        let t = |x: Option<i64>| {
            x.map_or("…".to_string(), |t| {
                crate::model::time::format_short(t)[5..].to_string()
            })
        };
        right.push(Span::styled(
            format!("⏱ {} → {} ", t(w.from), t(w.to)),
            theme.style(Role::Warning),
        ));
    }
    let right_w: usize = right.iter().map(|s| width(&s.content)).sum();
    let room = (area.width as usize).saturating_sub(right_w + 1);
    let crumbs: Vec<String> = std::iter::once("kaudit".to_string())
        .chain(st.stack.iter().map(|s| s.page.title(&st.idx)))
        .map(|c| sanitize(&c).into_owned())
        .collect();
    // Keep the end of the trail when it is too long.
    let mut text = crumbs.join(" ▸ ");
    let mut drop = 1;
    while width(&text) + 1 > room && drop < crumbs.len() {
        text = format!("… ▸ {}", crumbs[drop..].join(" ▸ "));
        drop += 1;
    }
    let text = crate::model::text::truncate(&text, room.saturating_sub(1)).into_owned();
    let pad = (area.width as usize).saturating_sub(width(&text) + 1 + right_w);
    let mut spans = vec![
        Span::styled(format!(" {text}"), theme.style(Role::Title)),
        Span::raw(" ".repeat(pad)),
    ];
    spans.extend(right);
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn body(st: &AppState, theme: &Theme, f: &mut Frame, area: Rect) {
    let s = st.screen();
    let words = fuzzy_words(&st.filter.terms);
    let head = list_offset(&s.body).min(area.height);
    let list = Rect {
        y: area.y + head,
        height: area.height - head,
        ..area
    };
    let rows = list.height as usize;
    let range = s.top..(s.top + rows).min(s.body.len());
    let sel = s.sel.checked_sub(s.top);
    let w = area.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    match &s.body {
        Body::Rows {
            columns,
            rows: all,
            header,
        } => {
            lines.extend(header_lines(header, theme, w));
            let cells: Vec<Cells> = all[range.clone()].iter().map(Cells::from).collect();
            lines.extend(table::lines(columns, &cells, sel, w, true, theme, &words));
            if all.is_empty() {
                lines.push(Line::styled(empty_text(st), theme.style(Role::Muted)));
            }
            // Room to spare under a short list: the selected row in full, since
            // the columns cut long cells.
            let spare = (area.height as usize).saturating_sub(lines.len() + 1);
            if let Some(row) = all.get(s.sel).filter(|_| spare >= 3) {
                lines.push(Line::raw(""));
                lines.extend(preview(&row.cells, w, spare - 1, theme));
            }
        }
        Body::Events {
            header,
            events: list_events,
        } => {
            lines.extend(header_lines(header, theme, w));
            let cells: Vec<Cells> = list_events[range.clone()]
                .iter()
                .map(|&e| {
                    let note = st.marks.get(&e).map(String::as_str);
                    events::cells(&st.idx, st.scope.clock, e, note)
                })
                .collect();
            lines.extend(table::lines(
                super::view::EVENT_COLS,
                &cells,
                sel,
                w,
                true,
                theme,
                &words,
            ));
            if list_events.is_empty() {
                lines.push(Line::styled(empty_text(st), theme.style(Role::Muted)));
            }
            // The selected event's note, under the list when there is room.
            let note = list_events
                .get(s.sel)
                .and_then(|e| st.marks.get(e))
                .filter(|n| !n.is_empty());
            let spare = (area.height as usize).saturating_sub(lines.len() + 1);
            if let Some(note) = note.filter(|_| spare >= 2) {
                lines.push(Line::raw(""));
                let text = format!("✎ {note}");
                lines.extend(preview(&[text], w, spare - 1, theme));
            }
        }
        Body::Overview(o) => {
            overview::draw(st, o, theme, f, area, range, sel, &words);
            return;
        }
        Body::Detail(d) => {
            lines.extend(detail::lines(d, range, sel, theme, w));
        }
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// A row's cells in full, wrapped to the width, at most `max` lines.
fn preview(cells: &[String], w: usize, max: usize, theme: &Theme) -> Vec<Line<'static>> {
    let text = cells
        .iter()
        .map(|c| c.trim_start_matches(['▸', '▾', ' ']))
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let text = sanitize(&text);
    let room = w.saturating_sub(3).max(10);
    let mut out = crate::model::text::wrap(&text, room);
    let cut = out.len() > max;
    out.truncate(max);
    if cut {
        if let Some(l) = out.last_mut() {
            l.push('…');
        }
    }
    out.into_iter()
        .map(|l| {
            let l = crate::model::text::truncate(&l, room).into_owned();
            Line::styled(format!(" │ {l}"), theme.style(Role::Muted))
        })
        .collect()
}

/// Header lines of a body, cut to the width.
fn header_lines(header: &[(String, Role)], theme: &Theme, w: usize) -> Vec<Line<'static>> {
    header
        .iter()
        .map(|(t, r)| {
            Line::styled(
                format!(
                    " {}",
                    crate::model::text::truncate(&sanitize(t), w.saturating_sub(1))
                ),
                theme.style(*r),
            )
        })
        .collect()
}

fn empty_text(st: &AppState) -> String {
    if !st.load.done && st.idx.events.is_empty() {
        "  loading…".into()
    } else if st.idx.events.is_empty() {
        "  no events were loaded".into()
    } else if st.filter.text.is_empty() && st.filter.window == Default::default() {
        "  nothing here".into()
    } else {
        "  nothing here for this filter and window (ctrl-l clears them)".into()
    }
}

/// The bare words of the filter, for highlighting (not those negated).
pub fn fuzzy_words(terms: &[Expr]) -> Vec<String> {
    fn walk(e: &Expr, out: &mut Vec<String>) {
        match e {
            Expr::Fuzzy(w) => out.push(w.clone()),
            Expr::All(v) | Expr::Any(v) => v.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    terms.iter().for_each(|t| walk(t, &mut out));
    out
}

/// Columns of the overview's doors: what, how many, note.
pub const DOOR_COLS: &[Col] = &[
    Col {
        header: "",
        flex: true,
        weight: 2,
        name: true,
        right: false,
    },
    Col {
        header: "",
        flex: false,
        weight: 1,
        name: false,
        right: true,
    },
    Col {
        header: "",
        flex: true,
        weight: 3,
        name: false,
        right: false,
    },
];
