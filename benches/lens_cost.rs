//! What the investigations cost next to loading: the lenses updated after
//! every batch while loading (as the TUI and live tail will), a one-shot build
//! over the whole index, and the findings.
//! `cargo bench --bench lens_cost -- FILE`

use kaudit::index::Index;
use kaudit::lens::{Lenses, findings::findings};
use kaudit::source::{self, LoadOptions, SourceMsg, SourceSpec};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(path) = args.first() else {
        eprintln!("usage: lens_cost FILE");
        std::process::exit(2);
    };
    let t0 = Instant::now();
    let opened = source::open(&[SourceSpec::Path(path.into())]).unwrap_or_else(|e| panic!("{e}"));
    let loading = source::start(
        opened.inputs,
        LoadOptions {
            keep_raw: false,
            ..LoadOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut idx = Index::new();
    let mut lenses = Lenses::default();
    let mut in_lenses = Duration::ZERO;
    for msg in loading.rx.iter() {
        match msg {
            SourceMsg::Batch(b) => {
                idx.apply(&b);
                loading.recycle(b);
                let t = Instant::now();
                lenses.update(&idx);
                in_lenses += t.elapsed();
            }
            SourceMsg::Done => break,
            _ => {}
        }
    }
    let load = t0.elapsed();
    let t = Instant::now();
    let once = Lenses::of(&idx, &(0..idx.requests.len() as u32).collect::<Vec<_>>());
    let one_shot = t.elapsed();
    let t = Instant::now();
    let f = findings(&idx, &lenses);
    let find = t.elapsed();
    let pct = |d: Duration| 100.0 * d.as_secs_f64() / load.as_secs_f64();
    println!(
        "{} events, {} requests; load with incremental lenses {:.3} s",
        idx.events.len(),
        idx.requests.len(),
        load.as_secs_f64()
    );
    println!(
        "lenses updated after each batch: {:.3} s in total ({:.1}% of the load)",
        in_lenses.as_secs_f64(),
        pct(in_lenses)
    );
    println!(
        "lenses built once over everything: {:.3} s ({:.1}%)",
        one_shot.as_secs_f64(),
        pct(one_shot)
    );
    println!(
        "findings: {} in {:.3} s ({:.1}%)",
        f.len(),
        find.as_secs_f64(),
        pct(find)
    );
    println!(
        "lens entries: {} secrets accesses, {} refusals, {} sessions",
        once.secrets.accesses.len(),
        once.denied.refusals.len(),
        once.exec.sessions.len()
    );
}
