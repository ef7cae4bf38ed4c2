//! The runtime seam: a session runs in tmux or headless, and its handle carries one of the
//! two, each with its own command type. A verb matches the runtime once; the compiler refuses
//! `keys` to a headless session or a turn to a tmux one.

use super::Interactive;
use crate::store::HeadlessRow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use tokio::sync::{mpsc, oneshot};
use warren_proto::{ApiError, Limits};

/// What a tmux session's actor is asked to do.
pub(crate) enum TmuxCmd {
    /// Type text (and Enter); answers the output offset just before it.
    Send {
        /// Literal text.
        text: String,
        /// Submit after it.
        enter: bool,
        /// The answer.
        reply: oneshot::Sender<Result<u64, ApiError>>,
    },
    /// Send named keys; answers the offset before.
    Keys {
        /// tmux key names.
        keys: Vec<String>,
        /// The answer.
        reply: oneshot::Sender<Result<u64, ApiError>>,
    },
    /// End the session.
    Kill {
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// The process exited (from the pane-died hook or a listing).
    Exited {
        /// Exit status.
        code: Option<i32>,
        /// Signal.
        signal: Option<i32>,
    },
    /// Its tmux session or server vanished.
    Vanished(String),
    /// Output arrived.
    Activity,
    /// Interrupt the current turn (Escape, or the profile's interrupt key).
    Interrupt {
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// The limits changed; re-arm the clocks.
    LimitsChanged,
    /// A hook of an agent that reports through hooks (from `warren hook`).
    Hook(warren_proto::HookReport),
    /// Input stored as queued: type it when the agent is idle; answers acked or queued.
    Input {
        /// Its number.
        seq: u64,
        /// The answer.
        reply: oneshot::Sender<warren_proto::SendAnswer>,
    },
    /// Answer the dialog the agent waits on with these keys, then record the state.
    Answer {
        /// tmux key names.
        keys: Vec<String>,
        /// The state it is in afterwards, and why.
        then: super::status::Next,
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
}

/// What a headless session's actor is asked to do.
pub(crate) enum HeadlessCmd {
    /// Queue a message as the next interaction; answers its sequence number.
    Turn {
        /// The message.
        prompt: String,
        /// Stop (resumable) once it is answered.
        stop: bool,
        /// The answer.
        reply: oneshot::Sender<Result<u64, ApiError>>,
    },
    /// Interrupt the current turn (a control request).
    Interrupt {
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// Close stdin and let the agent exit (resumable); `done` marks it completed.
    Stop {
        /// `finish`: completed rather than stopped.
        done: bool,
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// Hold input from now on.
    Pause {
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// Release held input.
    Unpause {
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// End the agent (its process group).
    Kill {
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// The limits changed (the actor reads them at each check).
    LimitsChanged,
}

/// The runtime a session runs in, with what only that runtime has.
pub(crate) enum Runtime {
    /// In warren's tmux server.
    Tmux(TmuxCtl),
    /// A child speaking stream-json, held by `warren holder`.
    Headless(HeadlessCtl),
}

/// A tmux session's actor channel, time limits and what an agent with hooks reported.
pub(crate) struct TmuxCtl {
    cmd: mpsc::UnboundedSender<TmuxCmd>,
    limits: RwLock<Limits>,
    interactive: RwLock<Interactive>,
}

impl TmuxCtl {
    pub(super) fn new() -> (Self, mpsc::UnboundedReceiver<TmuxCmd>) {
        let (cmd, rx) = mpsc::unbounded_channel();
        let ctl = Self {
            cmd,
            limits: RwLock::new(Limits::default()),
            interactive: RwLock::new(Interactive::default()),
        };
        (ctl, rx)
    }

    /// Sends a command to the actor; false when it is gone (the session ended).
    pub(crate) fn send(&self, c: TmuxCmd) -> bool {
        self.cmd.send(c).is_ok()
    }

    /// The time (and for Claude Code, cost and turn) limits in force.
    pub(crate) fn limits(&self) -> Limits {
        self.limits
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sets the limits in memory (after the store was written).
    pub(crate) fn set_limits(&self, l: Limits) {
        *self.limits.write().unwrap_or_else(PoisonError::into_inner) = l;
    }

    /// What an interactive agent reported.
    pub(crate) fn interactive(&self) -> Interactive {
        self.interactive
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Changes what an interactive agent reported.
    pub(crate) fn set_interactive(&self, f: impl FnOnce(&mut Interactive)) {
        f(&mut self
            .interactive
            .write()
            .unwrap_or_else(PoisonError::into_inner));
    }
}

/// A headless session's actor channel (a new one per agent process) and its own row.
pub(crate) struct HeadlessCtl {
    cmd: RwLock<mpsc::UnboundedSender<HeadlessCmd>>,
    row: RwLock<HeadlessRow>,
    generation: AtomicU64,
}

impl HeadlessCtl {
    pub(super) fn new(row: HeadlessRow) -> (Self, mpsc::UnboundedReceiver<HeadlessCmd>) {
        let (cmd, rx) = mpsc::unbounded_channel();
        let ctl = Self {
            cmd: RwLock::new(cmd),
            row: RwLock::new(row),
            generation: AtomicU64::new(0),
        };
        (ctl, rx)
    }

    /// Sends a command to the actor; false when it is gone (the agent ended).
    pub(crate) fn send(&self, c: HeadlessCmd) -> bool {
        self.cmd
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .send(c)
            .is_ok()
    }

    /// A new command channel for a new actor (the session resumed).
    pub(crate) fn reopen(&self) -> mpsc::UnboundedReceiver<HeadlessCmd> {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let (tx, rx) = mpsc::unbounded_channel();
        *self.cmd.write().unwrap_or_else(PoisonError::into_inner) = tx;
        rx
    }

    /// Which actor is the current one: a new actor (resume) makes an old one stop.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A copy of the row.
    pub(crate) fn row(&self) -> HeadlessRow {
        self.row
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Reads the row without copying it.
    pub(crate) fn with_row<R>(&self, f: impl FnOnce(&HeadlessRow) -> R) -> R {
        f(&self.row.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Changes the row in memory (after the store was written).
    pub(crate) fn set_row(&self, f: impl FnOnce(&mut HeadlessRow)) {
        f(&mut self.row.write().unwrap_or_else(PoisonError::into_inner));
    }
}

/// Sends a command that answers `()` through `send` (false: the actor is gone) and waits for
/// its answer; `name` and `state` word the error.
pub(crate) async fn ask(
    name: &str,
    state: warren_proto::SessionState,
    send: impl FnOnce(oneshot::Sender<Result<(), ApiError>>) -> bool,
) -> Result<(), ApiError> {
    use warren_proto::ErrorCode;
    let (reply, rx) = oneshot::channel();
    if !send(reply) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {name} is {state}"),
        ));
    }
    rx.await
        .map_err(|_| ApiError::new(ErrorCode::Conflict, format!("session {name} ended")))?
}
