//! `takeover` and `handback`: one Claude Code conversation, two transports. A headless
//! session is stopped first (never two processes on one conversation), then an interactive
//! session `<name>-tui` continues it in tmux (`claude --resume <id>` in the original cwd and
//! config dir). `handback` quits that agent cleanly when it is idle (`/exit`) and resumes the
//! headless one. While taken over, the headless session refuses input and resume.

use crate::daemon::Daemon;
use crate::ops::policy::Caller;
use crate::ops::revive::{TAKEOVER_FILE as FILE, refuse_if_taken_over, revive, taken_over_by};
use crate::ops::{end, input, new_tmux, view};
use std::sync::Arc;
use std::time::Duration;
use warren_proto::{ApiError, ErrorCode, NewRequest, SessionInfo, SessionName, SessionState};

fn tui_name(name: &SessionName) -> Result<SessionName, ApiError> {
    let base: String = name.as_str().chars().take(60).collect();
    SessionName::new(&format!("{base}-tui")).map_err(|e| ApiError::bad_field("name", e))
}

/// Stops the headless session and continues its conversation in tmux.
pub(crate) async fn takeover(
    d: &Arc<Daemon>,
    key: &str,
    caller: &Caller,
) -> Result<SessionInfo, ApiError> {
    let h = crate::ops::headless_of::lookup(d, key)?;
    refuse_if_taken_over(d, &h)?;
    let hrow = h
        .headless()
        .ok_or_else(|| ApiError::internal("no headless row"))?;
    let Some(agent) = hrow.agent_session_id.clone() else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} has no conversation yet", h.name),
        )
        .with_hint(format!(
            "send it a message first: `warren send {} …`",
            h.name
        )));
    };
    if !h.ended() {
        caller.may_end(d, &h)?;
        end::stop(d, &h, false).await?;
    }
    let mut rx = h.watch();
    crate::ops::wait_progress(&mut rx, Duration::from_secs(30), |p| {
        crate::session::agent_gone(p.state, true)
    })
    .await;
    if !h.ended() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} did not stop within 30 s", h.name),
        ));
    }
    let name = tui_name(&h.name)?;
    let mut env = crate::session::env::read_env(&h.dir);
    env.remove(warren_proto::SESSION_TOKEN_ENV);
    if let Some(cfg) = &hrow.config_dir {
        env.insert("CLAUDE_CONFIG_DIR".into(), cfg.clone());
    }
    let req = NewRequest {
        name: Some(name.clone()),
        profile: Some("claude".into()),
        cwd: Some(h.row().cwd),
        env,
        model: hrow.spec.model.clone(),
        wait_ready_ms: Some(15_000),
        seed_config: true,
        resume: Some(agent),
        ..Default::default()
    };
    std::fs::write(
        h.dir.join(FILE),
        serde_json::json!({ "tui": name.as_str() }).to_string(),
    )
    .map_err(|e| d.disk_error(&h, e))?;
    match new_tmux::create(d, req, None).await {
        Ok(info) => Ok(info),
        Err(e) => {
            let _ = std::fs::remove_file(h.dir.join(FILE));
            Err(e)
        }
    }
}

/// Quits the interactive agent when it is idle and resumes the headless session.
pub(crate) async fn handback(
    d: &Arc<Daemon>,
    key: &str,
    caller: &Caller,
) -> Result<SessionInfo, ApiError> {
    let h = crate::ops::headless_of::lookup(d, key)?;
    let tui = taken_over_by(&h.dir).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Conflict,
            format!("session {} is not taken over", h.name),
        )
    })?;
    if let Some(t) = d
        .registry
        .resolve(&tui)
        .filter(|t| !t.state().is_terminal())
    {
        if t.state() != SessionState::Idle {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "{} is {} ({}); hand back when it is idle",
                    t.name,
                    t.state(),
                    t.row().detail
                ),
            )
            .with_hint(format!("`warren wait {} --state idle`", t.name)));
        }
        // A clean quit: Claude Code writes its transcript and fires SessionEnd.
        input::send(
            d,
            t.name.as_str(),
            warren_proto::SendRequest {
                text: "/exit".into(),
                enter: Some(false),
                ..Default::default()
            },
            None,
        )
        .await?;
        input::keys(
            d,
            t.name.as_str(),
            warren_proto::KeysRequest {
                keys: vec!["Enter".into()],
            },
        )
        .await?;
        let mut rx = t.watch();
        crate::ops::wait_progress(&mut rx, Duration::from_secs(20), |p| p.state.is_terminal())
            .await;
        if !t.state().is_terminal() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!("{} did not exit within 20 s of /exit", t.name),
            ));
        }
    }
    std::fs::remove_file(h.dir.join(FILE)).map_err(|e| d.disk_error(&h, e))?;
    let _ = caller;
    revive(d, &h).await?;
    view::one(d, &h.id)
}
