//! kaudit: a terminal investigator for Kubernetes audit logs.
//!
//! The engine (model → parse → source → index → query) knows nothing of
//! terminals or argument parsing; `cli`, `config` and `commands` are the
//! command-line frontend over it. See docs/architecture.md.

pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod export;
pub mod index;
pub mod lens;
pub mod model;
pub mod parse;
pub mod query;
pub mod source;
pub mod tui;
