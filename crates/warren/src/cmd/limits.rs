//! `warren limits`: a session's safety net changes (0 removes a limit).

use super::args::{LimitFlags, Named};
use crate::ctx::{Ctx, print_json};
use clap::Args;
use warren_proto::{ApiError, LimitsRequest, exit};

/// `warren limits`.
#[derive(Debug, Args)]
pub struct LimitsArgs {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// New limits (0 removes one).
    #[command(flatten)]
    pub limits: LimitFlags,
    /// Drop `--protect strict`.
    #[arg(long)]
    pub no_strict: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `warren limits`.
pub async fn run(ctx: &Ctx, a: LimitsArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let l = a.limits.limits();
    let req = LimitsRequest {
        max_cost: l.max_cost,
        max_turns: l.max_turns,
        max_time_secs: l.max_time_secs,
        max_total_time_secs: l.max_total_time_secs,
        protect: (!l.protect.is_empty()).then_some(l.protect),
        strict: if a.no_strict {
            Some(false)
        } else {
            l.strict.then_some(true)
        },
    };
    let s = ctx.client().await?.limits(&name, &req).await?;
    if a.json {
        print_json(&s);
    } else if let Some(h) = &s.headless {
        println!(
            "{}: {}",
            s.name,
            serde_json::to_string(&h.limits).unwrap_or_default()
        );
    }
    Ok(exit::OK)
}
