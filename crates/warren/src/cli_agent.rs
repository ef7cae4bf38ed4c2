//! Arguments of the headless verbs: claude-multi-session's flags (`--name`, `--prompt`,
//! `--message`…), with positional names added.

use clap::Args;
use std::time::Duration;

fn duration(s: &str) -> Result<Duration, String> {
    warren_proto::parse_duration(s).map_err(|e| e.to_string())
}

/// A session named positionally or with `--name`.
#[derive(Debug, Args, Clone)]
pub struct Named {
    /// Session name or id.
    pub name: Option<String>,
    /// Session name (claude-multi-session's spelling).
    #[arg(long = "name", id = "name_flag")]
    pub name_flag: Option<String>,
}

impl Named {
    /// The name, from either place.
    pub fn get(&self) -> Result<String, warren_proto::ApiError> {
        self.name_flag
            .clone()
            .or_else(|| self.name.clone())
            .ok_or_else(|| crate::usage("a session name is required (NAME or --name NAME)"))
    }
}

/// The safety net's flags.
#[derive(Debug, Args, Clone, Default)]
pub struct LimitFlags {
    /// Most the session may cost, USD (its children's cost included).
    #[arg(long, value_name = "USD")]
    pub max_cost: Option<f64>,
    /// Most API turns over all interactions.
    #[arg(long, value_name = "N")]
    pub max_turns: Option<u64>,
    /// Longest one interaction may take.
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub max_time: Option<Duration>,
    /// Longest the session may run in all (paused time not counted).
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub max_total_time: Option<Duration>,
    /// Protected paths (beside .env, .git/, credentials, warren's home and Claude's settings);
    /// `strict` enforces them with a PreToolUse hook that denies.
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub protect: Vec<String>,
}

impl LimitFlags {
    /// As the wire type.
    pub fn limits(&self) -> warren_proto::Limits {
        warren_proto::Limits {
            max_cost: self.max_cost,
            max_turns: self.max_turns,
            // 0 means "remove" to `warren limits`; a spawn treats it as no limit.
            max_time_secs: self.max_time.map(|d| d.as_secs()),
            max_total_time_secs: self.max_total_time.map(|d| d.as_secs()),
            protect: self
                .protect
                .iter()
                .filter(|p| *p != "strict")
                .cloned()
                .collect(),
            strict: self.protect.iter().any(|p| p == "strict"),
        }
    }
}

/// `warren spawn`.
#[derive(Debug, Args)]
pub struct SpawnArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// First message (optional: without one the agent waits for `send`).
    #[arg(long)]
    pub prompt: Option<String>,
    /// Model: sonnet (default), opus, haiku, or a full name.
    #[arg(long)]
    pub model: Option<String>,
    /// Stop (resumable) after the first response.
    #[arg(long)]
    pub stop: bool,
    /// Working directory (default: here).
    #[arg(long)]
    pub work_dir: Option<std::path::PathBuf>,
    /// Claude Code permission mode: default, acceptEdits, plan, dontAsk, bypassPermissions.
    #[arg(long)]
    pub permission_mode: Option<String>,
    /// Restrict the tool set (comma-separated; Claude's `--tools`).
    #[arg(long, value_delimiter = ',')]
    pub allowed_tools: Option<Vec<String>>,
    /// Append to the system prompt.
    #[arg(long)]
    pub system_prompt: Option<String>,
    /// Replace the system prompt.
    #[arg(long)]
    pub replace_system_prompt: Option<String>,
    /// Max budget, USD (the same limit as --max-cost).
    #[arg(long, value_name = "USD")]
    pub max_budget: Option<f64>,
    /// A Claude Code sub-agent.
    #[arg(long)]
    pub agent: Option<String>,
    /// Permission preset: read-only, review, edit, full, plan.
    #[arg(long)]
    pub preset: Option<String>,
    /// Agent profile (default claude).
    #[arg(long)]
    pub profile: Option<String>,
    /// Run this program instead of the profile's.
    #[arg(long)]
    pub program: Option<String>,
    /// An interactive Claude Code in tmux instead of a headless one.
    #[arg(long)]
    pub tmux: bool,
    /// Answer once the message arrived, not at its result.
    #[arg(long)]
    pub no_wait: bool,
    /// Stop waiting for the result after this long (the turn goes on).
    #[arg(long, value_parser = duration)]
    pub timeout: Option<Duration>,
    /// Watchdog: no output this long during a turn means stuck (default: the profile's).
    #[arg(long, value_parser = duration)]
    pub watchdog: Option<Duration>,
    /// Watchdog while a tool runs (default: the profile's).
    #[arg(long, value_parser = duration)]
    pub tool_timeout: Option<Duration>,
    /// Also record partial message deltas.
    #[arg(long)]
    pub partial: bool,
    /// Extra environment, K=V (repeatable).
    #[arg(long = "env", short = 'e')]
    pub env: Vec<String>,
    /// The safety net.
    #[command(flatten)]
    pub limits: LimitFlags,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `warren resume`.
#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// A message to send once resumed.
    #[arg(long)]
    pub message: Option<String>,
    /// Stop after the response.
    #[arg(long)]
    pub stop: bool,
    /// Answer once the message arrived.
    #[arg(long)]
    pub no_wait: bool,
    /// Stop waiting after this long.
    #[arg(long, value_parser = duration)]
    pub timeout: Option<Duration>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `warren fork`.
#[derive(Debug, Args)]
pub struct ForkArgs {
    /// The session to fork.
    #[command(flatten)]
    pub named: Named,
    /// The new session's name.
    #[arg(long)]
    pub new_name: String,
    /// A first message for the fork.
    #[arg(long)]
    pub message: Option<String>,
    /// Another working directory (the conversation is carried over).
    #[arg(long)]
    pub work_dir: Option<std::path::PathBuf>,
    /// Answer once the message arrived.
    #[arg(long)]
    pub no_wait: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Verbs that take only a session.
#[derive(Debug, Args)]
pub struct NameOnly {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `warren approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// Pick the dialog's "always allow" choice.
    #[arg(long)]
    pub always: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `warren takeover`.
#[derive(Debug, Args)]
pub struct TakeoverArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// Do not attach (print the session instead).
    #[arg(long)]
    pub no_attach: bool,
    /// JSON output (implies --no-attach).
    #[arg(long)]
    pub json: bool,
}

/// `warren deny`.
#[derive(Debug, Args)]
pub struct DenyArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// Tell the agent what to do instead (sent as the next prompt).
    #[arg(long, short = 'm')]
    pub message: Option<String>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `warren limits`.
#[derive(Debug, Args)]
pub struct LimitsArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// New limits (0 removes one).
    #[command(flatten)]
    pub limits: LimitFlags,
    /// Drop `--protect strict`.
    #[arg(long)]
    pub no_strict: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `warren delegate`.
#[derive(Debug, Args)]
pub struct DelegateArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// The task.
    #[arg(long)]
    pub task: String,
    /// Model (default sonnet).
    #[arg(long)]
    pub model: Option<String>,
    /// Permission preset (default edit).
    #[arg(long)]
    pub preset: Option<String>,
    /// No limits at all.
    #[arg(long)]
    pub no_safety: bool,
    /// Context put before the task.
    #[arg(long)]
    pub context: Option<String>,
    /// Working directory.
    #[arg(long)]
    pub work_dir: Option<std::path::PathBuf>,
    /// Append to the system prompt.
    #[arg(long)]
    pub system_prompt: Option<String>,
    /// A Claude Code sub-agent.
    #[arg(long)]
    pub agent: Option<String>,
    /// Agent profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// Run this program instead of the profile's.
    #[arg(long)]
    pub program: Option<String>,
    /// Watchdog.
    #[arg(long, value_parser = duration)]
    pub watchdog: Option<Duration>,
    /// The safety net (defaults: $2, 50 turns, 5 minutes per interaction).
    #[command(flatten)]
    pub limits: LimitFlags,
    /// JSON output (the structured result).
    #[arg(long)]
    pub json: bool,
}

/// `warren continue`.
#[derive(Debug, Args)]
pub struct ContinueArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// The correction.
    #[arg(long)]
    pub message: String,
    /// Stop waiting after this long.
    #[arg(long, value_parser = duration)]
    pub timeout: Option<Duration>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `warren batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// A JSON list of spawn requests: `[{"name", "prompt", "model", …}]`.
    #[arg(long)]
    pub file: std::path::PathBuf,
    /// One JSON answer per session.
    #[arg(long)]
    pub json: bool,
}
