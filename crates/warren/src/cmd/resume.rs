//! `warren resume`: a paused or stopped headless session goes on (optionally with a message).

use super::args::{Named, duration, ms};
use super::turn::report_turn;
use crate::ctx::{Ctx, print_json};
use clap::Args;
use std::time::Duration;
use warren_proto::{ApiError, TurnRequest, exit};

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

/// Runs `warren resume`.
pub async fn run(ctx: &Ctx, a: ResumeArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let req = TurnRequest {
        message: a.message,
        stop: a.stop,
        no_wait: a.no_wait,
        timeout_ms: ms(a.timeout),
    };
    let ans = ctx.client().await?.resume(&name, &req).await?;
    match ans {
        Some(t) => Ok(report_turn(&t, a.json)),
        None => {
            let s = ctx.client().await?.status(&name).await?;
            if a.json {
                print_json(&s);
            } else {
                println!("{} {}", s.name, s.state);
            }
            Ok(exit::OK)
        }
    }
}
