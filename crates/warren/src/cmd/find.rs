//! `warren find`: tmux sessions warren does not manage.

use crate::ctx::{Ctx, print_json};
use clap::Args;
use warren_proto::{ApiError, exit};

/// `warren find`.
#[derive(Debug, Args)]
pub struct FindArgs {
    /// Also this user's other tmux servers (read-only).
    #[arg(long)]
    pub all: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `warren find`.
pub async fn run(ctx: &Ctx, a: FindArgs) -> Result<i32, ApiError> {
    let (all, json) = (a.all, a.json);
    let found = ctx.client().await?.find(all).await?;
    if json {
        print_json(&found);
    } else if found.is_empty() {
        println!("no unregistered tmux sessions");
    } else {
        for f in &found {
            let how = if f.adoptable {
                format!("  (warren adopt {})", f.tmux_name)
            } else {
                String::new()
            };
            println!(
                "{}  {}  {} window(s){}  {}{how}",
                f.server,
                f.tmux_name,
                f.windows,
                if f.attached { ", attached" } else { "" },
                f.command
            );
        }
    }
    Ok(exit::OK)
}
