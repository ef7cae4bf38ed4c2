//! `new`: create a session in tmux. The row is stored (state `starting`) before tmux is
//! touched; the program waits at a gate until its output pipe is in place.

use crate::daemon::Daemon;
use crate::ops::new_tmux;
use std::sync::Arc;
use warren_proto::{ApiError, NewRequest, SessionInfo};

/// Creates the session; with an idempotency key already used, answers the session it made.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    req: NewRequest,
    idem: Option<String>,
) -> Result<SessionInfo, ApiError> {
    new_tmux::create(d, req, idem).await
}
