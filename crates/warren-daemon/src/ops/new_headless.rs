//! Creating a headless agent session (Claude Code over stream-json, its stdin and stdout held
//! by a `warren holder`): its row is stored before the holder starts. `spawn`, `fork` and
//! `delegate` make their sessions here.

use super::limits::{normalize, validate_limits, with_defaults};
use super::policy::{Caller, hash, new_token};
use crate::agents::claude::spec;
use crate::daemon::Daemon;
use crate::profiles::StreamKind;
use crate::runtime::headless::launch;
use crate::runtime::headless::strict::write_guard;
use crate::session::SessionHandle;
use crate::session::status::Next;
use crate::store::{HeadlessRow, HeadlessSpec, SessionRow};
use std::sync::Arc;
use warren_proto::{ApiError, ErrorCode, NewRequest, SessionState, Signal, SpawnRequest};

/// What a fork carries over from its source.
pub(crate) struct ForkFrom {
    /// The source's argv (its flags).
    pub argv: Vec<String>,
    /// The source's environment.
    pub env: std::collections::BTreeMap<String, String>,
}

/// Makes the session and starts its holder; the caller sends the first message.
pub(crate) async fn create(
    d: &Arc<Daemon>,
    req: &SpawnRequest,
    caller: &Caller,
    fork: Option<ForkFrom>,
    extra: Vec<String>,
) -> Result<(Arc<SessionHandle>, Vec<String>), ApiError> {
    let name = req.name.clone();
    d.ensure_name_free(name.as_str())?;
    let cwd = super::working_dir("work_dir", req.work_dir.as_deref())?;
    let profile_name = req.profile.clone().unwrap_or_else(|| "claude".into());
    let profile = d.profile(&profile_name)?;
    // The stream the agent speaks picks how its argv is built and its output read.
    let Some(StreamKind::Claude) = profile.stream else {
        return Err(ApiError::bad_field(
            "profile",
            format!("profile {profile_name} speaks no JSON stream, so it cannot run headless"),
        )
        .with_hint("use `warren new` for it (tmux), or a profile with stream = \"claude\""));
    };
    let program = req
        .program
        .clone()
        .or_else(|| profile.command.first().cloned())
        .ok_or_else(|| ApiError::bad_field("profile", "the profile names no program"))?;

    // Identity: a session spawning a session makes a child, within depth and budget.
    let mut limits = normalize(with_defaults(req.limits.clone(), &d.config.limits));
    validate_limits(&limits)?;
    let (parent_id, depth) = match caller.session(d) {
        Some(parent) => {
            let prow = parent.headless();
            let depth = prow.as_ref().map_or(0, |r| r.depth) + 1;
            if depth > d.config.max_depth {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    format!(
                        "sessions may nest {} deep; {} is already at depth {}",
                        d.config.max_depth,
                        parent.name,
                        depth - 1
                    ),
                ));
            }
            if let Some(max) = prow.as_ref().and_then(|r| r.limits.max_cost) {
                let spent = parent.row().cost.unwrap_or(0.0)
                    + crate::runtime::headless::descendants_cost(d, &parent.id);
                let remaining = (max - spent).max(0.0);
                limits.max_cost = Some(limits.max_cost.map_or(remaining, |m| m.min(remaining)));
            }
            (Some(parent.id.clone()), depth)
        }
        None => (None, 0),
    };

    let id = uuid::Uuid::now_v7().to_string();
    let dir = d.paths.session_dir(&id);
    crate::paths::create_private_dir(&dir)
        .map_err(|e| ApiError::internal(format!("creating {}: {e}", dir.display())))?;
    let token = new_token();
    let (mut env, argv_base, notices, extra_args) = match fork {
        Some(f) => (f.env, f.argv, Vec::new(), extra),
        None => {
            let newreq = NewRequest {
                env: req.env.clone(),
                env_extra: req.env_extra.clone(),
                ..NewRequest::default()
            };
            let mut env = crate::session::env::session_env(&newreq, &profile.env)?;
            let settings = if limits.strict {
                Some(write_guard(d, &dir, &limits, &cwd, &env)?)
            } else {
                None
            };
            let is_root = nix::unistd::getuid().is_root();
            let built = spec::build(req, &program, settings.as_deref(), is_root)?;
            env.extend(built.env.clone());
            (env, built.argv, built.notices, extra)
        }
    };
    env.insert(warren_proto::SESSION_TOKEN_ENV.into(), token.clone());
    crate::session::env::write_env(&dir, &env)
        .map_err(|e| ApiError::internal(format!("storing the environment: {e}")))?;
    let mut argv = argv_base.clone();
    argv.extend(extra_args);
    let config_dir = crate::agents::claude::config_dir(&env);
    let hrow = HeadlessRow {
        session_id: id.clone(),
        spec: HeadlessSpec {
            argv: argv_base.clone(),
            model: Some(
                req.model
                    .clone()
                    .unwrap_or_else(|| spec::DEFAULT_MODEL.into()),
            ),
            preset: req.preset.clone(),
            watchdog_secs: req.watchdog_secs.unwrap_or(profile.watchdog_secs),
            tool_timeout_secs: req.tool_timeout_secs.unwrap_or(profile.tool_timeout_secs),
            exit_timeout_secs: d.config.exit_timeout_secs,
        },
        agent_session_id: None,
        config_dir,
        limits,
        parent_id,
        depth,
        ..HeadlessRow::default()
    };
    let row = SessionRow {
        kind: "headless".into(),
        cwd: cwd.to_string_lossy().into_owned(),
        command: argv_base,
        ..SessionRow::fresh(
            &id,
            name.as_str(),
            &profile.name,
            SessionState::Starting,
            Signal::Warren("spawn".into()),
            "starting the agent",
        )
    };
    d.store
        .insert_headless(&row, &hrow, &hash(&token))
        .map_err(|e| ApiError::internal(format!("storing the session: {e}")))?;
    let (h, rx) = SessionHandle::new_headless(row.clone(), hrow, dir.clone(), profile.clone(), 0);
    d.registry.insert(h.clone());
    d.announce_created(&h);
    match launch::start(d, &dir, &row.cwd, &env, &argv, &id).await {
        Ok(pid) => {
            if let Err(e) = d.store.set_pid(&id, pid) {
                tracing::error!(session = %name, "storing the agent's pid: {e}");
            }
            h.update(|r| r.pid = Some(pid));
        }
        Err(e) => {
            d.transition(
                &h,
                Next {
                    to: SessionState::Failed,
                    signal: Signal::Warren("spawn".into()),
                    detail: e.body.message.clone(),
                },
            );
            return Err(e);
        }
    }
    crate::runtime::start_headless(d, h.clone(), rx);
    Ok((h, notices))
}
