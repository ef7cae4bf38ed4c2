//! `find`: tmux sessions on warren's server that are not registered; with `all`, also this
//! user's other tmux servers, read-only.

use crate::daemon::Daemon;
use crate::tmux::{CONTROL_SESSION, PaneRow};
use std::path::PathBuf;
use std::sync::Arc;
use warren_proto::FoundSession;

/// Lists unregistered sessions.
pub(crate) async fn run(d: &Arc<Daemon>, all: bool) -> Vec<FoundSession> {
    let mut found = Vec::new();
    if d.tmux.server_running().await {
        let panes = d.tmux.list_panes().await.unwrap_or_default();
        let ours = |p: &PaneRow| {
            p.session_name == CONTROL_SESSION
                || (!p.warren_id.is_empty() && d.registry.resolve(&p.warren_id).is_some())
        };
        push_sessions(&mut found, "warren", &panes, ours, true);
    }
    if all {
        for socket in other_sockets(d) {
            let panes = d.tmux.list_foreign(&socket).await;
            push_sessions(
                &mut found,
                &socket.to_string_lossy(),
                &panes,
                |_| false,
                false,
            );
        }
    }
    found
}

fn push_sessions(
    out: &mut Vec<FoundSession>,
    server: &str,
    panes: &[PaneRow],
    skip: impl Fn(&PaneRow) -> bool,
    adoptable: bool,
) {
    let mut seen = std::collections::HashSet::new();
    for p in panes {
        if skip(p) || !seen.insert(p.session_id.clone()) {
            continue;
        }
        out.push(FoundSession {
            server: server.into(),
            tmux_name: p.session_name.clone(),
            windows: p.windows,
            attached: p.attached,
            command: p.command.clone(),
            adoptable,
        });
    }
}

/// This user's tmux sockets outside warren (`$TMUX_TMPDIR` or /tmp, `tmux-<uid>/`).
fn other_sockets(d: &Daemon) -> Vec<PathBuf> {
    let base = std::env::var_os("TMUX_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    let dir = base.join(format!("tmux-{}", nix::unistd::getuid().as_raw()));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    use std::os::unix::fs::FileTypeExt as _;
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_socket()))
        .map(|e| e.path())
        .filter(|p| *p != d.paths.tmux_socket)
        .collect()
}
