//! Tables: columns fitted to the width, names cut where they say least,
//! every cell sanitised, the filter's fuzzy words highlighted.

use super::super::theme::{Role, Theme};
use super::super::view::{Col, Row};
use crate::model::text::{Fit, fit_widths, sanitize, truncate, truncate_name, width};
use crate::query::eval::FUZZY_MIN_PER_CHAR;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// A row to draw.
pub struct Cells {
    pub cells: Vec<String>,
    pub role: Role,
    pub depth: u8,
    /// A style for the first cell only (the mark column).
    pub first: Option<Role>,
}

impl From<&Row> for Cells {
    fn from(r: &Row) -> Cells {
        Cells {
            cells: r.cells.clone(),
            role: r.role,
            depth: r.depth,
            first: None,
        }
    }
}

const GAP: usize = 2;

/// The lines of a table `total` columns wide: the header (when `header`),
/// then the rows; `sel` is the selected row among them.
pub fn lines(
    cols: &[Col],
    rows: &[Cells],
    sel: Option<usize>,
    total: usize,
    header: bool,
    theme: &Theme,
    words: &[String],
) -> Vec<Line<'static>> {
    let n = cols
        .len()
        .max(rows.iter().map(|r| r.cells.len()).max().unwrap_or(0));
    let clean: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            (0..n)
                .map(|i| {
                    let c = r.cells.get(i).map_or("", |s| s.as_str());
                    let c = sanitize(c);
                    if i == 0 && r.depth > 0 {
                        format!("{}{c}", "  ".repeat(r.depth as usize))
                    } else {
                        c.into_owned()
                    }
                })
                .collect()
        })
        .collect();
    let col = |i: usize| {
        cols.get(i).copied().unwrap_or(Col {
            header: "",
            flex: true,
            weight: 1,
            name: false,
            right: false,
        })
    };
    let specs: Vec<Fit> = (0..n)
        .map(|i| {
            let c = col(i);
            let natural = clean
                .iter()
                .map(|r| width(&r[i]))
                .max()
                .unwrap_or(0)
                .max(if header { c.header.len() } else { 0 });
            Fit {
                natural,
                min: if header { c.header.len() } else { 1 }.max(1),
                flex: c.flex,
                weight: c.weight,
            }
        })
        .collect();
    let widths = fit_widths(&specs, total, GAP);
    let layout = |cells: &[String]| -> String {
        let mut s = String::with_capacity(total);
        for (i, &w) in widths.iter().enumerate() {
            let c = col(i);
            let text = cells.get(i).map_or("", |s| s.as_str());
            let cut = if c.name {
                truncate_name(text, w)
            } else {
                truncate(text, w)
            };
            let pad = w.saturating_sub(width(&cut));
            if c.right {
                s.extend(std::iter::repeat_n(' ', pad));
                s.push_str(&cut);
            } else {
                s.push_str(&cut);
                if i + 1 < n {
                    s.extend(std::iter::repeat_n(' ', pad));
                }
            }
            if i + 1 < n {
                s.extend(std::iter::repeat_n(' ', GAP));
            }
        }
        s
    };
    let mut out = Vec::with_capacity(rows.len() + 1);
    if header {
        let h: Vec<String> = (0..n).map(|i| col(i).header.to_string()).collect();
        out.push(Line::styled(layout(&h), theme.style(Role::Header)));
    }
    let matcher = (!words.is_empty()).then(SkimMatcherV2::default);
    for (i, (r, cells)) in rows.iter().zip(&clean).enumerate() {
        let text = layout(cells);
        let selected = sel == Some(i);
        let mut base = theme.style(r.role);
        if selected {
            base = base.patch(theme.style(Role::Selection));
        }
        let mut styles = vec![base; text.chars().count()];
        if let Some(role) = r.first {
            let w = widths.first().copied().unwrap_or(0);
            for s in styles.iter_mut().take(w) {
                *s = s.patch(theme.style(role));
            }
        }
        if let Some(m) = &matcher {
            for w in words {
                if let Some((score, hits)) = m.fuzzy_indices(&text, w) {
                    if score >= FUZZY_MIN_PER_CHAR * w.chars().count() as i64 {
                        for h in hits {
                            if let Some(s) = styles.get_mut(h) {
                                *s = s.patch(theme.style(Role::Highlight));
                            }
                        }
                    }
                }
            }
        }
        let mut line = styled(&text, &styles);
        if selected {
            // The selection runs the whole width.
            let pad = total.saturating_sub(width(&text));
            line.spans.push(Span::styled(" ".repeat(pad), base));
        }
        out.push(line);
    }
    out
}

/// A line from text and one style per character, in runs.
pub fn styled(text: &str, styles: &[Style]) -> Line<'static> {
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut cur: Option<Style> = None;
    for (c, s) in text.chars().zip(
        styles
            .iter()
            .copied()
            .chain(std::iter::repeat(Style::default())),
    ) {
        if cur != Some(s) {
            if let Some(st) = cur {
                spans.push(Span::styled(std::mem::take(&mut run), st));
            }
            cur = Some(s);
        }
        run.push(c);
    }
    if let Some(st) = cur {
        spans.push(Span::styled(run, st));
    }
    Line::from(spans)
}
