//! Ending a session: `kill` (the actor ends it; a headless agent's death is awaited), `stop`
//! (its stdin is closed; the agent finishes its turn and exits) and `remove` (its records,
//! files and tasks are gone). The verbs check the caller first; these only act.

use super::headless_of::ask;
use super::wait_progress;
use crate::daemon::Daemon;
use crate::session::status::Next;
use crate::session::{HeadlessCmd, Runtime, SessionHandle, TmuxCmd, agent_gone};
use std::sync::Arc;
use std::time::Duration;
use warren_proto::{ApiError, EventKind, SessionState, Signal};

/// Kills a live session (one that ended already is left as it is).
pub(crate) async fn kill(h: &SessionHandle) -> Result<(), ApiError> {
    if h.ended() {
        return Ok(());
    }
    let (reply, rx) = tokio::sync::oneshot::channel();
    let sent = match h.runtime() {
        Runtime::Tmux(t) => t.send(TmuxCmd::Kill { reply }),
        Runtime::Headless(x) => x.send(HeadlessCmd::Kill { reply }),
    };
    if sent {
        if let Ok(r) = rx.await {
            r?;
        }
    }
    if h.is_headless() {
        // The holder reports the agent's death; wait for it (bounded).
        let mut rx = h.watch();
        wait_progress(&mut rx, Duration::from_secs(5), |p| {
            agent_gone(p.state, true)
        })
        .await;
    }
    Ok(())
}

/// Stops a headless session gracefully; `done` marks it completed. Answers once the agent
/// has exited (bounded by the exit timeout).
pub(crate) async fn stop(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    done: bool,
) -> Result<(), ApiError> {
    if h.ended() {
        if done && h.state() != SessionState::Completed {
            if let Some(mut row) = h.headless() {
                row.done = true;
                if let Err(e) = d.store.save_headless(&row) {
                    tracing::error!(session = %h.name, "storing the finish: {e}");
                }
                h.set_headless(|x| *x = row);
            }
            d.transition(
                h,
                Next {
                    to: SessionState::Completed,
                    signal: Signal::Warren("finish".into()),
                    detail: "finished".into(),
                },
            );
        }
        return Ok(());
    }
    ask(h, |reply| HeadlessCmd::Stop { done, reply }).await?;
    let mut rx = h.watch();
    let wait = Duration::from_secs(d.config.exit_timeout_secs + 10);
    wait_progress(&mut rx, wait, |p| agent_gone(p.state, true)).await;
    Ok(())
}

/// Ends (if live) and forgets one session: its tmux session, directory, record and tasks.
pub(crate) async fn remove(d: &Arc<Daemon>, h: &Arc<SessionHandle>) -> Result<(), ApiError> {
    if !h.state().is_terminal() {
        kill(h).await?;
    }
    if let Some(s) = h.row().tmux_session {
        // An ended session keeps its dead pane (and its screen) until cleanup.
        let _ = d.tmux.kill_session(&s).await;
    }
    d.watcher.unwatch_session(&h.dir);
    h.mark_removed();
    d.registry.remove(&h.id);
    d.store.delete_session(&h.id).map_err(ApiError::internal)?;
    if let Err(e) = std::fs::remove_dir_all(&h.dir) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(session = %h.name, "removing {}: {e}", h.dir.display());
        }
    }
    if let Err(e) = d.bus.publish(&h.id, h.name.as_str(), EventKind::Removed {}) {
        tracing::error!("storing event: {e}");
    }
    Ok(())
}
