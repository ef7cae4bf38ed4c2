//! `warren deny`: no to the dialog a Claude Code session waits on; a message becomes its
//! next prompt.

use super::approve::answered;
use super::args::Named;
use crate::ctx::Ctx;
use clap::Args;
use warren_proto::ApiError;

/// `warren deny`.
#[derive(Debug, Args)]
pub struct DenyArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// Tell the agent what to do instead (sent as the next prompt).
    #[arg(long, short = 'm')]
    pub message: Option<String>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `deny`: answers no; a message becomes the next prompt.
pub async fn run(ctx: &Ctx, a: DenyArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let req = warren_proto::DenyRequest { message: a.message };
    let r = ctx.client().await?.deny(&name, &req).await?;
    Ok(answered(&name, &r, a.json))
}
