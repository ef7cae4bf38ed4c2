//! `warren attach`: your terminal on a session's tmux; detaching (C-b d) leaves it running.

use crate::ctx::Ctx;
use clap::Args;
use warren_proto::{ApiError, ErrorCode};

/// `warren attach`.
#[derive(Debug, Args)]
pub struct AttachArgs {
    /// Session name or id.
    pub name: String,
}

/// Runs `warren attach`.
pub async fn run(ctx: &Ctx, a: AttachArgs) -> Result<i32, ApiError> {
    attach(ctx, &a.name).await
}

/// Attaches this terminal to the session `name` (`takeover` too); only returns on failure.
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
