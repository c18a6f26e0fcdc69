//! Who is asking, and with what: identity classes and client kinds, the
//! vocabulary the investigations use to tell routine traffic from the rest.

/// What kind of identity a username is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A person (or a person-like account): not a `system:` name.
    Human,
    /// `system:anonymous`, or no username at all (failed authentication).
    Anonymous,
    /// A kubelet: `system:node:*`.
    Node,
    /// Control-plane components and the controllers of kube-system.
    ControlPlane,
    /// A workload's service account outside kube-system.
    Workload,
    /// Any other `system:` name.
    OtherSystem,
}

pub fn class(user: &str) -> Class {
    if user.is_empty() || user == "system:anonymous" {
        Class::Anonymous
    } else if !user.starts_with("system:") {
        Class::Human
    } else if user.starts_with("system:node:") {
        Class::Node
    } else if let Some(ns) = sa_namespace(user) {
        if ns == "kube-system" {
            Class::ControlPlane
        } else {
            Class::Workload
        }
    } else if matches!(
        user,
        "system:kube-controller-manager"
            | "system:kube-scheduler"
            | "system:apiserver"
            | "system:kube-proxy"
            | "system:volume-scheduler"
            | "system:kube-aggregator"
    ) {
        Class::ControlPlane
    } else {
        Class::OtherSystem
    }
}

/// The namespace of a service account username (`system:serviceaccount:NS:NAME`).
pub fn sa_namespace(user: &str) -> Option<&str> {
    let rest = user.strip_prefix("system:serviceaccount:")?;
    rest.split_once(':').map(|(ns, _)| ns)
}

/// What kind of client a user agent is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// A person at a terminal or a dashboard.
    Interactive,
    /// A script or a bare HTTP library.
    Script,
    Other,
}

const INTERACTIVE: &[&str] = &[
    "kubectl/",
    "k9s/",
    "lens/",
    "openlens/",
    "headlamp/",
    "kubectl.exe/",
];
const SCRIPT: &[&str] = &[
    "curl/",
    "wget/",
    "python-requests/",
    "python-urllib",
    "python/",
    "go-http-client/",
    "powershell/",
    "mozilla/5.0 (windows nt; windows nt", // PowerShell's Invoke-WebRequest
    "httpie/",
    "okhttp/",
    "node-fetch",
    "axios/",
    "libwww-perl/",
    "aiohttp/",
    "ruby",
    "postmanruntime/",
    "insomnia/",
];

pub fn client(agent: &str) -> Client {
    let a = agent.to_ascii_lowercase();
    if INTERACTIVE.iter().any(|p| a.starts_with(p)) {
        Client::Interactive
    } else if SCRIPT.iter().any(|p| a.starts_with(p)) {
        Client::Script
    } else {
        Client::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(class("jordan.lee@corp.example"), Class::Human);
        assert_eq!(class(""), Class::Anonymous);
        assert_eq!(class("system:anonymous"), Class::Anonymous);
        assert_eq!(class("system:node:ip-10-0-1-2"), Class::Node);
        assert_eq!(
            class("system:serviceaccount:kube-system:token-cleaner"),
            Class::ControlPlane
        );
        assert_eq!(class("system:kube-controller-manager"), Class::ControlPlane);
        assert_eq!(
            class("system:serviceaccount:argocd:argocd-server"),
            Class::Workload
        );
        assert_eq!(class("system:admin"), Class::OtherSystem);
        assert_eq!(
            sa_namespace("system:serviceaccount:argocd:argocd-server"),
            Some("argocd")
        );
    }

    #[test]
    fn clients() {
        assert_eq!(client("curl/8.5.0"), Client::Script);
        assert_eq!(client("python-requests/2.31.0"), Client::Script);
        assert_eq!(client("Go-http-client/2.0"), Client::Script);
        assert_eq!(
            client("kubectl/v1.29.0 (linux/amd64) kubernetes/3f7a50f"),
            Client::Interactive
        );
        assert_eq!(client("argocd-application-controller/v2.11"), Client::Other);
    }
}
