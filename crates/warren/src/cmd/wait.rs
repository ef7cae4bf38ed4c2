//! `warren wait NAME [REGEX | --state STATE] [--timeout DUR]`: exit 0 matched, 1 timed out.

use super::args::duration;
use crate::ctx::{Ctx, print_json};
use crate::usage;
use clap::Args;
use std::time::Duration;
use warren_proto::{ApiError, SessionState, WaitRequest, exit};

/// `warren wait`.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Session name or id.
    pub name: Option<String>,
    /// Regex, matched per line on the current screen, then on new output.
    pub pattern: Option<String>,
    /// Session (seed 003's `-s`).
    #[arg(short = 's', long = "session", hide = true)]
    pub session: Option<String>,
    /// Pattern (seed 003's `-p`).
    #[arg(short = 'p', long = "pattern", hide = true)]
    pub pattern_flag: Option<String>,
    /// Wait for this state instead.
    #[arg(long)]
    pub state: Option<String>,
    /// How long to wait (default 30s).
    #[arg(long, short = 'T', value_parser = duration)]
    pub timeout: Option<Duration>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `warren wait`.
pub async fn run(ctx: &Ctx, a: WaitArgs) -> Result<i32, ApiError> {
    let name = a
        .name
        .clone()
        .or(a.session.clone())
        .ok_or_else(|| usage("give a session name"))?;
    let pattern = a.pattern_flag.clone().or(a.pattern.clone());
    let state = match &a.state {
        Some(s) => Some(SessionState::parse(s).ok_or_else(|| usage(format!("unknown state {s:?}; states: starting, running, idle, waiting_input, paused, stopped, completed, failed, killed, lost, stuck, unknown")))?),
        None => None,
    };
    if pattern.is_some() == state.is_some() {
        return Err(usage("give either a REGEX or --state STATE"));
    }
    let req = WaitRequest {
        pattern,
        state,
        timeout_ms: a.timeout.map(|t| t.as_millis() as u64),
    };
    let ans = ctx.client().await?.wait(&name, &req).await?;
    if a.json {
        print_json(&ans);
    } else if ans.matched {
        println!("{}", ans.line.as_deref().unwrap_or(ans.state.as_str()));
    } else {
        eprintln!("timed out (state {})", ans.state);
    }
    Ok(if ans.matched {
        exit::OK
    } else {
        exit::TIMEOUT_OR_DEAD
    })
}
