//! `warren health NAME [--format text|json]`: exit 0 healthy, 1 dead, 2 missing, 3 zombie.

use crate::ctx::{Ctx, print_json};
use crate::usage;
use warren_proto::ApiError;

pub async fn run(ctx: &Ctx, name: Option<String>, json: bool) -> Result<i32, ApiError> {
    let name = name.ok_or_else(|| usage("give a session name"))?;
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
