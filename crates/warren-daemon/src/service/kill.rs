//! `kill`: ends a session (state `killed`). Killing one that already ended succeeds.

use crate::Daemon;
use crate::session::Cmd;
use std::sync::Arc;
use warren_proto::{ApiError, SessionInfo};

/// Kills and answers the session's status.
pub async fn run(d: &Arc<Daemon>, key: &str) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    if !h.state().is_terminal() {
        let (reply, rx) = tokio::sync::oneshot::channel();
        if h.send(Cmd::Kill { reply }) {
            if let Ok(r) = rx.await {
                r?;
            }
        }
    }
    Ok(h.info(d.config.stale_after_secs))
}
