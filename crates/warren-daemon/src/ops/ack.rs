//! Acknowledging input to a tmux session by its echo, and following output for a pattern
//! that arrives after a point.

use super::wait_progress;
use crate::daemon::Daemon;
use crate::session::SessionHandle;
use crate::session::matcher::LineMatcher;
use regex::Regex;
use std::time::Duration;
use warren_helpers::outlog;
use warren_proto::{Ack, SendAnswer};

/// Acked when output grows past `before` (the echo) within the ack timeout.
pub(crate) async fn acknowledge(
    d: &Daemon,
    h: &crate::session::SessionHandle,
    before: u64,
) -> SendAnswer {
    let mut rx = h.watch();
    let seen = wait_progress(
        &mut rx,
        Duration::from_millis(d.config.ack_timeout_ms),
        |p| p.offset > before,
    )
    .await;
    let (ack, signal, reason) = match seen {
        Some(_) => (
            Ack::Acked,
            "echo",
            "the input's echo or a screen change was seen".to_string(),
        ),
        None => (
            Ack::Unconfirmed,
            "none",
            format!(
                "sent, but no echo or screen change within {} ms",
                d.config.ack_timeout_ms
            ),
        ),
    };
    SendAnswer::new(ack, reason, signal, before)
}

/// Follows output from `from` until a line matches or the timeout passes (or the session has
/// ended and its output is all read).
pub(crate) async fn follow(
    h: &SessionHandle,
    from: u64,
    re: Regex,
    timeout: Duration,
) -> Option<String> {
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
