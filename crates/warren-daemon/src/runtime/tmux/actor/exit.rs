//! A tmux session's end: an exit seen through tmux (the last output settled first, the
//! status asked again until tmux knows it) and a kill, whose intent is stored first.

use crate::daemon::Daemon;
use crate::pane::typing::pane;
use crate::session::SessionHandle;
use crate::session::status::{Observation, step};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use warren_proto::ApiError;

/// tmux reports a death once it read the pane to its end, but the last bytes may still be on
/// their way through the pipe helper: let the log stop growing first (bounded), so a session
/// seen `completed` has its output recorded.
pub(super) async fn settle_output(h: &SessionHandle) {
    const QUIET: Duration = Duration::from_millis(50);
    const MAX: Duration = Duration::from_secs(2);
    let deadline = Instant::now() + MAX;
    let mut rx = h.watch();
    while Instant::now() < deadline {
        if tokio::time::timeout(QUIET, rx.changed()).await.is_err() {
            return;
        }
    }
}

/// tmux can fire `pane-died` on the pty's end of file before it has reaped the child, with
/// the status still unknown: ask again until tmux knows it (bounded).
pub(super) async fn dead_status(d: &Daemon, h: &SessionHandle) -> (Option<i32>, Option<i32>) {
    let Ok(pane) = pane(h) else {
        return (None, None);
    };
    let deadline = Instant::now() + Duration::from_secs(2);
    let format = crate::tmux::quote::arg("#{pane_dead_status} #{pane_dead_signal}");
    loop {
        if let Ok(out) = d
            .tmux
            .run(format!(
                "display-message -p -t {} {format}",
                crate::tmux::quote::arg(&pane)
            ))
            .await
        {
            let line = out.first().cloned().unwrap_or_default();
            let mut f = line.split(' ');
            let code = f.next().and_then(|s| s.parse().ok());
            let signal = f.next().and_then(|s| s.parse().ok());
            if code.is_some() || signal.is_some() {
                return (code, signal);
            }
        }
        if Instant::now() > deadline {
            return (None, None);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Kill: the intent is stored first, so a daemon killed halfway finishes it on restart.
pub(super) async fn kill(d: &Arc<Daemon>, h: &Arc<SessionHandle>) -> Result<(), ApiError> {
    if h.state().is_terminal() {
        return Ok(());
    }
    d.store
        .set_kill_pending(&h.id, true)
        .map_err(ApiError::internal)?;
    h.update(|r| r.kill_pending = true);
    d.fault("kill-after-mark");
    if let Some(s) = h.row().tmux_session {
        d.tmux.kill_session(&s).await.map_err(|e| d.tmux_error(e))?;
    }
    d.fault("kill-after-tmux");
    if let Some(next) = step(
        h.state(),
        &Observation::Killed("killed by request".into()),
        &h.profile,
    ) {
        d.transition(h, next);
    }
    d.store
        .set_kill_pending(&h.id, false)
        .map_err(ApiError::internal)?;
    h.update(|r| r.kill_pending = false);
    Ok(())
}
