//! Typing into a tmux pane: literal text or a paste buffer for long and multi-line text,
//! then Enter after the profile's settle delay.

use crate::daemon::Daemon;
use crate::session::SessionHandle;
use crate::session::status::{Observation, step};
use std::sync::Arc;
use std::time::Duration;
use warren_proto::ApiError;

/// Text longer than this, or with a newline, goes through a paste buffer.
const LITERAL_MAX: usize = 4096;

/// The session's tmux pane; 409 while it has none yet.
pub(crate) fn pane(h: &SessionHandle) -> Result<String, ApiError> {
    h.row().tmux_pane.ok_or_else(|| {
        ApiError::new(
            warren_proto::ErrorCode::Conflict,
            format!("session {} has no tmux pane yet", h.name),
        )
    })
}

/// Types the text (literally or through a paste buffer), then Enter after the settle delay.
pub(crate) async fn deliver(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    text: &str,
    enter: bool,
) -> Result<u64, ApiError> {
    let pane = pane(h)?;
    let before = warren_helpers::outlog::total_len(&h.dir).unwrap_or_else(|_| h.offset());
    let multiline = text.contains('\n');
    if !text.is_empty() {
        let sent = if multiline || text.len() > LITERAL_MAX {
            paste(d, h, &pane, text).await
        } else {
            d.tmux
                .send_literal(&pane, text)
                .await
                .map_err(|e| d.tmux_error(e))
        };
        sent?;
    }
    if enter {
        let settle = Duration::from_millis(h.profile.settle_ms);
        if !text.is_empty() {
            tokio::time::sleep(settle).await;
        }
        d.tmux
            .send_keys(&pane, &["Enter".to_string()])
            .await
            .map_err(|e| d.tmux_error(e))?;
        if multiline && h.profile.multiline_extra_enter {
            tokio::time::sleep(settle).await;
            d.tmux
                .send_keys(&pane, &["Enter".to_string()])
                .await
                .map_err(|e| d.tmux_error(e))?;
        }
        observe_input(d, h).await;
    }
    Ok(before)
}

async fn observe_input(d: &Arc<Daemon>, h: &Arc<SessionHandle>) {
    // Agents that report through hooks say themselves that the input arrived.
    if h.profile.status.hooks() {
        return;
    }
    if let Some(next) = step(h.state(), &Observation::InputSent, &h.profile) {
        d.transition(h, next);
    }
}

async fn paste(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    pane: &str,
    text: &str,
) -> Result<(), ApiError> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let file = h.dir.join(format!("paste-{}.txt", uuid::Uuid::new_v4()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&file)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    let result = match written {
        Ok(()) => {
            let buffer = format!("warren-{}", uuid::Uuid::new_v4().simple());
            d.tmux
                .paste_file(pane, &buffer, &file)
                .await
                .map_err(|e| d.tmux_error(e))
        }
        Err(e) => Err(d.disk_error(h, e)),
    };
    let _ = std::fs::remove_file(&file);
    result
}
