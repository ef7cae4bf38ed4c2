//! HTTP/1.1 over the daemon's Unix socket, one connection per request (cheap on a local socket).

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use tokio::net::UnixStream;
use warren_proto::{ApiError, ErrorBody, ErrorCode};

/// What can go wrong talking to the daemon.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing answers on the socket.
    #[error("the warren daemon is not reachable at {socket}: {source}")]
    Unreachable {
        /// The socket.
        socket: String,
        /// Why.
        source: std::io::Error,
    },
    /// The connection broke after the request was sent: the answer is unknown.
    #[error("the connection to the warren daemon broke: {0}")]
    Broken(String),
    /// The daemon answered with an error.
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl From<ClientError> for ApiError {
    fn from(e: ClientError) -> Self {
        e.into_api()
    }
}

impl ClientError {
    /// As an `ApiError` (for exit codes and messages).
    pub fn into_api(self) -> ApiError {
        match self {
            Self::Api(e) => e,
            Self::Unreachable { .. } => ApiError::new(ErrorCode::Unavailable, self.to_string())
                .with_hint("start it: `warren daemon`; see its log with `warren daemon status`"),
            Self::Broken(_) => ApiError::new(ErrorCode::Unavailable, self.to_string()),
        }
    }
}

/// A complete answer.
#[derive(Debug)]
pub struct Response {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: hyper::HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl Response {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A client of one daemon.
#[derive(Debug, Clone)]
pub struct Client {
    socket: PathBuf,
    token: Option<String>,
}

impl Client {
    /// A client for the daemon at `socket`.
    pub fn new(socket: &Path) -> Self {
        Self {
            socket: socket.to_path_buf(),
            token: None,
        }
    }

    /// Sends this session identity token instead of `$WARREN_SESSION_TOKEN` (a server relaying
    /// a caller's requests, such as `/mcp`).
    pub fn with_session_token(mut self, token: Option<String>) -> Self {
        self.token = token;
        self
    }

    /// The socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    async fn exchange(
        &self,
        req: Request<Full<Bytes>>,
    ) -> Result<hyper::Response<Incoming>, ClientError> {
        let stream =
            UnixStream::connect(&self.socket)
                .await
                .map_err(|source| ClientError::Unreachable {
                    socket: self.socket.display().to_string(),
                    source,
                })?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| ClientError::Broken(e.to_string()))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        sender
            .send_request(req)
            .await
            .map_err(|e| ClientError::Broken(e.to_string()))
    }

    fn build(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        idem: Option<&str>,
    ) -> Request<Full<Bytes>> {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost")
            .header(
                warren_proto::PROTOCOL_HEADER,
                warren_proto::PROTOCOL_VERSION.to_string(),
            );
        if body.is_some() {
            b = b.header("content-type", "application/json");
        }
        if let Some(k) = idem {
            b = b.header(warren_proto::IDEMPOTENCY_HEADER, k);
        }
        // Inside a session, every request carries its identity: the daemon then refuses what
        // a session may not do (raise its own limits, end its ancestors).
        let token = self
            .token
            .clone()
            .or_else(|| std::env::var(warren_proto::SESSION_TOKEN_ENV).ok());
        if let Some(t) = token {
            if !t.is_empty() && t.bytes().all(|c| c.is_ascii_alphanumeric()) {
                b = b.header(warren_proto::SESSION_TOKEN_HEADER, t);
            }
        }
        b.body(Full::new(Bytes::from(body.unwrap_or_default())))
            .unwrap_or_else(|e| unreachable!("static request parts: {e}"))
    }

    /// Sends a request and reads the whole answer; error statuses become `ClientError::Api`.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        idem: Option<&str>,
    ) -> Result<Response, ClientError> {
        let resp = self.exchange(self.build(method, path, body, idem)).await?;
        let (parts, body) = resp.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| ClientError::Broken(e.to_string()))?
            .to_bytes();
        if !parts.status.is_success() {
            return Err(ClientError::Api(error_of(parts.status, &body)));
        }
        Ok(Response {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    /// Sends a request and hands back the streaming body (SSE, tail).
    pub async fn stream(&self, path: &str) -> Result<Incoming, ClientError> {
        let resp = self
            .exchange(self.build(Method::GET, path, None, None))
            .await?;
        if !resp.status().is_success() {
            let status = resp.status();
            let body = resp
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            return Err(ClientError::Api(error_of(status, &body)));
        }
        Ok(resp.into_body())
    }

    /// GET and decode JSON.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let r = self.request(Method::GET, path, None, None).await?;
        decode(&r.body)
    }

    /// POST (or another method) JSON and decode JSON.
    pub async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
        idem: Option<&str>,
    ) -> Result<T, ClientError> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| ClientError::Api(ApiError::internal(e)))?;
        let r = self.request(method, path, Some(bytes), idem).await?;
        decode(&r.body)
    }
}

pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(body).map_err(|e| {
        ClientError::Api(ApiError::internal(format!(
            "unexpected answer from the daemon: {e}"
        )))
    })
}

fn error_of(status: StatusCode, body: &[u8]) -> ApiError {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(body) => ApiError { body },
        Err(_) => ApiError::new(
            ErrorCode::from_status(status.as_u16()),
            format!("HTTP {status}: {}", String::from_utf8_lossy(body).trim()),
        ),
    }
}

/// Percent-encodes a path segment or query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
