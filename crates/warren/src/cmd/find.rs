//! `warren find`, `warren adopt` and `warren attach`.

use crate::ctx::{Ctx, print_json};
use warren_proto::{AdoptRequest, ApiError, ErrorCode, SessionName, exit};

pub async fn find(ctx: &Ctx, all: bool, json: bool) -> Result<i32, ApiError> {
    let found = ctx.client().await?.find(all).await?;
    if json {
        print_json(&found);
    } else if found.is_empty() {
        println!("no unregistered tmux sessions");
    } else {
        for f in &found {
            let how = if f.adoptable {
                format!("  (warren adopt {})", f.tmux_name)
            } else {
                String::new()
            };
            println!(
                "{}  {}  {} window(s){}  {}{how}",
                f.server,
                f.tmux_name,
                f.windows,
                if f.attached { ", attached" } else { "" },
                f.command
            );
        }
    }
    Ok(exit::OK)
}

pub async fn adopt(
    ctx: &Ctx,
    tmux_name: String,
    as_name: Option<String>,
    profile: Option<String>,
    json: bool,
) -> Result<i32, ApiError> {
    let name = as_name.map(|n| SessionName::new(&n)).transpose()?;
    let req = AdoptRequest {
        tmux_name,
        name,
        profile,
    };
    let info = ctx.client().await?.adopt(&req).await?;
    if json {
        print_json(&info);
    } else {
        println!("{} {} ({})", info.name, info.state, info.detail);
    }
    Ok(exit::OK)
}

pub async fn attach(ctx: &Ctx, name: &str) -> Result<i32, ApiError> {
    let info = ctx.client().await?.status(name).await?;
    let Some(tmux_name) = info.tmux_session.clone() else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} has no tmux session", info.name),
        ));
    };
    let d = ctx.client().await?.daemon_status().await?;
    use std::os::unix::process::CommandExt as _;
    // Replaces this process; detaching (C-b d) leaves the session running.
    let err = std::process::Command::new(&d.tmux)
        .arg("-S")
        .arg(&d.tmux_socket)
        .arg("attach-session")
        .arg("-t")
        .arg(format!("={tmux_name}"))
        .env_remove("TMUX")
        .exec();
    Err(ApiError::new(
        ErrorCode::Unavailable,
        format!("cannot run {}: {err}", d.tmux),
    ))
}
