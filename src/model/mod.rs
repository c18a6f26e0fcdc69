//! The audit.k8s.io vocabulary: stages, levels, identities. No I/O.

pub mod facet;
pub mod intern;
pub mod json;
pub mod redact;
pub mod text;
pub mod time;
pub mod uri;

pub use time::Nanos;

/// The stage of a request an event was written at. Ranked so that the most
/// complete stage of a request describes it (SPEC §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(u8)]
pub enum Stage {
    /// A stage name this version does not know; kept so the event is not lost.
    #[default]
    Unknown = 0,
    RequestReceived = 1,
    ResponseStarted = 2,
    ResponseComplete = 3,
    Panic = 4,
}

impl Stage {
    pub fn parse(s: &str) -> Stage {
        match s {
            "RequestReceived" => Stage::RequestReceived,
            "ResponseStarted" => Stage::ResponseStarted,
            "ResponseComplete" => Stage::ResponseComplete,
            "Panic" => Stage::Panic,
            _ => Stage::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Unknown => "",
            Stage::RequestReceived => "RequestReceived",
            Stage::ResponseStarted => "ResponseStarted",
            Stage::ResponseComplete => "ResponseComplete",
            Stage::Panic => "Panic",
        }
    }

    /// How complete a request is known to be at this stage. Panic is as final as
    /// ResponseComplete: either ends the request.
    pub fn completeness(self) -> u8 {
        match self {
            Stage::Unknown => 0,
            Stage::RequestReceived => 1,
            Stage::ResponseStarted => 2,
            Stage::ResponseComplete | Stage::Panic => 3,
        }
    }

    pub fn from_u8(v: u8) -> Stage {
        match v {
            1 => Stage::RequestReceived,
            2 => Stage::ResponseStarted,
            3 => Stage::ResponseComplete,
            4 => Stage::Panic,
            _ => Stage::Unknown,
        }
    }
}

/// The audit policy level an event was logged at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(u8)]
pub enum Level {
    #[default]
    Unknown = 0,
    None = 1,
    Metadata = 2,
    Request = 3,
    RequestResponse = 4,
}

impl Level {
    pub fn parse(s: &str) -> Level {
        match s {
            "None" => Level::None,
            "Metadata" => Level::Metadata,
            "Request" => Level::Request,
            "RequestResponse" => Level::RequestResponse,
            _ => Level::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unknown => "",
            Level::None => "None",
            Level::Metadata => "Metadata",
            Level::Request => "Request",
            Level::RequestResponse => "RequestResponse",
        }
    }

    pub fn from_u8(v: u8) -> Level {
        match v {
            1 => Level::None,
            2 => Level::Metadata,
            3 => Level::Request,
            4 => Level::RequestResponse,
            _ => Level::Unknown,
        }
    }
}

/// A username as tables and screens show it: a failed authentication has none.
pub fn user_shown(username: &str) -> &str {
    if username.is_empty() {
        "(no user)"
    } else {
        username
    }
}

/// SPEC §2 `@humans`: a username is present and is not a `system:` identity.
pub fn is_human(username: &str) -> bool {
    !username.is_empty() && !username.starts_with("system:")
}

/// SPEC §2 `@denied` on one (event or request): answered 401/403, or the authorizer said forbid.
pub fn is_denied(code: Option<u16>, decision: &str) -> bool {
    matches!(code, Some(401 | 403)) || decision == "forbid"
}

/// The verbs SPEC §2 `@writes` names.
pub const WRITE_VERBS: [&str; 5] = ["create", "update", "patch", "delete", "deletecollection"];

/// Annotation keys the authorizer writes.
pub const DECISION_KEY: &str = "authorization.k8s.io/decision";
pub const REASON_KEY: &str = "authorization.k8s.io/reason";

/// Access to the raw text of events (kept by the sources); the query and the
/// exports read through it without knowing where the bytes live.
pub trait RawAccess {
    fn line(&mut self, input: u32, offset: u64, len: u32) -> std::io::Result<&[u8]>;

    /// A hint: the next lines asked for lie in `start..end` of `input`.
    fn ahead(&mut self, _input: u32, _start: u64, _end: u64) {}

    /// One top-level string field of the event's JSON, decoded.
    fn field(&mut self, input: u32, offset: u64, len: u32, key: &str) -> Option<String> {
        field(self.line(input, offset, len).ok()?, key)
    }
}

/// One top-level string field of an event's JSON line, decoded.
pub fn field(line: &[u8], key: &str) -> Option<String> {
    let v = sonic_rs::get(line, [key]).ok()?;
    sonic_rs::from_str::<String>(v.as_raw_str()).ok()
}

/// For callers that keep no raw text: every read fails.
pub struct NoRaw;

impl RawAccess for NoRaw {
    fn line(&mut self, _: u32, _: u64, _: u32) -> std::io::Result<&[u8]> {
        Err(std::io::Error::other("the raw text of events was not kept"))
    }
}
