//! `daemon status`.

use crate::daemon::Daemon;
use std::sync::Arc;
use warren_proto::{DaemonStatus, PROTOCOL_VERSION};

/// What `warren daemon status` prints.
pub(crate) fn run(d: &Arc<Daemon>) -> DaemonStatus {
    DaemonStatus {
        pid: std::process::id(),
        version: env!("CARGO_PKG_VERSION").into(),
        protocol: PROTOCOL_VERSION,
        socket: d.paths.socket.to_string_lossy().into_owned(),
        tcp: d
            .tcp
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone(),
        uptime_secs: d.started.elapsed().as_secs(),
        sessions: d.registry.live_count() as u64,
        home: d.paths.home.to_string_lossy().into_owned(),
        tmux_socket: d.paths.tmux_socket.to_string_lossy().into_owned(),
        tmux: d.tmux.bin().to_string_lossy().into_owned(),
    }
}
