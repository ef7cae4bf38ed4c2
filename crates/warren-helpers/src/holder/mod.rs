//! The holder: a small process of warren's own (`warren holder`) that owns a headless agent's
//! stdin and stdout, so the agent keeps running, and keeps being recorded, while the daemon
//! is restarted or upgraded.
//!
//! - [`frame`]: the versioned, length-prefixed protocol between daemon and holder. A frame is
//!   acted on only once it has fully arrived, so half a message from a daemon killed mid-write
//!   never reaches the agent.
//! - [`process`]: the holder process itself (sync std, no runtime).
//! - The daemon's side, the client, is in the daemon (`warren_daemon::holder::client`).

pub mod frame;
pub mod process;

/// Protocol version spoken by this build. A daemon talks to holders of any version up to its
/// own; a holder refuses requests of a version it does not know.
pub const HOLDER_PROTOCOL: u32 = 1;

/// Files in a session directory that belong to the holder.
pub mod files {
    /// The holder's socket.
    pub const SOCKET: &str = "holder.sock";
    /// `{"v","pid","child_pid","started_ms"}`, written once the child runs.
    pub const INFO: &str = "holder.json";
    /// `{"code","signal","at_ms"}`, written when the child has exited.
    pub const EXIT: &str = "exit.json";
    /// The child's stderr.
    pub(crate) const STDERR: &str = "stderr.log";
    /// One line per forwarded input: its sequence number.
    pub(crate) const FORWARDED: &str = "forwarded.log";
}

/// What `holder.json` holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HolderInfo {
    /// Protocol version of the holder.
    pub v: u32,
    /// The holder's pid.
    pub pid: u32,
    /// The agent's pid (also its process group).
    pub child_pid: u32,
    /// When it started.
    pub started_ms: i64,
}

/// What `exit.json` holds.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct ExitInfo {
    /// Exit code.
    pub code: Option<i32>,
    /// Signal that ended it.
    pub signal: Option<i32>,
    /// When.
    pub at_ms: i64,
}

/// Reads `exit.json` of a session directory, if the agent has exited.
pub fn read_exit(dir: &std::path::Path) -> Option<ExitInfo> {
    let text = std::fs::read_to_string(dir.join(files::EXIT)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Reads `holder.json`.
pub fn read_info(dir: &std::path::Path) -> Option<HolderInfo> {
    let text = std::fs::read_to_string(dir.join(files::INFO)).ok()?;
    serde_json::from_str(&text).ok()
}

/// The highest sequence number recorded in `forwarded.log` (0 when none).
pub(crate) fn read_forwarded(dir: &std::path::Path) -> u64 {
    std::fs::read_to_string(dir.join(files::FORWARDED))
        .ok()
        .and_then(|t| t.lines().filter_map(|l| l.trim().parse().ok()).max())
        .unwrap_or(0)
}

/// The last `max` bytes of the agent's stderr, for a failure's detail.
pub fn stderr_tail(dir: &std::path::Path, max: usize) -> String {
    let Ok(data) = std::fs::read(dir.join(files::STDERR)) else {
        return String::new();
    };
    let start = data.len().saturating_sub(max);
    String::from_utf8_lossy(&data[start..]).trim().to_string()
}
