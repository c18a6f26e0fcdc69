//! `kaudit findings`: what to look at first, with the evidence.

use super::table::{Clock, json_time};
use super::{Form, Shape};
use crate::index::Index;
use crate::lens::Lenses;
use crate::lens::findings::{Finding, Lens, findings};
use crate::model::text::{sanitize, truncate, wrap};
use serde_json::json;
use std::io::{self, Write};

pub fn lens_name(l: Lens) -> &'static str {
    match l {
        Lens::Secrets => "secrets",
        Lens::Denied => "denied",
        Lens::Exec => "exec",
        Lens::Access => "access",
    }
}

pub fn finding_json(idx: &Index, f: &Finding) -> serde_json::Value {
    json!({
        "rule": f.rule.id,
        "severity": f.severity.as_str(),
        "lens": lens_name(f.rule.lens),
        "subject": f.subject,
        "first": json_time(f.first),
        "last": json_time(f.last),
        "summary": f.summary,
        "why": f.rule.why,
        "evidence": f.evidence.iter().map(|&r| idx.audit_id(&idx.requests[r as usize])).collect::<Vec<_>>(),
    })
}

/// A finding as a card: severity, rule, who, when; then what happened,
/// wrapped under it.
pub fn card(f: &Finding, clock: Clock, width: usize) -> String {
    let head = format!(
        "{:<6} {}  {}  {}",
        f.severity.as_str().to_uppercase(),
        f.rule.id,
        f.subject,
        clock.show(f.first)
    );
    let evidence = if f.evidence.len() == 1 {
        "1 request".to_string()
    } else {
        format!("{} requests", f.evidence.len())
    };
    let body = sanitize(&format!("{} [{evidence}]", f.summary)).into_owned();
    let mut out = truncate(&sanitize(&head), width).into_owned();
    for line in wrap(&body, width.saturating_sub(7).max(20)) {
        out.push_str("\n       ");
        out.push_str(&line);
    }
    out
}

pub fn write(sh: &Shape, idx: &Index, l: &Lenses, out: &mut dyn Write) -> io::Result<()> {
    let all = findings(idx, l);
    match sh.form {
        Form::Json => {
            let list: Vec<_> = all.iter().map(|f| finding_json(idx, f)).collect();
            serde_json::to_writer_pretty(&mut *out, &json!({"findings": list}))?;
            writeln!(out)
        }
        Form::Jsonl => all
            .iter()
            .try_for_each(|f| writeln!(out, "{}", finding_json(idx, f))),
        _ => {
            if all.is_empty() {
                return writeln!(out, "no findings");
            }
            let clock = Clock::over(all.iter().map(|f| f.first));
            all.iter()
                .try_for_each(|f| writeln!(out, "{}", card(f, clock, sh.width)))
        }
    }
}
