//! Sessions: states, what `status` shows, and the requests and answers of each verb.

use crate::{SessionName, Signal};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The state of a session. Every transition records the signal that caused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Created; the program is starting and not yet ready.
    Starting,
    /// Busy: producing output or working on input.
    Running,
    /// Ready for input.
    Idle,
    /// Asking a question or a permission.
    WaitingInput,
    /// Input is held (headless sessions).
    Paused,
    /// Stopped and resumable (headless sessions).
    Stopped,
    /// The program exited with status 0.
    Completed,
    /// The program exited with another status, or the agent failed.
    Failed,
    /// Ended by a person or a limit.
    Killed,
    /// Its process vanished while warren was not looking.
    Lost,
    /// Busy with no progress past a threshold.
    Stuck,
    /// No signal can say.
    Unknown,
}

impl SessionState {
    /// Every state, in documentation order.
    pub const ALL: [SessionState; 12] = [
        Self::Starting,
        Self::Running,
        Self::Idle,
        Self::WaitingInput,
        Self::Paused,
        Self::Stopped,
        Self::Completed,
        Self::Failed,
        Self::Killed,
        Self::Lost,
        Self::Stuck,
        Self::Unknown,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Running => "running",
            Self::Idle => "idle",
            Self::WaitingInput => "waiting_input",
            Self::Paused => "paused",
            Self::Stopped => "stopped",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Killed => "killed",
            Self::Lost => "lost",
            Self::Stuck => "stuck",
            Self::Unknown => "unknown",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// A session holds its name in every state but these four.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::Killed | Self::Lost
        )
    }

    /// The status the instar-session skill expects.
    pub fn instar_status(self) -> &'static str {
        match self {
            Self::Starting | Self::Running | Self::Stuck | Self::Unknown => "running",
            Self::Idle | Self::WaitingInput | Self::Paused | Self::Stopped => "idle",
            Self::Completed | Self::Killed => "completed",
            Self::Failed | Self::Lost => "error",
        }
    }
}

impl std::fmt::Display for SessionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One state transition with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Transition {
    /// The state before (absent for the first).
    pub from: Option<SessionState>,
    /// The state after.
    pub to: SessionState,
    /// What caused it.
    pub signal: Signal,
    /// When (RFC 3339).
    pub at: String,
    /// Why, in words.
    #[serde(default)]
    pub detail: String,
}

/// What `status` shows of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionInfo {
    /// warren's id (UUID v7).
    pub id: String,
    /// The name.
    pub name: SessionName,
    /// The runtime: `tmux`.
    pub kind: String,
    /// The agent profile.
    pub profile: String,
    /// Current state.
    pub state: SessionState,
    /// The signal of the last transition.
    pub signal: Signal,
    /// When the current state began (RFC 3339).
    pub since: String,
    /// Why it is in this state.
    #[serde(default)]
    pub detail: String,
    /// When the session was created (RFC 3339).
    pub created_at: String,
    /// The program's process id, when known.
    pub pid: Option<u32>,
    /// Working directory.
    pub cwd: String,
    /// The command that runs.
    #[serde(default)]
    pub command: Vec<String>,
    /// Exit status once exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// Cost in USD, when the agent reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// Turns, when the agent reports them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turns: Option<u64>,
    /// Bytes of output recorded so far (the next output offset).
    #[serde(default)]
    pub output_offset: u64,
    /// The tmux session name on warren's private server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tmux_session: Option<String>,
    /// Job slug given at spawn (instar compatibility).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_slug: Option<String>,
    /// Set when a live session has run for more than two hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_warning: Option<String>,
    /// Seconds since the current state began.
    #[serde(default)]
    pub age_secs: u64,
    /// Something wrong beside the state, e.g. output that could not be recorded (full disk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Transitions, oldest first (only with `status`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
    /// Headless sessions: the agent's session, limits, totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headless: Option<crate::HeadlessInfo>,
    /// A tmux session's limits, when it has any (headless ones are in `headless`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<crate::Limits>,
    /// What a waiting session asks (`approve`, `deny` or `keys` answer it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<crate::Question>,
    /// The agent's own session id (Claude Code's `--session-id`), when warren chose one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_session_id: Option<String>,
    /// Inputs queued until the agent is idle.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub queued_inputs: u64,
    /// Why it needs a person, while its attention episode lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<String>,
}

/// A line of `warren ls` (`GET /v1/sessions?view=brief`): what the table shows, nothing more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionBrief {
    /// The name.
    pub name: SessionName,
    /// Current state.
    pub state: SessionState,
    /// The signal of the last transition.
    pub signal: Signal,
    /// Seconds since the current state began.
    pub age_secs: u64,
    /// The profile.
    pub profile: String,
    /// The program's pid.
    pub pid: Option<u32>,
    /// Whether a stale warning applies.
    #[serde(default)]
    pub stale: bool,
    /// Why it needs a person, while its attention episode lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<String>,
}

/// `POST /v1/sessions`: create a session in tmux.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct NewRequest {
    /// The session's name.
    #[schema(value_type = String)]
    pub name: Option<SessionName>,
    /// Profile: `shell` (default), `python`, `claude`, `codex`, `gemini`, `aider`, or one from config.
    #[serde(default)]
    pub profile: Option<String>,
    /// Run this command instead of the profile's (argv, never a shell string).
    #[serde(default)]
    pub command: Vec<String>,
    /// Working directory (absolute). The CLI sends its own.
    #[serde(default)]
    pub cwd: Option<String>,
    /// The caller's environment, passed to the session after cleaning.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Extra variables (`--env K=V`), applied last.
    #[serde(default)]
    pub env_extra: BTreeMap<String, String>,
    /// A prompt pasted once the agent is ready.
    #[serde(default)]
    pub prompt: Option<String>,
    /// Model for agent profiles.
    #[serde(default)]
    pub model: Option<String>,
    /// Job slug (instar compatibility).
    #[serde(default)]
    pub job_slug: Option<String>,
    /// Wait until the session is ready (idle) before answering, at most this long.
    #[serde(default)]
    pub wait_ready_ms: Option<u64>,
    /// The safety net. A tmux session keeps the time limits (`max_time_secs` from a send until
    /// the agent is idle again, `max_total_time_secs`); cost, turns and protected paths need
    /// the agent's own reports and are refused here, except for Claude Code (the `claude`
    /// profile), whose hooks and status line report cost and turns.
    #[serde(default)]
    pub limits: crate::Limits,
    /// Claude Code: answer the first-start dialogs by pre-seeding its config files.
    #[serde(default)]
    pub seed_config: bool,
    /// Claude Code: continue this conversation (`--resume <id>`) instead of starting one
    /// (`warren takeover` sets it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<String>,
}

/// Whether input arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ack {
    /// The input was seen to arrive (echo or screen change, or the agent said so).
    Acked,
    /// Accepted and held; it will be delivered.
    Queued,
    /// Sent, but nothing can tell whether it arrived.
    Unconfirmed,
    /// Not delivered.
    Failed,
}

/// `POST /v1/sessions/{name}/send`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct SendRequest {
    /// Literal text; key names and shell characters arrive as typed.
    pub text: String,
    /// Submit (Enter) after the text. Default true.
    #[serde(default)]
    pub enter: Option<bool>,
    /// Wait for this regex in output that arrives after the send.
    #[serde(default)]
    pub wait: Option<String>,
    /// How long to wait for the regex (default 30 s), or for a headless turn's result.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Headless: stop (resumable) after the response.
    #[serde(default)]
    pub stop: bool,
    /// Headless: answer at the acknowledgement, not the result.
    #[serde(default)]
    pub no_wait: bool,
}

/// The answer to any input, on every transport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SendAnswer {
    /// Whether the input arrived.
    pub ack: Ack,
    /// Why, in words.
    #[serde(default)]
    pub reason: String,
    /// What told us (`echo`, `screen`, `hook:UserPromptSubmit`…).
    #[serde(default)]
    pub signal: String,
    /// The output offset just before the input was sent.
    pub offset: u64,
    /// With `wait`: whether the regex matched before the timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<bool>,
    /// With `wait`: the matching line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_line: Option<String>,
    /// The agent's response, where a transport has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// Cost in USD, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// Turns, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turns: Option<u64>,
    /// Duration of the turn in ms (headless).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// The agent's own session id (headless).
    #[serde(default, rename = "sessionId", skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// How the turn ended (headless): `completed`, `failed`, `needs_input`, `interrupted`,
    /// `cost_exceeded`, `turns_exceeded`, `time_exceeded`; `running` when the wait ended first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Headless: the interaction's number, the cursor to fetch or wait for its result later
    /// (`GET /v1/sessions/{name}/interactions/{n}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction: Option<u64>,
    /// Agents that acknowledge input (Claude Code in tmux): the input's number in the session;
    /// a queued one's fate comes as an `input` event with this number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<u64>,
}

impl SendAnswer {
    /// An answer with its acknowledgement only; transports fill in what else they know.
    pub fn new(
        ack: Ack,
        reason: impl Into<String>,
        signal: impl Into<String>,
        offset: u64,
    ) -> Self {
        Self {
            ack,
            reason: reason.into(),
            signal: signal.into(),
            offset,
            matched: None,
            matched_line: None,
            response: None,
            cost: None,
            turns: None,
            duration: None,
            session_id: None,
            status: None,
            interaction: None,
            input: None,
        }
    }
}

/// `POST /v1/sessions/{name}/keys`: named tmux keys (`Enter`, `C-c`, `Up`…).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KeysRequest {
    /// Key names as tmux spells them: Enter, C-c, Escape, Up…
    pub keys: Vec<String>,
}

/// `POST /v1/sessions/{name}/wait`: a regex or a state.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct WaitRequest {
    /// Regex matched per line (ANSI stripped) on the current screen, then on new output.
    #[serde(default)]
    pub pattern: Option<String>,
    /// A state to wait for.
    #[serde(default)]
    pub state: Option<SessionState>,
    /// How long to wait (default 30 s).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// The answer of a wait.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WaitAnswer {
    /// True when the pattern or state was seen before the timeout.
    pub matched: bool,
    /// The line that matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// The session's state at the end.
    pub state: SessionState,
    /// The output offset at the end.
    pub offset: u64,
}

/// Health as seed 003's pane-health reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// Running.
    Healthy,
    /// Its process exited.
    Dead,
    /// No such name.
    Missing,
    /// Registered, but its tmux session is gone.
    Zombie,
}

impl Health {
    /// The exit code seed 003 gives it.
    pub fn exit_code(self) -> i32 {
        match self {
            Self::Healthy => crate::exit::OK,
            Self::Dead => crate::exit::TIMEOUT_OR_DEAD,
            Self::Missing => crate::exit::MISSING,
            Self::Zombie => crate::exit::ZOMBIE,
        }
    }
}

/// `GET /v1/sessions/{name}/health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HealthAnswer {
    /// The name asked about.
    pub name: String,
    /// The verdict.
    pub health: Health,
    /// State, when registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<SessionState>,
    /// Exit status, when exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// Words.
    #[serde(default)]
    pub detail: String,
}

/// `POST /v1/cleanup`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct CleanupRequest {
    /// Only list what would be removed.
    #[serde(default)]
    pub dry_run: bool,
    /// Only sessions whose last change is older than this.
    #[serde(default)]
    pub older_than_ms: Option<u64>,
    /// Also end live sessions.
    #[serde(default)]
    pub all: bool,
}

/// What cleanup removed (or would remove).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CleanupAnswer {
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// The sessions removed.
    pub removed: Vec<CleanupItem>,
}

/// One session cleanup removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CleanupItem {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its state before removal.
    pub state: SessionState,
}

/// An agent profile as `warren profiles` shows it: what starts it and what drives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProfileInfo {
    /// Its name (`--profile NAME`).
    pub name: String,
    /// Program and arguments (empty: the user's shell).
    pub command: Vec<String>,
    /// What drives a tmux session's status: `screen` or `claude-hooks`.
    pub status: String,
    /// The JSON stream it speaks (`claude`); only such a profile can run headless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// The tmux key that interrupts a turn.
    pub interrupt_key: String,
    /// Whether its screen patterns were checked against recorded screens.
    pub verified: bool,
}

/// A tmux session warren did not register (`find`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FoundSession {
    /// The tmux server: `warren` for warren's own, else the socket path.
    pub server: String,
    /// The tmux session name.
    pub tmux_name: String,
    /// Windows in it.
    pub windows: u32,
    /// Whether a client is attached.
    pub attached: bool,
    /// The first pane's command.
    pub command: String,
    /// Whether `warren adopt` can take it (only sessions on warren's server).
    pub adoptable: bool,
}

/// `POST /v1/adopt`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct AdoptRequest {
    /// The tmux session name on warren's server.
    pub tmux_name: String,
    /// The name to register it under (default: the tmux name).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub name: Option<SessionName>,
    /// Profile to read its screen with (default `shell`).
    #[serde(default)]
    pub profile: Option<String>,
}

/// `GET /v1/daemon`: what `warren daemon status` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DaemonStatus {
    /// Daemon process id.
    pub pid: u32,
    /// warren's version.
    pub version: String,
    /// API protocol version.
    pub protocol: u32,
    /// Unix socket path.
    pub socket: String,
    /// TCP address, when listening.
    pub tcp: Option<String>,
    /// Seconds since start.
    pub uptime_secs: u64,
    /// Live sessions.
    pub sessions: u64,
    /// warren's home.
    #[serde(default)]
    pub home: String,
    /// The private tmux server's socket (for `warren attach`).
    #[serde(default)]
    pub tmux_socket: String,
    /// The tmux binary.
    #[serde(default)]
    pub tmux: String,
}

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HealthCheck {
    /// Always "ok".
    pub status: String,
    /// warren's version.
    pub version: String,
    /// API protocol version.
    pub protocol: u32,
    /// Daemon process id.
    #[serde(default)]
    pub pid: u32,
}

/// `POST /v1/daemon/stop`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct StopRequest {
    /// End every session, the private tmux server and helpers too.
    #[serde(default)]
    pub kill_sessions: bool,
}

/// instar's `POST /sessions/spawn` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstarSpawn {
    /// Session name.
    pub name: Option<String>,
    /// Initial instruction.
    pub prompt: Option<String>,
    /// `opus`, `sonnet` or `haiku` (default `sonnet`).
    pub model: Option<String>,
    /// Associated job.
    pub job_slug: Option<String>,
}

/// instar's session listing entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstarSession {
    /// Session name.
    pub name: String,
    /// `running`, `idle`, `completed` or `error`.
    pub status: String,
    /// RFC 3339.
    pub started_at: String,
    /// Associated job.
    pub job_slug: Option<String>,
}

/// instar's `POST /sessions/{name}/input` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct InstarInput {
    /// Text typed at the prompt (Enter included).
    pub text: Option<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
