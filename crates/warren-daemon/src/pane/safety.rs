//! The safety net's end of an interactive session: a cost or turn limit reached (reported by
//! the agent's hooks and status line) interrupts the turn and ends the session for the limit,
//! the intent stored first like any kill.

use crate::daemon::Daemon;
use crate::session::SessionHandle;
use crate::session::status::Next;
use std::sync::Arc;
use warren_proto::{SessionState, Signal};

/// An interactive agent's cost reached its limit: the violation is recorded, the turn
/// interrupted (Escape) and the session ended, like a headless one.
pub(crate) async fn check_cost(d: &Arc<Daemon>, h: &Arc<SessionHandle>, cost: f64) {
    let Some(max) = h.limits().max_cost else {
        return;
    };
    if cost < max || h.state().is_terminal() {
        return;
    }
    let msg = format!("the session cost ${cost:.4}; its limit is ${max:.4}");
    d.record_violation(h, "max_cost", &msg);
    interrupt_then_end(d, h, &msg).await;
}

/// An interactive agent's turns reached their limit.
pub(crate) async fn check_turns(d: &Arc<Daemon>, h: &Arc<SessionHandle>, turns: u64) {
    let Some(max) = h.limits().max_turns else {
        return;
    };
    if turns < max || h.state().is_terminal() {
        return;
    }
    let msg = format!("the session took {turns} turns; its limit is {max}");
    d.record_violation(h, "max_turns", &msg);
    interrupt_then_end(d, h, &msg).await;
}

async fn interrupt_then_end(d: &Arc<Daemon>, h: &Arc<SessionHandle>, why: &str) {
    if let Some(p) = h.row().tmux_pane {
        let _ = d.tmux.send_keys(&p, &["Escape".to_string()]).await;
    }
    kill_for_limit(d, h, why).await;
}

/// Ends the session for a limit: the intent stored first, like any kill.
pub(crate) async fn kill_for_limit(d: &Arc<Daemon>, h: &Arc<SessionHandle>, why: &str) {
    if h.state().is_terminal() {
        return;
    }
    // The intent first, so a daemon killed halfway finishes the kill on restart. A store that
    // cannot take it must not stop the safety net: the kill goes on, and the log says so.
    if let Err(e) = d.store.set_kill_pending(&h.id, true) {
        tracing::error!(session = %h.name, "storing the kill intent (a crash now would not finish this kill): {e}");
    }
    h.update(|r| r.kill_pending = true);
    if let Some(s) = h.row().tmux_session {
        let _ = d.tmux.kill_session(&s).await;
    }
    d.transition(
        h,
        Next {
            to: SessionState::Killed,
            signal: Signal::Warren("limit".into()),
            detail: format!("safety net: {why}"),
        },
    );
    if let Err(e) = d.store.set_kill_pending(&h.id, false) {
        tracing::error!(session = %h.name, "clearing the kill intent: {e}");
    }
    h.update(|r| r.kill_pending = false);
}
