//! `stop` (graceful, resumable) and `finish` (stop and mark done): the agent's stdin is
//! closed; it finishes its turn and exits. The answer comes once it has.

use crate::daemon::Daemon;
use crate::ops::headless_of::lookup;
use crate::ops::policy::Caller;
use crate::ops::{end, view};
use std::sync::Arc;
use warren_proto::{ApiError, SessionInfo};

/// Stops; `done` marks it completed.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    key: &str,
    done: bool,
    caller: &Caller,
) -> Result<SessionInfo, ApiError> {
    let h = lookup(d, key)?;
    caller.may_end(d, &h)?;
    end::stop(d, &h, done).await?;
    view::one(d, &h.id)
}
