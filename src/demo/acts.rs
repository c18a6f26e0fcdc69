//! The vocabulary of background activity: an action (verb, resource, what
//! it targets), commands as short sequences of actions (as `kubectl
//! describe` is a get plus an events list), and when their lines fall.
//! The tables themselves are in `commands.rs`.

use super::cast::{NONRES, Res};
use super::event::Stage;
use super::rng::mix;
use super::time::SEC;

#[derive(Clone, Copy)]
pub(crate) enum What {
    /// One named object (in a namespace, or cluster-scoped).
    One,
    /// A collection in one namespace (or a cluster-scoped collection).
    Coll,
    /// A collection across all namespaces.
    AllNs,
    /// A non-resource URL: no objectRef.
    Path(&'static str),
    /// A fixed object: namespace, name (leases, the `kubernetes` service…).
    Named(&'static str, &'static str),
    /// A kubelet's own Node or node Lease.
    OwnNode,
    /// One object by `fieldSelector`, as kubelets list and watch what their pods use.
    FieldSel,
    /// `pods/log` with `follow=true`: long-running.
    Follow,
    /// Events about the object the command's first step touched.
    Describe,
}

#[derive(Clone, Copy)]
pub(crate) struct Act {
    pub verb: &'static str,
    pub res: &'static Res,
    pub sub: &'static str,
    pub what: What,
}

pub(crate) const fn a(verb: &'static str, res: &'static Res, what: What) -> Act {
    Act {
        verb,
        res,
        sub: "",
        what,
    }
}

pub(crate) const fn s(verb: &'static str, res: &'static Res, sub: &'static str, what: What) -> Act {
    Act {
        verb,
        res,
        sub,
        what,
    }
}

pub(crate) const fn path(p: &'static str) -> Act {
    Act {
        verb: "get",
        res: &NONRES,
        sub: "",
        what: What::Path(p),
    }
}

pub(crate) type Cmd = (u32, &'static [Act]);

/// A watch's `timeoutSeconds`, from its step seed so the URI and the
/// completion time agree.
pub(crate) fn watch_seconds(step_seed: u64) -> u64 {
    300 + step_seed % 300
}

/// The step seed: distinct per request of one command.
pub(crate) fn step_seed(cmd_seed: u64, step: usize) -> u64 {
    mix(cmd_seed ^ (step as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// When a request's lines are written, relative to its receipt: the first
/// line's stage and delay, and the completion delay of a long-running one.
pub(crate) fn timing(act: &Act, step_seed: u64, lat: u64) -> (Stage, u64, Option<u64>) {
    let started = 200 + lat % 1200;
    if act.verb == "watch" {
        let d = watch_seconds(step_seed) * SEC + (step_seed >> 12) % (2 * SEC);
        return (Stage::Started, started, Some(started + d));
    }
    if matches!(act.what, What::Follow) {
        let d = (30 + (step_seed >> 12) % 870) * SEC;
        return (Stage::Started, started, Some(started + d));
    }
    let base = match act.verb {
        "list" => 2_000 + lat % 40_000,
        "create" | "update" | "patch" | "delete" => 1_500 + lat % 9_000,
        _ => 350 + lat % 4_000,
    };
    (Stage::Complete, base, None)
}
