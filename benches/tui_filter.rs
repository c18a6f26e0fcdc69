//! How long the TUI takes to answer a filter change: from Enter on the
//! filter bar to the next frame drawn, over a loaded session (target: 50 ms
//! at 1,000,000 events). Measured on the events screen and on the overview,
//! which also rebuilds the histogram, tallies and findings.
//! `cargo bench --bench tui_filter -- FILE`

use kaudit::source::SourceSpec;
use kaudit::tui::runtime::headless;
use kaudit::tui::testkit::{command, draw, keys, typ};
use kaudit::tui::theme::Theme;
use std::time::{Duration, Instant};

const FILTERS: &[&str] = &[
    "user:jordan.lee@corp.example",
    "@secrets",
    "-user:system:*",
    "@denied",
    "verb:get,list ns:kube-system",
    "jordan",
    "",
];

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(path) = args.first() else {
        eprintln!("usage: tui_filter FILE");
        std::process::exit(2);
    };
    let t = Instant::now();
    let mut st =
        headless(&[SourceSpec::Path(path.into())], (120, 40), 0).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{} events loaded in {:.1} s (one parse worker)",
        st.idx.events.len(),
        t.elapsed().as_secs_f64()
    );
    let theme = Theme::default_theme();
    for screen in ["events", "overview"] {
        command(&mut st, screen);
        println!("\n{screen} screen, 120x40: filter → frame drawn (min / median of 5)");
        for f in FILTERS {
            let mut times = Vec::new();
            let mut shown = 0;
            for _ in 0..5 {
                keys(&mut st, &["/", "ctrl-u"]);
                typ(&mut st, f);
                let t = Instant::now();
                keys(&mut st, &["enter"]);
                draw(&st, &theme);
                times.push(t.elapsed());
                shown = st.scope.events.len();
            }
            times.sort();
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            println!(
                "  {:<32} {:>8.1} / {:>6.1} ms  {:>9} events",
                if f.is_empty() { "(cleared)" } else { f },
                ms(times[0]),
                ms(times[2]),
                shown
            );
        }
    }
}
