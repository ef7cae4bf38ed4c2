//! `warren events [--since ID] [-f]`: one JSON event per line.

use crate::ctx::{Ctx, seg};
use crate::sse::SseReader;
use std::io::Write as _;
use warren_client::ClientError;
use warren_proto::{ApiError, exit};

pub async fn run(
    ctx: &Ctx,
    since: Option<i64>,
    follow: bool,
    session: Option<String>,
    types: Option<String>,
) -> Result<i32, ApiError> {
    let mut q = vec![
        format!("since={}", since.unwrap_or(0)),
        format!("follow={follow}"),
    ];
    if let Some(s) = session {
        q.push(format!("session={}", seg(&s)));
    }
    if let Some(t) = types {
        q.push(format!("types={}", seg(&t)));
    }
    let body = ctx
        .client()
        .await?
        .stream(&format!("/v1/events?{}", q.join("&")))
        .await
        .map_err(ClientError::into_api)?;
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
