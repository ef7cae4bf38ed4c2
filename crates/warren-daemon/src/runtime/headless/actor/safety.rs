//! A turn's result, the limits (mid-turn and at the result) and the watchdog.

use super::*;

impl Actor {
    /// Cost so far, this session's own plus its descendants'.
    pub(super) fn total_cost(&self) -> f64 {
        self.h.row().cost.unwrap_or(0.0)
            + crate::runtime::headless::descendants_cost(&self.d, &self.h.id)
    }

    pub(super) async fn on_result(&mut self, r: warren_proto::TurnResult) {
        let Some(t) = self.open.take() else {
            // A result with no interaction of ours (e.g. after an interrupt of nothing).
            return;
        };
        let cost = (r.total_cost_usd - self.process_cost).max(0.0);
        self.process_cost = r.total_cost_usd.max(self.process_cost);
        let before = Totals {
            cost: self.total_cost(),
            turns: self.h.row().turns.unwrap_or(0),
        };
        let limits = self.limits();
        let i = verdict(&t, &r, cost, before, &limits);
        let at = now_ms();
        if let Err(e) = self.d.store.finish_interaction(&self.h.id, &i, at) {
            tracing::error!("storing interaction: {e}");
        }
        let (own_cost, turns) = (
            self.h.row().cost.unwrap_or(0.0) + cost,
            before.turns + r.num_turns,
        );
        if let Err(e) = self.d.store.set_cost(&self.h.id, own_cost, turns) {
            tracing::error!("storing cost: {e}");
        }
        self.h.update(|row| {
            row.cost = Some(own_cost);
            row.turns = Some(turns);
        });
        if is_breach(&i.status) && t.breach.is_none() {
            // Found at the result (the CLI's own limit, or cost known only now).
            let (kind, msg) = match i.status.as_str() {
                "cost_exceeded" => (
                    "max_cost",
                    format!(
                        "cost ${:.4} is over the limit of ${:.2}",
                        before.cost + cost,
                        limits.max_cost.unwrap_or(0.0)
                    ),
                ),
                "turns_exceeded" => (
                    "max_turns",
                    format!(
                        "{turns} turns is over the limit of {}",
                        limits.max_turns.unwrap_or(0)
                    ),
                ),
                _ => ("max_time", "time limit".to_string()),
            };
            self.violation(Violation {
                kind: kind.into(),
                message: msg.clone(),
                at: crate::store::rfc3339(at),
                tool: None,
                path: None,
            });
            self.ending = Some(Ending::Limit(msg));
        }
        self.h.turn_ended(t.seq);
        self.grace_due = None;
        if matches!(self.ending, Some(Ending::Limit(_))) {
            // The safety net ends the session once the agent yielded.
            let _ = self.stop_for_limit().await;
            return;
        }
        if matches!(self.ending, Some(Ending::Watchdog(_))) {
            // It yielded to the watchdog's interrupt: keep the session.
            self.ending = None;
        }
        if self.pause_pending {
            self.pause_pending = false;
            self.to(SessionState::Paused, Signal::StreamResult, "input is held");
            return;
        }
        if self.queue.is_empty() && !self.stop_after {
            self.to(
                SessionState::Idle,
                Signal::StreamResult,
                &format!("turn {} {}", t.seq, i.status),
            );
            return;
        }
        self.next_or_idle().await;
    }

    pub(super) async fn stop_for_limit(&mut self) -> Result<(), ApiError> {
        let ending = self.ending.clone();
        self.stop(false).await?;
        // `stop` records a graceful ending; the limit is why.
        self.ending = ending;
        Ok(())
    }

    /// A limit was breached during a turn: record it, interrupt, and kill if it won't yield.
    pub(super) async fn breach(&mut self, kind: &str, status: &'static str, message: String) {
        let Some(t) = self.open.as_mut() else { return };
        if t.breach.is_some() {
            return;
        }
        t.breach = Some(status);
        self.violation(Violation {
            kind: kind.into(),
            message: message.clone(),
            at: crate::store::rfc3339(now_ms()),
            tool: None,
            path: None,
        });
        self.ending = Some(Ending::Limit(message));
        let _ = self.interrupt().await;
        self.grace_due = Some(Instant::now() + GRACE);
    }

    pub(super) fn watchdog_due(&self) -> Option<Instant> {
        let t = self.open.as_ref()?;
        if self.grace_due.is_some() {
            return None;
        }
        let (quiet, tool) = self.watchdog_secs();
        let secs = if t.pending_tools.is_empty() {
            quiet
        } else {
            tool
        };
        (secs > 0).then(|| t.last_output + Duration::from_secs(secs))
    }

    pub(super) fn turn_deadline(&self) -> Option<Instant> {
        let t = self.open.as_ref()?;
        if t.breach.is_some() {
            return None;
        }
        let secs = self.h.with_headless(|r| r.limits.max_time_secs)??;
        Some(t.started + Duration::from_secs(secs))
    }

    pub(super) fn total_deadline(&self) -> Option<Instant> {
        let t = self.open.as_ref()?;
        if t.breach.is_some() {
            return None;
        }
        let (max, used) = self
            .h
            .with_headless(|r| (r.limits.max_total_time_secs, r.active_ms))?;
        let max = max? as i64 * 1000;
        let since = self.active_since?;
        Some(since + Duration::from_millis((max - used).max(0) as u64))
    }

    pub(super) async fn watchdog_fired(&mut self) {
        let Some(t) = self.open.as_ref() else { return };
        let (quiet, tool) = self.watchdog_secs();
        let reason = if t.pending_tools.is_empty() {
            format!("no output for {} during a turn", fmt_secs(quiet))
        } else {
            format!("a tool ran for {} with no result", fmt_secs(tool))
        };
        self.violation(Violation {
            kind: "watchdog".into(),
            message: reason.clone(),
            at: crate::store::rfc3339(now_ms()),
            tool: None,
            path: None,
        });
        self.ending = Some(Ending::Watchdog(reason));
        let _ = self.interrupt().await;
        self.grace_due = Some(Instant::now() + GRACE);
    }
}
