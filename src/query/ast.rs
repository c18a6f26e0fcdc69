//! The filter language's syntax tree (SPEC §2).

use super::pattern::Pattern;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    User,
    Group,
    As,
    Verb,
    Resource,
    Subresource,
    Namespace,
    Name,
    ApiGroup,
    Code,
    Decision,
    Reason,
    Ip,
    Agent,
    Stage,
    Level,
    AuditId,
    Uri,
}

/// Field names and aliases, matched case-insensitively.
pub const FIELD_NAMES: &[(&str, Field)] = &[
    ("user", Field::User),
    ("group", Field::Group),
    ("as", Field::As),
    ("impersonated", Field::As),
    ("verb", Field::Verb),
    ("resource", Field::Resource),
    ("res", Field::Resource),
    ("subresource", Field::Subresource),
    ("sub", Field::Subresource),
    ("ns", Field::Namespace),
    ("namespace", Field::Namespace),
    ("name", Field::Name),
    ("apigroup", Field::ApiGroup),
    ("code", Field::Code),
    ("decision", Field::Decision),
    ("reason", Field::Reason),
    ("ip", Field::Ip),
    ("agent", Field::Agent),
    ("ua", Field::Agent),
    ("stage", Field::Stage),
    ("level", Field::Level),
    ("auditid", Field::AuditId),
    ("uri", Field::Uri),
];

impl Field {
    pub fn parse(name: &str) -> Option<Field> {
        let lower = name.to_ascii_lowercase();
        FIELD_NAMES
            .iter()
            .find(|(n, _)| *n == lower)
            .map(|&(_, f)| f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    /// As written in a filter (and in LogQL).
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// One item of a `code:` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCond {
    Is(u16),
    /// `4xx`: the hundreds digit.
    Class(u16),
    Compare(Cmp, u16),
    /// `code:""`: no responseStatus code.
    Absent,
}

impl CodeCond {
    pub fn matches(self, code: u16) -> bool {
        match self {
            CodeCond::Absent => code == 0,
            _ if code == 0 => false,
            CodeCond::Is(c) => code == c,
            CodeCond::Class(h) => code / 100 == h,
            CodeCond::Compare(Cmp::Lt, c) => code < c,
            CodeCond::Compare(Cmp::Le, c) => code <= c,
            CodeCond::Compare(Cmp::Gt, c) => code > c,
            CodeCond::Compare(Cmp::Ge, c) => code >= c,
        }
    }
}

/// `resource:pods/exec`: a resource and, optionally, its subresource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResPattern {
    pub resource: Pattern,
    pub sub: Option<Pattern>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
    /// The field matches any of the patterns (for lists: any element does).
    Str(Field, Vec<Pattern>),
    Resource(Vec<ResPattern>),
    Code(Vec<CodeCond>),
    /// A bare word, fuzzy-matched against the event's one-line summary.
    Fuzzy(String),
}

/// Preset names (SPEC §2), matched case-insensitively.
pub const PRESETS: &[&str] = &[
    "secrets",
    "denied",
    "exec",
    "humans",
    "writes",
    "rbac",
    "impersonated",
    "anonymous",
];

pub fn preset(name: &str) -> Option<Expr> {
    let s = |f, vals: &[&str]| Expr::Str(f, vals.iter().map(|v| Pattern::exact(v)).collect());
    let star = Pattern::from_parts(&[('*', true)]);
    Some(match name.to_ascii_lowercase().as_str() {
        "secrets" => Expr::Resource(vec![ResPattern {
            resource: Pattern::exact("secrets"),
            sub: None,
        }]),
        "denied" => Expr::Any(vec![
            Expr::Code(vec![CodeCond::Is(401), CodeCond::Is(403)]),
            s(Field::Decision, &["forbid"]),
        ]),
        "exec" => s(Field::Subresource, &["exec", "attach", "portforward"]),
        "humans" => Expr::All(vec![
            Expr::Str(Field::User, vec![star]),
            Expr::Not(Box::new(Expr::Str(
                Field::User,
                vec![Pattern::from_parts(
                    &"system:*"
                        .chars()
                        .map(|c| (c, c == '*'))
                        .collect::<Vec<_>>(),
                )],
            ))),
        ]),
        "writes" => s(Field::Verb, &crate::model::WRITE_VERBS),
        "rbac" => s(Field::ApiGroup, &["rbac.authorization.k8s.io"]),
        "impersonated" => Expr::Str(Field::As, vec![star]),
        "anonymous" => Expr::Any(vec![
            s(Field::User, &["system:anonymous"]),
            s(Field::Group, &["system:unauthenticated"]),
        ]),
        _ => return None,
    })
}
