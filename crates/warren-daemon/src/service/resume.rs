//! `resume`: a paused session takes input again; a stopped (or failed, killed, stuck, lost)
//! one gets a new agent process with `--resume <agent session id>`, from its original cwd and
//! environment (Claude Code finds a conversation only there).

use crate::daemon::Daemon;
use crate::ops::headless_of::lookup;
use crate::ops::policy::Caller;
use crate::ops::revive::revive;
use std::sync::Arc;
use warren_proto::{ApiError, SendAnswer, TurnRequest};

/// Resumes; with a message, sends it and answers its result.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    key: &str,
    req: TurnRequest,
    _caller: &Caller,
) -> Result<Option<SendAnswer>, ApiError> {
    let h = lookup(d, key)?;
    revive(d, &h).await?;
    match req.message.filter(|m| !m.is_empty()) {
        Some(m) => Ok(Some(
            crate::ops::turns::submit(d, &h, m, req.stop, req.no_wait, req.timeout_ms).await?,
        )),
        None => Ok(None),
    }
}
