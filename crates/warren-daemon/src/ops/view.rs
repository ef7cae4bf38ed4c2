//! The session view `status`, `ls` and every verb that answers a session print: the handle's
//! info with its transitions, limits and (headless) conversation.

use crate::daemon::Daemon;
use std::sync::Arc;
use warren_proto::{ApiError, SessionBrief, SessionInfo, SessionState};

/// One session with its transitions.
pub(crate) fn one(d: &Arc<Daemon>, key: &str) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    let mut info = h.info(d.config.stale_after_secs);
    info.transitions = d.store.transitions(&h.id).map_err(ApiError::internal)?;
    if !h.is_headless() && h.limits() != warren_proto::Limits::default() {
        info.limits = Some(h.limits());
    }
    if let Some(row) = h.headless() {
        let interactions = d.store.interactions(&h.id).map_err(ApiError::internal)?;
        let violations = d.store.violations(&h.id).map_err(ApiError::internal)?;
        info.headless = Some(warren_proto::HeadlessInfo {
            agent_session_id: row.agent_session_id,
            model: row.spec.model,
            config_dir: row.config_dir,
            limits: row.limits,
            interactions: interactions.len() as u64,
            total_cost: h.row().cost.unwrap_or(0.0)
                + crate::runtime::headless::descendants_cost(d, &h.id),
            violations: violations.len() as u64,
            paused: row.paused,
            parent: row
                .parent_id
                .and_then(|p| d.registry.resolve(&p))
                .map(|p| p.name.to_string()),
            depth: row.depth,
        });
    }
    Ok(info)
}

/// Every session, optionally of one state; from memory, so it stays fast under load.
pub(crate) fn list(d: &Arc<Daemon>, state: Option<SessionState>) -> Vec<SessionInfo> {
    d.registry
        .all()
        .iter()
        .filter(|h| state.is_none_or(|s| h.state() == s))
        .map(|h| h.info(d.config.stale_after_secs))
        .collect()
}

/// Every session as the `ls` table shows it.
pub(crate) fn brief(d: &Arc<Daemon>, state: Option<SessionState>) -> Vec<SessionBrief> {
    d.registry
        .all()
        .iter()
        .filter(|h| state.is_none_or(|s| h.state() == s))
        .map(|h| h.brief(d.config.stale_after_secs))
        .collect()
}
