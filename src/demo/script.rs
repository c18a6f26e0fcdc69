//! A small language for the scripted requests of the story: one line per
//! request, `verb resource[/sub] target [?query]`, where the target is
//! `ns/name`, `ns/` (a collection), `/name` (cluster-scoped), `-` (none), or
//! the resource is a path (`get /api?timeout=32s`).

use std::borrow::Cow;

use super::cast::{self, NONRES, Res, Role, Team};
use super::event::{self, Level, ObjectRef, Req, Stage};
use super::facts as f;
use super::policy;
use super::rng::{Rng, key_seed};
use super::world::human_user_json;

/// A request of the script, with the times of its lines.
pub(crate) struct Scripted {
    pub req: Req<'static>,
    pub first_stage: Stage,
    pub first: u64,
    pub second: Option<u64>,
}

/// Who sends a scripted request, and from where.
pub(crate) struct Who {
    name: &'static str,
    json: String,
    ip: &'static str,
    agent: &'static str,
    role: Option<Role>,
}

impl Who {
    /// One of the people in `cast::PEOPLE`.
    pub(crate) fn person(user: &'static str, agent: &'static str) -> Who {
        let p = cast::person(user);
        let role = p.map(|p| p.role);
        let groups = role.map(cast::groups).unwrap_or_default();
        let ip = p.map_or("", |p| p.ip);
        Who {
            name: user,
            json: human_user_json(user, &groups),
            ip,
            agent,
            role,
        }
    }

    pub(crate) fn jordan(ip: &'static str, agent: &'static str) -> Who {
        let json = human_user_json(f::SUSPECT, f::SUSPECT_GROUPS);
        Who {
            name: f::SUSPECT,
            json,
            ip,
            agent,
            role: None,
        }
    }

    /// No credentials that work: `"user":{}`.
    pub(crate) fn nobody(ip: &'static str, agent: &'static str) -> Who {
        Who {
            name: "",
            json: "{}".into(),
            ip,
            agent,
            role: None,
        }
    }

    /// Why this person may act in `ns` (Jordan: the checkout team binding).
    pub(crate) fn reason(&self, ns: &str) -> String {
        cast::human_reason(self.role.unwrap_or(Role::Dev(Team::Checkout)), ns)
    }
}

pub(crate) enum Answer {
    Allow(String),
    Forbid,
    Unauthenticated,
}

struct Spec<'a> {
    verb: &'static str,
    res: &'static Res,
    sub: &'static str,
    ns: Option<&'a str>,
    name: Option<&'a str>,
    uri: String,
}

/// The subresources the script uses, as `'static` names.
fn subresource(s: &str) -> &'static str {
    match s {
        "exec" => "exec",
        "log" => "log",
        "portforward" => "portforward",
        "token" => "token",
        _ => "",
    }
}

fn verb(s: &str) -> &'static str {
    [
        "get", "list", "watch", "create", "update", "patch", "delete",
    ]
    .into_iter()
    .find(|v| *v == s)
    .unwrap_or("get")
}

fn parse(spec: &str) -> Spec<'_> {
    let mut it = spec.split(' ');
    let verb = verb(it.next().unwrap_or(""));
    let what = it.next().unwrap_or("");
    if what.starts_with('/') {
        return Spec {
            verb,
            res: &NONRES,
            sub: "",
            ns: None,
            name: None,
            uri: what.to_string(),
        };
    }
    let (rname, sub) = what.split_once('/').unwrap_or((what, ""));
    let res = cast::resource(rname).unwrap_or(&NONRES);
    let target = it.next().unwrap_or("-");
    let query = it.next().unwrap_or("");
    let (ns, name) = match target.split_once('/') {
        Some(("", n)) => (None, Some(n)),
        Some((ns, "")) => (Some(ns), None),
        Some((ns, n)) => (Some(ns), Some(n)),
        None => (None, None),
    };
    let mut uri = if res.group.is_empty() {
        "/api/v1".to_string()
    } else {
        format!("/apis/{}/{}", res.group, res.version)
    };
    if let Some(ns) = ns {
        uri.push_str("/namespaces/");
        uri.push_str(ns);
    }
    uri.push('/');
    uri.push_str(res.name);
    // A create posts to the collection; the name is in the body.
    if let (Some(n), false) = (name, verb == "create" && sub.is_empty()) {
        uri.push('/');
        uri.push_str(n);
    }
    if !sub.is_empty() {
        uri.push('/');
        uri.push_str(sub);
    }
    uri.push_str(query);
    Spec {
        verb,
        res,
        sub: subresource(sub),
        ns,
        name,
        uri,
    }
}

pub(crate) struct Script {
    rng: Rng,
    pub seed: u64,
    out: Vec<Scripted>,
}

impl Script {
    pub(crate) fn new(seed: u64) -> Script {
        Script {
            rng: Rng::new(key_seed(seed, &["story"])),
            seed,
            out: Vec::new(),
        }
    }

    pub(crate) fn finish(mut self) -> Vec<Scripted> {
        self.out.sort_by_key(|x| x.req.recv);
        self.out
    }

    /// Adds one request received within second `t`; returns it for bodies.
    pub(crate) fn add(&mut self, who: &Who, t: u64, spec: &str, answer: Answer) -> &mut Scripted {
        let recv = t + self.rng.below(900_000);
        let sp = parse(spec);
        let long = matches!(sp.sub, "exec" | "portforward");
        let (code, status, annotations) = match &answer {
            Answer::Allow(reason) => {
                let code = if long {
                    101
                } else if sp.verb == "create" {
                    201
                } else {
                    200
                };
                (
                    code,
                    None,
                    event::allow(Cow::Owned(reason.clone()), Vec::new()),
                )
            }
            Answer::Forbid => {
                let st = event::forbidden(sp.verb, sp.res, sp.sub, sp.ns, sp.name, who.name);
                (403, Some(st), event::forbid())
            }
            Answer::Unauthenticated => (401, Some(event::UNAUTHORIZED.to_string()), Vec::new()),
        };
        // A denied create never decodes its body, so its objectRef has no name.
        let denied = !matches!(answer, Answer::Allow(_));
        let name = if denied && sp.verb == "create" && sp.sub.is_empty() {
            None
        } else {
            sp.name
        };
        let object = (!sp.res.name.is_empty()).then(|| ObjectRef {
            res: sp.res,
            ns: sp.ns.map(|s| Cow::Owned(s.to_string())),
            name: name.map(|s| Cow::Owned(s.to_string())),
            version: None,
            sub: sp.sub,
        });
        let level = match sp.res.name {
            "" => Level::Metadata,
            _ => policy::level(sp.res, sp.verb, sp.sub, recv),
        };
        // At RequestResponse, a denial logs the Status it answered with.
        let response_object = match (&status, level, code) {
            (Some(s), Level::RequestResponse, 403) => Some(format!(
                "{{\"kind\":\"Status\",\"apiVersion\":\"v1\",{}",
                &s[1..]
            )),
            _ => None,
        };
        let lat = 400
            + self
                .rng
                .below(if sp.verb == "list" { 30_000 } else { 6_000 });
        let req = Req {
            level,
            audit_id: self.rng.uuid(),
            uri: Cow::Owned(sp.uri),
            verb: sp.verb,
            user: Cow::Owned(who.json.clone()),
            impersonated: None,
            ip: Cow::Borrowed(who.ip),
            agent: Cow::Borrowed(who.agent),
            object,
            code,
            status,
            request_object: None,
            response_object,
            recv,
            annotations,
        };
        let (first_stage, second) = match answer {
            Answer::Unauthenticated => (Stage::Started, None),
            // Long-running requests log when the response starts, even denied.
            _ if long => (Stage::Started, Some(recv + lat + 150 + self.rng.below(400))),
            _ => (Stage::Complete, None),
        };
        self.out.push(Scripted {
            req,
            first_stage,
            first: recv + lat,
            second,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let s = parse("get pods/log checkout/web-1 ?container=web");
        assert_eq!(
            s.uri,
            "/api/v1/namespaces/checkout/pods/web-1/log?container=web"
        );
        assert_eq!(
            (s.sub, s.ns, s.name),
            ("log", Some("checkout"), Some("web-1"))
        );
        let s = parse("create rolebindings payments-prod/x ?fieldManager=kubectl-create");
        assert_eq!(
            s.uri,
            "/apis/rbac.authorization.k8s.io/v1/namespaces/payments-prod/rolebindings?fieldManager=kubectl-create"
        );
        assert_eq!(
            parse("list secrets - ?limit=500").uri,
            "/api/v1/secrets?limit=500"
        );
        assert_eq!(parse("get /api?timeout=32s").uri, "/api?timeout=32s");
        assert_eq!(
            parse("create clusterrolebindings /x").uri,
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
        );
    }
}
