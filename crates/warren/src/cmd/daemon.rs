//! `warren daemon [stop|restart|status]`. `stop` and `status` never start a daemon.

use crate::ctx::{Ctx, print_json};
use clap::{Args, Subcommand};
use std::time::Duration;
use warren_client::{ClientError, daemon_answers};
use warren_proto::{ApiError, ErrorCode, StopRequest, exit};

/// `warren daemon …`.
#[derive(Debug, Args)]
pub struct DaemonArgs {
    /// stop | restart | status.
    #[command(subcommand)]
    pub action: Option<DaemonAction>,
    /// Stay in the foreground.
    #[arg(long)]
    pub foreground: bool,
    /// Also listen on this TCP address (loopback).
    #[arg(long)]
    pub tcp: Option<String>,
    /// Allow a non-loopback `--tcp` address.
    #[arg(long)]
    pub allow_remote: bool,
    /// (internal) Started by autostart: leave the caller's session.
    #[arg(long, hide = true)]
    pub detached: bool,
}

/// Daemon actions.
#[derive(Debug, Subcommand)]
pub enum DaemonAction {
    /// Stop the daemon; sessions keep running.
    Stop {
        /// Also end every session, the private tmux server and helpers.
        #[arg(long)]
        kill_sessions: bool,
    },
    /// Stop and start again.
    Restart,
    /// pid, version, protocol, socket, tcp, uptime, sessions.
    Status {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `warren daemon`.
pub async fn run(ctx: &Ctx, a: DaemonArgs, verbose: u8) -> Result<i32, ApiError> {
    match a.action {
        Some(DaemonAction::Stop { kill_sessions }) => stop(ctx, kill_sessions).await,
        Some(DaemonAction::Restart) => {
            stop(ctx, false).await?;
            start(ctx, &a).await
        }
        Some(DaemonAction::Status { json }) => status(ctx, json).await,
        None if a.foreground => foreground(ctx, a, verbose).await,
        None => start(ctx, &a).await,
    }
}

async fn foreground(ctx: &Ctx, a: DaemonArgs, verbose: u8) -> Result<i32, ApiError> {
    if a.detached {
        // Started by autostart: leave the caller's session and terminal behind.
        let _ = nix::unistd::setsid();
    }
    let paths = ctx.paths.clone();
    paths
        .create_dirs()
        .map_err(|e| ApiError::internal(format!("creating {}: {e}", paths.home.display())))?;
    let mut config = warren_daemon::Config::load(&paths)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, e.to_string()))?;
    if a.tcp.is_some() {
        config.tcp = a.tcp.clone();
    }
    config.allow_remote_tcp |= a.allow_remote;
    if verbose > 0 && std::env::var_os("RUST_LOG").is_none() {
        config.log_level = if verbose > 1 {
            "trace".into()
        } else {
            "debug".into()
        };
    }
    let _guard = warren_daemon::init_logging(&paths, &config);
    // MCP over streamable HTTP at /mcp: the tools `warren mcp` serves on stdio, each a call to
    // the daemon's own socket. Built here so the daemon does not depend on its own clients.
    let mcp = axum::Router::new().fallback_service(warren_mcp::http_service(paths.socket.clone()));
    match warren_daemon::run(paths, config, vec![("/mcp", mcp)]).await {
        Ok(()) => Ok(exit::OK),
        Err(e) => Err(ApiError::new(
            ErrorCode::Unavailable,
            format!("the daemon stopped: {e:#}"),
        )),
    }
}

async fn start(ctx: &Ctx, a: &DaemonArgs) -> Result<i32, ApiError> {
    let mut args = Vec::new();
    if let Some(t) = &a.tcp {
        args.extend(["--tcp".to_string(), t.clone()]);
    }
    if a.allow_remote {
        args.push("--allow-remote".into());
    }
    ctx.paths
        .create_dirs()
        .map_err(|e| ApiError::internal(format!("creating {}: {e}", ctx.paths.home.display())))?;
    let client = warren_client::ensure_daemon_running(&ctx.autostart(args))
        .await
        .map_err(ClientError::into_api)?;
    let s = client.daemon_status().await?;
    println!(
        "warren daemon running: pid {}, socket {}{}",
        s.pid,
        s.socket,
        s.tcp.map(|t| format!(", tcp {t}")).unwrap_or_default()
    );
    Ok(exit::OK)
}

async fn stop(ctx: &Ctx, kill_sessions: bool) -> Result<i32, ApiError> {
    let client = ctx.existing();
    let running = daemon_answers(&client)
        .await
        .map_err(ClientError::into_api)?;
    if running.is_some() {
        let _ = client.stop_daemon(&StopRequest { kill_sessions }).await;
        // Bounded wait for it to let go of its socket and pid lock.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while daemon_answers(&client).await.ok().flatten().is_some() || pid_locked(ctx) {
            if tokio::time::Instant::now() > deadline {
                if kill_sessions {
                    // Still end what it would have ended: the tmux server and the recorder.
                    kill_private_tmux(ctx).await;
                    warren_daemon::kill_recorder(&ctx.paths);
                }
                return Err(ApiError::new(
                    ErrorCode::Unavailable,
                    "the daemon did not stop within 15 s",
                ));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        println!(
            "warren daemon stopped{}",
            if kill_sessions {
                "; every session ended"
            } else {
                "; sessions keep running"
            }
        );
    } else {
        println!("no warren daemon running");
    }
    if kill_sessions {
        // Without a daemon, the private tmux server and the recorder may still run: end them.
        kill_private_tmux(ctx).await;
        warren_daemon::kill_recorder(&ctx.paths);
    }
    Ok(exit::OK)
}

fn pid_locked(ctx: &Ctx) -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&ctx.paths.pid_file)
        .map(|f| f.try_lock().is_err())
        .unwrap_or(false)
}

async fn kill_private_tmux(ctx: &Ctx) {
    if !ctx.paths.tmux_socket.exists() {
        return;
    }
    let config = warren_daemon::Config::load(&ctx.paths).unwrap_or_default();
    let _ = tokio::process::Command::new(&config.tmux)
        .arg("-S")
        .arg(&ctx.paths.tmux_socket)
        .arg("kill-server")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await;
}

async fn status(ctx: &Ctx, json: bool) -> Result<i32, ApiError> {
    let client = ctx.existing();
    if daemon_answers(&client)
        .await
        .map_err(ClientError::into_api)?
        .is_none()
    {
        return Err(ApiError::new(
            ErrorCode::Unavailable,
            format!(
                "no warren daemon running (socket {})",
                ctx.paths.socket.display()
            ),
        )
        .with_hint("start it: `warren daemon`"));
    }
    let s = client.daemon_status().await?;
    if json {
        print_json(&s);
    } else {
        println!("pid:       {}", s.pid);
        println!("version:   {}", s.version);
        println!("protocol:  {}", s.protocol);
        println!("socket:    {}", s.socket);
        println!("tcp:       {}", s.tcp.as_deref().unwrap_or("off"));
        println!(
            "uptime:    {}",
            warren_proto::format_duration(Duration::from_secs(s.uptime_secs))
        );
        println!("sessions:  {}", s.sessions);
        println!("home:      {}", s.home);
    }
    Ok(exit::OK)
}
