//! A row of the events table, built only for the rows on screen.

use super::super::theme::Role;
use super::super::view::user_role;
use super::table::Cells;
use crate::index::{EventId, Index};
use crate::model::text::place;
use crate::model::time::Clock;

/// `mark`: the event is marked, with this note (empty: none).
pub fn cells(idx: &Index, clock: Clock, e: EventId, mark: Option<&str>) -> Cells {
    let marked = mark.is_some();
    let ev = &idx.events[e as usize];
    let who = idx.who(ev);
    let o = idx.obj(ev);
    let k = idx.known;
    let user = idx.s(who.user);
    let resource = match (idx.s(o.resource), idx.s(o.subresource)) {
        ("", _) => idx.s(o.path).to_string(),
        (r, "") => r.to_string(),
        (r, s) => format!("{r}/{s}"),
    };
    let target = if o.resource.is_none() {
        String::new()
    } else {
        place(idx.s(o.namespace), idx.s(o.name))
    };
    let denied = matches!(ev.code, 401 | 403) || idx.verdict(ev).decision == k.forbid;
    let role = if denied {
        Role::Denied
    } else if o.resource == k.secrets {
        Role::Secret
    } else if [k.exec, k.attach, k.portforward].contains(&o.subresource) && !o.subresource.is_none()
    {
        Role::Exec
    } else {
        user_role(user)
    };
    Cells {
        cells: vec![
            match mark {
                Some("") => "●".into(),
                Some(_) => "✎".into(),
                None => " ".into(),
            },
            clock.show(ev.ts),
            crate::model::user_shown(user).to_string(),
            idx.s(ev.verb).to_string(),
            resource,
            target,
            if ev.code == 0 {
                "-".into()
            } else {
                ev.code.to_string()
            },
        ],
        role,
        depth: 0,
        first: marked.then_some(Role::Mark),
    }
}
