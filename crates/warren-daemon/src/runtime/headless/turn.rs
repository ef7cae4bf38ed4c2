//! One interaction while it runs: which API calls and tools it made, and at its `result`,
//! the verdict. A limit breach found before or at the result outranks `completed`.

use std::collections::HashSet;
use tokio::time::Instant;
use warren_proto::{Interaction, Limits, TurnResult};

/// An interaction in progress.
#[derive(Debug)]
pub(crate) struct OpenTurn {
    /// Its sequence number.
    pub seq: u64,
    /// What was sent.
    pub prompt: String,
    /// When it was forwarded.
    pub started: Instant,
    /// Same, wall clock.
    pub started_ms: i64,
    /// API messages seen (their ids).
    pub calls: HashSet<String>,
    /// Tools used, each once, in order.
    pub tools: Vec<String>,
    /// Tool calls waiting for their result.
    pub pending_tools: HashSet<String>,
    /// The agent echoed the message.
    pub acked: bool,
    /// A breach found during the turn: its status.
    pub breach: Option<&'static str>,
    /// Interrupted on request.
    pub interrupted: bool,
    /// Last output.
    pub last_output: Instant,
}

impl OpenTurn {
    /// A turn just forwarded.
    pub(crate) fn new(seq: u64, prompt: String) -> Self {
        let now = Instant::now();
        Self {
            seq,
            prompt,
            started: now,
            started_ms: crate::store::now_ms(),
            calls: HashSet::new(),
            tools: Vec::new(),
            pending_tools: HashSet::new(),
            acked: false,
            breach: None,
            interrupted: false,
            last_output: now,
        }
    }

    /// Notes a tool call.
    pub(crate) fn tool(&mut self, id: &str, name: &str) {
        if !self.tools.iter().any(|t| t == name) {
            self.tools.push(name.to_string());
        }
        self.pending_tools.insert(id.to_string());
    }
}

/// Totals before this turn, for the verdict.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Totals {
    /// Cost so far including children, before this turn.
    pub cost: f64,
    /// Turns so far, before this turn.
    pub turns: u64,
}

/// Builds the stored interaction from the result, with its status.
pub(crate) fn verdict(
    t: &OpenTurn,
    r: &TurnResult,
    cost: f64,
    before: Totals,
    limits: &Limits,
) -> Interaction {
    let mut errors = r.errors.clone();
    let over_cost = limits.max_cost.is_some_and(|m| before.cost + cost > m);
    let over_turns = limits
        .max_turns
        .is_some_and(|m| before.turns + r.num_turns > m);
    let status = if let Some(b) = t.breach {
        b
    } else if over_cost || r.subtype == "error_max_budget_usd" {
        "cost_exceeded"
    } else if over_turns || r.subtype == "error_max_turns" {
        "turns_exceeded"
    } else if r.is_error && t.interrupted {
        "interrupted"
    } else if r.is_error {
        "failed"
    } else if !r.permission_denials.is_empty() {
        "needs_input"
    } else {
        "completed"
    };
    if r.is_error && errors.is_empty() {
        if let Some(text) = &r.result {
            errors.push(text.clone());
        } else {
            errors.push(format!("the agent ended the turn with {}", r.subtype));
        }
    }
    Interaction {
        seq: t.seq,
        prompt: t.prompt.clone(),
        response: r.result.clone(),
        status: status.to_string(),
        cost,
        turns: r.num_turns,
        duration_ms: t.started.elapsed().as_millis() as u64,
        tools: t.tools.clone(),
        errors,
        denials: r.permission_denials.clone(),
        started_at: crate::store::rfc3339(t.started_ms),
        ended_at: None,
        agent_session_id: (!r.agent_session_id.is_empty()).then(|| r.agent_session_id.clone()),
    }
}

/// Statuses that end the session (the safety net stops it).
pub(crate) fn is_breach(status: &str) -> bool {
    matches!(status, "cost_exceeded" | "turns_exceeded" | "time_exceeded")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(is_error: bool, subtype: &str) -> TurnResult {
        TurnResult {
            subtype: subtype.into(),
            is_error,
            result: Some("ok".into()),
            num_turns: 2,
            ..TurnResult::default()
        }
    }

    #[test]
    fn statuses() {
        let t = OpenTurn::new(1, "p".into());
        let none = Limits::default();
        let z = Totals::default();
        assert_eq!(
            verdict(&t, &result(false, "success"), 0.1, z, &none).status,
            "completed"
        );
        assert_eq!(
            verdict(&t, &result(true, "success"), 0.1, z, &none).status,
            "failed",
            "is_error decides, not subtype"
        );
        assert_eq!(
            verdict(&t, &result(true, "error_max_turns"), 0.1, z, &none).status,
            "turns_exceeded"
        );
        let mut denied = result(false, "success");
        denied.permission_denials = vec![serde_json::json!({"tool_name": "Bash"})];
        assert_eq!(verdict(&t, &denied, 0.1, z, &none).status, "needs_input");
        let cap = Limits {
            max_cost: Some(1.0),
            max_turns: Some(3),
            ..Limits::default()
        };
        let before = Totals {
            cost: 0.95,
            turns: 0,
        };
        assert_eq!(
            verdict(&t, &result(false, "success"), 0.1, before, &cap).status,
            "cost_exceeded",
            "a breach outranks completed"
        );
        let before = Totals {
            cost: 0.0,
            turns: 2,
        };
        assert_eq!(
            verdict(&t, &result(false, "success"), 0.1, before, &cap).status,
            "turns_exceeded"
        );
        let mut t2 = OpenTurn::new(2, "p".into());
        t2.breach = Some("time_exceeded");
        assert_eq!(
            verdict(&t2, &result(true, "error_during_execution"), 0.0, z, &none).status,
            "time_exceeded"
        );
        let mut t3 = OpenTurn::new(3, "p".into());
        t3.interrupted = true;
        assert_eq!(
            verdict(&t3, &result(true, "error_during_execution"), 0.0, z, &none).status,
            "interrupted"
        );
    }
}
