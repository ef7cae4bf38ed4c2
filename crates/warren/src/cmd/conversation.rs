//! A headless session's conversation: `output` (the last response, or all of it rendered, or
//! the JSON lines with `--raw`) and `tail [-f]` (rendered as it happens, from the events).

use crate::ctx::Ctx;
use crate::render::render;
use crate::sse::SseReader;
use std::io::Write as _;
use warren_client::api::EventsQuery;
use warren_proto::{ApiError, Event, EventKind, exit};

/// The last response, or (`full`) the whole conversation rendered from the recorded stream.
pub async fn output(ctx: &Ctx, name: &str, full: bool) -> Result<i32, ApiError> {
    if !full {
        let h = ctx.client().await?.history(name).await?;
        match h.interactions.iter().rev().find_map(|i| i.response.clone()) {
            Some(r) => println!("{r}"),
            None => eprintln!("warren: {name} has no response yet"),
        }
        return Ok(exit::OK);
    }
    let raw = raw_log(ctx, name).await?;
    let mut out = std::io::stdout().lock();
    for line in raw.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        for ev in warren_daemon::parse_line(line) {
            for l in render(&ev) {
                if writeln!(out, "{l}").is_err() {
                    return Ok(141);
                }
            }
        }
    }
    Ok(exit::OK)
}

async fn raw_log(ctx: &Ctx, name: &str) -> Result<Vec<u8>, ApiError> {
    let mut cursor = 0u64;
    let mut raw = Vec::new();
    let client = ctx.client().await?;
    loop {
        let r = client.output(name, cursor, 8 << 20).await?;
        cursor = r.next();
        raw.extend_from_slice(&r.data);
        if r.data.is_empty() || cursor >= r.end {
            return Ok(raw);
        }
    }
}

const TYPES: &str = "agent,violation,state_changed,exited";

/// The last `lines` rendered lines, then (`follow`) new events as they come.
pub async fn tail(ctx: &Ctx, name: &str, follow: bool, lines: usize) -> Result<i32, ApiError> {
    let client = ctx.client().await?;
    let stored = client
        .events(&EventsQuery {
            session: Some(name.into()),
            since: Some(0),
            follow: Some(false),
            types: Some(TYPES.into()),
        })
        .await?;
    let mut sse = SseReader::new(stored);
    let mut last_id = 0;
    let mut text: Vec<String> = Vec::new();
    while let Some(data) = sse.next().await {
        if let Ok(ev) = serde_json::from_str::<Event>(&data) {
            last_id = ev.id.unwrap_or(last_id).max(last_id);
            text.extend(lines_of(&ev.kind));
        }
    }
    let mut out = std::io::stdout().lock();
    for l in &text[text.len().saturating_sub(lines)..] {
        if writeln!(out, "{l}").is_err() {
            return Ok(141);
        }
    }
    let _ = out.flush();
    if !follow {
        return Ok(exit::OK);
    }
    let live = client
        .events(&EventsQuery {
            session: Some(name.into()),
            since: Some(last_id),
            follow: Some(true),
            types: Some(TYPES.into()),
        })
        .await?;
    let mut sse = SseReader::new(live);
    while let Some(data) = sse.next().await {
        let Ok(ev) = serde_json::from_str::<Event>(&data) else {
            continue;
        };
        for l in lines_of(&ev.kind) {
            if writeln!(out, "{l}").and_then(|()| out.flush()).is_err() {
                return Ok(141);
            }
        }
    }
    Ok(exit::OK)
}

fn lines_of(kind: &EventKind) -> Vec<String> {
    match kind {
        EventKind::Agent(a) => render(a),
        EventKind::Violation(v) => vec![format!("⚠ safety net: {}", v.message)],
        EventKind::StateChanged { to, detail, .. } => vec![format!("· {to}: {detail}")],
        EventKind::Exited { exit_code, .. } => vec![format!(
            "· the agent exited ({})",
            exit_code.map_or("status unknown".into(), |c| format!("exit {c}"))
        )],
        _ => Vec::new(),
    }
}
