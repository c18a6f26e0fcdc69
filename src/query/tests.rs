//! The filter language against a small hand-made index: every field, alias,
//! preset, negation, list, glob, quoted value and code comparison.

use super::*;
use crate::parse::{Batch, parse_chunk};

/// Events labelled by the last two digits of their auditID.
const EVENTS: &[&str] = &[
    r#"{"auditID":"00000000-0000-4000-8000-000000000001","stage":"ResponseComplete","level":"Metadata","requestURI":"/api/v1/namespaces/a/pods/p1","verb":"get","user":{"username":"alice","groups":["dev","system:authenticated"]},"sourceIPs":["10.0.0.1"],"userAgent":"kubectl/v1.31.2","objectRef":{"resource":"pods","namespace":"a","name":"p1","apiVersion":"v1"},"responseStatus":{"code":200},"stageTimestamp":"2026-11-21T10:00:01Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \"x/a\""}}"#,
    r#"{"auditID":"00000000-0000-4000-8000-000000000002","stage":"ResponseComplete","level":"Metadata","requestURI":"/api/v1/secrets?limit=500","verb":"list","user":{"username":"bob","groups":["ops"]},"sourceIPs":["10.0.0.2","192.168.1.1"],"userAgent":"curl/8.5.0","objectRef":{"resource":"secrets","apiVersion":"v1"},"responseStatus":{"code":403},"stageTimestamp":"2026-11-21T10:00:02Z","annotations":{"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""}}"#,
    r#"{"auditID":"00000000-0000-4000-8000-000000000003","stage":"ResponseComplete","level":"Metadata","requestURI":"/apis/apps/v1/namespaces/kube-system/replicasets/rs","verb":"update","user":{"username":"system:serviceaccount:kube-system:replicaset-controller","groups":["system:serviceaccounts"]},"objectRef":{"resource":"replicasets","namespace":"kube-system","name":"rs","apiGroup":"apps"},"responseStatus":{"code":200},"stageTimestamp":"2026-11-21T10:00:03Z"}"#,
    r#"{"auditID":"00000000-0000-4000-8000-000000000004","stage":"ResponseComplete","level":"Metadata","verb":"update","user":{"username":"system:node:n1","groups":["system:nodes"]},"objectRef":{"resource":"leases","namespace":"kube-node-lease","name":"n1","apiGroup":"coordination.k8s.io"},"responseStatus":{"code":200},"stageTimestamp":"2026-11-21T10:00:04Z"}"#,
    r#"{"auditID":"00000000-0000-4000-8000-000000000005","stage":"ResponseStarted","level":"Metadata","requestURI":"/api","verb":"get","user":{},"sourceIPs":["45.155.205.11"],"userAgent":"zgrab/0.x","responseStatus":{"code":401},"stageTimestamp":"2026-11-21T10:00:05Z"}"#,
    r#"{"auditID":"00000000-0000-4000-8000-000000000006","stage":"ResponseComplete","level":"Metadata","requestURI":"/healthz","verb":"get","user":{"username":"system:anonymous","groups":["system:unauthenticated"]},"responseStatus":{"code":200},"stageTimestamp":"2026-11-21T10:00:06Z"}"#,
    r#"{"auditID":"00000000-0000-4000-8000-000000000007","stage":"ResponseStarted","level":"Request","requestURI":"/api/v1/namespaces/prod/pods/web-1/exec?command=sh\u0026tty=true","verb":"create","user":{"username":"carol","groups":["sre"]},"impersonatedUser":{"username":"system:serviceaccount:prod:deployer"},"objectRef":{"resource":"pods","namespace":"prod","name":"web-1","subresource":"exec"},"responseStatus":{"code":101},"stageTimestamp":"2026-11-21T10:00:07Z"}"#,
    r#"{"auditID":"00000000-0000-4000-8000-000000000008","stage":"ResponseComplete","level":"RequestResponse","verb":"create","user":{"username":"dave smith","groups":["oidc:k8s-admins"]},"objectRef":{"resource":"rolebindings","namespace":"prod","name":"rb","apiGroup":"rbac.authorization.k8s.io"},"responseStatus":{"code":201},"stageTimestamp":"2026-11-21T10:00:08Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"a,b\""}}"#,
    r#"{"auditID":"00000000-0000-4000-8000-000000000009","stage":"ResponseComplete","level":"Metadata","verb":"deletecollection","user":{"username":"alice"},"objectRef":{"resource":"configmaps","namespace":"a"},"responseStatus":{"code":500},"stageTimestamp":"2026-11-21T10:00:09Z"}"#,
    r#"{"auditID":"00000000-0000-4000-8000-000000000010","stage":"RequestReceived","level":"Metadata","verb":"delete","user":{"username":"alice"},"objectRef":{"resource":"configmaps","namespace":"a","name":"c"},"stageTimestamp":"2026-11-21T10:00:10Z"}"#,
];

struct Mem(Vec<u8>);
impl RawAccess for Mem {
    fn line(&mut self, _: u32, offset: u64, len: u32) -> std::io::Result<&[u8]> {
        Ok(&self.0[offset as usize..offset as usize + len as usize])
    }
}

fn setup() -> (Index, Mem) {
    let text = EVENTS.join("\n");
    let mut b = Batch::default();
    parse_chunk(text.as_bytes(), 0, &mut b);
    assert!(b.skipped.is_empty(), "{:?}", b.skipped);
    let mut idx = Index::new();
    idx.apply(&b);
    (idx, Mem(text.into_bytes()))
}

/// Labels (1-based) of the events a filter selects.
fn sel(filter: &str) -> Vec<usize> {
    let (mut idx, mut raw) = setup();
    let terms = parser::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
    let m = Matcher::new(&terms, &idx);
    let s = select(&mut idx, &m, Window::default(), &mut raw, true);
    s.events
        .iter()
        .map(|&i| {
            idx.audit_id(&idx.requests[idx.events[i as usize].req as usize])[34..]
                .parse()
                .expect("label")
        })
        .collect()
}

fn err(filter: &str) -> String {
    parser::parse(filter)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_else(|| panic!("{filter} should fail"))
}

#[test]
fn every_field() {
    assert_eq!(sel("user:alice"), [1, 9, 10]);
    assert_eq!(sel("group:dev"), [1]);
    assert_eq!(sel("as:system:serviceaccount:prod:deployer"), [7]);
    assert_eq!(sel("verb:update"), [3, 4]);
    assert_eq!(sel("resource:pods"), [1, 7]);
    assert_eq!(sel("subresource:exec"), [7]);
    assert_eq!(sel("ns:prod"), [7, 8]);
    assert_eq!(sel("name:n1"), [4]);
    assert_eq!(sel("apigroup:apps"), [3]);
    assert_eq!(sel("code:403"), [2]);
    assert_eq!(sel("decision:forbid"), [2]);
    assert_eq!(
        sel("reason:\"RBAC: allowed by RoleBinding \\\"x/a\\\"\""),
        [1]
    );
    assert_eq!(sel("ip:192.168.1.1"), [2]);
    assert_eq!(sel("agent:curl/*"), [2]);
    assert_eq!(sel("stage:ResponseStarted"), [5, 7]);
    assert_eq!(sel("level:RequestResponse"), [8]);
    assert_eq!(sel("auditid:00000000-0000-4000-8000-000000000004"), [4]);
    assert_eq!(sel("uri:/api/v1/*"), [1, 2, 7]);
}

#[test]
fn aliases_and_case() {
    assert_eq!(sel("impersonated:*"), sel("as:*"));
    assert_eq!(sel("res:pods"), sel("resource:pods"));
    assert_eq!(sel("sub:exec"), sel("subresource:exec"));
    assert_eq!(sel("namespace:a"), sel("ns:a"));
    assert_eq!(sel("ua:zgrab/0.x"), [5]);
    assert_eq!(
        sel("USER:alice Verb:get"),
        [1],
        "field names are case-insensitive"
    );
    assert_eq!(
        sel("user:Alice"),
        Vec::<usize>::new(),
        "values are case-sensitive"
    );
    assert_eq!(sel("@SECRETS"), [2], "presets are case-insensitive");
    assert_eq!(sel("stage:Response*"), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

#[test]
fn presets() {
    assert_eq!(sel("@secrets"), [2]);
    assert_eq!(sel("@denied"), [2, 5]);
    assert_eq!(sel("@exec"), [7]);
    assert_eq!(sel("@humans"), [1, 2, 7, 8, 9, 10]);
    assert_eq!(sel("@writes"), [3, 4, 7, 8, 9, 10]);
    assert_eq!(sel("@rbac"), [8]);
    assert_eq!(sel("@impersonated"), [7]);
    assert_eq!(sel("@anonymous"), [6]);
}

#[test]
fn negation_lists_globs_quotes() {
    assert_eq!(
        sel("-user:system:*"),
        [1, 2, 5, 7, 8, 9, 10],
        "a missing user is not system:*"
    );
    assert_eq!(sel("-@humans"), [3, 4, 5, 6]);
    assert_eq!(sel("verb:create,update,patch,delete"), [3, 4, 7, 8, 10]);
    assert_eq!(sel("user:system:serviceaccount:*"), [3]);
    assert_eq!(sel("user:*:node:*"), [4]);
    assert_eq!(sel("user:\"dave smith\""), [8]);
    assert_eq!(
        sel("reason:\"RBAC: allowed by ClusterRoleBinding \\\"a,b\\\"\""),
        [8]
    );
    assert_eq!(sel("user:alice,\"dave smith\""), [1, 8, 9, 10]);
    assert_eq!(sel("ns:\"\""), [2, 5, 6]);
    assert_eq!(sel("-ns:*"), [2, 5, 6]);
    assert_eq!(sel("user:\"\""), [5]);
    assert_eq!(sel("resource:pods/exec"), [7]);
    assert_eq!(sel("resource:pods/exec,secrets"), [2, 7]);
    assert_eq!(sel("resource:pods/*"), [7]);
    assert_eq!(sel("@humans -verb:get"), [2, 7, 8, 9, 10]);
}

#[test]
fn codes() {
    assert_eq!(sel("code:4xx"), [2, 5]);
    assert_eq!(sel("code:4XX,5xx"), [2, 5, 9]);
    assert_eq!(sel("code:>=400"), [2, 5, 9]);
    assert_eq!(sel("code:<200"), [7]);
    assert_eq!(sel("code:>403"), [9]);
    assert_eq!(sel("code:<=201"), [1, 3, 4, 6, 7, 8]);
    assert_eq!(sel("code:401,403"), [2, 5]);
    assert_eq!(sel("code:\"\""), [10], "no code at RequestReceived");
    assert_eq!(sel("-code:2xx"), [2, 5, 7, 9, 10]);
    assert_eq!(sel("code:>=400 @humans"), [2, 9]);
}

#[test]
fn fuzzy_bare_words() {
    assert_eq!(sel("bob"), [2]);
    assert_eq!(sel("scrts"), [2], "letters in order, mostly together");
    assert_eq!(sel("rplcst"), [3], "an abbreviation");
    assert_eq!(sel("\"web-1\""), [7]);
    assert_eq!(sel("-alice"), [2, 3, 4, 5, 6, 7, 8]);
}

#[test]
fn errors_point_at_the_term() {
    assert_eq!(
        err("verb:get usr:alice"),
        "bad filter at column 10: unknown field \"usr\" (did you mean \"user\"?)"
    );
    assert_eq!(
        err("@secret"),
        "bad filter at column 1: unknown preset \"@secret\" (did you mean \"@secrets\"?)"
    );
    assert_eq!(
        err("code:4x"),
        "bad filter at column 6: \"4x\" is not a status code (403), class (4xx) or comparison (>=400)"
    );
    assert_eq!(
        err("code:>=4xx"),
        "bad filter at column 6: \">=4xx\" is not a status code (403), class (4xx) or comparison (>=400)"
    );
    assert_eq!(
        err("user:\"alice"),
        "bad filter at column 6: unterminated quote"
    );
    assert_eq!(
        err("user:"),
        "bad filter at column 6: empty value (write \"\" to match a missing field)"
    );
    assert_eq!(
        err("verb:get,,list"),
        "bad filter at column 10: empty value (write \"\" to match a missing field)"
    );
    assert_eq!(
        err("verb:get - user:x"),
        "bad filter at column 10: a lone \"-\" negates nothing; write -field:value"
    );
    assert_eq!(
        err("stage:ResponseCompleted"),
        "bad filter at column 7: unknown stage \"ResponseCompleted\" (did you mean \"ResponseComplete\"?)"
    );
    assert!(err("frobnicate:x").contains("(fields: user, group"));
    let e = parse_filters(&["verb:get".into(), "ns:a usr:x".into()]).expect_err("bad");
    assert_eq!(e.column, 6);
    assert!(e.to_string().contains("in filter 2"), "{e}");
}

#[test]
fn window_bounds() {
    let (mut idx, mut raw) = setup();
    let m = Matcher::new(&[], &idx);
    let t = |s| crate::model::time::parse_rfc3339(s);
    let w = Window {
        from: t("2026-11-21T10:00:02Z"),
        to: t("2026-11-21T10:00:04Z"),
    };
    let s = select(&mut idx, &m, w, &mut raw, true);
    assert_eq!(s.events.len(), 2, "from inclusive, to exclusive");
}

#[test]
fn matcher_follows_a_growing_index() {
    let (mut idx, _) = setup();
    let terms = parser::parse("user:zed*").expect("parse");
    let mut m = Matcher::new(&terms, &idx);
    let line = r#"{"auditID":"00000000-0000-4000-8000-000000000099","stage":"ResponseComplete","verb":"get","user":{"username":"zed"},"stageTimestamp":"2026-11-21T11:00:00Z"}"#;
    let mut b = Batch::default();
    parse_chunk(line.as_bytes(), 0, &mut b);
    idx.apply(&b);
    m.sync(&idx);
    let last = *idx.events.last().expect("event");
    assert!(m.matches(&idx, &last, &mut crate::model::NoRaw));
}

#[test]
fn selecting_on_several_threads_gives_the_same_answer() {
    let (mut idx, mut raw) = setup();
    for f in [
        "",
        "user:alice",
        "-user:system:*",
        "@denied jordan",
        "alice",
        "code:>=400 -verb:get",
    ] {
        let terms = parse_filters(&[f.to_string()]).expect("parses");
        let m = Matcher::new(&terms, &idx);
        idx.time_order();
        let one = select_in(&idx, &m, Window::default(), &mut raw, true, 1);
        let three = select_in(&idx, &m, Window::default(), &mut raw, true, 3);
        assert_eq!(
            (&one.events, &one.requests, one.everything),
            (&three.events, &three.requests, three.everything),
            "{f}"
        );
    }
}
