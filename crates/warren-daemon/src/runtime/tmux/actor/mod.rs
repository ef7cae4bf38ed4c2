//! The tmux session actor: one task per live session. It serialises the session's tmux I/O (a
//! send's text and its Enter are never interleaved with another send), reads the screen when
//! output settles (debounced, never on a timer sweep), and turns observations into transitions.
//!
//! A struct with one method per event (like the headless actor): [`run`] only waits on the
//! command channel and the clocks and hands each to its method.

mod exit;

use super::clocks::Clocks;
use crate::agents::claude::engine::{self as claude, ClaudeState};
use crate::agents::claude::inputs;
use crate::daemon::Daemon;
use crate::pane::typing::{deliver, pane};
use crate::profiles::StatusSource;
use crate::session::status::{Next, Observation, step};
use crate::session::{SessionHandle, TmuxCmd as Cmd};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep_until};
use warren_proto::{ApiError, HookReport, SendAnswer, SessionState};

/// Quiet time after output before the screen is read.
const SCREEN_DEBOUNCE: Duration = Duration::from_millis(40);
/// Longest a busy stream goes without a screen read.
const SCREEN_MAX_DELAY: Duration = Duration::from_millis(250);

/// Runs the actor until the session ends.
pub(crate) async fn run(
    d: Arc<Daemon>,
    h: Arc<SessionHandle>,
    mut rx: mpsc::UnboundedReceiver<Cmd>,
) {
    let mut a = Actor::new(d, h);
    a.start().await;
    let far = || Instant::now() + Duration::from_secs(86400 * 365);
    loop {
        if a.h.state().is_terminal() || a.h.is_removed() {
            return;
        }
        let (limit_due, agent_due) = a.arm();
        tokio::select! {
            cmd = rx.recv() => {
                let Some(cmd) = cmd else { return };
                a.command(cmd).await;
            }
            _ = sleep_until(a.screen_due.unwrap_or_else(far)), if a.screen_due.is_some() => {
                a.read_screen().await;
            }
            _ = sleep_until(agent_due.unwrap_or_else(far)), if agent_due.is_some() => {
                a.on_agent_due().await;
            }
            _ = sleep_until(a.quiet_due.unwrap_or_else(far)), if a.quiet_due.is_some() => {
                a.quiet_due = None;
                a.observe(Observation::Quiet).await;
            }
            _ = sleep_until(limit_due.unwrap_or_else(far)), if limit_due.is_some() => {
                a.clocks.fire(&a.d, &a.h).await;
            }
            _ = sleep_until(a.stuck_due.unwrap_or_else(far)), if a.stuck_due.is_some() => {
                a.stuck_due = None;
                a.observe(Observation::NoProgress).await;
            }
        }
    }
}

/// One tmux session's actor state.
struct Actor {
    d: Arc<Daemon>,
    h: Arc<SessionHandle>,
    quiescence: Duration,
    stuck_after: Duration,
    /// When to read the screen (output settled, or the longest delay passed).
    screen_due: Option<Instant>,
    /// The first output not yet followed by a screen read.
    first_unchecked: Option<Instant>,
    /// When the session counts as quiet.
    quiet_due: Option<Instant>,
    /// When busy with no output counts as stuck (agents without hooks).
    stuck_due: Option<Instant>,
    clocks: Clocks,
    /// Agents that report through hooks: their own status engine (hooks first, screen second).
    claude: Option<ClaudeState>,
}

impl Actor {
    fn new(d: Arc<Daemon>, h: Arc<SessionHandle>) -> Self {
        let quiescence = Duration::from_millis(d.config.quiescence_ms);
        let stuck_after = Duration::from_secs(d.config.stuck_after_secs);
        // The agent's own status engine, as the profile says.
        let claude = match h.profile.status {
            StatusSource::ClaudeHooks => Some(ClaudeState::load(&h, stuck_after)),
            StatusSource::Screen => None,
        };
        Self {
            screen_due: h
                .profile
                .reads_screen
                .then(|| Instant::now() + SCREEN_DEBOUNCE),
            first_unchecked: None,
            quiet_due: Some(Instant::now() + quiescence),
            stuck_due: None,
            clocks: Clocks::new(&h),
            quiescence,
            stuck_after,
            claude,
            d,
            h,
        }
    }

    /// Catches up: hooks spooled while the daemon was down, inputs cut short by a restart.
    async fn start(&mut self) {
        let (d, h) = (&self.d, &self.h);
        if let Some(st) = self.claude.as_mut() {
            for r in warren_helpers::hook::take_spool(&h.dir) {
                claude::on_hook(d, h, st, r).await;
            }
            inputs::settle_after_restart(d, h, st);
            inputs::deliver_next(d, h, st).await;
        }
    }

    /// Settles the clocks for the state now; answers when the limit and agent clocks fire.
    fn arm(&mut self) -> (Option<Instant>, Option<Instant>) {
        let state = self.h.state();
        self.clocks.settled(state);
        if self.claude.is_some() && state == SessionState::Running {
            self.clocks.busy();
        }
        let limit_due = self.clocks.next(&self.h);
        let agent_due = self.claude.as_mut().and_then(|st| {
            // Progress is hooks and transcript growth, not redraws: the agent's state keeps
            // the stuck clock.
            st.arm(state);
            st.next_due()
        });
        if self.claude.is_some() {
            self.stuck_due = None;
        }
        (limit_due, agent_due)
    }

    async fn command(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Activity => self.on_activity().await,
            Cmd::Send { text, enter, reply } => self.on_send(text, enter, reply).await,
            Cmd::Keys { keys, reply } => self.on_keys(keys, reply).await,
            Cmd::Kill { reply } => {
                let _ = reply.send(exit::kill(&self.d, &self.h).await);
            }
            Cmd::Exited { code, signal } => self.on_exited(code, signal).await,
            Cmd::Interrupt { reply } => self.on_interrupt(reply).await,
            Cmd::Hook(report) => self.on_hook(report).await,
            Cmd::Input { seq, reply } => self.on_input(seq, reply).await,
            Cmd::Answer { keys, then, reply } => self.on_answer(keys, then, reply).await,
            Cmd::LimitsChanged => self.clocks.rearm(&self.h),
            Cmd::Vanished(why) => {
                if !self.h.row().kill_pending {
                    self.observe(Observation::Vanished(why)).await;
                }
            }
        }
    }

    async fn on_activity(&mut self) {
        let now = Instant::now();
        self.quiet_due = Some(now + self.quiescence);
        self.stuck_due = Some(now + self.stuck_after);
        if self.h.profile.reads_screen {
            let first = *self.first_unchecked.get_or_insert(now);
            self.screen_due = Some((now + SCREEN_DEBOUNCE).min(first + SCREEN_MAX_DELAY));
        } else {
            self.observe(Observation::Screen(None)).await;
        }
    }

    async fn on_send(
        &mut self,
        text: String,
        enter: bool,
        reply: oneshot::Sender<Result<u64, ApiError>>,
    ) {
        let r = deliver(&self.d, &self.h, &text, enter).await;
        if enter && r.is_ok() {
            self.clocks.sent();
        }
        let _ = reply.send(r);
    }

    async fn on_keys(&mut self, keys: Vec<String>, reply: oneshot::Sender<Result<u64, ApiError>>) {
        let before = self.h.offset();
        let r = match pane(&self.h) {
            Ok(p) => self
                .d
                .tmux
                .send_keys(&p, &keys)
                .await
                .map(|_| before)
                .map_err(|e| self.d.tmux_error(e)),
            Err(e) => Err(e),
        };
        let _ = reply.send(r);
    }

    async fn on_exited(&mut self, code: Option<i32>, signal: Option<i32>) {
        let (d, h) = (&self.d, &self.h);
        if h.row().kill_pending || h.state().is_terminal() {
            return;
        }
        exit::settle_output(h).await;
        let (code, signal) = if code.is_none() && signal.is_none() {
            exit::dead_status(d, h).await
        } else {
            (code, signal)
        };
        if let Err(e) = d.store.set_exit(&h.id, code) {
            tracing::error!(session = %h.name, "storing exit status: {e}");
        }
        h.update(|r| r.exit_code = code);
        self.observe(Observation::Exited { code, signal }).await;
        self.d.publish_exit(&self.h, code, signal);
    }

    async fn on_interrupt(&mut self, reply: oneshot::Sender<Result<(), ApiError>>) {
        let (d, h) = (&self.d, &self.h);
        let r = match pane(h) {
            Ok(p) => d
                .tmux
                .send_keys(&p, &["Escape".to_string()])
                .await
                .map_err(|e| d.tmux_error(e)),
            Err(e) => Err(e),
        };
        if let (Some(st), true) = (self.claude.as_mut(), r.is_ok()) {
            // Claude Code fires no hook for an interrupt: warren records its own.
            st.clear_box = true;
            if matches!(
                h.state(),
                SessionState::Running | SessionState::WaitingInput | SessionState::Stuck
            ) {
                h.set_interactive(|i| i.question = None);
                d.transition(
                    h,
                    Next {
                        to: SessionState::Idle,
                        signal: warren_proto::Signal::Warren("interrupt".into()),
                        detail: "interrupted by warren (Escape); Claude Code fires no hook for it"
                            .into(),
                    },
                );
                inputs::deliver_next(d, h, st).await;
            }
        }
        let _ = reply.send(r);
    }

    async fn on_hook(&mut self, report: HookReport) {
        let (d, h) = (&self.d, &self.h);
        let Some(st) = self.claude.as_mut() else {
            return;
        };
        // A hook that could not reach the daemon earlier goes first.
        for r in warren_helpers::hook::take_spool(&h.dir) {
            claude::on_hook(d, h, st, r).await;
        }
        claude::on_hook(d, h, st, report).await;
        if h.state() == SessionState::Idle {
            inputs::deliver_next(d, h, st).await;
        }
    }

    async fn on_input(&mut self, seq: u64, reply: oneshot::Sender<SendAnswer>) {
        match self.claude.as_mut() {
            Some(st) => inputs::on_new(&self.d, &self.h, st, seq, reply).await,
            None => drop(reply),
        }
    }

    async fn on_answer(
        &mut self,
        keys: Vec<String>,
        then: Next,
        reply: oneshot::Sender<Result<(), ApiError>>,
    ) {
        let (d, h) = (&self.d, &self.h);
        let r = match pane(h) {
            Ok(p) => d
                .tmux
                .send_keys(&p, &keys)
                .await
                .map_err(|e| d.tmux_error(e)),
            Err(e) => Err(e),
        };
        if r.is_ok() {
            h.set_interactive(|i| i.question = None);
            d.transition(h, then);
            if let Some(st) = self.claude.as_mut() {
                if h.state() == SessionState::Idle {
                    st.clear_box = true;
                    inputs::deliver_next(d, h, st).await;
                }
            }
        }
        let _ = reply.send(r);
    }

    /// Output settled (or the longest delay passed): read the screen and classify it.
    async fn read_screen(&mut self) {
        self.screen_due = None;
        self.first_unchecked = None;
        let Ok(p) = pane(&self.h) else {
            return;
        };
        let (d, h) = (&self.d, &self.h);
        match self.claude.as_mut() {
            Some(st) => {
                if let Ok((screen, title)) = d.tmux.capture_with_title(&p).await {
                    claude::on_screen(d, h, st, &screen, &title).await;
                }
            }
            None => {
                if let Ok(screen) = d.tmux.capture(&p, None).await {
                    let class = h.profile.classify(&screen);
                    self.observe(Observation::Screen(class)).await;
                }
            }
        }
    }

    /// The agent's own clocks (a screen to confirm, an input's ack, the stuck clock).
    async fn on_agent_due(&mut self) {
        let (d, h) = (&self.d, &self.h);
        let Some(st) = self.claude.as_mut() else {
            return;
        };
        claude::on_due(d, h, st).await;
        // A contradicting screen is read again once it may be confirmed.
        if st.screen_recheck_due() {
            if let Ok(p) = pane(h) {
                match d.tmux.capture_with_title(&p).await {
                    Ok((screen, title)) => claude::on_screen(d, h, st, &screen, &title).await,
                    Err(_) => st.forget_screen(),
                }
            }
        }
    }

    /// Applies the status engine's verdict; pastes a pending prompt once the agent is first
    /// idle.
    async fn observe(&self, obs: Observation) {
        let (d, h) = (&self.d, &self.h);
        let Some(next) = step(h.state(), &obs, &h.profile) else {
            return;
        };
        d.transition(h, next);
        if h.state() == SessionState::Idle {
            if let Some(prompt) = h.row().pending_prompt {
                if let Err(e) = d.store.clear_prompt(&h.id) {
                    tracing::error!(session = %h.name, "clearing prompt: {e}");
                }
                h.update(|r| r.pending_prompt = None);
                if let Err(e) = deliver(d, h, &prompt, true).await {
                    tracing::warn!(session = %h.name, "pasting the initial prompt failed: {e}");
                }
            }
        }
    }
}
