//! Output helpers shared by the sinks and the commands: tables that fit the terminal,
//! RFC 4180 CSV, and JSON time formatting.

use crate::model::Nanos;
use crate::model::text::{Fit, fit_widths, sanitize, truncate, truncate_name, width};
use crate::model::time::format_micros;
use std::io::{self, Write};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A column: header, alignment, whether it may shrink to fit (and its weight
/// when it does), and whether a cut keeps the end of the text (names).
pub struct Col {
    pub header: &'static str,
    pub align: Align,
    pub flex: bool,
    pub weight: usize,
    pub keep_end: bool,
}

impl Col {
    pub fn text(header: &'static str) -> Col {
        Col {
            header,
            align: Align::Left,
            flex: true,
            weight: 1,
            keep_end: false,
        }
    }
    /// A name: cut where it says least (see `truncate_name`).
    pub fn name(header: &'static str) -> Col {
        Col {
            keep_end: true,
            ..Col::text(header)
        }
    }
    /// Give a flexible column more of the room than the others.
    pub fn weight(self, weight: usize) -> Col {
        Col { weight, ..self }
    }
    pub fn fixed(header: &'static str) -> Col {
        Col {
            header,
            align: Align::Left,
            flex: false,
            weight: 1,
            keep_end: false,
        }
    }
    pub fn num(header: &'static str) -> Col {
        Col {
            header,
            align: Align::Right,
            flex: false,
            weight: 1,
            keep_end: false,
        }
    }
}

/// Rows are collected, then laid out once: fixed columns at their widest,
/// flexible ones share what is left of `width`, cut with `…`.
pub struct Table {
    cols: Vec<Col>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(cols: Vec<Col>) -> Self {
        Table {
            cols,
            rows: Vec::new(),
        }
    }

    /// Add a row; every cell is sanitized here, so callers pass raw values.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| sanitize(&c).into_owned())
                .collect(),
        );
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn write(&self, out: &mut dyn Write, total: usize) -> io::Result<()> {
        let n = self.cols.len();
        let natural: Vec<usize> = (0..n)
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| width_of(r, i))
                    .max()
                    .unwrap_or(0)
                    .max(self.cols[i].header.len())
            })
            .collect();
        let specs: Vec<Fit> = self
            .cols
            .iter()
            .zip(&natural)
            .map(|(c, &n)| Fit {
                natural: n,
                min: c.header.len(),
                flex: c.flex,
                weight: c.weight,
            })
            .collect();
        let widths = fit_widths(&specs, total, 2);
        let line = |cells: &mut dyn Iterator<Item = String>| -> String {
            let mut s = String::new();
            for (i, c) in cells.enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                let c = if self.cols[i].keep_end {
                    truncate_name(&c, widths[i])
                } else {
                    truncate(&c, widths[i])
                }
                .into_owned();
                let pad = widths[i].saturating_sub(width(&c));
                match self.cols[i].align {
                    Align::Left if i + 1 < n => s.push_str(&format!("{c}{}", " ".repeat(pad))),
                    Align::Left => s.push_str(&c),
                    Align::Right => s.push_str(&format!("{}{c}", " ".repeat(pad))),
                }
            }
            s.trim_end().to_string()
        };
        writeln!(
            out,
            "{}",
            line(&mut self.cols.iter().map(|c| c.header.to_string()))
        )?;
        for r in &self.rows {
            writeln!(out, "{}", line(&mut r.iter().cloned()))?;
        }
        Ok(())
    }
}

fn width_of(r: &[String], i: usize) -> usize {
    r.get(i).map_or(0, |c| width(c))
}

/// One CSV record (RFC 4180). Cells a spreadsheet would run as a formula
/// (leading `=`, `+`, `-`, `@`) get a leading `'`; terminal-unsafe characters
/// are escaped.
pub fn csv_row(out: &mut dyn Write, cells: &[&str]) -> io::Result<()> {
    let mut line = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let c = sanitize(c);
        let c = if c.starts_with(['=', '+', '-', '@']) {
            format!("'{c}")
        } else {
            c.into_owned()
        };
        if c.contains([',', '"', '\n', '\r']) || c.starts_with(' ') || c.ends_with(' ') {
            line.push('"');
            line.push_str(&c.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&c);
        }
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

/// What a request acted on, for a cell: `resource[/subresource]`, or the
/// path of a non-resource request (`/healthz`, `/version`).
pub fn target(idx: &crate::index::Index, o: &crate::model::intern::Obj) -> String {
    if o.resource.is_none() {
        idx.s(o.path).to_string()
    } else {
        crate::lens::resource_label(idx, o.resource, o.subresource)
    }
}

/// A response code for a cell: `-` when the event logged none.
pub fn code_cell(code: u16) -> String {
    if code == 0 {
        "-".into()
    } else {
        code.to_string()
    }
}

/// RFC 3339 with microseconds, or null for an empty group.
pub fn json_time(t: Nanos) -> serde_json::Value {
    if t == Nanos::MAX || t == Nanos::MIN {
        serde_json::Value::Null
    } else {
        serde_json::Value::String(format_micros(t))
    }
}

/// A user name for JSON: null when the event named none.
pub fn user_json(u: &str) -> serde_json::Value {
    if u.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::Value::String(u.to_string())
    }
}

/// A string for JSON: null when empty.
pub fn opt(s: &str) -> serde_json::Value {
    if s.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::Value::String(s.to_string())
    }
}

pub use crate::model::text::thousands;
pub use crate::model::time::Clock;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting_and_formulas() {
        let mut out = Vec::new();
        csv_row(
            &mut out,
            &["a", "b,c", "say \"hi\"", "=1+1", "-c", "\x1b[2J"],
        )
        .expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            "a,\"b,c\",\"say \"\"hi\"\"\",'=1+1,'-c,\\x1b[2J\r\n"
        );
    }

    #[test]
    fn table_fits_the_width() {
        let mut t = Table::new(vec![
            Col::text("USER"),
            Col::num("REQS"),
            Col::text("AGENT"),
        ]);
        t.row(vec![
            "a-very-long-user-name@example.com".into(),
            "12".into(),
            "kubectl/v1.31.2 (darwin/arm64) kubernetes/abcdef".into(),
        ]);
        t.row(vec!["bob".into(), "1234".into(), "curl\x1b[31m".into()]);
        let mut out = Vec::new();
        t.write(&mut out, 40).expect("write");
        let text = String::from_utf8(out).expect("utf8");
        for l in text.lines() {
            assert!(l.chars().count() <= 40, "{l:?}");
        }
        assert!(
            text.contains("\\x1b[31m") && !text.contains('\x1b'),
            "{text}"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }
}
