//! `warren health NAME [--format text|json]`: exit 0 healthy, 1 dead, 2 missing, 3 zombie.

use crate::ctx::{Ctx, print_json};
use crate::usage;
use clap::{Args, ValueEnum};
use warren_proto::ApiError;

/// `warren health`.
#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Session name or id.
    pub name: Option<String>,
    /// Same as the positional name (seed 003).
    #[arg(short = 's', long = "session", hide = true)]
    pub session: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Same as `--format json`.
    #[arg(long)]
    pub json: bool,
}

/// Output format of `health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Words.
    Text,
    /// JSON.
    Json,
}

/// Runs `warren health`.
pub async fn run(ctx: &Ctx, a: HealthArgs) -> Result<i32, ApiError> {
    let json = a.json || a.format == Format::Json;
    let name = a
        .name
        .or(a.session)
        .ok_or_else(|| usage("give a session name"))?;
    let h = ctx.client().await?.health(&name).await?;
    if json {
        print_json(&h);
    } else {
        let word = serde_json::to_value(h.health)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        println!("{}: {word} ({})", h.name, h.detail);
    }
    Ok(h.health.exit_code())
}
