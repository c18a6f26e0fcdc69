//! A batch: the events of one chunk in compact form, with chunk-local ids.

use super::wire::{Str, StrList, WireEvent};
use crate::model::facet::{self, Facet};
use crate::model::intern::{Interner, ListTable, Obj, Sym, TupleTable, Verdict, Who};
use crate::model::time::parse_rfc3339;
use crate::model::{Level, Nanos, Stage};
use smallvec::SmallVec;

/// No timestamp at all on the event.
pub const NO_TIME: Nanos = Nanos::MIN;

/// An auditID: a canonical lowercase UUID packs into 128 bits; anything else
/// (`abcde12345` in some test data) is interned as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditKey {
    Uuid(u128),
    Text(Sym),
}

pub const FLAG_REQUEST_OBJECT: u8 = 1;
pub const FLAG_RESPONSE_OBJECT: u8 = 2;
/// The event may concern an investigation (see `concerns_lens`).
pub const FLAG_LENS: u8 = 4;

/// One parsed event with ids local to its batch.
#[derive(Clone, Copy, Debug)]
pub struct BatchEvent {
    pub audit: AuditKey,
    /// stageTimestamp (or v1beta1 `timestamp`), else requestReceivedTimestamp.
    pub ts: Nanos,
    /// requestReceivedTimestamp, else the event's own time.
    pub received: Nanos,
    /// Where the event's JSON text is in its source (decompressed) stream.
    pub offset: u64,
    pub len: u32,
    pub who: u32,
    pub obj: u32,
    pub verdict: u32,
    pub verb: Sym,
    /// responseStatus.code; 0 when absent.
    pub code: u16,
    pub stage: Stage,
    pub level: Level,
    pub flags: u8,
}

/// Why a record was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Not valid JSON (the parser's message).
    Invalid(String),
    InvalidUtf8,
    /// The JSON ends before the record does: a line cut short.
    Truncated,
    /// Valid JSON, but not an audit event; the text says what it looks like.
    NotAnEvent(&'static str),
}

impl SkipReason {
    pub fn is_malformed(&self) -> bool {
        !matches!(self, SkipReason::NotAnEvent(_))
    }
}

/// A skipped record at a line of its chunk (0-based until the source resolves it).
#[derive(Clone, Debug)]
pub struct Skip {
    pub line: u64,
    pub reason: SkipReason,
}

/// The output of parsing one chunk.
#[derive(Default)]
pub struct Batch {
    pub source: u32,
    /// The chunk's position in its source, for ordering and line numbers.
    pub chunk: u64,
    pub lines: u64,
    pub bytes: u64,
    pub syms: Interner,
    pub lists: ListTable,
    pub whos: TupleTable<Who>,
    pub objs: TupleTable<Obj>,
    pub verdicts: TupleTable<Verdict>,
    pub events: Vec<BatchEvent>,
    pub skipped: Vec<Skip>,
    /// Facts for some events, by their index in `events`.
    pub facets: Vec<(u32, Facet)>,
}

impl Batch {
    pub fn new(source: u32, chunk: u64) -> Self {
        Batch {
            source,
            chunk,
            ..Batch::default()
        }
    }

    /// Make a used batch ready for another chunk, keeping its memory: the
    /// consumer hands batches back, so loading allocates nothing per chunk.
    pub fn reset(&mut self, source: u32, chunk: u64) {
        self.source = source;
        self.chunk = chunk;
        self.lines = 0;
        self.bytes = 0;
        self.syms.clear();
        self.lists.clear();
        self.whos.clear();
        self.objs.clear();
        self.verdicts.clear();
        self.events.clear();
        self.skipped.clear();
        self.facets.clear();
    }

    /// Intern a wire event into this batch.
    /// `text` is the event's JSON, read again for the few events whose
    /// details the investigations need (see `model::facet`).
    pub fn push(&mut self, ev: &WireEvent<'_>, text: &[u8], offset: u64, len: u32) {
        let syms = &mut self.syms;
        let mut sym = |s: &Option<Str<'_>>| s.as_deref().map_or(Sym::NONE, |s| syms.intern(s));
        let audit = match ev.audit_id.as_deref().and_then(parse_uuid) {
            Some(u) => AuditKey::Uuid(u),
            None => AuditKey::Text(sym(&ev.audit_id)),
        };
        let user = ev.user.as_ref();
        let username = user.map_or(Sym::NONE, |u| sym(&u.username));
        let impersonated = ev
            .impersonated
            .as_ref()
            .map_or(Sym::NONE, |u| sym(&u.username));
        let agent = sym(&ev.user_agent);
        let verb = sym(&ev.verb);
        let obj = match &ev.object_ref {
            Some(o) => Obj {
                apigroup: sym(&o.api_group),
                resource: sym(&o.resource),
                subresource: sym(&o.subresource),
                namespace: sym(&o.namespace),
                name: sym(&o.name),
                path: Sym::NONE,
            },
            // A non-resource request (/healthz, /version) is known by its path.
            None => {
                let uri = request_uri(text);
                Obj {
                    path: sym(&uri
                        .as_deref()
                        .map(|u| Str(crate::model::uri::split(u).0.into()))),
                    ..Obj::default()
                }
            }
        };
        let code = ev
            .response_status
            .as_ref()
            .and_then(|s| s.code)
            .filter(|c| (1..=u16::MAX as i64).contains(c))
            .unwrap_or(0) as u16;
        let ann = ev.annotations.as_ref();
        // Messages are kept for failures only: they explain a denial; for a 200 they are noise.
        let message = match &ev.response_status {
            Some(s) if code >= 400 || code == 0 => sym(&s.message),
            _ => Sym::NONE,
        };
        let verdict = Verdict {
            decision: ann.map_or(Sym::NONE, |a| sym(&a.decision)),
            reason: ann.map_or(Sym::NONE, |a| sym(&a.reason)),
            message,
        };
        let mut list = |l: Option<&StrList<'_>>| match l {
            Some(l) => {
                let ids: SmallVec<[Sym; 8]> = l.0.iter().map(|s| self.syms.intern(s)).collect();
                self.lists.intern(&ids)
            }
            None => Default::default(),
        };
        let groups = list(user.and_then(|u| u.groups.as_ref()));
        let ips = list(ev.source_ips.as_ref());
        let imp_groups = list(ev.impersonated.as_ref().and_then(|u| u.groups.as_ref()));
        let who = self.whos.intern(Who {
            user: username,
            groups,
            impersonated,
            imp_groups,
            agent,
            ips,
        });
        if let Some(f) = facet(ev, text) {
            self.facets.push((self.events.len() as u32, f));
        }
        let ts = time(&ev.stage_ts)
            .or_else(|| time(&ev.timestamp))
            .or_else(|| time(&ev.received))
            .unwrap_or(NO_TIME);
        let received = time(&ev.received)
            .or_else(|| time(&ev.timestamp))
            .unwrap_or(ts);
        let mut flags = 0;
        if concerns_lens(ev, code) {
            flags |= FLAG_LENS;
        }
        if ev.request_object.is_some() {
            flags |= FLAG_REQUEST_OBJECT;
        }
        if ev.response_object.is_some() {
            flags |= FLAG_RESPONSE_OBJECT;
        }
        self.events.push(BatchEvent {
            audit,
            ts,
            received,
            offset,
            len,
            who,
            obj: self.objs.intern(obj),
            verdict: self.verdicts.intern(verdict),
            verb,
            code,
            stage: ev.stage.as_deref().map_or(Stage::Unknown, Stage::parse),
            level: ev.level.as_deref().map_or(Level::Unknown, Level::parse),
            flags,
        });
    }
}

/// The requestURI, decoded (Go writes `&` as `\u0026`), read from the text.
fn request_uri(text: &[u8]) -> Option<String> {
    let v = sonic_rs::get(text, ["requestURI"]).ok()?;
    sonic_rs::from_str::<String>(v.as_raw_str()).ok()
}

/// Might an investigation (`lens`) want this event's request? Decided here, on
/// the parser threads, where the strings are at hand: the lenses then pass
/// over the other requests with a bit test. A superset: each lens decides.
fn concerns_lens(ev: &WireEvent<'_>, code: u16) -> bool {
    let user = ev
        .user
        .as_ref()
        .and_then(|u| u.username.as_deref())
        .unwrap_or("");
    let o = ev.object_ref.as_ref();
    let res = o.and_then(|o| o.resource.as_deref()).unwrap_or("");
    let sub = o.and_then(|o| o.subresource.as_deref()).unwrap_or("");
    let unauthenticated = ev
        .user
        .as_ref()
        .and_then(|u| u.groups.as_ref())
        .is_some_and(|g| g.0.iter().any(|g| &**g == "system:unauthenticated"));
    res == "secrets"
        || matches!(sub, "exec" | "attach" | "portforward")
        || matches!(code, 401 | 403)
        || ev.annotations.as_ref().and_then(|a| a.decision.as_deref()) == Some("forbid")
        || ev
            .impersonated
            .as_ref()
            .is_some_and(|i| i.username.as_deref().is_some_and(|u| !u.is_empty()))
        || user.is_empty()
        || user == "system:anonymous"
        || unauthenticated
        || matches!(
            (res, sub),
            ("rolebindings" | "clusterrolebindings", "")
                | ("serviceaccounts", "token")
                | ("certificatesigningrequests", "approval")
                | ("pods", "ephemeralcontainers")
        )
}

/// The facts an investigation needs from this event's text, if any.
fn facet(ev: &WireEvent<'_>, text: &[u8]) -> Option<Facet> {
    let o = ev.object_ref.as_ref()?;
    let (res, sub) = (
        o.resource.as_deref().unwrap_or(""),
        o.subresource.as_deref().unwrap_or(""),
    );
    let has_body = ev.request_object.is_some() || ev.response_object.is_some();
    let line = || std::str::from_utf8(text).ok();
    match (res, sub) {
        ("pods", "exec" | "attach" | "portforward") => {
            Some(Facet::Exec(facet::exec_from_uri(&request_uri(text)?)))
        }
        ("pods", "ephemeralcontainers") if ev.request_object.is_some() => {
            facet::ephemeral(line()?).map(Facet::Exec)
        }
        ("secrets", _) if has_body => Some(Facet::Secret(facet::secret_body(line()?))),
        ("rolebindings" | "clusterrolebindings", "")
            if has_body && matches!(ev.verb.as_deref(), Some("create" | "update" | "patch")) =>
        {
            facet::binding(line()?).map(Facet::Binding)
        }
        _ => None,
    }
}

fn time(s: &Option<Str<'_>>) -> Option<Nanos> {
    s.as_deref().and_then(parse_rfc3339)
}

/// Lowercase hex digit values; 0xff for anything else.
const HEX: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// A canonical (lowercase, hyphenated) UUID as 128 bits. On the hot path (one
/// per event): a table lookup per digit into two 64-bit halves.
pub fn parse_uuid(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    let half = |parts: &[&[u8]]| -> Option<u64> {
        let mut v = 0u64;
        let mut bad = 0u8;
        for part in parts {
            for &c in *part {
                let d = HEX[c as usize];
                bad |= d;
                v = v << 4 | (d & 0xf) as u64;
            }
        }
        (bad & 0xf0 == 0).then_some(v)
    };
    let hi = half(&[&b[0..8], &b[9..13], &b[14..18]])?;
    let lo = half(&[&b[19..23], &b[24..36]])?;
    Some((hi as u128) << 64 | lo as u128)
}

/// The canonical text of a UUID packed by `parse_uuid`.
pub fn format_uuid(v: u128) -> String {
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Batch(source {}, chunk {}, {} events)",
            self.source,
            self.chunk,
            self.events.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_round_trip_and_rejects() {
        let s = "6cddfefb-4d01-4591-be73-563ed475f324";
        assert_eq!(parse_uuid(s).map(format_uuid).as_deref(), Some(s));
        assert_eq!(
            parse_uuid("6CDDFEFB-4d01-4591-be73-563ed475f324"),
            None,
            "uppercase is kept as text"
        );
        assert_eq!(parse_uuid("abcde12345"), None);
    }
}
