//! The session actor: one task per live session. It serialises the session's tmux I/O (a
//! send's text and its Enter are never interleaved with another send), reads the screen when
//! output settles (debounced, never on a timer sweep), and turns observations into transitions.

use super::SessionHandle;
use super::status::{Observation, step};
use crate::Daemon;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep_until};
use warren_proto::{ApiError, SessionState};

/// Quiet time after output before the screen is read.
const SCREEN_DEBOUNCE: Duration = Duration::from_millis(40);
/// Longest a busy stream goes without a screen read.
const SCREEN_MAX_DELAY: Duration = Duration::from_millis(250);
/// Text longer than this, or with a newline, goes through a paste buffer.
const LITERAL_MAX: usize = 4096;

/// What the actor is asked to do.
pub enum Cmd {
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
    /// Headless: queue a message as the next interaction; answers its sequence number.
    Turn {
        /// The message.
        prompt: String,
        /// Stop (resumable) once it is answered.
        stop: bool,
        /// The answer.
        reply: oneshot::Sender<Result<u64, ApiError>>,
    },
    /// Interrupt the current turn (control request; Escape for interactive agents).
    Interrupt {
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// Headless: close stdin and let the agent exit (resumable); `done` marks it completed.
    Stop {
        /// `finish`: completed rather than stopped.
        done: bool,
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// Headless: hold input from now on.
    Pause {
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// Headless: release held input.
    Unpause {
        /// Done.
        reply: oneshot::Sender<Result<(), ApiError>>,
    },
    /// Headless: the limits changed; re-arm the clocks.
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

/// Runs the actor until the session ends.
pub async fn run(d: Arc<Daemon>, h: Arc<SessionHandle>, mut rx: mpsc::UnboundedReceiver<Cmd>) {
    let quiescence = Duration::from_millis(d.config.quiescence_ms);
    let stuck_after = Duration::from_secs(d.config.stuck_after_secs);
    let mut screen_due: Option<Instant> = h
        .profile
        .reads_screen
        .then(|| Instant::now() + SCREEN_DEBOUNCE);
    let mut first_unchecked: Option<Instant> = None;
    let mut quiet_due: Option<Instant> = Some(Instant::now() + quiescence);
    let mut stuck_due: Option<Instant> = None;
    let mut clocks = super::clocks::Clocks::new(&h);
    let far = || Instant::now() + Duration::from_secs(86400 * 365);
    // Agents that report through hooks: their own status engine (hooks first, screen second).
    let mut claude = h
        .profile
        .hooks
        .then(|| super::claude::ClaudeState::load(&h, stuck_after));
    if let Some(st) = claude.as_mut() {
        for r in warren_helpers::hook::take_spool(&h.dir) {
            super::claude::on_hook(&d, &h, st, r).await;
        }
        super::inputs::settle_after_restart(&d, &h, st);
        super::inputs::deliver_next(&d, &h, st).await;
    }
    loop {
        if h.state().is_terminal() || h.is_removed() {
            return;
        }
        clocks.settled(h.state());
        if claude.is_some() && h.state() == SessionState::Running {
            clocks.busy();
        }
        let limit_due = clocks.next(&h);
        let claude_due = claude.as_mut().and_then(|st| {
            // Progress is hooks and transcript growth, not redraws: the claude state keeps
            // the stuck clock.
            st.arm(h.state());
            st.next_due()
        });
        if claude.is_some() {
            stuck_due = None;
        }
        tokio::select! {
            cmd = rx.recv() => {
                let Some(cmd) = cmd else { return };
                match cmd {
                    Cmd::Activity => {
                        let now = Instant::now();
                        quiet_due = Some(now + quiescence);
                        stuck_due = Some(now + stuck_after);
                        if h.profile.reads_screen {
                            let first = *first_unchecked.get_or_insert(now);
                            screen_due = Some((now + SCREEN_DEBOUNCE).min(first + SCREEN_MAX_DELAY));
                        } else {
                            observe(&d, &h, Observation::Screen(None)).await;
                        }
                    }
                    Cmd::Send { text, enter, reply } => {
                        let r = deliver(&d, &h, &text, enter).await;
                        if enter && r.is_ok() {
                            clocks.sent();
                        }
                        let _ = reply.send(r);
                    }
                    Cmd::Keys { keys, reply } => {
                        let before = h.offset();
                        let r = match pane(&h) {
                            Ok(p) => d.tmux.send_keys(&p, &keys).await.map(|_| before).map_err(|e| d.tmux_error(e)),
                            Err(e) => Err(e),
                        };
                        let _ = reply.send(r);
                    }
                    Cmd::Kill { reply } => {
                        let _ = reply.send(kill(&d, &h).await);
                    }
                    Cmd::Exited { code, signal } => {
                        if !h.row().kill_pending && !h.state().is_terminal() {
                            settle_output(&h).await;
                            let (code, signal) = if code.is_none() && signal.is_none() { dead_status(&d, &h).await } else { (code, signal) };
                            if let Err(e) = d.store.set_exit(&h.id, code) {
                                tracing::error!("storing exit status: {e}");
                            }
                            h.update(|r| r.exit_code = code);
                            observe(&d, &h, Observation::Exited { code, signal }).await;
                            d.publish_exit(&h, code, signal);
                        }
                    }
                    Cmd::Interrupt { reply } => {
                        let r = match pane(&h) {
                            Ok(p) => d.tmux.send_keys(&p, &["Escape".to_string()]).await.map_err(|e| d.tmux_error(e)),
                            Err(e) => Err(e),
                        };
                        if let (Some(st), true) = (claude.as_mut(), r.is_ok()) {
                            // Claude Code fires no hook for an interrupt: warren records its own.
                            st.clear_box = true;
                            if matches!(h.state(), SessionState::Running | SessionState::WaitingInput | SessionState::Stuck) {
                                h.set_interactive(|i| i.question = None);
                                d.transition(&h, super::status::Next {
                                    to: SessionState::Idle,
                                    signal: warren_proto::Signal::Warren("interrupt".into()),
                                    detail: "interrupted by warren (Escape); Claude Code fires no hook for it".into(),
                                });
                                super::inputs::deliver_next(&d, &h, st).await;
                            }
                        }
                        let _ = reply.send(r);
                    }
                    Cmd::Hook(report) => {
                        if let Some(st) = claude.as_mut() {
                            // A hook that could not reach the daemon earlier goes first.
                            for r in warren_helpers::hook::take_spool(&h.dir) {
                                super::claude::on_hook(&d, &h, st, r).await;
                            }
                            super::claude::on_hook(&d, &h, st, report).await;
                            if h.state() == SessionState::Idle {
                                super::inputs::deliver_next(&d, &h, st).await;
                            }
                        }
                    }
                    Cmd::Input { seq, reply } => match claude.as_mut() {
                        Some(st) => super::inputs::on_new(&d, &h, st, seq, reply).await,
                        None => drop(reply),
                    },
                    Cmd::Answer { keys, then, reply } => {
                        let r = match pane(&h) {
                            Ok(p) => d.tmux.send_keys(&p, &keys).await.map_err(|e| d.tmux_error(e)),
                            Err(e) => Err(e),
                        };
                        if r.is_ok() {
                            h.set_interactive(|i| i.question = None);
                            d.transition(&h, then);
                            if let Some(st) = claude.as_mut() {
                                if h.state() == SessionState::Idle {
                                    st.clear_box = true;
                                    super::inputs::deliver_next(&d, &h, st).await;
                                }
                            }
                        }
                        let _ = reply.send(r);
                    }
                    Cmd::Turn { reply, .. } => {
                        let _ = reply.send(Err(not_headless(&h)));
                    }
                    Cmd::Stop { reply, .. } | Cmd::Pause { reply } | Cmd::Unpause { reply } => {
                        let _ = reply.send(Err(not_headless(&h)));
                    }
                    Cmd::LimitsChanged => clocks.rearm(&h),
                    Cmd::Vanished(why) => {
                        if !h.row().kill_pending {
                            observe(&d, &h, Observation::Vanished(why)).await;
                        }
                    }
                }
            }
            _ = sleep_until(screen_due.unwrap_or_else(far)), if screen_due.is_some() => {
                screen_due = None;
                first_unchecked = None;
                if let Ok(p) = pane(&h) {
                    match claude.as_mut() {
                        Some(st) => {
                            if let Ok((screen, title)) = d.tmux.capture_with_title(&p).await {
                                super::claude::on_screen(&d, &h, st, &screen, &title).await;
                            }
                        }
                        None => {
                            if let Ok(screen) = d.tmux.capture(&p, None).await {
                                let class = h.profile.classify(&screen);
                                observe(&d, &h, Observation::Screen(class)).await;
                            }
                        }
                    }
                }
            }
            _ = sleep_until(claude_due.unwrap_or_else(far)), if claude_due.is_some() => {
                if let Some(st) = claude.as_mut() {
                    super::claude::on_due(&d, &h, st).await;
                    // A contradicting screen is read again once it may be confirmed.
                    if st.screen_recheck_due() {
                        if let Ok(p) = pane(&h) {
                            match d.tmux.capture_with_title(&p).await {
                                Ok((screen, title)) => super::claude::on_screen(&d, &h, st, &screen, &title).await,
                                Err(_) => st.forget_screen(),
                            }
                        }
                    }
                }
            }
            _ = sleep_until(quiet_due.unwrap_or_else(far)), if quiet_due.is_some() => {
                quiet_due = None;
                observe(&d, &h, Observation::Quiet).await;
            }
            _ = sleep_until(limit_due.unwrap_or_else(far)), if limit_due.is_some() => {
                clocks.fire(&d, &h).await;
            }
            _ = sleep_until(stuck_due.unwrap_or_else(far)), if stuck_due.is_some() => {
                stuck_due = None;
                observe(&d, &h, Observation::NoProgress).await;
            }
        }
    }
}

/// tmux reports a death once it read the pane to its end, but the last bytes may still be on
/// their way through the pipe helper: let the log stop growing first (bounded), so a session
/// seen `completed` has its output recorded.
async fn settle_output(h: &SessionHandle) {
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
async fn dead_status(d: &Daemon, h: &SessionHandle) -> (Option<i32>, Option<i32>) {
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

fn not_headless(h: &SessionHandle) -> ApiError {
    ApiError::new(
        warren_proto::ErrorCode::Conflict,
        format!("session {} runs in tmux, not headless", h.name),
    )
    .with_hint("use `warren send` and `warren keys` for tmux sessions")
}

fn pane(h: &SessionHandle) -> Result<String, ApiError> {
    h.row().tmux_pane.ok_or_else(|| {
        ApiError::new(
            warren_proto::ErrorCode::Conflict,
            format!("session {} has no tmux pane yet", h.name),
        )
    })
}

/// Applies the status engine's verdict; pastes a pending prompt once the agent is first idle.
async fn observe(d: &Arc<Daemon>, h: &Arc<SessionHandle>, obs: Observation) {
    let Some(next) = step(h.state(), &obs, &h.profile) else {
        return;
    };
    d.transition(h, next);
    if h.state() == SessionState::Idle {
        if let Some(prompt) = h.row().pending_prompt {
            if let Err(e) = d.store.clear_prompt(&h.id) {
                tracing::error!("clearing prompt: {e}");
            }
            h.update(|r| r.pending_prompt = None);
            if let Err(e) = deliver(d, h, &prompt, true).await {
                tracing::warn!(session = %h.name, "pasting the initial prompt failed: {e}");
            }
        }
    }
}

/// Types the text (literally or through a paste buffer), then Enter after the settle delay.
pub(super) async fn deliver(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    text: &str,
    enter: bool,
) -> Result<u64, ApiError> {
    let pane = pane(h)?;
    let before = warren_helpers::outlog::total_len(&h.dir).unwrap_or_else(|_| h.offset());
    let multiline = text.contains('\n');
    if !text.is_empty() {
        let sent = if multiline || text.len() > LITERAL_MAX {
            paste(d, h, &pane, text).await
        } else {
            d.tmux
                .send_literal(&pane, text)
                .await
                .map_err(|e| d.tmux_error(e))
        };
        sent?;
    }
    if enter {
        let settle = Duration::from_millis(h.profile.settle_ms);
        if !text.is_empty() {
            tokio::time::sleep(settle).await;
        }
        d.tmux
            .send_keys(&pane, &["Enter".to_string()])
            .await
            .map_err(|e| d.tmux_error(e))?;
        if multiline && h.profile.multiline_extra_enter {
            tokio::time::sleep(settle).await;
            d.tmux
                .send_keys(&pane, &["Enter".to_string()])
                .await
                .map_err(|e| d.tmux_error(e))?;
        }
        observe_input(d, h).await;
    }
    Ok(before)
}

async fn observe_input(d: &Arc<Daemon>, h: &Arc<SessionHandle>) {
    // Agents that report through hooks say themselves that the input arrived.
    if h.profile.hooks {
        return;
    }
    if let Some(next) = step(h.state(), &Observation::InputSent, &h.profile) {
        d.transition(h, next);
    }
}

async fn paste(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    pane: &str,
    text: &str,
) -> Result<(), ApiError> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let file = h.dir.join(format!("paste-{}.txt", uuid::Uuid::new_v4()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&file)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    let result = match written {
        Ok(()) => {
            let buffer = format!("warren-{}", uuid::Uuid::new_v4().simple());
            d.tmux
                .paste_file(pane, &buffer, &file)
                .await
                .map_err(|e| d.tmux_error(e))
        }
        Err(e) => Err(d.disk_error(h, e)),
    };
    let _ = std::fs::remove_file(&file);
    result
}

/// Kill: the intent is stored first, so a daemon killed halfway finishes it on restart.
async fn kill(d: &Arc<Daemon>, h: &Arc<SessionHandle>) -> Result<(), ApiError> {
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
