//! `kaudit events`: the matching events in time order. JSON lines are the
//! events' own text (SPEC §3), redaction (SPEC §4) being the only change.

use super::table::{Clock, Col, Table, csv_row};
use super::{Form, Shape};
use crate::index::{EventId, EventRec, Index};
use crate::model::RawAccess;
use crate::model::redact::redact_line;
use crate::model::text::json_terminal_safe;
use crate::model::time::format_micros;
use crate::parse::{NO_TIME, frame};
use crate::query::Selection;
use std::borrow::Cow;
use std::io::{self, Write};

pub fn write(
    sh: &Shape,
    idx: &Index,
    sel: &Selection,
    raw: &mut dyn RawAccess,
    out: &mut dyn Write,
) -> io::Result<()> {
    match sh.form {
        Form::Table => table(sh, idx, sel, out),
        Form::Csv => csv(idx, sel, raw, out),
        Form::Jsonl | Form::Json => lines(sh, idx, sel, raw, out),
    }
}

/// The event's text as it goes out: one line, redacted unless asked not to;
/// `None` when it cannot be redacted (then it is withheld).
pub fn event_text<'a>(line: &'a [u8], sh: &Shape) -> Option<Cow<'a, [u8]>> {
    let mut text: Cow<[u8]> = if memchr::memchr(b'\n', line).is_some() {
        Cow::Owned(frame::minify(line))
    } else {
        Cow::Borrowed(line)
    };
    if sh.redact {
        match redact_line(&text) {
            Ok(Some(r)) => text = Cow::Owned(r),
            Ok(None) => {}
            Err(_) => return None,
        }
    }
    if sh.terminal {
        if let Cow::Owned(safe) = json_terminal_safe(&text) {
            text = Cow::Owned(safe);
        }
    }
    Some(text)
}

/// Lines of one input closer than this are read in one go, gap included.
const GAP: u64 = 8 << 10;
/// At most this much is read in one go.
const RUN: u64 = 1 << 20;

/// Call `f` with each event of `ids` and its line. A sparse selection reads
/// its lines and not the blocks around them: the reader is told where each
/// run of nearby lines lies.
fn each_line(
    idx: &Index,
    ids: &[EventId],
    raw: &mut dyn RawAccess,
    mut f: impl FnMut(&EventRec, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let mut planned = 0;
    for (i, &id) in ids.iter().enumerate() {
        let e = &idx.events[id as usize];
        if i >= planned {
            let (start, mut end) = (e.offset, e.offset + e.len as u64);
            planned = i + 1;
            for &next in &ids[i + 1..] {
                let n = &idx.events[next as usize];
                let n_end = n.offset + n.len as u64;
                if n.input != e.input
                    || n.offset < end
                    || n.offset - end > GAP
                    || n_end - start > RUN
                {
                    break;
                }
                end = n_end;
                planned += 1;
            }
            raw.ahead(e.input, start, end);
        }
        f(e, raw.line(e.input, e.offset, e.len)?)?;
    }
    Ok(())
}

fn lines(
    sh: &Shape,
    idx: &Index,
    sel: &Selection,
    raw: &mut dyn RawAccess,
    out: &mut dyn Write,
) -> io::Result<()> {
    let array = sh.form == Form::Json;
    if array {
        out.write_all(b"{\"events\":[")?;
    }
    let mut withheld = 0u64;
    let mut first = true;
    each_line(idx, &sel.events, raw, |_, line| {
        let Some(text) = event_text(line, sh) else {
            withheld += 1;
            return Ok(());
        };
        if array {
            out.write_all(if first { b"\n" } else { b",\n" })?;
            out.write_all(&text)?;
        } else {
            out.write_all(&text)?;
            out.write_all(b"\n")?;
        }
        first = false;
        Ok(())
    })?;
    if array {
        out.write_all(b"\n]}\n")?;
    }
    if withheld > 0 {
        return Err(io::Error::other(format!(
            "withheld {withheld} event(s) whose secret payloads could not be redacted safely; --no-redact shows them"
        )));
    }
    Ok(())
}

fn table(sh: &Shape, idx: &Index, sel: &Selection, out: &mut dyn Write) -> io::Result<()> {
    let clock = Clock::over(sel.events.iter().map(|&id| idx.events[id as usize].ts));
    let mut t = Table::new(vec![
        Col::fixed("TIME"),
        Col::name("USER"),
        Col::fixed("VERB"),
        Col::text("RESOURCE"),
        Col::name("NAMESPACE/NAME"),
        Col::num("CODE"),
    ]);
    for &id in &sel.events {
        let e = &idx.events[id as usize];
        let o = idx.obj(e);
        // A non-resource request has no namespace or name.
        let place = if o.resource.is_none() {
            String::new()
        } else {
            crate::model::text::place(idx.s(o.namespace), idx.s(o.name))
        };
        let user = idx.s(idx.who(e).user);
        t.row(vec![
            clock.show(e.ts),
            crate::model::user_shown(user).into(),
            idx.s(e.verb).into(),
            super::table::target(idx, o),
            place,
            super::table::code_cell(e.code),
        ]);
    }
    t.write(out, sh.width)
}

pub const CSV_COLUMNS: [&str; 17] = [
    "time",
    "auditID",
    "stage",
    "user",
    "groups",
    "impersonated_user",
    "verb",
    "resource",
    "subresource",
    "namespace",
    "name",
    "code",
    "decision",
    "reason",
    "source_ips",
    "user_agent",
    "request_uri",
];

fn csv(
    idx: &Index,
    sel: &Selection,
    raw: &mut dyn RawAccess,
    out: &mut dyn Write,
) -> io::Result<()> {
    csv_row(out, &CSV_COLUMNS)?;
    each_line(idx, &sel.events, raw, |e, line| {
        let who = idx.who(e);
        let o = idx.obj(e);
        let v = idx.verdict(e);
        let join = |l| {
            idx.lists
                .get(l)
                .iter()
                .map(|&s| idx.s(s))
                .collect::<Vec<_>>()
                .join(";")
        };
        let uri = crate::model::field(line, "requestURI").unwrap_or_default();
        let time = if e.ts == NO_TIME {
            String::new()
        } else {
            format_micros(e.ts)
        };
        let code = if e.code == 0 {
            String::new()
        } else {
            e.code.to_string()
        };
        let audit = idx.audit_id(&idx.requests[e.req as usize]);
        csv_row(
            out,
            &[
                &time,
                &audit,
                e.stage.as_str(),
                idx.s(who.user),
                &join(who.groups),
                idx.s(who.impersonated),
                idx.s(e.verb),
                idx.s(o.resource),
                idx.s(o.subresource),
                idx.s(o.namespace),
                idx.s(o.name),
                &code,
                idx.s(v.decision),
                idx.s(v.reason),
                &join(who.ips),
                idx.s(who.agent),
                &uri,
            ],
        )
    })
}
