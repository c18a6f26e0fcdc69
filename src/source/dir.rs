//! Which files a directory holds, in the order their events were written.
//!
//! kube-apiserver (lumberjack) rotates `audit.log` to
//! `audit-2026-11-21T10-42-07.123.log`, gzipped to `….log.gz` with
//! `--audit-log-compress`; logrotate numbers them `audit.log.1`, `audit.log.2.gz`.
//! Rotated files come first, oldest first; the active files last.

use std::path::{Path, PathBuf};

/// Sort key of a file name: (class, position within class, name).
fn order_key(name: &str) -> (u8, i64, String) {
    let base = name.strip_suffix(".gz").unwrap_or(name);
    if let Some(ts) = lumberjack_time(base) {
        return (1, ts, name.to_string());
    }
    // logrotate: a higher number is older, so it sorts first.
    if let Some((_, n)) = base.rsplit_once('.') {
        if let Ok(n) = n.parse::<i64>() {
            return (0, -n, name.to_string());
        }
    }
    (2, 0, name.to_string())
}

/// The time in a lumberjack backup name `<prefix>-YYYY-MM-DDTHH-MM-SS.mmm<.ext>`.
fn lumberjack_time(base: &str) -> Option<i64> {
    let b = base.as_bytes();
    (0..b.len().saturating_sub(23)).rev().find_map(|i| {
        if b[i] != b'-' {
            return None;
        }
        let s = base.get(i + 1..i + 24)?;
        let t = s.as_bytes();
        if t[4] != b'-'
            || t[7] != b'-'
            || t[10] != b'T'
            || t[13] != b'-'
            || t[16] != b'-'
            || t[19] != b'.'
        {
            return None;
        }
        let rfc = format!(
            "{}T{}:{}:{}.{}Z",
            &s[0..10],
            &s[11..13],
            &s[14..16],
            &s[17..19],
            &s[20..23]
        );
        crate::model::time::parse_rfc3339(&rfc)
    })
}

/// Does a file name look like an audit log? (`audit` in the name, a log or
/// JSON extension, gzip, or logrotate numbering.)
pub fn looks_like_log(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let base = n.strip_suffix(".gz").unwrap_or(&n);
    let numbered = base.rsplit_once('.').is_some_and(|(stem, num)| {
        num.bytes().all(|b| b.is_ascii_digit()) && stem.ends_with(".log")
    });
    n.contains("audit")
        || n.ends_with(".gz")
        || numbered
        || [".log", ".json", ".jsonl", ".ndjson"]
            .iter()
            .any(|e| base.ends_with(e))
}

/// The files of a directory.
pub struct Listing {
    /// To read, in order.
    pub files: Vec<PathBuf>,
    /// Regular files left out because their names do not look like logs.
    pub ignored: Vec<String>,
}

/// The files to read in a directory, in order. Hidden files and subdirectories
/// are left out; a rotated file present both plain and gzipped (compression
/// in progress) is read once, from the plain copy.
pub fn list(dir: &Path) -> std::io::Result<Listing> {
    let mut names = Vec::new();
    let mut ignored = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.path().is_file() {
            continue;
        }
        if !looks_like_log(&name) {
            ignored.push(name);
            continue;
        }
        names.push(name);
    }
    ignored.sort();
    let all: std::collections::HashSet<String> = names.iter().cloned().collect();
    names.retain(|n| {
        !n.strip_suffix(".gz")
            .is_some_and(|plain| all.contains(plain))
    });
    names.sort_by_key(|n| order_key(n));
    Ok(Listing {
        files: names.into_iter().map(|n| dir.join(n)).collect(),
        ignored,
    })
}

/// The file a directory's writer appends to: a log that is neither a rotated
/// backup nor compressed, the most recently written if there are several.
pub fn active(dir: &Path) -> Option<PathBuf> {
    let listing = list(dir).ok()?;
    listing
        .files
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.ends_with(".gz") && order_key(n).0 == 2)
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_order() {
        let mut names = vec![
            "audit.log",
            "audit-2026-11-21T10-42-07.123.log.gz",
            "audit-2026-11-21T09-00-00.000.log",
            "audit-2026-11-20T23-59-59.999.log.gz",
        ];
        names.sort_by_key(|n| order_key(n));
        assert_eq!(
            names,
            [
                "audit-2026-11-20T23-59-59.999.log.gz",
                "audit-2026-11-21T09-00-00.000.log",
                "audit-2026-11-21T10-42-07.123.log.gz",
                "audit.log"
            ]
        );
        let mut numbered = vec![
            "audit.log",
            "audit.log.1",
            "audit.log.3.gz",
            "audit.log.2.gz",
        ];
        numbered.sort_by_key(|n| order_key(n));
        assert_eq!(
            numbered,
            [
                "audit.log.3.gz",
                "audit.log.2.gz",
                "audit.log.1",
                "audit.log"
            ]
        );
    }

    #[test]
    fn lists_a_directory_once_each() {
        let d = tempfile::tempdir().expect("tempdir");
        for n in [
            "audit.log",
            "audit-2026-11-21T09-00-00.000.log",
            "audit-2026-11-21T09-00-00.000.log.gz",
            ".hidden",
            "README.md",
        ] {
            std::fs::write(d.path().join(n), b"").expect("write");
        }
        std::fs::create_dir(d.path().join("sub")).expect("mkdir");
        let l = list(d.path()).expect("list");
        let got: Vec<_> = l
            .files
            .iter()
            .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        assert_eq!(
            got,
            [
                Some("audit-2026-11-21T09-00-00.000.log".to_string()),
                Some("audit.log".to_string())
            ]
        );
        assert_eq!(l.ignored, ["README.md"]);
    }

    #[test]
    fn log_like_names() {
        for yes in [
            "audit.log",
            "kube-apiserver-audit.json",
            "x.log.3.gz",
            "events.jsonl",
            "apiserver.log.2",
            "k8s-audit",
        ] {
            assert!(looks_like_log(yes), "{yes}");
        }
        for no in ["README.md", "SOURCES.md", "notes.txt", "policy.yaml"] {
            assert!(!looks_like_log(no), "{no}");
        }
    }
}
