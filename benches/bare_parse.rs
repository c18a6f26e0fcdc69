//! The baseline kaudit's load is measured against: split lines and parse the
//! fields the index needs into a borrowed struct, nothing else (no interning,
//! no index). `cargo bench --bench bare_parse -- FILE [THREADS] [sonic|serde]`.
//! Strings borrow unless escaped, as in kaudit; the struct is this file's own.

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, Visitor};
use std::borrow::Cow;
use std::time::Instant;

struct S<'a>(#[allow(dead_code)] Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for S<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = S<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(S(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(S(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct User<'a> {
    #[serde(borrow)]
    username: Option<S<'a>>,
    #[serde(borrow)]
    groups: Option<Vec<S<'a>>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Obj<'a> {
    #[serde(borrow)]
    resource: Option<S<'a>>,
    #[serde(borrow)]
    namespace: Option<S<'a>>,
    #[serde(borrow)]
    name: Option<S<'a>>,
    #[serde(borrow, rename = "apiGroup")]
    api_group: Option<S<'a>>,
    #[serde(borrow)]
    subresource: Option<S<'a>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Status<'a> {
    code: Option<i64>,
    #[serde(borrow)]
    message: Option<S<'a>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Ann<'a> {
    #[serde(borrow, rename = "authorization.k8s.io/decision")]
    decision: Option<S<'a>>,
    #[serde(borrow, rename = "authorization.k8s.io/reason")]
    reason: Option<S<'a>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Event<'a> {
    #[serde(borrow, rename = "auditID")]
    audit_id: Option<S<'a>>,
    #[serde(borrow)]
    stage: Option<S<'a>>,
    #[serde(borrow)]
    level: Option<S<'a>>,
    #[serde(borrow)]
    verb: Option<S<'a>>,
    #[serde(borrow, rename = "requestURI")]
    uri: Option<S<'a>>,
    #[serde(borrow)]
    user: Option<User<'a>>,
    #[serde(borrow, rename = "impersonatedUser")]
    imp: Option<User<'a>>,
    #[serde(borrow, rename = "sourceIPs")]
    ips: Option<Vec<S<'a>>>,
    #[serde(borrow, rename = "userAgent")]
    ua: Option<S<'a>>,
    #[serde(borrow, rename = "objectRef")]
    obj: Option<Obj<'a>>,
    #[serde(borrow, rename = "responseStatus")]
    status: Option<Status<'a>>,
    #[serde(rename = "requestObject")]
    req_obj: Option<IgnoredAny>,
    #[serde(rename = "responseObject")]
    resp_obj: Option<IgnoredAny>,
    #[serde(borrow, rename = "requestReceivedTimestamp")]
    received: Option<S<'a>>,
    #[serde(borrow, rename = "stageTimestamp")]
    stage_ts: Option<S<'a>>,
    #[serde(borrow)]
    annotations: Option<Ann<'a>>,
}

fn parse_range(data: &[u8], serde: bool) -> u64 {
    let mut n = 0;
    for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let ok = if serde {
            serde_json::from_slice::<Event>(line).is_ok()
        } else {
            sonic_rs::from_slice::<Event>(line).is_ok()
        };
        n += u64::from(ok);
    }
    n
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(path) = args.first() else {
        eprintln!("usage: bare_parse FILE [THREADS] [sonic|serde]");
        std::process::exit(2);
    };
    let threads: usize = args.get(1).and_then(|t| t.parse().ok()).unwrap_or(2);
    let serde = args.get(2).is_some_and(|p| p == "serde");
    let t0 = Instant::now();
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let read_secs = t0.elapsed().as_secs_f64();
    // Cut into `threads` parts on newlines.
    let mut cuts = vec![0];
    for i in 1..threads {
        let at = data.len() * i / threads;
        cuts.push(memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |p| at + p + 1));
    }
    cuts.push(data.len());
    let events: u64 = std::thread::scope(|s| {
        let hs: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let part = &data[w[0]..w[1]];
                s.spawn(move || parse_range(part, serde))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{} {} threads: {events} events, {:.3} s ({:.3} s reading, {:.3} s parsing), {:.2} GB/s",
        if serde { "serde_json" } else { "sonic-rs" },
        threads,
        secs,
        read_secs,
        secs - read_secs,
        data.len() as f64 / secs / 1e9
    );
}
