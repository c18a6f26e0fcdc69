//! kaudit: a terminal investigator for Kubernetes audit logs.
//!
//! The engine (model → parse → source → index → query) knows nothing of
//! terminals; the command-line commands are a frontend over it.

pub mod model;
pub mod parse;
pub mod source;
pub mod index;
pub mod query;
