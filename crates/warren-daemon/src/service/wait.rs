//! `wait`: a regex (the current screen first, then new output) or a state.

use crate::daemon::Daemon;
use crate::ops::ack::follow;
use crate::ops::{timeout_of, wait_progress};
use crate::session::matcher::LineMatcher;
use regex::Regex;
use std::sync::Arc;
use std::time::Duration;
use warren_helpers::outlog;
use warren_proto::{ApiError, WaitAnswer, WaitRequest};

/// Waits; `matched` false on timeout (the CLI exits 1).
pub(crate) async fn run(
    d: &Arc<Daemon>,
    key: &str,
    req: WaitRequest,
) -> Result<WaitAnswer, ApiError> {
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
