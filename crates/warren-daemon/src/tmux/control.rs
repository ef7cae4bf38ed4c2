//! An async client for one `tmux -C` connection.
//!
//! One writer task pushes each request onto a FIFO and writes its line; one reader task
//! always drains stdout (so tmux never stalls on us), matches each `%end`/`%error` of our own
//! commands (flags 1) to the oldest pending request, and forwards notifications.

use super::parse::{Line, parse_line};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};

/// How long one command may take before we give up on it.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);
/// A line longer than this from tmux is cut (bounded reads).
const MAX_LINE: usize = 4 * 1024 * 1024;

/// A tmux failure.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TmuxError {
    /// The binary is missing or the server cannot be started.
    #[error("{0}")]
    Unavailable(String),
    /// tmux answered `%error` with this text.
    #[error("tmux: {0}")]
    Command(String),
    /// The control connection closed (the server went away).
    #[error("the tmux server went away")]
    Gone,
}

/// Notifications that matter to the daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A session was created or destroyed somewhere on the server.
    SessionsChanged,
    /// The control connection ended (with tmux's reason, if any).
    Exit(String),
}

type Reply = oneshot::Sender<Result<Vec<String>, TmuxError>>;

/// One live control-mode connection.
pub struct ControlClient {
    tx: mpsc::UnboundedSender<(String, Reply)>,
    alive: Arc<AtomicBool>,
    pid: Option<u32>,
    _child: Arc<tokio::sync::Mutex<Child>>,
}

impl ControlClient {
    /// Attaches a command-only control client to `session` on the server at `socket`.
    pub fn start(
        bin: &Path,
        socket: &Path,
        session: &str,
        notices: mpsc::UnboundedSender<Notice>,
    ) -> Result<Self, TmuxError> {
        let mut child = Command::new(bin)
            .arg("-u")
            .arg("-S")
            .arg(socket)
            .args(["-C", "attach-session", "-f", "no-output", "-t"])
            .arg(format!("={session}"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| TmuxError::Unavailable(format!("cannot run {}: {e}", bin.display())))?;
        let pid = child.id();
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(TmuxError::Unavailable(
                "tmux control client has no pipes".into(),
            ));
        };
        let alive = Arc::new(AtomicBool::new(true));
        let pending: Arc<Mutex<VecDeque<Reply>>> = Arc::default();
        let (tx, mut rx) = mpsc::unbounded_channel::<(String, Reply)>();

        let writer_pending = pending.clone();
        let writer_alive = alive.clone();
        tokio::spawn(async move {
            while let Some((line, reply)) = rx.recv().await {
                if !writer_alive.load(Ordering::Acquire) {
                    let _ = reply.send(Err(TmuxError::Gone));
                    continue;
                }
                lock(&writer_pending).push_back(reply);
                let mut bytes = line.into_bytes();
                bytes.push(b'\n');
                if stdin.write_all(&bytes).await.is_err() || stdin.flush().await.is_err() {
                    writer_alive.store(false, Ordering::Release);
                    fail_all(&writer_pending);
                }
            }
        });

        let reader_alive = alive.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout);
            let mut block: Option<(u32, Vec<String>)> = None;
            let mut buf = Vec::new();
            let mut reason = String::new();
            loop {
                buf.clear();
                match (&mut reader)
                    .take(MAX_LINE as u64)
                    .read_until(b'\n', &mut buf)
                    .await
                {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
                match parse_line(line, block.is_some()) {
                    Line::Begin { flags, .. } => block = Some((flags, Vec::new())),
                    Line::End { error, flags, .. } => {
                        let body = block.take().map(|(_, b)| b).unwrap_or_default();
                        if flags == 1 {
                            if let Some(reply) = lock(&pending).pop_front() {
                                let result = if error {
                                    Err(TmuxError::Command(body.join("\n")))
                                } else {
                                    Ok(body)
                                };
                                let _ = reply.send(result);
                            }
                        }
                    }
                    Line::Body(b) => {
                        if let Some((_, body)) = block.as_mut() {
                            body.push(String::from_utf8_lossy(&b).into_owned());
                        }
                    }
                    Line::Notification { name, rest } => match name.as_str() {
                        "sessions-changed" | "session-closed" => {
                            let _ = notices.send(Notice::SessionsChanged);
                        }
                        "exit" => reason = String::from_utf8_lossy(&rest).into_owned(),
                        _ => {}
                    },
                }
            }
            reader_alive.store(false, Ordering::Release);
            fail_all(&pending);
            let _ = notices.send(Notice::Exit(reason));
        });

        Ok(Self {
            tx,
            alive,
            pid,
            _child: Arc::new(tokio::sync::Mutex::new(child)),
        })
    }

    /// Whether the connection is still open.
    pub fn is_alive(&self) -> bool {
        self.alive.load(Ordering::Acquire)
    }

    /// The control client's process id.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Runs one command line and returns its output lines.
    pub async fn run(&self, line: String) -> Result<Vec<String>, TmuxError> {
        if line.contains('\n') || line.is_empty() {
            // An empty line detaches the client; a newline would split the command.
            return Err(TmuxError::Command(
                "internal: a command line must be one non-empty line".into(),
            ));
        }
        let (reply, rx) = oneshot::channel();
        self.tx.send((line, reply)).map_err(|_| TmuxError::Gone)?;
        match tokio::time::timeout(COMMAND_TIMEOUT, rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(TmuxError::Gone),
            Err(_) => Err(TmuxError::Unavailable(
                "tmux did not answer within 15 s".into(),
            )),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn fail_all(pending: &Mutex<VecDeque<Reply>>) {
    for reply in lock(pending).drain(..) {
        let _ = reply.send(Err(TmuxError::Gone));
    }
}

use tokio::io::AsyncReadExt as _;
