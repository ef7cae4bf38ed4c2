//! `spawn`: a headless agent session (Claude Code over stream-json, its stdin and stdout held
//! by a `warren holder`), optionally with a first message whose result it waits for.

use super::caller::{Caller, hash, new_token};
use crate::Daemon;
use crate::headless::{launch, spec};
use crate::session::SessionHandle;
use crate::session::status::Next;
use crate::store::{HeadlessRow, HeadlessSpec, SessionRow};
use std::path::PathBuf;
use std::sync::Arc;
use warren_helpers::protect;
use warren_proto::{
    ApiError, ErrorCode, EventKind, Limits, NewRequest, SendAnswer, SessionInfo, SessionState,
    Signal, SpawnRequest,
};

/// spawn's answer: the session, the first turn's answer, and notices.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SpawnAnswer {
    /// The session.
    pub session: SessionInfo,
    /// The first message's answer, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<SendAnswer>,
    /// Things warren did on the caller's behalf (e.g. IS_SANDBOX=1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
}

/// Spawns; with a prompt, waits for its result unless `no_wait`.
pub async fn run(
    d: &Arc<Daemon>,
    req: SpawnRequest,
    caller: &Caller,
) -> Result<SpawnAnswer, ApiError> {
    let (h, notices) = create(d, &req, caller, None, Vec::new()).await?;
    let turn = match req.prompt.clone().filter(|p| !p.is_empty()) {
        Some(p) => {
            Some(super::turn::submit(d, &h, p, req.stop, req.no_wait, req.timeout_ms).await?)
        }
        None => None,
    };
    Ok(SpawnAnswer {
        session: super::status::one(d, &h.id)?,
        turn,
        notices,
    })
}

/// What a fork carries over from its source.
pub struct ForkFrom {
    /// The source's argv (its flags).
    pub argv: Vec<String>,
    /// The source's environment.
    pub env: std::collections::BTreeMap<String, String>,
}

/// Makes the session and starts its holder; the caller sends the first message.
pub async fn create(
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
                    + crate::headless::descendants_cost(d, &parent.id);
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
            let mut env = super::new::session_env(&newreq, &profile.env)?;
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
    super::new::write_env(&dir, &env)
        .map_err(|e| ApiError::internal(format!("storing the environment: {e}")))?;
    let mut argv = argv_base.clone();
    argv.extend(extra_args);
    let config_dir = crate::headless::config_dir(&env);
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
    let (h, rx) = SessionHandle::new(row.clone(), dir.clone(), profile.clone(), 0);
    h.set_headless(|x| *x = Some(hrow));
    d.registry.insert(h.clone());
    if let Err(e) = d.bus.publish(
        &id,
        name.as_str(),
        EventKind::Created {
            profile: profile.name.clone(),
        },
    ) {
        tracing::error!("storing event: {e}");
    }
    match launch::start(d, &dir, &row.cwd, &env, &argv, &id).await {
        Ok(pid) => {
            let _ = d.store.set_pid(&id, pid);
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
    d.start_session(h.clone(), rx);
    Ok((h, notices))
}

/// Fields the request leaves out come from the configured defaults.
pub fn with_defaults(mut l: Limits, defaults: &Limits) -> Limits {
    l.max_cost = l.max_cost.or(defaults.max_cost);
    l.max_turns = l.max_turns.or(defaults.max_turns);
    l.max_time_secs = l.max_time_secs.or(defaults.max_time_secs);
    l.max_total_time_secs = l.max_total_time_secs.or(defaults.max_total_time_secs);
    if l.protect.is_empty() {
        l.protect = defaults.protect.clone();
    }
    l.strict |= defaults.strict;
    l
}

/// Zero means no limit.
pub fn normalize(mut l: Limits) -> Limits {
    l.max_cost = l.max_cost.filter(|c| *c != 0.0);
    l.max_turns = l.max_turns.filter(|t| *t != 0);
    l.max_time_secs = l.max_time_secs.filter(|t| *t != 0);
    l.max_total_time_secs = l.max_total_time_secs.filter(|t| *t != 0);
    l
}

/// Limits must be positive numbers.
pub fn validate_limits(l: &Limits) -> Result<(), ApiError> {
    if l.max_cost.is_some_and(|c| !c.is_finite() || c < 0.0) {
        return Err(ApiError::bad_field(
            "max_cost",
            "must be a positive number of USD",
        ));
    }
    if l.protect.iter().any(|p| p.is_empty() || p.contains('\0')) {
        return Err(ApiError::bad_field("protect", "paths must be non-empty"));
    }
    Ok(())
}

/// Writes the guard's rules and the settings file that installs it as a PreToolUse hook;
/// answers the settings file's path for `--settings`.
pub fn write_guard(
    d: &Daemon,
    dir: &std::path::Path,
    limits: &Limits,
    cwd: &std::path::Path,
    env: &std::collections::BTreeMap<String, String>,
) -> Result<String, ApiError> {
    use crate::tmux::quote::sh;
    let rules = protect::Rules {
        protect: crate::headless::protected_patterns(
            d,
            limits,
            crate::headless::config_dir(env).as_deref(),
        ),
        cwd: cwd.to_string_lossy().into_owned(),
    };
    let rules_path = dir.join("protect.json");
    let settings_path = dir.join("settings.json");
    let command = format!(
        "{} guard --rules {}",
        sh(&d.exe.to_string_lossy()),
        sh(&rules_path.to_string_lossy())
    );
    let settings = serde_json::json!({
        "hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": command}]}]}
    });
    let write = |p: &std::path::Path, v: String| {
        std::fs::write(p, v)
            .map_err(|e| ApiError::internal(format!("writing {}: {e}", p.display())))
    };
    write(
        &rules_path,
        serde_json::to_string(&rules).unwrap_or_default(),
    )?;
    write(&settings_path, settings.to_string())?;
    Ok(settings_path.to_string_lossy().into_owned())
}

/// After a change of limits: the guard's rules follow at once (the hook reads them on every
/// tool call); with strict off they deny nothing until the next resume drops the hook.
pub fn refresh_guard(d: &Daemon, h: &SessionHandle) -> Result<(), ApiError> {
    let Some(row) = h.headless() else {
        return Ok(());
    };
    let rules_path = h.dir.join("protect.json");
    if !row.limits.strict && !rules_path.exists() {
        return Ok(());
    }
    let env = super::new::read_env(&h.dir);
    let cwd = PathBuf::from(h.row().cwd);
    if row.limits.strict {
        write_guard(d, &h.dir, &row.limits, &cwd, &env)?;
    } else {
        let rules = protect::Rules {
            protect: Vec::new(),
            cwd: cwd.to_string_lossy().into_owned(),
        };
        std::fs::write(
            &rules_path,
            serde_json::to_string(&rules).unwrap_or_default(),
        )
        .map_err(|e| ApiError::internal(format!("writing {}: {e}", rules_path.display())))?;
    }
    Ok(())
}

/// The agent's argv with warren's `--settings` (the strict guard) as the limits now say.
pub fn argv_for_limits(
    d: &Daemon,
    h: &SessionHandle,
    argv: &[String],
) -> Result<Vec<String>, ApiError> {
    let ours = h.dir.join("settings.json").to_string_lossy().into_owned();
    let mut out = Vec::with_capacity(argv.len() + 2);
    let mut i = 0;
    while i < argv.len() {
        if argv[i] == "--settings" && argv.get(i + 1) == Some(&ours) {
            i += 2;
            continue;
        }
        out.push(argv[i].clone());
        i += 1;
    }
    if h.headless().is_some_and(|r| r.limits.strict) {
        refresh_guard(d, h)?;
        out.extend(["--settings".to_string(), ours]);
    }
    Ok(out)
}
