//! The fields of an `audit.k8s.io` Event the index needs, borrowed from the line.
//!
//! Strings borrow from the line unless they hold escapes (RBAC reasons carry
//! `\"`), and only those are decoded into owned strings. requestURI is not
//! read here: the index does not keep it, and Go escapes its `&` as `\u0026`. (`#[serde(borrow)]` does not reach through
//! `Option<Cow<str>>`, which would allocate every string; hence `Str`.)
//! Nothing is assumed present. `requestObject`/`responseObject` are skipped, only
//! their presence is kept.

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use smallvec::SmallVec;
use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// A string borrowed from the input when it has no escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str<'a>(pub Cow<'a, str>);

impl Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// A short list of strings (groups, source IPs) without a heap allocation.
#[derive(Debug, Default)]
pub struct StrList<'a>(pub SmallVec<[Str<'a>; 4]>);

impl<'de: 'a, 'a> Deserialize<'de> for StrList<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = StrList<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                let mut out = SmallVec::new();
                while let Some(v) = s.next_element::<Str<'a>>()? {
                    out.push(v);
                }
                Ok(StrList(out))
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize, Default, Debug)]
pub struct WireEvent<'a> {
    #[serde(rename = "auditID", borrow, default)]
    pub audit_id: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub stage: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub level: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub verb: Option<Str<'a>>,

    #[serde(borrow, default)]
    pub user: Option<WireUser<'a>>,
    #[serde(rename = "impersonatedUser", borrow, default)]
    pub impersonated: Option<WireUser<'a>>,
    #[serde(rename = "sourceIPs", borrow, default)]
    pub source_ips: Option<StrList<'a>>,
    #[serde(rename = "userAgent", borrow, default)]
    pub user_agent: Option<Str<'a>>,
    #[serde(rename = "objectRef", borrow, default)]
    pub object_ref: Option<WireObjectRef<'a>>,
    #[serde(rename = "responseStatus", borrow, default)]
    pub response_status: Option<WireStatus<'a>>,
    #[serde(rename = "requestObject", default)]
    pub request_object: Option<IgnoredAny>,
    #[serde(rename = "responseObject", default)]
    pub response_object: Option<IgnoredAny>,
    #[serde(rename = "requestReceivedTimestamp", borrow, default)]
    pub received: Option<Str<'a>>,
    #[serde(rename = "stageTimestamp", borrow, default)]
    pub stage_ts: Option<Str<'a>>,
    /// v1beta1 events carry `timestamp` (second precision) instead.
    #[serde(borrow, default)]
    pub timestamp: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub annotations: Option<WireAnnotations<'a>>,
}

#[derive(Deserialize, Default, Debug)]
pub struct WireUser<'a> {
    #[serde(borrow, default)]
    pub username: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub groups: Option<StrList<'a>>,
}

#[derive(Deserialize, Default, Debug)]
pub struct WireObjectRef<'a> {
    #[serde(borrow, default)]
    pub resource: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub namespace: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub name: Option<Str<'a>>,
    #[serde(rename = "apiGroup", borrow, default)]
    pub api_group: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub subresource: Option<Str<'a>>,
}

#[derive(Deserialize, Default, Debug)]
pub struct WireStatus<'a> {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(borrow, default)]
    pub message: Option<Str<'a>>,
}

#[derive(Deserialize, Default, Debug)]
pub struct WireAnnotations<'a> {
    #[serde(rename = "authorization.k8s.io/decision", borrow, default)]
    pub decision: Option<Str<'a>>,
    #[serde(rename = "authorization.k8s.io/reason", borrow, default)]
    pub reason: Option<Str<'a>>,
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
