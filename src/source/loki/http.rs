//! One HTTP client for Loki: auth headers, tenant, TLS, and what each answer means.

use super::{Auth, LokiSpec, wire};
use crate::model::Nanos;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum LokiError {
    #[error("cannot reach Loki at {url}: {detail}")]
    Connect { url: String, detail: String },
    #[error("Loki at {url} refused the request ({status}: {body}){hint}")]
    Refused {
        url: String,
        status: u16,
        body: String,
        hint: &'static str,
    },
    #[error("Loki at {url} answered {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("Loki at {url} gave an answer kaudit cannot read: {detail}")]
    Body { url: String, detail: String },
    #[error("Loki at {url} answered with warnings: {warnings}")]
    Warned { url: String, warnings: String },
    #[error("Loki at {url} kept failing: {detail}")]
    GaveUp { url: String, detail: String },
    #[error(
        "more than {limit} entries share the timestamp {at} ns, more than one request may return; the entries there are incomplete"
    )]
    Ties { at: Nanos, limit: usize },
    #[error("{0}")]
    Setup(String),
}

/// What went wrong with one request, and what to do about it.
#[derive(Debug)]
pub(super) enum Fault {
    /// No point in trying again.
    Fatal(LokiError),
    /// Worth another try after a pause (429, 5xx, a body cut short, a reset).
    Retry(String),
    /// The server or the client gave up waiting: ask for less.
    Timeout(String),
    /// The server allows at most this many entries per request.
    Limit(usize),
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    /// The base URL without credentials (those go in a header): requests are
    /// made to it and messages name it.
    pub shown: String,
    org: Option<String>,
    auth: Auth,
    /// Ask for structured metadata apart from stream labels (Loki 3.0 on),
    /// so extracted fields do not split the answer into many streams.
    pub categorize: bool,
}

/// A URL fit to print: user and password removed.
pub fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.as_str().trim_end_matches('/').to_string()
        }
        Err(_) => "(the Loki address)".into(),
    }
}

impl Http {
    pub fn new(spec: &LokiSpec) -> Result<Http, LokiError> {
        let shown = shown_url(&spec.url);
        let parsed = reqwest::Url::parse(&spec.url).map_err(|e| {
            LokiError::Setup(format!(
                "--loki: {shown} is not a URL ({e}); write it as http://host:3100"
            ))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(LokiError::Setup(format!(
                "--loki: {shown} should start with http:// or https://"
            )));
        }
        // Credentials in the URL itself become basic auth, never part of a message.
        let mut auth = spec.auth.clone();
        if matches!(auth, Auth::None) && !parsed.username().is_empty() {
            auth = Auth::Basic {
                user: parsed.username().to_string(),
                password: parsed.password().unwrap_or_default().to_string(),
            };
        }
        let mut b = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("kaudit/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = &spec.ca_cert {
            let pem = std::fs::read(ca).map_err(|e| {
                LokiError::Setup(format!("cannot read the CA file {}: {e}", ca.display()))
            })?;
            // reqwest takes a file without a certificate in it silently.
            if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
                return Err(LokiError::Setup(format!(
                    "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                    ca.display()
                )));
            }
            let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| {
                LokiError::Setup(format!("{} is not a PEM certificate: {e}", ca.display()))
            })?;
            b = b.add_root_certificate(cert);
        }
        match (&spec.cert, &spec.key) {
            (Some(c), Some(k)) => {
                let mut pem = std::fs::read(c).map_err(|e| {
                    LokiError::Setup(format!(
                        "cannot read the client certificate {}: {e}",
                        c.display()
                    ))
                })?;
                pem.push(b'\n');
                pem.extend(std::fs::read(k).map_err(|e| {
                    LokiError::Setup(format!("cannot read the client key {}: {e}", k.display()))
                })?);
                let id = reqwest::Identity::from_pem(&pem).map_err(|e| {
                    LokiError::Setup(format!(
                        "the client certificate {} and key {} do not make an identity: {e}",
                        c.display(),
                        k.display()
                    ))
                })?;
                b = b.identity(id);
            }
            (None, None) => {}
            _ => {
                return Err(LokiError::Setup(
                    "--cert and --key go together (LOKI_CLIENT_CERT_PATH, LOKI_CLIENT_KEY_PATH)"
                        .into(),
                ));
            }
        }
        if spec.skip_verify {
            b = b.danger_accept_invalid_certs(true);
        }
        let client = b.build().map_err(|e| {
            LokiError::Setup(format!("cannot set up the HTTP client: {}", chain(&e)))
        })?;
        Ok(Http {
            client,
            shown,
            org: spec.org_id.clone(),
            auth,
            categorize: false,
        })
    }

    /// A GET with the tenant and credentials every request carries.
    fn request(&self, path: &str, params: &[(&str, String)]) -> reqwest::RequestBuilder {
        let mut req = self
            .client
            .get(format!("{}{path}", self.shown))
            .query(params);
        if let Some(org) = &self.org {
            req = req.header("X-Scope-OrgID", org);
        }
        if self.categorize && path.ends_with("/query_range") {
            req = req.header("X-Loki-Response-Encoding-Flags", "categorize-labels");
        }
        match &self.auth {
            Auth::None => req,
            Auth::Basic { user, password } => req.basic_auth(user, Some(password)),
            Auth::Bearer(t) => req.bearer_auth(t),
        }
    }

    /// The WebSocket upgrade request for `path`: the same URL, tenant and
    /// credentials as `get`, on ws:// or wss://.
    pub(super) fn ws_request(
        &self,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<tokio_tungstenite::tungstenite::handshake::client::Request, LokiError> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let built = self.request(path, params).build().map_err(|e| {
            LokiError::Setup(format!("cannot build the tail request: {}", chain(&e)))
        })?;
        let mut url = built.url().clone();
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        // http and https are "special" schemes like ws and wss: the switch is allowed.
        let _ = url.set_scheme(scheme);
        let mut req = url
            .as_str()
            .into_client_request()
            .map_err(|e| LokiError::Setup(format!("cannot build the tail request: {e}")))?;
        let headers = req.headers_mut();
        for (k, v) in built.headers() {
            if let (Ok(k), Ok(v)) = (
                tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(k.as_str().as_bytes()),
                tokio_tungstenite::tungstenite::http::HeaderValue::from_bytes(v.as_bytes()),
            ) {
                headers.insert(k, v);
            }
        }
        headers.insert(
            "User-Agent",
            tokio_tungstenite::tungstenite::http::HeaderValue::from_static(concat!(
                "kaudit/",
                env!("CARGO_PKG_VERSION")
            )),
        );
        Ok(req)
    }

    pub(super) async fn get(
        &self,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<Vec<u8>, Fault> {
        let resp = match self.request(path, params).send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Err(Fault::Timeout(chain(&e))),
            Err(e) if e.is_connect() => {
                let detail = chain(&e);
                let hint = tls_hint(&detail);
                return Err(Fault::Fatal(LokiError::Connect {
                    url: self.shown.clone(),
                    detail: format!("{detail}{hint}"),
                }));
            }
            Err(e) => return Err(Fault::Retry(chain(&e))),
        };
        let status = resp.status().as_u16();
        let body = match resp.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) if e.is_timeout() => return Err(Fault::Timeout(chain(&e))),
            Err(e) => {
                return Err(Fault::Retry(format!(
                    "the answer was cut short: {}",
                    chain(&e)
                )));
            }
        };
        if status == 200 {
            return Ok(body);
        }
        // Loki's errors are plain text; shown as sent, made safe for a terminal.
        let text = String::from_utf8_lossy(&body).trim().to_string();
        let text =
            crate::model::text::sanitize(&crate::model::text::truncate(&text, 400)).into_owned();
        Err(match status {
            400 => match limit_in(&text) {
                Some(max) => Fault::Limit(max),
                None => Fault::Fatal(LokiError::Status {
                    url: self.shown.clone(),
                    status,
                    body: text,
                }),
            },
            401 | 403 => Fault::Fatal(LokiError::Refused {
                url: self.shown.clone(),
                status,
                hint: if text.contains("no org id") {
                    "; this Loki has several tenants: name one with --org-id (LOKI_ORG_ID)"
                } else if matches!(self.auth, Auth::None) {
                    "; give credentials with --username/LOKI_PASSWORD or --bearer-token-file"
                } else {
                    "; check the credentials and the tenant"
                },
                body: text,
            }),
            429 | 500 | 502 | 503 => Fault::Retry(format!("{status}: {text}")),
            504 => Fault::Timeout(format!("{status}: {text}")),
            _ => Fault::Fatal(LokiError::Status {
                url: self.shown.clone(),
                status,
                body: text,
            }),
        })
    }

    /// A request that is not worth splitting, read by `read`: retried a few
    /// times (a body cut short too), then an error.
    pub(super) async fn get_simple<T>(
        &self,
        path: &str,
        params: &[(&str, String)],
        read: impl Fn(&[u8]) -> Result<T, String>,
    ) -> Result<T, LokiError> {
        let mut last = LokiError::GaveUp {
            url: self.shown.clone(),
            detail: String::new(),
        };
        for attempt in 0..4u32 {
            match self.get(path, params).await {
                Ok(b) => match read(&b) {
                    Ok(v) => return Ok(v),
                    Err(detail) => last = self.body_error(detail),
                },
                Err(Fault::Fatal(e)) => return Err(e),
                Err(Fault::Retry(m) | Fault::Timeout(m)) => {
                    last = LokiError::GaveUp {
                        url: self.shown.clone(),
                        detail: m,
                    }
                }
                Err(Fault::Limit(n)) => {
                    last = LokiError::GaveUp {
                        url: self.shown.clone(),
                        detail: format!("limit {n}"),
                    }
                }
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
        Err(last)
    }

    pub async fn buildinfo(&self) -> Result<String, LokiError> {
        self.get_simple("/loki/api/v1/status/buildinfo", &[], |b| {
            Ok(wire::version(b).unwrap_or_default())
        })
        .await
    }

    pub async fn label_names(&self, start: Nanos, end: Nanos) -> Result<Vec<String>, LokiError> {
        let span = [("start", start.to_string()), ("end", end.to_string())];
        self.get_simple("/loki/api/v1/labels", &span, wire::strings)
            .await
    }

    /// The values of a label, in the streams `query` selects if given.
    pub async fn label_values(
        &self,
        name: &str,
        start: Nanos,
        end: Nanos,
        query: Option<&str>,
    ) -> Result<Vec<String>, LokiError> {
        let mut params = vec![("start", start.to_string()), ("end", end.to_string())];
        if let Some(q) = query {
            params.push(("query", q.to_string()));
        }
        let path = format!("/loki/api/v1/label/{name}/values");
        self.get_simple(&path, &params, wire::strings).await
    }

    /// A few entries, so Loki checks the query and the tenant; the names of
    /// their labels and structured metadata.
    pub async fn sample(
        &self,
        query: &str,
        start: Nanos,
        end: Nanos,
        n: usize,
    ) -> Result<std::collections::BTreeSet<String>, LokiError> {
        let params = range_params(query, start, end, n);
        self.get_simple("/loki/api/v1/query_range", &params, |b| {
            wire::entries(b)?;
            wire::label_keys(b)
        })
        .await
    }

    pub(super) fn body_error(&self, detail: String) -> LokiError {
        LokiError::Body {
            url: self.shown.clone(),
            detail,
        }
    }
}

/// A `query_range` for log lines, oldest first (kaudit always pages forward).
pub(super) fn range_params(
    query: &str,
    start: Nanos,
    end: Nanos,
    limit: usize,
) -> [(&'static str, String); 5] {
    [
        ("query", query.to_string()),
        ("start", start.to_string()),
        ("end", end.to_string()),
        ("limit", limit.to_string()),
        ("direction", "forward".to_string()),
    ]
}

/// What a TLS failure most likely means, for the operator.
pub(super) fn tls_hint(detail: &str) -> &'static str {
    if detail.contains("InvalidContentType") || detail.contains("corrupt message") {
        "; the server does not answer TLS there: is it http://?"
    } else if detail.contains("UnknownIssuer") || detail.contains("certificate") {
        "; its certificate is not trusted: give the CA with --ca-cert (LOKI_CA_CERT_PATH)"
    } else {
        ""
    }
}

/// Pause before try `attempt + 1`: 0.2 s, 0.4 s, 0.8 s … up to 5 s.
pub(super) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((200u64 << attempt.min(5)).min(5000))
}

/// `… (5001 > 5000)` in Loki's 400 for a limit over `max_entries_limit_per_query`.
fn limit_in(text: &str) -> Option<usize> {
    if !text.contains("max_entries_limit_per_query") {
        return None;
    }
    let inner = text.rsplit_once('(')?.1;
    let max = inner.split('>').nth(1)?.trim().trim_end_matches(')').trim();
    max.parse().ok().filter(|&n| n > 0)
}

/// An error and its causes, without the URL (which could carry a password).
fn chain(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    if let Some(u) = e.url() {
        out = out.replace(u.as_str(), "the request");
    }
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        let t = s.to_string();
        if !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        src = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_limit_is_read_from_its_message() {
        let text = "max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)";
        assert_eq!(limit_in(text), Some(5000));
        assert_eq!(limit_in("parse error at line 1, col 24"), None);
    }

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            shown_url("https://me:s3cret@loki.example:3100/"),
            "https://loki.example:3100"
        );
        assert!(!shown_url("http://user:pw@h").contains("pw"));
    }
}
