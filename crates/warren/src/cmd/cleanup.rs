//! `warren cleanup`: the records and logs of ended sessions are removed (`--all`: live ones
//! too, after asking).

use super::args::duration;
use crate::ctx::{Ctx, print_json};
use crate::usage;
use clap::Args;
use std::io::IsTerminal as _;
use std::time::Duration;
use warren_proto::{ApiError, CleanupRequest, exit};

/// `warren cleanup`.
#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// Only show what would be removed.
    #[arg(long)]
    pub dry_run: bool,
    /// Only sessions older than this.
    #[arg(long, value_parser = duration)]
    pub older_than: Option<Duration>,
    /// Only sessions older than N days (same as --older-than Nd).
    #[arg(long, conflicts_with = "older_than")]
    pub days: Option<u64>,
    /// Also end live sessions (asks first).
    #[arg(long)]
    pub all: bool,
    /// Do not ask.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `warren cleanup`.
pub async fn run(ctx: &Ctx, a: CleanupArgs) -> Result<i32, ApiError> {
    let CleanupArgs {
        dry_run,
        older_than,
        days,
        all,
        yes,
        json,
    } = a;
    let older_than = older_than.or(days.map(|d| Duration::from_secs(d * 86400)));
    let older_than_ms = older_than.map(|d| d.as_millis() as u64);
    if all && !dry_run && !yes {
        if !std::io::stdin().is_terminal() {
            return Err(usage(
                "--all ends live sessions too: confirm with --yes when not on a terminal",
            ));
        }
        let req = CleanupRequest {
            dry_run: true,
            older_than_ms,
            all,
        };
        let preview = ctx.client().await?.cleanup(&req).await?;
        eprint!(
            "end and remove {} session(s)? [y/N] ",
            preview.removed.len()
        );
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        if !matches!(line.trim(), "y" | "Y" | "yes") {
            eprintln!("nothing removed");
            return Ok(exit::OK);
        }
    }
    let req = CleanupRequest {
        dry_run,
        older_than_ms,
        all,
    };
    let ans = ctx.client().await?.cleanup(&req).await?;
    if json {
        print_json(&ans);
    } else if ans.removed.is_empty() {
        println!("nothing to remove");
    } else {
        let verb = if dry_run { "would remove" } else { "removed" };
        for r in &ans.removed {
            println!("{verb} {} ({}, {})", r.name, r.state, r.id);
        }
    }
    Ok(exit::OK)
}
