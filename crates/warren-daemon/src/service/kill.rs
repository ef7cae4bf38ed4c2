//! `kill`: ends a session (state `killed`). Killing one that already ended succeeds. A session
//! may not kill its ancestors.

use super::caller::Caller;
use crate::daemon::Daemon;
use crate::session::Cmd;
use std::sync::Arc;
use std::time::Duration;
use warren_proto::{ApiError, SessionInfo};

/// Kills and answers the session's status.
pub async fn run(d: &Arc<Daemon>, key: &str, caller: &Caller) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    caller.may_end(d, &h)?;
    if !h.ended() {
        let (reply, rx) = tokio::sync::oneshot::channel();
        if h.send(Cmd::Kill { reply }) {
            if let Ok(r) = rx.await {
                r?;
            }
        }
        if h.is_headless() {
            // The holder reports the agent's death; wait for it (bounded).
            let mut rx = h.watch();
            super::wait_progress(&mut rx, Duration::from_secs(5), |p| {
                crate::session::agent_gone(p.state, true)
            })
            .await;
        }
    }
    super::status::one(d, &h.id)
}
