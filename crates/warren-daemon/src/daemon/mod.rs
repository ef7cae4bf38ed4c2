//! The daemon's shared state, and the few things every service does the same way.

pub(crate) mod component;
mod recorder;

pub use recorder::kill_recorder;

use crate::bus::EventBus;
use crate::config::Config;
use crate::paths::Paths;
use crate::profiles::Profiles;
use crate::registry::Registry;
use crate::session::SessionHandle;
use crate::session::status::Next;
use crate::store::{Store, now_ms};
use crate::tmux::{Tmux, TmuxError};
use crate::watch::Watcher;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use warren_proto::{ApiError, ErrorCode, EventKind, SessionState};

/// Everything the services share.
pub(crate) struct Daemon {
    /// Where files live.
    pub paths: Paths,
    /// Configuration.
    pub config: Config,
    /// The database.
    pub store: Arc<Store>,
    /// Events.
    pub bus: EventBus,
    /// The tmux runtime.
    pub tmux: Tmux,
    /// Sessions.
    pub registry: Registry,
    /// Profiles.
    pub profiles: Profiles,
    /// Output and exit watcher.
    pub watcher: Watcher,
    /// When the daemon started.
    pub started: Instant,
    /// The bearer token for TCP.
    pub token: String,
    /// TCP address when listening.
    pub tcp: std::sync::Mutex<Option<String>>,
    /// This executable (for `warren pipe`).
    pub exe: PathBuf,
    /// Set to stop the daemon; `true` also ends every session.
    pub shutdown: tokio::sync::watch::Sender<Option<bool>>,
}

impl Daemon {
    /// Makes a transition: store first, then memory, then the event.
    pub(crate) fn transition(&self, h: &SessionHandle, next: Next) {
        let from = h.state();
        if from == next.to {
            return;
        }
        let at = now_ms();
        if let Err(e) =
            self.store
                .record_transition(&h.id, from, next.to, &next.signal, &next.detail, at)
        {
            // A full disk must not stop the daemon: keep serving with the state in memory.
            tracing::error!(session = %h.name, "storing transition {from} -> {}: {e}", next.to);
        }
        h.update(|r| {
            r.state = next.to;
            r.signal = next.signal.clone();
            r.detail = next.detail.clone();
            r.since_ms = at;
        });
        // The busy/idle back and forth of every turn is debug; the rest is worth a line.
        if matches!(
            (from, next.to),
            (SessionState::Idle, SessionState::Running)
                | (SessionState::Running, SessionState::Idle)
        ) {
            tracing::debug!(session = %h.name, "{from} -> {} ({}: {})", next.to, next.signal, next.detail);
        } else {
            tracing::info!(session = %h.name, "{from} -> {} ({}: {})", next.to, next.signal, next.detail);
        }
        let kind = EventKind::StateChanged {
            from: Some(from),
            to: next.to,
            signal: next.signal,
            detail: next.detail,
        };
        if let Err(e) = self.bus.publish(&h.id, h.name.as_str(), kind) {
            tracing::error!("storing event: {e}");
        }
    }

    /// Publishes that a session was made (its row is stored, its handle registered or about
    /// to be): one `created` event, whatever made it.
    pub(crate) fn announce_created(&self, h: &SessionHandle) {
        let kind = EventKind::Created {
            profile: h.profile.name.clone(),
        };
        if let Err(e) = self.bus.publish(&h.id, h.name.as_str(), kind) {
            tracing::error!(session = %h.name, "storing event: {e}");
        }
    }

    /// Publishes an exit event.
    pub(crate) fn publish_exit(
        &self,
        h: &SessionHandle,
        exit_code: Option<i32>,
        exit_signal: Option<i32>,
    ) {
        if let Err(e) = self.bus.publish(
            &h.id,
            h.name.as_str(),
            EventKind::Exited {
                exit_code,
                exit_signal,
            },
        ) {
            tracing::error!("storing event: {e}");
        }
    }

    /// Records a breach of the safety net: stored, then published as a `violation` event.
    pub(crate) fn record_violation(&self, h: &SessionHandle, kind: &str, message: &str) {
        self.store_violation(h, violation(kind, message));
    }

    /// Stores and publishes a violation.
    pub(crate) fn store_violation(&self, h: &SessionHandle, v: warren_proto::Violation) {
        tracing::warn!(session = %h.name, "safety net: {}", v.message);
        if let Err(e) = self.store.add_violation(&h.id, &v, now_ms()) {
            tracing::error!("storing violation: {e}");
        }
        if let Err(e) = self
            .bus
            .publish(&h.id, h.name.as_str(), EventKind::Violation(v))
        {
            tracing::error!("storing event: {e}");
        }
    }

    /// A tmux failure as an API error.
    pub(crate) fn tmux_error(&self, e: TmuxError) -> ApiError {
        match e {
            TmuxError::Unavailable(m) => ApiError::new(ErrorCode::TmuxUnavailable, m),
            TmuxError::Gone => ApiError::new(
                ErrorCode::TmuxUnavailable,
                "the tmux server went away; its sessions are marked lost",
            )
            .with_hint("create the session again; warren starts a new tmux server"),
            TmuxError::Command(m) => ApiError::new(ErrorCode::BadRequest, m),
        }
    }

    /// A disk failure: the session is marked and the daemon keeps serving.
    pub(crate) fn disk_error(&self, h: &SessionHandle, e: std::io::Error) -> ApiError {
        tracing::error!(session = %h.name, "disk: {e}");
        ApiError::internal(format!("cannot write in {}: {e}", h.dir.display()))
            .with_hint("free disk space; recorded output is kept")
    }

    /// A profile by name; 400 naming the known ones.
    pub(crate) fn profile(&self, name: &str) -> Result<crate::profiles::Profile, ApiError> {
        self.profiles.get(name).cloned().ok_or_else(|| {
            ApiError::bad_field(
                "profile",
                format!(
                    "unknown profile {name:?} (known: {})",
                    self.profiles.names().join(", ")
                ),
            )
        })
    }

    /// Refuses a name a live session holds.
    pub(crate) fn ensure_name_free(&self, name: &str) -> Result<(), ApiError> {
        match self.registry.live_with_name(name) {
            Some(live) => Err(ApiError::new(
                ErrorCode::NameTaken,
                format!("a live session is named {name} (state {})", live.state()),
            )
            .with_hint(format!(
                "pick another name, or end it first: `warren kill {name}`"
            ))),
            None => Ok(()),
        }
    }

    /// Looks a session up by name or id; 404 in the words the issue asks for.
    pub(crate) fn lookup(&self, key: &str) -> Result<Arc<SessionHandle>, ApiError> {
        self.registry
            .resolve(key)
            .ok_or_else(|| ApiError::no_session(key))
    }

    /// A crash point for tests: when `<home>/fault.<name>` exists, it is removed and the daemon
    /// aborts right here, like `kill -9` at that instant. One stat; nothing in normal use.
    pub(crate) fn fault(&self, name: &str) {
        let marker = self.paths.home.join(format!("fault.{name}"));
        if marker.exists() {
            let _ = std::fs::remove_file(&marker);
            tracing::warn!("fault point {name}: killing the daemon");
            let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
        }
    }

    /// The shell command tmux pipes a pane's output into.
    pub(crate) fn pipe_command(&self, dir: &std::path::Path) -> String {
        use crate::tmux::quote::sh;
        format!(
            "exec {} pipe --dir {} --max-bytes {} --keep {} --recorder {}",
            sh(&self.exe.to_string_lossy()),
            sh(&dir.to_string_lossy()),
            self.config.log_max_bytes,
            self.config.log_keep_segments,
            sh(&self.paths.recorder_socket.to_string_lossy())
        )
    }
}

/// A violation as stored and published (shared with headless sessions).
fn violation(kind: &str, message: &str) -> warren_proto::Violation {
    warren_proto::Violation {
        kind: kind.into(),
        message: message.into(),
        at: crate::store::rfc3339(now_ms()),
        tool: None,
        path: None,
    }
}
