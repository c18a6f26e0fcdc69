//! The fields of an `audit.k8s.io` Event the index needs, borrowed from the line.
//!
//! Strings are `Cow` because Go escapes `&` as `\u0026` (requestURI) and RBAC
//! reasons carry `\"`: those few are decoded into owned strings, the rest borrow.
//! Nothing is assumed present. `requestObject`/`responseObject` are skipped, only
//! their presence is kept.

use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;

#[derive(Deserialize, Default, Debug)]
pub struct WireEvent<'a> {
    #[serde(rename = "auditID", borrow, default)]
    pub audit_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub stage: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub level: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub verb: Option<Cow<'a, str>>,
    #[serde(rename = "requestURI", borrow, default)]
    pub request_uri: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub user: Option<WireUser<'a>>,
    #[serde(rename = "impersonatedUser", borrow, default)]
    pub impersonated: Option<WireUser<'a>>,
    #[serde(rename = "sourceIPs", borrow, default)]
    pub source_ips: Option<Vec<Cow<'a, str>>>,
    #[serde(rename = "userAgent", borrow, default)]
    pub user_agent: Option<Cow<'a, str>>,
    #[serde(rename = "objectRef", borrow, default)]
    pub object_ref: Option<WireObjectRef<'a>>,
    #[serde(rename = "responseStatus", borrow, default)]
    pub response_status: Option<WireStatus<'a>>,
    #[serde(rename = "requestObject", default)]
    pub request_object: Option<IgnoredAny>,
    #[serde(rename = "responseObject", default)]
    pub response_object: Option<IgnoredAny>,
    #[serde(rename = "requestReceivedTimestamp", borrow, default)]
    pub received: Option<Cow<'a, str>>,
    #[serde(rename = "stageTimestamp", borrow, default)]
    pub stage_ts: Option<Cow<'a, str>>,
    /// v1beta1 events carry `timestamp` (second precision) instead.
    #[serde(borrow, default)]
    pub timestamp: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub annotations: Option<WireAnnotations<'a>>,
}

#[derive(Deserialize, Default, Debug)]
pub struct WireUser<'a> {
    #[serde(borrow, default)]
    pub username: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub groups: Option<Vec<Cow<'a, str>>>,
}

#[derive(Deserialize, Default, Debug)]
pub struct WireObjectRef<'a> {
    #[serde(borrow, default)]
    pub resource: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub namespace: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(rename = "apiGroup", borrow, default)]
    pub api_group: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub subresource: Option<Cow<'a, str>>,
}

#[derive(Deserialize, Default, Debug)]
pub struct WireStatus<'a> {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(borrow, default)]
    pub message: Option<Cow<'a, str>>,
}

#[derive(Deserialize, Default, Debug)]
pub struct WireAnnotations<'a> {
    #[serde(rename = "authorization.k8s.io/decision", borrow, default)]
    pub decision: Option<Cow<'a, str>>,
    #[serde(rename = "authorization.k8s.io/reason", borrow, default)]
    pub reason: Option<Cow<'a, str>>,
}

impl WireEvent<'_> {
    /// Recognised by content, not by `kind`/`apiVersion` (which some real files
    /// drop): an auditID, a verb, and a stage or a timestamp.
    pub fn is_event(&self) -> bool {
        self.audit_id.is_some()
            && self.verb.is_some()
            && (self.stage.is_some()
                || self.stage_ts.is_some()
                || self.timestamp.is_some()
                || self.received.is_some())
    }
}
