//! `warren token`: the bearer token of the TCP API.

use crate::ctx::Ctx;
use warren_proto::{ApiError, exit};

/// Runs `warren token`.
pub async fn run(ctx: &Ctx) -> Result<i32, ApiError> {
    // The daemon makes the token on its first start.
    if !ctx.paths.token.exists() {
        ctx.client().await?;
    }
    let t = std::fs::read_to_string(&ctx.paths.token)
        .map_err(|e| ApiError::internal(format!("reading {}: {e}", ctx.paths.token.display())))?;
    println!("{}", t.trim());
    Ok(exit::OK)
}
