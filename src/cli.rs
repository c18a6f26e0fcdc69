//! Raw command-line arguments (clap derive). Nothing here is validated beyond
//! its shape; `config` turns it into a `Config`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "kaudit",
    version,
    about = "Investigate Kubernetes audit logs: who did what, to which object, when.",
    after_help = "Run `kaudit demo` to try it on a bundled incident. Filter language: docs/filters.md.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Totals, top users, top objects, verbs, codes, findings
    Summary(QueryArgs),
    /// Matching events, in time order
    Events(QueryArgs),
    /// Requests grouped by user
    Users(QueryArgs),
    /// Requests grouped by object
    Objects(QueryArgs),
    /// Who touched which secret
    Secrets(QueryArgs),
    /// Failed authentication and authorization
    Denied(QueryArgs),
    /// Exec, attach and port-forward sessions
    Exec(QueryArgs),
    /// What to look at first: the flags of the investigations, with their evidence
    Findings(QueryArgs),
    /// Follow new events as they are written (people only unless --all)
    Tail(TailArgs),
    /// Write the matching events as evidence: jsonl, csv (md and case: a report, a case directory)
    Export(ExportArgs),
    /// The bundled demo incident (--write FILE: write it as JSON lines instead)
    Demo(DemoArgs),
}

#[derive(Args, Debug, Default, Clone)]
pub struct QueryArgs {
    /// Filter expression (repeatable; all must hold), e.g. '@secrets -user:system:*'
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub filter: Vec<String>,
    /// Only events of the last DURATION (15m, 6h, 2d), counted back from now
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Only events at or after TIME (RFC3339)
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Only events before TIME (RFC3339, exclusive)
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Output format (default: table on a terminal, else jsonl for events and json for the rest)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Show secret payloads as they are instead of "<redacted>"
    #[arg(long)]
    pub no_redact: bool,
    /// TUI: keep following the sources as they grow (live mode)
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Parser threads (default: one per core)
    #[arg(long, hide = true)]
    pub workers: Option<usize>,
    #[command(flatten)]
    pub look: LookArgs,
    #[command(flatten)]
    pub loki: LokiArgs,
    /// Audit log files (plain or gzip), directories, or - for standard input
    #[arg(value_name = "SOURCE")]
    pub sources: Vec<PathBuf>,
}

/// Grafana Loki as the source, with logcli's flags (and its LOKI_* variables,
/// read in `config`).
#[derive(Args, Debug, Default, Clone)]
#[command(next_help_heading = "Loki")]
pub struct LokiArgs {
    /// Read from Loki at URL instead of files [env: LOKI_ADDR]
    #[arg(long, value_name = "URL")]
    pub loki: Option<String>,
    /// LogQL stream selector (default: discovered from the job label)
    #[arg(long, value_name = "LOGQL")]
    pub selector: Option<String>,
    /// Tenant, sent as X-Scope-OrgID [env: LOKI_ORG_ID]
    #[arg(long, value_name = "ID")]
    pub org_id: Option<String>,
    /// Basic-auth user [env: LOKI_USERNAME]
    #[arg(long, value_name = "USER")]
    pub username: Option<String>,
    /// Basic-auth password; prefer LOKI_PASSWORD, which stays out of the process list
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<String>,
    /// Bearer token; prefer --bearer-token-file [env: LOKI_BEARER_TOKEN]
    #[arg(long, value_name = "TOKEN")]
    pub bearer_token: Option<String>,
    /// File holding a bearer token [env: LOKI_BEARER_TOKEN_FILE]
    #[arg(long, value_name = "FILE")]
    pub bearer_token_file: Option<PathBuf>,
    /// CA certificate (PEM) to trust [env: LOKI_CA_CERT_PATH]
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Client certificate (PEM) [env: LOKI_CLIENT_CERT_PATH]
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Client key (PEM) [env: LOKI_CLIENT_KEY_PATH]
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Do not verify the server's certificate [env: LOKI_TLS_SKIP_VERIFY]
    #[arg(long)]
    pub tls_skip_verify: bool,
    /// Print the LogQL kaudit sends and what of the filter it carries, then stop
    #[arg(long)]
    pub explain: bool,
    /// summary, users, objects: let Loki count the requests instead of downloading the lines
    #[arg(long, conflicts_with = "no_server_side")]
    pub server_side: bool,
    /// Always download the lines, however much the window holds
    #[arg(long)]
    pub no_server_side: bool,
    /// Let Loki count when its index says the window holds more than MB megabytes
    #[arg(long, value_name = "MB", default_value_t = 1024)]
    pub server_side_above: u64,
    /// Requests to Loki in flight at once
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub loki_workers: usize,
    /// Entries asked for per request (Loki's max_entries_limit_per_query)
    #[arg(long, value_name = "N", default_value_t = crate::source::loki::DEFAULT_LIMIT, hide = true)]
    pub loki_limit: usize,
}

#[derive(Args, Debug, Default, Clone)]
pub struct TailArgs {
    /// Show every event, system:* identities included (hidden by default, and counted)
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Args, Debug, Default, Clone)]
pub struct ExportArgs {
    /// Where to write (the format follows the extension: .jsonl, .csv, .md; else --format)
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Replace PATH if it exists
    #[arg(long)]
    pub force: bool,
    /// Allow PATH inside a directory that holds an input
    #[arg(long)]
    pub in_input_dir: bool,
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Args, Debug, Default, Clone)]
pub struct DemoArgs {
    /// Write the demo log as JSON lines to FILE (- for standard output)
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Number of events to generate
    #[arg(long, value_name = "N", default_value_t = crate::demo::DemoOptions::default().events)]
    pub events: usize,
    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,
    #[arg(long, hide = true, default_value_t = crate::demo::DemoOptions::default().seed)]
    pub seed: u64,
    /// Output format of the summary (prints it instead of opening the TUI)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub look: LookArgs,
}

/// How the TUI looks.
#[derive(Args, Debug, Default, Clone)]
pub struct LookArgs {
    /// TUI theme: default, light, high-contrast, mono, or a file NAME.toml in ~/.config/kaudit/themes
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// TUI without colours (also when NO_COLOR is set)
    #[arg(long)]
    pub no_color: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
    /// Markdown report (export)
    Md,
    /// Case directory: events, report, findings, lenses, manifest (export)
    Case,
}
