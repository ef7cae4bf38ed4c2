//! `cleanup`: removes the records and logs of ended sessions (older than a duration when
//! given); `all` also ends live ones. It answers what it removed.

use crate::daemon::Daemon;
use crate::session::SessionHandle;
use crate::store::now_ms;
use std::sync::Arc;
use warren_proto::{ApiError, CleanupAnswer, CleanupItem, CleanupRequest, EventKind};

/// Removes (or with `dry_run`, lists) sessions.
pub async fn run(d: &Arc<Daemon>, req: CleanupRequest) -> Result<CleanupAnswer, ApiError> {
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

/// Ends (if live) and forgets one session: its tmux session, directory, record and tasks.
pub async fn remove(d: &Arc<Daemon>, h: &Arc<SessionHandle>) -> Result<(), ApiError> {
    if !h.state().is_terminal() {
        super::kill::run(d, &h.id, &super::caller::Caller::person()).await?;
    }
    if let Some(s) = h.row().tmux_session {
        // An ended session keeps its dead pane (and its screen) until cleanup.
        let _ = d.tmux.kill_session(&s).await;
    }
    d.watcher.unwatch_session(&h.dir);
    h.mark_removed();
    d.registry.remove(&h.id);
    d.store.delete_session(&h.id).map_err(ApiError::internal)?;
    if let Err(e) = std::fs::remove_dir_all(&h.dir) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(session = %h.name, "removing {}: {e}", h.dir.display());
        }
    }
    if let Err(e) = d.bus.publish(&h.id, h.name.as_str(), EventKind::Removed {}) {
        tracing::error!("storing event: {e}");
    }
    Ok(())
}
