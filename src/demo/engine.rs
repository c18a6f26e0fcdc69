//! The merge: sources yield requests in order of receipt; their lines wait
//! in a heap until no source can produce an earlier one, then come out in
//! stageTimestamp order. Memory holds only lines not yet due (mostly open
//! watches), never the whole log.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::io;

use super::event::Stage;
use super::sources::{Plan, Source};

/// One line due to be written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line {
    pub at: u64,
    pub stage: Stage,
    pub plan: Plan,
    /// Push order: breaks ties between equal times, deterministically.
    seq: u64,
}

impl PartialEq for Line {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Line {}
impl PartialOrd for Line {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Line {
    // Reversed: BinaryHeap is a max-heap and we want the earliest line.
    fn cmp(&self, o: &Self) -> Ordering {
        (o.at, o.seq).cmp(&(self.at, self.seq))
    }
}

/// Writes lines in order until `limit` lines or the window's `end`
/// (exclusive); returns how many were written.
pub(crate) fn merge(
    mut sources: Vec<Box<dyn Source + '_>>,
    end: u64,
    limit: usize,
    mut sink: impl FnMut(&Line) -> io::Result<()>,
) -> io::Result<usize> {
    // Sources by the receipt time of their next plan (then by index, for ties).
    let mut next: Vec<Option<Plan>> = sources.iter_mut().map(|s| s.next()).collect();
    let mut ready: BinaryHeap<std::cmp::Reverse<(u64, usize)>> = next
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| std::cmp::Reverse((p.recv, i))))
        .collect();
    let mut pending: BinaryHeap<Line> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut written = 0usize;
    loop {
        // Every line still to come is later than the next receipt.
        let horizon = ready.peek().map_or(u64::MAX, |r| r.0.0).min(end);
        while let Some(top) = pending.peek() {
            if top.at > horizon || top.at >= end {
                break;
            }
            if written == limit {
                return Ok(written);
            }
            sink(top)?;
            written += 1;
            pending.pop();
        }
        let Some(std::cmp::Reverse((recv, i))) = ready.pop() else {
            break;
        };
        if recv >= end {
            continue; // this source is done: its plans only get later
        }
        if let Some(plan) = next[i].take() {
            let mut push = |at: u64, stage: Stage| {
                if at < end {
                    seq += 1;
                    pending.push(Line {
                        at,
                        stage,
                        plan,
                        seq,
                    });
                }
            };
            push(plan.first, plan.first_stage);
            if let Some(at) = plan.second {
                push(at, Stage::Complete);
            }
        }
        next[i] = sources[i].next();
        if let Some(p) = next[i] {
            ready.push(std::cmp::Reverse((p.recv, i)));
        }
    }
    Ok(written)
}
