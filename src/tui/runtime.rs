//! The runtime: owns the terminal (a guard restores it on drop, on panic and
//! on SIGTERM/SIGHUP), starts the sources, and runs the loop: take what has
//! arrived (keys, batches, the clock), `update`, perform the effects, draw
//! at most ~30 times a second and only when something changed.

use super::app::{self, Action, AppState, Effect, ExportJob, Setup};
use super::keymap::Keymap;
use super::theme::Theme;
use crate::commands::RunError;
use crate::model::Nanos;
use crate::model::time::now;
use crate::query::{Expr, Window};
use crate::source::{self, LoadOptions, SourceMsg, SourceSpec};
use crossterm::event::{self, Event, KeyEventKind};
use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::{RecvTimeoutError, SyncSender, sync_channel};
use std::time::{Duration, Instant};

const FRAME: Duration = Duration::from_millis(33);
const TICK: Duration = Duration::from_millis(200);
/// Longest stretch spent taking messages before drawing again.
const DRAIN: Duration = Duration::from_millis(15);

/// Everything the TUI needs, validated by `config`.
pub struct TuiConfig {
    pub sources: Vec<SourceSpec>,
    /// Shown in the status bar: the input names, or "demo incident".
    pub label: Option<String>,
    pub terms: Vec<Expr>,
    pub filter_text: String,
    pub window: Window,
    pub reveal: bool,
    pub workers: Option<usize>,
    pub theme: Theme,
    /// Where user themes live (`$XDG_CONFIG_HOME/kaudit/themes`).
    pub theme_dir: Option<PathBuf>,
    pub truecolor: bool,
    pub keymap: Keymap,
    /// Live mode: keep following the sources.
    pub follow: bool,
}

enum Msg {
    Term(Event),
    /// From the load of this generation (a cluster chosen starts another).
    Source(u64, SourceMsg),
    Signal(i32),
    InputGone(String),
    Exported(Result<String, String>),
}

pub fn run(cfg: TuiConfig) -> Result<(), RunError> {
    // Sources open before the terminal is taken: a missing file is a plain error.
    let mut opts = LoadOptions::default();
    if let Some(w) = cfg.workers {
        opts.workers = w;
    }
    opts.keep_raw = true;
    let (loading, notes, clusters) = if cfg.follow {
        let live = source::open_live(&cfg.sources, Some(live_from(&cfg)))?;
        (live.loading, live.notes, None)
    } else {
        let opened = source::open(&cfg.sources)?;
        let loading = source::start(opened.inputs, opts.clone())?;
        (loading, opened.notes, opened.clusters)
    };
    let mut recycler = loading.recycler();
    let (tx, rx) = sync_channel::<Msg>(16);
    forward_source(loading.rx, tx.clone(), 0);
    watch_signals(tx.clone())?;

    let guard = TerminalGuard::enter()?;
    read_keys(tx.clone());
    let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let size = term.size()?;
    // A live source names its inputs as it opens them: name what was asked for.
    let asked: Vec<String> = cfg
        .sources
        .iter()
        .map(|s| match s {
            SourceSpec::Path(p) => p.display().to_string(),
            SourceSpec::Stdin => "stdin".into(),
            SourceSpec::Loki(l) => format!("loki {}", source::loki::shown_url(&l.url)),
        })
        .collect();
    let label = cfg.label.clone().unwrap_or_else(|| {
        let from = if loading.names.is_empty() {
            &asked
        } else {
            &loading.names
        };
        let names: Vec<&str> = from
            .iter()
            .map(|n| match n.strip_prefix("loki ") {
                // The server, not the query (the overview shows that).
                Some(rest) => rest.split(' ').next().unwrap_or(rest),
                None => n.rsplit('/').next().unwrap_or(n),
            })
            .collect();
        if names.len() > 2 {
            format!("{}, {} and {} more", names[0], names[1], names.len() - 2)
        } else {
            names.join(", ")
        }
    });
    let setup =
        |names: Vec<String>, raw: std::sync::Arc<source::RawStore>, size: (u16, u16)| Setup {
            label: label.clone(),
            names,
            raw,
            terms: cfg.terms.clone(),
            filter_text: cfg.filter_text.clone(),
            window: cfg.window,
            keymap: cfg.keymap.clone(),
            theme: cfg.theme.name.clone(),
            size,
            now: now(),
            reveal: cfg.reveal,
            live: cfg.follow,
        };
    let mut st = AppState::new(setup(
        loading.names.clone(),
        loading.raw.clone(),
        (size.width, size.height),
    ));
    st.errors.extend(notes);
    // Several clusters behind the selector: all are loading; offer one.
    let base = clusters.map(|(selector, values)| {
        st.clusters = values;
        st.overlay = app::Overlay::Clusters { sel: 0 };
        selector
    });
    let mut theme = cfg.theme.clone();
    let mut raw = loading.raw.clone();
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    let mut last_tick = Instant::now();
    let mut stopped: Option<String> = None;
    while !st.quitting() && stopped.is_none() {
        let wait = if dirty {
            last_draw.map_or(Duration::ZERO, |t| FRAME.saturating_sub(t.elapsed()))
        } else {
            TICK.saturating_sub(last_tick.elapsed())
        };
        let mut next = match rx.recv_timeout(wait) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // Take what is waiting, for a bounded time, so a flood of batches
        // cannot starve the screen or the keys.
        let started = Instant::now();
        while let Some(m) = next {
            match action_of(m) {
                Ok(Some(a)) => {
                    dirty = true;
                    perform(
                        &mut st,
                        a,
                        &Doer::session(&cfg, &raw, &|b| recycler.recycle(b), &tx),
                        &mut theme,
                    );
                }
                Ok(None) => {}
                Err(why) => {
                    stopped = Some(why);
                    break;
                }
            }
            if st.quitting() {
                break;
            }
            next = if started.elapsed() < DRAIN {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        if let (Some(choice), Some(base)) = (st.reload.take(), &base) {
            // Another cluster: load the window again, from its streams only.
            let selector = match &choice {
                Some(c) => source::loki::logql::with_label(base, "cluster", c),
                None => base.clone(),
            };
            let sources = with_selector(&cfg.sources, &selector);
            match source::open(&sources)
                .and_then(|o| source::start(o.inputs, opts.clone()).map(|l| (l, o.notes)))
            {
                Ok((loading, notes)) => {
                    let generation = st.generation + 1;
                    let mut fresh =
                        AppState::new(setup(loading.names.clone(), loading.raw.clone(), st.size));
                    fresh.generation = generation;
                    fresh.clusters = std::mem::take(&mut st.clusters);
                    fresh.cluster = choice;
                    fresh.errors.extend(notes);
                    st = fresh;
                    raw = loading.raw.clone();
                    recycler = loading.recycler();
                    forward_source(loading.rx, tx.clone(), generation);
                }
                Err(e) => {
                    st.message = Some((e.to_string(), super::theme::Role::Error));
                }
            }
            dirty = true;
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            let refreshed = st.refreshed();
            perform(
                &mut st,
                Action::Tick(now()),
                &Doer::session(&cfg, &raw, &|b| recycler.recycle(b), &tx),
                &mut theme,
            );
            dirty |= (!st.load.done && !st.live) || st.refreshed() != refreshed;
        }
        if dirty && last_draw.is_none_or(|t| t.elapsed() >= FRAME) && stopped.is_none() {
            term.draw(|f| super::ui::render(&st, &theme, f))?;
            last_draw = Some(Instant::now());
            dirty = false;
        }
    }
    drop(term);
    drop(guard);
    match stopped {
        Some(why) => Err(RunError::Other(why)),
        None => Ok(()),
    }
}

/// Where live mode starts: the window's start, else Loki's default window
/// (the last hour), else the start of the files.
fn live_from(cfg: &TuiConfig) -> Nanos {
    cfg.window.from.unwrap_or_else(|| {
        cfg.sources
            .iter()
            .find_map(|s| match s {
                SourceSpec::Loki(l) => Some(l.start),
                _ => None,
            })
            .unwrap_or(Nanos::MIN)
    })
}

/// The sources with the Loki stream selector replaced.
fn with_selector(sources: &[SourceSpec], selector: &str) -> Vec<SourceSpec> {
    sources
        .iter()
        .map(|s| match s {
            SourceSpec::Loki(spec) => {
                let mut spec = spec.clone();
                spec.selector = Some(selector.to_string());
                SourceSpec::Loki(spec)
            }
            other => other.clone(),
        })
        .collect()
}

/// A session over sources loaded to the end, without a terminal: for tests
/// and benchmarks, through the same `update` as the real loop.
pub fn headless(
    sources: &[SourceSpec],
    size: (u16, u16),
    now: Nanos,
) -> Result<AppState, RunError> {
    let opened = source::open(sources)?;
    // One worker: batches arrive in the same order on every run.
    let opts = LoadOptions {
        workers: 1,
        keep_raw: true,
        ..LoadOptions::default()
    };
    let loading = source::start(opened.inputs, opts)?;
    let mut st = AppState::new(Setup::plain(
        "test",
        loading.names.clone(),
        loading.raw.clone(),
        size,
        now,
    ));
    st.errors.extend(opened.notes);
    let raw = loading.raw.clone();
    let mut theme = Theme::default_theme();
    let recycler = loading.recycler();
    for msg in loading.rx.iter() {
        let done = matches!(msg, SourceMsg::Done);
        perform(
            &mut st,
            Action::Source { generation: 0, msg },
            &Doer {
                recycle: &|b| recycler.recycle(b),
                raw: &raw,
                theme_dir: &None,
                truecolor: true,
                sources,
                redact: true,
                answer: None,
            },
            &mut theme,
        );
        if done {
            break;
        }
    }
    Ok(st)
}

/// Update and perform the effects as the runtime does (reading events back),
/// for tests: returns whether the session asked to quit.
pub fn step(st: &mut AppState, action: Action) -> bool {
    let raw = st.raw();
    let mut theme = Theme::default_theme();
    let doer = Doer {
        recycle: &|_| {},
        raw: &raw,
        theme_dir: &None,
        truecolor: true,
        sources: &[],
        redact: true,
        answer: None,
    };
    perform(st, action, &doer, &mut theme);
    st.quitting()
}

/// The action of a message; an error ends the session.
fn action_of(m: Msg) -> Result<Option<Action>, String> {
    Ok(match m {
        Msg::Term(Event::Key(k)) if k.kind != KeyEventKind::Release => Some(Action::Key(k)),
        Msg::Term(Event::Resize(w, h)) => Some(Action::Resize(w, h)),
        Msg::Term(_) => None,
        Msg::Source(generation, msg) => Some(Action::Source { generation, msg }),
        Msg::Signal(s) => return Err(format!("stopped by signal {s}")),
        Msg::InputGone(e) => return Err(format!("the terminal went away ({e})")),
        Msg::Exported(r) => Some(Action::Exported(r)),
    })
}

/// What performing the effects takes, besides the state and the theme.
struct Doer<'a> {
    recycle: &'a dyn Fn(Box<crate::parse::Batch>),
    raw: &'a source::RawStore,
    theme_dir: &'a Option<PathBuf>,
    truecolor: bool,
    sources: &'a [SourceSpec],
    /// Exports redact secret values unless the session began with
    /// `--no-redact` (showing them on screen with `r` does not count).
    redact: bool,
    /// Exports run on a thread of their own and answer here; without it,
    /// on this one (tests).
    answer: Option<SyncSender<Msg>>,
}

impl<'a> Doer<'a> {
    /// For the session's loop: exports on their own thread.
    fn session(
        cfg: &'a TuiConfig,
        raw: &'a source::RawStore,
        recycle: &'a dyn Fn(Box<crate::parse::Batch>),
        tx: &SyncSender<Msg>,
    ) -> Doer<'a> {
        Doer {
            recycle,
            raw,
            theme_dir: &cfg.theme_dir,
            truecolor: cfg.truecolor,
            sources: &cfg.sources,
            redact: !cfg.reveal,
            answer: Some(tx.clone()),
        }
    }
}

/// Update, then do what it asks (feeding answers back as actions).
fn perform(st: &mut AppState, action: Action, doer: &Doer, theme: &mut Theme) {
    let mut queue = vec![action];
    while let Some(a) = queue.pop() {
        for fx in app::update(st, a) {
            match fx {
                Effect::Quit => {}
                Effect::Recycle(b) => (doer.recycle)(b),
                Effect::ReadEvent {
                    event,
                    input,
                    offset,
                    len,
                } => {
                    let mut r = doer.raw.reader();
                    let text = r
                        .get(input, offset, len)
                        .map(|b| b.to_vec())
                        .map_err(|e| e.to_string());
                    queue.push(Action::EventText { event, text });
                }
                Effect::LoadTheme(name) => match Theme::load(&name, doer.theme_dir.as_deref()) {
                    Ok(t) => {
                        *theme = t.for_terminal(doer.truecolor);
                        queue.push(Action::ThemeLoaded(Ok(name)));
                    }
                    Err(e) => queue.push(Action::ThemeLoaded(Err(e.to_string()))),
                },
                Effect::Export(job) => {
                    let (sources, redact) = (doer.sources.to_vec(), doer.redact);
                    match &doer.answer {
                        Some(tx) => {
                            let tx = tx.clone();
                            std::thread::spawn(move || {
                                let _ = tx.send(Msg::Exported(export(&job, &sources, redact)));
                            });
                        }
                        None => queue.push(Action::Exported(export(&job, &sources, redact))),
                    }
                }
            }
        }
    }
}

/// Write an export job: what was written, or why not.
fn export(job: &ExportJob, sources: &[SourceSpec], redact: bool) -> Result<String, String> {
    job.target.check(sources).map_err(|e| e.to_string())?;
    let filters = [job.filter.clone()];
    let ev = crate::export::Evidence {
        idx: &job.idx,
        sel: &job.sel,
        marks: &job.marks,
        names: &job.names,
        sources,
        window: job.window,
        filters: &filters,
        redact,
    };
    let mut reader = job.raw.reader();
    crate::export::write(job.kind, &ev, &mut reader, &job.target).map_err(|e| e.to_string())
}

fn forward_source(rx: std::sync::mpsc::Receiver<SourceMsg>, tx: SyncSender<Msg>, generation: u64) {
    std::thread::spawn(move || {
        for m in rx {
            if tx.send(Msg::Source(generation, m)).is_err() {
                return;
            }
        }
    });
}

fn read_keys(tx: SyncSender<Msg>) {
    std::thread::spawn(move || {
        loop {
            match event::read() {
                Ok(e) => {
                    if tx.send(Msg::Term(e)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Msg::InputGone(e.to_string()));
                    return;
                }
            }
        }
    });
}

/// SIGTERM, SIGHUP (the SSH link dropped), SIGINT and SIGQUIT end the session
/// cleanly: the loop stops and the guard restores the terminal.
fn watch_signals(tx: SyncSender<Msg>) -> Result<(), RunError> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    std::thread::spawn(move || {
        if let Some(s) = signals.forever().next() {
            let _ = tx.send(Msg::Signal(s));
            // A second signal while the loop is busy: restore and go now.
            if signals.forever().next().is_some() {
                restore();
                std::process::exit(128 + s);
            }
        }
    });
    Ok(())
}

/// Raw mode and the alternate screen, undone on drop and on panic.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> io::Result<TerminalGuard> {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            hook(info);
        }));
        terminal::enable_raw_mode()?;
        let guard = TerminalGuard;
        execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Put the terminal back as it was; safe to call more than once.
pub fn restore() {
    let mut out = io::stdout();
    let _ = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}
