//! Filter errors point at the offending term.

/// `bad filter at column 7: unknown field "usr" (did you mean "user"?)`
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad filter at column {column}: {message}")]
pub struct FilterError {
    /// 1-based character column where the bad term starts.
    pub column: usize,
    /// Length of the bad term in characters, for underlining.
    pub len: usize,
    pub message: String,
}

impl FilterError {
    pub fn at(span: Span, message: impl Into<String>) -> Self {
        FilterError {
            column: span.column,
            len: span.len.max(1),
            message: message.into(),
        }
    }
}

/// Where a term is in the filter text (characters, 1-based column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub column: usize,
    pub len: usize,
}

/// The closest candidate within two edits, for "did you mean".
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (levenshtein(&word, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2 && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("usr", ["user", "verb", "ns"]), Some("user"));
        assert_eq!(suggest("xyzzy", ["user", "verb"]), None);
        assert_eq!(suggest("secret", ["secrets", "denied"]), Some("secrets"));
    }
}
