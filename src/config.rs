//! Raw arguments → a validated `Config`: filters compiled, times resolved,
//! sources named, format chosen. After this, nothing reads argv or the environment.

use crate::cli::{self, Format, QueryArgs};
use crate::model::time::{Nanos, parse_duration, parse_rfc3339};
use crate::query::{self, Expr, FilterError, Window};
use crate::source::SourceSpec;
use crate::source::loki::{Auth, LokiSpec};
use crate::tui::keymap::Keymap;
use crate::tui::runtime::TuiConfig;
use crate::tui::theme::Theme;
use std::io::IsTerminal;
use std::path::PathBuf;

/// A problem with how kaudit was called (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error("{0}")]
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Summary,
    Events,
    Users,
    Objects,
    Secrets,
    Denied,
    Exec,
    Findings,
    Tail,
    Export,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Summary => "summary",
            Action::Events => "events",
            Action::Users => "users",
            Action::Objects => "objects",
            Action::Secrets => "secrets",
            Action::Denied => "denied",
            Action::Exec => "exec",
            Action::Findings => "findings",
            Action::Tail => "tail",
            Action::Export => "export",
        }
    }

    fn formats(self) -> &'static [Format] {
        match self {
            Action::Summary | Action::Denied => &[Format::Table, Format::Json],
            Action::Tail => &[Format::Table, Format::Jsonl],
            Action::Export => &[Format::Jsonl, Format::Csv, Format::Md, Format::Case],
            Action::Findings => &[Format::Table, Format::Json, Format::Jsonl],
            Action::Events | Action::Users | Action::Objects | Action::Secrets | Action::Exec => {
                &[Format::Table, Format::Json, Format::Jsonl, Format::Csv]
            }
        }
    }
}

/// Everything a query command needs.
#[derive(Debug)]
pub struct QueryConfig {
    pub action: Action,
    pub terms: Vec<Expr>,
    pub window: Window,
    pub format: Format,
    pub redact: bool,
    pub sources: Vec<SourceSpec>,
    pub workers: Option<usize>,
    /// Output columns for tables.
    pub width: usize,
    /// Escape terminal-unsafe characters even in machine formats.
    pub stdout_is_terminal: bool,
    /// Said on stderr before anything loads.
    pub warnings: Vec<String>,
    /// `--explain`: print the Loki query plan instead of running.
    pub explain: bool,
    /// Whether Loki counts the requests (summary, users, objects).
    pub server_side: ServerSide,
    /// `tail`: system:* identities shown too.
    pub all: bool,
    /// Colour on standard output (a terminal, and no NO_COLOR / --no-color).
    pub color: bool,
    /// `export`: where the evidence goes.
    pub export: Option<crate::export::Target>,
    /// The filters as given, for reports.
    pub filter_text: Vec<String>,
}

/// Who groups the requests of a Loki window: kaudit, after downloading the
/// lines, or Loki, with metric queries (`--server-side`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerSide {
    /// Loki counts when its index says the window holds more bytes than
    /// this: too many to download.
    Auto {
        above: u64,
    },
    Always,
    Never,
}

impl QueryConfig {
    /// How the sinks write to standard output.
    pub fn shape(&self) -> crate::export::Shape {
        use crate::export::Form;
        crate::export::Shape {
            form: match self.format {
                Format::Json => Form::Json,
                Format::Jsonl => Form::Jsonl,
                Format::Csv => Form::Csv,
                Format::Table | Format::Md | Format::Case => Form::Table,
            },
            width: self.width,
            redact: self.redact,
            terminal: self.stdout_is_terminal,
        }
    }

    /// The same query over other sources (the demo's generated file).
    pub fn clone_for(&self, sources: Vec<SourceSpec>) -> QueryConfig {
        QueryConfig {
            action: self.action,
            terms: self.terms.clone(),
            window: self.window,
            format: self.format,
            redact: self.redact,
            sources,
            workers: self.workers,
            width: self.width,
            stdout_is_terminal: self.stdout_is_terminal,
            warnings: self.warnings.clone(),
            explain: self.explain,
            server_side: self.server_side,
            all: self.all,
            color: self.color,
            export: self.export.clone(),
            filter_text: self.filter_text.clone(),
        }
    }
}

pub struct DemoConfig {
    pub write: Option<PathBuf>,
    pub events: usize,
    pub seed: u64,
    pub force: bool,
    pub summary: QueryConfig,
    /// On a terminal, the demo opens the TUI (its sources filled in then).
    pub tui: Option<TuiConfig>,
}

pub enum Config {
    Query(QueryConfig),
    Demo(Box<DemoConfig>),
    Tui(TuiConfig),
}

/// What `config` needs to know about the process, passed in so tests can fake it.
#[derive(Debug, Clone)]
pub struct Env {
    pub now: Nanos,
    pub stdin_is_terminal: bool,
    pub stdout_is_terminal: bool,
    pub width: usize,
    /// `$XDG_CONFIG_HOME/kaudit` (or `~/.config/kaudit`).
    pub config_dir: Option<PathBuf>,
    /// `NO_COLOR` is set (and not empty).
    pub no_color: bool,
    /// `COLORTERM` says the terminal takes 24-bit colour.
    pub truecolor: bool,
    /// logcli's `LOKI_*` variables that are set.
    pub loki: std::collections::BTreeMap<String, String>,
}

impl Env {
    pub fn detect() -> Self {
        let now = crate::model::time::now();
        let stdout_is_terminal = std::io::stdout().is_terminal();
        // The terminal's own width when there is one; else $COLUMNS; else 80.
        let term = if stdout_is_terminal {
            crossterm::terminal::size().ok().map(|(w, _)| w as usize)
        } else {
            None
        };
        let width = term
            .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
            .unwrap_or(80);
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let config_dir = var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))
            .map(|d| d.join("kaudit"));
        let truecolor =
            var("COLORTERM").is_some_and(|v| matches!(v.to_str(), Some("truecolor" | "24bit")));
        Env {
            now,
            stdin_is_terminal: std::io::stdin().is_terminal(),
            stdout_is_terminal,
            width,
            config_dir,
            no_color: var("NO_COLOR").is_some(),
            truecolor,
            loki: std::env::vars()
                .filter(|(k, v)| k.starts_with("LOKI_") && !v.is_empty())
                .collect(),
        }
    }
}

pub fn build(cli: cli::Cli, env: &Env) -> Result<Config, UsageError> {
    match cli.command {
        // On a terminal, `kaudit SOURCE…` opens the TUI; in a pipe it
        // answers with the summary.
        None if env.stdout_is_terminal && cli.query.format.is_none() => {
            let look = cli.query.look.clone();
            let filter_text = cli.query.filter.join(" ");
            let mut args = cli.query;
            let follow = std::mem::take(&mut args.follow);
            let q = query_config(Action::Summary, args, env)?;
            let mut t = tui_config(&q, filter_text, &look, None, env)?;
            t.follow = follow;
            Ok(Config::Tui(t))
        }
        None => query_config(Action::Summary, cli.query, env).map(Config::Query),
        Some(cli::Command::Summary(q)) => query_config(Action::Summary, q, env).map(Config::Query),
        Some(cli::Command::Events(q)) => query_config(Action::Events, q, env).map(Config::Query),
        Some(cli::Command::Users(q)) => query_config(Action::Users, q, env).map(Config::Query),
        Some(cli::Command::Objects(q)) => query_config(Action::Objects, q, env).map(Config::Query),
        Some(cli::Command::Secrets(q)) => query_config(Action::Secrets, q, env).map(Config::Query),
        Some(cli::Command::Denied(q)) => query_config(Action::Denied, q, env).map(Config::Query),
        Some(cli::Command::Exec(q)) => query_config(Action::Exec, q, env).map(Config::Query),
        Some(cli::Command::Tail(t)) => {
            let mut q = query_config(Action::Tail, t.query, env)?;
            q.all = t.all;
            Ok(Config::Query(q))
        }
        Some(cli::Command::Export(e)) => {
            let mut args = e.query;
            if args.format.is_none() {
                args.format = format_of(&e.out);
            }
            if args.format.is_none() {
                return Err(UsageError::Other(format!(
                    "which format for {}? give --format jsonl, csv, md or case (or name it .jsonl, .csv, .md)",
                    e.out.display()
                )));
            }
            let mut q = query_config(Action::Export, args, env)?;
            q.export = Some(crate::export::Target {
                path: e.out,
                force: e.force,
                in_input_dir: e.in_input_dir,
            });
            Ok(Config::Query(q))
        }
        Some(cli::Command::Findings(q)) => {
            query_config(Action::Findings, q, env).map(Config::Query)
        }
        Some(cli::Command::Demo(d)) => {
            if d.events < crate::demo::MIN_EVENTS {
                return Err(UsageError::Other(format!(
                    "--events must be at least {} to hold the whole story",
                    crate::demo::MIN_EVENTS
                )));
            }
            let q = QueryArgs {
                format: d.format,
                sources: vec!["-".into()],
                ..QueryArgs::default()
            };
            let mut summary = query_config(Action::Summary, q, env)?;
            summary.sources.clear();
            let tui = if env.stdout_is_terminal && d.write.is_none() && d.format.is_none() {
                Some(tui_config(
                    &summary,
                    String::new(),
                    &d.look,
                    Some("demo incident".into()),
                    env,
                )?)
            } else {
                None
            };
            Ok(Config::Demo(Box::new(DemoConfig {
                write: d.write,
                events: d.events,
                seed: d.seed,
                force: d.force,
                summary,
                tui,
            })))
        }
    }
}

/// The config file, `config.toml` in the config directory:
/// `theme = "light"` and a `[keys]` table of `"key" = "command"`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    theme: Option<String>,
    #[serde(default)]
    keys: std::collections::BTreeMap<String, String>,
}

fn file_config(dir: Option<&std::path::Path>) -> Result<FileConfig, UsageError> {
    let Some(path) = dir.map(|d| d.join("config.toml")).filter(|p| p.is_file()) else {
        return Ok(FileConfig::default());
    };
    let bad = |m: String| UsageError::Other(format!("{}: {m}", path.display()));
    let text = std::fs::read_to_string(&path).map_err(|e| bad(e.to_string()))?;
    toml::from_str(&text).map_err(|e| bad(e.message().to_string()))
}

fn tui_config(
    q: &QueryConfig,
    filter_text: String,
    look: &cli::LookArgs,
    label: Option<String>,
    env: &Env,
) -> Result<TuiConfig, UsageError> {
    let file = file_config(env.config_dir.as_deref())?;
    let theme_dir = env.config_dir.as_ref().map(|d| d.join("themes"));
    // --no-color and NO_COLOR win over any theme.
    let name = if look.no_color || env.no_color {
        "mono".to_string()
    } else {
        look.theme
            .clone()
            .or(file.theme)
            .unwrap_or_else(|| "default".into())
    };
    let theme = Theme::load(&name, theme_dir.as_deref())
        .map_err(|e| UsageError::Other(e.to_string()))?
        .for_terminal(env.truecolor);
    let keys: Vec<(String, String)> = file.keys.into_iter().collect();
    let keymap = Keymap::default().with_user(&keys).map_err(|m| {
        let file = env.config_dir.as_ref().map_or("config.toml".into(), |d| {
            d.join("config.toml").display().to_string()
        });
        UsageError::Other(format!("{file}: {m}"))
    })?;
    Ok(TuiConfig {
        sources: q.sources.clone(),
        label,
        terms: q.terms.clone(),
        filter_text,
        window: q.window,
        reveal: !q.redact,
        workers: q.workers,
        theme,
        theme_dir,
        truecolor: env.truecolor,
        keymap,
        follow: false,
    })
}

/// An export's format from its file name.
fn format_of(out: &std::path::Path) -> Option<Format> {
    use crate::export::Kind;
    Kind::of_path(out).map(|k| match k {
        Kind::Jsonl => Format::Jsonl,
        Kind::Csv => Format::Csv,
        Kind::Md => Format::Md,
        Kind::Case => Format::Case,
    })
}

fn query_config(action: Action, q: QueryArgs, env: &Env) -> Result<QueryConfig, UsageError> {
    if q.follow {
        return Err(UsageError::Other(format!(
            "--follow is the TUI's live mode; `kaudit tail` follows from the command line{}",
            if action == Action::Tail {
                " (it needs no --follow)"
            } else {
                ""
            }
        )));
    }
    if action == Action::Tail && q.to.is_some() {
        return Err(UsageError::Other(
            "tail follows new events and has no end: --to is for the other commands".into(),
        ));
    }
    let terms = query::parse_filters(&q.filter)?;
    let window = window(&q, env.now)?;
    let format = match q.format {
        Some(f) if !action.formats().contains(&f) => {
            let names: Vec<String> = action
                .formats()
                .iter()
                .map(|f| format!("{f:?}").to_lowercase())
                .collect();
            return Err(UsageError::Other(
                format!(
                    "{} does not write {:?}; choose one of {}",
                    action.name(),
                    f,
                    names.join(", ")
                )
                .to_lowercase(),
            ));
        }
        Some(f) => f,
        None if env.stdout_is_terminal => Format::Table,
        None if matches!(action, Action::Events | Action::Tail) => Format::Jsonl,
        None => Format::Json,
    };
    let loki = loki_spec(&q, &window, &terms, env)?;
    if q.loki.explain && loki.is_none() {
        return Err(UsageError::Other(
            "--explain shows the query sent to Loki: give --loki URL (or LOKI_ADDR)".into(),
        ));
    }
    let warnings = loki
        .as_ref()
        .map_or_else(Vec::new, |l| loki_warnings(&q, l));
    let mut sources: Vec<SourceSpec> = q
        .sources
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                SourceSpec::Stdin
            } else {
                SourceSpec::Path(p.clone())
            }
        })
        .collect();
    if let Some(spec) = loki {
        sources.push(SourceSpec::Loki(Box::new(spec)));
    }
    if sources.is_empty() {
        if env.stdin_is_terminal {
            return Err(UsageError::Other("no input: name audit log files or directories, or - for standard input (try `kaudit demo`)".into()));
        }
        sources.push(SourceSpec::Stdin);
    }
    if q.workers == Some(0) {
        return Err(UsageError::Other("--workers must be at least 1".into()));
    }
    let server_side = server_side(&q, action, &sources)?;
    Ok(QueryConfig {
        action,
        terms,
        window,
        format,
        redact: !q.no_redact,
        sources,
        workers: q.workers,
        width: env.width.max(40),
        stdout_is_terminal: env.stdout_is_terminal,
        warnings,
        explain: q.loki.explain,
        server_side,
        all: false,
        color: env.stdout_is_terminal && !env.no_color && !q.look.no_color,
        export: None,
        filter_text: q.filter.clone(),
    })
}

/// `--server-side` only where Loki can answer alone: a grouping command over
/// Loki and nothing else.
fn server_side(
    q: &QueryArgs,
    action: Action,
    sources: &[SourceSpec],
) -> Result<ServerSide, UsageError> {
    if q.loki.no_server_side {
        return Ok(ServerSide::Never);
    }
    if !q.loki.server_side {
        return Ok(ServerSide::Auto {
            above: q.loki.server_side_above.saturating_mul(1 << 20),
        });
    }
    if !matches!(action, Action::Summary | Action::Users | Action::Objects) {
        return Err(UsageError::Other(format!(
            "--server-side answers summary, users and objects; {} needs the lines",
            action.name()
        )));
    }
    if !matches!(sources, [SourceSpec::Loki(_)]) {
        return Err(UsageError::Other(
            "--server-side counts on Loki: give --loki URL (or LOKI_ADDR) and no files".into(),
        ));
    }
    Ok(ServerSide::Always)
}

/// Loki, when an address is given: `--loki`, or `LOKI_ADDR` when no files are
/// named (so a shell that exports it can still read a file).
fn loki_spec(
    q: &QueryArgs,
    window: &Window,
    terms: &[Expr],
    env: &Env,
) -> Result<Option<LokiSpec>, UsageError> {
    let a = &q.loki;
    let var = |k: &str| env.loki.get(k).cloned();
    let url = match (&a.loki, var("LOKI_ADDR")) {
        (Some(u), _) => u.clone(),
        (None, Some(u)) if q.sources.is_empty() => u,
        _ => {
            if a.selector.is_some() || a.org_id.is_some() {
                return Err(UsageError::Other(
                    "--selector and --org-id are for Loki: give --loki URL (or LOKI_ADDR)".into(),
                ));
            }
            return Ok(None);
        }
    };
    let flag_or = |f: &Option<String>, k: &str| f.clone().or_else(|| var(k));
    let path_or = |f: &Option<PathBuf>, k: &str| f.clone().or_else(|| var(k).map(PathBuf::from));
    let token_file = path_or(&a.bearer_token_file, "LOKI_BEARER_TOKEN_FILE");
    let auth = match (
        flag_or(&a.username, "LOKI_USERNAME"),
        flag_or(&a.password, "LOKI_PASSWORD"),
        flag_or(&a.bearer_token, "LOKI_BEARER_TOKEN"),
        token_file,
    ) {
        (Some(_), _, Some(_), _) | (Some(_), _, _, Some(_)) => {
            return Err(UsageError::Other(
                "give a username and password or a bearer token, not both".into(),
            ));
        }
        (Some(user), password, None, None) => Auth::Basic {
            user,
            password: password.unwrap_or_default(),
        },
        (None, _, Some(t), _) => Auth::Bearer(t),
        (None, _, None, Some(f)) => {
            let t = std::fs::read_to_string(&f).map_err(|e| {
                UsageError::Other(format!(
                    "cannot read the bearer token file {}: {e}",
                    f.display()
                ))
            })?;
            Auth::Bearer(t.trim().to_string())
        }
        (None, Some(_), None, None) => {
            return Err(UsageError::Other(
                "a password needs a username (--username or LOKI_USERNAME)".into(),
            ));
        }
        (None, None, None, None) => Auth::None,
    };
    if a.loki_workers == 0 || a.loki_limit == 0 {
        return Err(UsageError::Other(
            "--loki-workers must be at least 1".into(),
        ));
    }
    // Loki's default window, like logcli's: the last hour.
    let end = window.to.unwrap_or(env.now);
    let start = window
        .from
        .unwrap_or(end - 3600 * crate::model::time::NANOS_PER_SEC);
    let skip = a.tls_skip_verify
        || var("LOKI_TLS_SKIP_VERIFY").is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes"));
    Ok(Some(LokiSpec {
        url,
        selector: a.selector.clone(),
        org_id: flag_or(&a.org_id, "LOKI_ORG_ID"),
        auth,
        ca_cert: path_or(&a.ca_cert, "LOKI_CA_CERT_PATH"),
        cert: path_or(&a.cert, "LOKI_CLIENT_CERT_PATH"),
        key: path_or(&a.key, "LOKI_CLIENT_KEY_PATH"),
        skip_verify: skip,
        workers: a.loki_workers,
        start,
        end,
        limit: a.loki_limit,
        terms: terms.to_vec(),
    }))
}

/// Warnings about how Loki is asked for, said once at start.
fn loki_warnings(q: &QueryArgs, spec: &LokiSpec) -> Vec<String> {
    let mut w = Vec::new();
    if q.loki.password.is_some() || q.loki.bearer_token.is_some() {
        w.push("a secret on the command line shows in the process list and the shell history; set LOKI_PASSWORD or use --bearer-token-file instead".into());
    }
    if spec.skip_verify {
        w.push("not verifying Loki's certificate (--tls-skip-verify): anyone on the path can read and change what kaudit is shown".into());
    }
    w
}

fn window(q: &QueryArgs, now: Nanos) -> Result<Window, UsageError> {
    let time = |flag: &str, s: &str| {
        // A bare date means its midnight, UTC.
        let full = if s.len() == 10 {
            format!("{s}T00:00:00Z")
        } else {
            s.to_string()
        };
        parse_rfc3339(&full).ok_or_else(|| {
            UsageError::Other(format!(
                "bad time for {flag}: {s:?} (use RFC3339, like 2026-11-21T10:42:07Z)"
            ))
        })
    };
    let mut w = Window::default();
    if let Some(s) = &q.since {
        if q.from.is_some() {
            return Err(UsageError::Other("give --since or --from, not both".into()));
        }
        let d = parse_duration(s).ok_or_else(|| {
            UsageError::Other(format!("bad duration for --since: {s:?} (use 15m, 6h, 2d)"))
        })?;
        w.from = Some(now - d);
    }
    if let Some(s) = &q.from {
        w.from = Some(time("--from", s)?);
    }
    if let Some(s) = &q.to {
        w.to = Some(time("--to", s)?);
    }
    if let (Some(f), Some(t)) = (w.from, w.to) {
        if f >= t {
            return Err(UsageError::Other(
                "the window is empty: --from must be before --to".into(),
            ));
        }
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn env() -> Env {
        Env {
            now: parse_rfc3339("2026-11-21T12:00:00Z").unwrap_or(0),
            stdin_is_terminal: true,
            stdout_is_terminal: false,
            width: 80,
            config_dir: None,
            no_color: false,
            truecolor: false,
            loki: Default::default(),
        }
    }

    fn cfg(args: &[&str]) -> Result<QueryConfig, UsageError> {
        let cli = cli::Cli::try_parse_from(args).map_err(|e| UsageError::Other(e.to_string()))?;
        match build(cli, &env())? {
            Config::Query(q) => Ok(q),
            _ => Err(UsageError::Other("not a query".into())),
        }
    }

    #[test]
    fn since_counts_back_from_now() {
        let q = cfg(&["kaudit", "events", "--since", "2h", "x.log"]).expect("valid");
        assert_eq!(q.window.from, parse_rfc3339("2026-11-21T10:00:00Z"));
        assert_eq!(q.format, Format::Jsonl, "not a terminal: jsonl for events");
    }

    #[test]
    fn filters_that_start_with_a_dash() {
        let q = cfg(&["kaudit", "events", "--filter=-user:system:*", "x.log"]).expect("= form");
        assert_eq!(q.terms.len(), 1);
        let q = cfg(&[
            "kaudit",
            "events",
            "--filter",
            "-user:system:* @humans",
            "x.log",
        ])
        .expect("separate form");
        assert_eq!(q.terms.len(), 2);
    }

    #[test]
    fn usage_errors() {
        assert!(cfg(&["kaudit", "events", "--since", "2x", "x.log"]).is_err());
        assert!(cfg(&["kaudit", "events", "--from", "yesterday", "x.log"]).is_err());
        assert!(cfg(&["kaudit", "summary", "--format", "csv", "x.log"]).is_err());
        assert!(
            cfg(&[
                "kaudit",
                "events",
                "--from",
                "2026-11-21T11:00:00Z",
                "--to",
                "2026-11-21T10:00:00Z",
                "x.log"
            ])
            .is_err()
        );
        let e = cfg(&["kaudit", "events"]).expect_err("no input on a terminal");
        assert!(e.to_string().contains("no input"), "{e}");
    }

    #[test]
    fn times_without_zone_or_fraction() {
        let q = cfg(&[
            "kaudit",
            "events",
            "--from",
            "2026-11-21T10:00:00",
            "--to",
            "2026-11-21",
            "x.log",
        ]);
        assert!(q.is_err(), "to before from");
        let q = cfg(&[
            "kaudit",
            "events",
            "--from",
            "2026-11-21",
            "--to",
            "2026-11-21T10:00:00.5+01:00",
            "x.log",
        ])
        .expect("valid");
        assert_eq!(q.window.to, parse_rfc3339("2026-11-21T09:00:00.5Z"));
    }
}
