//! The runtimes: where a session's process runs and the actor that serialises its I/O.
//! `tmux` (interactive, in warren's own tmux server) and `headless` (a child speaking
//! stream-json under `warren holder`). A session is registered and its tasks started here.

pub(crate) mod headless;
pub(crate) mod tmux;

use crate::daemon::Daemon;
use crate::session::{HeadlessCmd, SessionHandle, TmuxCmd};
use std::sync::Arc;
use tmux::{actor, tail};
use tokio::sync::mpsc::UnboundedReceiver;

/// Registers a tmux session and starts its output tail and (while it is live) its actor.
pub(crate) fn start_tmux(d: &Arc<Daemon>, h: Arc<SessionHandle>, rx: UnboundedReceiver<TmuxCmd>) {
    register(d, &h);
    tokio::spawn(tail::run(d.clone(), h.clone()));
    if !h.state().is_terminal() {
        tokio::spawn(actor::run(d.clone(), h, rx));
    }
}

/// Registers a headless session and starts its actor while its agent runs (the actor reads
/// the agent's stream itself: it parses what a tail would publish).
pub(crate) fn start_headless(
    d: &Arc<Daemon>,
    h: Arc<SessionHandle>,
    rx: UnboundedReceiver<HeadlessCmd>,
) {
    register(d, &h);
    if !h.ended() {
        tokio::spawn(headless::actor::run(d.clone(), h, rx));
    }
}

fn register(d: &Daemon, h: &Arc<SessionHandle>) {
    d.registry.insert(h.clone());
    if let Err(e) = d.watcher.watch_session(&h.dir, h.wake.clone()) {
        tracing::warn!(session = %h.name, "cannot watch output: {e}");
    }
}
