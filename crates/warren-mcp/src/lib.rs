//! warren's MCP server: claude-multi-session's 17 tools (same names) and warren's own, each a
//! call to the daemon's API. It is a thin client: the daemon keeps every session and result,
//! so a client that times out or a server process that is restarted loses nothing.
//!
//! - [`params`]: the tools' arguments (their JSON schemas come from these types).
//! - [`server`]: the tools.
//! - [`serve_stdio`] (`warren mcp`) and [`http_service`] (`/mcp`): the two transports.

pub mod params;
pub mod server;

pub use server::{Connector, WarrenMcp};

use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
};
use std::sync::Arc;

/// Serves MCP on stdin/stdout until the client closes it. Only the protocol goes to stdout.
pub async fn serve_stdio(mcp: WarrenMcp) -> anyhow::Result<()> {
    use rmcp::ServiceExt as _;
    let running = mcp.serve(rmcp::transport::stdio()).await?;
    running.waiting().await?;
    Ok(())
}

/// MCP over streamable HTTP at `/mcp`: the tools `warren mcp` serves on stdio, each a call to
/// this daemon's own socket (so both transports are the same thin client). On TCP it sits
/// behind the bearer token and Host check like every route.
pub fn http_service(
    socket: std::path::PathBuf,
) -> StreamableHttpService<WarrenMcp, LocalSessionManager> {
    let connect: Connector = Arc::new(move || {
        let socket = socket.clone();
        Box::pin(async move { Ok(warren_client::Client::new(&socket)) })
    });
    let mut config = StreamableHttpServerConfig::default();
    // The API's own Host check (tcp_guard) already admits only loopback names; requests on
    // the Unix socket carry `Host: localhost`.
    config.allowed_hosts = vec![
        "localhost".into(),
        "127.0.0.1".into(),
        "[::1]".into(),
        "::1".into(),
    ];
    StreamableHttpService::new(
        move || Ok(WarrenMcp::new(connect.clone())),
        Arc::new(LocalSessionManager::default()),
        config,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn status_for_host(host: &str) -> u16 {
        let service = http_service("/nonexistent/warren.sock".into());
        let req = http::Request::builder()
            .method("GET")
            .uri("/mcp")
            .header("host", host)
            .body(String::new())
            .unwrap();
        service.handle(req).await.status().as_u16()
    }

    #[tokio::test]
    async fn http_service_admits_only_loopback_hosts() {
        for host in ["localhost", "127.0.0.1:4040", "[::1]:4040"] {
            assert_ne!(status_for_host(host).await, 403, "{host} is loopback");
        }
        assert_eq!(status_for_host("evil.example").await, 403);
    }
}
