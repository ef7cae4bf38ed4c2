//! `delegate` and `continue`: spawn (or reuse) a session with the safety net, send the task,
//! wait, and answer claude-multi-session's structured result.

use crate::daemon::Daemon;
use crate::ops::policy::Caller;
use crate::session::SessionHandle;
use std::sync::Arc;
use warren_proto::{
    ApiError, DelegateRequest, DelegateResult, Limits, Safety, SafetyLimits, SendAnswer,
    SessionState, SpawnRequest,
};

/// Spawns with limits (the seed's defaults unless given or `no_safety`), sends, waits.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    req: DelegateRequest,
    caller: &Caller,
) -> Result<DelegateResult, ApiError> {
    let defaults = Limits::delegate_defaults();
    let limits = if req.no_safety {
        Limits::default()
    } else {
        Limits {
            max_cost: req.limits.max_cost.or(defaults.max_cost),
            max_turns: req.limits.max_turns.or(defaults.max_turns),
            max_time_secs: req.limits.max_time_secs.or(defaults.max_time_secs),
            ..req.limits.clone()
        }
    };
    let task = match &req.context {
        Some(c) if !c.is_empty() => format!("{c}\n\n{}", req.task),
        _ => req.task.clone(),
    };
    if task.trim().is_empty() {
        return Err(ApiError::bad_field("task", "required"));
    }
    let spawn = SpawnRequest {
        model: req.model.clone(),
        work_dir: req.work_dir.clone(),
        system_prompt: req.system_prompt.clone(),
        agent: req.agent.clone(),
        preset: Some(req.preset.clone().unwrap_or_else(|| "edit".into())),
        profile: req.profile.clone(),
        program: req.program.clone(),
        env: req.env.clone(),
        limits,
        watchdog_secs: req.watchdog_secs,
        ..SpawnRequest::new(req.name.clone())
    };
    let (h, _) = crate::ops::new_headless::create(d, &spawn, caller, None, Vec::new()).await?;
    let answer = crate::ops::turns::submit(d, &h, task, false, false, req.timeout_ms).await?;
    result(d, &h, &answer)
}

/// Sends a correction to a delegated session (resuming it if stopped) and answers the same
/// shape.
pub(crate) async fn continue_task(
    d: &Arc<Daemon>,
    key: &str,
    message: String,
    timeout_ms: Option<u64>,
) -> Result<DelegateResult, ApiError> {
    let h = crate::ops::headless_of::lookup(d, key)?;
    if h.ended() {
        crate::ops::revive::revive(d, &h).await?;
    }
    let answer = crate::ops::turns::submit(d, &h, message, false, false, timeout_ms).await?;
    result(d, &h, &answer)
}

/// The structured result of a turn.
pub(crate) fn result(
    d: &Daemon,
    h: &SessionHandle,
    a: &SendAnswer,
) -> Result<DelegateResult, ApiError> {
    let hrow = h.headless().unwrap_or_default();
    let violations = d.store.violations(&h.id).map_err(ApiError::internal)?;
    let row = h.row();
    let interaction_status = a.status.clone().unwrap_or_else(|| "failed".into());
    let status = match interaction_status.as_str() {
        "completed" | "needs_input" | "cost_exceeded" | "turns_exceeded" | "time_exceeded"
        | "running" => interaction_status.clone(),
        _ => "failed".to_string(),
    };
    let tools = d
        .store
        .interactions(&h.id)
        .ok()
        .and_then(|v| v.into_iter().last())
        .map(|i| i.tools)
        .unwrap_or_default();
    let error = (!matches!(status.as_str(), "completed" | "needs_input" | "running"))
        .then(|| a.reason.clone());
    let can_continue = !matches!(
        status.as_str(),
        "cost_exceeded" | "turns_exceeded" | "time_exceeded"
    ) && matches!(
        h.state(),
        SessionState::Idle | SessionState::Paused | SessionState::Stopped | SessionState::Running
    );
    Ok(DelegateResult {
        status,
        response: a.response.clone(),
        cost: row.cost.unwrap_or(0.0),
        turns: row.turns.unwrap_or(0),
        duration: a.duration.unwrap_or(0),
        session_id: a.session_id.clone().or(hrow.agent_session_id.clone()),
        name: h.name.to_string(),
        can_continue,
        tools_used: tools,
        safety: Safety {
            total_violations: violations.len() as u64,
            violations,
            limits: SafetyLimits::from(&hrow.limits),
        },
        error,
        interaction: a.interaction,
    })
}
