use super::*;
use crate::parse::{Batch, parse_chunk};

fn index_of(lines: &[&str]) -> Index {
    let text = lines.join("\n");
    let mut b = Batch::default();
    b.lines = parse_chunk(text.as_bytes(), 0, &mut b);
    let mut idx = Index::new();
    idx.apply(&b);
    idx
}

const RECEIVED: &str = r#"{"auditID":"00000000-0000-4000-8000-000000000001","stage":"RequestReceived","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"pods","namespace":"a","name":"p","subresource":"exec"},"requestReceivedTimestamp":"2026-11-21T10:00:00.000001Z","stageTimestamp":"2026-11-21T10:00:00.000001Z"}"#;
const STARTED: &str = r#"{"auditID":"00000000-0000-4000-8000-000000000001","stage":"ResponseStarted","verb":"create","user":{"username":"alice"},"impersonatedUser":{"username":"bob"},"objectRef":{"resource":"pods","namespace":"a","name":"p","subresource":"exec"},"responseStatus":{"code":101},"requestReceivedTimestamp":"2026-11-21T10:00:00.000001Z","stageTimestamp":"2026-11-21T10:00:00.5Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"r"}}"#;
const COMPLETE: &str = r#"{"auditID":"00000000-0000-4000-8000-000000000001","stage":"ResponseComplete","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"pods","namespace":"a","name":"p","subresource":"exec"},"responseStatus":{"code":101},"requestReceivedTimestamp":"2026-11-21T10:00:00.000001Z","stageTimestamp":"2026-11-21T10:05:00Z"}"#;

#[test]
fn stages_merge_into_one_request() {
    let idx = index_of(&[COMPLETE, RECEIVED, STARTED]);
    assert_eq!(idx.events.len(), 3);
    assert_eq!(idx.requests.len(), 1);
    let v = idx.request(0);
    assert_eq!(v.stage, Stage::ResponseComplete);
    assert_eq!(v.code, Some(101));
    assert_eq!(
        idx.s(v.impersonated),
        "bob",
        "impersonation from the stage that carries it"
    );
    assert_eq!(idx.s(v.verdict.decision), "allow");
    assert_eq!(idx.s(v.verdict.reason), "r");
    assert_eq!(
        idx.audit_id(&idx.requests[0]),
        "00000000-0000-4000-8000-000000000001"
    );
    assert_eq!(idx.request_events(0).count(), 3);
    assert_eq!(idx.by_user.get(&v.user).map(Vec::len), Some(1));
    assert_eq!(idx.by_object.len(), 1);
}

#[test]
fn text_audit_ids_and_time_order() {
    let a = r#"{"auditID":"abcde12345","stage":"ResponseComplete","verb":"get","stageTimestamp":"2026-11-21T10:00:02Z"}"#;
    let b = r#"{"auditID":"abcde12345","stage":"ResponseComplete","verb":"get","stageTimestamp":"2026-11-21T10:00:01Z"}"#;
    let mut idx = index_of(&[a, b]);
    assert_eq!(idx.requests.len(), 1, "same auditID, one request");
    assert_eq!(idx.audit_id(&idx.requests[0]), "abcde12345");
    assert_eq!(idx.time_order(), &[1, 0]);
    assert_eq!(
        idx.obj_key_id(&idx.events[0]),
        NIL,
        "no objectRef, no object"
    );
}

#[test]
fn time_order_grows_with_the_index() {
    let line = |i: u32, s: u32| {
        format!(
            r#"{{"auditID":"00000000-0000-4000-8000-{i:012}","stage":"ResponseComplete","verb":"get","stageTimestamp":"2026-11-21T10:00:{s:02}Z"}}"#
        )
    };
    let mut idx = index_of(&[&line(1, 10), &line(2, 30)]);
    assert_eq!(idx.time_order(), &[0, 1]);
    // A later batch that reaches back in time is merged in.
    let more = [line(3, 20), line(4, 40), line(5, 5)].join("\n");
    let mut b = Batch::default();
    parse_chunk(more.as_bytes(), 0, &mut b);
    idx.apply(&b);
    assert_eq!(idx.time_order(), &[4, 0, 2, 1, 3]);
    let mut fresh: Vec<u32> = (0..5).collect();
    fresh.sort_by_key(|&i| idx.events[i as usize].ts);
    assert_eq!(idx.time_order(), fresh.as_slice());
}
