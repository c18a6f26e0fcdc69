//! The filter (SPEC §2) as LogQL, so that Loki does the selecting.
//!
//! The query Loki gets must return every event the filter keeps (more is
//! allowed: kaudit evaluates the whole filter again on what arrives). So a
//! term is sent only as a condition each matching event meets:
//!
//! ```text
//! {selector, verb=…, resource=…}      index labels that exist
//!   |= "alice@example.com"            line filters: literal pieces as JSON writes them
//!   | username!~"system:.*"           structured metadata
//!   | json k_ns="objectRef.namespace", k_decision=`annotations["authorization.k8s.io/decision"]`
//!   | k_ns="payments"                 the rest, on extracted fields
//! ```
//!
//! Requests are counted by their most complete stage (SPEC §3), so a term
//! whose truth can differ between the stages of one request (`stage`, `code`
//! missing) is never sent as a negation or an absence; `code`, `decision` and
//! `reason` are sent only as positive conditions, which every stage that
//! carries them shares (RequestReceived carries none, and holds nothing the
//! later stages lack: tests/loki.rs checks that with it logged).

use crate::query::ast::{CodeCond, Expr, FIELD_NAMES, Field, ResPattern};
use crate::query::pattern::Pattern;
use std::collections::{BTreeMap, BTreeSet};

/// What the server has: index label names (`/labels`) and structured
/// metadata keys (seen on entries).
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub labels: BTreeSet<String>,
    pub metadata: BTreeSet<String>,
}

/// The query to send, and what of the filter it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushdown {
    pub query: String,
    /// Terms Loki evaluates exactly.
    pub pushed: Vec<String>,
    /// Terms only kaudit evaluates (Loki may still narrow by a part of them).
    pub local: Vec<String>,
}

#[derive(Default)]
struct Parts {
    matchers: Vec<String>,
    lines: Vec<String>,
    meta: Vec<String>,
    extract: BTreeMap<&'static str, &'static str>,
    filters: Vec<String>,
}

pub fn translate(selector: &str, terms: &[Expr], known: &Known) -> Pushdown {
    let mut flat = Vec::new();
    flatten(terms, &mut flat);
    let mut p = Parts::default();
    let (mut pushed, mut local) = (Vec::new(), Vec::new());
    for t in flat {
        if push(t, known, &mut p) {
            pushed.push(show(t));
        } else {
            local.push(show(t));
        }
    }
    let mut q = with_matchers(selector, &p.matchers);
    for l in &p.lines {
        q.push_str(&format!(" |= {}", quote(l)));
    }
    for m in &p.meta {
        q.push_str(&format!(" | {m}"));
    }
    if !p.extract.is_empty() {
        let ex: Vec<String> = p
            .extract
            .iter()
            .map(|(name, path)| format!("{name}={}", quote(path)))
            .collect();
        q.push_str(&format!(" | json {}", ex.join(", ")));
    }
    for f in &p.filters {
        q.push_str(&format!(" | {f}"));
    }
    Pushdown {
        query: q,
        pushed,
        local,
    }
}

fn flatten<'a>(terms: &'a [Expr], out: &mut Vec<&'a Expr>) {
    for t in terms {
        match t {
            Expr::All(v) => flatten(v, out),
            t => out.push(t),
        }
    }
}

/// Send one top-level term; true when Loki now evaluates it exactly.
fn push(t: &Expr, known: &Known, p: &mut Parts) -> bool {
    if let Some(m) = index_matcher(t, known) {
        p.matchers.extend(m);
        return true;
    }
    if let Some(line) = line_filter(t) {
        p.lines.push(line);
    }
    // `resource:pods/exec`: the index narrows to pods, the rest is extracted.
    if let Expr::Resource(pairs) = t {
        if known.labels.contains("resource") {
            let mut pats: Vec<Pattern> = Vec::new();
            for r in pairs.iter().map(|p| &p.resource) {
                if !pats.contains(r) {
                    pats.push(r.clone());
                }
            }
            p.matchers.push(matcher("resource", &pats, false));
        }
    }
    if let Some(m) = metadata_filter(t, known) {
        p.meta.push(m);
        return true;
    }
    let mut extract = BTreeMap::new();
    match pred(t, false, &mut extract) {
        Some(f) => {
            p.extract.extend(extract);
            p.filters.push(f);
            true
        }
        None => false,
    }
}

/// `verb` and `resource` as index labels, when the server has them.
fn index_matcher(t: &Expr, known: &Known) -> Option<Vec<String>> {
    let (e, neg) = match t {
        Expr::Not(x) => (&**x, true),
        e => (e, false),
    };
    let (label, pats) = match e {
        Expr::Str(Field::Verb, pats) => ("verb", pats),
        Expr::Resource(pairs) if pairs.iter().all(|p| p.sub.is_none()) => {
            return known.labels.contains("resource").then(|| {
                let pats: Vec<Pattern> = pairs.iter().map(|p| p.resource.clone()).collect();
                vec![matcher("resource", &pats, neg)]
            });
        }
        _ => return None,
    };
    known
        .labels
        .contains(label)
        .then(|| vec![matcher(label, pats, neg)])
}

/// `user` as the `username` structured metadata Promtail attaches.
fn metadata_filter(t: &Expr, known: &Known) -> Option<String> {
    if !known.metadata.contains("username") {
        return None;
    }
    match t {
        Expr::Str(Field::User, pats) => Some(matcher("username", pats, false)),
        Expr::Not(x) => match &**x {
            Expr::Str(Field::User, pats) => Some(matcher("username", pats, true)),
            _ => None,
        },
        _ => None,
    }
}

/// A literal piece every matching line holds, as JSON writes it.
fn line_filter(t: &Expr) -> Option<String> {
    let Expr::Str(f, pats) = t else {
        return None;
    };
    if matches!(f, Field::Verb | Field::Stage | Field::Level) || pats.len() != 1 {
        return None;
    }
    let (pieces, _) = pats[0].pieces();
    let longest = pieces.iter().max_by_key(|s| s.len())?;
    (longest.len() >= 3 && longest.bytes().all(json_verbatim)).then(|| longest.clone())
}

/// Bytes a JSON encoder writes as themselves (Go's escapes `<>&`; others may
/// escape `/` or anything beyond ASCII).
fn json_verbatim(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b" -_.:@,;=+%#!$()[]{}|^~?".contains(&b)
}

/// A label-filter expression over extracted fields, or None when the term
/// cannot be sent as a condition every matching event meets.
fn pred(e: &Expr, neg: bool, extract: &mut BTreeMap<&'static str, &'static str>) -> Option<String> {
    match e {
        Expr::All(v) | Expr::Any(v) => {
            // De Morgan under a negation.
            let and = matches!(e, Expr::All(_)) != neg;
            let parts: Option<Vec<String>> = v.iter().map(|x| pred(x, neg, extract)).collect();
            let parts = parts?;
            let joined = parts.join(if and { " and " } else { " or " });
            Some(if parts.len() > 1 {
                format!("({joined})")
            } else {
                joined
            })
        }
        Expr::Not(x) => pred(x, !neg, extract),
        Expr::Str(f, pats) => {
            let (name, path) = extracted(*f)?;
            if neg && !invariant(*f) {
                return None;
            }
            extract.insert(name, path);
            Some(matcher(name, pats, neg))
        }
        Expr::Resource(pairs) => {
            let alts: Vec<Expr> = pairs.iter().map(res_expr).collect();
            pred(&Expr::Any(alts), neg, extract)
        }
        Expr::Code(conds) if !neg => {
            let (name, path) = extracted(Field::Code)?;
            let parts: Option<Vec<String>> = conds.iter().map(|c| code(name, *c)).collect();
            let parts = parts?;
            extract.insert(name, path);
            Some(if parts.len() > 1 {
                format!("({})", parts.join(" or "))
            } else {
                parts.join("")
            })
        }
        _ => None,
    }
}

fn res_expr(p: &ResPattern) -> Expr {
    let r = Expr::Str(Field::Resource, vec![p.resource.clone()]);
    match &p.sub {
        Some(s) => Expr::All(vec![r, Expr::Str(Field::Subresource, vec![s.clone()])]),
        None => r,
    }
}

fn code(name: &str, c: CodeCond) -> Option<String> {
    Some(match c {
        CodeCond::Is(n) => format!("{name}=\"{n}\""),
        CodeCond::Class(h) => format!("{name}=~\"{h}..\""),
        CodeCond::Compare(op, n) => format!("{name} {} {n}", op.symbol()),
        CodeCond::Absent => return None,
    })
}

/// Where `| json` finds a field, and the label it is extracted to (named so
/// it clashes with no index label or metadata).
fn extracted(f: Field) -> Option<(&'static str, &'static str)> {
    Some(match f {
        Field::User => ("k_user", "user.username"),
        Field::As => ("k_as", "impersonatedUser.username"),
        Field::Verb => ("k_verb", "verb"),
        Field::Resource => ("k_resource", "objectRef.resource"),
        Field::Subresource => ("k_subresource", "objectRef.subresource"),
        Field::Namespace => ("k_namespace", "objectRef.namespace"),
        Field::Name => ("k_name", "objectRef.name"),
        Field::ApiGroup => ("k_apigroup", "objectRef.apiGroup"),
        Field::Code => ("k_code", "responseStatus.code"),
        Field::Decision => (
            "k_decision",
            r#"annotations["authorization.k8s.io/decision"]"#,
        ),
        Field::Reason => ("k_reason", r#"annotations["authorization.k8s.io/reason"]"#),
        Field::Agent => ("k_agent", "userAgent"),
        Field::AuditId => ("k_auditid", "auditID"),
        Field::Uri => ("k_uri", "requestURI"),
        // Lists (`| json` takes one element), and fields whose value kaudit
        // normalises (`level`) or which differ between a request's stages.
        Field::Group | Field::Ip | Field::Level | Field::Stage => return None,
    })
}

/// The same in every stage of a request.
fn invariant(f: Field) -> bool {
    !matches!(
        f,
        Field::Code | Field::Decision | Field::Reason | Field::Stage
    )
}

/// `name="v"`, `name=~"a.*|b"`, or their negations. A non-empty wildcard
/// pattern needs a non-empty value, like kaudit's own match.
fn matcher(name: &str, pats: &[Pattern], neg: bool) -> String {
    if let [p] = pats {
        if let Some(lit) = p.literal() {
            let op = if neg { "!=" } else { "=" };
            return format!("{name}{op}{}", quote(lit));
        }
    }
    let alts: Vec<String> = pats.iter().map(regex).collect();
    let op = if neg { "!~" } else { "=~" };
    format!("{name}{op}{}", quote(&alts.join("|")))
}

fn regex(p: &Pattern) -> String {
    let (pieces, wild) = p.pieces();
    if wild && pieces.iter().all(|s| s.is_empty()) {
        return ".+".into();
    }
    let esc: Vec<String> = pieces.iter().map(|s| regex_escape(s)).collect();
    esc.join(".*")
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A LogQL string: backquoted when that needs no escaping, else in double quotes.
fn quote(s: &str) -> String {
    if (s.contains('\\') || s.contains('"')) && !s.contains('`') {
        return format!("`{s}`");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Insert label matchers into the selector's braces (after a pipeline the
/// selector may already have, the braces still come first).
/// The selector narrowed to streams whose label `name` is `value`.
pub fn with_label(selector: &str, name: &str, value: &str) -> String {
    with_matchers(selector, &[format!("{name}={}", quote(value))])
}

fn with_matchers(selector: &str, matchers: &[String]) -> String {
    if matchers.is_empty() {
        return selector.to_string();
    }
    let selector = selector.trim();
    let Some(close) = closing_brace(selector) else {
        // Not a selector kaudit understands: Loki will say what is wrong.
        return selector.to_string();
    };
    let inside = selector[1..close].trim();
    let sep = if inside.is_empty() { "" } else { ", " };
    format!(
        "{{{inside}{sep}{}}}{}",
        matchers.join(", "),
        &selector[close + 1..]
    )
}

/// The `}` that closes a selector starting with `{`, outside quoted values.
pub(super) fn closing_brace(s: &str) -> Option<usize> {
    if !s.starts_with('{') {
        return None;
    }
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '`' => quote = Some(c),
            None if c == '}' => return Some(i),
            None => {}
        }
    }
    None
}

/// A term as the user would write it, for `--explain`.
pub fn show(e: &Expr) -> String {
    let pats = |v: &[Pattern]| {
        v.iter()
            .map(|p| {
                let s = p.to_string();
                if s.is_empty() || s.contains([' ', ',']) {
                    format!("{s:?}")
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    match e {
        Expr::All(v) => v.iter().map(show).collect::<Vec<_>>().join(" "),
        Expr::Any(v) => format!("({})", v.iter().map(show).collect::<Vec<_>>().join(" or ")),
        Expr::Not(x) => format!("-{}", show(x)),
        Expr::Str(f, v) => format!("{}:{}", field_name(*f), pats(v)),
        Expr::Resource(pairs) => {
            let v: Vec<String> = pairs
                .iter()
                .map(|p| match &p.sub {
                    Some(s) => format!("{}/{}", p.resource, s),
                    None => p.resource.to_string(),
                })
                .collect();
            format!("resource:{}", v.join(","))
        }
        Expr::Code(conds) => {
            let v: Vec<String> = conds
                .iter()
                .map(|c| match c {
                    CodeCond::Is(n) => n.to_string(),
                    CodeCond::Class(h) => format!("{h}xx"),
                    CodeCond::Compare(op, n) => format!("{}{n}", op.symbol()),
                    CodeCond::Absent => "\"\"".into(),
                })
                .collect();
            format!("code:{}", v.join(","))
        }
        Expr::Fuzzy(w) => w.clone(),
    }
}

fn field_name(f: Field) -> &'static str {
    FIELD_NAMES
        .iter()
        .find(|(_, x)| *x == f)
        .map_or("?", |(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parser::parse;

    fn known(labels: &[&str], meta: &[&str]) -> Known {
        Known {
            labels: labels.iter().map(|s| s.to_string()).collect(),
            metadata: meta.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn q(filter: &str, k: &Known) -> Pushdown {
        translate(
            r#"{job="kubernetes-audit"}"#,
            &parse(filter).expect("filter"),
            k,
        )
    }

    #[test]
    fn labels_metadata_lines_then_json() {
        let k = known(&["job", "verb", "resource", "cluster"], &["username"]);
        let p = q("verb:get,list @secrets -user:system:* ns:payments", &k);
        assert_eq!(
            p.query,
            r#"{job="kubernetes-audit", verb=~"get|list", resource="secrets"} |= "payments" | username!~"system:.*" | json k_namespace="objectRef.namespace" | k_namespace="payments""#
        );
        assert!(p.local.is_empty(), "{:?}", p.local);
    }

    #[test]
    fn without_labels_everything_goes_through_json() {
        let p = q("verb:delete user:alice@example.com", &Known::default());
        assert_eq!(
            p.query,
            r#"{job="kubernetes-audit"} |= "alice@example.com" | json k_user="user.username", k_verb="verb" | k_verb="delete" | k_user="alice@example.com""#
        );
    }

    #[test]
    fn presets_become_label_filter_expressions() {
        let k = known(&["verb", "resource"], &["username"]);
        let p = q("@denied", &k);
        assert_eq!(
            p.query,
            r#"{job="kubernetes-audit"} | json k_code="responseStatus.code", k_decision=`annotations["authorization.k8s.io/decision"]` | ((k_code="401" or k_code="403") or k_decision="forbid")"#
        );
        let p = q("resource:pods/exec,pods/attach code:>=400", &k);
        assert!(
            p.query.contains(r#"resource="pods"}"#) && p.query.contains(r#"| ((k_resource="pods" and k_subresource="exec") or (k_resource="pods" and k_subresource="attach")) | k_code >= 400"#),
            "{}",
            p.query
        );
    }

    #[test]
    fn what_stages_disagree_on_stays_local() {
        let k = known(&["verb"], &[]);
        let p = q(
            "-code:403 stage:ResponseComplete code:\"\" -decision:allow",
            &k,
        );
        assert_eq!(p.query, r#"{job="kubernetes-audit"}"#);
        assert_eq!(p.local.len(), 4);
        // Lists: a line filter narrows, kaudit decides.
        let p = q("group:system:masters", &k);
        assert_eq!(p.query, r#"{job="kubernetes-audit"} |= "system:masters""#);
        assert_eq!(p.local, ["group:system:masters"]);
    }

    #[test]
    fn values_are_escaped_for_regex_and_string() {
        let k = known(&[], &[]);
        let p = q(r#"name:a.b* uri:/api/v1/x?y=1&z"#, &k);
        assert!(p.query.contains(r#"k_name=~`a\.b.*`"#), "{}", p.query);
        // `&` is written \u0026 by Go's JSON: no line filter with it.
        assert!(!p.query.contains("|= \"/api/v1/x?y=1&z\""), "{}", p.query);
        assert!(
            p.query.contains(r#"k_uri="/api/v1/x?y=1&z""#),
            "{}",
            p.query
        );
        assert_eq!(quote("say \"hi\" `now`"), r#""say \"hi\" `now`""#);
        assert_eq!(quote(r"a\.b"), r"`a\.b`");
    }

    #[test]
    fn matchers_go_inside_the_selector_braces() {
        assert_eq!(
            with_matchers(r#"{job="a}b"} |= "x""#, &["verb=\"get\"".into()]),
            r#"{job="a}b", verb="get"} |= "x""#
        );
        assert_eq!(
            with_matchers(" {job=\"a\"} ", &["verb=\"get\"".into()]),
            r#"{job="a", verb="get"}"#
        );
    }
}
