//! `warren events [--since ID] [-f]`: one JSON event per line.

use crate::ctx::Ctx;
use crate::sse::SseReader;
use clap::Args;
use std::io::Write as _;
use warren_client::api::EventsQuery;
use warren_proto::{ApiError, exit};

/// `warren events`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Replay stored events after this id.
    #[arg(long)]
    pub since: Option<i64>,
    /// Keep following.
    #[arg(short, long)]
    pub follow: bool,
    /// Only this session.
    #[arg(long)]
    pub session: Option<String>,
    /// Only these types (comma-separated).
    #[arg(long)]
    pub types: Option<String>,
}

/// Runs `warren events`.
pub async fn run(ctx: &Ctx, a: EventsArgs) -> Result<i32, ApiError> {
    let q = EventsQuery {
        since: Some(a.since.unwrap_or(0)),
        follow: Some(a.follow),
        session: a.session,
        types: a.types,
    };
    let body = ctx.client().await?.events(&q).await?;
    let mut sse = SseReader::new(body);
    let mut out = std::io::stdout().lock();
    while let Some(data) = sse.next().await {
        if writeln!(out, "{data}").and_then(|()| out.flush()).is_err() {
            // Whoever read us went away (`warren events -f | head`): 128 + SIGPIPE.
            return Ok(141);
        }
    }
    Ok(exit::OK)
}
