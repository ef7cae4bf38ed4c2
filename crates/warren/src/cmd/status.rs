//! `warren status`: a session's state, its signal and its transitions (headless: cost,
//! limits, totals).

use super::args::NameOnly;
use crate::ctx::{Ctx, print_json};
use std::time::Duration;
use warren_proto::{ApiError, exit, format_duration};

/// Runs `warren status`.
pub async fn run(ctx: &Ctx, a: NameOnly) -> Result<i32, ApiError> {
    let (name, json) = (a.named.get()?, a.json);
    let s = ctx.client().await?.status(&name).await?;
    if json {
        print_json(&s);
        return Ok(exit::OK);
    }
    println!("name:     {}", s.name);
    println!("id:       {}", s.id);
    println!(
        "state:    {} for {} ({}: {})",
        s.state,
        format_duration(Duration::from_secs(s.age_secs)),
        s.signal,
        s.detail
    );
    if let Some(why) = &s.attention {
        println!("          ! needs attention: {why}");
    }
    println!("profile:  {} ({})", s.profile, s.kind);
    println!("command:  {}", s.command.join(" "));
    println!("cwd:      {}", s.cwd);
    println!(
        "pid:      {}",
        s.pid.map(|p| p.to_string()).unwrap_or_else(|| "-".into())
    );
    if let Some(c) = s.exit_code {
        println!("exit:     {c}");
    }
    println!("created:  {}", s.created_at);
    println!("output:   {} bytes", s.output_offset);
    if let Some(w) = &s.warning {
        println!("warning:  {w}");
    }
    if let Some(w) = &s.stale_warning {
        println!("warning:  {w}");
    }
    if let Some(l) = &s.limits {
        let secs =
            |v: Option<u64>| v.map_or("-".to_string(), |s| format_duration(Duration::from_secs(s)));
        println!(
            "limits:   per interaction {} · in all {}",
            secs(l.max_time_secs),
            secs(l.max_total_time_secs)
        );
    }
    if let Some(h) = &s.headless {
        println!(
            "agent:    {} · model {}",
            h.agent_session_id.as_deref().unwrap_or("-"),
            h.model.as_deref().unwrap_or("-")
        );
        println!(
            "cost:     ${:.4} own, ${:.4} with children · {} turn(s) · {} interaction(s)",
            s.cost.unwrap_or(0.0),
            h.total_cost,
            s.turns.unwrap_or(0),
            h.interactions
        );
        let l = &h.limits;
        let secs =
            |v: Option<u64>| v.map_or("-".to_string(), |s| format_duration(Duration::from_secs(s)));
        println!(
            "limits:   cost {} · turns {} · per interaction {} · in all {} · protect {}{}",
            l.max_cost.map_or("-".to_string(), |c| format!("${c:.2}")),
            l.max_turns.map_or("-".to_string(), |t| t.to_string()),
            secs(l.max_time_secs),
            secs(l.max_total_time_secs),
            if l.protect.is_empty() {
                "defaults".to_string()
            } else {
                l.protect.join(", ")
            },
            if l.strict { " (strict)" } else { "" }
        );
        println!(
            "safety:   {} violation(s){}",
            h.violations,
            if h.paused { " · paused" } else { "" }
        );
        if let Some(p) = &h.parent {
            println!("parent:   {p} (depth {})", h.depth);
        }
    }
    println!("transitions:");
    for t in &s.transitions {
        let from = t.from.map(|f| f.as_str()).unwrap_or("-");
        println!("  {}  {from} -> {}  {}  {}", t.at, t.to, t.signal, t.detail);
    }
    Ok(exit::OK)
}
