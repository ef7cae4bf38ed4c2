//! `warren send`: text (Enter included) to a session, or a headless turn; and how an
//! input's answer is printed (`keys` answers the same).

use super::args::duration;
use crate::ctx::{Ctx, print_json};
use crate::usage;
use clap::Args;
use std::io::Read as _;
use std::time::Duration;
use warren_client::api;
use warren_proto::{Ack, ApiError, SendAnswer, SendRequest, exit};

/// `warren send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Session name or id.
    pub name: Option<String>,
    /// The text; `-` reads stdin.
    pub text: Option<String>,
    /// Session (seed 003's `-s`).
    #[arg(short = 's', long = "session", hide = true)]
    pub session: Option<String>,
    /// Session (claude-multi-session's `--name`).
    #[arg(long = "name", hide = true)]
    pub name_flag: Option<String>,
    /// Text (seed 003's `-c`).
    #[arg(short = 'c', long = "command", hide = true)]
    pub command: Option<String>,
    /// Text (claude-multi-session's `--message`).
    #[arg(long = "message", hide = true)]
    pub message: Option<String>,
    /// Headless: stop the session (resumable) after the response.
    #[arg(long)]
    pub stop: bool,
    /// Headless: answer once the message arrived, not at its result.
    #[arg(long)]
    pub no_wait: bool,
    /// Multi-line (seed 003's `-m`; multi-line text is detected anyway).
    #[arg(short = 'm', long = "multiline", hide = true)]
    pub multiline: bool,
    /// Do not press Enter.
    #[arg(long)]
    pub no_enter: bool,
    /// Wait for this regex in output that arrives after the send.
    #[arg(long, short = 'w')]
    pub wait: Option<String>,
    /// How long to wait (default 30s).
    #[arg(long, short = 'T', value_parser = duration)]
    pub timeout: Option<Duration>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `warren send`.
pub async fn run(ctx: &Ctx, a: SendArgs) -> Result<i32, ApiError> {
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

/// Prints an input's answer: the acknowledgement, or whether the pattern matched.
pub fn report(ans: &SendAnswer, json: bool) {
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
