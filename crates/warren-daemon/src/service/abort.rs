//! `abort`: interrupt, then kill (claude-multi-session's emergency stop).

use crate::daemon::Daemon;
use crate::ops::headless_of::interrupt;
use crate::ops::policy::Caller;
use crate::ops::{end, view};
use std::sync::Arc;
use warren_proto::{ApiError, SessionInfo};

/// Interrupts (best effort) and kills.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    key: &str,
    caller: &Caller,
) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    caller.may_end(d, &h)?;
    if !h.ended() {
        let _ = interrupt(&h).await;
    }
    end::kill(&h).await?;
    view::one(d, &h.id)
}
