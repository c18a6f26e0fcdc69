//! Framing: where records start in a byte buffer.
//!
//! A record is normally one line. Pretty-printed events and EventLists span
//! several lines; their inner lines are indented and their last line is a
//! closing bracket, so a record can only *start* on a line whose first byte is
//! not whitespace or a closing bracket. Chunks are cut only there, which keeps
//! every multi-line document inside one chunk.

/// Can a record start on a line beginning with this byte?
pub fn starts_record(first: u8) -> bool {
    !matches!(first, b' ' | b'\t' | b'\r' | b'\n' | b'}' | b']')
}

/// The last position in `buf` where a chunk may be cut: just after a newline,
/// at a byte that can start a record. `None` if there is none yet.
pub fn last_cut(buf: &[u8]) -> Option<usize> {
    let mut end = buf.len();
    while let Some(nl) = memchr::memrchr(b'\n', &buf[..end]) {
        let at = nl + 1;
        if at < buf.len() && starts_record(buf[at]) {
            return Some(at);
        }
        end = nl;
    }
    None
}

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Trim ASCII whitespace (and a BOM) around a line.
pub fn trim(line: &[u8]) -> (usize, usize) {
    let mut s = 0;
    let mut e = line.len();
    if line.starts_with(BOM) {
        s = 3;
    }
    while s < e && line[s].is_ascii_whitespace() {
        s += 1;
    }
    while e > s && line[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    (s, e)
}

/// Remove insignificant whitespace from a JSON text (a multi-line record) so
/// it can be written as one line; string contents are kept byte for byte.
pub fn minify(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut in_str = false;
    let mut esc = false;
    for &b in json {
        if in_str {
            out.push(b);
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
        } else if b == b'"' {
            in_str = true;
            out.push(b);
        } else if !b.is_ascii_whitespace() {
            out.push(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_only_where_a_record_can_start() {
        let buf = b"{\"a\":1}\n{\n  \"b\": 2\n}\nnext";
        assert_eq!(last_cut(buf), Some(buf.len() - 4));
        assert_eq!(last_cut(b"{\n  \"b\": 2\n}\n"), Some(0).filter(|_| false));
        assert_eq!(
            last_cut(b"{\"a\":1}\n"),
            None,
            "the byte after the newline is not known yet"
        );
        assert_eq!(last_cut(b"one line"), None);
    }

    #[test]
    fn minify_keeps_strings() {
        assert_eq!(
            minify(b"{\n  \"a b\": \"x \\\" y\",\n  \"c\": [ 1, 2 ]\n}"),
            b"{\"a b\":\"x \\\" y\",\"c\":[1,2]}".to_vec()
        );
    }

    #[test]
    fn trims_bom_and_crlf() {
        let l = b"\xEF\xBB\xBF  {\"a\":1}\r";
        let (s, e) = trim(l);
        assert_eq!(&l[s..e], b"{\"a\":1}");
    }
}
