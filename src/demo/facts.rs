//! The demo incident's fixed facts: every name, time, address and count the
//! story uses. Tests and `docs/demo.md` quote these; the generator reads them,
//! so the three can never disagree.
//!
//! Times are RFC 3339 UTC, to the second: each event happens within that second.

/// The cluster the log comes from.
pub const CLUSTER: &str = "prod-eu-1";
/// The first event is written at or just after this time.
pub const WINDOW_START: &str = "2026-11-21T06:00:00Z";
/// Every event is written before this time.
pub const WINDOW_END: &str = "2026-11-21T12:30:00Z";
/// From this time on the audit policy logs secrets at `RequestResponse`
/// (`Metadata` before), so responses carry secret values.
pub const POLICY_CHANGE: &str = "2026-11-21T09:30:00Z";

/// The twelve worker nodes (kubelets are `system:node:<name>`).
pub const NODES: &[&str] = &[
    "ip-10-20-33-141.eu-west-1.compute.internal",
    "ip-10-20-35-12.eu-west-1.compute.internal",
    "ip-10-20-40-87.eu-west-1.compute.internal",
    "ip-10-20-44-203.eu-west-1.compute.internal",
    "ip-10-20-65-19.eu-west-1.compute.internal",
    "ip-10-20-70-154.eu-west-1.compute.internal",
    "ip-10-20-72-66.eu-west-1.compute.internal",
    "ip-10-20-78-230.eu-west-1.compute.internal",
    "ip-10-20-97-8.eu-west-1.compute.internal",
    "ip-10-20-101-177.eu-west-1.compute.internal",
    "ip-10-20-104-92.eu-west-1.compute.internal",
    "ip-10-20-110-45.eu-west-1.compute.internal",
];

/// Namespaces that appear in the log.
pub const NAMESPACES: &[&str] = &[
    "payments-prod",
    "payments-staging",
    "checkout",
    "search",
    "catalog",
    "monitoring",
    "argocd",
    "cert-manager",
    "ingress-nginx",
    "kube-system",
    "kube-node-lease",
    "default",
    "sandbox",
];

/// Load balancer addresses whose anonymous health checks are normal.
pub const LB_IPS: &[&str] = &["10.20.0.37", "10.20.16.102", "10.20.32.211"];
/// Corporate VPN addresses start with this.
pub const VPN_PREFIX: &str = "10.8.";
/// The CI identity that applies deployments all day.
pub const CI_USER: &str = "system:serviceaccount:ci:deployer";
/// How many distinct people (`first.last@corp.example`) use the cluster, the suspect included.
pub const HUMANS: usize = 35;

// --- 1. The suspect account, working normally in the morning -------------

pub const SUSPECT: &str = "jordan.lee@corp.example";
pub const SUSPECT_GROUPS: &[&str] = &[
    "oidc:k8s-developers",
    "oidc:team-checkout",
    "system:authenticated",
];
pub const SUSPECT_HOME_IP: &str = "10.8.14.27";
pub const SUSPECT_HOME_AGENT: &str = "kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46";
pub const SUSPECT_HOME_NAMESPACE: &str = "checkout";
/// Jordan's own morning work in `checkout`, from the VPN.
pub const SUSPECT_MORNING_FROM: &str = "2026-11-21T08:52:11Z";
pub const SUSPECT_MORNING_TO: &str = "2026-11-21T09:07:25Z";
/// Jordan's own laptop is seen again while the other address is active.
pub const SUSPECT_HOME_AGAIN_AT: &str = "2026-11-21T10:15:02Z";

// --- 2. Reconnaissance from a new address ---------------------------------

pub const ATTACKER_IP: &str = "198.51.100.23";
pub const ATTACKER_AGENT: &str = "kubectl/v1.29.0 (linux/amd64) kubernetes/3f7a50f";
/// `create selfsubjectrulesreviews` (`kubectl auth can-i --list`), answered 201.
pub const RECON_AT: &str = "2026-11-21T09:12:04Z";
pub const FORBIDDEN_FROM: &str = "2026-11-21T09:12:10Z";
pub const FORBIDDEN_TO: &str = "2026-11-21T09:14:40Z";
/// Requests answered 403 in the burst.
pub const FORBIDDEN_REQUESTS: usize = 24;
/// Lines answered 403 in the burst: the denied exec and port-forward are
/// long-running requests, so each writes `ResponseStarted` and `ResponseComplete`.
pub const FORBIDDEN_EVENTS: usize = 26;
/// Distinct (verb, resource[/subresource]) pairs among the 24.
pub const FORBIDDEN_DISTINCT_ACTIONS: usize = 20;
/// `list secrets` across all namespaces, denied.
pub const CROSS_NS_SECRETS_AT: &str = "2026-11-21T09:13:02Z";
pub const CROSS_NS_SECRETS_URI: &str = "/api/v1/secrets?limit=500";

// --- 3. The grant ---------------------------------------------------------

pub const ADMIN: &str = "maria.garcia@corp.example";
pub const ADMIN_GROUPS: &[&str] = &["oidc:k8s-admins", "oidc:sre", "system:authenticated"];
pub const ADMIN_IP: &str = "10.8.2.41";
pub const ROLEBINDING: &str = "jordan-debug";
pub const ROLEBINDING_ROLE: &str = "edit";
pub const ROLEBINDING_AT: &str = "2026-11-21T09:38:45Z";
/// The namespace the grant opens, and everything after happens in.
pub const TARGET_NAMESPACE: &str = "payments-prod";
/// The authorization reason of every request the grant allows.
pub const GRANT_REASON: &str = "RBAC: allowed by RoleBinding \"jordan-debug/payments-prod\" of ClusterRole \"edit\" to User \"jordan.lee@corp.example\"";

// --- 4-5. The secrets -----------------------------------------------------

pub const SECRETS_LIST_AT: &str = "2026-11-21T09:44:10Z";
/// The secrets of payments-prod, all returned by that list.
pub const SECRETS_LISTED: &[&str] = &[
    "payments-db-credentials",
    "stripe-api-key",
    "payments-tls",
    "registry-pull-secret",
    "payments-jwt-signing-key",
    "payments-redis-auth",
];
pub const CURL_AGENT: &str = "curl/8.5.0";
/// Read one by one with curl.
pub const SECRETS_READ: &[&str] = &[
    "payments-db-credentials",
    "stripe-api-key",
    "payments-tls",
    "registry-pull-secret",
    "payments-jwt-signing-key",
];
pub const SECRETS_READ_FROM: &str = "2026-11-21T09:44:30Z";
pub const SECRETS_READ_TO: &str = "2026-11-21T09:46:50Z";
/// Every base64 value in the data of the payments-prod secrets. The
/// `kubectl.kubernetes.io/last-applied-configuration` annotation of
/// `payments-jwt-signing-key` repeats its values. See also `all_secret_values`.
pub const SECRET_VALUES: &[&str] = &[
    "cG9zdGdyZXM6Ly9wYXltZW50c19hcHA6RGVtby1Pbmx5LXBnLTdRbTJ2WDlyTGs0VEBwYXltZW50cy1kYi5wYXltZW50cy1wcm9kLnN2Yzo1NDMyL3BheW1lbnRzP3NzbG1vZGU9cmVxdWlyZQ==",
    "RGVtby1Pbmx5LXBnLTdRbTJ2WDlyTGs0VA==",
    "cGF5bWVudHNfYXBw",
    "ZGVtb19zdHJpcGVfc2VjcmV0X05PVF9SRUFMXzRlQzM5SHFMeWpXRGFyanRUMXpkcDdkYw==",
    "ZGVtb193aHNlY19OT1RfUkVBTF84ZjNrMm05cTF4dzc=",
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmxiMnlxWkhGalRIekNjWlhWZktoTDhCRmUxbGQ1eTBuWGJRZzNIRlc0bUwrLzViUU12L2hmNjN4am1RVElZWVAKdCsrL1k1K3lLbUM0MXZUc2JqNjhFWlc5c3FtUnhZMHg4d25HVjFYeW9TL0FSWHRaWGVjdEoxMjBJTnh4VnVKaQovditXMERMLzRYK3Q4WTVrRXlHR0Q3ZnZ2Mk9mc2lwZ3VOYjA3RzQrdkJFPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==",
    "LS0tLS1CRUdJTiBERU1PIEtFWSAoTk9UIEEgUkVBTCBLRVkpLS0tLS0KbTY2SjB0UVFId3hFMHhYUXVXUmRUZm1uWFlScGhKRzhIRW1kVzArWkQyTzBuVTdZeGdNcTNaYXBSUHZ1cUZpaQpNQUhHRkF2T1orZUdZMzRMTm9mbmJwdXVpZExVRUI4TVJOTVYwTGxrWFUzNXAxMkVhWVNSdkJ4Sm5WdFBtUTlqCnRKMU8yTVlES3QyV3FVVDc3cWhZb2pBQnhoUUx6bWZuaG1OK0N6YUg1MjQ9Ci0tLS0tRU5EIERFTU8gS0VZIChOT1QgQSBSRUFMIEtFWSktLS0tLQo=",
    "eyJhdXRocyI6eyJyZWdpc3RyeS5jb3JwLmV4YW1wbGUiOnsidXNlcm5hbWUiOiJwYXltZW50cy1wdWxsIiwicGFzc3dvcmQiOiJkZW1vLXB1bGwtdG9rZW4tTk9ULVJFQUwtM2I5ZTFjIiwiYXV0aCI6ImNHRjViV1Z1ZEhNdGNIVnNiRHBrWlcxdkxYQjFiR3d0ZEc5clpXNHRUazlVTFZKRlFVd3RNMkk1WlRGaiJ9fX0=",
    "cGF5bWVudHMtMjAyNi0xMA==",
    "ZGVtby1oczUxMi03ZTRlMDdhOTg2Mzk3Y2M4YTYwNGU0MDhhYTUxOGJiOGJiNTM0YzhhMTU1YzJkM2UwZjBmMjFiODdjNzNhYjIy",
    "RGVtby1Pbmx5LXJlZGlzLVhrMjlmTHEw",
];

// --- 6. The shell ---------------------------------------------------------

pub const EXEC_POD: &str = "payments-api-7c9d8b5f4-x2k9q";
pub const EXEC_CONTAINER: &str = "api";
pub const EXEC_COMMAND: &[&str] = &[
    "sh",
    "-c",
    "cat /var/run/secrets/kubernetes.io/serviceaccount/token | base64; env",
];
/// As written in the log, before JSON escaping (`&` appears as `\u0026` in the file).
pub const EXEC_URI: &str = "/api/v1/namespaces/payments-prod/pods/payments-api-7c9d8b5f4-x2k9q/exec?command=sh&command=-c&command=cat+%2Fvar%2Frun%2Fsecrets%2Fkubernetes.io%2Fserviceaccount%2Ftoken+%7C+base64%3B+env&container=api&stdin=true&stdout=true&tty=true";
pub const EXEC_START: &str = "2026-11-21T09:49:12Z";
pub const EXEC_END: &str = "2026-11-21T09:57:40Z";

// --- 7. The tunnel to the database ----------------------------------------

pub const PORTFORWARD_POD: &str = "payments-db-0";
pub const PORTFORWARD_PORT: u16 = 5432;
pub const PORTFORWARD_URI: &str =
    "/api/v1/namespaces/payments-prod/pods/payments-db-0/portforward?ports=5432";
pub const PORTFORWARD_START: &str = "2026-11-21T10:03:20Z";
pub const PORTFORWARD_END: &str = "2026-11-21T10:41:05Z";

// --- 8. Unrelated: an internet scanner ------------------------------------

pub const SCANNER_IPS: &[&str] = &["45.155.205.11", "185.220.101.47"];
pub const SCANNER_AGENTS: &[&str] = &[
    "Mozilla/5.0 zgrab/0.x",
    "Go-http-client/1.1",
    "python-requests/2.28.1",
];
pub const SCANNER_FROM: &str = "2026-11-21T10:20:00Z";
pub const SCANNER_TO: &str = "2026-11-21T10:35:00Z";
/// Requests (and lines: a 401 is one `ResponseStarted` line) answered 401.
pub const SCANNER_REQUESTS: usize = 40;

// --- Benign look-alikes, fixed so the docs can count them -----------------

/// An admin onboarding `catalog` to CI: the only other RBAC write of the day.
pub const BENIGN_RBAC_ADMIN: &str = "tom.becker@corp.example";
pub const BENIGN_RBAC_BINDING: &str = "ci-deployer";
pub const BENIGN_RBAC_NAMESPACE: &str = "catalog";
pub const BENIGN_RBAC_AT: &str = "2026-11-21T08:21:37Z";
/// Developers reaching into another team's namespace (never secrets), 403.
pub const BENIGN_FORBIDDEN_USERS: &[&str] = &[
    "yuki.sato@corp.example",
    "ana.souza@corp.example",
    "pierre.laurent@corp.example",
];
pub const BENIGN_FORBIDDEN_REQUESTS: usize = 4;
/// SREs running harmless commands without a terminal in non-production namespaces.
pub const BENIGN_EXEC_USERS: &[&str] = &["lukas.novak@corp.example", "aisha.bello@corp.example"];
pub const BENIGN_EXECS: usize = 3;
/// An SRE checking what Argo CD's service account can see (read-only).
pub const IMPERSONATOR: &str = "priya.sharma@corp.example";
pub const IMPERSONATED: &str = "system:serviceaccount:argocd:argocd-application-controller";
pub const IMPERSONATED_REQUESTS: usize = 4;
/// An SRE reading the Grafana admin password, before the policy change.
pub const BENIGN_SECRET_READER: &str = "sofia.rossi@corp.example";
pub const BENIGN_SECRET: &str = "grafana-admin";
pub const BENIGN_SECRET_NAMESPACE: &str = "monitoring";
pub const BENIGN_SECRET_AT: &str = "2026-11-21T08:41:02Z";

/// Every base64 secret value the log can contain (story and background),
/// so a test can check that redaction hides all of them.
pub fn all_secret_values() -> impl Iterator<Item = &'static str> {
    super::secrets::CATALOG
        .iter()
        .flat_map(|s| s.data.iter().map(|(_, v)| *v))
}
