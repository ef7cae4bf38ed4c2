//! `warren kill`: a session ends (state `killed`).

use super::args::NameOnly;
use crate::ctx::{Ctx, print_json};
use warren_client::api;
use warren_proto::{ApiError, exit};

/// Runs `warren kill`.
pub async fn run(ctx: &Ctx, a: NameOnly) -> Result<i32, ApiError> {
    let (name, json) = (a.named.get()?, a.json);
    let info = ctx.idempotent(api::kill(&name)).await?;
    if json {
        print_json(&info);
    } else {
        println!(
            "{} {} ({}: {})",
            info.name, info.state, info.signal, info.detail
        );
    }
    Ok(exit::OK)
}
