//! `kill`: ends a session (state `killed`). Killing one that already ended succeeds. A session
//! may not kill its ancestors.

use crate::daemon::Daemon;
use crate::ops::policy::Caller;
use crate::ops::{end, view};
use std::sync::Arc;
use warren_proto::{ApiError, SessionInfo};

/// Kills and answers the session's status.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    key: &str,
    caller: &Caller,
) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    caller.may_end(d, &h)?;
    end::kill(&h).await?;
    view::one(d, &h.id)
}
