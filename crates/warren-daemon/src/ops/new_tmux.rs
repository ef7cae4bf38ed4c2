//! Creating a session in tmux (`new`, and `takeover`'s interactive half). The row is stored (state `starting`) before tmux is
//! touched; the program waits at a gate until its output pipe is in place.

use super::limits::tmux_limits;
use crate::daemon::Daemon;
use crate::session::SessionHandle;
use crate::session::env::{session_env, write_env};
use crate::store::SessionRow;
use crate::tmux::{CreateSpec, TmuxError};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use warren_proto::{ApiError, ErrorCode, NewRequest, SessionInfo, SessionState, Signal};

/// Creates the session; with an idempotency key already used, answers the session it made.
pub(crate) async fn create(
    d: &Arc<Daemon>,
    req: NewRequest,
    idem: Option<String>,
) -> Result<SessionInfo, ApiError> {
    let name = req
        .name
        .clone()
        .ok_or_else(|| ApiError::bad_field("name", "required"))?;
    if let Some(key) = &idem {
        if let Some(row) = d.store.session_by_idem(key).map_err(ApiError::internal)? {
            return Ok(d.lookup(&row.id)?.info(d.config.stale_after_secs));
        }
    }
    let profile_name = req.profile.clone().unwrap_or_else(|| {
        if req.command.is_empty() {
            d.config.default_profile.clone()
        } else {
            "command".into()
        }
    });
    let profile = d.profile(&profile_name)?;
    let cwd = super::working_dir("cwd", req.cwd.as_deref())?;
    let limits = tmux_limits(
        super::limits::normalize(super::limits::with_defaults(
            req.limits.clone(),
            &d.config.limits,
        )),
        profile.status.hooks(),
    )?;
    let mut env = session_env(&req, &profile.env)?;
    // Its identity: requests made from inside it carry this token (never stored in clear).
    let token = super::policy::new_token();
    env.insert(warren_proto::SESSION_TOKEN_ENV.into(), token.clone());
    let mut argv = if req.command.is_empty() {
        profile.command.clone()
    } else {
        req.command.clone()
    };
    if argv.is_empty() {
        argv.push(
            env.get("SHELL")
                .cloned()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "/bin/sh".into()),
        );
    }
    if let (Some(flag), Some(model)) = (&profile.model_flag, &req.model) {
        argv.push(flag.clone());
        argv.push(model.clone());
    }
    let id = uuid::Uuid::now_v7().to_string();
    let dir = d.paths.session_dir(&id);
    // Claude Code: warren picks its session id and adds its hooks and status line.
    let agent_session = profile.status.hooks().then(|| {
        req.resume
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
    });
    if let Some(sid) = &agent_session {
        let flag = if req.resume.is_some() {
            "--resume"
        } else {
            "--session-id"
        };
        argv.push(flag.into());
        argv.push(sid.clone());
        argv.push("--settings".into());
        argv.push(
            dir.join(crate::agents::claude::settings::FILE)
                .to_string_lossy()
                .into_owned(),
        );
    }
    if argv.iter().any(|a| a.contains('\0')) {
        return Err(ApiError::bad_field(
            "command",
            "an argument contains a NUL byte",
        ));
    }
    d.ensure_name_free(name.as_str())?;
    if !d.tmux.available() {
        return Err(d.tmux_error(TmuxError::Unavailable(format!(
            "tmux not found ({}); install it: `sudo apt-get install tmux` (Debian/Ubuntu) or `brew install tmux` (macOS)",
            d.tmux.bin().display()
        ))));
    }

    crate::paths::create_private_dir(&dir)
        .map_err(|e| ApiError::internal(format!("creating {}: {e}", dir.display())))?;
    write_env(&dir, &env)
        .map_err(|e| ApiError::internal(format!("storing the environment: {e}")))?;
    if let Some(sid) = &agent_session {
        prepare_claude(d, &req, &id, &dir, &cwd, &env, &argv, sid)?;
    }
    let hooks_prompt = profile.status.hooks().then(|| req.prompt.clone()).flatten();
    let row = SessionRow {
        cwd: cwd.to_string_lossy().into_owned(),
        command: argv.clone(),
        gate: format!("warren-gate-{id}"),
        job_slug: req.job_slug.clone(),
        pending_prompt: (!profile.status.hooks())
            .then(|| req.prompt.clone())
            .flatten()
            .filter(|p| !p.is_empty()),
        idem_key: idem.clone(),
        ..SessionRow::fresh(
            &id,
            name.as_str(),
            &profile.name,
            SessionState::Starting,
            Signal::Warren("create".into()),
            "starting",
        )
    };
    if let Err(e) = d.store.insert_session(&row) {
        // Two retries with one key can race here; the unique index lets one win.
        if let (Some(key), true) = (&idem, e.to_string().contains("UNIQUE")) {
            if let Some(row) = d.store.session_by_idem(key).map_err(ApiError::internal)? {
                return Ok(d.lookup(&row.id)?.info(d.config.stale_after_secs));
            }
        }
        return Err(ApiError::internal(format!("storing the session: {e}")));
    }
    if let Err(e) = d.store.add_token(&id, &super::policy::hash(&token)) {
        tracing::error!("storing the session's token: {e}");
    }
    // Claude Code's first prompt is an input like any other: typed once it is idle, acked.
    if let Some(p) = hooks_prompt.filter(|p| !p.is_empty()) {
        d.store
            .input_add(&id, &p, crate::store::now_ms())
            .map_err(|e| ApiError::internal(format!("storing the prompt: {e}")))?;
    }
    if limits != warren_proto::Limits::default() {
        d.store
            .set_session_limits(&id, &limits)
            .map_err(|e| ApiError::internal(format!("storing the limits: {e}")))?;
    }
    d.fault("new-after-row");
    let (h, rx) = SessionHandle::new_tmux(row.clone(), dir.clone(), profile.clone(), 0);
    if let Some(t) = h.tmux() {
        t.set_limits(limits);
    }
    crate::runtime::start_tmux(d, h.clone(), rx);
    d.announce_created(&h);

    let env_pairs: Vec<(String, String)> = env.into_iter().collect();
    let spec = CreateSpec {
        name: name.as_str(),
        warren_id: &id,
        cwd: &cwd,
        env: &env_pairs,
        argv: &argv,
        width: profile.width,
        height: profile.height,
        gate: &row.gate,
    };
    match start_in_tmux(d, &h, &spec).await {
        Ok(()) => {}
        Err(e) => {
            d.transition(
                &h,
                crate::session::status::Next {
                    to: SessionState::Failed,
                    signal: Signal::Warren("create".into()),
                    detail: e.body.message.clone(),
                },
            );
            return Err(e);
        }
    }
    if let Some(ms) = req.wait_ready_ms {
        let mut rx = h.watch();
        super::wait_progress(&mut rx, Duration::from_millis(ms), |p| {
            p.state != SessionState::Starting
        })
        .await;
    }
    Ok(h.info(d.config.stale_after_secs))
}

async fn start_in_tmux(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    spec: &CreateSpec<'_>,
) -> Result<(), ApiError> {
    let created = match d.tmux.create_gated(spec).await {
        Err(TmuxError::Command(m)) if m.contains("duplicate session") => {
            free_tmux_name(d, spec.name).await?;
            d.tmux.create_gated(spec).await
        }
        other => other,
    }
    .map_err(|e| d.tmux_error(e))?;
    d.fault("new-after-tmux");
    d.store
        .set_tmux(
            &h.id,
            &created.session_id,
            &created.pane_id,
            created.pane_pid,
        )
        .map_err(ApiError::internal)?;
    h.update(|r| {
        r.tmux_session = Some(created.session_id.clone());
        r.tmux_pane = Some(created.pane_id.clone());
        r.pid = Some(created.pane_pid);
    });
    d.tmux
        .ensure_pipe(&created.pane_id, &d.pipe_command(&h.dir))
        .await
        .map_err(|e| d.tmux_error(e))?;
    d.tmux
        .open_gate(spec.gate)
        .await
        .map_err(|e| d.tmux_error(e))?;
    crate::runtime::tmux::watchers::after_spawn(d);
    Ok(())
}

/// A tmux session holds the name: if it is an ended warren session (kept for its screen),
/// remove it; anything else is refused.
async fn free_tmux_name(d: &Arc<Daemon>, name: &str) -> Result<(), ApiError> {
    let panes = d.tmux.list_panes().await.map_err(|e| d.tmux_error(e))?;
    let Some(p) = panes.iter().find(|p| p.session_name == name) else {
        return Ok(());
    };
    let ours_and_ended = d
        .registry
        .resolve(&p.warren_id)
        .is_some_and(|h| h.state().is_terminal());
    if !ours_and_ended {
        return Err(ApiError::new(
            ErrorCode::NameTaken,
            format!("a tmux session named {name} already exists on warren's tmux server"),
        )
        .with_hint(format!(
            "see `warren find`; `warren adopt {name}` registers it"
        )));
    }
    d.tmux
        .kill_session(&p.session_id)
        .await
        .map_err(|e| d.tmux_error(e))
}

/// Writes what a Claude Code session needs before it starts: warren's settings file (hooks
/// and status line), the user's own status line command, `claude.json`, and with
/// `seed_config` the pre-seeded config files that keep the first-start dialogs away.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the parts of a new session"
)]
fn prepare_claude(
    d: &Daemon,
    req: &NewRequest,
    id: &str,
    dir: &std::path::Path,
    cwd: &std::path::Path,
    env: &BTreeMap<String, String>,
    argv: &[String],
    sid: &str,
) -> Result<(), ApiError> {
    use crate::agents::claude::{meta, seed, settings};
    let target = settings::HookTarget {
        exe: &d.exe,
        home: &d.paths.home,
        session: id,
    };
    let io = |what: &str, e: std::io::Error| ApiError::internal(format!("{what}: {e}"));
    settings::write(dir, &target, &d.config.claude_skip_hooks)
        .map_err(|e| io("writing the Claude Code settings file", e))?;
    settings::write_user_statusline(dir, settings::user_statusline(env, cwd).as_deref())
        .map_err(|e| io("recording the user's status line", e))?;
    let cwd_s = cwd.to_string_lossy().into_owned();
    meta::write(
        dir,
        &meta::Meta {
            agent_session_id: sid.to_string(),
            transcript: meta::transcript_path(env, &cwd_s, sid),
            cwd: cwd_s,
        },
    )
    .map_err(|e| io("writing claude.json", e))?;
    if req.seed_config || d.config.claude_seed_config {
        let files = seed::files(env).ok_or_else(|| {
            ApiError::bad_field(
                "seed_config",
                "neither HOME nor CLAUDE_CONFIG_DIR is set in the session's environment",
            )
        })?;
        let bypass = argv.iter().any(|a| a == "--dangerously-skip-permissions")
            || argv
                .windows(2)
                .any(|w| w[0] == "--permission-mode" && w[1] == "bypassPermissions");
        let changed = seed::seed(
            &files,
            &seed::Seed {
                cwd,
                api_key: env.get("ANTHROPIC_API_KEY").map(String::as_str),
                bypass,
            },
        )
        .map_err(|e| {
            ApiError::bad_field(
                "seed_config",
                format!("pre-seeding Claude Code's config: {e}"),
            )
        })?;
        if !changed.is_empty() {
            tracing::info!(
                session = id,
                "pre-seeded Claude Code's config: {}",
                changed.join("; ")
            );
        }
    }
    Ok(())
}
