//! One API request and how its audit lines are written: fields in the
//! order of the Go `audit.k8s.io/v1` Event struct, one compact line each.

use std::borrow::Cow;

use super::cast::Res;
use super::json::{Obj, push_escaped, push_str};
use super::time;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Stage {
    Started,
    Complete,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Started => "ResponseStarted",
            Stage::Complete => "ResponseComplete",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Level {
    Metadata,
    Request,
    RequestResponse,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Metadata => "Metadata",
            Level::Request => "Request",
            Level::RequestResponse => "RequestResponse",
        }
    }
}

pub(crate) struct ObjectRef<'a> {
    pub res: &'static Res,
    pub ns: Option<Cow<'a, str>>,
    pub name: Option<Cow<'a, str>>,
    /// uid and resourceVersion, which clients send on most updates.
    pub version: Option<(String, u64)>,
    pub sub: &'static str,
}

pub(crate) struct Req<'a> {
    pub level: Level,
    pub audit_id: String,
    pub uri: Cow<'a, str>,
    pub verb: &'static str,
    /// `user` and `impersonatedUser` are JSON already (built once per actor).
    pub user: Cow<'a, str>,
    pub impersonated: Option<Cow<'a, str>>,
    pub ip: Cow<'a, str>,
    pub agent: Cow<'a, str>,
    pub object: Option<ObjectRef<'a>>,
    pub code: u16,
    /// The whole `responseStatus` for failures; `None` writes `{"metadata":{},"code":N}`.
    pub status: Option<String>,
    pub request_object: Option<String>,
    pub response_object: Option<String>,
    pub recv: u64,
    /// Sorted by key, as Go sorts a map; empty writes no `annotations`.
    pub annotations: Vec<(&'static str, Cow<'a, str>)>,
}

impl Req<'_> {
    /// Writes one line (with its newline) for the given stage.
    pub(crate) fn render(&self, stage: Stage, at: u64, buf: &mut String) {
        buf.push_str("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"");
        buf.push_str(self.level.as_str());
        buf.push_str("\",\"auditID\":\"");
        buf.push_str(&self.audit_id);
        buf.push_str("\",\"stage\":\"");
        buf.push_str(stage.as_str());
        buf.push_str("\",\"requestURI\":\"");
        push_escaped(buf, &self.uri);
        buf.push_str("\",\"verb\":\"");
        buf.push_str(self.verb);
        buf.push_str("\",\"user\":");
        buf.push_str(&self.user);
        if let Some(imp) = &self.impersonated {
            buf.push_str(",\"impersonatedUser\":");
            buf.push_str(imp);
        }
        buf.push_str(",\"sourceIPs\":[");
        push_str(buf, &self.ip);
        buf.push_str("],\"userAgent\":");
        push_str(buf, &self.agent);
        if let Some(o) = &self.object {
            buf.push_str(",\"objectRef\":");
            push_object_ref(buf, o);
        }
        buf.push_str(",\"responseStatus\":");
        match &self.status {
            Some(s) => buf.push_str(s),
            None => {
                buf.push_str("{\"metadata\":{},\"code\":");
                push_u64(buf, u64::from(self.code));
                buf.push('}');
            }
        }
        if let Some(o) = &self.request_object {
            buf.push_str(",\"requestObject\":");
            buf.push_str(o);
        }
        // The response body is only known once the request completes.
        if let (Some(o), Stage::Complete) = (&self.response_object, stage) {
            buf.push_str(",\"responseObject\":");
            buf.push_str(o);
        }
        buf.push_str(",\"requestReceivedTimestamp\":\"");
        time::push_micro(buf, self.recv);
        buf.push_str("\",\"stageTimestamp\":\"");
        time::push_micro(buf, at);
        buf.push('"');
        if !self.annotations.is_empty() {
            let mut a = Obj::open(buf_key(buf, "annotations"));
            for (k, v) in &self.annotations {
                a.str(k, v);
            }
            a.close();
        }
        buf.push_str("}\n");
    }
}

fn buf_key<'b>(buf: &'b mut String, k: &str) -> &'b mut String {
    buf.push(',');
    push_str(buf, k);
    buf.push(':');
    buf
}

pub(crate) fn push_u64(buf: &mut String, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &b in &tmp[i..] {
        buf.push(char::from(b));
    }
}

fn push_object_ref(buf: &mut String, o: &ObjectRef<'_>) {
    let mut j = Obj::open(buf);
    j.str("resource", o.res.name);
    j.opt_str("namespace", o.ns.as_deref());
    j.opt_str("name", o.name.as_deref());
    if let Some((uid, _)) = &o.version {
        j.str("uid", uid);
    }
    if !o.res.group.is_empty() {
        j.str("apiGroup", o.res.group);
    }
    j.str("apiVersion", o.res.version);
    if let Some((_, rv)) = &o.version {
        j.str("resourceVersion", &rv.to_string());
    }
    if !o.sub.is_empty() {
        j.str("subresource", o.sub);
    }
    j.close();
}

/// `pods`, `deployments.apps`: how the apiserver names a resource in messages.
fn qualified(res: &Res) -> String {
    if res.group.is_empty() {
        res.name.to_string()
    } else {
        format!("{}.{}", res.name, res.group)
    }
}

fn push_details(o: &mut Obj<'_>, res: &Res, name: Option<&str>) {
    let mut d = Obj::open(o.key("details"));
    d.opt_str("name", name);
    if !res.group.is_empty() {
        d.str("group", res.group);
    }
    d.str("kind", res.name);
    d.close();
}

/// The Status of a request the authorizer denied.
pub(crate) fn forbidden(
    verb: &str,
    res: &Res,
    sub: &str,
    ns: Option<&str>,
    name: Option<&str>,
    user: &str,
) -> String {
    let what = if sub.is_empty() {
        res.name.to_string()
    } else {
        format!("{}/{sub}", res.name)
    };
    let scope = match ns {
        Some(ns) => format!("in the namespace \"{ns}\""),
        None => "at the cluster scope".to_string(),
    };
    let subject = match name {
        Some(n) => format!("{} \"{n}\"", qualified(res)),
        None => qualified(res),
    };
    let msg = format!(
        "{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{what}\" in API group \"{}\" {scope}",
        res.group
    );
    failure(&msg, "Forbidden", res, name, 403)
}

pub(crate) fn not_found(res: &Res, name: &str) -> String {
    let msg = format!("{} \"{name}\" not found", qualified(res));
    failure(&msg, "NotFound", res, Some(name), 404)
}

pub(crate) fn conflict(res: &Res, name: &str) -> String {
    let msg = format!(
        "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
        qualified(res)
    );
    failure(&msg, "Conflict", res, Some(name), 409)
}

fn failure(msg: &str, reason: &str, res: &Res, name: Option<&str>, code: u64) -> String {
    let mut b = String::with_capacity(256);
    let mut o = Obj::open(&mut b);
    o.raw("metadata", "{}")
        .str("status", "Failure")
        .str("message", msg)
        .str("reason", reason);
    push_details(&mut o, res, name);
    o.num("code", code);
    o.close();
    b
}

/// What failed authentication logs: no user, no decision.
pub(crate) const UNAUTHORIZED: &str =
    "{\"metadata\":{},\"message\":\"Authentication failed, attempted: bearer\",\"code\":401}";

/// Allowed-request annotations, plus any extra ones, sorted by key.
pub(crate) fn allow<'a>(
    reason: Cow<'a, str>,
    extra: Vec<(&'static str, Cow<'a, str>)>,
) -> Vec<(&'static str, Cow<'a, str>)> {
    let mut a = extra;
    a.push(("authorization.k8s.io/decision", Cow::Borrowed("allow")));
    a.push(("authorization.k8s.io/reason", reason));
    a.sort_by(|x, y| x.0.cmp(y.0));
    a
}

pub(crate) fn forbid<'a>() -> Vec<(&'static str, Cow<'a, str>)> {
    vec![
        ("authorization.k8s.io/decision", Cow::Borrowed("forbid")),
        ("authorization.k8s.io/reason", Cow::Borrowed("")),
    ]
}
