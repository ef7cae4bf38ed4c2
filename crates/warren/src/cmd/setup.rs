//! `warren setup`: Claude Code's MCP registration in a scope (`--global`, `--local`,
//! `--project`: `setup_mcp`), or `--instar`: the token where the instar-session skill reads it.

use super::setup_mcp::{self, Scope};
use crate::ctx::Ctx;
use crate::usage;
use clap::Args;
use warren_proto::{ApiError, ErrorCode, exit};

/// `warren setup`.
#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Write the token where the instar-session skill reads it and listen on 127.0.0.1:4040.
    #[arg(long)]
    pub instar: bool,
    /// Add `warren mcp` to Claude Code for all your projects (user scope).
    #[arg(long, group = "mcp_scope")]
    pub global: bool,
    /// Add it for this project, privately (local scope, in ~/.claude.json).
    #[arg(long, group = "mcp_scope")]
    pub local: bool,
    /// Add it for this project, shared (.mcp.json here).
    #[arg(long, group = "mcp_scope")]
    pub project: bool,
    /// Also add a short guide on delegating to CLAUDE.md.
    #[arg(long)]
    pub guide: bool,
    /// Remove what setup added.
    #[arg(long)]
    pub uninstall: bool,
}

/// Runs `warren setup`.
pub async fn run(ctx: &Ctx, a: SetupArgs) -> Result<i32, ApiError> {
    let scope = match (a.global, a.local, a.project) {
        (true, _, _) => Some(Scope::Global),
        (_, true, _) => Some(Scope::Local),
        (_, _, true) => Some(Scope::Project),
        _ => None,
    };
    match scope {
        Some(s) => setup_mcp::run(s, a.guide, a.uninstall),
        None => instar(ctx, a.instar).await,
    }
}

/// Writes the token where the instar-session skill reads it (`.instar/config.json`,
/// `auth.token`), turns TCP on at 127.0.0.1:4040, and restarts the daemon to apply it.
async fn instar(ctx: &Ctx, instar: bool) -> Result<i32, ApiError> {
    if !instar {
        return Err(usage(
            "say what to set up: `warren setup --global` (or --local, --project) for Claude Code's MCP, or `--instar`",
        ));
    }
    let cwd = std::env::current_dir().map_err(|e| usage(format!("no current directory: {e}")))?;
    ctx.paths
        .create_dirs()
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let token = warren_daemon::token::load_or_create(&ctx.paths.token)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let dir = cwd.join(".instar");
    std::fs::create_dir_all(&dir)
        .map_err(|e| ApiError::internal(format!("creating {}: {e}", dir.display())))?;
    let file = dir.join("config.json");
    let mut json: serde_json::Value = std::fs::read(&file)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_else(|| serde_json::json!({}));
    if !json.is_object() {
        json = serde_json::json!({});
    }
    json["auth"] = match json.get("auth") {
        Some(a) if a.is_object() => a.clone(),
        _ => serde_json::json!({}),
    };
    json["auth"]["token"] = serde_json::Value::String(token);
    write_private(
        &file,
        serde_json::to_string_pretty(&json)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    set_config(
        &ctx.paths.config_file,
        &[
            ("tcp", "127.0.0.1:4040".to_string()),
            ("instar_cwd", cwd.to_string_lossy().into_owned()),
        ],
    )?;
    println!("wrote the token to {}", file.display());
    println!(
        "set tcp = 127.0.0.1:4040 in {}",
        ctx.paths.config_file.display()
    );
    let running = warren_client::daemon_answers(&ctx.existing())
        .await
        .ok()
        .flatten()
        .is_some();
    if running {
        let stop = tokio::process::Command::new(
            std::env::current_exe().unwrap_or_else(|_| "warren".into()),
        )
        .args(["daemon", "stop"])
        .status()
        .await;
        if stop.map(|s| !s.success()).unwrap_or(true) {
            return Err(ApiError::new(
                ErrorCode::Unavailable,
                "could not restart the daemon; run `warren daemon restart`",
            ));
        }
    }
    ctx.client().await?;
    println!(
        "the daemon listens on http://127.0.0.1:4040 (try: curl -s http://localhost:4040/health)"
    );
    Ok(exit::OK)
}

/// Replaces `path` atomically, keeping an existing file's mode; a new one is 0600.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<(), ApiError> {
    warren_helpers::fs::write_atomic_keeping_mode(path, bytes, 0o600)
        .map_err(|e| ApiError::internal(format!("writing {}: {e}", path.display())))
}

/// Sets top-level string keys in a TOML file, keeping its other lines.
fn set_config(path: &std::path::Path, pairs: &[(&str, String)]) -> Result<(), ApiError> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let mut lines: Vec<String> = old.lines().map(str::to_owned).collect();
    // Top-level keys must come before the first table header.
    let first_table = lines
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .unwrap_or(lines.len());
    for (key, value) in pairs {
        let line = format!("{key} = {}", serde_json::Value::String(value.clone()));
        let existing = lines[..first_table]
            .iter()
            .position(|l| l.split('=').next().map(str::trim) == Some(key));
        match existing {
            Some(i) => lines[i] = line,
            None => lines.insert(0, line),
        }
    }
    write_private(path, (lines.join("\n") + "\n").as_bytes())
}
