//! `warren adopt`: a tmux session on warren's server is registered.

use crate::ctx::{Ctx, print_json};
use clap::Args;
use warren_proto::{AdoptRequest, ApiError, SessionName, exit};

/// `warren adopt`.
#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// Its tmux name.
    pub tmux_name: String,
    /// Register it under this name.
    #[arg(long = "as")]
    pub as_name: Option<String>,
    /// Read its screen with this profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `warren adopt`.
pub async fn run(ctx: &Ctx, a: AdoptArgs) -> Result<i32, ApiError> {
    let AdoptArgs {
        tmux_name,
        as_name,
        profile,
        json,
    } = a;
    let name = as_name.map(|n| SessionName::new(&n)).transpose()?;
    let req = AdoptRequest {
        tmux_name,
        name,
        profile,
    };
    let info = ctx.client().await?.adopt(&req).await?;
    if json {
        print_json(&info);
    } else {
        println!("{} {} ({})", info.name, info.state, info.detail);
    }
    Ok(exit::OK)
}
