//! Compact JSON written the way Go's `encoding/json` writes it: HTML-safe
//! escaping (`&` `<` `>` as `\u0026` `\u003c` `\u003e`), fields in the order
//! the caller gives (Go struct order), map keys sorted by the caller.

/// Bytes that may need escaping: controls, `"`, `\\`, `<`, `>`, `&`, and
/// 0xE2 (the first byte of U+2028 and U+2029).
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[0xe2] = true;
    t
};

/// The body of a JSON string (no quotes), Go-escaped. Copies runs of plain
/// bytes at once: most strings (URIs, reasons) have only a few to escape.
pub(crate) fn push_escaped(buf: &mut String, s: &str) {
    let b = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        // Skip plain bytes with a table lookup: this loop sees every byte.
        match b[i..].iter().position(|&c| SPECIAL[usize::from(c)]) {
            Some(n) => i += n,
            None => break,
        }
        let (esc, len): (&str, usize) = match b[i] {
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            b'\n' => ("\\n", 1),
            0x08 => ("\\b", 1),
            0x0c => ("\\f", 1),
            b'\r' => ("\\r", 1),
            b'\t' => ("\\t", 1),
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            c if c < 0x20 => ("", 1),
            // U+2028 and U+2029 (E2 80 A8/A9), which Go escapes too.
            0xe2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)) => (
                if b[i + 2] == 0xa8 {
                    "\\u2028"
                } else {
                    "\\u2029"
                },
                3,
            ),
            _ => {
                i += 1;
                continue;
            }
        };
        buf.push_str(s.get(start..i).unwrap_or(""));
        if esc.is_empty() {
            buf.push_str("\\u00");
            super::rng::push_hex(buf, u64::from(b[i]), 2);
        } else {
            buf.push_str(esc);
        }
        i += len;
        start = i;
    }
    buf.push_str(s.get(start..).unwrap_or(""));
}

/// A quoted, escaped JSON string.
pub(crate) fn push_str(buf: &mut String, s: &str) {
    buf.push('"');
    push_escaped(buf, s);
    buf.push('"');
}

/// A JSON array of strings.
pub(crate) fn push_str_array<S: AsRef<str>>(buf: &mut String, items: &[S]) {
    buf.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        push_str(buf, s.as_ref());
    }
    buf.push(']');
}

/// Writes one JSON object field by field; `close` ends it.
pub(crate) struct Obj<'b> {
    buf: &'b mut String,
    empty: bool,
}

impl<'b> Obj<'b> {
    pub(crate) fn open(buf: &'b mut String) -> Self {
        buf.push('{');
        Obj { buf, empty: true }
    }

    /// Writes `"k":` and hands back the buffer for the value.
    pub(crate) fn key(&mut self, k: &str) -> &mut String {
        if !self.empty {
            self.buf.push(',');
        }
        self.empty = false;
        push_str(self.buf, k);
        self.buf.push(':');
        self.buf
    }

    pub(crate) fn str(&mut self, k: &str, v: &str) -> &mut Self {
        push_str(self.key(k), v);
        self
    }

    pub(crate) fn opt_str(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        if let Some(v) = v {
            self.str(k, v);
        }
        self
    }

    /// A value that is already JSON.
    pub(crate) fn raw(&mut self, k: &str, json: &str) -> &mut Self {
        self.key(k).push_str(json);
        self
    }

    pub(crate) fn num(&mut self, k: &str, v: u64) -> &mut Self {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(self.key(k), "{v}");
        self
    }

    pub(crate) fn strs<S: AsRef<str>>(&mut self, k: &str, items: &[S]) -> &mut Self {
        push_str_array(self.key(k), items);
        self
    }

    /// An object of string values; the caller passes keys already sorted,
    /// as Go sorts map keys.
    pub(crate) fn map(&mut self, k: &str, pairs: &[(&str, &str)]) -> &mut Self {
        let mut m = Obj::open(self.key(k));
        for (k, v) in pairs {
            m.str(k, v);
        }
        m.close();
        self
    }

    pub(crate) fn close(self) {
        self.buf.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_go() {
        let mut s = String::new();
        push_str(&mut s, "a&b<c>\"d\"\\\n\u{1}\u{2028}é");
        assert_eq!(s, r#""a\u0026b\u003cc\u003e\"d\"\\\n\u0001\u2028é""#);
    }

    #[test]
    fn builds_objects() {
        let mut s = String::new();
        let mut o = Obj::open(&mut s);
        o.str("a", "x").num("n", 3).map("m", &[("k", "v")]);
        o.strs("l", &["p", "q"]);
        o.close();
        assert_eq!(s, r#"{"a":"x","n":3,"m":{"k":"v"},"l":["p","q"]}"#);
    }
}
