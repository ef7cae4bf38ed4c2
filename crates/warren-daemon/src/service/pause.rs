//! `pause`: input is held from now on; the state becomes `paused` when the current turn
//! ends, and the limit clocks stop.

use crate::daemon::Daemon;
use crate::ops::headless_of::{ask, lookup};
use crate::session::HeadlessCmd;
use std::sync::Arc;
use warren_proto::{ApiError, SessionInfo};

/// Pauses and answers the session's status.
pub(crate) async fn run(d: &Arc<Daemon>, key: &str) -> Result<SessionInfo, ApiError> {
    let h = lookup(d, key)?;
    if !h.ended() {
        ask(&h, |reply| HeadlessCmd::Pause { reply }).await?;
    }
    crate::ops::view::one(d, &h.id)
}
