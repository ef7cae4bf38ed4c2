//! `output`: raw bytes from an offset (resumable), or the rendered screen with history.

use crate::daemon::Daemon;
use crate::session::matcher::clean_text;
use std::sync::Arc;
use warren_helpers::outlog::{self, ReadResult};
use warren_proto::ApiError;

/// The largest raw read per request.
pub(crate) const MAX_READ: usize = 16 * 1024 * 1024;

/// Raw bytes from `since`, at most `max`.
pub(crate) fn raw(
    d: &Arc<Daemon>,
    key: &str,
    since: u64,
    max: usize,
) -> Result<ReadResult, ApiError> {
    let h = d.lookup(key)?;
    outlog::read_range(&h.dir, since, max.min(MAX_READ))
        .map_err(|e| ApiError::internal(format!("reading output: {e}")))
}

/// The rendered screen and `lines` of history (`capture-pane -J`); once the pane is gone,
/// the last lines of the recorded output instead.
pub(crate) async fn lines(d: &Arc<Daemon>, key: &str, lines: u32) -> Result<String, ApiError> {
    let h = d.lookup(key)?;
    if let Some(pane) = h.row().tmux_pane {
        if let Ok(text) = d.tmux.capture(&pane, Some(lines)).await {
            if h.matches_pane(&pane, "") {
                return Ok(trim_trailing_blank(&text));
            }
        }
    }
    let end = outlog::total_len(&h.dir).unwrap_or(0);
    let since = end.saturating_sub(u64::from(lines) * 512);
    let read = outlog::read_range(&h.dir, since, MAX_READ)
        .map_err(|e| ApiError::internal(format!("reading output: {e}")))?;
    let text = clean_text(&read.data);
    let all: Vec<&str> = text.lines().collect();
    Ok(all[all.len().saturating_sub(lines as usize)..].join("\n"))
}

fn trim_trailing_blank(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    let end = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1);
    lines[..end].join("\n")
}
