//! `adopt`: registers a tmux session already on warren's server. Its output is recorded from
//! now on, unless the pane already has a pipe of someone else's, which is kept.

use crate::daemon::Daemon;
use crate::session::SessionHandle;
use crate::store::SessionRow;
use crate::tmux::quote::arg;
use std::sync::Arc;
use warren_proto::{
    AdoptRequest, ApiError, ErrorCode, SessionInfo, SessionName, SessionState, Signal,
};

/// Adopts and answers the new session's status.
pub(crate) async fn run(d: &Arc<Daemon>, req: AdoptRequest) -> Result<SessionInfo, ApiError> {
    let name = match req.name.clone() {
        Some(n) => n,
        None => SessionName::new(&req.tmux_name).map_err(|e| {
            ApiError::bad_field("name", e).with_hint("give a valid name with `--as NAME`")
        })?,
    };
    let profile_name = req.profile.clone().unwrap_or_else(|| "shell".into());
    let profile = d.profiles.get(&profile_name).cloned().ok_or_else(|| {
        ApiError::bad_field("profile", format!("unknown profile {profile_name:?}"))
    })?;
    if d.registry.live_with_name(name.as_str()).is_some() {
        return Err(ApiError::new(
            ErrorCode::NameTaken,
            format!("a live session is named {name}"),
        )
        .with_hint("adopt it `--as` another name"));
    }
    let panes = d.tmux.list_panes().await.map_err(|e| d.tmux_error(e))?;
    let pane = panes
        .iter()
        .find(|p| p.session_name == req.tmux_name && p.session_name != crate::tmux::CONTROL_SESSION)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("no tmux session named {} on warren's server", req.tmux_name),
            )
            .with_hint("see `warren find`")
        })?;
    if !pane.warren_id.is_empty() && d.registry.resolve(&pane.warren_id).is_some() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("{} is already a warren session", req.tmux_name),
        ));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let dir = d.paths.session_dir(&id);
    crate::paths::create_private_dir(&dir)
        .map_err(|e| ApiError::internal(format!("creating {}: {e}", dir.display())))?;
    let detail = if pane.piped {
        "adopted; its pane already had an output pipe, which is kept, so output is not recorded"
    } else {
        "adopted"
    };
    let state = if pane.dead {
        SessionState::Failed
    } else {
        SessionState::Unknown
    };
    let row = SessionRow {
        command: vec![pane.command.clone()],
        pid: Some(pane.pane_pid),
        exit_code: pane.dead_status,
        tmux_session: Some(pane.session_id.clone()),
        tmux_pane: Some(pane.pane_id.clone()),
        ..SessionRow::fresh(
            &id,
            name.as_str(),
            &profile.name,
            state,
            Signal::Warren("adopt".into()),
            detail,
        )
    };
    d.store.insert_session(&row).map_err(ApiError::internal)?;
    d.tmux
        .run(format!(
            "set-option -t {} @warren_id {}",
            arg(&pane.session_id),
            arg(&id)
        ))
        .await
        .map_err(|e| d.tmux_error(e))?;
    if !pane.piped {
        d.tmux
            .ensure_pipe(&pane.pane_id, &d.pipe_command(&dir))
            .await
            .map_err(|e| d.tmux_error(e))?;
    }
    let (h, rx) = SessionHandle::new_tmux(row, dir, profile, 0);
    crate::runtime::start_tmux(d, h.clone(), rx);
    d.announce_created(&h);
    Ok(h.info(d.config.stale_after_secs))
}
