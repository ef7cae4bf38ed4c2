//! The headless verbs that act on a session: pause, stop, finish, abort, interrupt, delete,
//! history, limits.

use crate::cli_agent::{LimitsArgs, NameOnly};
use crate::ctx::{Ctx, print_json};
use warren_client::api::Call;
use warren_proto::{ApiError, LimitsRequest, SessionInfo, exit};

fn show(s: &SessionInfo, json: bool) -> i32 {
    if json {
        print_json(s);
    } else {
        println!("{} {} ({}: {})", s.name, s.state, s.signal, s.detail);
    }
    exit::OK
}

/// A verb that answers the session, shown: `route` is its call in `warren_client::api`
/// (`api::pause`, `api::stop`…).
pub async fn act(
    ctx: &Ctx,
    route: fn(&str) -> Call<SessionInfo>,
    a: NameOnly,
) -> Result<i32, ApiError> {
    let s = ctx.client().await?.answer(&route(&a.named.get()?)).await?;
    Ok(show(&s, a.json))
}

/// `takeover`: the conversation continues in tmux; a terminal is attached to it.
pub async fn takeover(ctx: &Ctx, a: crate::cli_agent::TakeoverArgs) -> Result<i32, ApiError> {
    use std::io::IsTerminal as _;
    let name = a.named.get()?;
    let s = ctx.client().await?.takeover(&name).await?;
    if a.json || a.no_attach || !std::io::stdout().is_terminal() {
        return Ok(show(&s, a.json));
    }
    super::find::attach(ctx, s.name.as_str()).await
}

/// `approve`: answers yes (or always) to the dialog.
pub async fn approve(ctx: &Ctx, a: crate::cli_agent::ApproveArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let req = warren_proto::ApproveRequest { always: a.always };
    let r = ctx.client().await?.approve(&name, &req).await?;
    Ok(answered(&name, &r, a.json))
}

/// `deny`: answers no; a message becomes the next prompt.
pub async fn deny(ctx: &Ctx, a: crate::cli_agent::DenyArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let req = warren_proto::DenyRequest { message: a.message };
    let r = ctx.client().await?.deny(&name, &req).await?;
    Ok(answered(&name, &r, a.json))
}

fn answered(name: &str, r: &warren_proto::AnswerResult, json: bool) -> i32 {
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

pub async fn delete(ctx: &Ctx, a: NameOnly) -> Result<i32, ApiError> {
    let d = ctx.client().await?.delete(&a.named.get()?).await?;
    if a.json {
        print_json(&d);
    } else {
        println!("{}", d.message);
    }
    Ok(exit::OK)
}

pub async fn history(ctx: &Ctx, a: NameOnly) -> Result<i32, ApiError> {
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

pub async fn limits(ctx: &Ctx, a: LimitsArgs) -> Result<i32, ApiError> {
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
