//! The part of LogQL the fake Loki evaluates: a stream selector, line filters
//! (`|=`, `!=`, `|~`, `!~`), `| json` with explicit extraction
//! (`name="a.b"`, `name="annotations[\"x/y\"]"`), and label filters on
//! index labels, structured metadata and extracted labels (`=`, `!=`, `=~`,
//! `!~` on strings; `==`, `!=`, `>`, `>=`, `<`, `<=` on numbers; `and`, `or`,
//! parentheses). As in Loki: label regexes are anchored and `.` matches a
//! newline; a string filter sees a missing label as ""; a number filter
//! drops an entry without the label and keeps one whose value is not a
//! number (Loki marks it with `__error__`).
#![allow(dead_code)]

use regex::Regex;
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

#[derive(Debug)]
pub struct LogQuery {
    pub matchers: Vec<(String, StrOp)>,
    stages: Vec<Stage>,
}

#[derive(Debug, Clone)]
pub enum StrOp {
    Eq(String),
    Ne(String),
    Re(Regex),
    NotRe(Regex),
}

impl StrOp {
    fn holds(&self, v: &str) -> bool {
        match self {
            StrOp::Eq(x) => v == x,
            StrOp::Ne(x) => v != x,
            StrOp::Re(r) => r.is_match(v),
            StrOp::NotRe(r) => !r.is_match(v),
        }
    }

    pub fn empty_compatible(&self) -> bool {
        self.holds("")
    }
}

#[derive(Debug)]
enum Stage {
    Line { keep: bool, re: Regex },
    Json(Vec<(String, Vec<Step>)>),
    Filter(Filter),
}

#[derive(Debug)]
enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug)]
enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Str(String, StrOp),
    Num(String, &'static str, f64),
}

impl Filter {
    fn holds(&self, get: &dyn Fn(&str) -> Option<String>) -> bool {
        match self {
            Filter::And(a, b) => a.holds(get) && b.holds(get),
            Filter::Or(a, b) => a.holds(get) || b.holds(get),
            Filter::Str(n, op) => op.holds(&get(n).unwrap_or_default()),
            Filter::Num(n, op, x) => match get(n) {
                None => false,
                Some(v) => match v.parse::<f64>() {
                    Err(_) => true,
                    Ok(v) => match *op {
                        "==" => v == *x,
                        "!=" => v != *x,
                        ">" => v > *x,
                        ">=" => v >= *x,
                        "<" => v < *x,
                        _ => v <= *x,
                    },
                },
            },
        }
    }
}

impl LogQuery {
    pub fn selects(&self, labels: &Labels) -> bool {
        self.matchers
            .iter()
            .all(|(n, op)| op.holds(labels.get(n).map(String::as_str).unwrap_or("")))
    }

    /// Run the pipeline over one entry: the labels it extracted, or None
    /// when a stage drops it.
    pub fn run(&self, labels: &Labels, meta: &Labels, line: &str) -> Option<Labels> {
        let mut parsed = Labels::new();
        let mut doc: Option<serde_json::Value> = None;
        for s in &self.stages {
            match s {
                Stage::Line { keep, re } => {
                    if re.is_match(line) != *keep {
                        return None;
                    }
                }
                Stage::Json(fields) => {
                    let d = doc.get_or_insert_with(|| {
                        serde_json::from_str(line).unwrap_or_else(|_| {
                            // As Loki marks a line its parser cannot read.
                            parsed.insert("__error__".into(), "JSONParserErr".into());
                            serde_json::Value::Null
                        })
                    });
                    for (name, path) in fields {
                        if let Some(v) = walk(d, path) {
                            parsed.insert(name.clone(), v);
                        }
                    }
                }
                Stage::Filter(f) => {
                    let get = |n: &str| {
                        parsed
                            .get(n)
                            .or_else(|| meta.get(n))
                            .or_else(|| labels.get(n))
                            .cloned()
                    };
                    if !f.holds(&get) {
                        return None;
                    }
                }
            }
        }
        Some(parsed)
    }
}

fn walk(v: &serde_json::Value, path: &[Step]) -> Option<String> {
    let mut v = v;
    for s in path {
        v = match s {
            Step::Key(k) => v.get(k)?,
            Step::Index(i) => v.get(i)?,
        };
    }
    Some(match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Op(&'static str),
}

const OPS: &[&str] = &[
    "|=", "|~", "!=", "!~", "=~", "==", ">=", "<=", "=", ">", "<", "|", "{", "}", "(", ")", ",",
    "[", "]",
];

fn lex(q: &str) -> Result<Vec<Tok>, String> {
    let b = q.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i] as char;
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                let Some(&ch) = b.get(i) else {
                    return Err(format!(
                        "parse error at line 1, col {}: literal not terminated",
                        i + 1
                    ));
                };
                match ch {
                    b'"' => break,
                    b'\\' => {
                        let e = *b.get(i + 1).ok_or("parse error: bad escape")?;
                        s.push(match e {
                            b'n' => '\n',
                            b't' => '\t',
                            b'r' => '\r',
                            other => other as char,
                        });
                        i += 2;
                        continue;
                    }
                    _ => {}
                }
                // Multi-byte characters pass through whole.
                let ch_len = q[i..].chars().next().map_or(1, char::len_utf8);
                s.push_str(&q[i..i + ch_len]);
                i += ch_len;
            }
            i += 1;
            out.push(Tok::Str(s));
        } else if c == '`' {
            let end = q[i + 1..]
                .find('`')
                .ok_or("parse error: literal not terminated")?;
            out.push(Tok::Str(q[i + 1..i + 1 + end].to_string()));
            i += end + 2;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            out.push(Tok::Num(
                q[start..i].parse().map_err(|_| "parse error: number")?,
            ));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Ident(q[start..i].to_string()));
        } else if let Some(op) = OPS.iter().find(|o| q[i..].starts_with(**o)) {
            out.push(Tok::Op(op));
            i += op.len();
        } else {
            return Err(format!(
                "parse error at line 1, col {}: syntax error: unexpected {c}",
                i + 1
            ));
        }
    }
    Ok(out)
}

struct P {
    t: Vec<Tok>,
    i: usize,
    /// Length of the query, for Loki's "col" of an unexpected end.
    len: usize,
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.t.get(self.i)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.t.get(self.i).cloned();
        self.i += 1;
        t
    }
    fn eat(&mut self, op: &str) -> bool {
        if self.peek() == Some(&Tok::Op(leak(op))) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn string(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(s),
            t => Err(format!(
                "parse error: syntax error: unexpected {t:?}, expecting STRING"
            )),
        }
    }
    fn ident(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Tok::Ident(s)) => Ok(s),
            t => Err(format!(
                "parse error: syntax error: unexpected {t:?}, expecting IDENTIFIER"
            )),
        }
    }
}

fn leak(op: &str) -> &'static str {
    OPS.iter().find(|o| **o == op).copied().unwrap_or("?")
}

fn anchored(re: &str) -> Result<Regex, String> {
    Regex::new(&format!("^(?s:{re})$")).map_err(|e| format!("parse error: invalid regex {re}: {e}"))
}

fn str_op(op: &str, v: String) -> Result<StrOp, String> {
    Ok(match op {
        "=" => StrOp::Eq(v),
        "!=" => StrOp::Ne(v),
        "=~" => StrOp::Re(anchored(&v)?),
        _ => StrOp::NotRe(anchored(&v)?),
    })
}

/// `sum [by (labels)] (count_over_time(LOG [range]))`: the metric queries
/// kaudit sends. `by: None` is a plain `sum`.
#[derive(Debug)]
pub struct MetricQuery {
    pub by: Vec<String>,
    pub log: LogQuery,
    /// The range in nanoseconds.
    pub range: i64,
}

pub fn parse_metric(q: &str) -> Result<MetricQuery, String> {
    let mut p = P {
        t: lex(q)?,
        i: 0,
        len: q.len(),
    };
    if p.ident().as_deref() != Ok("sum") {
        return Err("fake loki: only sum(count_over_time(...)) is implemented".into());
    }
    let mut by = Vec::new();
    if p.peek() == Some(&Tok::Ident("by".into())) {
        p.i += 1;
        if !p.eat("(") {
            return Err("parse error: syntax error: expecting (".into());
        }
        while !p.eat(")") {
            by.push(p.ident()?);
            p.eat(",");
        }
    }
    if !p.eat("(") || p.ident().as_deref() != Ok("count_over_time") || !p.eat("(") {
        return Err("fake loki: only sum(count_over_time(...)) is implemented".into());
    }
    let log = log_query(&mut p)?;
    if !p.eat("[") {
        return Err("parse error: syntax error: expecting [".into());
    }
    let n = match p.next() {
        Some(Tok::Num(n)) => n as i64,
        t => return Err(format!("parse error: bad duration {t:?}")),
    };
    let unit = match p.ident()?.as_str() {
        "ns" => 1,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        u => return Err(format!("fake loki: duration unit {u} not implemented")),
    };
    if !(p.eat("]") && p.eat(")") && p.eat(")")) || p.peek().is_some() {
        return Err("parse error: syntax error: unexpected tokens after the range".into());
    }
    Ok(MetricQuery {
        by,
        log,
        range: n * unit,
    })
}

/// Parse a log query (no metric functions).
pub fn parse(q: &str) -> Result<LogQuery, String> {
    let mut p = P {
        t: lex(q)?,
        i: 0,
        len: q.len(),
    };
    let q = log_query(&mut p)?;
    if let Some(t) = p.peek() {
        return Err(format!("parse error: syntax error: unexpected {t:?}"));
    }
    Ok(q)
}

fn log_query(p: &mut P) -> Result<LogQuery, String> {
    if !p.eat("{") {
        return Err("parse error at line 1, col 1: syntax error: unexpected IDENTIFIER".into());
    }
    let mut matchers = Vec::new();
    loop {
        if p.peek().is_none() {
            return Err(format!(
                "parse error at line 1, col {}: syntax error: unexpected $end, expecting }} or ,",
                p.len + 1
            ));
        }
        if p.eat("}") {
            break;
        }
        let name = p.ident()?;
        let op = match p.next() {
            Some(Tok::Op(o)) if ["=", "!=", "=~", "!~"].contains(&o) => o,
            _ => return Err(format!("parse error: syntax error: bad matcher for {name}")),
        };
        let v = p.string()?;
        matchers.push((name, str_op(op, v)?));
        if !p.eat(",") && p.peek().is_some() {
            if !p.eat("}") {
                return Err("parse error at line 1: syntax error: expecting } or ,".into());
            }
            break;
        }
    }
    if matchers.iter().all(|(_, m)| m.empty_compatible()) {
        return Err("parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will".into());
    }
    let mut stages = Vec::new();
    loop {
        match p.peek().cloned() {
            Some(Tok::Op(op @ ("|=" | "!=" | "|~" | "!~"))) => {
                p.i += 1;
                let s = p.string()?;
                let re = if op.ends_with('~') {
                    Regex::new(&s).map_err(|e| format!("parse error: invalid regex {s}: {e}"))?
                } else {
                    Regex::new(&regex::escape(&s)).map_err(|e| e.to_string())?
                };
                stages.push(Stage::Line {
                    keep: op.starts_with('|'),
                    re,
                });
            }
            Some(Tok::Op("|")) => {
                p.i += 1;
                if p.peek() == Some(&Tok::Ident("json".into())) {
                    p.i += 1;
                    let mut fields = Vec::new();
                    while let Some(Tok::Ident(_)) = p.peek() {
                        // `json name="path"`, but not a following `| label` stage.
                        if p.t.get(p.i + 1) != Some(&Tok::Op("=")) {
                            break;
                        }
                        let name = p.ident()?;
                        p.eat("=");
                        let path = json_path(&p.string()?)?;
                        fields.push((name, path));
                        if !p.eat(",") {
                            break;
                        }
                    }
                    if fields.is_empty() {
                        return Err(
                            "fake loki: `| json` without parameters is not implemented".into()
                        );
                    }
                    stages.push(Stage::Json(fields));
                } else {
                    stages.push(Stage::Filter(or_expr(p)?));
                }
            }
            _ => break,
        }
    }
    Ok(LogQuery { matchers, stages })
}

fn or_expr(p: &mut P) -> Result<Filter, String> {
    let mut left = and_expr(p)?;
    while p.peek() == Some(&Tok::Ident("or".into())) {
        p.i += 1;
        left = Filter::Or(Box::new(left), Box::new(and_expr(p)?));
    }
    Ok(left)
}

fn and_expr(p: &mut P) -> Result<Filter, String> {
    let mut left = atom(p)?;
    while p.peek() == Some(&Tok::Ident("and".into())) {
        p.i += 1;
        left = Filter::And(Box::new(left), Box::new(atom(p)?));
    }
    Ok(left)
}

fn atom(p: &mut P) -> Result<Filter, String> {
    if p.eat("(") {
        let f = or_expr(p)?;
        if !p.eat(")") {
            return Err("parse error: syntax error: expecting )".into());
        }
        return Ok(f);
    }
    let name = p.ident()?;
    let op = match p.next() {
        Some(Tok::Op(o)) => o,
        t => {
            return Err(format!(
                "parse error: syntax error: unexpected {t:?} after {name}"
            ));
        }
    };
    match p.next() {
        Some(Tok::Str(v)) if ["=", "!=", "=~", "!~"].contains(&op) => {
            Ok(Filter::Str(name, str_op(op, v)?))
        }
        Some(Tok::Num(n)) if ["==", "!=", ">", ">=", "<", "<=", "="].contains(&op) => {
            Ok(Filter::Num(name, if op == "=" { "==" } else { op }, n))
        }
        t => Err(format!(
            "parse error: syntax error: unexpected {t:?} after {name}{op}"
        )),
    }
}

/// `a.b`, `a["x/y"]`, `a[0]`.
fn json_path(s: &str) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("[\"") {
            let end = r.find("\"]").ok_or("parse error: bad json path")?;
            out.push(Step::Key(r[..end].to_string()));
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or("parse error: bad json path")?;
            out.push(Step::Index(
                r[..end].parse().map_err(|_| "parse error: bad index")?,
            ));
            rest = &r[end + 1..];
        } else {
            let r = rest.strip_prefix('.').unwrap_or(rest);
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out.push(Step::Key(r[..end].to_string()));
            rest = &r[end..];
        }
    }
    Ok(out)
}
