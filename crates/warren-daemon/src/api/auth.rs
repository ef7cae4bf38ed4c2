//! Who may talk to the daemon. Unix socket: mode 0600 and the peer's uid must be ours. TCP:
//! loopback only, a Host header naming localhost, and a bearer token compared in constant
//! time (`/health` needs no token). Tokens never reach a log.

use super::error::{forbidden_host, unauthorized};
use crate::daemon::Daemon;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use subtle::ConstantTimeEq as _;
use tokio::net::{UnixListener, UnixStream};

/// Whether a Host header names loopback (any port).
pub(crate) fn loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']')
            .next()
            .map(|h| format!("[{h}]"))
            .unwrap_or_default()
    } else {
        host.rsplit_once(':')
            .map_or(host, |(h, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    h
                } else {
                    host
                }
            })
            .to_string()
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "[::1]"
    )
}

/// Middleware for the TCP listener.
pub(crate) async fn tcp_guard(State(d): State<Arc<Daemon>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !loopback_host(host) {
        return forbidden_host().into_response();
    }
    if req.uri().path() != "/health" {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !bool::from(given.as_bytes().ct_eq(d.token.as_bytes())) || given.is_empty() {
            return unauthorized().into_response();
        }
    }
    next.run(req).await
}

/// Refuses a client that speaks another protocol version (it says which in a header).
pub(crate) async fn protocol_guard(req: Request, next: Next) -> Response {
    let theirs = req
        .headers()
        .get(warren_proto::PROTOCOL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u32>().ok());
    if let Some(v) = theirs.filter(|v| *v != warren_proto::PROTOCOL_VERSION) {
        let e = warren_proto::ApiError::new(
            warren_proto::ErrorCode::ProtocolMismatch,
            format!("this warren speaks protocol {v}; the running daemon (version {}, pid {}) speaks protocol {}", env!("CARGO_PKG_VERSION"), std::process::id(), warren_proto::PROTOCOL_VERSION),
        )
        .with_hint("restart it with this version: `warren daemon restart` (sessions keep running)");
        return super::error::Failure(e).into_response();
    }
    next.run(req).await
}

/// A Unix listener that drops connections from other users.
pub(crate) struct UidListener {
    inner: UnixListener,
    uid: u32,
}

impl UidListener {
    /// Wraps a bound listener; only `uid` may connect.
    pub(crate) fn new(inner: UnixListener, uid: u32) -> Self {
        Self { inner, uid }
    }
}

impl axum::serve::Listener for UidListener {
    type Io = UnixStream;
    type Addr = tokio::net::unix::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => match stream.peer_cred() {
                    Ok(cred) if cred.uid() == self.uid => return (stream, addr),
                    Ok(cred) => tracing::warn!("refused a connection from uid {}", cred.uid()),
                    Err(e) => tracing::warn!("refused a connection without credentials: {e}"),
                },
                Err(e) => {
                    tracing::warn!("accept on the Unix socket: {e}");
                    // Out of file descriptors and the like: give the system a moment.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::loopback_host;

    #[test]
    fn hosts() {
        for ok in [
            "localhost",
            "localhost:4040",
            "127.0.0.1:1",
            "[::1]:4040",
            "[::1]",
            "LOCALHOST",
        ] {
            assert!(loopback_host(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.com",
            "127.0.0.1.evil.com",
            "localhost.evil.com:80",
            "[::2]:1",
            "10.0.0.1:4040",
        ] {
            assert!(!loopback_host(bad), "{bad}");
        }
    }
}
