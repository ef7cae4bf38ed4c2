//! `warren history`: a headless session's interactions with the cost of each.

use super::args::NameOnly;
use crate::ctx::{Ctx, print_json};
use warren_proto::{ApiError, exit};

/// Runs `warren history`.
pub async fn run(ctx: &Ctx, a: NameOnly) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let h = ctx.client().await?.history(&name).await?;
    if a.json {
        print_json(&h);
        return Ok(exit::OK);
    }
    println!(
        "{:>4}  {:<14} {:>9} {:>5} {:>8}  PROMPT → RESPONSE",
        "#", "STATUS", "COST", "TURNS", "MS"
    );
    for i in &h.interactions {
        let prompt: String = i
            .prompt
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        let resp: String = i
            .response
            .as_deref()
            .or(i.errors.first().map(String::as_str))
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        println!(
            "{:>4}  {:<14} {:>9} {:>5} {:>8}  {prompt} → {resp}",
            i.seq,
            i.status,
            format!("${:.4}", i.cost),
            i.turns,
            i.duration_ms
        );
    }
    println!(
        "total: ${:.4} over {} interaction(s), {} turn(s)",
        h.total_cost,
        h.interactions.len(),
        h.total_turns
    );
    Ok(exit::OK)
}
