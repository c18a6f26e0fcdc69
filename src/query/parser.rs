//! Filter text → `Expr` terms. Whitespace separates terms; a term is
//! `-`? then `@preset`, `field:value[,value…]` or a bare word. The first `:`
//! separates field and value, so `user:system:serviceaccount:*` works.

use super::ast::{self, Cmp, CodeCond, Expr, Field, ResPattern};
use super::error::{FilterError, Span, suggest};
use super::pattern::Pattern;
use crate::model::{Level, Stage};

/// Parse one filter string into its terms (all must hold).
pub fn parse(text: &str) -> Result<Vec<Expr>, FilterError> {
    let chars: Vec<char> = text.chars().collect();
    let mut lx = Lexer {
        chars: &chars,
        i: 0,
    };
    let mut terms = Vec::new();
    loop {
        while lx.peek().is_some_and(char::is_whitespace) {
            lx.i += 1;
        }
        if lx.peek().is_none() {
            return Ok(terms);
        }
        terms.push(lx.term()?);
    }
}

struct Lexer<'a> {
    chars: &'a [char],
    i: usize,
}

/// One comma-separated item of a value: its characters, each marked when it
/// is a wildcard, and where it is.
struct Item {
    parts: Vec<(char, bool)>,
    span: Span,
}

impl Item {
    fn text(&self) -> String {
        self.parts.iter().map(|&(c, _)| c).collect()
    }
    fn has_wildcard(&self) -> bool {
        self.parts.iter().any(|&(_, w)| w)
    }
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn span_from(&self, start: usize) -> Span {
        Span {
            column: start + 1,
            len: self.i - start,
        }
    }

    fn term(&mut self) -> Result<Expr, FilterError> {
        let start = self.i;
        let negated = self.peek() == Some('-');
        if negated {
            self.i += 1;
            if self.peek().is_none_or(char::is_whitespace) {
                return Err(FilterError::at(
                    self.span_from(start),
                    "a lone \"-\" negates nothing; write -field:value",
                ));
            }
        }
        let expr = if self.peek() == Some('@') {
            self.i += 1;
            let name_at = self.i;
            while self.peek().is_some_and(|c| !c.is_whitespace()) {
                self.i += 1;
            }
            let name: String = self.chars[name_at..self.i].iter().collect();
            ast::preset(&name).ok_or_else(|| {
                let hint = suggest(&name, ast::PRESETS.iter().copied()).map_or_else(
                    || format!(" (presets: @{})", ast::PRESETS.join(", @")),
                    |s| format!(" (did you mean \"@{s}\"?)"),
                );
                FilterError::at(
                    self.span_from(start),
                    format!("unknown preset \"@{name}\"{hint}"),
                )
            })?
        } else {
            let word_at = self.i;
            while self
                .peek()
                .is_some_and(|c| !c.is_whitespace() && c != ':' && c != '"')
            {
                self.i += 1;
            }
            if self.peek() == Some(':') {
                let name: String = self.chars[word_at..self.i].iter().collect();
                let name_span = Span {
                    column: word_at + 1,
                    len: self.i - word_at,
                };
                self.i += 1;
                let items = self.value()?;
                field_term(&name, name_span, items, self.span_from(start))?
            } else {
                self.i = word_at;
                let item = self.item(false)?;
                if item.parts.is_empty() {
                    return Err(FilterError::at(self.span_from(start), "empty term"));
                }
                Expr::Fuzzy(item.text())
            }
        };
        Ok(if negated {
            Expr::Not(Box::new(expr))
        } else {
            expr
        })
    }

    /// Items separated by commas, up to whitespace outside quotes.
    fn value(&mut self) -> Result<Vec<Item>, FilterError> {
        let mut items = vec![self.item(true)?];
        while self.peek() == Some(',') {
            self.i += 1;
            items.push(self.item(true)?);
        }
        for it in &items {
            if it.parts.is_empty() && it.span.len == 0 {
                return Err(FilterError::at(
                    Span {
                        column: it.span.column,
                        len: 1,
                    },
                    "empty value (write \"\" to match a missing field)",
                ));
            }
        }
        Ok(items)
    }

    /// Characters up to whitespace (or a comma, in a value). `"…"` quotes spaces
    /// and commas; inside quotes `\"`, `\\` and `\*` (a literal star) escape.
    fn item(&mut self, in_value: bool) -> Result<Item, FilterError> {
        let start = self.i;
        let mut parts = Vec::new();
        while let Some(c) = self.peek() {
            if c.is_whitespace() || (in_value && c == ',') {
                break;
            }
            if c == '"' {
                let quote_at = self.i;
                self.i += 1;
                loop {
                    match self.peek() {
                        None => {
                            return Err(FilterError::at(
                                Span {
                                    column: quote_at + 1,
                                    len: self.i - quote_at,
                                },
                                "unterminated quote",
                            ));
                        }
                        Some('"') => {
                            self.i += 1;
                            break;
                        }
                        Some('\\')
                            if matches!(self.chars.get(self.i + 1), Some('"' | '\\' | '*')) =>
                        {
                            parts.push((self.chars[self.i + 1], false));
                            self.i += 2;
                        }
                        Some(c) => {
                            parts.push((c, c == '*'));
                            self.i += 1;
                        }
                    }
                }
            } else {
                parts.push((c, c == '*'));
                self.i += 1;
            }
        }
        Ok(Item {
            parts,
            span: self.span_from(start),
        })
    }
}

fn field_term(
    name: &str,
    name_span: Span,
    items: Vec<Item>,
    term: Span,
) -> Result<Expr, FilterError> {
    let Some(field) = Field::parse(name) else {
        let names = ast::FIELD_NAMES.iter().map(|(n, _)| *n);
        let hint = match suggest(name, names) {
            Some(s) => format!(" (did you mean \"{s}\"?)"),
            None => " (fields: user, group, as, verb, resource, sub, ns, name, apigroup, code, decision, reason, ip, agent, stage, level, auditid, uri)".into(),
        };
        return Err(FilterError::at(
            name_span,
            format!("unknown field \"{name}\"{hint}"),
        ));
    };
    let _ = term;
    Ok(match field {
        Field::Code => Expr::Code(items.iter().map(code_cond).collect::<Result<_, _>>()?),
        Field::Resource => Expr::Resource(
            items
                .iter()
                .map(
                    |it| match it.parts.iter().position(|&(c, w)| c == '/' && !w) {
                        Some(i) => ResPattern {
                            resource: Pattern::from_parts(&it.parts[..i]),
                            sub: Some(Pattern::from_parts(&it.parts[i + 1..])),
                        },
                        None => ResPattern {
                            resource: Pattern::from_parts(&it.parts),
                            sub: None,
                        },
                    },
                )
                .collect(),
        ),
        Field::Stage | Field::Level => {
            let known: Vec<&str> = if field == Field::Stage {
                (1..=4).map(|v| Stage::from_u8(v).as_str()).collect()
            } else {
                (1..=4).map(|v| Level::from_u8(v).as_str()).collect()
            };
            for it in &items {
                let text = it.text();
                if !it.has_wildcard() && !text.is_empty() && !known.contains(&text.as_str()) {
                    let what = if field == Field::Stage {
                        "stage"
                    } else {
                        "level"
                    };
                    let hint = suggest(&text, known.iter().copied()).map_or_else(
                        || format!(" ({what}s: {})", known.join(", ")),
                        |s| format!(" (did you mean \"{s}\"?)"),
                    );
                    return Err(FilterError::at(
                        it.span,
                        format!("unknown {what} \"{text}\"{hint}"),
                    ));
                }
            }
            Expr::Str(
                field,
                items
                    .iter()
                    .map(|it| Pattern::from_parts(&it.parts))
                    .collect(),
            )
        }
        _ => Expr::Str(
            field,
            items
                .iter()
                .map(|it| Pattern::from_parts(&it.parts))
                .collect(),
        ),
    })
}

fn code_cond(it: &Item) -> Result<CodeCond, FilterError> {
    let text = it.text();
    if text.is_empty() {
        return Ok(CodeCond::Absent);
    }
    let bad = || {
        FilterError::at(
            it.span,
            format!("\"{text}\" is not a status code (403), class (4xx) or comparison (>=400)"),
        )
    };
    let (cmp, rest) = if let Some(r) = text.strip_prefix(">=") {
        (Some(Cmp::Ge), r)
    } else if let Some(r) = text.strip_prefix("<=") {
        (Some(Cmp::Le), r)
    } else if let Some(r) = text.strip_prefix('>') {
        (Some(Cmp::Gt), r)
    } else if let Some(r) = text.strip_prefix('<') {
        (Some(Cmp::Lt), r)
    } else if let Some(r) = text.strip_prefix('=') {
        (None, r)
    } else {
        (None, text.as_str())
    };
    let b = rest.as_bytes();
    if cmp.is_none() && b.len() == 3 && b[0].is_ascii_digit() && b[1..].eq_ignore_ascii_case(b"xx")
    {
        return Ok(CodeCond::Class((b[0] - b'0') as u16));
    }
    if rest.is_empty() || !rest.bytes().all(|c| c.is_ascii_digit()) || rest.len() > 5 {
        return Err(bad());
    }
    let n: u16 = rest.parse().map_err(|_| bad())?;
    Ok(match cmp {
        Some(c) => CodeCond::Compare(c, n),
        None => CodeCond::Is(n),
    })
}
