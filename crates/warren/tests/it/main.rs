//! warren's integration tests: real tmux on a private socket, a temp WARREN_HOME per test,
//! the real binary. One test binary; modules by area; regression tests named after what broke.
#![allow(
    clippy::unwrap_used,
    reason = "a failed unwrap in a test helper is a failed test"
)]

mod api;
mod attention;
mod bad_input;
mod cli;
mod headless;
mod http;
mod interactive;
mod mcp;
mod real_claude;
mod restart;
mod seed003;

use std::time::Duration;
use warren_testkit::Warren;

/// A fresh, isolated warren.
pub fn warren() -> Warren {
    Warren::new(env!("CARGO_BIN_EXE_warren"))
}

/// Generous bound for things that normally take well under a second.
pub const T: Duration = Duration::from_secs(20);

/// A throwaway working directory for sessions (short, under /tmp), removed on drop.
pub fn work_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("wk")
        .tempdir_in("/tmp")
        .expect("temp work dir")
}

/// A session's status as JSON.
pub fn status(w: &Warren, name: &str) -> serde_json::Value {
    w.json(&["status", name])
}

/// The whole recorded output, raw.
pub fn full_raw(w: &Warren, name: &str) -> String {
    w.ok(&["output", name, "--full", "--raw"])
}
