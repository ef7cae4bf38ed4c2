//! `warren ls`: the sessions as a table, or the daemon's JSON as it came.

use crate::ctx::Ctx;
use clap::Args;
use std::time::Duration;
use warren_client::api;
use warren_proto::{ApiError, exit, format_duration};

/// `warren ls`.
#[derive(Debug, Args)]
pub struct LsArgs {
    /// Only sessions in this state.
    #[arg(long, short = 's')]
    pub status: Option<String>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Runs `warren ls`.
pub async fn run(ctx: &Ctx, a: LsArgs) -> Result<i32, ApiError> {
    let (status, json) = (a.status, a.json);
    let client = ctx.client().await?;
    if json {
        // The daemon's JSON as it came: no parsing and re-encoding of hundreds of sessions.
        let resp = client.response(&api::sessions(status.as_deref())).await?;
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = out
            .write_all(&resp.body)
            .and_then(|()| out.write_all(b"\n"));
        return Ok(exit::OK);
    }
    // The table needs only a few fields: the brief view.
    let all = client.sessions_brief(status.as_deref()).await?;
    if all.is_empty() {
        println!("no sessions");
        return Ok(exit::OK);
    }
    let w = all
        .iter()
        .map(|s| s.name.as_str().len())
        .max()
        .unwrap_or(4)
        .max(4);
    // One buffered write: stdout is line-buffered, and hundreds of lines were hundreds of syscalls.
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = writeln!(
        out,
        "{:w$}  {:14}  {:18}  {:>7}  {:8}  PID",
        "NAME", "STATE", "SIGNAL", "AGE", "PROFILE"
    );
    for s in &all {
        let pid = s.pid.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
        let stale = if s.stale { "  (stale)" } else { "" };
        // A session that needs a person: `!` before its state, the reason at the end.
        let (state, attention) = match &s.attention {
            Some(why) => (
                std::borrow::Cow::Owned(format!("!{}", s.state)),
                format!("  ! {why}"),
            ),
            None => (std::borrow::Cow::Borrowed(s.state.as_str()), String::new()),
        };
        let _ = writeln!(
            out,
            "{:w$}  {:14}  {:18}  {:>7}  {:8}  {pid}{stale}{attention}",
            s.name.as_str(),
            state,
            s.signal.name(),
            format_duration(Duration::from_secs(s.age_secs)),
            s.profile
        );
    }
    let _ = out.flush();
    Ok(exit::OK)
}
