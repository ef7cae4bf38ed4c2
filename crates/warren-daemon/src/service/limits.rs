//! `limits`: changes a session's safety net. A session may tighten anyone's limits but not
//! raise its own or an ancestor's.

use super::caller::Caller;
use crate::daemon::Daemon;
use crate::session::Cmd;
use std::sync::Arc;
use warren_proto::{ApiError, Limits, LimitsRequest, SessionInfo};

/// Applies the change and answers the session's status.
pub fn run(
    d: &Arc<Daemon>,
    key: &str,
    req: LimitsRequest,
    caller: &Caller,
) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    let Some(mut row) = h.headless() else {
        // A tmux session: its time limits.
        let old = h.limits();
        let new = super::new::tmux_limits(apply(&old, &req), h.profile.hooks)?;
        caller.may_set_limits(d, &h, &old, &new)?;
        d.store
            .set_session_limits(&h.id, &new)
            .map_err(ApiError::internal)?;
        h.set_tmux_limits(new);
        h.send(Cmd::LimitsChanged);
        return super::status::one(d, &h.id);
    };
    let old = row.limits.clone();
    let new = apply(&old, &req);
    super::spawn::validate_limits(&new)?;
    caller.may_set_limits(d, &h, &old, &new)?;
    row.limits = new;
    d.store.save_headless(&row).map_err(ApiError::internal)?;
    h.set_headless(|x| *x = Some(row));
    super::spawn::refresh_guard(d, &h)?;
    h.send(Cmd::LimitsChanged);
    super::status::one(d, &h.id)
}

/// The limits after a change: given fields replace, `0` removes.
pub fn apply(old: &Limits, req: &LimitsRequest) -> Limits {
    let pick_f = |o: Option<f64>, n: Option<f64>| match n {
        Some(0.0) => None,
        Some(v) => Some(v),
        None => o,
    };
    let pick = |o: Option<u64>, n: Option<u64>| match n {
        Some(0) => None,
        Some(v) => Some(v),
        None => o,
    };
    Limits {
        max_cost: pick_f(old.max_cost, req.max_cost),
        max_turns: pick(old.max_turns, req.max_turns),
        max_time_secs: pick(old.max_time_secs, req.max_time_secs),
        max_total_time_secs: pick(old.max_total_time_secs, req.max_total_time_secs),
        protect: req.protect.clone().unwrap_or_else(|| old.protect.clone()),
        strict: req.strict.unwrap_or(old.strict),
    }
}
