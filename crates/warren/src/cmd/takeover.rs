//! `warren takeover`: a headless Claude session's conversation goes on in tmux, and a
//! terminal is attached to it.

use super::args::Named;
use super::lifecycle::show;
use crate::ctx::Ctx;
use clap::Args;
use warren_proto::ApiError;

/// `warren takeover`.
#[derive(Debug, Args)]
pub struct TakeoverArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// Do not attach (print the session instead).
    #[arg(long)]
    pub no_attach: bool,
    /// JSON output (implies --no-attach).
    #[arg(long)]
    pub json: bool,
}

/// `takeover`: the conversation continues in tmux; a terminal is attached to it.
pub async fn run(ctx: &Ctx, a: TakeoverArgs) -> Result<i32, ApiError> {
    use std::io::IsTerminal as _;
    let name = a.named.get()?;
    let s = ctx.client().await?.takeover(&name).await?;
    if a.json || a.no_attach || !std::io::stdout().is_terminal() {
        return Ok(show(&s, a.json));
    }
    super::attach::attach(ctx, s.name.as_str()).await
}
