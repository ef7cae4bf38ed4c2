//! `warren delete`: an ended session's record and history are removed.

use super::args::NameOnly;
use crate::ctx::{Ctx, print_json};
use warren_proto::{ApiError, exit};

/// Runs `warren delete`.
pub async fn run(ctx: &Ctx, a: NameOnly) -> Result<i32, ApiError> {
    let d = ctx.client().await?.delete(&a.named.get()?).await?;
    if a.json {
        print_json(&d);
    } else {
        println!("{}", d.message);
    }
    Ok(exit::OK)
}
