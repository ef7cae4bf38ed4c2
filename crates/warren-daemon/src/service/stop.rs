//! `stop` (graceful, resumable) and `finish` (stop and mark done): the agent's stdin is
//! closed; it finishes its turn and exits. The answer comes once it has.

use super::caller::Caller;
use super::headless_of::{ask, lookup};
use crate::daemon::Daemon;
use crate::session::Cmd;
use crate::session::status::Next;
use std::sync::Arc;
use std::time::Duration;
use warren_proto::{ApiError, SessionInfo, SessionState, Signal};

/// Stops; `done` marks it completed.
pub async fn run(
    d: &Arc<Daemon>,
    key: &str,
    done: bool,
    caller: &Caller,
) -> Result<SessionInfo, ApiError> {
    let h = lookup(d, key)?;
    caller.may_end(d, &h)?;
    if h.ended() {
        if done && h.state() != SessionState::Completed {
            if let Some(mut row) = h.headless() {
                row.done = true;
                let _ = d.store.save_headless(&row);
                h.set_headless(|x| *x = Some(row));
            }
            d.transition(
                &h,
                Next {
                    to: SessionState::Completed,
                    signal: Signal::Warren("finish".into()),
                    detail: "finished".into(),
                },
            );
        }
        return super::status::one(d, &h.id);
    }
    ask(&h, |reply| Cmd::Stop { done, reply }).await?;
    let mut rx = h.watch();
    let wait = Duration::from_secs(d.config.exit_timeout_secs + 10);
    super::wait_progress(&mut rx, wait, |p| crate::session::agent_gone(p.state, true)).await;
    super::status::one(d, &h.id)
}
