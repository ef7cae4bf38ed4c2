//! Starting the daemon when none answers, as tmux does: under a lock so two clients never
//! start two daemons, detecting a stale socket, and checking the protocol version.

use crate::{Client, ClientError};
use std::path::{Path, PathBuf};
use std::time::Duration;
use warren_proto::{ApiError, ErrorCode, HealthCheck, PROTOCOL_VERSION};

/// How long a freshly started daemon may take to answer.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// How to start a daemon.
#[derive(Debug, Clone)]
pub struct Autostart {
    /// The API socket.
    pub socket: PathBuf,
    /// The lock serialising starts.
    pub lock: PathBuf,
    /// The executable to run as `<exe> daemon --foreground`.
    pub exe: PathBuf,
    /// Where the daemon's early output goes.
    pub log: PathBuf,
    /// Extra arguments for `warren daemon --foreground`.
    pub args: Vec<String>,
}

/// The daemon's health, if one answers.
pub async fn daemon_answers(client: &Client) -> Result<Option<HealthCheck>, ClientError> {
    match client.health_check().await {
        Ok(h) => Ok(Some(h)),
        // A daemon that is dying may still accept and then drop the connection.
        Err(ClientError::Unreachable { .. } | ClientError::Broken(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn check_protocol(h: &HealthCheck) -> Result<(), ClientError> {
    if h.protocol == PROTOCOL_VERSION {
        return Ok(());
    }
    Err(ClientError::Api(
        ApiError::new(
            ErrorCode::ProtocolMismatch,
            format!("the running warren daemon (version {}, pid {}) speaks protocol {}; this warren speaks protocol {PROTOCOL_VERSION}", h.version, h.pid, h.protocol),
        )
        .with_hint("restart it with this version: `warren daemon restart` (sessions keep running)"),
    ))
}

/// A client of a running daemon, starting one if none answers.
///
/// A bare connect is enough: every request carries the protocol version, and the daemon
/// refuses a mismatch itself, so no round trip is spent before the real request.
pub async fn ensure_daemon_running(a: &Autostart) -> Result<Client, ClientError> {
    if tokio::net::UnixStream::connect(&a.socket).await.is_ok() {
        return Ok(Client::new(&a.socket));
    }
    ensure_daemon_answering(a).await
}

/// Like `ensure_daemon_running`, but the daemon must answer a request, not just accept a
/// connection: after a broken connection, the old daemon may still be dying.
pub async fn ensure_daemon_answering(a: &Autostart) -> Result<Client, ClientError> {
    let client = Client::new(&a.socket);
    if let Some(h) = daemon_answers(&client).await? {
        check_protocol(&h)?;
        return Ok(client);
    }
    let lock = lock_file(&a.lock).await.map_err(|e| {
        unavailable(format!(
            "cannot take the autostart lock {}: {e}",
            a.lock.display()
        ))
    })?;
    // Someone else may have started it while we waited for the lock.
    if let Some(h) = daemon_answers(&client).await? {
        check_protocol(&h)?;
        return Ok(client);
    }
    let mut child = spawn_daemon(a).map_err(|e| {
        unavailable(format!(
            "cannot start the warren daemon ({}): {e}",
            a.exe.display()
        ))
    })?;
    let deadline = tokio::time::Instant::now() + START_TIMEOUT;
    let mut pause = Duration::from_millis(2);
    loop {
        if let Some(h) = daemon_answers(&client).await? {
            drop(lock);
            check_protocol(&h)?;
            return Ok(client);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(unavailable(format!(
                "the warren daemon did not answer within {}s; see {}",
                START_TIMEOUT.as_secs(),
                a.log.display()
            )));
        }
        if let Ok(Some(status)) = child.try_wait() {
            // A dying predecessor may still hold the pid lock for a moment: start again.
            if tokio::time::Instant::now() + Duration::from_millis(100) > deadline {
                return Err(unavailable(format!(
                    "the warren daemon exited at start ({status}); see {}",
                    a.log.display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            child = spawn_daemon(a).map_err(|e| {
                unavailable(format!(
                    "cannot start the warren daemon ({}): {e}",
                    a.exe.display()
                ))
            })?;
            continue;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

fn unavailable(m: String) -> ClientError {
    ClientError::Api(ApiError::new(ErrorCode::Unavailable, m))
}

fn spawn_daemon(a: &Autostart) -> std::io::Result<std::process::Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&a.log)?;
    let mut cmd = std::process::Command::new(&a.exe);
    // `--detached`: the daemon calls setsid() itself, so it outlives the terminal and the CLI.
    cmd.arg("daemon")
        .arg("--foreground")
        .arg("--detached")
        .args(&a.args);
    cmd.stdin(std::process::Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    // Never keep the caller's directory busy for the daemon's lifetime.
    cmd.current_dir("/");
    cmd.spawn()
}

async fn lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    tokio::task::spawn_blocking(move || f.lock().map(|()| f))
        .await
        .map_err(std::io::Error::other)?
}
