//! `wait`: a regex (the current screen first, then new output) or a state.

use super::{timeout_of, wait_progress};
use crate::Daemon;
use crate::session::SessionHandle;
use crate::session::matcher::LineMatcher;
use regex::Regex;
use std::sync::Arc;
use std::time::Duration;
use warren_helpers::outlog;
use warren_proto::{ApiError, WaitAnswer, WaitRequest};

/// Waits; `matched` false on timeout (the CLI exits 1).
pub async fn run(d: &Arc<Daemon>, key: &str, req: WaitRequest) -> Result<WaitAnswer, ApiError> {
    let timeout = timeout_of(req.timeout_ms, Duration::from_secs(30));
    let h = d.lookup(key)?;
    let (matched, line) = match (&req.pattern, req.state) {
        (Some(p), None) => {
            let re = Regex::new(p).map_err(|e| ApiError::bad_field("pattern", e))?;
            let from = outlog::total_len(&h.dir).unwrap_or_else(|_| h.offset());
            let on_screen = match h.row().tmux_pane {
                Some(pane) if !h.state().is_terminal() => d
                    .tmux
                    .capture(&pane, None)
                    .await
                    .ok()
                    .and_then(|s| LineMatcher::new(re.clone()).match_text(&s)),
                _ => None,
            };
            let line = match on_screen {
                Some(l) => Some(l),
                None => follow(&h, from, re, timeout).await,
            };
            (line.is_some(), line)
        }
        (None, Some(state)) => {
            let mut rx = h.watch();
            let got = wait_progress(&mut rx, timeout, |p| {
                p.state == state || (p.state.is_terminal() && !state.is_terminal())
            })
            .await;
            (got.is_some_and(|p| p.state == state), None)
        }
        _ => {
            return Err(ApiError::bad_field(
                "pattern",
                "give either a pattern or a state",
            ));
        }
    };
    Ok(WaitAnswer {
        matched,
        line,
        state: h.state(),
        offset: h.offset(),
    })
}

/// Follows output from `from` until a line matches or the timeout passes (or the session has
/// ended and its output is all read).
pub async fn follow(h: &SessionHandle, from: u64, re: Regex, timeout: Duration) -> Option<String> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut matcher = LineMatcher::new(re);
    let mut cursor = from;
    let mut rx = h.watch();
    loop {
        rx.borrow_and_update();
        while let Ok(read) = outlog::read_range(&h.dir, cursor, 256 * 1024) {
            if read.data.is_empty() {
                break;
            }
            cursor = read.offset + read.data.len() as u64;
            if let Some(line) = matcher.feed(&read.data) {
                return Some(line);
            }
        }
        if h.state().is_terminal() && cursor >= h.offset() {
            return None;
        }
        match tokio::time::timeout_at(deadline, rx.changed()).await {
            Ok(Ok(())) => {}
            _ => return None,
        }
    }
}
