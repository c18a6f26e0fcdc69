//! A deterministic demo incident: a realistic kube-apiserver audit log
//! (`audit.k8s.io/v1` Event JSON lines) of one morning on cluster
//! `prod-eu-1`, with a compromised developer account hidden in the noise.
//! See `docs/demo.md` for the story and `facts` for its exact details.
//!
//! ```text
//!  story.rs, benign.rs: scripted requests at fixed times ──┐
//!  world.rs: background actors ── sources.rs: plans ───────┤
//!        engine.rs: heap merge, lines by stageTimestamp ◄──┘
//!        ── build.rs (plan -> request) ── event.rs (request -> JSON line)
//! ```
//!
//! The story never depends on the event count: `write_demo` scales the
//! background's density so the total is exactly `events` lines.

mod acts;
mod benign;
mod build;
mod cast;
mod commands;
mod engine;
mod event;
pub mod facts;
mod json;
mod objects;
mod policy;
mod rng;
mod script;
mod secrets;
mod sources;
mod story;
mod target;
mod time;
mod world;

#[cfg(test)]
mod tests;

use std::io::{self, Write};

use engine::Line;
use sources::{ActorGen, ScriptGen, Source, Who};
use world::World;

/// What to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoOptions {
    /// Exactly this many lines.
    pub events: usize,
    /// Same seed, same bytes; another seed, another (equally true) log.
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            events: 60_000,
            seed: 1,
        }
    }
}

/// The smallest log that still holds the whole story with background around it.
pub const MIN_EVENTS: usize = 2_000;

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoStats {
    pub events: usize,
    /// stageTimestamp of the first and last line (RFC 3339, microseconds).
    pub first: String,
    pub last: String,
}

const START: u64 = time::at(6, 0, 0);
const END: u64 = time::at(12, 30, 0);
/// The background is tuned to run out of room around here, so the log
/// spans the whole morning yet ends before `END`.
const TARGET_END: u64 = time::at(12, 20, 0);
const EARLIEST_END: u64 = time::at(12, 0, 0);

fn all_sources(world: &World, density: f64) -> Vec<Box<dyn Source + '_>> {
    let mut v: Vec<Box<dyn Source + '_>> = vec![Box::new(ScriptGen::new(world))];
    for i in 0..world.actors.len() {
        v.push(Box::new(ActorGen::new(world, i, density, START, END)));
    }
    v
}

/// Lines before `TARGET_END` at `density`, and when the `n`th line falls
/// (none if the window holds fewer).
fn dry_run(world: &World, density: f64, n: usize) -> io::Result<(usize, Option<u64>)> {
    let (mut before, mut count, mut at_n) = (0usize, 0usize, None);
    engine::merge(all_sources(world, density), END, usize::MAX, |l| {
        count += 1;
        before += usize::from(l.at < TARGET_END);
        if count == n {
            at_n = Some(l.at);
        }
        Ok(())
    })?;
    Ok((before, at_n))
}

/// Finds a background density at which the `n`th line falls between
/// `EARLIEST_END` and `END`. Line counts grow about linearly with density,
/// so one dry run (no formatting) at density 1 predicts it, and one more
/// checks; a few more correct a bad guess.
fn calibrate(world: &World, n: usize) -> io::Result<f64> {
    let script = world.script.len() as f64;
    let background = |before: usize| (before as f64 - script).max(1.0);
    let (base, _) = dry_run(world, 1.0, n)?;
    let mut density = (n as f64 - script).max(1.0) / background(base);
    for _ in 0..12 {
        let (before, at_n) = dry_run(world, density, n)?;
        match at_n {
            Some(t) if t >= EARLIEST_END => return Ok(density),
            _ => density *= (n as f64 - script).max(1.0) / background(before),
        }
    }
    Err(io::Error::other(
        "kaudit demo: could not fit the events into the demo window",
    ))
}

/// Writes exactly `opts.events` lines (an error if fewer than
/// `MIN_EVENTS`), sorted by stageTimestamp. Deterministic: the same options
/// give the same bytes on any machine. Memory does not grow with the count.
pub fn write_demo(opts: &DemoOptions, out: &mut dyn Write) -> io::Result<DemoStats> {
    if opts.events < MIN_EVENTS {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "the demo needs at least {MIN_EVENTS} events to hold its story (asked for {})",
                opts.events
            ),
        ));
    }
    let world = World::new(opts.seed);
    let density = calibrate(&world, opts.events)?;
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    let mut buf = String::with_capacity(8 << 10);
    let (mut first, mut last) = (None, 0u64);
    let written = engine::merge(
        all_sources(&world, density),
        END,
        opts.events,
        |l: &Line| {
            buf.clear();
            match l.plan.who {
                Who::Script(i) => world.script[i as usize].req.render(l.stage, l.at, &mut buf),
                Who::Actor(a) => {
                    build::request(&world, usize::from(a), &l.plan).render(l.stage, l.at, &mut buf)
                }
            }
            first.get_or_insert(l.at);
            last = l.at;
            w.write_all(buf.as_bytes())
        },
    )?;
    w.flush()?;
    if written != opts.events {
        return Err(io::Error::other(
            "kaudit demo: wrote fewer events than asked",
        ));
    }
    Ok(DemoStats {
        events: written,
        first: time::micro(first.unwrap_or(START)),
        last: time::micro(last),
    })
}
