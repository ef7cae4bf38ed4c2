//! Attention: a session that needs a person (waiting for input, stuck, failed, or killed by a
//! limit) gets one `needs_attention` event per episode, and the actions `[attention]` names
//! (a command, `notify-send`, an http webhook) run for it in the background.
//!
//! An episode opens when a session enters one of those states and none is open. It stays open
//! while the session is in them and for `rearm_secs` after it left them, so a session that
//! flaps (waiting_input → running → waiting_input) announces itself once. A session that ends
//! any other way (completed, killed by a person, lost) closes its episode without an event.
//! No timers: the time the session left is recorded and compared on the next entry, and
//! `ls`/`status` compare it with the clock when they show the reason.

//!
//! It is a component: it reads the stored state changes from its inbox, after each is in the
//! store, and never blocks a transition.

mod actions;

use crate::daemon::Daemon;
use crate::daemon::component::{Component, Ctx};
use crate::session::{Attention, SessionHandle};
use crate::store::{now_ms, rfc3339};
use warren_proto::{EventKind, SessionState, Signal};

/// The attention component.
pub(crate) struct AttentionWatch;

impl Component for AttentionWatch {
    const NAME: &'static str = "attention";

    fn wants(kind: &EventKind) -> bool {
        matches!(kind, EventKind::StateChanged { .. })
    }

    async fn run(self, mut ctx: Ctx) {
        while let Some(ev) = ctx.next().await {
            let EventKind::StateChanged {
                to, signal, detail, ..
            } = &ev.kind
            else {
                continue;
            };
            if let Some(h) = ctx.d.registry.resolve(&ev.session_id) {
                on_transition(&ctx.d, &h, *to, signal, detail);
            }
        }
    }
}

/// Why a session that just entered `to` needs a person, if it does.
pub(crate) fn reason(to: SessionState, signal: &Signal, detail: &str) -> Option<String> {
    let what = match to {
        SessionState::WaitingInput => "waiting for input",
        SessionState::Stuck => "stuck",
        SessionState::Failed => "failed",
        SessionState::Killed if *signal == Signal::Warren("limit".into()) => "limit",
        _ => return None,
    };
    Some(if detail.is_empty() {
        what.to_string()
    } else {
        format!("{what}: {detail}")
    })
}

/// The episode after a transition into `to` at `now`, and the reason to announce when the
/// transition starts a new one.
pub(crate) fn step(
    cur: Option<Attention>,
    to: SessionState,
    signal: &Signal,
    detail: &str,
    now: i64,
    rearm_ms: i64,
) -> (Option<Attention>, Option<String>) {
    let open = cur.filter(|a| a.open_at(now));
    match reason(to, signal, detail) {
        // Still the same episode: it shows the latest reason, and nothing is announced.
        Some(reason) if open.is_some() => (
            Some(Attention {
                reason,
                left_ms: None,
                rearm_ms,
            }),
            None,
        ),
        Some(reason) => (
            Some(Attention {
                reason: reason.clone(),
                left_ms: None,
                rearm_ms,
            }),
            Some(reason),
        ),
        // Ended in a way that needs nobody: nothing left to attend to.
        None if to.is_terminal() => (None, None),
        // Out of the attention states: the rearm clock starts at the first step out, and
        // keeps running through further steps outside (running → idle).
        None => (
            open.map(|a| Attention {
                left_ms: Some(a.left_ms.unwrap_or(now)),
                ..a
            }),
            None,
        ),
    }
}

/// Opens, keeps or closes the session's episode after a stored transition into `to`; a new
/// one is published and its actions start in the background.
fn on_transition(d: &Daemon, h: &SessionHandle, to: SessionState, signal: &Signal, detail: &str) {
    let cfg = &d.config.attention;
    let rearm_ms = i64::try_from(cfg.rearm_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let now = now_ms();
    let started = h.update_attention(|a| {
        let (next, started) = step(a.take(), to, signal, detail, now, rearm_ms);
        *a = next;
        started
    });
    let Some(reason) = started else {
        return;
    };
    tracing::info!(session = %h.name, "needs attention: {reason}");
    let kind = EventKind::NeedsAttention {
        reason: reason.clone(),
        state: to,
    };
    let at = match d.bus.publish(&h.id, h.name.as_str(), kind) {
        Ok(ev) => ev.at.clone(),
        Err(e) => {
            tracing::error!("storing event: {e}");
            rfc3339(now)
        }
    };
    if cfg.has_actions() {
        let notice = actions::Notice {
            session: h.name.to_string(),
            session_id: h.id.clone(),
            state: to,
            reason,
            at,
        };
        actions::run_actions(cfg, notice);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_proto::SessionState as S;

    const REARM: i64 = 10_000;

    /// Runs transitions `(state, signal, at_ms)` from no episode; the reasons announced.
    fn run_through(steps: &[(S, &str, i64)]) -> (Option<Attention>, Vec<String>) {
        let mut cur = None;
        let mut announced = Vec::new();
        for (to, sig, at) in steps {
            let signal = Signal::parse(sig).unwrap();
            let (next, started) = step(cur, *to, &signal, "why", *at, REARM);
            cur = next;
            announced.extend(started);
        }
        (cur, announced)
    }

    #[test]
    fn flapping_within_rearm_is_one_episode() {
        let (cur, announced) = run_through(&[
            (S::Running, "output", 0),
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
            (S::Idle, "quiescence", 5_000),
            (S::WaitingInput, "screen:waiting", 11_000),
            (S::Running, "warren:input", 12_000),
            (S::WaitingInput, "screen:waiting", 13_000),
        ]);
        assert_eq!(announced, vec!["waiting for input: why".to_string()]);
        assert_eq!(cur.map(|a| a.left_ms), Some(None), "in the set: open");
    }

    #[test]
    fn after_rearm_a_new_episode_is_announced_again() {
        let (cur, announced) = run_through(&[
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
            (S::WaitingInput, "screen:waiting", 2_000 + REARM),
            (S::Running, "output", 20_000),
            (S::Stuck, "quiescence", 40_000),
        ]);
        assert_eq!(
            announced,
            vec![
                "waiting for input: why".to_string(),
                "waiting for input: why".to_string(),
                "stuck: why".to_string()
            ]
        );
        assert_eq!(cur.map(|a| a.reason), Some("stuck: why".to_string()));
    }

    #[test]
    fn the_rearm_clock_runs_from_the_first_step_out() {
        // running then idle: still "continuously" out since 2 000.
        let (_, announced) = run_through(&[
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
            (S::Idle, "quiescence", 9_000),
            (S::WaitingInput, "screen:waiting", 12_500),
        ]);
        assert_eq!(announced.len(), 2, "{announced:?}");
    }

    #[test]
    fn a_state_change_inside_the_episode_updates_the_reason_silently() {
        let (cur, announced) = run_through(&[
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
            (S::Stuck, "quiescence", 3_000),
        ]);
        assert_eq!(announced.len(), 1);
        assert_eq!(cur.map(|a| a.reason), Some("stuck: why".to_string()));
    }

    #[test]
    fn terminal_states_failed_and_limit_announce_the_others_close() {
        let (cur, announced) = run_through(&[(S::Failed, "process:exit", 1_000)]);
        assert_eq!(announced, vec!["failed: why".to_string()]);
        assert!(
            cur.is_some_and(|a| a.open_at(i64::MAX)),
            "an end stays shown"
        );

        let (_, announced) = run_through(&[
            (S::Running, "output", 0),
            (S::Killed, "warren:limit", 1_000),
        ]);
        assert_eq!(announced, vec!["limit: why".to_string()]);

        for (to, sig) in [
            (S::Completed, "process:exit"),
            (S::Killed, "warren:kill"),
            (S::Lost, "reconcile"),
        ] {
            let (cur, announced) =
                run_through(&[(S::WaitingInput, "screen:waiting", 1_000), (to, sig, 1_500)]);
            assert_eq!(announced.len(), 1, "{to}");
            assert_eq!(cur, None, "{to} closes the episode without an event");
            let (cur, announced) = run_through(&[(to, sig, 1_000)]);
            assert_eq!((cur, announced.len()), (None, 0), "{to} alone needs nobody");
        }
    }

    #[test]
    fn a_failure_inside_an_open_episode_is_not_announced_twice() {
        let (cur, announced) = run_through(&[
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
            (S::Failed, "process:exit", 3_000),
        ]);
        assert_eq!(announced.len(), 1);
        assert_eq!(cur.map(|a| a.reason), Some("failed: why".to_string()));
    }

    #[test]
    fn the_reason_shows_until_rearm_after_leaving() {
        let (cur, _) = run_through(&[
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
        ]);
        let a = cur.unwrap();
        assert!(a.open_at(2_000 + REARM - 1));
        assert!(!a.open_at(2_000 + REARM));
    }

    #[test]
    fn reasons_name_the_state_and_the_detail() {
        let limit = Signal::Warren("limit".into());
        assert_eq!(
            reason(S::Killed, &limit, "safety net: cost").as_deref(),
            Some("limit: safety net: cost")
        );
        assert_eq!(
            reason(S::WaitingInput, &Signal::Output, "").as_deref(),
            Some("waiting for input")
        );
        assert_eq!(reason(S::Idle, &Signal::Quiescence, "x"), None);
        assert_eq!(reason(S::Paused, &Signal::Quiescence, "x"), None);
    }
}
