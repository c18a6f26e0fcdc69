//! Background look-alikes at fixed times, so an investigator has something
//! to rule out: another RBAC write, denials, execs, impersonation and a
//! secret read that are all part of a normal day.

use std::borrow::Cow;

use super::cast::{KUBECTL_LINUX, KUBECTL_MAC, rbac_reason};
use super::facts as f;
use super::objects::Subject;
use super::script::{Answer, Script, Who};
use super::time::at;
use super::world::impersonated_json;

pub(crate) fn add(s: &mut Script) {
    // An admin onboards catalog to CI (the CI deploys there afterwards).
    let tom = Who::person(f::BENIGN_RBAC_ADMIN, KUBECTL_LINUX);
    let ci = Subject {
        kind: "ServiceAccount",
        name: "deployer",
        namespace: Some("ci"),
    };
    let (ns, name) = (f::BENIGN_RBAC_NAMESPACE, f::BENIGN_RBAC_BINDING);
    super::story::binding(s, &tom, at(8, 21, 37), ns, name, &ci, "edit");

    // Developers looking into another team's namespace.
    let yuki = Who::person("yuki.sato@corp.example", KUBECTL_MAC);
    let ana = Who::person("ana.souza@corp.example", KUBECTL_MAC);
    let pierre = Who::person("pierre.laurent@corp.example", KUBECTL_LINUX);
    s.add(
        &yuki,
        at(8, 34, 10),
        "list pods checkout/ ?limit=500",
        Answer::Forbid,
    );
    s.add(
        &yuki,
        at(8, 34, 12),
        "get deployments checkout/checkout-api",
        Answer::Forbid,
    );
    s.add(
        &ana,
        at(10, 52, 48),
        "list pods search/ ?limit=500",
        Answer::Forbid,
    );
    s.add(
        &pierre,
        at(11, 37, 5),
        "list deployments payments-staging/ ?limit=500",
        Answer::Forbid,
    );

    // An SRE looks up the Grafana admin password (before secrets are logged in full).
    let sofia = Who::person(f::BENIGN_SECRET_READER, KUBECTL_MAC);
    let (ns, secret) = (f::BENIGN_SECRET_NAMESPACE, f::BENIGN_SECRET);
    s.add(
        &sofia,
        at(8, 41, 2),
        &format!("get secrets {ns}/{secret}"),
        Answer::Allow(sofia.reason(ns)),
    );

    // SREs run harmless commands without a terminal; kubectl 1.30+ execs
    // over WebSocket, so the verb is get.
    let lukas = Who::person("lukas.novak@corp.example", KUBECTL_LINUX);
    let aisha = Who::person("aisha.bello@corp.example", KUBECTL_MAC);
    let execs = [
        (
            &lukas,
            at(8, 44, 20),
            "payments-staging/payments-api-6b8d9c7f5-q7w2x",
            "?command=ls&command=-la&command=%2Fapp&container=api",
            1_200_000,
        ),
        (
            &aisha,
            at(10, 12, 33),
            "payments-staging/payments-worker-84c5d7f9b-t5m8n",
            "?command=cat&command=%2Fetc%2Fhostname&container=worker",
            800_000,
        ),
        (
            &lukas,
            at(11, 25, 50),
            "sandbox/debug-tools-6d9c8f7b5-w2f4r",
            "?command=env&container=tools",
            500_000,
        ),
    ];
    for (who, t, pod, q, took) in execs {
        let ns = pod.split('/').next().unwrap_or("");
        let spec = format!("get pods/exec {pod} {q}&stderr=true&stdout=true");
        let e = s.add(who, t, &spec, Answer::Allow(who.reason(ns)));
        e.second = Some(e.first + took);
    }

    // An SRE checks what Argo CD's service account can read.
    let priya = Who::person(f::IMPERSONATOR, KUBECTL_MAC);
    let argo = rbac_reason(
        "ClusterRoleBinding",
        "argocd-application-controller",
        "ClusterRole",
        "argocd-application-controller",
        "ServiceAccount",
        "argocd-application-controller/argocd",
    );
    let imp = impersonated_json("argocd", f::IMPERSONATED);
    let reads = [
        (at(11, 2, 10), "get deployments checkout/checkout-api"),
        (at(11, 2, 31), "list deployments checkout/ ?limit=500"),
        (at(11, 3, 5), "get applications argocd/checkout"),
        (at(11, 3, 40), "get configmaps checkout/checkout-api-config"),
    ];
    for (t, spec) in reads {
        let e = s.add(&priya, t, spec, Answer::Allow(argo.clone()));
        e.req.impersonated = Some(Cow::Owned(imp.clone()));
    }
}
