//! `warren tail [-f]`: the last lines of output, then (`-f`) new output as it comes (headless:
//! the conversation, rendered).

use super::output::read;
use crate::ctx::Ctx;
use crate::sse::SseReader;
use base64::Engine as _;
use clap::Args;
use std::io::Write as _;
use warren_client::api::EventsQuery;
use warren_proto::{ApiError, Event, EventKind, exit};

/// `warren tail`.
#[derive(Debug, Args)]
pub struct TailArgs {
    /// Session name or id.
    pub name: String,
    /// Keep following.
    #[arg(short, long)]
    pub follow: bool,
    /// Lines of existing output to print first.
    #[arg(short = 'n', long, default_value_t = 10)]
    pub lines: usize,
}

/// Exit code when stdout was closed under us: 128 + SIGPIPE, as a shell reports it.
const CLOSED_STDOUT: i32 = 141;

/// Runs `warren tail`.
pub async fn run(ctx: &Ctx, a: TailArgs) -> Result<i32, ApiError> {
    let (name, follow, lines) = (a.name.as_str(), a.follow, a.lines);
    let info = ctx.client().await?.status(name).await?;
    if info.kind == "headless" {
        return super::conversation::tail(ctx, name, follow, lines).await;
    }
    let client = ctx.client().await?;
    // Subscribe first, then read what is there, so nothing falls between the two.
    let stream = if follow {
        Some(
            client
                .events(&EventsQuery {
                    session: Some(name.into()),
                    types: Some("output,output_gap,exited,state_changed".into()),
                    ..EventsQuery::default()
                })
                .await?,
        )
    } else {
        None
    };
    let (_, _, _, end) = read(ctx, name, u64::MAX / 2, 0).await?;
    let mut start = end.saturating_sub(64 * 1024);
    let (offset, data, _, _) = read(ctx, name, start, 64 * 1024).await?;
    let cut = data
        .iter()
        .rev()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(lines)
        .map_or(0, |(i, _)| data.len() - i);
    start = offset + cut as u64;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&data[cut..]);
    let _ = out.flush();
    let mut cursor = start + (data.len() - cut) as u64;
    let Some(stream) = stream else {
        return Ok(exit::OK);
    };
    let mut sse = SseReader::new(stream);
    while let Some(data) = sse.next().await {
        let Ok(ev) = serde_json::from_str::<Event>(&data) else {
            continue;
        };
        match ev.kind {
            EventKind::Output(chunk) => {
                let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&chunk.data)
                else {
                    continue;
                };
                if chunk.offset > cursor {
                    cursor = catch_up(ctx, name, cursor, chunk.offset, &mut out).await?;
                }
                let end = chunk.offset + bytes.len() as u64;
                if end > cursor {
                    let skip = (cursor - chunk.offset) as usize;
                    if out
                        .write_all(&bytes[skip..])
                        .and_then(|()| out.flush())
                        .is_err()
                    {
                        // Whoever read us went away (`warren tail -f x | head`).
                        return Ok(CLOSED_STDOUT);
                    }
                    cursor = end;
                }
            }
            EventKind::OutputGap { .. } => {
                let (_, _, _, end) = read(ctx, name, u64::MAX / 2, 0).await?;
                cursor = catch_up(ctx, name, cursor, end, &mut out).await?;
            }
            EventKind::Exited { .. } => {
                let (_, _, _, end) = read(ctx, name, u64::MAX / 2, 0).await?;
                catch_up(ctx, name, cursor, end, &mut out).await?;
                return Ok(exit::OK);
            }
            EventKind::StateChanged { to, .. } if to.is_terminal() => {
                let (_, _, _, end) = read(ctx, name, u64::MAX / 2, 0).await?;
                catch_up(ctx, name, cursor, end, &mut out).await?;
                return Ok(exit::OK);
            }
            _ => {}
        }
    }
    Ok(exit::OK)
}

/// Fetches `[from, to)` by offset (what live delivery dropped) and writes it.
async fn catch_up(
    ctx: &Ctx,
    name: &str,
    mut from: u64,
    to: u64,
    out: &mut impl std::io::Write,
) -> Result<u64, ApiError> {
    while from < to {
        let (offset, data, _, _) = read(ctx, name, from, (to - from).min(8 << 20) as usize).await?;
        if data.is_empty() {
            break;
        }
        let _ = out.write_all(&data);
        from = offset + data.len() as u64;
    }
    let _ = out.flush();
    Ok(from)
}
