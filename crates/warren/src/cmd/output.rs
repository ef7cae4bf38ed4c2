//! `warren output`: the rendered screen, the whole log, or bytes from an offset (headless:
//! the conversation); and reading recorded bytes by offset (`tail` too).

use crate::ctx::Ctx;
use clap::Args;
use std::io::Write as _;
use warren_proto::{ApiError, exit};

/// `warren output`.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Session name or id.
    pub name: Option<String>,
    /// Session (claude-multi-session's `--name`).
    #[arg(long = "name", hide = true)]
    pub name_flag: Option<String>,
    /// The rendered screen and this many lines of history.
    #[arg(short = 'n', long = "lines", conflicts_with_all = ["full", "since"])]
    pub lines: Option<u32>,
    /// The whole output log, ANSI stripped.
    #[arg(long)]
    pub full: bool,
    /// Bytes from this global offset.
    #[arg(long)]
    pub since: Option<u64>,
    /// Bytes as recorded (no ANSI stripping).
    #[arg(long)]
    pub raw: bool,
}

/// Runs `warren output`.
pub async fn run(ctx: &Ctx, a: OutputArgs) -> Result<i32, ApiError> {
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

/// Raw bytes from `since`; returns (offset served, data, missing, end).
pub async fn read(
    ctx: &Ctx,
    name: &str,
    since: u64,
    max: usize,
) -> Result<(u64, Vec<u8>, u64, u64), ApiError> {
    let r = ctx.client().await?.output(name, since, max).await?;
    Ok((r.offset, r.data.to_vec(), r.missing, r.end))
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
