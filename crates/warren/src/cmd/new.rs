//! `warren new NAME [--python|--shell|--claude|--profile P|-- CMD…]`.

use super::args::duration;
use crate::ctx::{Ctx, print_json};
use crate::usage;
use clap::Args;
use std::collections::BTreeMap;
use std::time::Duration;
use warren_client::api;
use warren_proto::{ApiError, NewRequest, SessionName, exit};

/// How long `new` waits for the session to be ready before answering anyway.
const READY_WAIT_MS: u64 = 30_000;

/// `warren new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Session name.
    pub name: Option<String>,
    /// Same as the positional name (seed 003).
    #[arg(short = 'n', long = "name", hide = true)]
    pub name_flag: Option<String>,
    /// A Python REPL.
    #[arg(long, group = "kind")]
    pub python: bool,
    /// A shell (the default).
    #[arg(long, group = "kind")]
    pub shell: bool,
    /// Interactive Claude Code.
    #[arg(long, group = "kind")]
    pub claude: bool,
    /// Any profile, built-in or from config.
    #[arg(long, group = "kind")]
    pub profile: Option<String>,
    /// Working directory (default: here).
    #[arg(long)]
    pub cwd: Option<std::path::PathBuf>,
    /// Extra environment, K=V (repeatable).
    #[arg(long = "env", short = 'e')]
    pub env: Vec<String>,
    /// A prompt pasted once the agent is ready.
    #[arg(long)]
    pub prompt: Option<String>,
    /// Model for agent profiles.
    #[arg(long, short = 'm')]
    pub model: Option<String>,
    /// Answer at once instead of when the session is ready.
    #[arg(long)]
    pub no_wait: bool,
    /// Longest one interaction may take (from a send until the agent is idle again).
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub max_time: Option<Duration>,
    /// Longest the session may run in all; then it is killed.
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub max_total_time: Option<Duration>,
    /// Claude Code: end the session when its cost reaches this many USD (from its status line).
    #[arg(long, value_name = "USD")]
    pub max_cost: Option<f64>,
    /// Claude Code: end the session after this many turns (Stop hooks).
    #[arg(long, value_name = "N")]
    pub max_turns: Option<u64>,
    /// Claude Code: answer the first-start dialogs (onboarding, folder trust, the API key
    /// question, the bypass warning) by pre-seeding its config files.
    #[arg(long)]
    pub seed_config: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
    /// A command to run instead of the profile's (after `--`).
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// Runs `warren new`.
pub async fn run(ctx: &Ctx, a: NewArgs) -> Result<i32, ApiError> {
    let raw = a
        .name
        .clone()
        .or(a.name_flag.clone())
        .ok_or_else(|| usage("give the session a name: `warren new NAME`"))?;
    let name = SessionName::new(&raw)?;
    let profile = if a.python {
        Some("python".to_string())
    } else if a.claude {
        Some("claude".to_string())
    } else if a.shell {
        Some("shell".to_string())
    } else {
        a.profile.clone()
    };
    let cwd = match &a.cwd {
        Some(c) => {
            std::path::absolute(c).map_err(|e| usage(format!("--cwd {}: {e}", c.display())))?
        }
        None => std::env::current_dir().map_err(|e| usage(format!("no current directory: {e}")))?,
    };
    let mut env_extra = BTreeMap::new();
    for kv in &a.env {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| usage(format!("--env {kv:?}: write K=V")))?;
        env_extra.insert(k.to_string(), v.to_string());
    }
    let req = NewRequest {
        name: Some(name),
        profile,
        command: a.command.clone(),
        cwd: Some(cwd.to_string_lossy().into_owned()),
        env: std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect(),
        env_extra,
        prompt: a.prompt.clone(),
        model: a.model.clone(),
        job_slug: None,
        wait_ready_ms: (!a.no_wait).then_some(READY_WAIT_MS),
        limits: warren_proto::Limits {
            max_time_secs: a.max_time.map(|d| d.as_secs()),
            max_total_time_secs: a.max_total_time.map(|d| d.as_secs()),
            max_cost: a.max_cost,
            max_turns: a.max_turns,
            ..Default::default()
        },
        seed_config: a.seed_config,
        resume: None,
    };
    let info = ctx.idempotent(api::create(&req)).await?;
    if a.json {
        print_json(&info);
    } else {
        println!(
            "{} {} ({}, {}: {})",
            info.name, info.state, info.profile, info.signal, info.detail
        );
    }
    Ok(exit::OK)
}
