//! Looking up a session that must be headless, and asking a session's actor for something
//! that answers `()`, in the runtime's own command type.

use crate::daemon::Daemon;
use crate::session::runtime::ask as ask_actor;
use crate::session::{HeadlessCmd, Runtime, SessionHandle, TmuxCmd};
use std::sync::Arc;
use tokio::sync::oneshot;
use warren_proto::{ApiError, ErrorCode};

/// Where an actor's `()` answer goes.
pub(crate) type Reply = oneshot::Sender<Result<(), ApiError>>;

/// The session, which must be headless.
pub(crate) fn lookup(d: &Daemon, key: &str) -> Result<Arc<SessionHandle>, ApiError> {
    let h = d.lookup(key)?;
    if !h.is_headless() {
        return Err(not_headless(&h));
    }
    Ok(h)
}

/// The error for a headless verb asked of a tmux session.
pub(crate) fn not_headless(h: &SessionHandle) -> ApiError {
    ApiError::new(
        ErrorCode::Conflict,
        format!("session {} runs in tmux, not headless", h.name),
    )
    .with_hint("this verb is for headless sessions (`warren spawn`); use `warren send` and `warren keys` for tmux sessions")
}

/// Sends a headless command and waits for its answer; a tmux session is refused.
pub(crate) async fn ask(
    h: &SessionHandle,
    make: impl FnOnce(Reply) -> HeadlessCmd,
) -> Result<(), ApiError> {
    let Some(x) = h.headless_ctl() else {
        return Err(not_headless(h));
    };
    ask_actor(h.name.as_str(), h.state(), |reply| x.send(make(reply))).await
}

/// Sends a tmux command and waits for its answer; a headless session is refused.
pub(crate) async fn ask_tmux(
    h: &SessionHandle,
    make: impl FnOnce(Reply) -> TmuxCmd,
) -> Result<(), ApiError> {
    let Some(t) = h.tmux() else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "session {} is headless: it has no screen or dialogs",
                h.name
            ),
        ));
    };
    ask_actor(h.name.as_str(), h.state(), |reply| t.send(make(reply))).await
}

/// Interrupts the current turn, in whichever runtime the session runs.
pub(crate) async fn interrupt(h: &SessionHandle) -> Result<(), ApiError> {
    let (name, state) = (h.name.as_str(), h.state());
    match h.runtime() {
        Runtime::Tmux(t) => {
            ask_actor(name, state, |reply| t.send(TmuxCmd::Interrupt { reply })).await
        }
        Runtime::Headless(x) => {
            ask_actor(name, state, |reply| {
                x.send(HeadlessCmd::Interrupt { reply })
            })
            .await
        }
    }
}
