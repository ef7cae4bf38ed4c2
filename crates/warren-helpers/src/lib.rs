//! warren's helper programs: the hidden commands that run as processes of their own, and the
//! file formats they share with the daemon.
//!
//! The rule of this crate: std only, plain threads, no async runtime, no HTTP stack, no
//! database. Its `Cargo.toml` enforces that. A hook runs once per Claude Code event and has
//! 200 ms in all; the holder and the recorder must stay small and outlive any number of
//! daemon restarts. The daemon depends on this crate for the shared formats, never the other
//! way round.
//!
//! - [`fs`]: replacing a file whole and atomically.
//! - [`hook`]: `warren hook` and `warren statusline`, the commands Claude Code runs for
//!   warren (200 ms in all), and the spool of the hooks the daemon missed.
//! - [`holder`]: the holder (`warren holder`), which owns a headless agent's stdin and
//!   stdout, its frame protocol and the files it writes.
//! - [`layout`]: where the API socket and a session's directory are in a warren home.
//! - [`outlog`]: a session's rotating output log; `warren pipe` writes it, the daemon reads it.
//! - [`protect`]: protected paths, and `warren guard`, the PreToolUse hook that denies.
//! - [`recorder`]: the output recorder (`warren recorder`) and the pipe hand-off to it.

mod clock;
pub mod fs;
pub mod holder;
pub mod hook;
pub mod layout;
pub mod outlog;
pub mod protect;
pub mod recorder;
