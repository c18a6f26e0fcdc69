//! From a background plan to a full request: the URI and objectRef, the
//! answer, the level and bodies, the annotations. Everything is drawn from
//! the plan's seeds, so both lines of a long-running request come out alike.

use std::borrow::Cow;

use super::acts::{self, Act, What};
use super::cast::{self, Res};
use super::event::{self, Level, ObjectRef, Req};
use super::objects;
use super::policy;
use super::rng::Rng;
use super::secrets;
use super::sources::Plan;
use super::target::{self, Target, resource_version, uid};
use super::world::{Actor, Kind, World};

/// Request body, response body, extra annotations.
type Bodies<'w> = (
    Option<String>,
    Option<String>,
    Vec<(&'static str, Cow<'w, str>)>,
);

/// Everything one request is built from.
struct Ctx<'w> {
    world: &'w World,
    actor: &'w Actor,
    steps: &'static [Act],
    act: &'static Act,
    t: Target,
    /// The step seed: distinct per request of a command.
    ss: u64,
    recv: u64,
    human: bool,
    /// k9s or Lens: informer-style lists and watches.
    browse: bool,
}

pub(crate) fn request<'w>(world: &'w World, a: usize, plan: &Plan) -> Req<'w> {
    let actor = &world.actors[a];
    let steps = actor.tables[usize::from(plan.table)][usize::from(plan.cmd)].1;
    let act = &steps[usize::from(plan.step)];
    let t = target::choose(&mut Rng::new(plan.seed), actor, steps, plan.recv);
    let ss = acts::step_seed(plan.seed, usize::from(plan.step));
    let human = matches!(actor.kind, Kind::Human(_));
    let cx = Ctx {
        world,
        actor,
        steps,
        act,
        t,
        ss,
        recv: plan.recv,
        human,
        browse: plan.table == 1,
    };
    let mut r = Rng::new(ss);
    let audit_id = r.uuid();
    let (uri, object) = cx.uri_and_object(plan.seed);
    let name = object.as_ref().and_then(|o| o.name.as_deref());
    let (code, status) = cx.answer(name, &mut r);
    let level = match act.what {
        What::Path(_) => Level::Metadata,
        _ => policy::level(act.res, act.verb, act.sub, cx.recv),
    };
    let (request_object, response_object, extra) = cx.bodies(code, level, &mut r);
    let agent = actor
        .agents
        .get(usize::from(plan.agent))
        .map_or("", String::as_str);
    Req {
        level,
        audit_id,
        uri: Cow::Owned(uri),
        verb: act.verb,
        user: Cow::Borrowed(&actor.user_json),
        impersonated: None,
        ip: Cow::Borrowed(&actor.ip),
        agent: Cow::Borrowed(agent),
        object,
        code,
        status,
        request_object,
        response_object,
        recv: cx.recv,
        annotations: event::allow(cx.reason(), extra),
    }
}

fn base(res: &Res, ns: Option<&str>) -> String {
    let mut u = if res.group.is_empty() {
        "/api/v1".to_string()
    } else {
        format!("/apis/{}/{}", res.group, res.version)
    };
    if let Some(ns) = ns {
        u.push_str("/namespaces/");
        u.push_str(ns);
    }
    u.push('/');
    u.push_str(res.name);
    u
}

impl<'w> Ctx<'w> {
    fn uri_and_object(&self, cmd_seed: u64) -> (String, Option<ObjectRef<'w>>) {
        let (act, res, t) = (self.act, self.act.res, &self.t);
        if let What::Path(p) = act.what {
            // kubectl asks for discovery with a timeout; in-cluster callers do not.
            let kubectl = self.human || matches!(self.actor.kind, Kind::Ci);
            let uri = if kubectl && p.starts_with("/api") {
                format!("{p}?timeout=32s")
            } else {
                p.to_string()
            };
            return (uri, None);
        }
        let all = matches!(act.what, What::AllNs)
            || (matches!(act.what, What::FieldSel) && res.name == "pods");
        let mut ns = (res.namespaced && !all).then_some(t.ns);
        let mut name = None;
        match act.what {
            What::Named(n, o) => {
                ns = res.namespaced.then_some(n);
                name = Some(o.to_string());
            }
            What::OwnNode if res.name == "leases" => {
                ns = Some("kube-node-lease");
                name = Some(t.node.to_string());
            }
            What::One | What::Follow | What::OwnNode => {
                name = target::object_name(res, t, cmd_seed, self.recv)
            }
            _ => {}
        }
        // A create posts to the collection; only a named body (events) names the object.
        let collection_create = act.verb == "create" && act.sub.is_empty();
        if collection_create && res.name != "events" {
            name = None;
        }
        let mut uri = base(res, ns);
        if let (Some(n), false) = (&name, collection_create) {
            uri.push('/');
            uri.push_str(n);
        }
        if !act.sub.is_empty() {
            uri.push('/');
            uri.push_str(act.sub);
        }
        uri.push_str(&self.query());
        // Clients send uid and resourceVersion with the object on updates.
        let version = match (act.verb, &name) {
            ("update", Some(n)) => Some((
                uid(self.world.seed, res.name, ns.unwrap_or(""), n),
                resource_version(self.recv) - 1 - self.ss % 300,
            )),
            _ => None,
        };
        let object = ObjectRef {
            res,
            ns: ns.map(Cow::Borrowed),
            name: name.map(Cow::Owned),
            version,
            sub: act.sub,
        };
        (uri, Some(object))
    }

    /// The query string, as each kind of client writes it.
    fn query(&self) -> String {
        let (act, t) = (self.act, &self.t);
        let container = t.wl.map_or("app", |w| w.container);
        let fieldsel = match (act.what, act.res.name) {
            (What::FieldSel, "pods") => Some(format!("spec.nodeName%3D{}", t.node)),
            (What::FieldSel, "secrets") => t.secret.map(|s| format!("metadata.name%3D{}", s.name)),
            (What::FieldSel, _) => Some("metadata.name%3Dkube-root-ca.crt".to_string()),
            _ => None,
        };
        let informer = !self.human || self.browse;
        match (act.verb, act.what) {
            ("watch", _) => {
                let secs = acts::watch_seconds(self.ss);
                let fs = fieldsel.map_or(String::new(), |f| format!("&fieldSelector={f}"));
                format!(
                    "?allowWatchBookmarks=true{fs}&resourceVersion={}&timeout={}m{}s&timeoutSeconds={secs}&watch=true",
                    resource_version(self.recv) - self.ss % 5_000,
                    secs / 60,
                    secs % 60
                )
            }
            ("list", What::Describe) => {
                let (kind, obj) = if self.steps[0].res.name == "pods" {
                    ("pods", t.pod)
                } else {
                    ("deployments", t.wl.map_or("", |w| w.name))
                };
                format!(
                    "?fieldSelector=involvedObject.name%3D{obj}%2CinvolvedObject.namespace%3D{}%2CinvolvedObject.uid%3D{}",
                    t.ns,
                    uid(self.world.seed, kind, t.ns, obj)
                )
            }
            ("list", _) => match fieldsel {
                Some(f) => format!("?fieldSelector={f}&limit=500&resourceVersion=0"),
                None if informer => "?limit=500&resourceVersion=0".to_string(),
                None => "?limit=500".to_string(),
            },
            ("get", What::Follow) => format!("?container={container}&follow=true"),
            ("get", _) if act.sub == "log" && self.browse => {
                format!("?container={container}&tailLines=100")
            }
            ("get", _) if act.sub == "log" => format!("?container={container}"),
            ("get", What::OwnNode) => "?resourceVersion=0&timeout=10s".to_string(),
            ("update", _) if act.res.name == "leases" => "?timeout=10s".to_string(),
            ("patch", What::OwnNode) => "?timeout=10s".to_string(),
            ("patch", _) if matches!(self.actor.kind, Kind::Ci) => {
                "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict".to_string()
            }
            ("patch", _) if self.human => "?fieldManager=kubectl-rollout".to_string(),
            _ => String::new(),
        }
    }

    /// Mostly success, with the odd stale read or write conflict.
    fn answer(&self, name: Option<&str>, r: &mut Rng) -> (u16, Option<String>) {
        let act = self.act;
        if act.sub == "binding" {
            return (
                201,
                Some("{\"metadata\":{},\"status\":\"Success\",\"code\":201}".to_string()),
            );
        }
        let ok = if act.verb == "create" { 201 } else { 200 };
        let Some(n) = name else { return (ok, None) };
        let gc = self.actor.name.ends_with("garbage-collector");
        if act.verb == "get"
            && act.sub.is_empty()
            && act.res.name == "pods"
            && r.chance(if gc { 20 } else { 5 })
        {
            return (404, Some(event::not_found(act.res, n)));
        }
        if act.verb == "update"
            && matches!(act.res.name, "endpointslices" | "endpoints" | "deployments")
            && r.chance(15)
        {
            return (409, Some(event::conflict(act.res, n)));
        }
        (ok, None)
    }

    /// Request and response bodies the level calls for, and extra annotations.
    fn bodies(&self, code: u16, level: Level, r: &mut Rng) -> Bodies<'w> {
        let (act, t, seed, rv) = (
            self.act,
            &self.t,
            self.world.seed,
            resource_version(self.recv),
        );
        let (mut request, mut response) = (None, None);
        if code < 300 && level == Level::RequestResponse && act.res.name == "secrets" {
            match (act.verb, act.what) {
                ("get", _) => response = t.secret.map(|s| secrets::secret_json(s, seed)),
                ("list", What::FieldSel) => {
                    response = t
                        .secret
                        .map(|s| secrets::list_json(std::iter::once(s), seed, rv))
                }
                ("list", _) => response = Some(secrets::list_json(secrets::in_ns(t.ns), seed, rv)),
                ("update", _) => {
                    request = t.secret.map(|s| secrets::secret_json(s, seed));
                    response = request.clone();
                }
                _ => {}
            }
        }
        let mut extra = Vec::new();
        if level == Level::Request {
            if let Some(w) = t.wl {
                let (kind, owner) = if self.actor.name.ends_with("job-controller") {
                    ("Job", target::job_name(w.name, self.recv))
                } else {
                    ("ReplicaSet", format!("{}-{}", w.name, w.hash))
                };
                request = Some(objects::pod_create(
                    w,
                    kind,
                    &owner,
                    &uid(seed, "owner", w.ns, &owner),
                ));
            }
            let pss = match t.ns {
                "kube-system" | "monitoring" | "ingress-nginx" => "privileged:latest",
                ns if cast::APP_NS.contains(&ns) => "restricted:latest",
                _ => "baseline:latest",
            };
            extra.push((
                "pod-security.kubernetes.io/enforce-policy",
                Cow::Borrowed(pss),
            ));
        }
        if act.sub == "token" && act.verb == "create" {
            let jti = format!("JTI={}", r.uuid());
            extra.push((
                "authentication.kubernetes.io/issued-credential-id",
                Cow::Owned(jti),
            ));
        }
        (request, response, extra)
    }

    fn reason(&self) -> Cow<'w, str> {
        match (self.act.what, self.actor.kind) {
            // Discovery is allowed to every authenticated caller by one binding.
            (What::Path("/api" | "/apis" | "/openapi/v2"), k) if k != Kind::Anonymous => {
                Cow::Owned(cast::discovery_reason())
            }
            (_, Kind::Human(role)) => Cow::Owned(cast::human_reason(role, self.t.ns)),
            (_, Kind::Ci) => {
                let binding = format!("ci-deployer/{}", self.t.ns);
                Cow::Owned(cast::rbac_reason(
                    "RoleBinding",
                    &binding,
                    "ClusterRole",
                    "edit",
                    "ServiceAccount",
                    "deployer/ci",
                ))
            }
            _ => Cow::Borrowed(self.actor.reason.as_str()),
        }
    }
}
