//! `approve` and `deny`: answer the dialog a Claude Code session waits on. With `keys`, the
//! only ways to answer one (`send` never types into a dialog). A session may not answer its
//! own dialogs.

use crate::agents::claude::screen::{self, DialogKind};
use crate::daemon::Daemon;
use crate::ops::policy::Caller;
use crate::session::status::Next;
use crate::session::{SessionHandle, TmuxCmd};
use std::sync::Arc;
use warren_proto::{AnswerResult, ApiError, ErrorCode, Question, SessionState, Signal};

/// The dialog the session waits on, read from its screen now.
async fn waiting_dialog(
    d: &Daemon,
    h: &SessionHandle,
    caller: &Caller,
) -> Result<screen::Dialog, ApiError> {
    if caller.session_id.as_deref() == Some(h.id.as_str()) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("session {} may not answer its own dialogs", h.name),
        )
        .with_hint("a person or another session answers it"));
    }
    if h.is_headless() || !h.profile.status.hooks() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "session {} is not an interactive Claude Code session",
                h.name
            ),
        )
        .with_hint("`warren keys` sends keys to any tmux session"));
    }
    let pane = h.row().tmux_pane.ok_or_else(|| {
        ApiError::new(
            ErrorCode::Conflict,
            format!("session {} has no pane", h.name),
        )
    })?;
    let text = d
        .tmux
        .capture(&pane, None)
        .await
        .map_err(|e| d.tmux_error(e))?;
    screen::dialog(&text).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Conflict,
            format!("session {} shows no dialog (it is {})", h.name, h.state()),
        )
        .with_hint(format!("see `warren status {}`", h.name))
    })
}

fn question(h: &SessionHandle, dl: &screen::Dialog) -> Question {
    let mut q = h.interactive().question.unwrap_or(Question {
        kind: String::new(),
        question: String::new(),
        subject: String::new(),
        choices: Vec::new(),
        text: String::new(),
        tool: None,
        tool_input: None,
    });
    q.kind = serde_json::to_value(dl.kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    q.question = dl.question.clone();
    q.choices = dl.choices.clone();
    q.text = dl.text.clone();
    q
}

/// The choice `always` picks: the one that says "always" or "don't ask again".
fn always_choice(dl: &screen::Dialog) -> Option<usize> {
    dl.choices.iter().position(|c| {
        let c = c.to_lowercase();
        c.contains("always") || c.contains("don't ask again") || c.contains("dont ask again")
    })
}

/// The first choice that says yes, and the one that says no.
fn yes_no(dl: &screen::Dialog) -> (Option<usize>, Option<usize>) {
    let starts = |w: &str| {
        dl.choices
            .iter()
            .position(|c| c.to_lowercase().starts_with(w))
    };
    (starts("yes"), starts("no"))
}

async fn press(h: &SessionHandle, keys: Vec<String>, then: Next) -> Result<(), ApiError> {
    crate::ops::headless_of::ask_tmux(h, |reply| TmuxCmd::Answer { keys, then, reply }).await
}

/// `approve NAME [--always]`.
pub(crate) async fn approve(
    d: &Arc<Daemon>,
    key: &str,
    always: bool,
    caller: &Caller,
) -> Result<AnswerResult, ApiError> {
    let h = d.lookup(key)?;
    let dl = waiting_dialog(d, &h, caller).await?;
    let (yes, _) = yes_no(&dl);
    let pick = if always { always_choice(&dl) } else { yes };
    let Some(i) = pick else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "the dialog offers no {} choice: {}",
                if always { "\"always\"" } else { "\"yes\"" },
                dl.choices.join(" / ")
            ),
        )
        .with_hint("answer it with `warren keys`"));
    };
    let q = question(&h, &dl);
    let choice = dl.choices[i].clone();
    // A numbered choice is picked by its digit (checked on Claude Code 2.1.197).
    let (to, detail) = match dl.kind {
        DialogKind::Permission => (SessionState::Running, format!("approved: {choice}")),
        _ => (SessionState::Starting, format!("answered: {choice}")),
    };
    press(
        &h,
        vec![(i + 1).to_string()],
        Next {
            to,
            signal: Signal::Warren("approve".into()),
            detail,
        },
    )
    .await?;
    Ok(AnswerResult {
        question: q,
        choice,
        state: h.state(),
        message: None,
    })
}

/// `deny NAME [--message M]`: picks "No" (Claude Code then stops the turn and fires no
/// hook), and queues the message as the next prompt.
pub(crate) async fn deny(
    d: &Arc<Daemon>,
    key: &str,
    message: Option<String>,
    caller: &Caller,
) -> Result<AnswerResult, ApiError> {
    let h = d.lookup(key)?;
    let dl = waiting_dialog(d, &h, caller).await?;
    let (_, no) = yes_no(&dl);
    let q = question(&h, &dl);
    let (keys, choice) = match no {
        Some(i) => (vec![(i + 1).to_string()], dl.choices[i].clone()),
        None => (vec!["Escape".to_string()], "Escape".to_string()),
    };
    let to = if dl.kind == DialogKind::Permission {
        SessionState::Idle
    } else {
        SessionState::Starting
    };
    press(
        &h,
        keys,
        Next {
            to,
            signal: Signal::Warren("deny".into()),
            detail: format!("denied: {choice}"),
        },
    )
    .await?;
    let message = match message.filter(|m| !m.trim().is_empty()) {
        Some(m) => Some(crate::ops::input::interactive(d, &h, m, None).await?),
        None => None,
    };
    Ok(AnswerResult {
        question: q,
        choice,
        state: h.state(),
        message,
    })
}
