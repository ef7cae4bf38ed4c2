//! `warren spawn`: a headless agent session (interactive in tmux with `--tmux`); and how
//! spawn's and fork's answer is printed.

use super::args::{LimitFlags, Named, abs, duration, env_pairs, ms, name_of};
use super::turn::report_turn;
use crate::ctx::{Ctx, print_json};
use clap::Args;
use std::time::Duration;
use warren_client::api;
use warren_proto::{
    ApiError, SendAnswer, SessionInfo, SessionName, SpawnAnswer, SpawnRequest, exit,
};

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

/// How `--json` prints spawn's and fork's answer: `turn` and `notices` even when empty (the
/// wire leaves them out).
#[derive(serde::Serialize)]
pub struct PrintedSpawn<'a> {
    session: &'a SessionInfo,
    turn: Option<&'a SendAnswer>,
    notices: &'a [String],
}

impl<'a> PrintedSpawn<'a> {
    /// The answer as printed.
    pub fn of(a: &'a SpawnAnswer) -> Self {
        Self {
            session: &a.session,
            turn: a.turn.as_ref(),
            notices: &a.notices,
        }
    }
}

/// Runs `warren spawn`.
pub async fn run(ctx: &Ctx, a: SpawnArgs) -> Result<i32, ApiError> {
    let name = name_of(&a.named.get()?)?;
    if a.tmux {
        return spawn_tmux(ctx, a, name).await;
    }
    let mut limits = a.limits.limits();
    if let Some(b) = a.max_budget {
        limits.max_cost = Some(limits.max_cost.map_or(b, |c| c.min(b)));
    }
    let req = SpawnRequest {
        name,
        prompt: a.prompt,
        model: a.model,
        work_dir: abs(a.work_dir)?,
        permission_mode: a.permission_mode,
        allowed_tools: a.allowed_tools,
        system_prompt: a.system_prompt,
        replace_system_prompt: a.replace_system_prompt,
        agent: a.agent,
        preset: a.preset,
        profile: a.profile,
        program: a.program,
        extra_args: Vec::new(),
        env: std::env::vars().collect(),
        env_extra: env_pairs(&a.env)?,
        limits,
        stop: a.stop,
        no_wait: a.no_wait,
        timeout_ms: ms(a.timeout),
        watchdog_secs: a.watchdog.map(|d| d.as_secs().max(1)),
        tool_timeout_secs: a.tool_timeout.map(|d| d.as_secs().max(1)),
        include_partial: a.partial,
        tmux: false,
    };
    let ans = ctx.client().await?.spawn(&req).await?;
    for n in &ans.notices {
        eprintln!("warren: {n}");
    }
    let what = format!("({})", ans.session.id);
    Ok(report_spawn(&ans, &what, a.json))
}

/// Prints spawn's or fork's answer: the first turn's, or the new session's state.
pub fn report_spawn(ans: &SpawnAnswer, what: &str, json: bool) -> i32 {
    if json {
        print_json(&PrintedSpawn::of(ans));
        return ans.turn.as_ref().map_or(exit::OK, report_code);
    }
    match &ans.turn {
        Some(t) => report_turn(t, false),
        None => {
            println!("{} {} {what}", ans.session.name, ans.session.state);
            exit::OK
        }
    }
}

fn report_code(a: &SendAnswer) -> i32 {
    match a.status.as_deref() {
        None | Some("completed") | Some("needs_input") => exit::OK,
        _ => exit::TIMEOUT_OR_DEAD,
    }
}

/// `spawn --tmux`: an interactive Claude Code session (the core issue's `new --claude`).
async fn spawn_tmux(ctx: &Ctx, a: SpawnArgs, name: SessionName) -> Result<i32, ApiError> {
    let req = warren_proto::NewRequest {
        name: Some(name),
        profile: Some(a.profile.unwrap_or_else(|| "claude".into())),
        cwd: abs(a.work_dir)?,
        env: std::env::vars().collect(),
        env_extra: env_pairs(&a.env)?,
        prompt: a.prompt,
        model: a.model,
        wait_ready_ms: (!a.no_wait).then_some(30_000),
        limits: a.limits.limits(),
        ..Default::default()
    };
    let s = ctx.idempotent(api::create(&req)).await?;
    if a.json {
        print_json(&s);
    } else {
        println!("{} {} ({})", s.name, s.state, s.id);
    }
    Ok(exit::OK)
}
