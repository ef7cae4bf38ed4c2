//! `status` and `ls`.

use crate::daemon::Daemon;
use crate::ops::view;
use std::sync::Arc;
use warren_proto::{ApiError, SessionBrief, SessionInfo, SessionState};

/// One session with its transitions.
pub(crate) fn one(d: &Arc<Daemon>, key: &str) -> Result<SessionInfo, ApiError> {
    view::one(d, key)
}

/// Every session, optionally of one state.
pub(crate) fn list(d: &Arc<Daemon>, state: Option<SessionState>) -> Vec<SessionInfo> {
    view::list(d, state)
}

/// Every session as the `ls` table shows it.
pub(crate) fn brief(d: &Arc<Daemon>, state: Option<SessionState>) -> Vec<SessionBrief> {
    view::brief(d, state)
}
