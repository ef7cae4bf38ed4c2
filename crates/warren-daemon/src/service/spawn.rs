//! `spawn`: a headless agent session (Claude Code over stream-json, its stdin and stdout held
//! by a `warren holder`), optionally with a first message whose result it waits for.

use crate::daemon::Daemon;
use crate::ops::new_headless::create;
use crate::ops::policy::Caller;
use crate::ops::{turns, view};
use std::sync::Arc;
use warren_proto::{ApiError, SpawnAnswer, SpawnRequest};

/// Spawns; with a prompt, waits for its result unless `no_wait`.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    req: SpawnRequest,
    caller: &Caller,
) -> Result<SpawnAnswer, ApiError> {
    let (h, notices) = create(d, &req, caller, None, Vec::new()).await?;
    let turn = match req.prompt.clone().filter(|p| !p.is_empty()) {
        Some(p) => Some(turns::submit(d, &h, p, req.stop, req.no_wait, req.timeout_ms).await?),
        None => None,
    };
    Ok(SpawnAnswer {
        session: view::one(d, &h.id)?,
        turn,
        notices,
    })
}
