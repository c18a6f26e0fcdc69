//! Making attacker-controlled text safe for a terminal.
//!
//! User agents, names, messages and exec commands come from whoever sent the
//! request. Control characters (C0, DEL, C1 — U+009B is a CSI on some
//! terminals) and bidirectional overrides (which can make text read
//! differently than it is) are shown as visible escapes instead.

use std::borrow::Cow;

fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The text with every unsafe character written as `\n`, `\t`, `\x1b` or `\u{202e}`.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x100 && unsafe_char(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON text whose strings may hold raw DEL or C1 characters (valid JSON, but
/// unsafe on a terminal): the same JSON with those written as `\u` escapes.
pub fn json_terminal_safe(line: &[u8]) -> Cow<'_, [u8]> {
    let risky = |i: usize| {
        line[i] == 0x7f
            || (line[i] == 0xc2 && line.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)))
    };
    if !(0..line.len()).any(risky) {
        return Cow::Borrowed(line);
    }
    let mut out = Vec::with_capacity(line.len() + 16);
    let mut i = 0;
    while i < line.len() {
        if line[i] == 0x7f {
            out.extend_from_slice(b"\\u007f");
            i += 1;
        } else if risky(i) {
            out.extend_from_slice(format!("\\u{:04x}", line[i + 1] as u32).as_bytes());
            i += 2;
        } else {
            out.push(line[i]);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// Display width in terminal columns (a char is one column, which is right
/// for the ASCII and Latin text of audit logs; wide CJK is counted as one).
pub fn width(s: &str) -> usize {
    s.chars().count()
}

/// Cut to `max` columns, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    Cow::Owned(out)
}

/// Cut a name to `max` columns where it says least. An email's local part
/// names the person (`jordan.lee@corp.e…`); the tail of a service account,
/// node or object name tells it from its siblings, so those keep both ends.
pub fn truncate_name(s: &str, max: usize) -> Cow<'_, str> {
    if s.contains('@') {
        truncate(s, max)
    } else {
        truncate_middle(s, max)
    }
}

/// Cut to `max` columns keeping both ends (`system:ser…nt-controller`).
pub fn truncate_middle(s: &str, max: usize) -> Cow<'_, str> {
    let n = width(s);
    if n <= max {
        return Cow::Borrowed(s);
    }
    if max < 5 {
        return truncate(s, max);
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    Cow::Owned(out)
}

/// Words into lines of at most `max` columns (a longer word is cut).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && width(&line) + 1 + width(word) > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&truncate(word, max));
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// "1 namespace", "3 namespaces".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Where a request points: `ns/name`, `ns/(all)` for a collection in a
/// namespace, `(all)` for one across namespaces or cluster-wide.
pub fn place(ns: &str, name: &str) -> String {
    match (ns, name) {
        ("", "") => "(all)".to_string(),
        ("", name) => name.to_string(),
        (ns, "") => format!("{ns}/(all)"),
        (ns, name) => format!("{ns}/{name}"),
    }
}

/// A column to lay out: how wide its content is, how narrow it may get, and
/// whether (and how much) it shares the room left by the fixed ones.
#[derive(Debug, Clone, Copy)]
pub struct Fit {
    pub natural: usize,
    pub min: usize,
    pub flex: bool,
    pub weight: usize,
}

/// Column widths in `total` columns with `gap` between columns. Fixed columns
/// take their natural width; flexible ones share the rest by weighted fair
/// share: one that needs less than its share takes its need and leaves the
/// rest to the others, neediest last.
pub fn fit_widths(cols: &[Fit], total: usize, gap: usize) -> Vec<usize> {
    let n = cols.len();
    let mut widths: Vec<usize> = cols.iter().map(|c| c.natural).collect();
    let fixed: usize = cols.iter().filter(|c| !c.flex).map(|c| c.natural).sum();
    let mut room = total.saturating_sub(fixed + n.saturating_sub(1) * gap);
    let mut order: Vec<usize> = (0..n).filter(|&i| cols[i].flex).collect();
    order.sort_by(|&a, &b| {
        (cols[a].natural * cols[b].weight).cmp(&(cols[b].natural * cols[a].weight))
    });
    let mut weights: usize = order.iter().map(|&i| cols[i].weight).sum();
    for &i in &order {
        let share = room * cols[i].weight / weights.max(1);
        widths[i] = cols[i].natural.min(share.max(cols[i].min));
        room = room.saturating_sub(widths[i]);
        weights -= cols[i].weight;
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_inert() {
        assert_eq!(sanitize("kubectl\x1b[31mred"), "kubectl\\x1b[31mred");
        assert_eq!(sanitize("a\u{9b}b"), "a\\x9bb");
        assert_eq!(sanitize("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(sanitize("line\nnext"), "line\\nnext");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_c1_becomes_escape() {
        let line = "{\"a\":\"x\u{9b}y\u{7f}\"}".as_bytes();
        assert_eq!(&*json_terminal_safe(line), b"{\"a\":\"x\\u009by\\u007f\"}");
        let v: serde_json::Value =
            serde_json::from_slice(&json_terminal_safe(line)).expect("still JSON");
        assert_eq!(v["a"], "x\u{9b}y\u{7f}");
    }

    #[test]
    fn truncation() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(
            truncate_middle(
                "system:serviceaccount:kube-system:deployment-controller",
                21
            ),
            "system:ser…controller"
        );
        assert_eq!(truncate_middle("short", 21), "short");
    }
}
