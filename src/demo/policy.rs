//! The cluster's audit policy: which level each request is logged at.

use super::cast::{Res, SECRETS};
use super::event::Level;
use super::time::at;

/// 09:30:00Z: secrets go from `Metadata` to `RequestResponse`.
pub(crate) const SECRETS_CHANGE: u64 = at(9, 30, 0);

/// Decided when the request is received, as the apiserver does.
pub(crate) fn level(res: &Res, verb: &str, sub: &str, recv: u64) -> Level {
    let write = matches!(
        verb,
        "create" | "update" | "patch" | "delete" | "deletecollection"
    );
    if res.name == SECRETS.name && res.group.is_empty() {
        if recv >= SECRETS_CHANGE {
            Level::RequestResponse
        } else {
            Level::Metadata
        }
    } else if res.group == "rbac.authorization.k8s.io" && write {
        Level::RequestResponse
    } else if res.name == "pods" && res.group.is_empty() && verb == "create" && sub.is_empty() {
        Level::Request
    } else {
        Level::Metadata
    }
}
