//! Values with `*` wildcards, matched case-sensitively against the whole string.

/// A value pattern. The empty pattern (`ns:""`) matches an absent or empty
/// field; any other pattern needs a non-empty value, so `as:*` means
/// "impersonated by anyone".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// Literal pieces between wildcards; one piece and no wildcard is an exact match.
    pieces: Vec<String>,
    wildcard: bool,
}

impl Pattern {
    pub fn exact(s: &str) -> Self {
        Pattern {
            pieces: vec![s.to_string()],
            wildcard: false,
        }
    }

    /// Build from segments of (text, wildcard-or-literal-star) as the lexer found them.
    pub fn from_parts(parts: &[(char, bool)]) -> Self {
        let mut pieces = vec![String::new()];
        let mut wildcard = false;
        for &(c, is_star) in parts {
            if is_star {
                wildcard = true;
                pieces.push(String::new());
            } else if let Some(last) = pieces.last_mut() {
                last.push(c);
            }
        }
        Pattern { pieces, wildcard }
    }

    pub fn is_empty_match(&self) -> bool {
        !self.wildcard && self.pieces.len() == 1 && self.pieces[0].is_empty()
    }

    /// The literal pieces between wildcards, and whether there are wildcards.
    pub fn pieces(&self) -> (&[String], bool) {
        (&self.pieces, self.wildcard)
    }

    pub fn literal(&self) -> Option<&str> {
        (!self.wildcard).then(|| self.pieces[0].as_str())
    }

    pub fn matches(&self, s: &str) -> bool {
        if s.is_empty() {
            return self.is_empty_match();
        }
        if !self.wildcard {
            return self.pieces[0] == s;
        }
        let first = &self.pieces[0];
        let last = &self.pieces[self.pieces.len() - 1];
        if s.len() < first.len() + last.len()
            || !s.starts_with(first.as_str())
            || !s.ends_with(last.as_str())
        {
            return false;
        }
        let mut rest = &s[first.len()..s.len() - last.len()];
        for mid in &self.pieces[1..self.pieces.len() - 1] {
            match rest.find(mid.as_str()) {
                Some(i) => rest = &rest[i + mid.len()..],
                None => return false,
            }
        }
        true
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.pieces.join("*"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pattern {
        Pattern::from_parts(&s.chars().map(|c| (c, c == '*')).collect::<Vec<_>>())
    }

    #[test]
    fn globs() {
        assert!(p("system:serviceaccount:*").matches("system:serviceaccount:kube-system:x"));
        assert!(!p("system:serviceaccount:*").matches("system:node:x"));
        assert!(p("*admin*").matches("cluster-admin"));
        assert!(
            p("a*b*c").matches("abc") && p("a*b*c").matches("aXbYc") && !p("a*b*c").matches("acb")
        );
        assert!(p("*").matches("x") && !p("*").matches(""));
        assert!(p("").matches("") && !p("").matches("x"));
        assert!(p("ab*ab").matches("abab") && !p("ab*ab").matches("aba"));
        assert!(!p("Alice").matches("alice"), "values are case-sensitive");
    }
}
