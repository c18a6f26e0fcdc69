//! Request and response bodies other than secrets: a Pod as a controller
//! creates it, and RoleBindings.

use super::cast::Workload;
use super::json::Obj;

const RBAC: &str = "rbac.authorization.k8s.io";

/// The Pod a ReplicaSet (or Job) controller sends: named by `generateName`.
pub(crate) fn pod_create(w: &Workload, owner_kind: &str, owner: &str, owner_uid: &str) -> String {
    let mut b = String::with_capacity(1024);
    let mut o = Obj::open(&mut b);
    o.str("kind", "Pod").str("apiVersion", "v1");
    {
        let mut m = Obj::open(o.key("metadata"));
        m.str("generateName", &format!("{owner}-"))
            .str("namespace", w.ns)
            .raw("creationTimestamp", "null");
        if w.hash.is_empty() {
            m.map("labels", &[("app", w.name)]);
        } else {
            m.map("labels", &[("app", w.name), ("pod-template-hash", w.hash)]);
        }
        let r = m.key("ownerReferences");
        r.push('[');
        let mut or = Obj::open(r);
        or.str(
            "apiVersion",
            if owner_kind == "Job" {
                "batch/v1"
            } else {
                "apps/v1"
            },
        );
        or.str("kind", owner_kind)
            .str("name", owner)
            .str("uid", owner_uid);
        or.raw("controller", "true")
            .raw("blockOwnerDeletion", "true");
        or.close();
        r.push(']');
        m.close();
    }
    {
        let mut s = Obj::open(o.key("spec"));
        let c = s.key("containers");
        c.push('[');
        let mut k = Obj::open(c);
        k.str("name", w.container);
        k.str(
            "image",
            &format!("registry.corp.example/{}/{}:2.14.3", w.ns, w.name),
        );
        k.raw("ports", "[{\"containerPort\":8080,\"protocol\":\"TCP\"}]");
        k.raw(
            "resources",
            "{\"requests\":{\"cpu\":\"100m\",\"memory\":\"256Mi\"}}",
        );
        k.str("terminationMessagePath", "/dev/termination-log")
            .str("terminationMessagePolicy", "File");
        k.str("imagePullPolicy", "IfNotPresent");
        k.close();
        c.push(']');
        s.str("restartPolicy", "Always")
            .num("terminationGracePeriodSeconds", 30)
            .str("dnsPolicy", "ClusterFirst");
        s.str("serviceAccountName", w.name)
            .raw("securityContext", "{}")
            .str("schedulerName", "default-scheduler");
        s.raw("enableServiceLinks", "true");
        s.close();
    }
    o.raw("status", "{}");
    o.close();
    b
}

pub(crate) struct Subject<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    /// Service accounts only.
    pub namespace: Option<&'a str>,
}

/// Server-side fields of a stored object; `None` writes what a client sends.
pub(crate) struct Stored<'a> {
    pub uid: &'a str,
    pub resource_version: u64,
    pub created: &'a str,
    pub manager: &'a str,
}

/// A RoleBinding as `kubectl create rolebinding` sends it, or as stored.
pub(crate) fn rolebinding(
    name: &str,
    ns: &str,
    subject: &Subject<'_>,
    cluster_role: &str,
    stored: Option<&Stored<'_>>,
) -> String {
    let mut b = String::with_capacity(600);
    let mut o = Obj::open(&mut b);
    o.str("kind", "RoleBinding")
        .str("apiVersion", "rbac.authorization.k8s.io/v1");
    {
        let mut m = Obj::open(o.key("metadata"));
        m.str("name", name).str("namespace", ns);
        match stored {
            None => {
                m.raw("creationTimestamp", "null");
            }
            Some(s) => {
                m.str("uid", s.uid)
                    .str("resourceVersion", &s.resource_version.to_string());
                m.str("creationTimestamp", s.created);
                let f = m.key("managedFields");
                f.push('[');
                let mut e = Obj::open(f);
                e.str("manager", s.manager)
                    .str("operation", "Update")
                    .str("apiVersion", "rbac.authorization.k8s.io/v1");
                e.str("time", s.created).str("fieldsType", "FieldsV1");
                e.raw("fieldsV1", "{\"f:roleRef\":{},\"f:subjects\":{}}");
                e.close();
                f.push(']');
            }
        }
        m.close();
    }
    {
        let l = o.key("subjects");
        l.push('[');
        let mut s = Obj::open(l);
        s.str("kind", subject.kind);
        if subject.namespace.is_none() {
            s.str("apiGroup", RBAC);
        }
        s.str("name", subject.name)
            .opt_str("namespace", subject.namespace);
        s.close();
        l.push(']');
    }
    {
        let mut r = Obj::open(o.key("roleRef"));
        r.str("apiGroup", RBAC)
            .str("kind", "ClusterRole")
            .str("name", cluster_role);
        r.close();
    }
    o.close();
    b
}
