//! Background watchers of the tmux runtime: exit lines written by tmux's pane-died hook,
//! tmux notifications (a session or the whole server disappearing under us), the nudge for
//! tmux's missed SIGCHLD and the output recorder. They run as one component
//! ([`TmuxWatchers`]) but belong to the runtime: they talk to the session actors directly,
//! which components above the sessions may not.

use crate::daemon::Daemon;
use crate::daemon::component::{Component, Ctx};
use crate::session::TmuxCmd;
use crate::tmux::Notice;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use warren_proto::EventKind;

/// The tmux runtime's watchers, started with the daemon's components.
pub(crate) struct TmuxWatchers {
    /// tmux's control-mode notifications.
    pub notices: mpsc::UnboundedReceiver<Notice>,
}

impl Component for TmuxWatchers {
    const NAME: &'static str = "tmux-watchers";

    fn wants(_kind: &EventKind) -> bool {
        false
    }

    async fn run(self, mut ctx: Ctx) {
        let d = ctx.d.clone();
        tokio::select! {
            _ = exits(d.clone()) => {}
            _ = notices(d.clone(), self.notices) => {}
            _ = nudge_tmux(d.clone()) => {}
            _ = recorder(d) => {}
            _ = ctx.stopped() => {}
        }
    }
}

/// Reads the pane-died hook's lines as they are appended: `%pane status signal $session`.
pub(crate) async fn exits(d: Arc<Daemon>) {
    let path = d.paths.tmux_events.clone();
    let mut offset = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    loop {
        d.watcher.exits.notified().await;
        let mut buf = String::new();
        let read = std::fs::File::open(&path).and_then(|mut f| {
            f.seek(SeekFrom::Start(offset))?;
            f.take(1 << 20).read_to_string(&mut buf)
        });
        if read.is_err() {
            continue;
        }
        let complete = buf.rfind('\n').map_or(0, |i| i + 1);
        offset += complete as u64;
        for line in buf[..complete].lines() {
            let f: Vec<&str> = line.split(' ').collect();
            let (Some(pane), Some(session)) = (f.first(), f.get(3)) else {
                continue;
            };
            let code = f.get(1).and_then(|s| s.parse().ok());
            let signal = f.get(2).and_then(|s| s.parse().ok());
            match d.registry.by_pane(pane, session) {
                Some(h) => {
                    tracing::debug!(session = %h.name, line, "pane died");
                    h.tmux().map(|t| t.send(TmuxCmd::Exited { code, signal }));
                }
                None => tracing::debug!(line, "a pane died that is not a session's"),
            }
        }
    }
}

/// The safety net for tmux's missed SIGCHLD (see `Tmux::nudge`): once a second while any
/// session is live, and twice right after each spawn (`after_spawn`).
pub(crate) async fn nudge_tmux(d: Arc<Daemon>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if d.registry.live_count() > 0 {
            d.tmux.nudge();
        }
    }
}

/// Nudges tmux shortly after a spawn, when a quick death is most likely to be missed.
pub(crate) fn after_spawn(d: &Arc<Daemon>) {
    let d = d.clone();
    tokio::spawn(async move {
        for ms in [30, 300] {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            d.tmux.nudge();
        }
    });
}

/// Watches the output recorder; if it dies, starts a new one and pipes every live pane to it
/// (output written between the two is lost: tmux had nowhere to send it).
pub(crate) async fn recorder(d: Arc<Daemon>) {
    loop {
        let sock = d.paths.recorder_socket.clone();
        let watch =
            tokio::task::spawn_blocking(move || warren_helpers::recorder::watch(&sock)).await;
        if let Ok(Ok(stream)) = watch {
            if stream.set_nonblocking(true).is_ok() {
                if let Ok(s) = tokio::net::UnixStream::from_std(stream) {
                    // Until the recorder exits: lines that say a pane's output cannot be written.
                    use tokio::io::AsyncBufReadExt as _;
                    let mut lines = tokio::io::BufReader::new(s).lines();
                    while let Ok(Some(line)) = lines.next_line().await {
                        recorder_report(&d, &line);
                    }
                }
            }
        }
        if d.shutdown.borrow().is_some() {
            return;
        }
        tracing::warn!("the output recorder is gone; starting a new one");
        match d.start_recorder().await {
            Ok(true) => repipe_live(&d).await,
            Ok(false) => {}
            Err(e) => tracing::error!("cannot start the output recorder: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Marks the session whose output the recorder could not write (a full disk); the daemon
/// keeps serving and what was recorded stays readable.
fn recorder_report(d: &Arc<Daemon>, line: &str) {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
        return;
    };
    if v["op"] != "write_failed" {
        return;
    }
    let dir = std::path::PathBuf::from(v["dir"].as_str().unwrap_or_default());
    let Some(h) = d.registry.all().into_iter().find(|h| h.dir == dir) else {
        return;
    };
    let message = format!(
        "output is not being recorded: {}",
        v["error"].as_str().unwrap_or("write failed")
    );
    tracing::error!(session = %h.name, "{message}");
    if h.warn(&message) {
        if let Err(e) = d.bus.publish(
            &h.id,
            h.name.as_str(),
            warren_proto::EventKind::Warning { message },
        ) {
            tracing::error!("storing event: {e}");
        }
    }
}

/// Pipes every live pane to the (new) recorder.
pub(crate) async fn repipe_live(d: &Arc<Daemon>) {
    for h in d.registry.all() {
        if h.state().is_terminal() {
            continue;
        }
        if let Some(pane) = h.row().tmux_pane {
            if let Err(e) = d.tmux.repipe(&pane, &d.pipe_command(&h.dir)).await {
                tracing::warn!(session = %h.name, "re-piping output: {e}");
            }
        }
    }
}

/// Acts on tmux notifications.
pub(crate) async fn notices(d: Arc<Daemon>, mut rx: mpsc::UnboundedReceiver<Notice>) {
    while let Some(n) = rx.recv().await {
        match n {
            Notice::SessionsChanged => {
                // Let a burst of changes settle, then compare once.
                tokio::time::sleep(Duration::from_millis(20)).await;
                while rx.try_recv().is_ok() {}
                check_vanished(&d).await;
            }
            Notice::Exit(reason) => {
                if d.shutdown.borrow().is_some() {
                    continue;
                }
                if d.tmux.server_running().await {
                    tracing::warn!("tmux control connection closed ({reason}); reconnecting");
                    if let Err(e) = d.tmux.connect_existing().await {
                        tracing::error!("reconnecting to tmux: {e}");
                    }
                    check_vanished(&d).await;
                } else {
                    tracing::error!("the tmux server exited ({reason}); its sessions are lost");
                    for h in d.registry.all() {
                        if !h.state().is_terminal() && h.row().tmux_session.is_some() {
                            h.tmux().map(|t| {
                                t.send(TmuxCmd::Vanished("the tmux server exited".into()))
                            });
                        }
                    }
                }
            }
        }
    }
}

/// Marks live sessions whose tmux session is gone, and catches exits the hook missed.
pub(crate) async fn check_vanished(d: &Arc<Daemon>) {
    let Ok(panes) = d.tmux.list_panes().await else {
        return;
    };
    for h in d.registry.all() {
        let row = h.row();
        if h.state().is_terminal() || row.kill_pending {
            continue;
        }
        let Some(sid) = row.tmux_session.as_deref() else {
            continue;
        };
        // A pane not yet tagged with warren's id is one `new` is still setting up (the
        // daemon's tasks run on several threads, so this check can land in between).
        match panes
            .iter()
            .find(|p| p.session_id == sid && (p.warren_id == row.id || p.warren_id.is_empty()))
        {
            None => {
                h.tmux()
                    .map(|t| t.send(TmuxCmd::Vanished("its tmux session vanished".into())));
            }
            Some(p) if p.dead => {
                h.tmux().map(|t| {
                    t.send(TmuxCmd::Exited {
                        code: p.dead_status,
                        signal: p.dead_signal,
                    })
                });
            }
            Some(_) => {}
        }
    }
}
