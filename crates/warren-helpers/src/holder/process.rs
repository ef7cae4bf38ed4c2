//! The holder process (`warren holder`): starts the agent with piped stdin and stdout, copies
//! its stdout into the session's output log (rotating segments, global offsets, like a tmux
//! pane's), sends its stderr to `stderr.log`, and serves framed requests from the daemon on
//! `holder.sock`. When the agent exits it writes `exit.json` and ends. Plain threads, no
//! async runtime: it must stay small and outlive any number of daemon restarts.

use super::frame::{self, Answer, Request};
use super::{ExitInfo, HOLDER_PROTOCOL, HolderInfo, files};
use crate::clock::now_ms;
use crate::fs::write_private_atomic;
use crate::outlog::{PipeConfig, SegmentWriter};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt as _;
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::{CommandExt as _, ExitStatusExt as _};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the holder was asked to run.
#[derive(Debug, Clone)]
pub struct HolderArgs {
    /// The session directory.
    pub dir: PathBuf,
    /// Output log rotation.
    pub cfg: PipeConfig,
    /// The agent's argv (program first).
    pub argv: Vec<String>,
}

struct Shared {
    stdin: Option<ChildStdin>,
    forwarded: u64,
    log: File,
    child_pid: u32,
}

/// Runs the holder until the agent exits; returns the holder's exit code.
pub fn run(a: HolderArgs) -> io::Result<i32> {
    // Its own session: the daemon's process group, terminal and signals are not its own.
    let _ = nix::unistd::setsid();
    let Some((program, args)) = a.argv.split_first() else {
        return Err(io::Error::other("no program to run"));
    };
    let socket_path = a.dir.join(files::SOCKET);
    let _ = std::fs::remove_file(&socket_path);
    let listener = UnixListener::bind(&socket_path)?;
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&socket_path, std::fs::Permissions::from_mode(0o600))?;
    }
    let stderr = open_append(&a.dir.join(files::STDERR))?;
    let mut child = Command::new(program)
        .args(args)
        .env_remove("WARREN_HOLDER")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        // Its own process group, so a signal reaches the tools it started too.
        .process_group(0)
        .spawn()
        .map_err(|e| io::Error::other(format!("cannot start {program}: {e}")))?;
    let child_pid = child.id();
    let info = HolderInfo {
        v: HOLDER_PROTOCOL,
        pid: std::process::id(),
        child_pid,
        started_ms: now_ms(),
    };
    write_private_atomic(&a.dir.join(files::INFO), &serde_json::to_vec(&info)?)?;
    // Tell whoever started us (once; nobody reads it after a daemon restart).
    {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "ready {child_pid}");
        let _ = out.flush();
    }
    let shared = Arc::new(Mutex::new(Shared {
        stdin: child.stdin.take(),
        forwarded: super::read_forwarded(&a.dir),
        log: open_append(&a.dir.join(files::FORWARDED))?,
        child_pid,
    }));

    let stdout = child.stdout.take();
    let (copied_tx, copied_rx) = std::sync::mpsc::channel();
    let dir = a.dir.clone();
    std::thread::spawn(move || {
        if let Some(out) = stdout {
            if let Err(e) = copy_stdout(&dir, a.cfg, out) {
                eprintln!("warren holder: recording the agent's output: {e}");
            }
        }
        let _ = copied_tx.send(());
    });
    let server = shared.clone();
    std::thread::spawn(move || serve(listener, server));

    let status = child.wait()?;
    // The agent is gone; its tools may hold stdout open: wait for the copy, bounded.
    let _ = copied_rx.recv_timeout(Duration::from_secs(2));
    let exit = ExitInfo {
        code: status.code(),
        signal: status.signal(),
        at_ms: now_ms(),
    };
    write_private_atomic(&a.dir.join(files::EXIT), &serde_json::to_vec(&exit)?)?;
    let _ = std::fs::remove_file(&socket_path);
    Ok(0)
}

fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
}

fn copy_stdout(dir: &Path, cfg: PipeConfig, mut out: impl Read) -> std::io::Result<()> {
    let mut w = SegmentWriter::open(dir, cfg)?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match out.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        w.write_all(&buf[..n])?;
    }
}

fn serve(listener: UnixListener, shared: Arc<Mutex<Shared>>) {
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        if !same_user(&conn) {
            continue;
        }
        let shared = shared.clone();
        std::thread::spawn(move || connection(conn, &shared));
    }
}

fn same_user(conn: &UnixStream) -> bool {
    use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
    getsockopt(conn, PeerCredentials)
        .map(|c| c.uid() == nix::unistd::getuid().as_raw())
        .unwrap_or(false)
}

fn connection(mut conn: UnixStream, shared: &Mutex<Shared>) {
    // A frame cut short (the daemon died mid-write) ends the connection with nothing done.
    while let Ok(Some(body)) = frame::read_frame(&mut conn) {
        let answer = match serde_json::from_slice::<Request>(&body) {
            Ok(req) if req.version() > HOLDER_PROTOCOL => fail(format!(
                "holder protocol {} is not supported (this holder speaks {HOLDER_PROTOCOL})",
                req.version()
            )),
            Ok(req) => handle(req, shared),
            Err(e) => fail(format!("bad request: {e}")),
        };
        let Ok(bytes) = serde_json::to_vec(&answer) else {
            return;
        };
        if frame::write_frame(&mut conn, &bytes).is_err() {
            return;
        }
    }
}

fn fail(error: String) -> Answer {
    Answer {
        ok: false,
        error: Some(error),
        v: HOLDER_PROTOCOL,
        ..Answer::default()
    }
}

fn handle(req: Request, shared: &Mutex<Shared>) -> Answer {
    let mut s = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let result = match req {
        Request::Hello { .. } => Ok(()),
        Request::Write { seq, line, .. } => write_line(&mut s, seq, &line),
        Request::Close { .. } => {
            s.stdin = None;
            Ok(())
        }
        Request::Signal { signal, .. } => send_signal(s.child_pid, &signal),
    };
    match result {
        Ok(()) => Answer {
            ok: true,
            error: None,
            v: HOLDER_PROTOCOL,
            pid: std::process::id(),
            child_pid: s.child_pid,
            forwarded: s.forwarded,
            stdin_open: s.stdin.is_some(),
        },
        Err(e) => Answer {
            forwarded: s.forwarded,
            stdin_open: s.stdin.is_some(),
            ..fail(e)
        },
    }
}

/// Forwards one validated line; a repeated sequence number (a daemon retrying after a
/// restart) is answered without writing it twice.
fn write_line(s: &mut Shared, seq: u64, line: &str) -> Result<(), String> {
    if seq != 0 && seq <= s.forwarded {
        return Ok(());
    }
    frame::validate_line(line)?;
    let stdin = s
        .stdin
        .as_mut()
        .ok_or_else(|| "the agent's stdin is closed".to_string())?;
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    stdin
        .write_all(&bytes)
        .and_then(|()| stdin.flush())
        .map_err(|e| format!("writing to the agent: {e}"))?;
    if seq != 0 {
        s.forwarded = seq;
        let _ = writeln!(s.log, "{seq}");
    }
    Ok(())
}

fn send_signal(child_pid: u32, name: &str) -> Result<(), String> {
    use nix::sys::signal::{Signal, killpg};
    let sig = match name {
        "INT" => Signal::SIGINT,
        "TERM" => Signal::SIGTERM,
        "KILL" => Signal::SIGKILL,
        other => return Err(format!("unknown signal {other}")),
    };
    let pgid = nix::unistd::Pid::from_raw(child_pid as i32);
    killpg(pgid, sig).map_err(|e| format!("signalling the agent: {e}"))
}
