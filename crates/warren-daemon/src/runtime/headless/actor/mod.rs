//! The headless actor: one task per live headless session. It owns the connection to the
//! holder, forwards input one interaction at a time (so every `result` belongs to exactly one
//! interaction), parses the agent's stream from the output log, keeps the safety net and the
//! watchdog, and turns the agent's exit into a state. It survives nothing: after a daemon
//! restart a new actor picks up from the stored parse cursor and interactions.
//!
//! Its parts: `stream` (reading and acting on the agent's lines), `safety` (turn results,
//! limits, watchdog) and `exit` (the agent's end).

mod exit;
mod safety;
mod stream;

use super::turn::{OpenTurn, Totals, is_breach, verdict};
use crate::agents::claude::stream::parse_line;
use crate::agents::claude::{interrupt_line, user_line};
use crate::daemon::Daemon;
use crate::holder::client::HolderClient;
use crate::session::status::Next;
use crate::session::{HeadlessCmd as Cmd, SessionHandle};
use crate::store::now_ms;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use warren_helpers::{holder, protect};
use warren_proto::{AgentEvent, ApiError, ErrorCode, EventKind, SessionState, Signal, Violation};

/// Largest piece of the log read at once.
const CHUNK: usize = 256 * 1024;
/// A line longer than this without a newline is cut and kept as raw text.
const MAX_LINE: usize = 16 * 1024 * 1024;
/// After an interrupt (limit or watchdog), how long the agent has to yield before it is killed.
const GRACE: Duration = Duration::from_secs(5);

/// Why the agent is expected to exit.
#[derive(Debug, Clone)]
enum Ending {
    /// Graceful stop; `done` = finish.
    Stop { done: bool },
    /// Killed on request.
    Killed,
    /// Stopped by the safety net.
    Limit(String),
    /// The watchdog fired.
    Watchdog(String),
}

struct Actor {
    d: Arc<Daemon>,
    h: Arc<SessionHandle>,
    client: Option<HolderClient>,
    /// Bytes read but not yet parsed (a partial last line); starts at `parsed`.
    buf: Vec<u8>,
    parsed: u64,
    open: Option<OpenTurn>,
    queue: VecDeque<(u64, String)>,
    stop_after: bool,
    pause_pending: bool,
    ending: Option<Ending>,
    /// `total_cost_usd` last reported by this agent process (cumulative per process).
    process_cost: f64,
    interrupts: u64,
    /// When the session last started running (not paused), for the total-time limit.
    active_since: Option<Instant>,
    grace_due: Option<Instant>,
    exit_due: Option<Instant>,
    pid: Option<u32>,
    /// The agent exited and the session settled: this actor is done.
    exited: bool,
    /// Catching up after a (re)start: an exit found now happened while nobody watched.
    recovering: bool,
}

/// Runs the actor until the session ends.
pub(crate) async fn run(
    d: Arc<Daemon>,
    h: Arc<SessionHandle>,
    mut rx: mpsc::UnboundedReceiver<Cmd>,
) {
    let Some(hrow) = h.headless() else { return };
    let mut a = Actor {
        d: d.clone(),
        h: h.clone(),
        client: None,
        buf: Vec::new(),
        parsed: hrow.parsed_offset,
        open: None,
        queue: VecDeque::new(),
        stop_after: false,
        pause_pending: false,
        ending: None,
        process_cost: 0.0,
        interrupts: 0,
        active_since: (!hrow.paused).then(Instant::now),
        grace_due: None,
        exit_due: None,
        pid: h.row().pid,
        exited: false,
        recovering: false,
    };
    let mine = generation(&h);
    a.recover().await;
    // A first message sent right after the spawn is taken before settling on `idle`.
    while let Ok(cmd) = rx.try_recv() {
        a.command(cmd).await;
    }
    if h.state() == SessionState::Starting && a.open.is_none() {
        a.next_or_idle().await;
    }
    let far = || Instant::now() + Duration::from_secs(86400 * 365);
    loop {
        if h.ended() || h.is_removed() || a.exited || generation(&h) != mine {
            return;
        }
        let watchdog = a.watchdog_due();
        let turn_deadline = a.turn_deadline();
        let total_deadline = a.total_deadline();
        tokio::select! {
            cmd = rx.recv() => {
                let Some(cmd) = cmd else { return };
                a.command(cmd).await;
            }
            _ = h.wake.notified() => {
                // Output means the holder is alive: only its exit file can say otherwise.
                if a.read().await {
                    a.check_exit_file().await;
                } else {
                    a.check_exit().await;
                }
            }
            _ = sleep_until(watchdog.unwrap_or_else(far)), if watchdog.is_some() => {
                a.watchdog_fired().await;
            }
            _ = sleep_until(turn_deadline.unwrap_or_else(far)), if turn_deadline.is_some() => {
                let secs = a.limits().max_time_secs.unwrap_or(0);
                a.breach("max_time", "time_exceeded", format!("the interaction ran longer than {}", fmt_secs(secs))).await;
            }
            _ = sleep_until(total_deadline.unwrap_or_else(far)), if total_deadline.is_some() => {
                let secs = a.limits().max_total_time_secs.unwrap_or(0);
                a.breach("max_total_time", "time_exceeded", format!("the session ran longer than {} in all", fmt_secs(secs))).await;
            }
            _ = sleep_until(a.grace_due.unwrap_or_else(far)), if a.grace_due.is_some() => {
                a.grace_due = None;
                if a.open.is_some() {
                    tracing::warn!(session = %h.name, "the agent did not yield to the interrupt: killing it");
                    a.signal("KILL").await;
                }
            }
            _ = sleep_until(a.exit_due.unwrap_or_else(far)), if a.exit_due.is_some() => {
                a.exit_due = None;
                a.ending = Some(Ending::Watchdog(format!(
                    "the agent did not exit within {} s after its input closed",
                    d.config.exit_timeout_secs
                )));
                a.signal("KILL").await;
            }
        }
    }
}

fn fmt_secs(s: u64) -> String {
    warren_proto::format_duration(Duration::from_secs(s))
}

impl Actor {
    fn limits(&self) -> warren_proto::Limits {
        self.h
            .with_headless(|r| r.limits.clone())
            .unwrap_or_default()
    }

    /// The watchdog's two clocks: without output, and while a tool runs (seconds).
    fn watchdog_secs(&self) -> (u64, u64) {
        self.h
            .with_headless(|r| (r.spec.watchdog_secs, r.spec.tool_timeout_secs))
            .unwrap_or_default()
    }

    /// After a (re)start: connect to the holder, catch up on output, rebuild the open turn
    /// and the queue from the store.
    async fn recover(&mut self) {
        let interactions = self.d.store.interactions(&self.h.id).unwrap_or_default();
        let started_ms = holder::read_info(&self.h.dir).map_or(0, |i| i.started_ms);
        // Cost already reported by this agent process (its total is cumulative).
        self.process_cost = interactions
            .iter()
            .filter(|i| i.ended_at.is_some())
            .filter(|i| {
                i.started_at
                    .parse::<jiff::Timestamp>()
                    .is_ok_and(|t| t.as_millisecond() >= started_ms)
            })
            .map(|i| i.cost)
            .sum();
        if let Some(last) = interactions
            .iter()
            .filter(|i| i.ended_at.is_some())
            .map(|i| i.seq)
            .max()
        {
            self.h.turn_ended(last);
        }
        for i in &interactions {
            match i.status.as_str() {
                "running" => {
                    let mut t = OpenTurn::new(i.seq, i.prompt.clone());
                    t.acked = true;
                    self.open = Some(t);
                    self.h.turn_sent(i.seq);
                    self.h.turn_acked(i.seq);
                }
                "queued" => self.queue.push_back((i.seq, i.prompt.clone())),
                _ => {}
            }
        }
        self.connect().await;
        self.read().await;
        if self.h.row().kill_pending && holder::read_exit(&self.h.dir).is_none() {
            // A kill the previous daemon did not finish: finish it.
            self.ending = Some(Ending::Killed);
            if !self.signal("KILL").await {
                if let Some(pid) = self.pid {
                    let _ = nix::sys::signal::killpg(
                        nix::unistd::Pid::from_raw(pid as i32),
                        nix::sys::signal::Signal::SIGKILL,
                    );
                }
            }
            return;
        }
        self.recovering = true;
        let gone = self.check_exit().await;
        self.recovering = false;
        if gone {
            return;
        }
        // A running interaction the holder never got (the daemon died before forwarding):
        // send it again; the holder drops it if it already has it.
        if let Some((seq, prompt)) = self.open.as_ref().map(|t| (t.seq, t.prompt.clone())) {
            if let Some(c) = self.client.as_mut() {
                let _ = c.write(seq, user_line(&prompt)).await;
            }
        }
        if self.open.is_none() && self.h.state() != SessionState::Starting {
            self.next_or_idle().await;
        }
    }

    async fn connect(&mut self) -> bool {
        if self.client.is_some() {
            return true;
        }
        match HolderClient::connect(&self.h.dir).await {
            Ok((c, hello)) => {
                self.pid = Some(hello.child_pid);
                self.client = Some(c);
                true
            }
            Err(e) => {
                tracing::debug!(session = %self.h.name, "holder not reachable: {e}");
                false
            }
        }
    }

    async fn command(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Turn {
                prompt,
                stop,
                reply,
            } => {
                let r = self.enqueue(prompt, stop).await;
                let _ = reply.send(r);
            }
            Cmd::Interrupt { reply } => {
                if let Some(t) = self.open.as_mut() {
                    t.interrupted = true;
                }
                let r = self.interrupt().await;
                let _ = reply.send(r);
            }
            Cmd::Stop { done, reply } => {
                let r = self.stop(done).await;
                let _ = reply.send(r);
            }
            Cmd::Pause { reply } => {
                self.set_paused(true);
                if self.open.is_none() {
                    self.to(
                        SessionState::Paused,
                        Signal::Warren("pause".into()),
                        "input is held",
                    );
                } else {
                    self.pause_pending = true;
                }
                let _ = reply.send(Ok(()));
            }
            Cmd::Unpause { reply } => {
                self.set_paused(false);
                self.pause_pending = false;
                if self.open.is_none() {
                    self.next_or_idle().await;
                }
                let _ = reply.send(Ok(()));
            }
            Cmd::Kill { reply } => {
                self.ending = Some(Ending::Killed);
                self.d
                    .store
                    .set_kill_pending(&self.h.id, true)
                    .unwrap_or_else(|e| tracing::error!("storing kill: {e}"));
                self.h.update(|r| r.kill_pending = true);
                if !self.signal("KILL").await {
                    // No holder: end the agent by its pid (its own process group).
                    if let Some(pid) = self.pid {
                        let _ = nix::sys::signal::killpg(
                            nix::unistd::Pid::from_raw(pid as i32),
                            nix::sys::signal::Signal::SIGKILL,
                        );
                    }
                    self.finish_exit(None).await;
                }
                let _ = reply.send(Ok(()));
            }
            Cmd::LimitsChanged => {}
        }
    }

    fn set_paused(&mut self, paused: bool) {
        let mut row = match self.h.headless() {
            Some(r) => r,
            None => return,
        };
        if paused {
            if let Some(since) = self.active_since.take() {
                row.active_ms += since.elapsed().as_millis() as i64;
            }
        } else if self.active_since.is_none() {
            self.active_since = Some(Instant::now());
        }
        row.paused = paused;
        if let Err(e) = self.d.store.save_headless(&row) {
            tracing::error!("storing pause: {e}");
        }
        self.h.set_headless(|h| *h = row);
    }

    async fn enqueue(&mut self, prompt: String, stop: bool) -> Result<u64, ApiError> {
        if self.ending.is_some() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!("session {} is stopping", self.h.name),
            ));
        }
        let seq = self
            .d
            .store
            .add_interaction(&self.h.id, &prompt, "queued", now_ms())
            .map_err(ApiError::internal)?;
        self.stop_after |= stop;
        self.queue.push_back((seq, prompt));
        if self.open.is_none() && !self.paused() {
            self.next_or_idle().await;
        }
        Ok(seq)
    }

    fn paused(&self) -> bool {
        self.h.with_headless(|r| r.paused).unwrap_or(false)
    }

    /// Forwards the next queued message, or settles in the state that fits.
    async fn next_or_idle(&mut self) {
        if self.paused() {
            if self.h.state() != SessionState::Paused {
                self.to(
                    SessionState::Paused,
                    Signal::Warren("pause".into()),
                    "input is held",
                );
            }
            return;
        }
        let Some((seq, prompt)) = self.queue.pop_front() else {
            if self.stop_after {
                self.stop_after = false;
                let _ = self.stop(false).await;
            } else if self.h.state() != SessionState::Idle {
                self.to(
                    SessionState::Idle,
                    Signal::Warren("ready".into()),
                    "waiting for a message",
                );
            }
            return;
        };
        if !self.connect().await {
            self.queue.push_front((seq, prompt));
            self.check_exit().await;
            return;
        }
        let line = user_line(&prompt);
        let sent = match self.client.as_mut() {
            Some(c) => c.write(seq, line).await,
            None => return,
        };
        match sent {
            Ok(a) if a.ok => {
                let _ = self
                    .d
                    .store
                    .set_interaction_status(&self.h.id, seq, "running");
                self.h.turn_sent(seq);
                self.open = Some(OpenTurn::new(seq, prompt));
                self.to(
                    SessionState::Running,
                    Signal::Warren("input".into()),
                    "working on a message",
                );
            }
            Ok(a) => {
                let why = a.error.unwrap_or_default();
                tracing::warn!(session = %self.h.name, "the holder refused the message: {why}");
                self.fail_interaction(seq, &prompt, &format!("not delivered: {why}"));
                self.h.turn_ended(seq);
                self.check_exit().await;
            }
            Err(e) => {
                tracing::warn!(session = %self.h.name, "the holder went away: {e}");
                self.client = None;
                self.queue.push_front((seq, prompt));
                self.check_exit().await;
            }
        }
    }

    fn fail_interaction(&self, seq: u64, prompt: &str, why: &str) {
        let i = warren_proto::Interaction {
            seq,
            prompt: prompt.to_string(),
            status: "failed".into(),
            errors: vec![why.to_string()],
            started_at: crate::store::rfc3339(now_ms()),
            ..Default::default()
        };
        if let Err(e) = self.d.store.finish_interaction(&self.h.id, &i, now_ms()) {
            tracing::error!("storing interaction: {e}");
        }
    }

    async fn interrupt(&mut self) -> Result<(), ApiError> {
        if !self.connect().await {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!("session {} has no running agent", self.h.name),
            ));
        }
        self.interrupts += 1;
        let line = interrupt_line(self.interrupts);
        match self.client.as_mut() {
            Some(c) => match c.write(0, line).await {
                Ok(a) if a.ok => Ok(()),
                Ok(a) => Err(ApiError::new(
                    ErrorCode::Conflict,
                    a.error.unwrap_or_default(),
                )),
                Err(e) => {
                    self.client = None;
                    Err(ApiError::internal(format!("the holder went away: {e}")))
                }
            },
            None => Err(ApiError::internal("no holder")),
        }
    }

    /// Graceful stop: close stdin; the agent finishes its turn and exits.
    async fn stop(&mut self, done: bool) -> Result<(), ApiError> {
        self.ending = Some(Ending::Stop { done });
        if self.connect().await {
            if let Some(c) = self.client.as_mut() {
                if c.close().await.is_ok() {
                    self.exit_due =
                        Some(Instant::now() + Duration::from_secs(self.d.config.exit_timeout_secs));
                    return Ok(());
                }
            }
        }
        // No holder to ask: it already ended.
        self.check_exit().await;
        Ok(())
    }

    async fn signal(&mut self, sig: &str) -> bool {
        if !self.connect().await {
            return false;
        }
        match self.client.as_mut() {
            Some(c) => c.signal(sig).await.is_ok_and(|a| a.ok),
            None => false,
        }
    }

    fn to(&self, to: SessionState, signal: Signal, detail: &str) {
        self.d.transition(
            &self.h,
            Next {
                to,
                signal,
                detail: detail.to_string(),
            },
        );
    }
}

fn describe(code: Option<i32>, signal: Option<i32>) -> String {
    match (code, signal) {
        (Some(c), _) => format!("exit {c}"),
        (None, Some(s)) => format!("signal {s}"),
        (None, None) => "status unknown".into(),
    }
}

/// Which actor is current: a resume opens a new channel, and an older actor then stops.
fn generation(h: &SessionHandle) -> u64 {
    h.headless_ctl()
        .map_or(0, crate::session::HeadlessCtl::generation)
}
