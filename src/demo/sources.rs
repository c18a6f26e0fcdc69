//! Sources of requests, each yielding plans in order of receipt: one per
//! background actor, and one for the scripted story. A plan fixes only what
//! decides the order of lines (times, stages); `build.rs` turns it into a
//! full request when the line is written.

use std::collections::VecDeque;

use super::acts::{self, Cmd};
use super::cast::{K9S, LENS, Role};
use super::event::Stage;
use super::rng::{Rng, key_seed};
use super::time::{MIN, SEC, at};
use super::world::{Actor, Kind, Timing, World};

#[derive(Clone, Copy, Debug)]
pub(crate) enum Who {
    Actor(u16),
    Script(u32),
}

/// One request, as far as ordering is concerned.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub who: Who,
    pub table: u8,
    pub cmd: u16,
    pub step: u8,
    pub agent: u8,
    /// Seed of the whole command: every request of it sees the same names.
    pub seed: u64,
    pub recv: u64,
    pub first_stage: Stage,
    pub first: u64,
    /// When a long-running request completes.
    pub second: Option<u64>,
}

pub(crate) trait Source {
    fn next(&mut self) -> Option<Plan>;
}

pub(crate) struct ActorGen<'w> {
    idx: u16,
    actor: &'w Actor,
    rng: Rng,
    density: f64,
    /// Time of the next command.
    t: u64,
    end: u64,
    queue: VecDeque<Plan>,
    session_end: u64,
    agent: u8,
}

impl<'w> ActorGen<'w> {
    pub(crate) fn new(world: &'w World, idx: usize, density: f64, start: u64, end: u64) -> Self {
        let actor = &world.actors[idx];
        let mut rng = Rng::new(key_seed(world.seed, &["actor", &idx.to_string()]));
        let t = match actor.timing {
            Timing::Every(p) => start + rng.below(scaled(p, density).max(1)),
            Timing::Poisson(g) => start + rng.exp(g as f64 / density) as u64,
            Timing::Sessions => first_session(&mut rng, actor),
        };
        let mut g = ActorGen {
            idx: idx as u16,
            actor,
            rng,
            density,
            t,
            end,
            queue: VecDeque::new(),
            session_end: 0,
            agent: 0,
        };
        if matches!(actor.timing, Timing::Sessions) {
            g.start_session(t);
        }
        g
    }

    fn start_session(&mut self, t: u64) {
        self.t = t;
        self.session_end = t + 8 * MIN + self.rng.exp(20.0 * MIN as f64) as u64;
        self.agent = self.rng.index(self.actor.agents.len()) as u8;
    }

    /// Expands the command at `self.t` into its requests.
    fn expand(&mut self) {
        let table = match self.actor.agents.get(usize::from(self.agent)) {
            Some(a) if self.actor.tables.len() > 1 && (a == K9S || a == LENS) => 1,
            _ => 0,
        };
        let cmds: &[Cmd] = &self.actor.tables[table];
        let cmd = self.rng.weighted(cmds.iter().map(|c| c.0));
        let seed = self.rng.next_u64();
        let mut recv = self.t;
        for (step, act) in cmds[cmd].1.iter().enumerate() {
            let ss = acts::step_seed(seed, step);
            let (first_stage, d1, d2) = acts::timing(act, ss, self.rng.next_u64());
            self.queue.push_back(Plan {
                who: Who::Actor(self.idx),
                table: table as u8,
                cmd: cmd as u16,
                step: step as u8,
                agent: self.agent,
                seed,
                recv,
                first_stage,
                first: recv + d1,
                second: d2.map(|d| recv + d),
            });
            // The next request of a command follows the previous answer.
            recv += d1 + 5_000 + self.rng.below(150_000);
        }
        self.t = self.t.max(recv);
    }

    /// Moves `self.t` to the next command.
    fn advance(&mut self) {
        let d = self.density;
        match self.actor.timing {
            Timing::Every(p) => {
                let p = scaled(p, d);
                self.t += p - p / 10 + self.rng.below(p / 5 + 1);
            }
            Timing::Poisson(g) => self.t += 1 + self.rng.exp(g as f64 / d) as u64,
            Timing::Sessions => {
                let gap = scaled(3 * SEC, d) + self.rng.exp(24.0 * SEC as f64 / d) as u64;
                if self.t + gap > self.session_end {
                    let idle = 5 * MIN + self.rng.exp(25.0 * MIN as f64) as u64;
                    self.start_session(self.session_end + idle);
                } else {
                    self.t += gap;
                }
            }
        }
    }
}

fn scaled(us: u64, density: f64) -> u64 {
    (us as f64 / density) as u64
}

/// People start between 8 and 9:30; SREs and admins may start at 6:30.
fn first_session(rng: &mut Rng, actor: &Actor) -> u64 {
    match actor.kind {
        Kind::Human(Role::Sre | Role::Admin) if rng.chance(400) => {
            at(6, 30, 0) + rng.below(90 * MIN)
        }
        _ => at(7, 55, 0) + rng.below(95 * MIN),
    }
}

impl Source for ActorGen<'_> {
    fn next(&mut self) -> Option<Plan> {
        loop {
            if let Some(p) = self.queue.pop_front() {
                return Some(p);
            }
            if self.t >= self.end {
                return None;
            }
            self.expand();
            self.advance();
        }
    }
}

/// The story and the fixed background events, already in order.
pub(crate) struct ScriptGen<'w> {
    world: &'w World,
    i: usize,
}

impl<'w> ScriptGen<'w> {
    pub(crate) fn new(world: &'w World) -> Self {
        ScriptGen { world, i: 0 }
    }
}

impl Source for ScriptGen<'_> {
    fn next(&mut self) -> Option<Plan> {
        let s = self.world.script.get(self.i)?;
        let p = Plan {
            who: Who::Script(self.i as u32),
            table: 0,
            cmd: 0,
            step: 0,
            agent: 0,
            seed: 0,
            recv: s.req.recv,
            first_stage: s.first_stage,
            first: s.first,
            second: s.second,
        };
        self.i += 1;
        Some(p)
    }
}
