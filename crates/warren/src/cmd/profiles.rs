//! `warren profiles`: the agent profiles the daemon knows (built in and from config) and
//! what drives each: its status source, the stream it speaks headless, its interrupt key.

use crate::ctx::{Ctx, print_json};
use clap::Args;
use warren_proto::{ApiError, exit};

/// `warren profiles`.
#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `warren profiles`.
pub async fn run(ctx: &Ctx, a: ProfilesArgs) -> Result<i32, ApiError> {
    let all = ctx.client().await?.profiles().await?;
    if a.json {
        print_json(&all);
        return Ok(exit::OK);
    }
    println!(
        "{:<10} {:<13} {:<7} {:<9} COMMAND",
        "NAME", "STATUS", "STREAM", "INTERRUPT"
    );
    for p in &all {
        let command = if p.command.is_empty() {
            "(your shell)".to_string()
        } else {
            p.command.join(" ")
        };
        println!(
            "{:<10} {:<13} {:<7} {:<9} {command}",
            p.name,
            p.status,
            p.stream.as_deref().unwrap_or("-"),
            p.interrupt_key
        );
    }
    Ok(exit::OK)
}
