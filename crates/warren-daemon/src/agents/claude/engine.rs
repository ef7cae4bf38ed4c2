//! The status engine of agents that report through hooks (Claude Code in tmux). Hooks are the
//! authoritative edges; the screen (pane title, dialogs) is a signal too, but one that
//! contradicts the state must hold for [`SCREEN_CONFIRM`] with no hook in between before it
//! moves the state: Stop comes about 110 ms before the screen turns idle, so a screen read in
//! between must not flip the session back to running, while a turn that ends with no Stop hook
//! at all (an interrupt fires none) still recovers from the screen.

use super::inputs;
use crate::agents::claude::screen;
use crate::daemon::Daemon;
use crate::profiles::ScreenClass;
use crate::session::SessionHandle;
use crate::session::status::Next;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use warren_proto::{EventKind, HookReport, Question, SessionState as S, Signal};

/// How long the screen must contradict the state before it wins.
pub(crate) const SCREEN_CONFIRM: Duration = Duration::from_millis(700);
/// How long after SessionEnd the process exit is awaited before the session is `completed`.
const END_GRACE: Duration = Duration::from_secs(3);

/// What the actor keeps for such a session.
#[derive(Default)]
pub(crate) struct ClaudeState {
    /// The transcript, from the hooks (or computed at start).
    pub transcript: Option<PathBuf>,
    transcript_len: u64,
    /// A tool started (PreToolUse) and has not ended.
    pub tool_running: bool,
    /// A screen class that contradicts the state, and since when.
    pending: Option<(ScreenClass, Instant)>,
    /// The input typed last, waiting for its UserPromptSubmit.
    pub awaiting: Option<inputs::Awaiting>,
    /// Claude may have put interrupted text back into its input box.
    pub clear_box: bool,
    /// SessionEnd came (its reason); the exit should follow.
    pub session_end: Option<(String, Instant)>,
    /// Turns that ended (Stop).
    pub stops: u64,
    /// When the state may next be called stuck.
    pub stuck_due: Option<Instant>,
    /// Busy this long with no progress is stuck.
    stuck_after: Duration,
    /// The same while a tool runs (tests and installs take long).
    tool_timeout: Duration,
}

impl ClaudeState {
    /// Loads what the session directory says (the agent's session, its transcript).
    pub(crate) fn load(h: &SessionHandle, stuck_after: Duration) -> Self {
        let meta = crate::agents::claude::meta::read(&h.dir);
        if let Some(m) = &meta {
            h.set_interactive(|i| i.agent_session_id = Some(m.agent_session_id.clone()));
        }
        Self {
            transcript: meta.and_then(|m| m.transcript),
            stops: h.row().turns.unwrap_or(0),
            stuck_after,
            tool_timeout: Duration::from_secs(h.profile.tool_timeout_secs).max(stuck_after),
            ..Default::default()
        }
    }

    /// Arms the stuck clock while busy (from the last progress), disarms it otherwise.
    pub(crate) fn arm(&mut self, state: S) {
        if state != S::Running {
            self.stuck_due = None;
        } else if self.stuck_due.is_none() {
            self.stuck_due = Some(Instant::now() + self.threshold());
        }
    }

    fn threshold(&self) -> Duration {
        if self.tool_running {
            self.tool_timeout
        } else {
            self.stuck_after
        }
    }

    /// Whether a contradicting screen may now be confirmed.
    pub(crate) fn screen_recheck_due(&self) -> bool {
        self.pending
            .is_some_and(|(_, t)| Instant::now() >= t + SCREEN_CONFIRM)
    }

    /// Drops a contradicting screen (it could not be read again).
    pub(crate) fn forget_screen(&mut self) {
        self.pending = None;
    }

    /// When the actor should act next for this state (screen re-check, ack deadline, end).
    pub(crate) fn next_due(&self) -> Option<Instant> {
        [
            self.pending.map(|(_, t)| t + SCREEN_CONFIRM),
            self.awaiting.as_ref().map(|a| a.deadline),
            self.session_end.as_ref().map(|(_, t)| *t + END_GRACE),
            self.stuck_due,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn transcript_grew(&mut self) -> bool {
        let len = self
            .transcript
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .unwrap_or(0);
        let grew = len > self.transcript_len;
        self.transcript_len = self.transcript_len.max(len);
        grew
    }
}

fn to(d: &Daemon, h: &SessionHandle, state: S, signal: Signal, detail: impl Into<String>) {
    if h.state().is_terminal() || h.state() == state {
        return;
    }
    d.transition(
        h,
        Next {
            to: state,
            signal,
            detail: detail.into(),
        },
    );
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or_default()
}

/// A tool call in a few words: `Bash(touch x)`.
fn tool_words(p: &Value) -> String {
    let tool = str_of(p, "tool_name");
    let input = p.get("tool_input").cloned().unwrap_or(Value::Null);
    let arg = ["command", "file_path", "path", "url", "pattern"]
        .iter()
        .find_map(|k| input.get(*k).and_then(Value::as_str))
        .unwrap_or_default();
    let arg: String = arg.chars().take(120).collect();
    if arg.is_empty() {
        tool.to_string()
    } else {
        format!("{tool}({arg})")
    }
}

/// Applies a hook report.
pub(crate) async fn on_hook(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    st: &mut ClaudeState,
    r: HookReport,
) {
    let p = &r.payload;
    let event = r.event.as_str();
    if let Some(t) = p.get("transcript_path").and_then(Value::as_str) {
        // SessionStart on a resume from another cwd names a file that does not exist.
        if std::path::Path::new(t).exists() || st.transcript.is_none() {
            st.transcript = Some(PathBuf::from(t));
        }
    }
    if event == "StatusLine" {
        on_status_line(d, h, st, p).await;
        return;
    }
    st.pending = None;
    let sig = Signal::Hook(event.to_string());
    let replay = if r.replayed { " (replayed)" } else { "" };
    let detail = match event {
        "UserPromptSubmit" => format!("{} bytes", str_of(p, "prompt").len()),
        "PreToolUse" | "PermissionRequest" | "PostToolUse" => tool_words(p),
        "Notification" => str_of(p, "notification_type").to_string(),
        "StopFailure" => str_of(p, "error").to_string(),
        "SessionStart" => str_of(p, "source").to_string(),
        "SessionEnd" => str_of(p, "reason").to_string(),
        _ => String::new(),
    };
    if let Err(e) = d.bus.publish(
        &h.id,
        h.name.as_str(),
        EventKind::Hook {
            event: event.to_string(),
            detail: detail.clone(),
            hook_at: rfc3339_us(r.at_us),
            replayed: r.replayed,
        },
    ) {
        tracing::error!("storing event: {e}");
    }
    match event {
        "SessionStart" => {
            st.tool_running = false;
            to(
                d,
                h,
                S::Idle,
                sig,
                format!("the agent is ready ({detail}){replay}"),
            );
        }
        "UserPromptSubmit" => {
            st.tool_running = false;
            h.set_interactive(|i| i.question = None);
            to(
                d,
                h,
                S::Running,
                sig,
                format!("a prompt was submitted{replay}"),
            );
            inputs::on_prompt(d, h, st, str_of(p, "prompt"), "hook:UserPromptSubmit").await;
        }
        "PreToolUse" => {
            st.tool_running = true;
            if matches!(h.state(), S::Idle | S::Stuck | S::Unknown | S::WaitingInput) {
                to(d, h, S::Running, sig, format!("tool {detail}{replay}"));
            }
        }
        "PermissionRequest" => {
            let mut q = Question {
                kind: "permission".into(),
                question: "Do you want to proceed?".into(),
                subject: detail.clone(),
                choices: Vec::new(),
                text: String::new(),
                tool: Some(str_of(p, "tool_name").to_string()).filter(|t| !t.is_empty()),
                tool_input: p.get("tool_input").cloned(),
            };
            // The dialog is drawn when the hook starts: read its choices.
            if let Some(dialog) = read_dialog(d, h).await {
                q.question = dialog.question;
                q.choices = dialog.choices;
                q.text = dialog.text;
                if !dialog.subject.is_empty() {
                    q.subject = dialog.subject;
                }
            }
            h.set_interactive(|i| i.question = Some(q));
            to(
                d,
                h,
                S::WaitingInput,
                sig,
                format!("permission asked: {detail}{replay}"),
            );
        }
        "Notification" => match detail.as_str() {
            "permission_prompt" if h.state() != S::WaitingInput => {
                let q = read_dialog(d, h).await.map(question_of);
                h.set_interactive(|i| i.question = q.or(i.question.take()));
                to(
                    d,
                    h,
                    S::WaitingInput,
                    sig,
                    format!("{}{replay}", str_of(p, "message")),
                );
            }
            "idle_prompt" if matches!(h.state(), S::Running | S::Stuck | S::Unknown) => {
                to(
                    d,
                    h,
                    S::Idle,
                    sig,
                    format!("{}{replay}", str_of(p, "message")),
                );
            }
            _ => {}
        },
        "PostToolUse" | "PostToolBatch" => {
            st.tool_running = false;
            if matches!(h.state(), S::WaitingInput | S::Stuck | S::Idle | S::Unknown) {
                h.set_interactive(|i| i.question = None);
                to(d, h, S::Running, sig, format!("the tool ended{replay}"));
            }
        }
        "Stop" | "StopFailure" => {
            st.tool_running = false;
            st.stops += 1;
            h.set_interactive(|i| i.question = None);
            let cost = h.row().cost.unwrap_or(0.0);
            if let Err(e) = d.store.set_cost(&h.id, cost, st.stops) {
                tracing::error!("storing turns: {e}");
            }
            h.update(|row| row.turns = Some(st.stops));
            let why = if event == "Stop" {
                format!("the turn ended{replay}")
            } else {
                format!("the turn failed: {detail}{replay}")
            };
            to(d, h, S::Idle, sig, why);
            crate::pane::safety::check_turns(d, h, st.stops).await;
        }
        "SessionEnd" => {
            st.session_end = Some((detail, Instant::now()));
        }
        _ => {}
    }
    st.stuck_due = None;
}

/// The status line's JSON: cost (cumulative), checked against the limit.
async fn on_status_line(d: &Arc<Daemon>, h: &Arc<SessionHandle>, st: &mut ClaudeState, p: &Value) {
    let Some(cost) = p
        .get("cost")
        .and_then(|c| c.get("total_cost_usd"))
        .and_then(Value::as_f64)
    else {
        return;
    };
    if h.row().cost == Some(cost) {
        return;
    }
    if let Err(e) = d.store.set_cost(&h.id, cost, st.stops) {
        tracing::error!("storing cost: {e}");
    }
    h.update(|r| r.cost = Some(cost));
    crate::pane::safety::check_cost(d, h, cost).await;
}

fn question_of(dl: screen::Dialog) -> Question {
    Question {
        kind: serde_json::to_value(dl.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        question: dl.question,
        subject: dl.subject,
        choices: dl.choices,
        text: dl.text,
        tool: None,
        tool_input: None,
    }
}

/// The dialog on the screen. The hook starts as the dialog is drawn (within a few ms either
/// way), so a screen without it yet is read again for a moment.
async fn read_dialog(d: &Daemon, h: &SessionHandle) -> Option<screen::Dialog> {
    let pane = h.row().tmux_pane?;
    for _ in 0..6 {
        let s = d.tmux.capture(&pane, None).await.ok()?;
        if let Some(dl) = screen::dialog(&s) {
            return Some(dl);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

/// The screen and pane title as a class: a dialog waits, the title's braille spinner is busy
/// and its `✳` idle; without a title (start-up) the profile's patterns decide.
pub(crate) fn classify(
    h: &SessionHandle,
    text: &str,
    title: &str,
) -> Option<(ScreenClass, &'static str)> {
    if screen::dialog(text).is_some() {
        return Some((ScreenClass::Waiting, "dialog"));
    }
    match screen::title_class(title) {
        Some(screen::TitleClass::Busy) => Some((ScreenClass::Busy, "title-busy")),
        Some(screen::TitleClass::Idle) => Some((ScreenClass::Ready, "title-idle")),
        None => h.profile.classify(text),
    }
}

/// A screen read. Answers when to read again (a contradiction waiting to be confirmed).
pub(crate) async fn on_screen(
    d: &Arc<Daemon>,
    h: &Arc<SessionHandle>,
    st: &mut ClaudeState,
    text: &str,
    title: &str,
) {
    let class = classify(h, text, title);
    let state = h.state();
    let Some(next) = crate::session::status::step(
        state,
        &crate::session::status::Observation::Screen(class),
        &h.profile,
    ) else {
        st.pending = None;
        if state == S::WaitingInput {
            if let Some(dl) = screen::dialog(text) {
                // Fill in what the hook could not see (the choices).
                h.set_interactive(|i| match &mut i.question {
                    Some(q) if q.choices.is_empty() => {
                        q.choices = dl.choices.clone();
                        q.text = dl.text.clone();
                    }
                    Some(_) => {}
                    None => i.question = Some(question_of(dl)),
                });
            }
        }
        return;
    };
    let Some((class, _)) = class else {
        return;
    };
    if state == S::Stuck && class == ScreenClass::Busy {
        // A spinner is not progress.
        st.pending = None;
        return;
    }
    let now = Instant::now();
    match st.pending {
        Some((c, since)) if c == class && now >= since + SCREEN_CONFIRM => {
            st.pending = None;
            if class == ScreenClass::Waiting {
                let q = screen::dialog(text).map(question_of);
                h.set_interactive(|i| i.question = q);
            } else {
                h.set_interactive(|i| i.question = None);
            }
            let detail = match (state, class) {
                (S::Running | S::Stuck, ScreenClass::Ready) => {
                    "the screen shows it idle and no Stop hook came (an interrupt fires none)"
                        .to_string()
                }
                _ => format!("{} (no hook said so)", next.detail),
            };
            d.transition(h, Next { detail, ..next });
            if h.state() == S::Idle {
                st.clear_box = true;
                inputs::deliver_next(d, h, st).await;
            }
        }
        Some((c, _)) if c == class => {}
        _ => st.pending = Some((class, now)),
    }
}

/// Timers: the ack deadline, the end grace and the stuck clock (the screen re-check is the
/// actor's).
pub(crate) async fn on_due(d: &Arc<Daemon>, h: &Arc<SessionHandle>, st: &mut ClaudeState) {
    let now = Instant::now();
    if st.awaiting.as_ref().is_some_and(|a| a.deadline <= now) {
        inputs::ack_timed_out(d, h, st).await;
    }
    if st
        .session_end
        .as_ref()
        .is_some_and(|(_, t)| *t + END_GRACE <= now)
    {
        let (reason, _) = st
            .session_end
            .take()
            .unwrap_or_else(|| (String::new(), now));
        to(
            d,
            h,
            S::Completed,
            Signal::Hook("SessionEnd".into()),
            format!("the agent ended its session ({reason}); its exit was not seen"),
        );
    }
    if st.stuck_due.is_some_and(|t| t <= now) {
        st.stuck_due = None;
        if h.state() == S::Running && !st.transcript_grew() {
            to(
                d,
                h,
                S::Stuck,
                Signal::Warren("progress".into()),
                format!(
                    "busy for {} with no hook event and no transcript growth{}",
                    warren_proto::format_duration(st.threshold()),
                    if st.tool_running {
                        " (a tool is running)"
                    } else {
                        ""
                    }
                ),
            );
        }
    }
}

fn rfc3339_us(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
