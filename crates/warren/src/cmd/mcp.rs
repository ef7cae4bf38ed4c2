//! `warren mcp`: the MCP server on stdio. Each tool call reaches the daemon afresh (started
//! when none answers), so a daemon restarted under a long-lived client is found again.

use crate::ctx::Ctx;
use std::sync::Arc;
use warren_client::ClientError;
use warren_proto::{ApiError, ErrorCode, exit};

pub async fn run(ctx: &Ctx) -> Result<i32, ApiError> {
    let autostart = Arc::new(ctx.autostart(Vec::new()));
    let paths = ctx.paths.clone();
    let connect: warren_mcp::Connector = Arc::new(move || {
        let autostart = autostart.clone();
        let paths = paths.clone();
        Box::pin(async move {
            paths.create_dirs().map_err(|e| {
                ApiError::new(
                    ErrorCode::Unavailable,
                    format!("cannot create {}: {e}", paths.home.display()),
                )
            })?;
            warren_client::ensure_daemon_running(&autostart)
                .await
                .map_err(ClientError::into_api)
        })
    });
    warren_mcp::serve_stdio(warren_mcp::WarrenMcp::new(connect))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("MCP server: {e}")))?;
    Ok(exit::OK)
}
