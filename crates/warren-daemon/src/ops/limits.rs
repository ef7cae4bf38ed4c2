//! The safety net's limits: defaults, zero meaning none, what is valid, what a tmux session
//! can keep, and a change applied to the limits in force.

use warren_proto::{ApiError, Limits, LimitsRequest};

/// The limits a tmux session can keep: the time limits, and for Claude Code (whose hooks and
/// status line report them) cost and turns. Protected paths need every tool call (a headless
/// session has them), so asking for them is an error.
pub(crate) fn tmux_limits(
    l: warren_proto::Limits,
    reports_cost: bool,
) -> Result<warren_proto::Limits, ApiError> {
    let unsupported = [
        (l.max_cost.is_some() && !reports_cost, "max_cost"),
        (l.max_turns.is_some() && !reports_cost, "max_turns"),
        (!l.protect.is_empty() || l.strict, "protect"),
    ];
    if let Some((_, field)) = unsupported.iter().find(|(set, _)| *set) {
        return Err(ApiError::bad_field(
            field,
            "a tmux session cannot keep this limit: warren sees no cost, turns or tool calls from a screen",
        )
        .with_hint("use `warren spawn` (headless) for cost, turn and path limits; tmux sessions keep --max-time and --max-total-time"));
    }
    Ok(l)
}

/// Fields the request leaves out come from the configured defaults.
pub(crate) fn with_defaults(mut l: Limits, defaults: &Limits) -> Limits {
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
pub(crate) fn normalize(mut l: Limits) -> Limits {
    l.max_cost = l.max_cost.filter(|c| *c != 0.0);
    l.max_turns = l.max_turns.filter(|t| *t != 0);
    l.max_time_secs = l.max_time_secs.filter(|t| *t != 0);
    l.max_total_time_secs = l.max_total_time_secs.filter(|t| *t != 0);
    l
}

/// Limits must be positive numbers.
pub(crate) fn validate_limits(l: &Limits) -> Result<(), ApiError> {
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

/// The limits after a change: given fields replace, `0` removes.
pub(crate) fn apply(old: &Limits, req: &LimitsRequest) -> Limits {
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
