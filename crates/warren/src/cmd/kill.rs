//! `warren kill` and `warren cleanup`.

use crate::ctx::{Ctx, print_json};
use crate::usage;
use std::io::IsTerminal as _;
use std::time::Duration;
use warren_client::api;
use warren_proto::{ApiError, CleanupRequest, exit};

pub async fn kill(ctx: &Ctx, name: &str, json: bool) -> Result<i32, ApiError> {
    let info = ctx.idempotent(api::kill(name)).await?;
    if json {
        print_json(&info);
    } else {
        println!(
            "{} {} ({}: {})",
            info.name, info.state, info.signal, info.detail
        );
    }
    Ok(exit::OK)
}

pub async fn cleanup(
    ctx: &Ctx,
    dry_run: bool,
    older_than: Option<Duration>,
    all: bool,
    yes: bool,
    json: bool,
) -> Result<i32, ApiError> {
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
