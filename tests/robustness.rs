//! Never panic on input: real audit lines, mutated many thousand ways (bytes
//! flipped, cut, spliced, brackets and quotes and escapes inserted), go
//! through chunk cutting, parsing, the index, the filter and redaction.

mod common;
use kaudit::index::Index;
use kaudit::model::redact::redact_line;
use kaudit::parse::{Batch, frame, parse_chunk};
use kaudit::query::{Matcher, Window, parser, select};

/// SplitMix64: deterministic, so a failure reproduces.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INSERTS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"\\",
    b"\\u",
    b"\\ud800",
    b",",
    b":",
    b"\n",
    b"\r",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"{\"auditID\":\"x\",\"verb\":\"get\",\"stage\":\"Panic\"}",
    b"null",
    b"1e999",
    b"-",
    b"\xef\xbb\xbf",
];

fn mutate(line: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = line.to_vec();
    for _ in 0..1 + rng.below(4) {
        if v.is_empty() {
            v.extend_from_slice(INSERTS[rng.below(INSERTS.len())]);
            continue;
        }
        let at = rng.below(v.len());
        match rng.below(5) {
            0 => v[at] ^= 1 << rng.below(8),
            1 => v.truncate(at),
            2 => {
                let ins = INSERTS[rng.below(INSERTS.len())];
                v.splice(at..at, ins.iter().copied());
            }
            3 => {
                let end = (at + rng.below(64)).min(v.len());
                v.drain(at..end);
            }
            _ => {
                let other = v[rng.below(v.len())..].to_vec();
                v.truncate(at);
                v.extend_from_slice(&other);
            }
        }
    }
    v
}

#[test]
fn mutated_input_never_panics() {
    let sample = std::fs::read(common::fixtures().join("corpus/apiserver/sample-audit.log"))
        .expect("sample");
    let thm =
        std::fs::read(common::fixtures().join("corpus/native/thm-aoc2024-day22-minikube.jsonl"))
            .expect("thm");
    let lines: Vec<&[u8]> = sample
        .split(|&b| b == b'\n')
        .chain(thm.split(|&b| b == b'\n'))
        .filter(|l| !l.is_empty())
        .collect();
    let mut rng = Rng(42);
    let mut idx = Index::new();
    let mut loaded = 0usize;
    for round in 0..40 {
        let mut buf = Vec::new();
        for _ in 0..500 {
            let line = lines[rng.below(lines.len())];
            let m = if rng.below(4) == 0 {
                line.to_vec()
            } else {
                mutate(line, &mut rng)
            };
            buf.extend_from_slice(&m);
            buf.push(b'\n');
        }
        // Cut as the pipeline does, at every cut point a prefix offers.
        let mut start = 0;
        while start < buf.len() {
            let window = &buf[start..(start + 1 + rng.below(64 << 10)).min(buf.len())];
            let cut = frame::last_cut(window)
                .filter(|&c| c > 0)
                .unwrap_or(window.len());
            let mut b = Batch::new(0, round);
            parse_chunk(&buf[start..start + cut], start as u64, &mut b);
            for e in &b.events {
                let raw = &buf[e.offset as usize..e.offset as usize + e.len as usize];
                let _ = redact_line(raw);
                let _ = frame::minify(raw);
            }
            loaded += b.events.len();
            idx.apply(&b);
            start += cut;
        }
    }
    assert!(
        loaded > 5_000,
        "a quarter of the lines are unmutated, and some mutants still are events: {loaded}"
    );
    for f in [
        "@denied -user:system:*",
        "code:>=400 @humans",
        "resource:pods/exec,secrets ns:\"\"",
        "kube",
    ] {
        let m = Matcher::new(&parser::parse(f).expect("filter"), &idx);
        let _ = select(
            &mut idx,
            &m,
            Window::default(),
            &mut kaudit::model::NoRaw,
            true,
        );
    }
    let t = &idx.tally;
    assert_eq!(t.requests as usize, idx.requests.len());
}

#[test]
fn random_filters_never_panic() {
    let mut rng = Rng(7);
    let alphabet: Vec<char> = "ab:-@\"\\*,/<>=4x0 user ns code verb \u{e9}\t"
        .chars()
        .collect();
    for _ in 0..20_000 {
        let s: String = (0..rng.below(24))
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        if let Err(e) = parser::parse(&s) {
            assert!(
                e.column >= 1 && e.column <= s.chars().count() + 1,
                "{s:?}: {e}"
            );
        }
    }
}
