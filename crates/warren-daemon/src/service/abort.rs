//! `abort`: interrupt, then kill (claude-multi-session's emergency stop).

use super::caller::Caller;
use crate::daemon::Daemon;
use crate::session::Cmd;
use std::sync::Arc;
use warren_proto::{ApiError, SessionInfo};

/// Interrupts (best effort) and kills.
pub async fn run(d: &Arc<Daemon>, key: &str, caller: &Caller) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    caller.may_end(d, &h)?;
    if !h.ended() {
        let _ = super::headless_of::ask(&h, |reply| Cmd::Interrupt { reply }).await;
    }
    super::kill::run(d, key, caller).await
}
