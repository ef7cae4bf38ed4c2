//! `warren keys`: named tmux keys (Enter, C-c, Up, Escape…) to a session.

use super::send::report;
use crate::ctx::Ctx;
use clap::Args;
use warren_proto::{ApiError, KeysRequest, exit};

/// `warren keys`.
#[derive(Debug, Args)]
pub struct KeysArgs {
    /// Session name or id.
    pub name: String,
    /// Key names.
    #[arg(required = true)]
    pub keys: Vec<String>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `warren keys`.
pub async fn run(ctx: &Ctx, a: KeysArgs) -> Result<i32, ApiError> {
    let req = KeysRequest { keys: a.keys };
    let ans = ctx.client().await?.keys(&a.name, &req).await?;
    report(&ans, a.json);
    Ok(exit::OK)
}
