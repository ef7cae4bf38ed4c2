//! Reviving a headless session: a paused one takes input again, a stopped one gets a new
//! agent process resuming its conversation. A session taken over in tmux is refused.

use super::headless_of::ask;
use crate::daemon::Daemon;
use crate::runtime::headless::launch;
use crate::session::status::Next;
use crate::session::{HeadlessCmd, SessionHandle};
use std::path::Path;
use std::sync::Arc;
use warren_proto::{ApiError, ErrorCode, SessionState, Signal};

/// The file in a headless session's directory naming the tmux session that took it over.
pub(crate) const TAKEOVER_FILE: &str = "takeover.json";

/// The interactive session a headless one was taken over by, if it was.
pub(crate) fn taken_over_by(dir: &Path) -> Option<String> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(TAKEOVER_FILE)).ok()?).ok()?;
    v.get("tui")?.as_str().map(String::from)
}

/// Refuses input to a headless session while a person holds its conversation in tmux.
pub(crate) fn refuse_if_taken_over(d: &Daemon, h: &SessionHandle) -> Result<(), ApiError> {
    let Some(tui) = taken_over_by(&h.dir) else {
        return Ok(());
    };
    let live = d
        .registry
        .resolve(&tui)
        .is_some_and(|t| !t.state().is_terminal());
    if !live {
        // The interactive agent ended without a handback: the conversation is free again.
        let _ = std::fs::remove_file(h.dir.join(TAKEOVER_FILE));
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::Conflict,
        format!(
            "session {} is taken over in tmux by another session",
            h.name
        ),
    )
    .with_hint(format!("`warren handback {}` first", h.name)))
}

/// Makes the session take input: unpause a live one, restart a stopped one.
pub(crate) async fn revive(
    d: &Arc<Daemon>,
    h: &Arc<crate::session::SessionHandle>,
) -> Result<(), ApiError> {
    if !h.ended() {
        if h.headless().is_some_and(|r| r.paused) {
            ask(h, |reply| HeadlessCmd::Unpause { reply }).await?;
        }
        return Ok(());
    }
    super::revive::refuse_if_taken_over(d, h)?;
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
    h.set_headless(|x| *x = row);
    d.transition(
        h,
        Next {
            to: SessionState::Starting,
            signal: Signal::Warren("resume".into()),
            detail: format!("resuming conversation {agent_id}"),
        },
    );
    let env = crate::session::env::read_env(&h.dir);
    // `--protect strict` switched on or off since the last start takes effect now.
    let base = crate::runtime::headless::strict::argv_for_limits(d, h, &hrow.spec.argv)?;
    if base != hrow.spec.argv {
        if let Some(mut r) = h.headless() {
            r.spec.argv = base.clone();
            d.store.save_headless(&r).map_err(ApiError::internal)?;
            h.set_headless(|x| *x = r);
        }
    }
    let mut argv = base;
    argv.extend(["--resume".to_string(), agent_id]);
    let session = h.row();
    match launch::start(d, &h.dir, &session.cwd, &env, &argv, &h.id).await {
        Ok(pid) => {
            if let Err(e) = d.store.set_pid(&h.id, pid) {
                tracing::error!(session = %h.name, "storing the agent's pid: {e}");
            }
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
    let Some(x) = h.headless_ctl() else {
        return Err(super::headless_of::not_headless(h));
    };
    let rx = x.reopen();
    crate::runtime::start_headless(d, h.clone(), rx);
    Ok(())
}
