//! `warren events [--since ID] [-f]`: one JSON event per line.

use crate::ctx::Ctx;
use crate::sse::SseReader;
use std::io::Write as _;
use warren_client::api::EventsQuery;
use warren_proto::{ApiError, exit};

pub async fn run(
    ctx: &Ctx,
    since: Option<i64>,
    follow: bool,
    session: Option<String>,
    types: Option<String>,
) -> Result<i32, ApiError> {
    let q = EventsQuery {
        since: Some(since.unwrap_or(0)),
        follow: Some(follow),
        session,
        types,
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
