//! Input to a session: literal text to a tmux session (Enter separately after the profile's
//! settle delay, acknowledged when its echo or a screen change is seen), named keys, an
//! acknowledged input to Claude Code, or a message (an interaction) to a headless session.

use super::ack::acknowledge;
use super::timeout_of;
use crate::daemon::Daemon;
use crate::session::TmuxCmd;
use regex::Regex;
use std::sync::Arc;
use std::time::Duration;
use warren_proto::{
    Ack, ApiError, ErrorCode, KeysRequest, MAX_BODY_BYTES, SendAnswer, SendRequest,
};

/// Sends; a retried key answers what the first attempt answered, never sending twice.
pub(crate) async fn send(
    d: &Arc<Daemon>,
    key: &str,
    req: SendRequest,
    idem: Option<String>,
) -> Result<SendAnswer, ApiError> {
    if req.text.len() > MAX_BODY_BYTES {
        return Err(ApiError::new(
            ErrorCode::TooLarge,
            format!("text is {} bytes; the limit is 16 MiB", req.text.len()),
        )
        .with_hint("write it to a file and have the session read the file"));
    }
    let re = req
        .wait
        .as_deref()
        .map(Regex::new)
        .transpose()
        .map_err(|e| ApiError::bad_field("wait", e))?;
    let h = d.lookup(key)?;
    if h.is_headless() {
        // Headless: a message is an interaction; a stopped session is resumed first.
        if idem.is_some() && re.is_some() {
            return Err(ApiError::bad_field(
                "wait",
                "headless sessions answer with the turn's result; --wait is for tmux sessions",
            ));
        }
        return headless(d, &h, req, idem).await;
    }
    if h.state().is_terminal() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} has ended ({})", h.name, h.state()),
        )
        .with_hint(format!("see `warren status {}`", h.name)));
    }
    if h.profile.status.hooks() && req.enter != Some(false) {
        let mut answer = interactive(d, &h, req.text, idem).await?;
        if let Some(re) = re {
            let timeout = timeout_of(req.timeout_ms, Duration::from_secs(30));
            let found = super::ack::follow(&h, answer.offset, re, timeout).await;
            answer.matched = Some(found.is_some());
            answer.matched_line = found;
        }
        return Ok(answer);
    }
    if let Some(k) = &idem {
        if let Some(prev) = d
            .store
            .idem_claim(k, "send", Some(&h.id), crate::store::now_ms())
            .map_err(ApiError::internal)?
        {
            return Ok(
                match prev.response.and_then(|r| serde_json::from_str(&r).ok()) {
                    Some(answer) => answer,
                    None => SendAnswer::new(
                        Ack::Unconfirmed,
                        "an earlier attempt with this key was cut short; it was not sent again, and whether it arrived is unknown (see `warren output`)",
                        "idempotency",
                        h.offset(),
                    ),
                },
            );
        }
    }
    let (reply, rx) = tokio::sync::oneshot::channel();
    if !h.tmux().is_some_and(|t| {
        t.send(TmuxCmd::Send {
            text: req.text,
            enter: req.enter.unwrap_or(true),
            reply,
        })
    }) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} has ended", h.name),
        ));
    }
    let before = rx.await.map_err(|_| {
        ApiError::new(
            ErrorCode::Conflict,
            format!("session {} ended during the send", h.name),
        )
    })??;
    let mut answer = acknowledge(d, &h, before).await;
    if let Some(re) = re {
        let timeout = timeout_of(req.timeout_ms, Duration::from_secs(30));
        let found = super::ack::follow(&h, before, re, timeout).await;
        answer.matched = Some(found.is_some());
        answer.matched_line = found;
    }
    if let Some(k) = &idem {
        if let Err(e) = d
            .store
            .idem_complete(k, &serde_json::to_string(&answer).unwrap_or_default())
        {
            tracing::error!("storing idempotent answer: {e}");
        }
    }
    Ok(answer)
}

/// A message to a headless session. With an idempotency key, a retry (the connection broke)
/// waits for the interaction the first attempt made instead of sending it again.
async fn headless(
    d: &Arc<Daemon>,
    h: &Arc<crate::session::SessionHandle>,
    req: SendRequest,
    idem: Option<String>,
) -> Result<SendAnswer, ApiError> {
    if let Some(k) = &idem {
        if let Some(prev) = d
            .store
            .idem_claim(k, "send", Some(&h.id), crate::store::now_ms())
            .map_err(ApiError::internal)?
        {
            let prev: Option<serde_json::Value> =
                prev.response.and_then(|r| serde_json::from_str(&r).ok());
            let pending = prev
                .as_ref()
                .and_then(|v| v.get("pending_seq"))
                .and_then(serde_json::Value::as_u64);
            if let Some(seq) = pending {
                return super::turns::await_answer(d, h, seq, req.no_wait, req.timeout_ms).await;
            }
            if let Some(answer) = prev.and_then(|v| serde_json::from_value(v).ok()) {
                return Ok(answer);
            }
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "an earlier attempt with this key was cut short before the message was queued; it was not sent again",
            )
            .with_hint(format!("see `warren history {}`, then send again", h.name)));
        }
    }
    // A paused session keeps holding input; only one without a process is started again.
    if h.ended() {
        super::revive::revive(d, h).await?;
    }
    let seq = super::turns::enqueue(h, req.text, req.stop).await?;
    if let Some(k) = &idem {
        let pending = serde_json::json!({ "pending_seq": seq }).to_string();
        if let Err(e) = d.store.idem_complete(k, &pending) {
            tracing::error!(session = %h.name, "storing the idempotent send's interaction (a retry may send again): {e}");
        }
    }
    let answer = super::turns::await_answer(d, h, seq, req.no_wait, req.timeout_ms).await?;
    if let (Some(k), Some(status)) = (&idem, &answer.status) {
        if status != "running" {
            if let Err(e) = d
                .store
                .idem_complete(k, &serde_json::to_string(&answer).unwrap_or_default())
            {
                tracing::error!(session = %h.name, "storing the idempotent answer: {e}");
            }
        }
    }
    Ok(answer)
}

/// Input to an agent that acknowledges it (Claude Code): stored as queued, typed when the
/// agent is idle, `acked` when its UserPromptSubmit hook reports the same text. A retried
/// idempotency key answers the first input's present state and never types it again.
pub(crate) async fn interactive(
    d: &Arc<Daemon>,
    h: &Arc<crate::session::SessionHandle>,
    text: String,
    idem: Option<String>,
) -> Result<SendAnswer, ApiError> {
    if text.trim().is_empty() {
        return Err(
            ApiError::bad_field("text", "empty input: Claude Code submits nothing for it")
                .with_hint("to press Enter alone, use `warren keys NAME Enter`"),
        );
    }
    if let Some(k) = &idem {
        if let Some(prev) = d
            .store
            .idem_claim(k, "send", Some(&h.id), crate::store::now_ms())
            .map_err(ApiError::internal)?
        {
            let seq = prev
                .response
                .and_then(|r| serde_json::from_str::<serde_json::Value>(&r).ok())
                .and_then(|v| v.get("input_seq").and_then(serde_json::Value::as_u64));
            return match seq {
                Some(seq) => Ok(present(d, h, seq).await),
                None => Err(ApiError::new(
                    ErrorCode::Conflict,
                    "an earlier attempt with this key was cut short before the input was stored; it was not sent again",
                )
                .with_hint(format!("see `warren status {}`, then send again", h.name))),
            };
        }
    }
    let seq = d
        .store
        .input_add(&h.id, &text, crate::store::now_ms())
        .map_err(ApiError::internal)?;
    if let Some(k) = &idem {
        if let Err(e) = d
            .store
            .idem_complete(k, &serde_json::json!({ "input_seq": seq }).to_string())
        {
            tracing::error!(session = %h.name, "storing the idempotent input's number: {e}");
        }
    }
    let (reply, rx) = tokio::sync::oneshot::channel();
    if !h
        .tmux()
        .is_some_and(|t| t.send(TmuxCmd::Input { seq, reply }))
    {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} has ended", h.name),
        ));
    }
    let wait = Duration::from_millis(d.config.input_ack_timeout_ms) + Duration::from_secs(5);
    match tokio::time::timeout(wait, rx).await {
        Ok(Ok(answer)) => Ok(answer),
        _ => Ok(present(d, h, seq).await),
    }
}

/// What is known of input `seq` now (a retry with its key, or an answer that took too long).
async fn present(d: &Daemon, h: &crate::session::SessionHandle, seq: u64) -> SendAnswer {
    use crate::agents::claude::inputs::answer;
    match d.store.input(&h.id, seq) {
        Ok(Some(row)) => {
            let ack = match row.state.as_str() {
                "acked" => Ack::Acked,
                "queued" => Ack::Queued,
                "failed" => Ack::Failed,
                _ => Ack::Unconfirmed,
            };
            let reason = match row.state.as_str() {
                "typing" => "it is being typed; its acknowledgement has not come yet".to_string(),
                "queued" => "queued until the agent is idle".to_string(),
                _ => row.reason,
            };
            answer(seq, ack, &reason, &row.signal, h.offset())
        }
        _ => answer(
            seq,
            Ack::Failed,
            "the input is not known",
            "store",
            h.offset(),
        ),
    }
}

/// Sends the keys and acknowledges like `send`.
pub(crate) async fn keys(
    d: &Arc<Daemon>,
    key: &str,
    req: KeysRequest,
) -> Result<SendAnswer, ApiError> {
    if req.keys.is_empty()
        || req
            .keys
            .iter()
            .any(|k| k.is_empty() || k.len() > 64 || k.chars().any(char::is_control))
    {
        return Err(ApiError::bad_field(
            "keys",
            "give one or more tmux key names such as Enter, C-c, Up, Escape",
        ));
    }
    let h = d.lookup(key)?;
    let ended = || {
        ApiError::new(
            ErrorCode::Conflict,
            format!("session {} has ended ({})", h.name, h.state()),
        )
    };
    if h.state().is_terminal() {
        return Err(ended());
    }
    let Some(t) = h.tmux() else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "session {} is headless: it takes messages, not keys",
                h.name
            ),
        ));
    };
    let (reply, rx) = tokio::sync::oneshot::channel();
    if !t.send(TmuxCmd::Keys {
        keys: req.keys,
        reply,
    }) {
        return Err(ended());
    }
    let before = rx
        .await
        .map_err(|_| ApiError::new(ErrorCode::Conflict, format!("session {} ended", h.name)))??;
    Ok(acknowledge(d, &h, before).await)
}
