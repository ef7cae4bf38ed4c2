//! `warren send` and `warren keys`.

use crate::cli::SendArgs;
use crate::ctx::{Ctx, print_json};
use crate::usage;
use std::io::Read as _;
use warren_client::api;
use warren_proto::{Ack, ApiError, KeysRequest, SendAnswer, SendRequest, exit};

pub async fn send(ctx: &Ctx, a: SendArgs) -> Result<i32, ApiError> {
    // Seed 003 form: `send -s NAME -c TEXT`; ours: `send NAME TEXT`.
    let session = a.session.clone().or(a.name_flag.clone());
    let command = a.command.clone().or(a.message.clone());
    let (name, text) = match (session, command) {
        (Some(s), Some(c)) => (s, c),
        (Some(s), None) => (
            s,
            a.name
                .clone()
                .ok_or_else(|| usage("give the text to send"))?,
        ),
        (None, c) => (
            a.name.clone().ok_or_else(|| usage("give a session name"))?,
            c.or(a.text.clone())
                .ok_or_else(|| usage("give the text to send (or - for stdin)"))?,
        ),
    };
    let text = if text == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| usage(format!("reading stdin: {e}")))?;
        s.strip_suffix('\n').map(str::to_owned).unwrap_or(s)
    } else {
        text
    };
    let req = SendRequest {
        text,
        enter: Some(!a.no_enter),
        wait: a.wait.clone(),
        timeout_ms: a.timeout.map(|t| t.as_millis() as u64),
        stop: a.stop,
        no_wait: a.no_wait,
    };
    let ans = ctx.idempotent(api::send(&name, &req)).await?;
    if ans.status.is_some() || ans.response.is_some() {
        // A headless turn: its response and account.
        return Ok(super::turn::report_turn(&ans, a.json));
    }
    report(&ans, a.json);
    Ok(if ans.matched == Some(false) || ans.ack == Ack::Failed {
        exit::TIMEOUT_OR_DEAD
    } else {
        exit::OK
    })
}

pub async fn keys(ctx: &Ctx, name: &str, keys: Vec<String>, json: bool) -> Result<i32, ApiError> {
    let ans = ctx
        .client()
        .await?
        .keys(name, &KeysRequest { keys })
        .await?;
    report(&ans, json);
    Ok(exit::OK)
}

fn report(ans: &SendAnswer, json: bool) {
    if json {
        print_json(ans);
        return;
    }
    let ack = serde_json::to_value(ans.ack)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    match (ans.matched, &ans.matched_line) {
        (Some(true), Some(line)) => println!("{ack}; matched: {line}"),
        (Some(false), _) => eprintln!("{ack}; the pattern did not appear before the timeout"),
        _ => println!("{ack} ({})", ans.reason),
    }
}
