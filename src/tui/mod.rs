//! The interactive investigator. `app` holds the state and `update`; `view`
//! derives what the screens show; `ui` draws; `runtime` owns the terminal
//! and the threads and performs effects. See docs/architecture.md.

pub mod app;
pub mod detail;
pub mod keymap;
pub mod layout;
pub mod runtime;
pub mod testkit;
pub mod theme;
pub mod ui;
pub mod view;
