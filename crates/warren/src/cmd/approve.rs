//! `warren approve`: yes (or always) to the dialog a Claude Code session waits on; and how
//! an answered dialog is printed (`deny` answers the same).

use super::args::Named;
use crate::ctx::{Ctx, print_json};
use clap::Args;
use warren_proto::{ApiError, exit};

/// `warren approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// Pick the dialog's "always allow" choice.
    #[arg(long)]
    pub always: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `approve`: answers yes (or always) to the dialog.
pub async fn run(ctx: &Ctx, a: ApproveArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let req = warren_proto::ApproveRequest { always: a.always };
    let r = ctx.client().await?.approve(&name, &req).await?;
    Ok(answered(&name, &r, a.json))
}

/// Prints what was answered, and the state now.
pub fn answered(name: &str, r: &warren_proto::AnswerResult, json: bool) -> i32 {
    if json {
        print_json(r);
    } else {
        println!(
            "{name}: {} → {:?}; now {}",
            r.question.question, r.choice, r.state
        );
        if let Some(m) = &r.message {
            println!(
                "message: {} ({})",
                serde_json::to_value(m.ack).unwrap_or_default(),
                m.reason
            );
        }
    }
    exit::OK
}
