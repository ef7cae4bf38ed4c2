//! The headless runtime: an agent speaking line-delimited JSON (Claude Code's stream-json),
//! its stdin and stdout owned by a `warren holder` process so it outlives the daemon.
//!
//! What the agent speaks (its argv, its stream) belongs to its agent module
//! ([`crate::agents::claude`]); this runtime only carries lines.
//!
//! - Protected paths, and the guard hook, are [`warren_helpers::protect`]: `warren guard` runs
//!   as a process of its own.
//! - [`turn`]: one interaction's accounting and its verdict.
//! - [`actor`]: the task that drives one session: forwards input one turn at a time, parses
//!   the stream, keeps the limits and the watchdog, and turns the agent's exit into a state.
//! - [`launch`]: starting a holder for a session (spawn, resume, fork).

pub(crate) mod actor;
pub(crate) mod launch;
pub(crate) mod strict;
pub(crate) mod turn;

use warren_helpers::protect;

/// Every protected pattern of a session: the defaults, warren's home and socket, Claude
/// Code's settings files, and the session's own.
pub(crate) fn protected_patterns(
    d: &crate::daemon::Daemon,
    limits: &warren_proto::Limits,
    config_dir: Option<&str>,
) -> Vec<String> {
    let mut p: Vec<String> = protect::DEFAULT_PROTECTED
        .iter()
        .map(|s| s.to_string())
        .collect();
    p.push(d.paths.home.to_string_lossy().into_owned());
    p.push(d.paths.socket.to_string_lossy().into_owned());
    if let Some(c) = config_dir {
        p.push(format!("{c}/settings.json"));
        p.push(format!("{c}/settings.local.json"));
    }
    p.extend(limits.protect.iter().cloned());
    p
}

/// The cost of every session below `id` (children, grandchildren…).
pub(crate) fn descendants_cost(d: &crate::daemon::Daemon, id: &str) -> f64 {
    let mut total = 0.0;
    let mut frontier = vec![id.to_string()];
    let all = d.registry.all();
    while let Some(parent) = frontier.pop() {
        for h in &all {
            if h.headless().and_then(|r| r.parent_id).as_deref() == Some(parent.as_str()) {
                total += h.row().cost.unwrap_or(0.0);
                frontier.push(h.id.clone());
            }
        }
    }
    total
}
