//! Facts the investigations need beyond an event's indexed fields, read from
//! the few events they concern: the parameters of an exec, attach or
//! port-forward; what a secrets request's body carried; the role and subjects
//! of an RBAC binding write. Extracted once, on the parser threads.

use super::json::{as_str, each_element, entries};
use super::uri;
use serde_json::value::RawValue;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Facet {
    Exec(ExecParams),
    Secret(SecretBody),
    Binding(Binding),
}

/// What an exec, attach, port-forward or ephemeral container asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecParams {
    /// The `command=` arguments, decoded, in order.
    pub command: Vec<String>,
    pub container: String,
    pub tty: bool,
    pub stdin: bool,
    /// Port-forward ports, where the request names them.
    pub ports: Vec<String>,
}

/// What a secrets request's logged body held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretBody {
    /// Secret values (under `data`/`stringData`) are in the log.
    pub values: bool,
    /// The secrets the body carried: a list's items, or the one secret.
    pub names: Vec<String>,
}

/// An RBAC binding as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binding {
    /// `ClusterRole` or `Role`.
    pub role_kind: String,
    pub role: String,
    pub subjects: Vec<Subject>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// `User`, `Group` or `ServiceAccount`.
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

impl Subject {
    /// The username this subject stands for (a service account's full name).
    pub fn username(&self) -> String {
        if self.kind == "ServiceAccount" {
            format!("system:serviceaccount:{}:{}", self.namespace, self.name)
        } else {
            self.name.clone()
        }
    }
}

fn truthy(v: &str) -> bool {
    matches!(v, "true" | "1" | "True" | "TRUE")
}

/// exec/attach/portforward: everything is in the query of the request URI.
pub fn exec_from_uri(request_uri: &str) -> ExecParams {
    let mut p = ExecParams::default();
    for (k, v) in uri::query_params(request_uri) {
        match k.as_str() {
            "command" => p.command.push(v),
            "container" => p.container = v,
            "tty" => p.tty = truthy(&v),
            "stdin" => p.stdin = truthy(&v),
            "ports" => p
                .ports
                .extend(v.split(',').filter(|s| !s.is_empty()).map(str::to_string)),
            _ => {}
        }
    }
    p
}

/// A top-level body of the event, found with sonic-rs's SIMD skipping (the
/// bodies can be tens of KB; the fields before them are skipped quickly).
fn body<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let v = sonic_rs::get(line, [key]).ok()?;
    let raw = v.as_raw_str();
    // The raw text is a slice of the line; re-borrow it from the line itself
    // (and should it ever be a copy, find the body the slow way).
    let (at, base) = (raw.as_ptr() as usize, line.as_ptr() as usize);
    if at >= base && at + raw.len() <= base + line.len() {
        line.get(at - base..at - base + raw.len())
    } else {
        Obj::of(line)?.get(key).map(|v| v.get())
    }
}

/// An object's entries, parsed once; keys looked up in it (the last of
/// duplicates wins, as Go's decoder has it).
struct Obj<'a>(Vec<(std::borrow::Cow<'a, str>, &'a RawValue)>);

impl<'a> Obj<'a> {
    fn of(v: &'a str) -> Option<Obj<'a>> {
        entries(v).ok().map(Obj)
    }

    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    fn obj(&self, key: &str) -> Option<Obj<'a>> {
        self.get(key).and_then(|v| Obj::of(v.get()))
    }

    fn text(&self, key: &str) -> String {
        self.get(key)
            .and_then(as_str)
            .map(|s| s.into_owned())
            .unwrap_or_default()
    }
}

/// `kubectl debug` adds an ephemeral container: its command and args are in
/// the request body (the last container of `spec.ephemeralContainers`).
pub fn ephemeral(line: &str) -> Option<ExecParams> {
    let spec = Obj::of(body(line, "requestObject")?)?.obj("spec")?;
    let mut last = None;
    each_element(spec.get("ephemeralContainers")?, |c| last = Some(c));
    let c = Obj::of(last?.get())?;
    let mut p = ExecParams {
        container: c.text("name"),
        ..ExecParams::default()
    };
    for key in ["command", "args"] {
        if let Some(list) = c.get(key) {
            each_element(list, |a| {
                p.command.extend(as_str(a).map(|s| s.into_owned()))
            });
        }
    }
    p.tty = c.get("tty").is_some_and(|v| v.get() == "true");
    p.stdin = c.get("stdin").is_some_and(|v| v.get() == "true");
    Some(p)
}

/// Walk a secrets request's bodies: which secrets they carry, and whether
/// any of them carries values.
pub fn secret_body(line: &str) -> SecretBody {
    let mut out = SecretBody::default();
    for key in ["requestObject", "responseObject"] {
        if let Some(obj) = body(line, key) {
            walk_secret(obj, 0, &mut out);
        }
    }
    out.names.sort();
    out.names.dedup();
    out
}

fn walk_secret(obj: &str, depth: usize, out: &mut SecretBody) {
    if depth > 8 || !obj.trim_start().starts_with('{') {
        return;
    }
    let Some(o) = Obj::of(obj) else { return };
    match o.text("kind").as_str() {
        "Status" => {}
        "SecretList" | "List" => {
            if let Some(items) = o.get("items") {
                each_element(items, |it| walk_secret(it.get(), depth + 1, out));
            }
        }
        "Table" => {
            if let Some(rows) = o.get("rows") {
                each_element(rows, |row| {
                    if let Some(x) = Obj::of(row.get()).and_then(|r| r.get("object")) {
                        walk_secret(x.get(), depth + 1, out);
                    }
                });
            }
        }
        _ => {
            let name = o
                .obj("metadata")
                .map(|m| m.text("name"))
                .unwrap_or_default();
            if !name.is_empty() {
                out.names.push(name);
            }
            for key in ["data", "stringData"] {
                if let Some(d) = o.get(key) {
                    // A map with anything in it: values are in the log.
                    let d = d.get().trim();
                    out.values |=
                        d.starts_with('{') && d.trim_start_matches('{').trim_start() != "}";
                }
            }
        }
    }
}

/// A RoleBinding or ClusterRoleBinding write: the full object from the
/// response when logged, else the request.
pub fn binding(line: &str) -> Option<Binding> {
    let obj = ["responseObject", "requestObject"].iter().find_map(|k| {
        body(line, k)
            .and_then(Obj::of)
            .filter(|o| o.get("roleRef").is_some())
    })?;
    let role = obj.obj("roleRef")?;
    let mut b = Binding {
        role_kind: role.text("kind"),
        role: role.text("name"),
        subjects: Vec::new(),
    };
    if let Some(subjects) = obj.get("subjects") {
        each_element(subjects, |s| {
            if let Some(s) = Obj::of(s.get()) {
                b.subjects.push(Subject {
                    kind: s.text("kind"),
                    name: s.text("name"),
                    namespace: s.text("namespace"),
                });
            }
        });
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_parameters_from_the_uri() {
        let p = exec_from_uri(
            "/api/v1/namespaces/p/pods/x/exec?command=sh&command=-c&command=cat+%2Fvar%2Frun%2Fsecrets%2Ftoken+%7C+base64&container=api&stdin=true&stdout=true&tty=true",
        );
        assert_eq!(
            p.command,
            ["sh", "-c", "cat /var/run/secrets/token | base64"]
        );
        assert_eq!(p.container, "api");
        assert!(p.tty && p.stdin);
        let pf =
            exec_from_uri("/api/v1/namespaces/p/pods/db-0/portforward?ports=5432&ports=8080,9090");
        assert_eq!(pf.ports, ["5432", "8080", "9090"]);
        assert!(pf.command.is_empty() && !pf.tty);
    }

    #[test]
    fn ephemeral_container_command() {
        let line = r#"{"requestObject":{"kind":"Pod","spec":{"ephemeralContainers":[{"name":"old","command":["x"]},{"name":"debugger-abc","image":"busybox","command":["sh"],"args":["-c","id"],"stdin":true,"tty":true}]}}}"#;
        let p = ephemeral(line).expect("found");
        assert_eq!(
            (p.container.as_str(), p.command.clone(), p.tty),
            (
                "debugger-abc",
                vec!["sh".to_string(), "-c".into(), "id".into()],
                true
            )
        );
    }

    #[test]
    fn secret_bodies() {
        let list = r#"{"responseObject":{"kind":"SecretList","items":[{"metadata":{"name":"b"},"data":{"k":"dg=="}},{"metadata":{"name":"a"},"data":{}}]}}"#;
        assert_eq!(
            secret_body(list),
            SecretBody {
                values: true,
                names: vec!["a".into(), "b".into()]
            }
        );
        let denied = r#"{"responseObject":{"kind":"Status","code":403}}"#;
        assert_eq!(secret_body(denied), SecretBody::default());
        let meta_only = r#"{"objectRef":{"resource":"secrets"}}"#;
        assert_eq!(secret_body(meta_only), SecretBody::default());
    }

    #[test]
    fn bindings() {
        let line = r#"{"requestObject":{"kind":"RoleBinding","roleRef":{"kind":"ClusterRole","name":"edit"},"subjects":[{"kind":"User","name":"jordan"},{"kind":"ServiceAccount","name":"ci","namespace":"tools"}]},"responseObject":{"kind":"Status"}}"#;
        let b = binding(line).expect("binding");
        assert_eq!(
            (b.role_kind.as_str(), b.role.as_str()),
            ("ClusterRole", "edit")
        );
        assert_eq!(
            b.subjects.iter().map(Subject::username).collect::<Vec<_>>(),
            ["jordan", "system:serviceaccount:tools:ci"]
        );
    }
}
