//! The warren daemon as a library: [`run`] serves the API until stopped. The binary's
//! `warren daemon --foreground` is a thin wrapper; tests call this directly too.
//!
//! This file only declares the modules and says what other crates may use (the façade
//! below; everything else is `pub(crate)`, and `unreachable_pub` keeps it so); the layering
//! (which module may import which) is in docs/ARCHITECTURE.md and checked by `.ci/lint`.

#![warn(unreachable_pub)]

mod agents;
mod api;
mod bus;
mod components;
mod config;
mod daemon;
mod holder;
mod lifecycle;
mod ops;
mod pane;
mod paths;
mod profiles;
mod reconcile;
mod registry;
mod runtime;
mod service;
mod session;
mod store;
pub mod tmux;
pub mod token;
mod watch;

pub use agents::claude::stream::parse_line;
pub use api::Mounts;
pub use config::Config;
pub use daemon::kill_recorder;
pub use lifecycle::{init_logging, run};
pub use paths::Paths;
