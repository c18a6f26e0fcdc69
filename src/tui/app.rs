//! The state of a session and the one place it changes: `update` takes an
//! `Action` (a key, a batch from a source, a tick of the clock, an event's
//! text read back) and returns `Effect`s for the runtime to perform. No
//! terminal, clock or channel in here, so it is tested directly.

use super::keymap::{Cmd, Key, Keymap, Mode};
use super::layout;
use super::theme::Role;
use super::view::{self, Body, Ctx, Open, Page, Scope};
use crate::export::Marks;
use crate::index::{EventId, Index};
use crate::lens::Lenses;
use crate::model::Nanos;
use crate::model::time::Clock;
use crate::model::time::{parse_duration, parse_rfc3339};
use crate::parse::Batch;
use crate::query::{self, Expr, FilterError, Matcher, Window};
use crate::source::{RawStore, SourceMsg};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashSet;
use std::sync::Arc;

/// While loading, the screens are rebuilt at most this often.
const REFRESH_EVERY: Nanos = 400_000_000;
/// History kept for the filter and command lines.
const HISTORY: usize = 100;

/// Something that happened.
#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    Resize(u16, u16),
    /// The clock, now and then (while loading, to refresh the screens).
    Tick(Nanos),
    /// A message from the source run `generation`.
    Source {
        generation: u64,
        msg: SourceMsg,
    },
    /// An event's text, read back for the detail screen.
    EventText {
        event: EventId,
        text: Result<Vec<u8>, String>,
    },
    /// `:theme NAME` was loaded (or not).
    ThemeLoaded(Result<String, String>),
    /// An export finished: what was written, or why not.
    Exported(Result<String, String>),
}

/// Something for the runtime to do.
#[derive(Debug)]
pub enum Effect {
    Quit,
    /// Read an event's raw text back and answer with `Action::EventText`.
    ReadEvent {
        event: EventId,
        input: u32,
        offset: u64,
        len: u32,
    },
    /// A consumed batch, for the source to reuse.
    Recycle(Box<Batch>),
    /// Load a theme and answer with `Action::ThemeLoaded`.
    LoadTheme(String),
    /// Write evidence beside the loop and answer with `Action::Exported`.
    Export(Box<ExportJob>),
}

/// How loading goes.
#[derive(Debug, Clone, Default)]
pub struct LoadState {
    /// What is shown: file names, or "demo incident".
    pub label: String,
    pub names: Vec<String>,
    pub bytes_read: u64,
    pub bytes_total: u64,
    pub events: u64,
    pub done: bool,
    /// Entries a live Loki tail said it dropped.
    pub dropped: u64,
    /// A Loki fetch's progress.
    pub remote: Option<crate::source::loki::Outcome>,
}

/// The filter and window in effect.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub text: String,
    pub terms: Vec<Expr>,
    pub window: Window,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Command,
    /// The operator's note on a marked event.
    Note(EventId),
}

/// The filter or command line being typed.
#[derive(Debug, Clone)]
pub struct Input {
    pub kind: InputKind,
    pub text: String,
    /// Cursor, in characters.
    pub cursor: usize,
    /// Where in the history ↑/↓ is (history length = the line being typed).
    pub browsing: usize,
    /// What was typed before browsing the history.
    pub draft: String,
    /// A parse error of the text: (column, length, message).
    pub error: Option<(usize, usize, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help {
        scroll: usize,
    },
    /// Show secret values?
    ConfirmReveal,
    /// Which cluster to load: 0 is all of them, then `AppState::clusters`.
    Clusters {
        sel: usize,
    },
}

/// One screen of the navigation stack.
#[derive(Debug, Clone)]
pub struct Screen {
    pub page: Page,
    pub body: Body,
    pub sel: usize,
    /// First row shown.
    pub top: usize,
    /// Open groups (tree pages) or toggled sections (detail).
    pub expanded: HashSet<String>,
    /// The detail screen's event text, once read.
    pub text: Option<Result<Arc<Vec<u8>>, String>>,
}

impl Screen {
    fn new(page: Page) -> Screen {
        Screen {
            page,
            body: Body::Rows {
                columns: &[],
                rows: Vec::new(),
                header: Vec::new(),
            },
            sel: 0,
            top: 0,
            expanded: HashSet::new(),
            text: None,
        }
    }
}

/// The histogram's cursor on the overview: ←/→ move it, Enter twice picks a range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistCursor {
    pub at: usize,
    pub anchor: Option<usize>,
}

pub struct AppState {
    /// Shared with an export running beside the loop (copied on write).
    pub idx: Arc<Index>,
    /// The investigations over everything loaded, kept current batch by batch.
    pub lenses: Lenses,
    /// Raw lines, for `uri:` filter terms.
    raw: Arc<RawStore>,
    pub load: LoadState,
    /// Errors of the sources (unreadable input, lost connection).
    pub errors: Vec<String>,
    pub filter: Filter,
    pub scope: Scope,
    /// The navigation stack; never empty.
    pub stack: Vec<Screen>,
    pub input: Option<Input>,
    pub overlay: Overlay,
    /// The clusters behind the Loki selector (when several), the one
    /// loaded (`None`: all), and one the operator just chose, for the
    /// runtime to load (`Some(None)`: all again).
    pub clusters: Vec<String>,
    pub cluster: Option<String>,
    pub reload: Option<Option<String>>,
    /// Marked events, with the operator's notes (empty: no note).
    pub marks: Marks,
    /// Where an export is being written.
    pub exporting: Option<String>,
    /// Secret values shown (confirmed by the operator).
    pub reveal: bool,
    /// A one-off message for the status bar, cleared by the next key.
    pub message: Option<(String, Role)>,
    pub keymap: Keymap,
    pub theme: String,
    pub size: (u16, u16),
    pub now: Nanos,
    pub hist: HistCursor,
    pub filter_history: Vec<String>,
    pub command_history: Vec<String>,
    pub generation: u64,
    /// Live mode: the sources are followed; the view can be paused, and an
    /// events list scrolled up counts the rows that arrived below it.
    pub live: bool,
    /// Paused, with how many events were loaded then.
    pub paused: Option<usize>,
    pub unseen: u64,
    /// The index grew since the screens were built.
    stale: bool,
    refreshed: Nanos,
    quit: bool,
}

/// How a session starts.
pub struct Setup {
    pub label: String,
    pub names: Vec<String>,
    pub raw: Arc<RawStore>,
    pub terms: Vec<Expr>,
    pub filter_text: String,
    pub window: Window,
    pub keymap: Keymap,
    pub theme: String,
    pub size: (u16, u16),
    pub now: Nanos,
    pub reveal: bool,
    pub live: bool,
}

impl Setup {
    /// A session as it starts without options: no filter, the default keys
    /// and theme, secret values redacted, not live.
    pub fn plain(
        label: &str,
        names: Vec<String>,
        raw: Arc<RawStore>,
        size: (u16, u16),
        now: Nanos,
    ) -> Setup {
        Setup {
            label: label.into(),
            names,
            raw,
            terms: Vec::new(),
            filter_text: String::new(),
            window: Window::default(),
            keymap: Keymap::default(),
            theme: "default".into(),
            size,
            now,
            reveal: false,
            live: false,
        }
    }
}

impl AppState {
    pub fn new(s: Setup) -> AppState {
        let mut st = AppState {
            idx: Arc::new(Index::new()),
            lenses: Lenses::default(),
            raw: s.raw,
            load: LoadState {
                label: s.label,
                names: s.names,
                ..LoadState::default()
            },
            errors: Vec::new(),
            filter: Filter {
                text: s.filter_text,
                terms: s.terms,
                window: s.window,
            },
            scope: Scope::default(),
            stack: vec![Screen::new(Page::Overview)],
            input: None,
            overlay: Overlay::None,
            clusters: Vec::new(),
            cluster: None,
            reload: None,
            marks: Marks::new(),
            exporting: None,
            reveal: s.reveal,
            message: None,
            keymap: s.keymap,
            theme: s.theme,
            size: s.size,
            now: s.now,
            hist: HistCursor::default(),
            filter_history: Vec::new(),
            command_history: Vec::new(),
            generation: 0,
            live: s.live,
            paused: None,
            unseen: 0,
            stale: false,
            refreshed: 0,
            quit: false,
        };
        st.reselect();
        // The overview opens on the findings: what to look at first.
        st.stack[0].sel = 1;
        st
    }

    pub fn mode(&self) -> Mode {
        if self.input.is_some() {
            Mode::Input
        } else {
            match self.overlay {
                Overlay::None => Mode::Normal,
                Overlay::Help { .. } => Mode::Help,
                Overlay::ConfirmReveal => Mode::Confirm,
                Overlay::Clusters { .. } => Mode::Pick,
            }
        }
    }

    pub fn screen(&self) -> &Screen {
        // The stack is never empty: `back` keeps the root.
        &self.stack[self.stack.len() - 1]
    }

    fn screen_mut(&mut self) -> &mut Screen {
        let n = self.stack.len() - 1;
        &mut self.stack[n]
    }

    /// The raw lines of the loaded inputs.
    pub fn raw(&self) -> Arc<RawStore> {
        self.raw.clone()
    }

    pub fn quitting(&self) -> bool {
        self.quit
    }

    /// When the screens were last selected again (a change to draw).
    pub fn refreshed(&self) -> Nanos {
        self.refreshed
    }

    /// Histogram buckets for the screen width.
    fn buckets(&self) -> usize {
        layout::histogram_width(self.size.0)
    }

    /// Put the index in time order. Only new events need it, so an index an
    /// export shares is copied only when events arrived since.
    fn time_order(&mut self) {
        if !self.idx.is_ordered() {
            Arc::make_mut(&mut self.idx).time_order();
        }
    }

    /// Select again (filter, window or data changed) and rebuild the screen.
    fn reselect(&mut self) {
        let m = Matcher::new(&self.filter.terms, &self.idx);
        let raw = self.raw.clone();
        let mut reader = raw.reader();
        self.time_order();
        let sel = query::select_ordered(&self.idx, &m, self.filter.window, &mut reader);
        // Over everything loaded, so times keep their form whatever the filter.
        let order = self.idx.sorted_events();
        let ends = [order.first(), order.last()];
        let clock = Clock::over(
            ends.into_iter()
                .flatten()
                .map(|&e| self.idx.events[e as usize].ts),
        );
        self.scope = Scope::new(sel, clock);
        self.stale = false;
        self.rebuild();
    }

    /// Select again as events arrive. In live mode an events list at its
    /// last row follows the new rows; one scrolled up stays put and counts them.
    fn refresh(&mut self) {
        let s = self.screen();
        let events = matches!(s.body, Body::Events { .. });
        let (len, at_end) = (s.body.len(), s.sel + 1 >= s.body.len());
        self.reselect();
        if self.live && events {
            let grown = self.screen().body.len().saturating_sub(len) as u64;
            if at_end {
                self.step(i64::MAX / 2);
            } else {
                self.unseen += grown;
            }
        }
    }

    /// Rebuild the top screen's body, keeping the selection on the same row.
    fn rebuild(&mut self) {
        let AppState {
            idx,
            lenses,
            scope,
            stack,
            marks,
            reveal,
            ..
        } = self;
        let buckets = layout::histogram_width(self.size.0);
        let n = stack.len() - 1;
        let s = &mut stack[n];
        let keep = Keep::of(&s.body, s.sel);
        s.body = match (&s.page, &s.text) {
            (Page::Detail(e), Some(text)) => {
                let text = text.as_ref().map(|t| t.as_slice()).map_err(|e| e.clone());
                Body::Detail(Box::new(super::detail::Detail::build(
                    idx,
                    *e,
                    text,
                    *reveal,
                    &s.expanded,
                )))
            }
            (page, _) => {
                let cx = Ctx {
                    idx,
                    global: lenses,
                    expanded: &s.expanded,
                    marks,
                    buckets,
                };
                view::body(page, &cx, scope)
            }
        };
        s.sel = keep
            .find(idx, &s.body)
            .unwrap_or(s.sel)
            .min(s.body.len().saturating_sub(1));
        if let Body::Overview(o) = &s.body {
            let n = o.histogram.buckets.len().max(1);
            self.hist.at = self.hist.at.min(n - 1);
        }
        self.scroll();
    }

    /// Keep the selected row on screen.
    fn scroll(&mut self) {
        let size = self.size;
        let s = self.screen_mut();
        let h = layout::list_height(size, &s.body).max(1);
        let len = s.body.len();
        s.sel = s.sel.min(len.saturating_sub(1));
        if s.sel < s.top {
            s.top = s.sel;
        } else if s.sel >= s.top + h {
            s.top = s.sel + 1 - h;
        }
        s.top = s.top.min(len.saturating_sub(h));
    }

    fn push(&mut self, page: Page) -> Vec<Effect> {
        let mut fx = Vec::new();
        if let Page::Detail(e) = page {
            let ev = &self.idx.events[e as usize];
            fx.push(Effect::ReadEvent {
                event: e,
                input: ev.input,
                offset: ev.offset,
                len: ev.len,
            });
        }
        // Opening what is already on show does nothing.
        if self.screen().page != page {
            self.stack.push(Screen::new(page));
            self.rebuild();
            self.live_start();
        }
        fx
    }

    /// In live mode a list of events opens on its newest row, following.
    fn live_start(&mut self) {
        if self.live && matches!(self.screen().body, Body::Events { .. }) {
            self.step(i64::MAX / 2);
        }
    }

    /// A top-level view (`:secrets`): the overview, then it.
    fn goto(&mut self, page: Page) {
        self.stack.truncate(1);
        if page != Page::Overview {
            self.stack.push(Screen::new(page));
        }
        self.rebuild();
        self.live_start();
    }

    fn back(&mut self) {
        if self.hist.anchor.take().is_some() {
            return;
        }
        if self.stack.len() > 1 {
            self.stack.pop();
            self.rebuild();
        } else {
            let q = self
                .keymap
                .keys_of(Mode::Normal, Cmd::Quit)
                .first()
                .copied()
                .unwrap_or("q")
                .to_string();
            self.message = Some((format!("this is the first screen; {q} quits"), Role::Muted));
        }
    }

    fn set_filter(&mut self, text: &str) -> Result<(), FilterError> {
        let terms = query::parse_filters(&[text.to_string()])?;
        self.filter.text = text.trim().to_string();
        self.filter.terms = terms;
        self.reselect();
        Ok(())
    }

    fn set_window(&mut self, w: Window) {
        self.filter.window = w;
        self.hist.anchor = None;
        self.reselect();
    }

    /// The whole of the loaded time: when it ends (for `HH:MM` times).
    fn last_time(&mut self) -> Option<Nanos> {
        self.time_order();
        let idx = &self.idx;
        idx.sorted_events()
            .iter()
            .rev()
            .map(|&e| idx.events[e as usize].ts)
            .find(|&t| t != crate::parse::NO_TIME)
    }

    fn step(&mut self, by: i64) {
        let s = self.screen_mut();
        let len = s.body.len() as i64;
        s.sel = (s.sel as i64 + by).clamp(0, (len - 1).max(0)) as usize;
        if s.sel as i64 + 1 >= len {
            self.unseen = 0;
        }
        self.scroll();
    }

    fn page_rows(&self) -> i64 {
        layout::list_height(self.size, &self.screen().body).max(1) as i64
    }
}

/// How to find the selected row again after a rebuild.
enum Keep {
    Row(Open),
    Event(EventId),
    Line(usize),
}

impl Keep {
    fn of(body: &Body, sel: usize) -> Keep {
        match body {
            Body::Events { events, .. } => {
                events.get(sel).map_or(Keep::Line(sel), |&e| Keep::Event(e))
            }
            Body::Detail(_) => Keep::Line(sel),
            b => match b.open(sel) {
                Open::Nothing => Keep::Line(sel),
                o => Keep::Row(o),
            },
        }
    }

    fn find(&self, idx: &Index, body: &Body) -> Option<usize> {
        match (self, body) {
            (Keep::Event(e), Body::Events { events, .. }) => {
                // The lists are in time order: the same event, or where it was.
                let key = |x: EventId| idx.events[x as usize].time_key();
                let k = key(*e);
                Some(events.partition_point(|&x| key(x) < k))
            }
            (Keep::Row(o), b) => (0..b.len()).find(|&i| b.open(i) == *o),
            (Keep::Line(i), _) => Some(*i),
            _ => None,
        }
    }
}

pub fn update(st: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(k) => {
            st.message = None;
            let fx = key(st, k);
            if st.quit {
                return vec![Effect::Quit];
            }
            fx
        }
        Action::Resize(w, h) => {
            let buckets = st.buckets();
            st.size = (w, h);
            if buckets != st.buckets() && matches!(st.screen().page, Page::Overview) {
                st.rebuild();
            } else {
                st.scroll();
            }
            Vec::new()
        }
        Action::Tick(now) => {
            st.now = now;
            if st.stale && st.paused.is_none() && now - st.refreshed >= REFRESH_EVERY {
                st.refreshed = now;
                st.refresh();
            }
            Vec::new()
        }
        Action::Source { generation, msg } => {
            if generation != st.generation {
                return match msg {
                    SourceMsg::Batch(b) => vec![Effect::Recycle(b)],
                    _ => Vec::new(),
                };
            }
            source(st, msg)
        }
        Action::EventText { event, text } => {
            for s in st
                .stack
                .iter_mut()
                .filter(|s| s.page == Page::Detail(event))
            {
                s.text = Some(text.clone().map(Arc::new));
            }
            if st.screen().page == Page::Detail(event) {
                st.rebuild();
            }
            Vec::new()
        }
        Action::Exported(r) => {
            st.exporting = None;
            st.message = Some(match r {
                Ok(done) => (done, Role::Accent),
                Err(e) => (e, Role::Error),
            });
            Vec::new()
        }
        Action::ThemeLoaded(r) => {
            match r {
                Ok(name) => {
                    st.message = Some((format!("theme {name}"), Role::Muted));
                    st.theme = name;
                }
                Err(e) => st.message = Some((e, Role::Error)),
            }
            Vec::new()
        }
    }
}

fn source(st: &mut AppState, msg: SourceMsg) -> Vec<Effect> {
    match msg {
        SourceMsg::Batch(b) => {
            Arc::make_mut(&mut st.idx).apply(&b);
            st.lenses.update(&st.idx);
            st.load.events = st.idx.events.len() as u64;
            // The first events show at once; then at the refresh pace.
            if !st.stale && st.scope.events.is_empty() {
                st.reselect();
            } else {
                st.stale = true;
            }
            return vec![Effect::Recycle(b)];
        }
        SourceMsg::Progress(p) => {
            st.load.bytes_read = p.bytes_read;
            st.load.bytes_total = p.bytes_total;
            st.load.remote = p.remote;
        }
        SourceMsg::Skipped(s) => Arc::make_mut(&mut st.idx).skipped.extend(s),
        SourceMsg::Warning(w) | SourceMsg::Failed(w) => st.errors.push(w),
        SourceMsg::Dropped(n) => st.load.dropped += n,
        SourceMsg::Input { input, name } => {
            crate::source::name_input(&mut st.load.names, input, name);
        }
        SourceMsg::Done => {
            st.load.done = true;
            st.reselect();
        }
    }
    Vec::new()
}

fn key(st: &mut AppState, k: KeyEvent) -> Vec<Effect> {
    if st.mode() == Mode::Input {
        return input_key(st, k);
    }
    let mode = st.mode();
    let Some(cmd) = st.keymap.lookup(mode, Key::of(&k)) else {
        return Vec::new();
    };
    match mode {
        Mode::Help => {
            if let Overlay::Help { scroll } = &mut st.overlay {
                match cmd {
                    Cmd::Down => *scroll += 1,
                    Cmd::Up => *scroll = scroll.saturating_sub(1),
                    Cmd::Quit => st.quit = true,
                    _ => st.overlay = Overlay::None,
                }
            }
            Vec::new()
        }
        Mode::Confirm => {
            st.overlay = Overlay::None;
            if cmd == Cmd::Yes {
                st.reveal = true;
                st.message = Some((
                    "secret values are SHOWN; r hides them again".into(),
                    Role::Secret,
                ));
                st.rebuild();
            } else {
                st.message = Some(("secret values stay redacted".into(), Role::Muted));
            }
            Vec::new()
        }
        Mode::Pick => {
            pick(st, cmd);
            Vec::new()
        }
        _ => normal(st, cmd),
    }
}

/// Keys in the cluster picker: a choice asks the runtime to load again.
fn pick(st: &mut AppState, cmd: Cmd) {
    let Overlay::Clusters { sel } = &mut st.overlay else {
        return;
    };
    match cmd {
        Cmd::Down => *sel = (*sel + 1).min(st.clusters.len()),
        Cmd::Up => *sel = sel.saturating_sub(1),
        Cmd::Open => {
            let choice = sel.checked_sub(1).and_then(|i| st.clusters.get(i)).cloned();
            if choice != st.cluster {
                st.reload = Some(choice);
            }
            st.overlay = Overlay::None;
        }
        Cmd::Quit => st.quit = true,
        _ => st.overlay = Overlay::None,
    }
}

fn normal(st: &mut AppState, cmd: Cmd) -> Vec<Effect> {
    let on_histogram = matches!(st.screen().body.open(st.screen().sel), Open::Histogram);
    match cmd {
        Cmd::Down => st.step(1),
        Cmd::Up => st.step(-1),
        Cmd::PageDown => st.step(st.page_rows()),
        Cmd::PageUp => st.step(-st.page_rows()),
        Cmd::Top => st.step(i64::MIN / 2),
        Cmd::Bottom => st.step(i64::MAX / 2),
        Cmd::Open => return open(st),
        Cmd::Back => st.back(),
        Cmd::Expand | Cmd::Collapse if on_histogram => {
            let n = match &st.screen().body {
                Body::Overview(o) => o.histogram.buckets.len(),
                _ => 0,
            };
            st.hist.at = if cmd == Cmd::Expand {
                (st.hist.at + 1).min(n.saturating_sub(1))
            } else {
                st.hist.at.saturating_sub(1)
            };
        }
        Cmd::Expand | Cmd::Collapse => {
            let s = st.screen();
            if let Open::Toggle(g) = s.body.open(s.sel) {
                let shown = group_open(s, &g);
                if shown != (cmd == Cmd::Expand) {
                    toggle(st, g);
                }
            }
        }
        Cmd::Filter => {
            // Ready for one more term; ctrl-u starts afresh.
            let mut text = st.filter.text.clone();
            if !text.is_empty() {
                text.push(' ');
            }
            st.input = Some(Input {
                kind: InputKind::Filter,
                cursor: text.chars().count(),
                text,
                browsing: st.filter_history.len(),
                draft: String::new(),
                error: None,
            });
        }
        Cmd::ClearFilter => {
            st.filter.text.clear();
            st.filter.terms.clear();
            st.set_window(Window::default());
            st.message = Some(("filter and window cleared".into(), Role::Muted));
        }
        Cmd::Command => {
            st.input = Some(Input {
                kind: InputKind::Command,
                text: String::new(),
                cursor: 0,
                browsing: st.command_history.len(),
                draft: String::new(),
                error: None,
            });
        }
        Cmd::Help => st.overlay = Overlay::Help { scroll: 0 },
        Cmd::Mark => st.toggle_mark(),
        Cmd::Note => st.start_note(),
        Cmd::Reveal => {
            if st.reveal {
                st.reveal = false;
                st.message = Some(("secret values redacted again".into(), Role::Muted));
                st.rebuild();
            } else {
                st.overlay = Overlay::ConfirmReveal;
            }
        }
        Cmd::Pause if !st.live => {
            st.message = Some((
                "p pauses live mode: start kaudit with --follow".into(),
                Role::Muted,
            ));
        }
        Cmd::Pause => {
            st.paused = match st.paused {
                Some(_) => None,
                None => Some(st.idx.events.len()),
            };
            if st.paused.is_some() {
                st.message = Some((
                    "paused: events keep arriving; p resumes".into(),
                    Role::Warning,
                ));
            } else {
                st.message = None;
                st.refresh();
            }
        }
        Cmd::Quit => st.quit = true,
        _ => {}
    }
    Vec::new()
}

/// Is a group of a tree page (or a detail section) open?
fn group_open(s: &Screen, g: &str) -> bool {
    match &s.page {
        // As drawn: whether a section starts folded depends on its size too.
        Page::Detail(_) => match &s.body {
            Body::Detail(d) => d
                .lines
                .iter()
                .any(|l| l.section.as_deref() == Some(g) && l.text.starts_with('▾')),
            _ => false,
        },
        // People are open unless closed; the rest closed unless opened.
        _ if g.starts_with('!') => !s.expanded.contains(g),
        _ => s.expanded.contains(g),
    }
}

fn toggle(st: &mut AppState, g: String) {
    let s = st.screen_mut();
    if !s.expanded.remove(&g) {
        s.expanded.insert(g);
    }
    st.rebuild();
}

fn open(st: &mut AppState) -> Vec<Effect> {
    let s = st.screen();
    match s.body.open(s.sel) {
        Open::Toggle(g) => toggle(st, g),
        Open::Histogram => histogram_pick(st),
        Open::Nothing => {}
        o => {
            if let Some(p) = o.page(&st.idx) {
                return st.push(p);
            }
        }
    }
    Vec::new()
}

/// First Enter on the histogram anchors; the second narrows the window to
/// the buckets between anchor and cursor.
fn histogram_pick(st: &mut AppState) {
    let Body::Overview(o) = &st.screen().body else {
        return;
    };
    let h = &o.histogram;
    if h.buckets.is_empty() {
        return;
    }
    match st.hist.anchor {
        None => {
            st.hist.anchor = Some(st.hist.at);
            st.message = Some((
                "←/→ to the other end, enter to narrow the window, esc to cancel".into(),
                Role::Accent,
            ));
        }
        Some(a) => {
            let (lo, hi) = (a.min(st.hist.at), a.max(st.hist.at));
            let w = Window {
                from: Some(h.start + lo as Nanos * h.width),
                to: Some(h.start + (hi as Nanos + 1) * h.width),
            };
            st.hist.at = 0;
            st.set_window(w);
        }
    }
}

mod commands;
mod input;
mod marks;
#[cfg(test)]
mod tests;

pub use commands::COMMANDS;
use commands::command;
use input::input_key;
pub use marks::ExportJob;
