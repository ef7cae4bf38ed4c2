//! Looking up a session that must be headless.

use crate::daemon::Daemon;
use crate::session::SessionHandle;
use std::sync::Arc;
use warren_proto::{ApiError, ErrorCode};

/// The session, which must be headless.
pub fn lookup(d: &Daemon, key: &str) -> Result<Arc<SessionHandle>, ApiError> {
    let h = d.lookup(key)?;
    if !h.is_headless() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} runs in tmux, not headless", h.name),
        )
        .with_hint("this verb is for headless sessions (`warren spawn`)"));
    }
    Ok(h)
}

/// Sends a command that answers `()` to the session's actor.
pub async fn ask(
    h: &SessionHandle,
    make: impl FnOnce(tokio::sync::oneshot::Sender<Result<(), ApiError>>) -> crate::session::Cmd,
) -> Result<(), ApiError> {
    let (reply, rx) = tokio::sync::oneshot::channel();
    if !h.send(make(reply)) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} is {}", h.name, h.state()),
        ));
    }
    rx.await
        .map_err(|_| ApiError::new(ErrorCode::Conflict, format!("session {} ended", h.name)))?
}
