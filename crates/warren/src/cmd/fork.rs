//! `warren fork`: a new headless session that keeps another's conversation.

use super::args::{Named, abs, name_of};
use super::spawn::report_spawn;
use crate::ctx::Ctx;
use clap::Args;
use warren_proto::{ApiError, ForkRequest};

/// `warren fork`.
#[derive(Debug, Args)]
pub struct ForkArgs {
    /// The session to fork.
    #[command(flatten)]
    pub named: Named,
    /// The new session's name.
    #[arg(long)]
    pub new_name: String,
    /// A first message for the fork.
    #[arg(long)]
    pub message: Option<String>,
    /// Another working directory (the conversation is carried over).
    #[arg(long)]
    pub work_dir: Option<std::path::PathBuf>,
    /// Answer once the message arrived.
    #[arg(long)]
    pub no_wait: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `warren fork`.
pub async fn run(ctx: &Ctx, a: ForkArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let req = ForkRequest {
        new_name: name_of(&a.new_name)?,
        message: a.message,
        work_dir: match a.work_dir {
            Some(p) => abs(Some(p))?,
            None => None,
        },
        no_wait: a.no_wait,
        timeout_ms: None,
    };
    let ans = ctx.client().await?.fork(&name, &req).await?;
    Ok(report_spawn(&ans, &format!("(forked from {name})"), a.json))
}
