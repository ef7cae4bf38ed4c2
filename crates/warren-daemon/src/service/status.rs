//! `status` and `ls`.

use crate::Daemon;
use std::sync::Arc;
use warren_proto::{ApiError, SessionBrief, SessionInfo, SessionState};

/// One session with its transitions.
pub fn one(d: &Arc<Daemon>, key: &str) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    let mut info = h.info(d.config.stale_after_secs);
    info.transitions = d.store.transitions(&h.id).map_err(ApiError::internal)?;
    Ok(info)
}

/// Every session, optionally of one state; from memory, so it stays fast under load.
pub fn list(d: &Arc<Daemon>, state: Option<SessionState>) -> Vec<SessionInfo> {
    d.registry
        .all()
        .iter()
        .filter(|h| state.is_none_or(|s| h.state() == s))
        .map(|h| h.info(d.config.stale_after_secs))
        .collect()
}

/// Every session as the `ls` table shows it.
pub fn brief(d: &Arc<Daemon>, state: Option<SessionState>) -> Vec<SessionBrief> {
    d.registry
        .all()
        .iter()
        .filter(|h| state.is_none_or(|s| h.state() == s))
        .map(|h| h.brief(d.config.stale_after_secs))
        .collect()
}
