//! Arguments of the tools: the CLI flags of the same verbs, in snake_case.
//!
//! A tool whose arguments are a request of the API takes that request itself (flattened
//! beside the session's `name`, which the API has in its path). The others keep their own
//! type here, because they differ from the request: seconds (`timeout_s`) where the API takes
//! milliseconds, the limits flat where the API nests them, `work_dir` where the API says
//! `cwd`, `message` where it says `text`, or no request at all (a query).

use schemars::JsonSchema;
use serde::Deserialize;
use warren_proto::{ApproveRequest, DenyRequest, KeysRequest};

/// A session by name (or id).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Name {
    /// Session name or id.
    pub name: String,
}

/// `spawn_session`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Spawn {
    /// Name of the new session.
    pub name: String,
    /// First message; without one the agent waits for `send_message`.
    #[serde(default)]
    pub prompt: Option<String>,
    /// Model: sonnet (default), opus, haiku, or a full name.
    #[serde(default)]
    pub model: Option<String>,
    /// Working directory (absolute; default: the server's).
    #[serde(default)]
    pub work_dir: Option<String>,
    /// Claude Code permission mode: default, acceptEdits, plan, dontAsk, bypassPermissions.
    #[serde(default)]
    pub permission_mode: Option<String>,
    /// Restrict the tool set, e.g. ["Read", "Bash"].
    #[serde(default)]
    pub allowed_tools: Option<Vec<String>>,
    /// Appended to the system prompt.
    #[serde(default)]
    pub system_prompt: Option<String>,
    /// A Claude Code sub-agent.
    #[serde(default)]
    pub agent: Option<String>,
    /// Permission preset: read-only, review, edit, full, plan.
    #[serde(default)]
    pub preset: Option<String>,
    /// Most the session may cost, USD.
    #[serde(default)]
    pub max_cost: Option<f64>,
    /// Most API turns over all interactions.
    #[serde(default)]
    pub max_turns: Option<u64>,
    /// Stop (resumable) after the first response.
    #[serde(default)]
    pub stop: bool,
    /// Seconds to wait for the first result; the turn goes on after it (see `get_history`).
    #[serde(default)]
    pub timeout_s: Option<u64>,
}

/// `send_message`, `resume_session`, `continue_task`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Message {
    /// Session name or id.
    pub name: String,
    /// The message (optional for `resume_session`).
    #[serde(default)]
    pub message: Option<String>,
    /// Stop (resumable) after the response.
    #[serde(default)]
    pub stop: bool,
    /// Seconds to wait for the result; the turn goes on after it.
    #[serde(default)]
    pub timeout_s: Option<u64>,
}

/// `fork_session`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Fork {
    /// The session to fork.
    pub name: String,
    /// The new session's name.
    pub new_name: String,
    /// A first message for the fork.
    #[serde(default)]
    pub message: Option<String>,
    /// Another working directory (the conversation is carried over).
    #[serde(default)]
    pub work_dir: Option<String>,
    /// Seconds to wait for the result.
    #[serde(default)]
    pub timeout_s: Option<u64>,
}

/// `delegate_task`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Delegate {
    /// Name of the new session.
    pub name: String,
    /// The task.
    pub task: String,
    /// Model (default sonnet).
    #[serde(default)]
    pub model: Option<String>,
    /// Preset (default edit): read-only, review, edit, full, plan.
    #[serde(default)]
    pub preset: Option<String>,
    /// USD (default 2).
    #[serde(default)]
    pub max_cost: Option<f64>,
    /// Turns (default 50).
    #[serde(default)]
    pub max_turns: Option<u64>,
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
    /// No limits at all.
    #[serde(default)]
    pub no_safety: bool,
    /// Seconds to wait for the result.
    #[serde(default)]
    pub timeout_s: Option<u64>,
}

/// `batch_spawn`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Batch {
    /// The sessions to spawn, each like `spawn_session`'s arguments.
    pub tasks: Vec<Spawn>,
}

/// `list_sessions`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct List {
    /// Only sessions in this state (idle, running, stopped, …).
    #[serde(default)]
    pub status: Option<String>,
}

/// `new_session`: any profile in tmux.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewSession {
    /// Name of the new session.
    pub name: String,
    /// Profile: shell (default), python, claude, codex, gemini, aider, or one from config.
    #[serde(default)]
    pub profile: Option<String>,
    /// A command to run instead of the profile's (argv).
    #[serde(default)]
    pub command: Vec<String>,
    /// Working directory (absolute).
    #[serde(default)]
    pub work_dir: Option<String>,
    /// A prompt pasted once the agent is ready.
    #[serde(default)]
    pub prompt: Option<String>,
}

/// `send_keys`: the keys request.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Keys {
    /// Session name or id.
    pub name: String,
    /// The keys.
    #[serde(flatten)]
    pub request: KeysRequest,
}

/// `get_result`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetResult {
    /// Session name or id.
    pub name: String,
    /// The interaction's number (`interaction` in an answer that said `running`).
    pub interaction: u64,
}

/// `wait_for`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct WaitFor {
    /// Session name or id.
    pub name: String,
    /// Wait for this interaction's result (the cursor a `running` answer gave).
    #[serde(default)]
    pub interaction: Option<u64>,
    /// A regex on the screen or in new output.
    #[serde(default)]
    pub pattern: Option<String>,
    /// A state to wait for (idle, stopped, …).
    #[serde(default)]
    pub state: Option<String>,
    /// Seconds to wait (default 30).
    #[serde(default)]
    pub timeout_s: Option<u64>,
}

/// `read_output`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReadOutput {
    /// Session name or id.
    pub name: String,
    /// Bytes from this offset (the cursor of an earlier read); without it, the screen.
    #[serde(default)]
    pub since: Option<u64>,
}

/// `get_events`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct Events {
    /// Events after this id (the cursor of an earlier call).
    #[serde(default)]
    pub since: Option<i64>,
    /// Only this session.
    #[serde(default)]
    pub name: Option<String>,
}

/// `health`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct Health {
    /// One session; without it, the daemon's status.
    #[serde(default)]
    pub name: Option<String>,
}

/// `approve`: the approve request.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Approve {
    /// Session name or id.
    pub name: String,
    /// The choice.
    #[serde(flatten)]
    pub request: ApproveRequest,
}

/// `deny`: the deny request.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Deny {
    /// Session name or id.
    pub name: String,
    /// What to do instead.
    #[serde(flatten)]
    pub request: DenyRequest,
}
