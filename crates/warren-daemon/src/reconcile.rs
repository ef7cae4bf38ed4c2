//! On start, compare the store with what really runs: adopt what still runs (its output pipe
//! kept), finish or undo half-done creates and kills, and mark what vanished `lost`.

use crate::daemon::Daemon;
use crate::session::SessionHandle;
use crate::session::status::Next;
use crate::store::SessionRow;
use crate::tmux::PaneRow;
use std::sync::Arc;
use warren_helpers::outlog;
use warren_proto::{SessionState, Signal};

/// Loads every stored session, reconciles it and starts its tasks.
/// `fresh_recorder`: the recorder was (re)started, so every live pane is piped to it anew.
pub(crate) async fn run(d: &Arc<Daemon>, fresh_recorder: bool) -> anyhow::Result<()> {
    let rows = d.store.load_sessions()?;
    let server_up = d.tmux.connect_existing().await.unwrap_or(false);
    let panes = if server_up {
        d.tmux.list_panes().await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut headless: std::collections::HashMap<String, crate::store::HeadlessRow> = d
        .store
        .load_headless()?
        .into_iter()
        .map(|r| (r.session_id.clone(), r))
        .collect();
    let mut limits: std::collections::HashMap<String, warren_proto::Limits> =
        d.store.load_session_limits()?.into_iter().collect();
    for row in rows {
        let dir = d.paths.session_dir(&row.id);
        if row.kind == "headless" {
            let hrow = headless.remove(&row.id);
            adopt_headless(d, row, dir, hrow);
            continue;
        }
        let Some(profile) = d
            .profiles
            .get(&row.profile)
            .or_else(|| d.profiles.get("shell"))
            .cloned()
        else {
            continue;
        };
        let offset = outlog::total_len(&dir).unwrap_or(0);
        let pane = find_pane(&panes, &row);
        if !row.state.is_terminal() && row.tmux_session.is_none() && pane.is_none() {
            // The create never reached tmux: undo it, so a retry with the same key starts afresh.
            tracing::info!(session = %row.name, "undoing a create the daemon did not finish");
            d.store.delete_session(&row.id)?;
            let _ = std::fs::remove_dir_all(&dir);
            continue;
        }
        let (h, rx) = SessionHandle::new_tmux(row.clone(), dir, profile, offset);
        if let (Some(l), Some(t)) = (limits.remove(&row.id), h.tmux()) {
            t.set_limits(l);
        }
        if !row.state.is_terminal() {
            settle(d, &h, &row, pane).await;
        }
        crate::runtime::start_tmux(d, h, rx);
    }
    if fresh_recorder {
        crate::runtime::tmux::watchers::repipe_live(d).await;
    }
    Ok(())
}

/// A headless session: its holder (if any) keeps the agent; the actor catches up on start.
fn adopt_headless(
    d: &Arc<Daemon>,
    row: SessionRow,
    dir: std::path::PathBuf,
    hrow: Option<crate::store::HeadlessRow>,
) {
    let Some(profile) = d
        .profiles
        .get(&row.profile)
        .or_else(|| d.profiles.get("claude"))
        .cloned()
    else {
        return;
    };
    let offset = outlog::total_len(&dir).unwrap_or(0);
    // A row that never got its headless part (the daemon died in between) is shown with an
    // empty one, and marked failed below.
    let headless = hrow.clone().unwrap_or_else(|| crate::store::HeadlessRow {
        session_id: row.id.clone(),
        ..Default::default()
    });
    let (h, rx) = SessionHandle::new_headless(row.clone(), headless, dir.clone(), profile, offset);
    if !crate::session::agent_gone(row.state, true) {
        let holder_started = warren_helpers::holder::read_info(&dir).is_some();
        if hrow.is_none() || (!holder_started && warren_helpers::holder::read_exit(&dir).is_none())
        {
            d.transition(
                &h,
                Next {
                    to: SessionState::Failed,
                    signal: Signal::Reconcile,
                    detail: "the daemon stopped while starting it; resume it".into(),
                },
            );
        }
    }
    crate::runtime::start_headless(d, h, rx);
}

fn find_pane<'a>(panes: &'a [PaneRow], row: &SessionRow) -> Option<&'a PaneRow> {
    panes
        .iter()
        .find(|p| p.warren_id == row.id)
        // Created, but the daemon died before it tagged the session with its id.
        .or_else(|| {
            panes.iter().find(|p| {
                p.warren_id.is_empty()
                    && p.session_name == row.name
                    && row.state == SessionState::Starting
            })
        })
}

async fn settle(d: &Arc<Daemon>, h: &Arc<SessionHandle>, row: &SessionRow, pane: Option<&PaneRow>) {
    let next = |to, detail: &str| Next {
        to,
        signal: Signal::Reconcile,
        detail: detail.into(),
    };
    if row.kill_pending {
        if let Some(p) = pane {
            let _ = d.tmux.kill_session(&p.session_id).await;
        }
        d.transition(
            h,
            Next {
                to: SessionState::Killed,
                signal: Signal::Warren("kill".into()),
                detail: "kill finished after a daemon restart".into(),
            },
        );
        if let Err(e) = d.store.set_kill_pending(&row.id, false) {
            tracing::error!(session = %row.name, "clearing the kill intent: {e}");
        }
        h.update(|r| r.kill_pending = false);
        return;
    }
    let Some(p) = pane else {
        let why = if d.tmux.server_running().await {
            "its tmux session vanished while warren was down"
        } else {
            "the tmux server is gone"
        };
        d.transition(h, next(SessionState::Lost, why));
        return;
    };
    if row.tmux_session.as_deref() != Some(&p.session_id)
        || row.tmux_pane.as_deref() != Some(&p.pane_id)
    {
        if let Err(e) = d
            .store
            .set_tmux(&row.id, &p.session_id, &p.pane_id, p.pane_pid)
        {
            tracing::error!(session = %row.name, "storing the tmux session it was found in: {e}");
        }
        h.update(|r| {
            r.tmux_session = Some(p.session_id.clone());
            r.tmux_pane = Some(p.pane_id.clone());
            r.pid = Some(p.pane_pid);
        });
        let _ = d
            .tmux
            .run(format!(
                "set-option -t {} @warren_id {}",
                crate::tmux::quote::arg(&p.session_id),
                crate::tmux::quote::arg(&row.id)
            ))
            .await;
    }
    if p.dead {
        if let Err(e) = d.store.set_exit(&row.id, p.dead_status) {
            tracing::error!(session = %row.name, "storing exit status: {e}");
        }
        h.update(|r| r.exit_code = p.dead_status);
        let (to, detail) = match p.dead_status {
            Some(0) => (
                SessionState::Completed,
                "exited with status 0 while warren was down".to_string(),
            ),
            Some(c) => (
                SessionState::Failed,
                format!("exited with status {c} while warren was down"),
            ),
            None => (
                SessionState::Failed,
                format!(
                    "killed by signal {} while warren was down",
                    p.dead_signal.unwrap_or(0)
                ),
            ),
        };
        d.transition(
            h,
            Next {
                to,
                signal: Signal::ProcessExit,
                detail,
            },
        );
        d.publish_exit(h, p.dead_status, p.dead_signal);
        return;
    }
    // Still running: keep its existing pipe (`-o`), and finish a half-done create.
    if let Err(e) = d
        .tmux
        .ensure_pipe(&p.pane_id, &d.pipe_command(&h.dir))
        .await
    {
        tracing::warn!(session = %row.name, "re-attaching the output pipe: {e}");
    }
    if row.state == SessionState::Starting {
        let _ = d.tmux.open_gate(&row.gate).await;
    }
    tracing::info!(session = %row.name, "adopted after restart ({})", row.state);
}
