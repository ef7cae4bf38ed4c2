//! `hook`: a Claude Code hook (or status line call) reported by `warren hook`. The session is
//! the one whose identity token the request carries; the report goes to its actor in order
//! and the answer comes at once (the hook gives up after 200 ms and must not wait on typing).

use crate::daemon::Daemon;
use crate::session::TmuxCmd;
use std::sync::Arc;
use warren_proto::{ApiError, ErrorCode, HookAnswer, HookReport};

/// Hands the report to the session's actor.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    caller: &crate::ops::policy::Caller,
    report: HookReport,
) -> Result<HookAnswer, ApiError> {
    let h = caller.session(d).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Forbidden,
            "a hook report must carry the identity token of a live session",
        )
    })?;
    if !h.profile.status.hooks() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} does not report through hooks", h.name),
        ));
    }
    if !h.tmux().is_some_and(|t| t.send(TmuxCmd::Hook(report))) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} is {}", h.name, h.state()),
        ));
    }
    Ok(HookAnswer::default())
}
