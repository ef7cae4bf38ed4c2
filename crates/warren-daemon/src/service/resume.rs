//! `resume`: a paused session takes input again; a stopped (or failed, killed, stuck, lost)
//! one gets a new agent process with `--resume <agent session id>`, from its original cwd and
//! environment (Claude Code finds a conversation only there).

use super::caller::Caller;
use super::headless_of::{ask, lookup};
use crate::daemon::Daemon;
use crate::headless::launch;
use crate::session::Cmd;
use crate::session::status::Next;
use std::sync::Arc;
use warren_proto::{ApiError, ErrorCode, SendAnswer, SessionState, Signal, TurnRequest};

/// Resumes; with a message, sends it and answers its result.
pub async fn run(
    d: &Arc<Daemon>,
    key: &str,
    req: TurnRequest,
    _caller: &Caller,
) -> Result<Option<SendAnswer>, ApiError> {
    let h = lookup(d, key)?;
    revive(d, &h).await?;
    match req.message.filter(|m| !m.is_empty()) {
        Some(m) => Ok(Some(
            super::turn::submit(d, &h, m, req.stop, req.no_wait, req.timeout_ms).await?,
        )),
        None => Ok(None),
    }
}

/// Makes the session take input: unpause a live one, restart a stopped one.
pub async fn revive(
    d: &Arc<Daemon>,
    h: &Arc<crate::session::SessionHandle>,
) -> Result<(), ApiError> {
    if !h.ended() {
        if h.headless().is_some_and(|r| r.paused) {
            ask(h, |reply| Cmd::Unpause { reply }).await?;
        }
        return Ok(());
    }
    super::takeover::refuse_if_taken_over(d, h)?;
    let hrow = h
        .headless()
        .ok_or_else(|| ApiError::internal("no headless row"))?;
    let Some(agent_id) = hrow.agent_session_id.clone() else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "session {} never started a conversation; nothing to resume",
                h.name
            ),
        )
        .with_hint("spawn it again"));
    };
    if let Some(live) = d.registry.live_with_name(h.name.as_str()) {
        if live.id != h.id {
            return Err(ApiError::new(
                ErrorCode::NameTaken,
                format!("another live session is named {}", h.name),
            ));
        }
    }
    let mut row = hrow.clone();
    row.paused = false;
    row.done = false;
    d.store.save_headless(&row).map_err(ApiError::internal)?;
    h.set_headless(|x| *x = Some(row));
    d.transition(
        h,
        Next {
            to: SessionState::Starting,
            signal: Signal::Warren("resume".into()),
            detail: format!("resuming conversation {agent_id}"),
        },
    );
    let env = super::new::read_env(&h.dir);
    // `--protect strict` switched on or off since the last start takes effect now.
    let base = super::spawn::argv_for_limits(d, h, &hrow.spec.argv)?;
    if base != hrow.spec.argv {
        if let Some(mut r) = h.headless() {
            r.spec.argv = base.clone();
            d.store.save_headless(&r).map_err(ApiError::internal)?;
            h.set_headless(|x| *x = Some(r));
        }
    }
    let mut argv = base;
    argv.extend(["--resume".to_string(), agent_id]);
    let session = h.row();
    match launch::start(d, &h.dir, &session.cwd, &env, &argv, &h.id).await {
        Ok(pid) => {
            let _ = d.store.set_pid(&h.id, pid);
            h.update(|r| {
                r.pid = Some(pid);
                r.exit_code = None;
            });
        }
        Err(e) => {
            d.transition(
                h,
                Next {
                    to: SessionState::Failed,
                    signal: Signal::Warren("resume".into()),
                    detail: e.body.message.clone(),
                },
            );
            return Err(e);
        }
    }
    let rx = h.reopen();
    d.start_session(h.clone(), rx);
    Ok(())
}
