//! The warren daemon as a library: [`run`] serves the API until stopped. The binary's
//! `warren daemon --foreground` is a thin wrapper; tests call this directly too.
//!
//! This file only declares the modules and says what other crates may use; the layering
//! (which module may import which) is in docs/ARCHITECTURE.md and checked by `.ci/lint`.

pub mod agents;
pub mod api;
pub mod bus;
mod components;
pub mod config;
mod daemon;
pub mod holder;
mod lifecycle;
pub mod ops;
pub mod paths;
pub mod profiles;
pub mod reconcile;
pub mod registry;
pub mod runtime;
pub mod service;
pub mod session;
pub mod store;
pub mod tmux;
pub mod token;
pub mod watch;

pub use config::Config;
pub use daemon::kill_recorder;
pub use lifecycle::{init_logging, run};
pub use paths::Paths;
