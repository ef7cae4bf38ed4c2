//! `GET /v1/sessions/{name}/interactions/{n}`: one interaction, waiting for its end when asked
//! (`wait_ms`). The cursor a call answers when its own wait ended first: nothing is lost to a
//! client's timeout, the result is fetched (or waited for) later.

use crate::daemon::Daemon;
use std::sync::Arc;
use std::time::Duration;
use warren_proto::{ApiError, ErrorCode, Interaction};

/// The interaction, after waiting up to `wait_ms` for it to end.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    key: &str,
    seq: u64,
    wait_ms: Option<u64>,
) -> Result<Interaction, ApiError> {
    let h = crate::ops::headless_of::lookup(d, key)?;
    let get = || {
        d.store
            .interaction(&h.id, seq)
            .map_err(ApiError::internal)?
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    format!("session {} has no interaction {seq}", h.name),
                )
                .with_hint(format!("see `warren history {}`", h.name))
            })
    };
    let i = get()?;
    if i.ended_at.is_some() || wait_ms.unwrap_or(0) == 0 {
        return Ok(i);
    }
    let mut rx = h.watch();
    let timeout = crate::ops::timeout_of(wait_ms, Duration::from_secs(30));
    crate::ops::wait_progress(&mut rx, timeout, |p| {
        p.turn >= seq || crate::session::agent_gone(p.state, true)
    })
    .await;
    get()
}
