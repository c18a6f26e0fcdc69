//! Bytes to events. A chunk of input (cut where a record can start, see
//! `frame`) is split into records, each record parsed into a `WireEvent` and
//! interned into a `Batch`. Bad records are skipped with a reason and a line.
//!
//! A record is a line, optionally after a prefix (`crc {…}` from `oc adm
//! node-logs`, `host {…}` from syslog), or a pretty-printed document spanning
//! lines; it holds one event, an EventList (webhook batches) or a JSON array of
//! events.

pub mod batch;
pub mod frame;
pub mod wire;

pub use batch::{AuditKey, Batch, BatchEvent, NO_TIME, Skip, SkipReason};

use serde::Deserialize;
use serde_json::value::RawValue;
use wire::WireEvent;

/// How a record went. Events found were pushed already.
enum Outcome {
    Loaded,
    /// The JSON ends before the record does (a line cut short, or the first
    /// line of a pretty-printed document).
    Incomplete,
    Skipped(SkipReason),
}

/// Parse a chunk that starts at a record boundary, `base` being the offset of
/// `data[0]` in the source stream. Returns the number of lines in the chunk.
pub fn parse_chunk(data: &[u8], base: u64, out: &mut Batch) -> u64 {
    let mut pos = 0;
    let mut line_no: u64 = 0;
    while pos < data.len() {
        let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
        let (s, e) = frame::trim(&data[pos..end]);
        let consumed = if s == e {
            1
        } else {
            record(data, base, pos + s, pos + e, end, line_no, out)
        };
        // The line's end is known; only a multi-line record needs a search.
        line_no += 1;
        pos = (end + 1).min(data.len());
        for _ in 1..consumed {
            line_no += 1;
            pos = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i + 1);
        }
    }
    line_no
}

/// Handle the record starting on the line `[start, stop)` (trimmed; `line_end`
/// is where the line's newline is). Returns how many lines it used.
fn record(
    data: &[u8],
    base: u64,
    start: usize,
    stop: usize,
    line_end: usize,
    line_no: u64,
    out: &mut Batch,
) -> u64 {
    let json_at = match data[start] {
        b'{' | b'[' => start,
        // A prefix before the JSON, as syslog and `oc adm node-logs` write.
        _ => match memchr::memchr(b'{', &data[start..stop]) {
            Some(i) => start + i,
            None => {
                let reason = if std::str::from_utf8(&data[start..stop]).is_err() {
                    SkipReason::InvalidUtf8
                } else {
                    SkipReason::Invalid("not JSON".into())
                };
                out.skipped.push(Skip {
                    line: line_no,
                    reason,
                });
                return 1;
            }
        },
    };
    match load(&data[json_at..stop], base + json_at as u64, out) {
        Outcome::Loaded => 1,
        Outcome::Skipped(reason) => {
            out.skipped.push(Skip {
                line: line_no,
                reason,
            });
            1
        }
        Outcome::Incomplete => {
            // Perhaps a pretty-printed document: take the continuation lines.
            let mut doc_end = line_end;
            let mut lines = 1;
            while doc_end + 1 < data.len() && !frame::starts_record(data[doc_end + 1]) {
                doc_end = memchr::memchr(b'\n', &data[doc_end + 1..])
                    .map_or(data.len(), |i| doc_end + 1 + i);
                lines += 1;
            }
            if lines > 1 {
                let (_, e) = frame::trim(&data[json_at..doc_end]);
                match load(&data[json_at..json_at + e], base + json_at as u64, out) {
                    Outcome::Loaded => return lines,
                    // A whole document, just not an event: one report for all its lines.
                    Outcome::Skipped(r @ SkipReason::NotAnEvent(_)) => {
                        out.skipped.push(Skip {
                            line: line_no,
                            reason: r,
                        });
                        return lines;
                    }
                    // Not a document after all: the lines are looked at one by one.
                    Outcome::Skipped(_) | Outcome::Incomplete => {}
                }
            }
            out.skipped.push(Skip {
                line: line_no,
                reason: SkipReason::Truncated,
            });
            1
        }
    }
}

/// Parse one record's JSON text and push the events in it.
fn load(text: &[u8], offset: u64, out: &mut Batch) -> Outcome {
    if text.first() == Some(&b'[') {
        return match serde_json::from_slice::<Vec<&RawValue>>(text) {
            Ok(items) => items_of(text, items.iter().map(|v| rel(text, v)), offset, out),
            Err(e) => invalid(text, e.is_eof(), e.to_string()),
        };
    }
    match sonic_rs::from_slice::<WireEvent>(text) {
        Ok(ev) if ev.is_event() => {
            out.push(&ev, text, offset, text.len() as u32);
            Outcome::Loaded
        }
        Ok(_) => shape(text, offset, out),
        Err(e) => invalid(text, e.is_eof(), e.to_string()),
    }
}

/// The items of an EventList or JSON array: each event is pushed; lines are
/// what is counted, so any items that are not events make one report.
fn items_of(
    text: &[u8],
    items: impl Iterator<Item = (usize, usize)>,
    offset: u64,
    out: &mut Batch,
) -> Outcome {
    let mut bad = false;
    for (s, len) in items {
        match sonic_rs::from_slice::<WireEvent>(&text[s..s + len]) {
            Ok(ev) if ev.is_event() => {
                out.push(&ev, &text[s..s + len], offset + s as u64, len as u32)
            }
            _ => bad = true,
        }
    }
    if bad {
        Outcome::Skipped(SkipReason::NotAnEvent(
            "a list with items that are not audit events",
        ))
    } else {
        Outcome::Loaded
    }
}

fn invalid(text: &[u8], eof: bool, msg: String) -> Outcome {
    if std::str::from_utf8(text).is_err() {
        Outcome::Skipped(SkipReason::InvalidUtf8)
    } else if eof {
        Outcome::Incomplete
    } else {
        Outcome::Skipped(SkipReason::Invalid(msg))
    }
}

fn rel(text: &[u8], v: &RawValue) -> (usize, usize) {
    (
        v.get().as_ptr() as usize - text.as_ptr() as usize,
        v.get().len(),
    )
}

/// The slow path for JSON that is not an event: an EventList, or something to name.
fn shape(text: &[u8], offset: u64, out: &mut Batch) -> Outcome {
    #[derive(Deserialize)]
    struct Shape<'a> {
        #[serde(borrow)]
        items: Option<&'a RawValue>,
        records: Option<&'a RawValue>,
        #[serde(rename = "protoPayload")]
        proto_payload: Option<&'a RawValue>,
        properties: Option<&'a RawValue>,
    }
    let not = |what| Outcome::Skipped(SkipReason::NotAnEvent(what));
    let Ok(s) = serde_json::from_slice::<Shape>(text) else {
        return not("JSON that is not an audit event");
    };
    if let Some(items) = s.items {
        if let Ok(list) = serde_json::from_str::<Vec<&RawValue>>(items.get()) {
            return items_of(text, list.iter().map(|v| rel(text, v)), offset, out);
        }
    }
    if s.records.is_some() {
        not("an Azure diagnostic-settings batch (AKS records), not yet supported")
    } else if s.properties.is_some() {
        not("an Azure diagnostic record (AKS), not yet supported")
    } else if s.proto_payload.is_some() {
        not("a Google Cloud Logging entry (GKE), not yet supported")
    } else {
        not("JSON that is not an audit event")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Stage;

    const EV: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"6cddfefb-4d01-4591-be73-563ed475f324","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/a/pods?limit=500\u0026watch=true","verb":"list","user":{"username":"alice","groups":["dev","system:authenticated"]},"sourceIPs":["10.0.0.1"],"userAgent":"kubectl/v1.30","objectRef":{"resource":"pods","namespace":"a","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-11-21T10:00:00.000001Z","stageTimestamp":"2026-11-21T10:00:00.000002Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \"x\""}}"#;

    fn run(input: &str) -> Batch {
        let mut b = Batch::default();
        parse_chunk(input.as_bytes(), 0, &mut b);
        b
    }

    #[test]
    fn one_event_per_line_with_offsets() {
        let input = format!("{EV}\n{EV}\n");
        let b = run(&input);
        assert_eq!(b.events.len(), 2);
        assert_eq!(b.events[1].offset as usize, EV.len() + 1);
        assert_eq!(b.events[1].len as usize, EV.len());
        assert_eq!(b.events[0].stage, Stage::ResponseComplete);
        assert_eq!(b.events[0].code, 200);
        assert_eq!(b.syms.resolve(b.whos.get(b.events[0].who).user), "alice");
        assert_eq!(
            b.syms.resolve(b.verdicts.get(b.events[0].verdict).reason),
            "RBAC: allowed by RoleBinding \"x\""
        );
        assert!(b.skipped.is_empty());
    }

    #[test]
    fn prefixes_bom_crlf_and_blank_lines() {
        let input =
            format!("\u{feff}{EV}\r\n\ncrc {EV}\nNov 21 10:00:00 host kube-apiserver[1]: {EV}\n");
        let b = run(&input);
        assert_eq!(b.events.len(), 3, "{:?}", b.skipped);
        let second = &input.as_bytes()[b.events[1].offset as usize..][..b.events[1].len as usize];
        assert_eq!(second, EV.as_bytes());
    }

    #[test]
    fn bad_lines_are_skipped_with_their_line() {
        let input = format!(
            "{EV}\nnot json at all\n{{\"kind\": 0}}\n{EV}\n{}\n",
            &EV[..100]
        );
        let b = run(&input);
        assert_eq!(b.events.len(), 2);
        let lines: Vec<_> = b
            .skipped
            .iter()
            .map(|s| (s.line, s.reason.is_malformed()))
            .collect();
        assert_eq!(lines, [(1, true), (2, false), (4, true)]);
        assert_eq!(b.skipped[2].reason, SkipReason::Truncated);
    }

    #[test]
    fn pretty_printed_and_event_lists() {
        let pretty = serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(EV).expect("json"),
        )
        .expect("pretty");
        let list = format!(
            r#"{{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{{}},"items":[{EV},{EV}]}}"#
        );
        let input = format!("{pretty}\n{list}\n{EV}\n");
        let b = run(&input);
        assert_eq!(b.events.len(), 4, "{:?}", b.skipped);
        assert!(b.skipped.is_empty());
        let item = &input.as_bytes()[b.events[2].offset as usize..][..b.events[2].len as usize];
        assert_eq!(item, EV.as_bytes());
    }

    #[test]
    fn v1beta1_timestamp_and_missing_fields() {
        let b = run(
            r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","timestamp":"2017-09-11T19:55:05Z","auditID":"x","stage":"ResponseComplete","verb":"get","user":{}}"#,
        );
        assert_eq!(b.events.len(), 1);
        assert_eq!(
            b.events[0].ts,
            crate::model::time::parse_rfc3339("2017-09-11T19:55:05Z").expect("valid")
        );
        assert_eq!(b.events[0].code, 0);
    }

    #[test]
    fn invalid_utf8_is_named() {
        let mut input = EV.as_bytes().to_vec();
        input[150] = 0xff;
        let mut b = Batch::default();
        parse_chunk(&input, 0, &mut b);
        assert_eq!(b.skipped[0].reason, SkipReason::InvalidUtf8);
    }
}
