//! The tmux runtime: a session in warren's own tmux server. Its actor serialises the pane's
//! I/O and runs the status engine, its tail publishes output as it is written, its clocks
//! keep the time limits, and the watchers catch exits and a vanished server.

pub mod actor;
pub mod clocks;
pub mod tail;
pub mod watchers;
