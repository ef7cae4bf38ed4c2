//! `warren delegate`: a task with the safety net, answered with a structured result; and how
//! that result is printed (`continue` answers the same).

use super::args::{LimitFlags, Named, abs, duration, name_of};
use crate::ctx::{Ctx, print_json};
use clap::Args;
use std::time::Duration;
use warren_proto::{ApiError, DelegateRequest, DelegateResult, exit};

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

/// Runs `warren delegate`.
pub async fn run(ctx: &Ctx, a: DelegateArgs) -> Result<i32, ApiError> {
    let limits = a.limits.limits();
    let req = DelegateRequest {
        name: name_of(&a.named.get()?)?,
        task: a.task,
        model: a.model,
        preset: a.preset,
        limits,
        no_safety: a.no_safety,
        context: a.context,
        work_dir: abs(a.work_dir)?,
        system_prompt: a.system_prompt,
        agent: a.agent,
        profile: a.profile,
        program: a.program,
        env: std::env::vars().collect(),
        watchdog_secs: a.watchdog.map(|d| d.as_secs().max(1)),
        timeout_ms: None,
    };
    let r = ctx.client().await?.delegate(&req).await?;
    Ok(print_result(&r, a.json))
}

/// Prints a delegate result: the response on stdout, the account on stderr. Exit 0 when the
/// task completed (or needs input), 1 otherwise.
pub fn print_result(r: &DelegateResult, json: bool) -> i32 {
    if json {
        print_json(r);
    } else {
        if let Some(text) = &r.response {
            println!("{text}");
        }
        eprintln!(
            "[{}] {} · ${:.4} · {} turn(s) · {} ms · tools: {} · violations: {}{}",
            r.status,
            r.name,
            r.cost,
            r.turns,
            r.duration,
            if r.tools_used.is_empty() {
                "-".to_string()
            } else {
                r.tools_used.join(", ")
            },
            r.safety.total_violations,
            r.error
                .as_ref()
                .map(|e| format!(" · {e}"))
                .unwrap_or_default()
        );
    }
    match r.status.as_str() {
        "completed" | "needs_input" => exit::OK,
        _ => exit::TIMEOUT_OR_DEAD,
    }
}
