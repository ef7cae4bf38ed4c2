//! The daemon's side of the holder protocol: one connection per session, one request at a
//! time, every step bounded by a timeout.

use std::path::Path;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::UnixStream;
use warren_helpers::holder::HOLDER_PROTOCOL;
use warren_helpers::holder::frame::{Answer, MAX_FRAME, Request};

/// How long a holder has to answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// A connection to one holder.
pub(crate) struct HolderClient {
    conn: UnixStream,
}

impl HolderClient {
    /// Connects to the holder of session directory `dir` and says hello.
    pub(crate) async fn connect(dir: &Path) -> std::io::Result<(Self, Answer)> {
        let path = dir.join(warren_helpers::holder::files::SOCKET);
        let conn = tokio::time::timeout(TIMEOUT, UnixStream::connect(&path))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "holder connect"))??;
        let mut c = Self { conn };
        let hello = c.request(&Request::Hello { v: HOLDER_PROTOCOL }).await?;
        Ok((c, hello))
    }

    /// Sends one request and reads its answer.
    pub(crate) async fn request(&mut self, req: &Request) -> std::io::Result<Answer> {
        let body = serde_json::to_vec(req)?;
        let len = u32::try_from(body.len())
            .ok()
            .filter(|n| (*n as usize) <= MAX_FRAME)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "too large"))?;
        let mut buf = Vec::with_capacity(body.len() + 4);
        buf.extend_from_slice(&len.to_be_bytes());
        buf.extend_from_slice(&body);
        let exchange = async {
            self.conn.write_all(&buf).await?;
            let mut len = [0u8; 4];
            self.conn.read_exact(&mut len).await?;
            let len = u32::from_be_bytes(len) as usize;
            if len > MAX_FRAME {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "oversized answer",
                ));
            }
            let mut body = vec![0u8; len];
            self.conn.read_exact(&mut body).await?;
            Ok::<_, std::io::Error>(body)
        };
        let body = tokio::time::timeout(TIMEOUT, exchange)
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "holder answer"))??;
        Ok(serde_json::from_slice(&body)?)
    }

    /// Forwards a JSON line with its sequence number.
    pub(crate) async fn write(&mut self, seq: u64, line: String) -> std::io::Result<Answer> {
        self.request(&Request::Write {
            v: HOLDER_PROTOCOL,
            seq,
            line,
        })
        .await
    }

    /// Closes the agent's stdin.
    pub(crate) async fn close(&mut self) -> std::io::Result<Answer> {
        self.request(&Request::Close { v: HOLDER_PROTOCOL }).await
    }

    /// Signals the agent's process group.
    pub(crate) async fn signal(&mut self, signal: &str) -> std::io::Result<Answer> {
        self.request(&Request::Signal {
            v: HOLDER_PROTOCOL,
            signal: signal.into(),
        })
        .await
    }
}
