//! The cluster's secrets, with fixed base64 values (all plainly fake), and
//! how a Secret or SecretList is written in a `RequestResponse` event.

use super::json::{Obj, push_str};
use super::rng::key_seed;
use super::time;

pub(crate) struct SecretDef {
    pub ns: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    /// Referenced by pods, so kubelets fetch it.
    pub mounted: bool,
    /// Keys sorted as Go sorts map keys; values base64.
    pub data: &'static [(&'static str, &'static str)],
}

pub(crate) fn find(ns: &str, name: &str) -> Option<&'static SecretDef> {
    CATALOG.iter().find(|s| s.ns == ns && s.name == name)
}

pub(crate) fn in_ns(ns: &str) -> impl Iterator<Item = &'static SecretDef> + Clone + '_ {
    CATALOG.iter().filter(move |s| s.ns == ns)
}

/// This secret was created with `kubectl apply`, so its annotation repeats the data.
fn applied(s: &SecretDef) -> bool {
    s.name == "payments-jwt-signing-key"
}

fn manager(s: &SecretDef) -> &'static str {
    match s.ns {
        "argocd" => "argocd-server",
        "cert-manager" => "cert-manager-webhook",
        "ingress-nginx" => "kube-webhook-certgen",
        "kube-system" => "kubeadm",
        _ if applied(s) => "kubectl-client-side-apply",
        _ => "kubectl-create",
    }
}

fn label(s: &SecretDef) -> Option<(&'static str, &'static str)> {
    match s.name {
        "cluster-prod-eu-1" => Some(("argocd.argoproj.io/secret-type", "cluster")),
        "repo-gitops" => Some(("argocd.argoproj.io/secret-type", "repository")),
        _ => None,
    }
}

/// What `kubectl apply` stores in the annotation: sorted keys, trailing newline.
fn last_applied(s: &SecretDef) -> String {
    let mut b = String::new();
    let mut o = Obj::open(&mut b);
    o.str("apiVersion", "v1")
        .map("data", s.data)
        .str("kind", "Secret");
    {
        let mut m = Obj::open(o.key("metadata"));
        m.raw("annotations", "{}")
            .str("name", s.name)
            .str("namespace", s.ns);
        m.close();
    }
    o.str("type", s.kind);
    o.close();
    b.push('\n');
    b
}

/// One Secret; `kind` is false inside a SecretList's items.
pub(crate) fn push_secret(buf: &mut String, s: &SecretDef, seed: u64, kind: bool) {
    let h = key_seed(seed, &["secrets", s.ns, s.name]);
    let created = time::DAY - (20 + h % 400) * 86_400 * time::SEC + (h >> 20) % 86_400 * time::SEC;
    let created = time::seconds(created);
    let mut o = Obj::open(buf);
    if kind {
        o.str("kind", "Secret").str("apiVersion", "v1");
    }
    {
        let mut m = Obj::open(o.key("metadata"));
        m.str("name", s.name).str("namespace", s.ns);
        m.str("uid", &super::rng::Rng::new(h).uuid());
        m.str(
            "resourceVersion",
            &(10_000_000 + (h >> 8) % 38_000_000).to_string(),
        );
        m.str("creationTimestamp", &created);
        if let Some((k, v)) = label(s) {
            m.map("labels", &[(k, v)]);
        }
        if applied(s) {
            let la = last_applied(s);
            m.map(
                "annotations",
                &[("kubectl.kubernetes.io/last-applied-configuration", &la)],
            );
        }
        let mf = m.key("managedFields");
        mf.push_str("[{\"manager\":");
        push_str(mf, manager(s));
        mf.push_str(",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":");
        push_str(mf, &created);
        mf.push_str(",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\".\":{}");
        for (k, _) in s.data {
            mf.push(',');
            push_str(mf, &format!("f:{k}"));
            mf.push_str(":{}");
        }
        mf.push('}');
        if applied(s) {
            mf.push_str(",\"f:metadata\":{\"f:annotations\":{\".\":{},\"f:kubectl.kubernetes.io/last-applied-configuration\":{}}}");
        }
        mf.push_str(",\"f:type\":{}}}]");
        m.close();
    }
    o.map("data", s.data).str("type", s.kind);
    o.close();
}

pub(crate) fn secret_json(s: &SecretDef, seed: u64) -> String {
    let mut b = String::with_capacity(512);
    push_secret(&mut b, s, seed, true);
    b
}

/// A SecretList response, as a list at `RequestResponse` logs it.
pub(crate) fn list_json<'a>(
    items: impl Iterator<Item = &'a SecretDef>,
    seed: u64,
    resource_version: u64,
) -> String {
    let mut b = String::with_capacity(2048);
    b.push_str(
        "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"",
    );
    b.push_str(&resource_version.to_string());
    b.push_str("\"},\"items\":[");
    for (i, s) in items.enumerate() {
        if i > 0 {
            b.push(',');
        }
        push_secret(&mut b, s, seed, false);
    }
    b.push_str("]}");
    b
}

pub(crate) const CATALOG: &[SecretDef] = &[
    SecretDef {
        ns: "payments-prod",
        name: "payments-db-credentials",
        kind: "Opaque",
        mounted: true,
        data: &[
            (
                "DATABASE_URL",
                "cG9zdGdyZXM6Ly9wYXltZW50c19hcHA6RGVtby1Pbmx5LXBnLTdRbTJ2WDlyTGs0VEBwYXltZW50cy1kYi5wYXltZW50cy1wcm9kLnN2Yzo1NDMyL3BheW1lbnRzP3NzbG1vZGU9cmVxdWlyZQ==",
            ),
            ("password", "RGVtby1Pbmx5LXBnLTdRbTJ2WDlyTGs0VA=="),
            ("username", "cGF5bWVudHNfYXBw"),
        ],
    },
    SecretDef {
        ns: "payments-prod",
        name: "stripe-api-key",
        kind: "Opaque",
        mounted: true,
        data: &[
            (
                "STRIPE_SECRET_KEY",
                "ZGVtb19zdHJpcGVfc2VjcmV0X05PVF9SRUFMXzRlQzM5SHFMeWpXRGFyanRUMXpkcDdkYw==",
            ),
            (
                "STRIPE_WEBHOOK_SECRET",
                "ZGVtb193aHNlY19OT1RfUkVBTF84ZjNrMm05cTF4dzc=",
            ),
        ],
    },
    SecretDef {
        ns: "payments-prod",
        name: "payments-tls",
        kind: "kubernetes.io/tls",
        mounted: true,
        data: &[
            (
                "tls.crt",
                "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmxiMnlxWkhGalRIekNjWlhWZktoTDhCRmUxbGQ1eTBuWGJRZzNIRlc0bUwrLzViUU12L2hmNjN4am1RVElZWVAKdCsrL1k1K3lLbUM0MXZUc2JqNjhFWlc5c3FtUnhZMHg4d25HVjFYeW9TL0FSWHRaWGVjdEoxMjBJTnh4VnVKaQovditXMERMLzRYK3Q4WTVrRXlHR0Q3ZnZ2Mk9mc2lwZ3VOYjA3RzQrdkJFPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==",
            ),
            (
                "tls.key",
                "LS0tLS1CRUdJTiBERU1PIEtFWSAoTk9UIEEgUkVBTCBLRVkpLS0tLS0KbTY2SjB0UVFId3hFMHhYUXVXUmRUZm1uWFlScGhKRzhIRW1kVzArWkQyTzBuVTdZeGdNcTNaYXBSUHZ1cUZpaQpNQUhHRkF2T1orZUdZMzRMTm9mbmJwdXVpZExVRUI4TVJOTVYwTGxrWFUzNXAxMkVhWVNSdkJ4Sm5WdFBtUTlqCnRKMU8yTVlES3QyV3FVVDc3cWhZb2pBQnhoUUx6bWZuaG1OK0N6YUg1MjQ9Ci0tLS0tRU5EIERFTU8gS0VZIChOT1QgQSBSRUFMIEtFWSktLS0tLQo=",
            ),
        ],
    },
    SecretDef {
        ns: "payments-prod",
        name: "registry-pull-secret",
        kind: "kubernetes.io/dockerconfigjson",
        mounted: true,
        data: &[(
            ".dockerconfigjson",
            "eyJhdXRocyI6eyJyZWdpc3RyeS5jb3JwLmV4YW1wbGUiOnsidXNlcm5hbWUiOiJwYXltZW50cy1wdWxsIiwicGFzc3dvcmQiOiJkZW1vLXB1bGwtdG9rZW4tTk9ULVJFQUwtM2I5ZTFjIiwiYXV0aCI6ImNHRjViV1Z1ZEhNdGNIVnNiRHBrWlcxdkxYQjFiR3d0ZEc5clpXNHRUazlVTFZKRlFVd3RNMkk1WlRGaiJ9fX0=",
        )],
    },
    SecretDef {
        ns: "payments-prod",
        name: "payments-jwt-signing-key",
        kind: "Opaque",
        mounted: true,
        data: &[
            ("key-id", "cGF5bWVudHMtMjAyNi0xMA=="),
            (
                "signing-key",
                "ZGVtby1oczUxMi03ZTRlMDdhOTg2Mzk3Y2M4YTYwNGU0MDhhYTUxOGJiOGJiNTM0YzhhMTU1YzJkM2UwZjBmMjFiODdjNzNhYjIy",
            ),
        ],
    },
    SecretDef {
        ns: "payments-prod",
        name: "payments-redis-auth",
        kind: "Opaque",
        mounted: true,
        data: &[("REDIS_PASSWORD", "RGVtby1Pbmx5LXJlZGlzLVhrMjlmTHEw")],
    },
    SecretDef {
        ns: "payments-staging",
        name: "payments-db-credentials",
        kind: "Opaque",
        mounted: true,
        data: &[
            (
                "DATABASE_URL",
                "cG9zdGdyZXM6Ly9wYXltZW50c19zdGc6RGVtby1Pbmx5LXN0Zy1wZy1SNG5kMG1TdGdAcGF5bWVudHMtZGIucGF5bWVudHMtc3RhZ2luZy5zdmM6NTQzMi9wYXltZW50cw==",
            ),
            ("password", "RGVtby1Pbmx5LXN0Zy1wZy1SNG5kMG1TdGc="),
            ("username", "cGF5bWVudHNfc3Rn"),
        ],
    },
    SecretDef {
        ns: "payments-staging",
        name: "stripe-api-key",
        kind: "Opaque",
        mounted: true,
        data: &[
            (
                "STRIPE_SECRET_KEY",
                "ZGVtb19zdHJpcGVfdGVzdF9OT1RfUkVBTF81MUh4U3RnMGE5",
            ),
            (
                "STRIPE_WEBHOOK_SECRET",
                "ZGVtb193aHNlY190ZXN0X05PVF9SRUFMX3N0ZzI=",
            ),
        ],
    },
    SecretDef {
        ns: "payments-staging",
        name: "registry-pull-secret",
        kind: "kubernetes.io/dockerconfigjson",
        mounted: true,
        data: &[(
            ".dockerconfigjson",
            "eyJhdXRocyI6eyJyZWdpc3RyeS5jb3JwLmV4YW1wbGUiOnsidXNlcm5hbWUiOiJwYXltZW50cy1zdGFnaW5nLXB1bGwiLCJwYXNzd29yZCI6ImRlbW8tcHVsbC10b2tlbi1OT1QtUkVBTC1zdGc3NyIsImF1dGgiOiJjR0Y1YldWdWRITXRjM1JoWjJsdVp5MXdkV3hzT21SbGJXOHRjSFZzYkMxMGIydGxiaTFPVDFRdFVrVkJUQzF6ZEdjM053PT0ifX19",
        )],
    },
    SecretDef {
        ns: "checkout",
        name: "checkout-db-credentials",
        kind: "Opaque",
        mounted: true,
        data: &[
            ("password", "RGVtby1Pbmx5LWNvLXBnLVZiODFLcQ=="),
            ("username", "Y2hlY2tvdXQ="),
        ],
    },
    SecretDef {
        ns: "checkout",
        name: "checkout-redis-auth",
        kind: "Opaque",
        mounted: true,
        data: &[("REDIS_PASSWORD", "RGVtby1Pbmx5LWNvLXJlZGlzLVAwcTc=")],
    },
    SecretDef {
        ns: "checkout",
        name: "registry-pull-secret",
        kind: "kubernetes.io/dockerconfigjson",
        mounted: true,
        data: &[(
            ".dockerconfigjson",
            "eyJhdXRocyI6eyJyZWdpc3RyeS5jb3JwLmV4YW1wbGUiOnsidXNlcm5hbWUiOiJjaGVja291dC1wdWxsIiwicGFzc3dvcmQiOiJkZW1vLXB1bGwtdG9rZW4tTk9ULVJFQUwtY280MSIsImF1dGgiOiJZMmhsWTJ0dmRYUXRjSFZzYkRwa1pXMXZMWEIxYkd3dGRHOXJaVzR0VGs5VUxWSkZRVXd0WTI4ME1RPT0ifX19",
        )],
    },
    SecretDef {
        ns: "search",
        name: "opensearch-credentials",
        kind: "Opaque",
        mounted: true,
        data: &[
            ("password", "RGVtby1Pbmx5LW9zLUhxN0x6Mg=="),
            ("username", "c2VhcmNoLWFwaQ=="),
        ],
    },
    SecretDef {
        ns: "catalog",
        name: "catalog-db-credentials",
        kind: "Opaque",
        mounted: true,
        data: &[
            ("password", "RGVtby1Pbmx5LWNhdC1wZy1adDVXbg=="),
            ("username", "Y2F0YWxvZw=="),
        ],
    },
    SecretDef {
        ns: "catalog",
        name: "registry-pull-secret",
        kind: "kubernetes.io/dockerconfigjson",
        mounted: true,
        data: &[(
            ".dockerconfigjson",
            "eyJhdXRocyI6eyJyZWdpc3RyeS5jb3JwLmV4YW1wbGUiOnsidXNlcm5hbWUiOiJjYXRhbG9nLXB1bGwiLCJwYXNzd29yZCI6ImRlbW8tcHVsbC10b2tlbi1OT1QtUkVBTC1jYXQwOSIsImF1dGgiOiJZMkYwWVd4dlp5MXdkV3hzT21SbGJXOHRjSFZzYkMxMGIydGxiaTFPVDFRdFVrVkJUQzFqWVhRd09RPT0ifX19",
        )],
    },
    SecretDef {
        ns: "monitoring",
        name: "grafana-admin",
        kind: "Opaque",
        mounted: true,
        data: &[
            ("admin-password", "RGVtby1Pbmx5LWdyYWZhbmEtTXczcw=="),
            ("admin-user", "YWRtaW4="),
        ],
    },
    SecretDef {
        ns: "monitoring",
        name: "alertmanager-main",
        kind: "Opaque",
        mounted: true,
        data: &[(
            "alertmanager.yaml",
            "cm91dGU6CiAgcmVjZWl2ZXI6IG9uY2FsbApyZWNlaXZlcnM6Ci0gbmFtZTogb25jYWxsCiAgc2xhY2tfY29uZmlnczoKICAtIGFwaV91cmw6IGh0dHBzOi8vaG9va3Muc2xhY2suZXhhbXBsZS9zZXJ2aWNlcy9ERU1PL05PVC9SRUFMCg==",
        )],
    },
    SecretDef {
        ns: "argocd",
        name: "argocd-secret",
        kind: "Opaque",
        mounted: false,
        data: &[
            (
                "admin.password",
                "JDJhJDEwJGRlbW9OT1RyZWFsQmNyeXB0SGFzaHh4UWs3cjF5RTViMHU=",
            ),
            (
                "server.secretkey",
                "ZGVtby1hcmdvY2Qtc2VydmVyLWtleS0yYzk0YzE4ZTg0MDRhMjQ2NmU4NDM4Y2M=",
            ),
        ],
    },
    SecretDef {
        ns: "argocd",
        name: "repo-gitops",
        kind: "Opaque",
        mounted: false,
        data: &[
            (
                "password",
                "ZGVtby1naXQtdG9rZW4tTk9ULVJFQUwtOWE4ODFiOWI5ZjIzODQ5NA==",
            ),
            ("type", "Z2l0"),
            (
                "url",
                "aHR0cHM6Ly9naXQuY29ycC5leGFtcGxlL3BsYXRmb3JtL2dpdG9wcy5naXQ=",
            ),
            ("username", "YXJnb2Nk"),
        ],
    },
    SecretDef {
        ns: "argocd",
        name: "cluster-prod-eu-1",
        kind: "Opaque",
        mounted: false,
        data: &[
            (
                "config",
                "eyJ0bHNDbGllbnRDb25maWciOnsiaW5zZWN1cmUiOmZhbHNlfX0=",
            ),
            ("name", "cHJvZC1ldS0x"),
            ("server", "aHR0cHM6Ly9rdWJlcm5ldGVzLmRlZmF1bHQuc3Zj"),
        ],
    },
    SecretDef {
        ns: "cert-manager",
        name: "letsencrypt-prod-account-key",
        kind: "Opaque",
        mounted: false,
        data: &[(
            "tls.key",
            "LS0tLS1CRUdJTiBERU1PIEtFWSAoTk9UIEEgUkVBTCBLRVkpLS0tLS0Kd0VqblpQT3czV2dLMXlOamhudEVZWEN5cERnMkJQbEloMmQvSFJhbVV0dXhHQ05yTzFhRWdFUm53SU1sQmkxOAoyYnQyeWJ3U2p0TXVrSklMR1laMndjQkk1MlR6c04xb0N0Y2pZNFo3UkdGd3NxUTROZ1Q1U0lkbmZ4MFdwbExiCnNSZ2phenRXaElCRVo4Q0RKUVl0Zk5tN2RzbThFbzdUTHBDU0N4bUdkc0U9Ci0tLS0tRU5EIERFTU8gS0VZIChOT1QgQSBSRUFMIEtFWSktLS0tLQo=",
        )],
    },
    SecretDef {
        ns: "cert-manager",
        name: "cert-manager-webhook-ca",
        kind: "kubernetes.io/tls",
        mounted: false,
        data: &[
            (
                "ca.crt",
                "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCnY2NEVLbENxb2o0RDhsZWt0MmxJMFlVS3ZQTExYZ0hGZVVVMUhyRjJtb0NOUUkxM2oxNUswbzFGVGRSRU9LdVIKZnlwNUpLWklNN3dzK2tIa0FRQmc5Yit1QkNwUXFxSStBL0pYcExkcFNOR0ZDcnp5eTE0QnhYbEZOUjZ4ZHBxQQpqVUNOZDQ5ZVN0S05SVTNVUkRpcmtYOHFlU1NtU0RPOExQcEI1QUVBWVBVPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==",
            ),
            (
                "tls.crt",
                "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkY2ZjFtdFZEK3M0MXlYRy9tcEZrbVdFdVFkeFBEOU03S09oN0JXeUNWeTZMQUJ0elgydlBoemNHL0k3MTZiUWoKSTZlS2FnblN0RTk1Nk5zbi9EM2MrUmVuOVpyVlEvck9OY2x4djVxUlpKbGhMa0hjVHcvVE95am9ld1ZzZ2xjdQppd0FiYzE5cno0YzNCdnlPOWVtMEl5T25pbW9KMHJSUGVlamJKL3c5M1BrPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==",
            ),
            (
                "tls.key",
                "LS0tLS1CRUdJTiBERU1PIEtFWSAoTk9UIEEgUkVBTCBLRVkpLS0tLS0KQ0lWODBJbWxGL2c4NW0vZGw4NHFTRjJRK3pVUXVvbUZlelVrQTZRQkVqZFVSMmJOaXlIYVRRQXdpSnJmNUh3OQo4WDBWMkRXdGgrc2grSExnN2xsNWFBaUZmTkNKcFJmNFBPWnYzWmZPS2toZGtQczFFTHFKaFhzMUpBT2tBUkkzClZFZG16WXNoMmswQU1JaWEzK1I4UGZGOUZkZzFyWWZySWZoeTRPNVplV2c9Ci0tLS0tRU5EIERFTU8gS0VZIChOT1QgQSBSRUFMIEtFWSktLS0tLQo=",
            ),
        ],
    },
    SecretDef {
        ns: "ingress-nginx",
        name: "ingress-nginx-admission",
        kind: "Opaque",
        mounted: false,
        data: &[
            (
                "ca",
                "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkJWc1dxemsxTWpUay9KQ3BQc09nSFR6L2c2c1lrcmp1c1pXdWpSNGNGQ2FKNjhQd0U2UUxIYXQ0UTlyR09zZ00KQVo1amE1UjlyOEdCdDhpYjE1enk2d1ZiRnFzNU5USTA1UHlRcVQ3RG9CMDgvNE9yR0pLNDdyR1ZybzBlSEJRbQppZXZEOEJPa0N4MnJlRVBheGpySURBR2VZMnVVZmEvQmdiZkltOWVjOHVzPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==",
            ),
            (
                "cert",
                "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCnBZVGpCcGRMZE51d0lmeHk4c2IvU3luMWROdFJEdSs5Zm5aekxjcldOcjN4NkZoNTEvZGEyMlhadVRSTlpXRHIKQjU2RVlZUW5lbHZMVmZ2bUF0Y0dxcVdFNHdhWFMzVGJzQ0g4Y3ZMRy8wc3A5WFRiVVE3dnZYNTJjeTNLMWphOQo4ZWhZZWRmM1d0dGwyYmswVFdWZzZ3ZWVoR0dFSjNwYnkxWDc1Z0xYQnFvPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==",
            ),
            (
                "key",
                "LS0tLS1CRUdJTiBERU1PIEtFWSAoTk9UIEEgUkVBTCBLRVkpLS0tLS0Kc1JzNnJWcm1jMXlIRnk4eTljNzhmbmN3ZzFnZXJmYmpYQk56azlXVDR6MWpwd2FOdzQ1Mm9PZTAvSlgxMzdtdApZK2JRU2FsWEpQa0k1ZEw1QVd5Y2NMRWJPcTFhNW5OY2h4Y3ZNdlhPL0g1M01JTllIcTMyNDF3VGM1UFZrK005Clk2Y0dqY09PZHFEbnRQeVY5ZCs1cldQbTBFbXBWeVQ1Q09YUytRRnNuSEE9Ci0tLS0tRU5EIERFTU8gS0VZIChOT1QgQSBSRUFMIEtFWSktLS0tLQo=",
            ),
        ],
    },
    SecretDef {
        ns: "ingress-nginx",
        name: "default-ssl-certificate",
        kind: "kubernetes.io/tls",
        mounted: true,
        data: &[
            (
                "tls.crt",
                "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tClcyVnFHQlp2QXdXbVhRR0FmRFZIT0R5VWxwK2NqZWFnWUlwV2gzREpYSmVLWXhXTnR2WVJ5Mnl1dHFtbGgzTVQKM3FPcHg0d1YxbmZPNElTbXo5NEVUbHRsYWhnV2J3TUZwbDBCZ0h3MVJ6ZzhsSmFmbkkzbW9HQ0tWb2R3eVZ5WAppbU1WamJiMkVjdHNycmFwcFlkekU5NmpxY2VNRmRaM3p1Q0Vwcy9lQkU0PQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==",
            ),
            (
                "tls.key",
                "LS0tLS1CRUdJTiBERU1PIEtFWSAoTk9UIEEgUkVBTCBLRVkpLS0tLS0KY0F1N0I2a1lHOGJPRTN6V1J5WExVNVdIMEd3dVkvOXRuaGpxMm51eENYQzFlL1gyeVpFcE1YZ1pJeFkrb2ZYRApVQW5qVkNMZ3N5dlFicGdaVHlUOHlIQUx1d2VwR0J2R3poTjgxa2NseTFPVmg5QnNMbVAvYlo0WTZ0cDdzUWx3CnRYdjE5c21SS1RGNEdTTVdQcUgxdzFBSjQxUWk0TE1yMEc2WUdVOGsvTWc9Ci0tLS0tRU5EIERFTU8gS0VZIChOT1QgQSBSRUFMIEtFWSktLS0tLQo=",
            ),
        ],
    },
    SecretDef {
        ns: "kube-system",
        name: "aws-credentials",
        kind: "Opaque",
        mounted: true,
        data: &[
            ("aws_access_key_id", "REVNT0FLSUFOT1RSRUFMMDAwMQ=="),
            (
                "aws_secret_access_key",
                "ZGVtby9OT1QvcmVhbC83ZDE1MDcyODRhNTc1N2NhYzZiNjI3MDg=",
            ),
        ],
    },
    SecretDef {
        ns: "kube-system",
        name: "bootstrap-token-x7k2pq",
        kind: "bootstrap.kubernetes.io/token",
        mounted: false,
        data: &[
            ("auth-extra-groups", "c3lzdGVtOmJvb3RzdHJhcHBlcnM6d29ya2Vy"),
            ("token-id", "eDdrMnBx"),
            ("token-secret", "ZGVtbzBub3RyZWFsMWFiYw=="),
            ("usage-bootstrap-authentication", "dHJ1ZQ=="),
            ("usage-bootstrap-signing", "dHJ1ZQ=="),
        ],
    },
];
