//! SPEC §4 redaction of raw event lines.
//!
//! The output keeps every byte of the line except the secret values, which
//! become `"<redacted>"`: values under `data`/`stringData` of Secrets (also in
//! SecretLists, Lists, Tables and patches), the last-applied-configuration
//! annotation of a Secret, and `status.token` of a TokenRequest. Keys stay.
//!
//! Lines are attacker-controlled, so every object is walked entry by entry
//! (duplicate keys included) and anything this walker cannot understand inside a
//! secret context is redacted whole rather than let through.

use super::json::{as_str, each_element, entries};
use serde_json::value::RawValue;
use std::ops::Range;

pub const REDACTED: &str = "\"<redacted>\"";
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[derive(Debug, thiserror::Error)]
#[error("cannot redact this line safely: {0}")]
pub struct RedactError(String);

/// Redact one event line. `Ok(None)` means the line holds nothing to redact and
/// is to be written as it is.
pub fn redact_line(line: &[u8]) -> Result<Option<Vec<u8>>, RedactError> {
    // Fast path: only events logged at Request level or above carry objects.
    if memchr::memmem::find(line, b"Object\"").is_none() {
        return Ok(None);
    }
    let text = std::str::from_utf8(line).map_err(|e| RedactError(e.to_string()))?;
    let top = entries(text).map_err(|e| RedactError(e.to_string()))?;
    let mut ctx = Ctx::default();
    for (k, v) in &top {
        if k == "objectRef" {
            if let Ok(obj) = entries(v.get()) {
                for (ok, ov) in obj {
                    match (ok.as_ref(), as_str(ov).as_deref()) {
                        ("resource", Some("secrets")) => ctx.secrets = true,
                        ("resource", Some("serviceaccounts")) => ctx.serviceaccounts = true,
                        ("subresource", Some("token")) => ctx.token = true,
                        _ => {}
                    }
                }
            }
        }
    }
    let mut spans = Vec::new();
    for (k, v) in &top {
        if k == "requestObject" || k == "responseObject" {
            object_spans(text, v, &ctx, 0, &mut spans);
        }
    }
    if spans.is_empty() {
        return Ok(None);
    }
    spans.sort_by_key(|r| r.start);
    let mut out = Vec::with_capacity(line.len());
    let mut pos = 0;
    for r in spans {
        if r.start < pos {
            continue; // nested inside a span already replaced
        }
        out.extend_from_slice(&line[pos..r.start]);
        out.extend_from_slice(REDACTED.as_bytes());
        pos = r.end;
    }
    out.extend_from_slice(&line[pos..]);
    Ok(Some(out))
}

#[derive(Default, Clone)]
struct Ctx {
    secrets: bool,
    serviceaccounts: bool,
    token: bool,
}

fn span(base: &str, v: &RawValue) -> Range<usize> {
    let start = v.get().as_ptr() as usize - base.as_ptr() as usize;
    start..start + v.get().len()
}

/// Walk one object (requestObject, responseObject, a list item, a table row's object).
fn object_spans(base: &str, v: &RawValue, ctx: &Ctx, depth: usize, out: &mut Vec<Range<usize>>) {
    let raw = v.get().trim_start();
    if depth > 8 {
        if ctx.secrets {
            out.push(span(base, v));
        }
        return;
    }
    if raw.starts_with('[') {
        if ctx.secrets {
            patch_spans(base, v, out);
        }
        return;
    }
    if !raw.starts_with('{') {
        // A string body (say, a YAML apply patch) cannot be walked: hide it if it is a secret's.
        if ctx.secrets && !raw.starts_with("null") {
            out.push(span(base, v));
        }
        return;
    }
    let Ok(fields) = entries(v.get()) else {
        if ctx.secrets {
            out.push(span(base, v));
        }
        return;
    };
    let kind = fields
        .iter()
        .rev()
        .find(|(k, _)| k == "kind")
        .and_then(|(_, v)| as_str(v));
    let kind = kind.as_deref();
    let is_secret = kind == Some("Secret") || (kind.is_none() && ctx.secrets);
    let is_token =
        kind == Some("TokenRequest") || (kind.is_none() && ctx.serviceaccounts && ctx.token);
    let item_ctx = Ctx {
        secrets: ctx.secrets || kind == Some("SecretList"),
        ..Ctx::default()
    };
    for (k, val) in &fields {
        match k.as_ref() {
            "data" | "stringData" if is_secret => value_map_spans(base, val, out),
            "metadata" if is_secret => annotation_spans(base, val, out),
            "status" if is_token => {
                if let Ok(st) = entries(val.get()) {
                    out.extend(
                        st.iter()
                            .filter(|(k, _)| k == "token")
                            .map(|(_, t)| span(base, t)),
                    );
                } else {
                    out.push(span(base, val));
                }
            }
            "items" => each_element(val, |item| {
                object_spans(base, item, &item_ctx, depth + 1, out)
            }),
            "rows" if kind == Some("Table") => each_element(val, |row| {
                if let Ok(cells) = entries(row.get()) {
                    for (ck, cv) in cells {
                        if ck == "object" {
                            object_spans(base, cv, &item_ctx, depth + 1, out);
                        }
                    }
                }
            }),
            _ => {}
        }
    }
}

/// Every value of a `data`/`stringData` map; keys stay visible. Not a map: hide it whole.
fn value_map_spans(base: &str, v: &RawValue, out: &mut Vec<Range<usize>>) {
    let raw = v.get().trim_start();
    if raw == "null" || raw == "{}" {
        return;
    }
    match entries(v.get()) {
        Ok(kv) => out.extend(kv.iter().map(|(_, val)| span(base, val))),
        Err(_) => out.push(span(base, v)),
    }
}

fn annotation_spans(base: &str, metadata: &RawValue, out: &mut Vec<Range<usize>>) {
    let Ok(meta) = entries(metadata.get()) else {
        return;
    };
    for (k, v) in meta {
        if k == "annotations" {
            if let Ok(ann) = entries(v.get()) {
                out.extend(
                    ann.iter()
                        .filter(|(k, _)| k == LAST_APPLIED)
                        .map(|(_, v)| span(base, v)),
                );
            }
        }
    }
}

/// A JSON patch against a Secret: hide the values written under data, stringData,
/// annotations or the whole object.
fn patch_spans(base: &str, v: &RawValue, out: &mut Vec<Range<usize>>) {
    let mut ok = true;
    each_element(v, |op| match entries(op.get()) {
        Ok(fields) => {
            let path = fields
                .iter()
                .rev()
                .find(|(k, _)| k == "path")
                .and_then(|(_, p)| as_str(p));
            let path = path.as_deref().unwrap_or("");
            for (k, val) in &fields {
                if k != "value" {
                    continue;
                }
                match path {
                    "/data" | "/stringData" => value_map_spans(base, val, out),
                    p if p.starts_with("/data/")
                        || p.starts_with("/stringData/")
                        || p.starts_with("/metadata/annotations")
                        || p.is_empty()
                        || p == "/" =>
                    {
                        out.push(span(base, val))
                    }
                    _ => {}
                }
            }
        }
        Err(_) => ok = false,
    });
    if !ok {
        out.push(span(base, v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn red(s: &str) -> String {
        match redact_line(s.as_bytes()).expect("redactable") {
            Some(v) => String::from_utf8(v).expect("utf8"),
            None => s.to_string(),
        }
    }

    #[test]
    fn metadata_lines_are_untouched() {
        let l = r#"{"auditID":"a","verb":"get","objectRef":{"resource":"secrets","name":"x"}}"#;
        assert!(redact_line(l.as_bytes()).expect("ok").is_none());
    }

    #[test]
    fn secret_data_values_go_keys_stay() {
        let l = r#"{"objectRef":{"resource":"secrets"},"responseObject":{"kind":"Secret","data":{"password":"aHVudGVyMg==","user":"YWRtaW4="},"type":"Opaque"}}"#;
        assert_eq!(
            red(l),
            r#"{"objectRef":{"resource":"secrets"},"responseObject":{"kind":"Secret","data":{"password":"<redacted>","user":"<redacted>"},"type":"Opaque"}}"#
        );
    }

    #[test]
    fn string_data_and_last_applied_in_request() {
        let l = r#"{"objectRef":{"resource":"secrets"},"requestObject":{"kind":"Secret","metadata":{"name":"s","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"k\":\"c2VjcmV0\"}}","team":"a"}},"stringData":{"k":"secret"}}}"#;
        let out = red(l);
        assert!(
            !out.contains("c2VjcmV0") && !out.contains(":\"secret\""),
            "{out}"
        );
        assert!(
            out.contains(r#""team":"a""#) && out.contains(r#""k":"<redacted>""#),
            "{out}"
        );
    }

    #[test]
    fn secret_list_items_and_tables() {
        let l = r#"{"objectRef":{"resource":"secrets"},"responseObject":{"kind":"SecretList","items":[{"metadata":{"name":"a"},"data":{"k":"QQ=="}},{"metadata":{"name":"b"},"data":{"k":"Qg=="}}]}}"#;
        let out = red(l);
        assert!(
            !out.contains("QQ==") && !out.contains("Qg==") && out.contains(r#""name":"b""#),
            "{out}"
        );
        let t = r#"{"objectRef":{"resource":"secrets"},"responseObject":{"kind":"Table","rows":[{"cells":["a"],"object":{"kind":"Secret","data":{"k":"VEFCTEU="}}}]}}"#;
        assert!(!red(t).contains("VEFCTEU="));
    }

    #[test]
    fn duplicate_keys_cannot_smuggle_a_value() {
        let l = r#"{"objectRef":{"resource":"secrets"},"responseObject":{"kind":"Secret","data":{"k":"RklSU1Q=","k":"U0VDT05E"},"data":{"j":"VEhJUkQ="}}}"#;
        let out = red(l);
        for v in ["RklSU1Q=", "U0VDT05E", "VEhJUkQ="] {
            assert!(!out.contains(v), "{v} leaked: {out}");
        }
    }

    #[test]
    fn patches_against_secrets() {
        let merge =
            r#"{"objectRef":{"resource":"secrets"},"requestObject":{"data":{"k":"UEFUQ0g="}}}"#;
        assert!(!red(merge).contains("UEFUQ0g="));
        let json = r#"{"objectRef":{"resource":"secrets"},"requestObject":[{"op":"replace","path":"/data/k","value":"SlNPTg=="},{"op":"add","path":"/metadata/labels/x","value":"keep"}]}"#;
        let out = red(json);
        assert!(!out.contains("SlNPTg==") && out.contains("keep"), "{out}");
        let yaml = r#"{"objectRef":{"resource":"secrets"},"requestObject":"data:\n  k: WUFNTA=="}"#;
        assert!(!red(yaml).contains("WUFNTA=="));
    }

    #[test]
    fn token_requests() {
        let l = r#"{"objectRef":{"resource":"serviceaccounts","subresource":"token"},"responseObject":{"kind":"TokenRequest","spec":{"audiences":["x"]},"status":{"token":"eyJhbGciOi.J9","expirationTimestamp":"2026-01-01T00:00:00Z"}}}"#;
        let out = red(l);
        assert!(
            !out.contains("eyJhbGciOi") && out.contains("expirationTimestamp"),
            "{out}"
        );
    }

    #[test]
    fn configmaps_keep_their_data() {
        let l = r#"{"objectRef":{"resource":"configmaps"},"responseObject":{"kind":"ConfigMap","data":{"k":"visible"}}}"#;
        assert!(redact_line(l.as_bytes()).expect("ok").is_none());
    }
}
