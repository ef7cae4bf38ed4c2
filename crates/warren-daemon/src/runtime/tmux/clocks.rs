//! The safety net of a tmux session: its time limits. `max_time_secs` runs from a send (with
//! Enter) until the agent is idle or asks something again; `max_total_time_secs` from the
//! session's creation. A breach is a violation; a turn over its time is interrupted (Escape for
//! Claude Code, C-c otherwise) and killed if it does not yield; a session over its total time
//! is killed.

use crate::daemon::Daemon;
use crate::session::SessionHandle;
use crate::store::now_ms;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use warren_proto::SessionState;

/// How long an interrupted agent has to yield before it is killed.
const GRACE: Duration = Duration::from_secs(5);

/// The running clocks.
#[derive(Debug, Default)]
pub(crate) struct Clocks {
    total: Option<Instant>,
    turn_started: Option<Instant>,
    grace: Option<Instant>,
}

impl Clocks {
    /// Clocks for a session's current limits.
    pub(crate) fn new(h: &SessionHandle) -> Self {
        let mut c = Self::default();
        c.rearm(h);
        c
    }

    /// The limits changed: the total clock follows at once.
    pub(crate) fn rearm(&mut self, h: &SessionHandle) {
        self.total = h.limits().max_total_time_secs.map(|secs| {
            let left = h.created_ms + secs as i64 * 1000 - now_ms();
            Instant::now() + Duration::from_millis(left.max(0) as u64)
        });
    }

    /// Input was submitted: a turn starts.
    pub(crate) fn sent(&mut self) {
        self.turn_started = Some(Instant::now());
    }

    /// The agent is busy (agents that report through hooks: whoever typed the prompt): the
    /// turn's clock runs from the first time it is seen busy.
    pub(crate) fn busy(&mut self) {
        if self.turn_started.is_none() {
            self.turn_started = Some(Instant::now());
        }
    }

    /// The state changed: a turn ends when the agent is idle or waits for an answer.
    pub(crate) fn settled(&mut self, state: SessionState) {
        if matches!(state, SessionState::Idle | SessionState::WaitingInput) {
            self.turn_started = None;
            self.grace = None;
        }
    }

    fn turn_due(&self, h: &SessionHandle) -> Option<Instant> {
        if self.grace.is_some() {
            return None;
        }
        let secs = h.limits().max_time_secs?;
        Some(self.turn_started? + Duration::from_secs(secs))
    }

    /// When the next clock runs out.
    pub(crate) fn next(&self, h: &SessionHandle) -> Option<Instant> {
        [self.total, self.turn_due(h), self.grace]
            .into_iter()
            .flatten()
            .min()
    }

    /// Acts on whatever ran out.
    pub(crate) async fn fire(&mut self, d: &Arc<Daemon>, h: &Arc<SessionHandle>) {
        let now = Instant::now();
        if self.total.is_some_and(|t| t <= now) {
            self.total = None;
            let secs = h.limits().max_total_time_secs.unwrap_or(0);
            let msg = format!(
                "the session ran longer than {} in all",
                warren_proto::format_duration(Duration::from_secs(secs))
            );
            d.record_violation(h, "max_total_time", &msg);
            crate::pane::safety::kill_for_limit(d, h, &msg).await;
            return;
        }
        if self.grace.is_some_and(|t| t <= now) {
            self.grace = None;
            if h.state() == SessionState::Running {
                crate::pane::safety::kill_for_limit(
                    d,
                    h,
                    "the agent did not yield to the interrupt",
                )
                .await;
            }
            return;
        }
        if self.turn_due(h).is_some_and(|t| t <= now) {
            let secs = h.limits().max_time_secs.unwrap_or(0);
            let msg = format!(
                "the interaction ran longer than {}",
                warren_proto::format_duration(Duration::from_secs(secs))
            );
            d.record_violation(h, "max_time", &msg);
            let key = h.profile.interrupt_key.as_str();
            if let Some(p) = h.row().tmux_pane {
                let _ = d.tmux.send_keys(&p, &[key.to_string()]).await;
            }
            self.grace = Some(now + GRACE);
        }
    }
}
