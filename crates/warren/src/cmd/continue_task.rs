//! `warren continue`: a correction to a delegated session, answered like `delegate`.

use super::args::{Named, duration, ms};
use super::delegate::print_result;
use crate::ctx::Ctx;
use clap::Args;
use std::time::Duration;
use warren_proto::{ApiError, TurnRequest};

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

/// Runs `warren continue`.
pub async fn run(ctx: &Ctx, a: ContinueArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let req = TurnRequest {
        message: Some(a.message),
        timeout_ms: ms(a.timeout),
        ..TurnRequest::default()
    };
    let r = ctx.client().await?.continue_task(&name, &req).await?;
    Ok(print_result(&r, a.json))
}
