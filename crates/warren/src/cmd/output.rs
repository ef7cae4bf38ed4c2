//! `warren output` and `warren tail`.

use crate::cli::OutputArgs;
use crate::ctx::Ctx;
use crate::sse::SseReader;
use base64::Engine as _;
use std::io::Write as _;
use warren_client::api::EventsQuery;
use warren_proto::{ApiError, Event, EventKind, exit};

/// Raw bytes from `since`; returns (offset served, data, missing, end).
async fn read(
    ctx: &Ctx,
    name: &str,
    since: u64,
    max: usize,
) -> Result<(u64, Vec<u8>, u64, u64), ApiError> {
    let r = ctx.client().await?.output(name, since, max).await?;
    Ok((r.offset, r.data.to_vec(), r.missing, r.end))
}

pub async fn output(ctx: &Ctx, a: OutputArgs) -> Result<i32, ApiError> {
    let name = a
        .name_flag
        .clone()
        .or(a.name.clone())
        .ok_or_else(|| crate::usage("a session name is required (NAME or --name NAME)"))?;
    let info = ctx.client().await?.status(&name).await?;
    if info.kind == "headless" && !a.raw && a.since.is_none() {
        return super::conversation::output(ctx, &name, a.full).await;
    }
    let mut out = std::io::stdout().lock();
    // The rendered screen: `-n N`, or 50 lines when neither --full nor --since is asked.
    let screen = a.lines.or((!a.full && a.since.is_none()).then_some(50));
    if let Some(n) = screen {
        let screen = ctx.client().await?.screen(&name, n).await?;
        let _ = out.write_all(&screen);
        return Ok(exit::OK);
    }
    let mut cursor = a.since.unwrap_or(0);
    let mut raw = Vec::new();
    loop {
        let (offset, data, missing, end) = read(ctx, &name, cursor, 8 << 20).await?;
        if missing > 0 {
            eprintln!("warren: {missing} bytes before offset {offset} were rotated away");
        }
        cursor = offset + data.len() as u64;
        if a.raw {
            let _ = out.write_all(&data);
        } else {
            raw.extend_from_slice(&data);
        }
        if data.is_empty() || cursor >= end {
            break;
        }
    }
    if !a.raw {
        let _ = out.write_all(strip(&raw).as_bytes());
    }
    let _ = out.flush();
    Ok(exit::OK)
}

fn strip(raw: &[u8]) -> String {
    let mut s = String::with_capacity(raw.len());
    for line in raw.split_inclusive(|b| *b == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        let visible = body
            .rsplit(|b| *b == b'\r')
            .find(|seg| !seg.is_empty())
            .unwrap_or(body);
        s.push_str(&String::from_utf8_lossy(&strip_ansi_escapes::strip(
            visible,
        )));
        if line.ends_with(b"\n") {
            s.push('\n');
        }
    }
    s
}

/// Exit code when stdout was closed under us: 128 + SIGPIPE, as a shell reports it.
const CLOSED_STDOUT: i32 = 141;

pub async fn tail(ctx: &Ctx, name: &str, follow: bool, lines: usize) -> Result<i32, ApiError> {
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
