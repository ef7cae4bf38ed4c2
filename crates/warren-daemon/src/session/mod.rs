//! One session: its handle (what readers see), its actor (one task that serialises the
//! session's I/O and runs the status engine) and its output tail.

mod attention;
pub(crate) mod env;
pub(crate) mod matcher;
pub(crate) mod runtime;
pub(crate) mod status;

use crate::profiles::Profile;
use crate::store::{HeadlessRow, SessionRow, now_ms, rfc3339};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::{Notify, mpsc, watch};
use warren_proto::{SessionInfo, SessionName, SessionState};

pub(crate) use attention::Attention;
pub(crate) use runtime::{HeadlessCmd, HeadlessCtl, Runtime, TmuxCmd, TmuxCtl};

/// Whether a session in `state` has no process any more: the terminal states, and for
/// headless sessions also `stopped` and `stuck` (the agent exited; `resume` starts it again).
pub(crate) fn agent_gone(state: SessionState, headless: bool) -> bool {
    state.is_terminal()
        || (headless && matches!(state, SessionState::Stopped | SessionState::Stuck))
}

/// What waiters watch: the output end and the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Progress {
    /// Global offset of the end of recorded output.
    pub offset: u64,
    /// Current state.
    pub state: SessionState,
    /// Headless: the last interaction that ended.
    pub turn: u64,
    /// Headless: the last interaction the agent echoed (it arrived).
    pub acked: u64,
    /// Headless: the last interaction the holder wrote to the agent's stdin.
    pub sent: u64,
}

/// A session as the rest of the daemon holds it.
pub(crate) struct SessionHandle {
    /// warren's id.
    pub id: String,
    /// Its name.
    pub name: SessionName,
    /// Creation time.
    pub created_ms: i64,
    /// Its directory (output log, env).
    pub dir: PathBuf,
    /// Its profile.
    pub profile: Profile,
    row: RwLock<SessionRow>,
    progress: watch::Sender<Progress>,
    runtime: Runtime,
    /// Rung by the file watcher when the output log changes.
    pub wake: Arc<Notify>,
    removed: AtomicBool,
    warning: RwLock<Option<String>>,
    attention: RwLock<Option<Attention>>,
}

/// What an interactive agent that reports through hooks (Claude Code) told warren, as
/// `status` shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Interactive {
    /// What it waits on.
    pub question: Option<warren_proto::Question>,
    /// Claude Code's session id (warren chose it).
    pub agent_session_id: Option<String>,
    /// Inputs queued until it is idle.
    pub queued: u64,
}

impl SessionHandle {
    /// A tmux session's handle and the receiving end of its actor's channel.
    pub(crate) fn new_tmux(
        row: SessionRow,
        dir: PathBuf,
        profile: Profile,
        offset: u64,
    ) -> (Arc<Self>, mpsc::UnboundedReceiver<TmuxCmd>) {
        let (ctl, rx) = TmuxCtl::new();
        (
            Self::with_runtime(row, dir, profile, offset, Runtime::Tmux(ctl)),
            rx,
        )
    }

    /// A headless session's handle and the receiving end of its actor's channel.
    pub(crate) fn new_headless(
        row: SessionRow,
        headless: HeadlessRow,
        dir: PathBuf,
        profile: Profile,
        offset: u64,
    ) -> (Arc<Self>, mpsc::UnboundedReceiver<HeadlessCmd>) {
        let (ctl, rx) = HeadlessCtl::new(headless);
        (
            Self::with_runtime(row, dir, profile, offset, Runtime::Headless(ctl)),
            rx,
        )
    }

    fn with_runtime(
        row: SessionRow,
        dir: PathBuf,
        profile: Profile,
        offset: u64,
        runtime: Runtime,
    ) -> Arc<Self> {
        let (progress, _) = watch::channel(Progress {
            offset,
            state: row.state,
            turn: 0,
            acked: 0,
            sent: 0,
        });
        let name = SessionName::new(&row.name).unwrap_or_else(|_| {
            SessionName::new("invalid").unwrap_or_else(|e| unreachable!("{e}"))
        });
        Arc::new(Self {
            id: row.id.clone(),
            name,
            created_ms: row.created_ms,
            dir,
            profile,
            row: RwLock::new(row),
            progress,
            runtime,
            wake: Arc::new(Notify::new()),
            removed: AtomicBool::new(false),
            warning: RwLock::new(None),
            attention: RwLock::new(None),
        })
    }

    /// The runtime it runs in.
    pub(crate) fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Its tmux side, for tmux sessions.
    pub(crate) fn tmux(&self) -> Option<&TmuxCtl> {
        match &self.runtime {
            Runtime::Tmux(t) => Some(t),
            Runtime::Headless(_) => None,
        }
    }

    /// Its headless side, for headless sessions.
    pub(crate) fn headless_ctl(&self) -> Option<&HeadlessCtl> {
        match &self.runtime {
            Runtime::Headless(x) => Some(x),
            Runtime::Tmux(_) => None,
        }
    }

    /// A copy of the stored row.
    pub(crate) fn row(&self) -> SessionRow {
        self.row
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Changes the in-memory row (after the store was written).
    pub(crate) fn update(&self, f: impl FnOnce(&mut SessionRow)) {
        let mut row = self
            .row
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut row);
        let state = row.state;
        drop(row);
        self.progress.send_modify(|p| p.state = state);
    }

    /// Reads the stored row without copying it.
    pub(crate) fn with_row<R>(&self, f: impl FnOnce(&SessionRow) -> R) -> R {
        f(&self
            .row
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Reads the headless row without copying it (`None` for tmux sessions).
    pub(crate) fn with_headless<R>(&self, f: impl FnOnce(&HeadlessRow) -> R) -> Option<R> {
        self.headless_ctl().map(|x| x.with_row(f))
    }

    /// A copy of the headless row, for headless sessions.
    pub(crate) fn headless(&self) -> Option<HeadlessRow> {
        self.headless_ctl().map(HeadlessCtl::row)
    }

    /// Changes the headless row in memory (after the store was written); nothing for tmux.
    pub(crate) fn set_headless(&self, f: impl FnOnce(&mut HeadlessRow)) {
        if let Some(x) = self.headless_ctl() {
            x.set_row(f);
        }
    }

    /// Whether its process is gone ([`agent_gone`]).
    pub(crate) fn ended(&self) -> bool {
        agent_gone(self.state(), self.is_headless())
    }

    /// The safety net in force: a headless session's, or a tmux session's time limits.
    pub(crate) fn limits(&self) -> warren_proto::Limits {
        match &self.runtime {
            Runtime::Headless(x) => x.with_row(|r| r.limits.clone()),
            Runtime::Tmux(t) => t.limits(),
        }
    }

    /// What an interactive agent reported (nothing for headless sessions).
    pub(crate) fn interactive(&self) -> Interactive {
        self.tmux().map(TmuxCtl::interactive).unwrap_or_default()
    }

    /// Changes what an interactive agent reported (nothing for headless sessions).
    pub(crate) fn set_interactive(&self, f: impl FnOnce(&mut Interactive)) {
        if let Some(t) = self.tmux() {
            t.set_interactive(f);
        }
    }

    /// Whether this is a headless session.
    pub(crate) fn is_headless(&self) -> bool {
        matches!(self.runtime, Runtime::Headless(_))
    }

    /// Marks interaction `seq` ended (wakes waiters).
    pub(crate) fn turn_ended(&self, seq: u64) {
        self.progress.send_modify(|p| p.turn = p.turn.max(seq));
    }

    /// Marks interaction `seq` written to the agent's stdin by the holder.
    pub(crate) fn turn_sent(&self, seq: u64) {
        self.progress.send_modify(|p| p.sent = p.sent.max(seq));
    }

    /// Marks interaction `seq` echoed by the agent.
    pub(crate) fn turn_acked(&self, seq: u64) {
        self.progress.send_modify(|p| p.acked = p.acked.max(seq));
    }

    /// Current state.
    pub(crate) fn state(&self) -> SessionState {
        self.progress.borrow().state
    }

    /// Current end of output.
    pub(crate) fn offset(&self) -> u64 {
        self.progress.borrow().offset
    }

    /// Moves the output end forward.
    pub(crate) fn advance(&self, offset: u64) {
        self.progress.send_if_modified(|p| {
            let changed = offset > p.offset;
            p.offset = p.offset.max(offset);
            changed
        });
    }

    /// Watches output and state.
    pub(crate) fn watch(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }

    /// Whether this is the session of tmux pane `pane` in tmux session `session`.
    pub(crate) fn matches_pane(&self, pane: &str, session: &str) -> bool {
        let row = self
            .row
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        row.tmux_pane.as_deref() == Some(pane)
            && (session.is_empty() || row.tmux_session.as_deref() == Some(session))
    }

    /// Sets the warning `status` shows; true when it is new.
    pub(crate) fn warn(&self, message: &str) -> bool {
        let mut w = self
            .warning
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let new = w.as_deref() != Some(message);
        *w = Some(message.to_string());
        new
    }

    /// Marks it removed (cleanup) so its tasks end.
    pub(crate) fn mark_removed(&self) {
        self.removed.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// Whether cleanup removed it.
    pub(crate) fn is_removed(&self) -> bool {
        self.removed.load(Ordering::Acquire)
    }

    /// What the `ls` table shows.
    pub(crate) fn brief(&self, stale_after_secs: u64) -> warren_proto::SessionBrief {
        let now = now_ms();
        let attention = self.attention_reason(now);
        let r = self
            .row
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        warren_proto::SessionBrief {
            name: self.name.clone(),
            state: r.state,
            signal: r.signal.clone(),
            age_secs: ((now - r.since_ms).max(0) / 1000) as u64,
            profile: r.profile.clone(),
            pid: r.pid,
            stale: !r.state.is_terminal()
                && (now - r.created_ms).max(0) as u64 / 1000 > stale_after_secs,
            attention,
        }
    }

    /// What `status` and `ls --json` show.
    pub(crate) fn info(&self, stale_after_secs: u64) -> SessionInfo {
        let now = now_ms();
        let offset = self.offset();
        let interactive = self.interactive();
        let attention = self.attention_reason(now);
        // Built from the row under its read lock: one copy of each field, no row clone.
        let r = self
            .row
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let age_ms = (now - r.created_ms).max(0) as u64;
        let stale_warning =
            (!r.state.is_terminal() && age_ms / 1000 > stale_after_secs).then(|| {
                format!(
                    "running for {}; sessions alive for more than {} should be checked",
                    warren_proto::format_duration(std::time::Duration::from_millis(age_ms)),
                    warren_proto::format_duration(std::time::Duration::from_secs(stale_after_secs))
                )
            });
        SessionInfo {
            id: r.id.clone(),
            name: self.name.clone(),
            kind: r.kind.clone(),
            profile: r.profile.clone(),
            state: r.state,
            signal: r.signal.clone(),
            since: rfc3339(r.since_ms),
            detail: r.detail.clone(),
            created_at: rfc3339(r.created_ms),
            pid: r.pid,
            cwd: r.cwd.clone(),
            command: r.command.clone(),
            exit_code: r.exit_code,
            cost: r.cost,
            turns: r.turns,
            output_offset: offset,
            tmux_session: r.tmux_session.as_ref().map(|_| r.name.clone()),
            job_slug: r.job_slug.clone(),
            stale_warning,
            age_secs: ((now - r.since_ms).max(0) / 1000) as u64,
            warning: self
                .warning
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
            transitions: Vec::new(),
            headless: None,
            limits: None,
            question: interactive.question,
            agent_session_id: interactive.agent_session_id,
            queued_inputs: interactive.queued,
            attention,
        }
    }

    /// Changes the attention episode (the attention component decides).
    pub(crate) fn update_attention<R>(&self, f: impl FnOnce(&mut Option<Attention>) -> R) -> R {
        f(&mut self
            .attention
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Why it needs a person, while the episode lasts at `now` (a closed one shows nothing).
    pub(crate) fn attention_reason(&self, now: i64) -> Option<String> {
        self.attention
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .filter(|a| a.open_at(now))
            .map(|a| a.reason.clone())
    }
}
