//! warren's MCP server: claude-multi-session's 17 tools (same names) and warren's own, each a
//! call to the daemon's API. It is a thin client: the daemon keeps every session and result,
//! so a client that times out or a server process that is restarted loses nothing.
//!
//! - [`params`]: the tools' arguments (their JSON schemas come from these types).
//! - [`server`]: the tools.

pub mod params;
pub mod server;

pub use server::{Connector, WarrenMcp};

/// Serves MCP on stdin/stdout until the client closes it. Only the protocol goes to stdout.
pub async fn serve_stdio(mcp: WarrenMcp) -> anyhow::Result<()> {
    use rmcp::ServiceExt as _;
    let running = mcp.serve(rmcp::transport::stdio()).await?;
    running.waiting().await?;
    Ok(())
}
