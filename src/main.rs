//! The `kaudit` binary: parse arguments, build the config, run, map errors to
//! exit codes (0 ok or closed pipe, 1 runtime error, 2 usage error).

use clap::Parser;
use kaudit::commands::{self, RunError};
use kaudit::config::{self, Config, Env};
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match kaudit::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let cfg = match config::build(cli, &Env::detect()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kaudit: {e}");
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut err = io::stderr();
    let result = match cfg {
        Config::Query(q) => commands::run_query(&q, &mut out, &mut err),
        Config::Demo(d) => commands::demo::run(*d, &mut out, &mut err),
        Config::Tui(t) => kaudit::tui::runtime::run(t),
    };
    let result = result.and_then(|()| out.flush().map_err(RunError::Io));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `kaudit events … | head`: the reader has what it wanted.
        Err(RunError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(
                err,
                "kaudit: {}",
                kaudit::model::text::sanitize(&e.to_string())
            );
            ExitCode::from(1)
        }
    }
}
