//! Headless sessions: spawning, limits, interactions, delegation (claude-multi-session's
//! verbs and result shapes).

use crate::SessionName;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The flags every headless Claude Code session runs with: stream-json both ways, the verbose
/// output stream-json requires, and the user's messages echoed back (the acknowledgement).
pub const CLAUDE_STREAM_FLAGS: [&str; 7] = [
    "-p",
    "--input-format",
    "stream-json",
    "--output-format",
    "stream-json",
    "--verbose",
    "--replay-user-messages",
];

/// The safety net of one session. Absent fields mean "no limit".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Limits {
    /// Most the session may cost, in USD (its own turns plus its children's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cost: Option<f64>,
    /// Most API turns, over all interactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_turns: Option<u64>,
    /// Longest one interaction may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_time_secs: Option<u64>,
    /// Longest the session may run in all (paused time not counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total_time_secs: Option<u64>,
    /// Protected paths (beside the defaults): reported when a tool touches them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protect: Vec<String>,
    /// Enforce protected paths with a PreToolUse hook that denies.
    #[serde(default)]
    pub strict: bool,
}

impl Limits {
    /// The seed's delegate defaults: $2, 50 turns, 5 minutes per interaction.
    pub fn delegate_defaults() -> Self {
        Self {
            max_cost: Some(2.0),
            max_turns: Some(50),
            max_time_secs: Some(300),
            ..Self::default()
        }
    }
}

/// `PATCH /v1/sessions/{name}/limits`: each given field replaces the current one; `0` (or an
/// empty list) removes that limit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct LimitsRequest {
    /// USD.
    #[serde(default)]
    pub max_cost: Option<f64>,
    /// Turns.
    #[serde(default)]
    pub max_turns: Option<u64>,
    /// Seconds per interaction.
    #[serde(default)]
    pub max_time_secs: Option<u64>,
    /// Seconds in all.
    #[serde(default)]
    pub max_total_time_secs: Option<u64>,
    /// Protected paths (replace the list).
    #[serde(default)]
    pub protect: Option<Vec<String>>,
    /// Strict enforcement: the guard's rules change at once; switching the hook itself on or
    /// off takes effect at the next resume.
    #[serde(default)]
    pub strict: Option<bool>,
}

/// `POST /v1/spawn`: a headless agent session (or, with `tmux`, an interactive one).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SpawnRequest {
    /// Session name.
    #[schema(value_type = String)]
    pub name: SessionName,
    /// First message; without one the agent waits for `send`.
    #[serde(default)]
    pub prompt: Option<String>,
    /// Model (default `sonnet`).
    #[serde(default)]
    pub model: Option<String>,
    /// Working directory (absolute; the CLI sends its own).
    #[serde(default)]
    pub work_dir: Option<String>,
    /// Claude Code permission mode.
    #[serde(default)]
    pub permission_mode: Option<String>,
    /// Restrict the tool set (Claude's `--tools`).
    #[serde(default)]
    pub allowed_tools: Option<Vec<String>>,
    /// Appended to the system prompt (Claude's `--append-system-prompt`).
    #[serde(default)]
    pub system_prompt: Option<String>,
    /// Replaces the system prompt (Claude's `--system-prompt`).
    #[serde(default)]
    pub replace_system_prompt: Option<String>,
    /// A Claude Code sub-agent (`--agent`).
    #[serde(default)]
    pub agent: Option<String>,
    /// Permission preset: `read-only`, `review`, `edit`, `full`, `plan`.
    #[serde(default)]
    pub preset: Option<String>,
    /// Agent profile (default `claude`).
    #[serde(default)]
    pub profile: Option<String>,
    /// Run this program instead of the profile's.
    #[serde(default)]
    pub program: Option<String>,
    /// More arguments for the agent.
    #[serde(default)]
    pub extra_args: Vec<String>,
    /// The caller's environment, passed to the agent after cleaning.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Extra variables, applied last.
    #[serde(default)]
    pub env_extra: BTreeMap<String, String>,
    /// The safety net.
    #[serde(default)]
    pub limits: Limits,
    /// Stop (gracefully, resumable) after the first response.
    #[serde(default)]
    pub stop: bool,
    /// Answer at the acknowledgement instead of the result.
    #[serde(default)]
    pub no_wait: bool,
    /// How long to wait for the result (default: no bound beyond the limits).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Watchdog: no output for this long during a turn means stuck.
    #[serde(default)]
    pub watchdog_secs: Option<u64>,
    /// Watchdog while a tool runs.
    #[serde(default)]
    pub tool_timeout_secs: Option<u64>,
    /// Pass `--include-partial-messages`.
    #[serde(default)]
    pub include_partial: bool,
    /// An interactive Claude Code in tmux instead.
    #[serde(default)]
    pub tmux: bool,
}

impl SpawnRequest {
    /// A request for `name` with every option at its default.
    pub fn new(name: SessionName) -> Self {
        Self {
            name,
            prompt: None,
            model: None,
            work_dir: None,
            permission_mode: None,
            allowed_tools: None,
            system_prompt: None,
            replace_system_prompt: None,
            agent: None,
            preset: None,
            profile: None,
            program: None,
            extra_args: Vec::new(),
            env: BTreeMap::new(),
            env_extra: BTreeMap::new(),
            limits: Limits::default(),
            stop: false,
            no_wait: false,
            timeout_ms: None,
            watchdog_secs: None,
            tool_timeout_secs: None,
            include_partial: false,
            tmux: false,
        }
    }
}

/// `POST /v1/sessions/{name}/resume`, `/continue`, and fork's message.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct TurnRequest {
    /// The message (optional for resume).
    #[serde(default)]
    pub message: Option<String>,
    /// Stop after the response.
    #[serde(default)]
    pub stop: bool,
    /// Answer at the acknowledgement.
    #[serde(default)]
    pub no_wait: bool,
    /// How long to wait for the result.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// `POST /v1/sessions/{name}/fork`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ForkRequest {
    /// The new session's name.
    #[schema(value_type = String)]
    pub new_name: SessionName,
    /// A first message for the fork.
    #[serde(default)]
    pub message: Option<String>,
    /// Another working directory (the transcript is carried over).
    #[serde(default)]
    pub work_dir: Option<String>,
    /// Answer at the acknowledgement.
    #[serde(default)]
    pub no_wait: bool,
    /// How long to wait for the result.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// One stored interaction (a turn).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Interaction {
    /// 1, 2, 3… within the session.
    pub seq: u64,
    /// What was sent.
    pub prompt: String,
    /// The agent's final text.
    #[serde(default)]
    pub response: Option<String>,
    /// `queued`, `running`, `completed`, `failed`, `interrupted`, `needs_input`,
    /// `cost_exceeded`, `turns_exceeded`, `time_exceeded`, `lost`.
    pub status: String,
    /// Cost of this interaction in USD.
    #[serde(default)]
    pub cost: f64,
    /// API turns in it.
    #[serde(default)]
    pub turns: u64,
    /// How long it took.
    #[serde(default)]
    pub duration_ms: u64,
    /// Tools used, in order, each once.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Errors.
    #[serde(default)]
    pub errors: Vec<String>,
    /// Denied tool uses.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub denials: Vec<Value>,
    /// When it was sent.
    pub started_at: String,
    /// When it ended.
    #[serde(default)]
    pub ended_at: Option<String>,
    /// The agent's session id it ran in.
    #[serde(default)]
    pub agent_session_id: Option<String>,
}

/// `GET /v1/sessions/{name}/history`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct History {
    /// The session.
    pub name: String,
    /// Its interactions, oldest first.
    pub interactions: Vec<Interaction>,
    /// Sum of costs (its own).
    pub total_cost: f64,
    /// Sum of turns.
    pub total_turns: u64,
}

/// A breach of the safety net, or a protected path touched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Violation {
    /// `max_cost`, `max_turns`, `max_time`, `max_total_time`, `protected_path`, `watchdog`.
    pub kind: String,
    /// In words.
    pub message: String,
    /// When.
    pub at: String,
    /// The tool, for paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// The path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Headless details in `status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HeadlessInfo {
    /// The agent's own session id (Claude's), used to resume.
    #[serde(default)]
    pub agent_session_id: Option<String>,
    /// Model asked for.
    #[serde(default)]
    pub model: Option<String>,
    /// Claude Code's config dir for this session.
    #[serde(default)]
    pub config_dir: Option<String>,
    /// The safety net.
    pub limits: Limits,
    /// Interactions so far.
    pub interactions: u64,
    /// Cost including children's.
    pub total_cost: f64,
    /// Violations so far.
    pub violations: u64,
    /// Input is held.
    pub paused: bool,
    /// The parent session's name, for sessions spawned from a session.
    #[serde(default)]
    pub parent: Option<String>,
    /// Depth below a top-level session.
    pub depth: u32,
}

/// `POST /v1/delegate`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DelegateRequest {
    /// Session name.
    #[schema(value_type = String)]
    pub name: SessionName,
    /// The task.
    pub task: String,
    /// Model (default `sonnet`).
    #[serde(default)]
    pub model: Option<String>,
    /// Preset (default `edit`).
    #[serde(default)]
    pub preset: Option<String>,
    /// The safety net (flattened: `max_cost`, `max_turns`, `max_time_secs`,
    /// `max_total_time_secs`, `protect`, `strict`); unset ones take the seed's defaults ($2,
    /// 50 turns, 300 s per interaction).
    #[serde(flatten)]
    pub limits: Limits,
    /// No limits at all.
    #[serde(default)]
    pub no_safety: bool,
    /// Context put before the task.
    #[serde(default)]
    pub context: Option<String>,
    /// Working directory.
    #[serde(default)]
    pub work_dir: Option<String>,
    /// Appended to the system prompt.
    #[serde(default)]
    pub system_prompt: Option<String>,
    /// A Claude Code sub-agent.
    #[serde(default)]
    pub agent: Option<String>,
    /// Agent profile.
    #[serde(default)]
    pub profile: Option<String>,
    /// Program instead of the profile's.
    #[serde(default)]
    pub program: Option<String>,
    /// The caller's environment.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Watchdog seconds.
    #[serde(default)]
    pub watchdog_secs: Option<u64>,
    /// How long to wait for the result; after it the answer says `running` and the work goes
    /// on (fetch it by `interaction`).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// delegate's and continue's answer: claude-multi-session's structured result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DelegateResult {
    /// `completed`, `needs_input`, `failed`, `cost_exceeded`, `turns_exceeded`, `time_exceeded`;
    /// `running` when the wait ended before the result.
    pub status: String,
    /// The agent's final text.
    pub response: Option<String>,
    /// Cost of the session so far, USD.
    pub cost: f64,
    /// Turns of the session so far.
    pub turns: u64,
    /// This interaction's duration, ms.
    pub duration: u64,
    /// The agent's session id.
    pub session_id: Option<String>,
    /// warren's session name.
    pub name: String,
    /// Whether `continue` can follow.
    pub can_continue: bool,
    /// Tools used in this interaction.
    pub tools_used: Vec<String>,
    /// The safety net's account.
    pub safety: Safety,
    /// What went wrong.
    pub error: Option<String>,
    /// The interaction's number: the cursor for its result when it is still `running`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction: Option<u64>,
}

/// The `safety` part of a delegate result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Safety {
    /// How many violations in all.
    pub total_violations: u64,
    /// The violations.
    pub violations: Vec<Violation>,
    /// The limits in force.
    pub limits: SafetyLimits,
}

/// Limits in the seed's spelling.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SafetyLimits {
    /// USD.
    pub max_cost_usd: Option<f64>,
    /// Turns.
    pub max_turns: Option<u64>,
    /// Seconds per interaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_time_secs: Option<u64>,
    /// Seconds in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total_time_secs: Option<u64>,
}

impl From<&Limits> for SafetyLimits {
    fn from(l: &Limits) -> Self {
        Self {
            max_cost_usd: l.max_cost,
            max_turns: l.max_turns,
            max_time_secs: l.max_time_secs,
            max_total_time_secs: l.max_total_time_secs,
        }
    }
}

/// `POST /v1/sessions/{name}/delete` answer and others that only confirm.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Done {
    /// The session.
    pub name: String,
    /// Its state now.
    pub state: String,
    /// In words.
    #[serde(default)]
    pub message: String,
}

/// spawn's answer: the session, the first turn's answer, and notices.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SpawnAnswer {
    /// The session.
    pub session: crate::SessionInfo,
    /// The first message's answer, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<crate::SendAnswer>,
    /// Things warren did on the caller's behalf (e.g. IS_SANDBOX=1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
}
