//! Shared by every verb that talks to a headless agent (spawn, send, resume, fork, delegate,
//! continue): queue a message as an interaction and wait for its acknowledgement or its result.

use crate::daemon::Daemon;
use crate::session::{HeadlessCmd, SessionHandle};
use std::sync::Arc;
use std::time::Duration;
use warren_proto::{Ack, ApiError, ErrorCode, Interaction, SendAnswer};

/// How long the agent has to echo a message before `--no-wait` says "unconfirmed".
const ACK_TIMEOUT: Duration = Duration::from_secs(15);

/// Queues `prompt`; answers at the acknowledgement (`no_wait`) or at the turn's end.
pub(crate) async fn submit(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    prompt: String,
    stop: bool,
    no_wait: bool,
    timeout_ms: Option<u64>,
) -> Result<SendAnswer, ApiError> {
    let seq = enqueue(h, prompt, stop).await?;
    await_answer(d, h, seq, no_wait, timeout_ms).await
}

/// Queues `prompt` as the next interaction; answers its sequence number.
pub(crate) async fn enqueue(
    h: &Arc<SessionHandle>,
    prompt: String,
    stop: bool,
) -> Result<u64, ApiError> {
    if prompt.len() > warren_proto::MAX_BODY_BYTES {
        return Err(ApiError::new(
            ErrorCode::TooLarge,
            "the message is too large",
        ));
    }
    let (reply, rx) = tokio::sync::oneshot::channel();
    if !h.headless_ctl().is_some_and(|x| {
        x.send(HeadlessCmd::Turn {
            prompt,
            stop,
            reply,
        })
    }) {
        return Err(ended(h));
    }
    rx.await.map_err(|_| ended(h))?
}

/// Waits for interaction `seq`: its acknowledgement (`no_wait`) or its end.
pub(crate) async fn await_answer(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    seq: u64,
    no_wait: bool,
    timeout_ms: Option<u64>,
) -> Result<SendAnswer, ApiError> {
    let before = h.offset();
    let mut watch = h.watch();
    if no_wait {
        let paused = h.headless().is_some_and(|r| r.paused);
        if paused {
            return Ok(answer(
                h,
                seq,
                Ack::Queued,
                "held: the session is paused",
                before,
                None,
            ));
        }
        // The holder writing the whole line to the agent's stdin is the acknowledgement: the
        // agent's own echo comes only when it starts answering, which may be much later.
        let got = super::wait_progress(&mut watch, ACK_TIMEOUT, |p| {
            p.sent >= seq
                || p.acked >= seq
                || p.turn >= seq
                || crate::session::agent_gone(p.state, true)
        })
        .await;
        let (ack, why) = match got {
            Some(p) if p.acked >= seq => (Ack::Acked, "the agent echoed the message"),
            Some(p) if p.sent >= seq => (Ack::Acked, "written to the agent's stdin"),
            Some(p) if crate::session::agent_gone(p.state, true) => {
                (Ack::Failed, "the agent ended before it got the message")
            }
            _ => (Ack::Queued, "waiting for the current turn to end"),
        };
        let mut a = answer(h, seq, ack, why, before, None);
        if watch.borrow().acked < seq {
            a.signal = "holder:stdin".into();
        }
        return Ok(a);
    }
    let timeout = super::timeout_of(timeout_ms, Duration::from_secs(86400));
    let done = super::wait_progress(&mut watch, timeout, |p| {
        p.turn >= seq || crate::session::agent_gone(p.state, true)
    })
    .await;
    let i = d
        .store
        .interaction(&h.id, seq)
        .map_err(ApiError::internal)?;
    match (done, i) {
        (Some(_), Some(i)) if i.ended_at.is_some() => {
            let ack = if i.status == "failed" && i.turns == 0 && i.response.is_none() {
                Ack::Failed
            } else {
                Ack::Acked
            };
            let why = match i.status.as_str() {
                "completed" => "answered".to_string(),
                s => format!("the turn ended: {s}{}", first_error(&i)),
            };
            Ok(answer(h, seq, ack, &why, before, Some(i)))
        }
        (_, Some(i)) if i.status == "queued" => Ok(answer(
            h,
            seq,
            Ack::Queued,
            "held: the session is paused or stopped; it is sent when the session resumes",
            before,
            None,
        )),
        _ => {
            let mut a = answer(
                h,
                seq,
                if h.watch().borrow().sent >= seq {
                    Ack::Acked
                } else {
                    Ack::Unconfirmed
                },
                "no result within the timeout; the turn goes on (see `warren tail`)",
                before,
                None,
            );
            a.status = Some("running".into());
            Ok(a)
        }
    }
}

fn first_error(i: &Interaction) -> String {
    i.errors
        .first()
        .map(|e| format!(" ({e})"))
        .unwrap_or_default()
}

fn ended(h: &SessionHandle) -> ApiError {
    ApiError::new(
        ErrorCode::Conflict,
        format!("session {} is {}; resume it first", h.name, h.state()),
    )
    .with_hint(format!("warren resume {}", h.name))
}

fn answer(
    h: &SessionHandle,
    seq: u64,
    ack: Ack,
    reason: &str,
    offset: u64,
    i: Option<Interaction>,
) -> SendAnswer {
    let agent_session = h.headless().and_then(|r| r.agent_session_id);
    SendAnswer {
        response: i.as_ref().and_then(|i| i.response.clone()),
        cost: i.as_ref().map(|i| i.cost),
        turns: i.as_ref().map(|i| i.turns),
        duration: i.as_ref().map(|i| i.duration_ms),
        session_id: i
            .as_ref()
            .and_then(|i| i.agent_session_id.clone())
            .or(agent_session),
        status: i.map(|i| i.status),
        interaction: Some(seq),
        ..SendAnswer::new(
            ack,
            format!("interaction {seq}: {reason}"),
            "stream:echo",
            offset,
        )
    }
}
