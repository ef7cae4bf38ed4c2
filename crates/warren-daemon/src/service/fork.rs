//! `fork`: a new session that starts from the source's conversation (`--resume <id>
//! --fork-session`). Into another working directory, the transcript is carried over first,
//! because Claude Code looks for a conversation under its cwd.

use crate::agents::claude::transcript_path;
use crate::daemon::Daemon;
use crate::ops::new_headless::{ForkFrom, create};
use crate::ops::policy::Caller;
use std::sync::Arc;
use warren_proto::{ApiError, ErrorCode, ForkRequest, SpawnAnswer, SpawnRequest};

/// Forks and, with a message, answers its result.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    key: &str,
    req: ForkRequest,
    caller: &Caller,
) -> Result<SpawnAnswer, ApiError> {
    let src = crate::ops::headless_of::lookup(d, key)?;
    let hrow = src
        .headless()
        .ok_or_else(|| ApiError::internal("no headless row"))?;
    let agent_id = hrow.agent_session_id.clone().ok_or_else(|| {
        ApiError::new(
            ErrorCode::Conflict,
            format!(
                "session {} has no conversation yet; send it a message first",
                src.name
            ),
        )
    })?;
    let src_cwd = src.row().cwd;
    let cwd = req.work_dir.clone().unwrap_or_else(|| src_cwd.clone());
    let env = crate::session::env::read_env(&src.dir);
    if cwd != src_cwd {
        let config = hrow.config_dir.clone().ok_or_else(|| {
            ApiError::new(
                ErrorCode::Conflict,
                "the source's Claude config dir is unknown",
            )
        })?;
        let from = transcript_path(&config, &src_cwd, &agent_id);
        let to = transcript_path(&config, &cwd, &agent_id);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ApiError::internal(format!("creating {}: {e}", parent.display())))?;
        }
        std::fs::copy(&from, &to).map_err(|e| {
            ApiError::new(
                ErrorCode::Conflict,
                format!("cannot carry the transcript {} over: {e}", from.display()),
            )
        })?;
    }
    let spawn = SpawnRequest {
        model: hrow.spec.model.clone(),
        work_dir: Some(cwd),
        preset: hrow.spec.preset.clone(),
        profile: Some(src.row().profile),
        limits: hrow.limits.clone(),
        no_wait: req.no_wait,
        timeout_ms: req.timeout_ms,
        watchdog_secs: Some(hrow.spec.watchdog_secs),
        tool_timeout_secs: Some(hrow.spec.tool_timeout_secs),
        ..SpawnRequest::new(req.new_name.clone())
    };
    let from = ForkFrom {
        argv: hrow.spec.argv.clone(),
        env,
    };
    let extra = vec!["--resume".into(), agent_id, "--fork-session".into()];
    let (h, notices) = create(d, &spawn, caller, Some(from), extra).await?;
    let turn = match req.message.filter(|m| !m.is_empty()) {
        Some(m) => {
            Some(crate::ops::turns::submit(d, &h, m, false, req.no_wait, req.timeout_ms).await?)
        }
        None => None,
    };
    Ok(SpawnAnswer {
        session: crate::ops::view::one(d, &h.id)?,
        turn,
        notices,
    })
}
