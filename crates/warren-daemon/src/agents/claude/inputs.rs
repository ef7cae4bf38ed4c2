//! Acknowledged input for agents that report through hooks: an input is typed only when the
//! agent is idle with no dialog open (Enter would pick an option), is marked `typing` in the
//! store before the first key (so it is never typed twice, even across a daemon crash), and
//! is `acked` when the UserPromptSubmit hook reports the same text.

use super::engine::ClaudeState;
use crate::agents::claude::screen;
use crate::daemon::Daemon;
use crate::session::SessionHandle;
use crate::store::now_ms;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;
use warren_proto::{Ack, EventKind, SendAnswer, SessionState as S, normalise_text};

/// Quiet time after an Escape before the next key.
const ESCAPE_GAP: Duration = Duration::from_millis(300);

/// The input typed last, waiting for its hook.
pub(crate) struct Awaiting {
    /// Its number.
    pub seq: u64,
    /// Its text, normalised.
    pub norm: String,
    /// When to give up waiting.
    pub deadline: Instant,
    /// The caller waiting for the answer, if one still is.
    pub reply: Option<oneshot::Sender<SendAnswer>>,
    /// The output offset before it was typed.
    pub offset: u64,
}

/// An answer for input `seq`.
pub(crate) fn answer(seq: u64, ack: Ack, reason: &str, signal: &str, offset: u64) -> SendAnswer {
    SendAnswer {
        input: Some(seq),
        ..SendAnswer::new(ack, reason, signal, offset)
    }
}

fn refresh_queued(d: &Daemon, h: &SessionHandle) {
    let n = d
        .store
        .inputs_in(&h.id, "queued")
        .map(|v| v.len() as u64)
        .unwrap_or(0);
    h.set_interactive(|i| i.queued = n);
}

/// Settles input `seq`: stored, published, and answered to a waiting caller.
#[allow(
    clippy::too_many_arguments,
    reason = "private; every call names each part"
)]
fn settle(
    d: &Daemon,
    h: &SessionHandle,
    seq: u64,
    ack: Ack,
    reason: &str,
    signal: &str,
    reply: Option<oneshot::Sender<SendAnswer>>,
    offset: u64,
) {
    let state = match ack {
        Ack::Acked => "acked",
        Ack::Queued => "queued",
        Ack::Unconfirmed => "unconfirmed",
        Ack::Failed => "failed",
    };
    if let Err(e) = d
        .store
        .input_set(&h.id, seq, state, reason, signal, now_ms())
    {
        tracing::error!("storing input {seq}: {e}");
    }
    refresh_queued(d, h);
    if let Err(e) = d.bus.publish(
        &h.id,
        h.name.as_str(),
        EventKind::Input {
            input: seq,
            ack,
            reason: reason.into(),
            signal: signal.into(),
        },
    ) {
        tracing::error!("storing event: {e}");
    }
    if let Some(r) = reply {
        let _ = r.send(answer(seq, ack, reason, signal, offset));
    }
}

/// Why input cannot be typed now, if it cannot.
fn busy_reason(h: &SessionHandle, st: &ClaudeState) -> Option<String> {
    if st.awaiting.is_some() {
        return Some("the previous input is being acknowledged".into());
    }
    match h.state() {
        S::Idle => None,
        S::Starting => Some("the agent is starting".into()),
        S::Running => Some("the agent is busy".into()),
        S::WaitingInput => Some(match h.interactive().question {
            Some(q) => format!(
                "the agent waits on a dialog ({}); answer it with `warren approve`, `warren deny` or `warren keys`",
                q.question
            ),
            None => "the agent waits on a dialog".into(),
        }),
        S::Stuck => Some("the agent is stuck".into()),
        other => Some(format!("the session is {other}")),
    }
}

/// A new input (already stored as `queued`): typed now if the agent is idle and it is next,
/// else answered `queued` with the reason.
pub(crate) async fn on_new(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    st: &mut ClaudeState,
    seq: u64,
    reply: oneshot::Sender<SendAnswer>,
) {
    refresh_queued(d, h);
    let head = d
        .store
        .inputs_in(&h.id, "queued")
        .ok()
        .and_then(|v| v.first().map(|r| r.seq));
    let reason = busy_reason(h, st)
        .or_else(|| (head != Some(seq)).then(|| "earlier input is queued before it".to_string()));
    if let Some(reason) = reason {
        let _ = reply.send(answer(
            seq,
            Ack::Queued,
            &format!("{reason}; it is typed when the agent is next idle, in order"),
            "queue",
            h.offset(),
        ));
        return;
    }
    deliver_next(d, h, st).await;
    match st.awaiting.as_mut() {
        Some(a) if a.seq == seq => a.reply = Some(reply),
        _ => {
            // Not typed after all (a dialog appeared): it stays queued, or it failed.
            let row = d.store.input(&h.id, seq).ok().flatten();
            let (ack, why) = match row.as_ref().map(|r| r.state.as_str()) {
                Some("failed") => (
                    Ack::Failed,
                    row.as_ref().map(|r| r.reason.clone()).unwrap_or_default(),
                ),
                Some("acked") => (Ack::Acked, "acknowledged".into()),
                _ => (
                    Ack::Queued,
                    "the agent was not ready after all; it is typed when it is next idle".into(),
                ),
            };
            let _ = reply.send(answer(seq, ack, &why, "queue", h.offset()));
        }
    }
}

/// Types the next queued input if the agent is idle and no dialog is open.
pub(crate) async fn deliver_next(d: &Arc<Daemon>, h: &Arc<SessionHandle>, st: &mut ClaudeState) {
    if busy_reason(h, st).is_some() {
        return;
    }
    let Some(next) = d
        .store
        .inputs_in(&h.id, "queued")
        .ok()
        .and_then(|v| v.into_iter().next())
    else {
        return;
    };
    let Some(pane) = h.row().tmux_pane else {
        return;
    };
    if st.clear_box {
        // Right after an Escape (interrupt, deny): a key sent at once would be read as
        // Alt+key (seen: the first letter of the next input vanished).
        tokio::time::sleep(ESCAPE_GAP).await;
    }
    // Look before typing: never into a dialog; clear what Claude put back after an interrupt.
    // A dialog just answered takes a moment to go.
    let mut text = String::new();
    for _ in 0..10 {
        let Ok(t) = d.tmux.capture(&pane, None).await else {
            return;
        };
        text = t;
        if screen::dialog(&text).is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if screen::dialog(&text).is_some() {
        return;
    }
    if st.clear_box || screen::input_text(&text).is_some_and(|t| !t.is_empty()) {
        if let Err(e) = clear_box(d, &pane).await {
            tracing::warn!(session = %h.name, "clearing the input box: {e}");
            return;
        }
        st.clear_box = false;
    }
    if let Err(e) = d
        .store
        .input_set(&h.id, next.seq, "typing", "", "", now_ms())
    {
        tracing::error!("storing input {}: {e}", next.seq);
        return;
    }
    refresh_queued(d, h);
    d.fault("input-typing");
    let timeout = Duration::from_millis(d.config.input_ack_timeout_ms);
    match crate::pane::typing::deliver(d, h, &next.text, true).await {
        Ok(offset) => {
            st.awaiting = Some(Awaiting {
                seq: next.seq,
                norm: normalise_text(&next.text),
                deadline: Instant::now() + timeout,
                reply: None,
                offset,
            });
        }
        Err(e) => settle(
            d,
            h,
            next.seq,
            Ack::Failed,
            &format!("typing failed: {}", e.body.message),
            "tmux",
            None,
            h.offset(),
        ),
    }
}

/// Empties Claude's input box: Ctrl-U clears the line the cursor is on, so multi-line text
/// takes one per line (bounded), checked on the screen.
async fn clear_box(d: &Daemon, pane: &str) -> Result<(), String> {
    for _ in 0..64 {
        let text = d
            .tmux
            .capture(pane, None)
            .await
            .map_err(|e| e.to_string())?;
        match screen::input_text(&text) {
            Some(t) if !t.is_empty() => {}
            _ => return Ok(()),
        }
        d.tmux
            .send_keys(pane, &["C-u".to_string(), "BSpace".to_string()])
            .await
            .map_err(|e| e.to_string())?;
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    Err("the input box did not empty".into())
}

/// A UserPromptSubmit (or a prompt found in the transcript): acks the input it matches.
pub(crate) async fn on_prompt(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    st: &mut ClaudeState,
    prompt: &str,
    signal: &str,
) {
    let norm = normalise_text(prompt);
    if st.awaiting.as_ref().is_some_and(|a| a.norm == norm) {
        let a = st.awaiting.take().unwrap_or_else(|| unreachable!());
        settle(
            d,
            h,
            a.seq,
            Ack::Acked,
            "the agent's UserPromptSubmit hook reported the same text",
            signal,
            a.reply,
            a.offset,
        );
        return;
    }
    // After a restart: an input typed before the crash.
    if let Ok(typing) = d.store.inputs_in(&h.id, "typing") {
        if let Some(row) = typing.into_iter().find(|r| normalise_text(&r.text) == norm) {
            settle(
                d,
                h,
                row.seq,
                Ack::Acked,
                "typed before the daemon restarted; the agent reported it",
                signal,
                None,
                h.offset(),
            );
        }
    }
}

/// No hook for the typed input in time: it was typed and submitted once and is never typed
/// again; whether the agent took it is unknown.
pub(crate) async fn ack_timed_out(d: &Arc<Daemon>, h: &Arc<SessionHandle>, st: &mut ClaudeState) {
    let Some(a) = st.awaiting.take() else {
        return;
    };
    settle(
        d,
        h,
        a.seq,
        Ack::Unconfirmed,
        &format!(
            "typed and submitted, but no UserPromptSubmit hook reported it within {} ms; it is not typed again (see `warren output`)",
            d.config.input_ack_timeout_ms
        ),
        "none",
        a.reply,
        a.offset,
    );
    deliver_next(d, h, st).await;
}

/// After a daemon restart: an input that was being typed is settled from the transcript, or
/// failed as `unknown_after_restart`; never typed again.
pub(crate) fn settle_after_restart(d: &Daemon, h: &SessionHandle, st: &ClaudeState) {
    let Ok(typing) = d.store.inputs_in(&h.id, "typing") else {
        return;
    };
    if typing.is_empty() {
        return;
    }
    let prompts: Vec<String> = st
        .transcript
        .as_deref()
        .map(crate::agents::claude::meta::prompts)
        .unwrap_or_default()
        .iter()
        .map(|p| normalise_text(p))
        .collect();
    for row in typing {
        if prompts.contains(&normalise_text(&row.text)) {
            settle(
                d,
                h,
                row.seq,
                Ack::Acked,
                "typed before the daemon restarted; found in the agent's transcript",
                "transcript",
                None,
                h.offset(),
            );
        } else {
            settle(
                d,
                h,
                row.seq,
                Ack::Failed,
                "unknown_after_restart: it was being typed when the daemon stopped and the agent's transcript does not have it; it is not typed again",
                "restart",
                None,
                h.offset(),
            );
        }
    }
}
