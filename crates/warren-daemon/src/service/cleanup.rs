//! `cleanup`: removes the records and logs of ended sessions (older than a duration when
//! given); `all` also ends live ones. It answers what it removed.

use crate::daemon::Daemon;
use crate::ops::end::remove;
use crate::session::SessionHandle;
use crate::store::now_ms;
use std::sync::Arc;
use warren_proto::{ApiError, CleanupAnswer, CleanupItem, CleanupRequest};

/// Removes (or with `dry_run`, lists) sessions.
pub(crate) async fn run(d: &Arc<Daemon>, req: CleanupRequest) -> Result<CleanupAnswer, ApiError> {
    let cutoff = req
        .older_than_ms
        .map(|ms| now_ms() - i64::try_from(ms).unwrap_or(i64::MAX));
    let chosen: Vec<Arc<SessionHandle>> = d
        .registry
        .all()
        .into_iter()
        .filter(|h| req.all || h.state().is_terminal())
        .filter(|h| cutoff.is_none_or(|c| h.row().since_ms <= c))
        .collect();
    let removed = chosen
        .iter()
        .map(|h| CleanupItem {
            id: h.id.clone(),
            name: h.name.to_string(),
            state: h.state(),
        })
        .collect();
    if !req.dry_run {
        for h in &chosen {
            remove(d, h).await?;
        }
    }
    Ok(CleanupAnswer {
        dry_run: req.dry_run,
        removed,
    })
}
