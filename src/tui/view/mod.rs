//! What the screens show, derived from the index for the current filter and
//! time window: built in `update` (render only draws it), and only for the
//! screen on show, because some of it is costly over a million events.

use super::theme::Role;
use crate::index::groups::Tally;
use crate::index::{EventId, Index, ReqId};
use crate::lens::Lenses;
use crate::lens::findings::{Lens, Ranking, Severity};
use crate::lens::identity::{Class, class};
use crate::model::Nanos;
use crate::model::intern::Sym;
use crate::model::time::Clock;
use crate::query::Selection;
use std::collections::HashSet;
use std::sync::Arc;

/// A screen's subject.
#[derive(Debug, Clone, PartialEq)]
pub enum Page {
    Overview,
    Users,
    /// One user: their verbs and objects, then their events.
    User(Sym),
    Objects,
    Secrets,
    Denied,
    Exec,
    Findings,
    /// Every selected event.
    Events,
    /// Some events: an object's history, a secret's accesses, evidence …
    /// Kept as their source, so a new filter or more data applies to them.
    List {
        title: String,
        about: String,
        of: Listed,
    },
    Detail(EventId),
    Marks,
}

impl Page {
    pub fn title(&self, idx: &Index) -> String {
        match self {
            Page::Overview => "Overview".into(),
            Page::Users => "Users".into(),
            Page::User(u) => idx.s(*u).to_string(),
            Page::Objects => "Objects".into(),
            Page::Secrets => "Secrets".into(),
            Page::Denied => "Denied".into(),
            Page::Exec => "Exec".into(),
            Page::Findings => "Findings".into(),
            Page::Events => "Events".into(),
            Page::List { title, .. } => title.clone(),
            Page::Detail(_) => "Event".into(),
            Page::Marks => "Marked".into(),
        }
    }
}

/// Where a list of events comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Listed {
    Requests(Arc<Vec<ReqId>>),
    /// An object's history (an `obj_keys` id).
    Object(u32),
}

/// What Enter does on a row. Lists of events are named here and built only
/// when opened.
#[derive(Debug, Clone, PartialEq)]
pub enum Open {
    Page(Page),
    /// The selected events of these requests.
    Requests {
        title: String,
        about: String,
        reqs: Vec<ReqId>,
    },
    /// An object's history (an `obj_keys` id).
    Object(u32),
    /// Expand or collapse a group.
    Toggle(String),
    /// Narrow the time window to the histogram's bucket.
    Histogram,
    Nothing,
}

impl Open {
    /// The page this opens, if it opens one.
    pub fn page(self, idx: &Index) -> Option<Page> {
        match self {
            Open::Page(p) => Some(p),
            Open::Requests { title, about, reqs } => Some(Page::List {
                title,
                about,
                of: Listed::Requests(Arc::new(reqs)),
            }),
            Open::Object(k) => Some(Page::List {
                title: idx.object_label(idx.obj_keys.get(k)),
                about: "every request on it, in time order".into(),
                of: Listed::Object(k),
            }),
            Open::Toggle(_) | Open::Histogram | Open::Nothing => None,
        }
    }
}

/// One row of a list screen, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<String>,
    pub role: Role,
    /// Indentation in a tree.
    pub depth: u8,
    pub open: Open,
}

impl Row {
    fn new(cells: Vec<String>, role: Role, open: Open) -> Row {
        Row {
            cells,
            role,
            depth: 0,
            open,
        }
    }
}

/// A column: header, whether it shares the room (and its weight), and whether
/// a cut keeps the end of the text (names).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Col {
    pub header: &'static str,
    pub flex: bool,
    pub weight: usize,
    pub name: bool,
    pub right: bool,
}

const fn text(h: &'static str, weight: usize) -> Col {
    Col {
        header: h,
        flex: true,
        weight,
        name: false,
        right: false,
    }
}
const fn name(h: &'static str, weight: usize) -> Col {
    Col {
        header: h,
        flex: true,
        weight,
        name: true,
        right: false,
    }
}
const fn fixed(h: &'static str) -> Col {
    Col {
        header: h,
        flex: false,
        weight: 1,
        name: false,
        right: false,
    }
}
const fn num(h: &'static str) -> Col {
    Col {
        header: h,
        flex: false,
        weight: 1,
        name: false,
        right: true,
    }
}

pub const EVENT_COLS: &[Col] = &[
    fixed(" "),
    fixed("TIME"),
    name("USER", 2),
    fixed("VERB"),
    text("RESOURCE", 2),
    name("NAMESPACE/NAME", 3),
    num("CODE"),
];
const USER_COLS: &[Col] = &[
    name("USER", 3),
    num("REQS"),
    num("DENIED"),
    num("SECRETS"),
    num("EXEC"),
    fixed("FIRST"),
    fixed("LAST"),
];
const OBJECT_COLS: &[Col] = &[
    name("OBJECT", 3),
    num("REQS"),
    text("USERS", 2),
    fixed("LAST"),
];
const SECRET_COLS: &[Col] = &[
    name("SECRET", 3),
    num("REQS"),
    fixed("LAST"),
    text("WHO", 2),
    text("NOTES", 2),
];
const DENIED_COLS: &[Col] = &[
    name("WHO", 3),
    num("REFUSED"),
    fixed("LAST"),
    text("TRIED", 3),
    text("FINDINGS", 1),
];
const EXEC_COLS: &[Col] = &[
    fixed("START"),
    name("USER", 2),
    name("TARGET", 2),
    text("WHAT", 3),
    fixed("TIME"),
];
const FINDING_COLS: &[Col] = &[fixed("SEV"), fixed("WHEN"), name("WHO", 2), text("WHAT", 5)];

/// A screen's content.
#[derive(Debug, Clone)]
pub enum Body {
    Rows {
        columns: &'static [Col],
        rows: Vec<Row>,
        header: Vec<(String, Role)>,
    },
    Events {
        header: Vec<(String, Role)>,
        events: Arc<Vec<EventId>>,
    },
    Overview(Box<Overview>),
    Detail(Box<super::detail::Detail>),
}

impl Body {
    pub fn len(&self) -> usize {
        match self {
            Body::Rows { rows, .. } => rows.len(),
            Body::Events { events, .. } => events.len(),
            Body::Overview(o) => o.doors.len(),
            Body::Detail(d) => d.lines.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What Enter does on row `i`.
    pub fn open(&self, i: usize) -> Open {
        match self {
            Body::Rows { rows, .. } => rows.get(i).map_or(Open::Nothing, |r| r.open.clone()),
            Body::Overview(o) => o.doors.get(i).map_or(Open::Nothing, |r| r.open.clone()),
            Body::Events { events, .. } => events
                .get(i)
                .map_or(Open::Nothing, |&e| Open::Page(Page::Detail(e))),
            Body::Detail(d) => d
                .lines
                .get(i)
                .and_then(|l| l.section.clone())
                .map_or(Open::Nothing, Open::Toggle),
        }
    }

    /// The event on row `i`, for marks.
    pub fn event(&self, i: usize) -> Option<EventId> {
        match self {
            Body::Events { events, .. } => events.get(i).copied(),
            Body::Detail(d) => Some(d.event),
            _ => None,
        }
    }
}

/// Activity over the window, for the overview.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    pub start: Nanos,
    pub width: Nanos,
    /// (people, system) events per bucket.
    pub buckets: Vec<(u64, u64)>,
}

#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub lines: Vec<(String, Role)>,
    pub histogram: Histogram,
    pub doors: Vec<Row>,
}

/// The selection for the filter and window, and what has been derived from
/// it so far. Derived parts are built on demand and dropped when the
/// selection changes.
#[derive(Default)]
pub struct Scope {
    pub selection: Selection,
    /// How times are written: without the date when everything loaded is on one day.
    pub clock: Clock,
    pub events: Arc<Vec<EventId>>,
    tally: Option<Tally>,
    lenses: Option<Lenses>,
    ranking: Option<Ranking>,
}

impl Scope {
    pub fn new(mut selection: Selection, clock: Clock) -> Scope {
        let events = Arc::new(std::mem::take(&mut selection.events));
        Scope {
            selection,
            clock,
            events,
            tally: None,
            lenses: None,
            ranking: None,
        }
    }

    /// Requests grouped by user and object: the index's own tally when nothing
    /// is filtered, else one over the selection.
    fn tally<'a>(&'a mut self, idx: &'a Index) -> &'a Tally {
        if self.selection.everything {
            return &idx.tally;
        }
        let Scope {
            tally, selection, ..
        } = self;
        tally.get_or_insert_with(|| Tally::of(idx, &selection.requests))
    }

    /// Build the tally and the investigations side by side, for the screens
    /// that show both: over a large selection each takes tens of ms.
    fn prepare(&mut self, idx: &Index) {
        if self.selection.everything || self.tally.is_some() || self.lenses.is_some() {
            return;
        }
        let reqs = &self.selection.requests;
        let (t, (l, r)) = std::thread::scope(|s| {
            let h = s.spawn(|| {
                let l = Lenses::of(idx, reqs);
                let r = Ranking::new(idx, &l);
                (l, r)
            });
            let t = Tally::of(idx, reqs);
            let lr = h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            (t, lr)
        });
        (self.tally, self.lenses, self.ranking) = (Some(t), Some(l), Some(r));
    }

    /// The investigations over the selection (the app's own, kept current,
    /// when nothing is filtered) and the findings drawn from them.
    fn investigations<'a>(
        &'a mut self,
        idx: &Index,
        global: &'a Lenses,
    ) -> (&'a Lenses, &'a Ranking) {
        let Scope {
            lenses,
            ranking,
            selection,
            ..
        } = self;
        let l: &Lenses = if selection.everything {
            global
        } else {
            lenses.get_or_insert_with(|| Lenses::of(idx, &selection.requests))
        };
        let r = ranking.get_or_insert_with(|| Ranking::new(idx, l));
        (l, r)
    }
}

use crate::model::text::thousands;

pub fn user_role(u: &str) -> Role {
    match class(u) {
        Class::Human | Class::OtherSystem => Role::Human,
        Class::Anonymous => Role::Warning,
        _ => Role::System,
    }
}

fn severity_role(s: Severity) -> Role {
    match s {
        Severity::High => Role::High,
        Severity::Medium => Role::Medium,
        Severity::Low => Role::Low,
    }
}

/// The selected events of some requests, in time order.
pub fn events_of(
    idx: &Index,
    scope: &Scope,
    reqs: impl IntoIterator<Item = ReqId>,
) -> Arc<Vec<EventId>> {
    let wanted: HashSet<EventId> = reqs
        .into_iter()
        .flat_map(|r| idx.request_events(r))
        .collect();
    if scope.selection.everything {
        let mut v: Vec<EventId> = wanted.into_iter().collect();
        v.sort_by_key(|&e| idx.events[e as usize].time_key());
        return Arc::new(v);
    }
    Arc::new(
        scope
            .events
            .iter()
            .copied()
            .filter(|e| wanted.contains(e))
            .collect(),
    )
}

/// What building a body needs besides the page and the scope.
pub struct Ctx<'a> {
    pub idx: &'a Index,
    /// The investigations over everything loaded, kept current.
    pub global: &'a Lenses,
    /// The open groups of tree pages.
    pub expanded: &'a HashSet<String>,
    pub marks: &'a crate::export::Marks,
    /// Histogram buckets: one per column of the screen.
    pub buckets: usize,
}

/// Build the body of a page.
pub fn body(page: &Page, cx: &Ctx, scope: &mut Scope) -> Body {
    let (idx, global, expanded, marks) = (cx.idx, cx.global, cx.expanded, cx.marks);
    match page {
        Page::Overview => {
            Body::Overview(Box::new(overview::overview(idx, global, scope, cx.buckets)))
        }
        Page::Events => Body::Events {
            header: Vec::new(),
            events: scope.events.clone(),
        },
        Page::List { of, about, .. } => {
            let events = match of {
                Listed::Requests(reqs) => events_of(idx, scope, reqs.iter().copied()),
                Listed::Object(k) => events_of(
                    idx,
                    scope,
                    idx.by_object
                        .get(*k as usize)
                        .map(|v| v.to_vec())
                        .unwrap_or_default(),
                ),
            };
            let header = if about.is_empty() {
                Vec::new()
            } else {
                vec![(about.clone(), Role::Muted)]
            };
            Body::Events { header, events }
        }
        Page::Marks => {
            // In time order, as every list of events (rows are found again by time).
            let mut events: Vec<EventId> = marks.keys().copied().collect();
            events.sort_by_key(|&e| idx.events[e as usize].time_key());
            let notes = marks.values().filter(|n| !n.is_empty()).count();
            Body::Events {
                header: vec![(
                    format!(
                        "{} marked events, {notes} with notes · n adds a note · :export writes them",
                        marks.len()
                    ),
                    Role::Muted,
                )],
                events: Arc::new(events),
            }
        }
        Page::User(u) => people::user_page(idx, scope, *u),
        Page::Users => people::users(idx, global, scope, expanded),
        Page::Objects => objects::objects(idx, scope, expanded),
        Page::Secrets => lenses::secrets(idx, global, scope),
        Page::Denied => lenses::denied(idx, global, scope),
        Page::Exec => lenses::exec(idx, global, scope),
        Page::Findings => lenses::findings(idx, global, scope),
        // Filled when the raw text arrives (see `detail`).
        Page::Detail(e) => Body::Detail(Box::new(super::detail::Detail::pending(*e))),
    }
}

mod lenses;
mod objects;
mod overview;
mod people;
