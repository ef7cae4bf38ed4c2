//! The tmux runtime: a session in warren's own tmux server. Its actor serialises the pane's
//! I/O and runs the status engine, its tail publishes output as it is written, its clocks
//! keep the time limits, and the watchers catch exits and a vanished server.

pub(crate) mod actor;
pub(crate) mod clocks;
pub(crate) mod tail;
pub(crate) mod watchers;
