//! `interrupt`: the control request for headless sessions, Escape for interactive agents.

use crate::daemon::Daemon;
use std::sync::Arc;
use warren_proto::{ApiError, ErrorCode, SessionInfo};

/// Interrupts the current turn.
pub(crate) async fn run(d: &Arc<Daemon>, key: &str) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    if h.ended() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} is {}: nothing to interrupt", h.name, h.state()),
        ));
    }
    crate::ops::headless_of::interrupt(&h).await?;
    crate::ops::view::one(d, &h.id)
}
