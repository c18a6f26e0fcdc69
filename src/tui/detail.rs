//! The detail screen's content: the request seen through all its stages, the
//! decoded exec command, what a secret body held, then the event's JSON,
//! folded by section. Secret values are redacted unless revealed.

use super::theme::Role;
use crate::index::{EventId, Index};
use crate::lens::facts;
use crate::model::time::format_micros;
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub role: Role,
    /// A section header: Enter folds or unfolds it.
    pub section: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub event: EventId,
    pub lines: Vec<Line>,
    /// The raw text has not arrived yet.
    pub pending: bool,
}

/// Bodies of up to this many lines start open: an RBAC binding reads at a glance.
const SHORT_BODY: usize = 40;

/// Sections folded until opened (unless short): the bodies can run to
/// thousands of lines.
const FOLDED_AT_FIRST: &[&str] = &[
    "requestObject",
    "responseObject",
    "user.extra",
    "managedFields",
];

fn line(text: impl Into<String>, role: Role) -> Line {
    Line {
        text: text.into(),
        role,
        section: None,
    }
}

fn header(name: &str, open: bool, extra: &str) -> Line {
    Line {
        text: format!("{} {name}{extra}", if open { "▾" } else { "▸" }),
        role: Role::Title,
        section: Some(name.to_string()),
    }
}

impl Detail {
    pub fn pending(event: EventId) -> Detail {
        Detail {
            event,
            lines: vec![line("reading the event…", Role::Muted)],
            pending: true,
        }
    }

    /// Build from the event's raw text. `folded` names the sections closed
    /// (sections not named are open, but for those in `FOLDED_AT_FIRST`,
    /// which `opened` must name).
    pub fn build(
        idx: &Index,
        event: EventId,
        raw: Result<&[u8], String>,
        reveal: bool,
        toggled: &HashSet<String>,
    ) -> Detail {
        let is_open = |name: &str| FOLDED_AT_FIRST.contains(&name) == toggled.contains(name);
        let mut lines = Vec::new();
        let e = &idx.events[event as usize];
        let r = e.req;
        let v = idx.request(r);
        let who = idx.whos.get(v.who);
        // The request, all stages merged.
        let open = is_open("request");
        lines.push(header("request", open, ""));
        if open {
            let groups: Vec<&str> = idx
                .lists
                .get(who.groups)
                .iter()
                .map(|&g| idx.s(g))
                .collect();
            let ips: Vec<&str> = idx.lists.get(who.ips).iter().map(|&g| idx.s(g)).collect();
            let o = idx.objs.get(v.obj);
            let target = if o.resource.is_none() {
                idx.s(o.path).to_string()
            } else {
                format!(
                    "{} {}",
                    crate::lens::resource_label(idx, o.resource, o.subresource),
                    crate::model::text::place(idx.s(o.namespace), idx.s(o.name))
                )
            };
            let user = idx.s(v.user);
            lines.push(line(
                format!("  auditID   {}", idx.audit_id(&idx.requests[r as usize])),
                Role::Text,
            ));
            lines.push(line(
                format!(
                    "  user      {}  [{}]",
                    if user.is_empty() {
                        "(none: authentication failed)"
                    } else {
                        user
                    },
                    groups.join(", ")
                ),
                Role::Human,
            ));
            if !v.impersonated.is_none() {
                lines.push(line(
                    format!("  as        {}", idx.s(v.impersonated)),
                    Role::Warning,
                ));
            }
            lines.push(line(
                format!("  request   {} {target}", idx.s(v.verb)),
                Role::Text,
            ));
            let code = v.code.map_or("-".to_string(), |c| c.to_string());
            lines.push(line(
                format!("  answer    {code}  {}", idx.s(v.verdict.decision)),
                if v.denied { Role::Denied } else { Role::Ok },
            ));
            if !v.verdict.reason.is_none() {
                lines.push(line(
                    format!("  reason    {}", idx.s(v.verdict.reason)),
                    Role::Muted,
                ));
            }
            if !v.verdict.message.is_none() {
                lines.push(line(
                    format!("  message   {}", idx.s(v.verdict.message)),
                    Role::Muted,
                ));
            }
            lines.push(line(
                format!("  from      {}  {}", ips.join(", "), idx.s(v.agent)),
                Role::Text,
            ));
            let mut stages: Vec<_> = idx
                .request_events(r)
                .map(|id| &idx.events[id as usize])
                .collect();
            stages.sort_by_key(|x| (x.stage.completeness(), x.ts));
            for s in stages {
                let t = if s.ts == crate::parse::NO_TIME {
                    "-".into()
                } else {
                    format_micros(s.ts)
                };
                let code = if s.code == 0 {
                    String::new()
                } else {
                    format!("  {}", s.code)
                };
                lines.push(line(
                    format!(
                        "  stage     {:<17} {t}  {}{code}",
                        s.stage.as_str(),
                        s.level.as_str()
                    ),
                    Role::Muted,
                ));
            }
        }
        let f = facts(idx, r);
        if let Some(p) = &f.exec {
            let open = is_open("command");
            lines.push(header("command", open, ""));
            if open {
                let quoted: Vec<String> = p
                    .command
                    .iter()
                    .map(|a| {
                        if a.contains(' ') || a.is_empty() {
                            format!("{a:?}")
                        } else {
                            a.clone()
                        }
                    })
                    .collect();
                lines.push(line(
                    format!(
                        "  {}",
                        if quoted.is_empty() {
                            "(none)".into()
                        } else {
                            quoted.join(" ")
                        }
                    ),
                    Role::Exec,
                ));
                let mut flags = Vec::new();
                if !p.container.is_empty() {
                    flags.push(format!("container {}", p.container));
                }
                if p.tty {
                    flags.push("tty".into());
                }
                if p.stdin {
                    flags.push("stdin".into());
                }
                if !p.ports.is_empty() {
                    flags.push(format!("ports {}", p.ports.join(",")));
                }
                lines.push(line(format!("  {}", flags.join(" · ")), Role::Muted));
            }
        }
        if v.secrets {
            let open = is_open("secret");
            lines.push(header("secret", open, ""));
            if open {
                let what = if f.secret.values {
                    if reveal {
                        "values logged, shown (r hides them)"
                    } else {
                        "values logged, redacted (r shows them)"
                    }
                } else if f.level >= crate::model::Level::Request {
                    "body logged, no values"
                } else {
                    "metadata only: no payload in the log"
                };
                lines.push(line(
                    format!("  {what}"),
                    if f.secret.values {
                        Role::Secret
                    } else {
                        Role::Muted
                    },
                ));
                if !f.secret.names.is_empty() {
                    lines.push(line(
                        format!("  secrets in the body: {}", f.secret.names.join(", ")),
                        Role::Secret,
                    ));
                }
            }
        }
        // The event itself, as logged.
        match raw {
            Err(e) => lines.push(line(format!("cannot read the event: {e}"), Role::Error)),
            Ok(bytes) => json_sections(bytes, reveal, &is_open, &mut lines),
        }
        Detail {
            event,
            lines,
            pending: false,
        }
    }
}

fn json_sections(
    bytes: &[u8],
    reveal: bool,
    is_open: &dyn Fn(&str) -> bool,
    lines: &mut Vec<Line>,
) {
    let text: std::borrow::Cow<[u8]> = if reveal {
        bytes.into()
    } else {
        match crate::model::redact::redact_line(bytes) {
            Ok(Some(r)) => r.into(),
            Ok(None) => bytes.into(),
            Err(_) => {
                lines.push(line("this event holds secret values kaudit cannot redact safely; r shows it as logged", Role::Error));
                return;
            }
        }
    };
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(&text)
    else {
        lines.push(line("the event is not a JSON object", Role::Error));
        return;
    };
    // Scalars first, as one section; then each object or list its own.
    let open = is_open("event");
    lines.push(header("event", open, ""));
    for (k, v) in &map {
        if open && !v.is_object() && !v.is_array() {
            lines.push(line(format!("  {k}: {v}"), Role::Text));
        }
    }
    for (k, v) in &map {
        if !(v.is_object() || v.is_array()) {
            continue;
        }
        let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
        let n = pretty.lines().count();
        // A short body starts open, so the toggle means the opposite there.
        let short = n <= SHORT_BODY && FOLDED_AT_FIRST.contains(&k.as_str());
        let open = is_open(k) != short;
        lines.push(header(
            k,
            open,
            &if open {
                String::new()
            } else {
                format!("  ({n} lines)")
            },
        ));
        if open {
            lines.extend(pretty.lines().map(|l| {
                line(
                    format!("  {l}"),
                    if l.contains("\"<redacted>\"") {
                        Role::Secret
                    } else {
                        Role::Text
                    },
                )
            }));
        }
    }
}
