//! The output recorder: one long-lived process that writes every pane's output log.
//!
//! tmux's `pipe-pane` starts a command per pane; a resident copier per session would cost
//! about a megabyte of RSS each (hundreds of sessions, hundreds of megabytes). So the command
//! is `warren pipe`, which hands its end of the pipe to this recorder over a Unix socket
//! (SCM_RIGHTS) and exits. The recorder is its own process, detached from the daemon, so
//! output keeps being recorded while the daemon is down or restarting. If the recorder cannot
//! be reached, `warren pipe` copies the output itself: nothing is lost either way.
//!
//! Protocol (version 1): a client connects and sends one JSON line; a `record` line carries
//! the pipe as an SCM_RIGHTS fd and is answered `ok`; a `watch` line is never answered, and
//! the connection's end tells the watcher that the recorder is gone.

use crate::outlog::{PipeConfig, SegmentWriter};
use nix::sys::socket::{ControlMessage, ControlMessageOwned, MsgFlags, recvmsg, sendmsg};
use serde::{Deserialize, Serialize};
use std::io::{self, BufRead as _, IoSlice, IoSliceMut, Read as _, Write as _};
use std::os::fd::{AsRawFd as _, OwnedFd, RawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Watch connections: each gets a JSON line when a pane's output cannot be written.
static WATCHERS: std::sync::Mutex<Vec<UnixStream>> = std::sync::Mutex::new(Vec::new());

/// Tells every watcher that `dir`'s output could not be written (once per failure episode).
fn report_failure(dir: &Path, error: &std::io::Error) {
    let line = serde_json::json!({"op": "write_failed", "dir": dir, "error": error.to_string()})
        .to_string()
        + "\n";
    let mut watchers = WATCHERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    watchers.retain_mut(|w| w.write_all(line.as_bytes()).is_ok());
}

/// Version of the recorder protocol; a recorder answers only its own version.
const RECORDER_PROTOCOL: u32 = 1;
/// Read size per pane (small: hundreds of panes each hold one buffer).
const BUF: usize = 16 * 1024;
/// Stack of a per-pane thread (it only reads and writes).
const STACK: usize = 128 * 1024;

/// One request line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Request {
    /// Record the passed fd into `dir`.
    Record {
        v: u32,
        dir: PathBuf,
        max_bytes: u64,
        keep: usize,
    },
    /// Hold the connection open; its end means the recorder is gone.
    Watch { v: u32 },
}

/// Hands this process's stdin (tmux's pipe) to the recorder at `socket`. On success the
/// caller exits; on failure it copies the output itself.
pub fn handoff(socket: &Path, dir: &Path, cfg: PipeConfig) -> std::io::Result<()> {
    let stream = UnixStream::connect(socket)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut line = serde_json::to_vec(&Request::Record {
        v: RECORDER_PROTOCOL,
        dir: dir.to_path_buf(),
        max_bytes: cfg.max_bytes,
        keep: cfg.keep,
    })?;
    line.push(b'\n');
    let stdin: RawFd = std::io::stdin().as_raw_fd();
    let fds = [stdin];
    sendmsg::<()>(
        stream.as_raw_fd(),
        &[IoSlice::new(&line)],
        &[ControlMessage::ScmRights(&fds)],
        MsgFlags::empty(),
        None,
    )
    .map_err(std::io::Error::from)?;
    let mut answer = String::new();
    std::io::BufReader::new(&stream).read_line(&mut answer)?;
    if answer.trim() == "ok" {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "the recorder refused: {}",
            answer.trim()
        )))
    }
}

/// Whether a recorder answers on `socket`.
fn running(socket: &Path) -> bool {
    UnixStream::connect(socket).is_ok()
}

/// Connects a watch: the returned stream reaches its end when the recorder exits.
pub fn watch(socket: &Path) -> std::io::Result<UnixStream> {
    let mut stream = UnixStream::connect(socket)?;
    let mut line = serde_json::to_vec(&Request::Watch {
        v: RECORDER_PROTOCOL,
    })?;
    line.push(b'\n');
    stream.write_all(&line)?;
    Ok(stream)
}

/// Starts a recorder (`<exe> recorder …`, detached) unless one answers. True when it started
/// a new one: then every live pane must be piped again, the old pipes died with the old one.
pub fn ensure_running(
    exe: &Path,
    socket: &Path,
    pid_file: &Path,
    log: &Path,
) -> std::io::Result<bool> {
    if running(socket) {
        return Ok(false);
    }
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    let mut child = std::process::Command::new(exe)
        .arg("recorder")
        .arg("--socket")
        .arg(socket)
        .arg("--pid-file")
        .arg(pid_file)
        .stdin(std::process::Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .current_dir("/")
        .spawn()?;
    // Bounded: it binds its socket in milliseconds.
    for _ in 0..500 {
        if running(socket) {
            // Reap it when it exits; it lives on after us otherwise.
            std::thread::spawn(move || child.wait());
            return Ok(true);
        }
        if let Ok(Some(status)) = child.try_wait() {
            if running(socket) {
                return Ok(false);
            }
            return Err(std::io::Error::other(format!(
                "the recorder exited at start ({status}); see {}",
                crate_log(log)
            )));
        }
        pause(Duration::from_millis(10));
    }
    Err(std::io::Error::other(
        "the recorder did not answer within 5 s",
    ))
}

fn crate_log(log: &Path) -> String {
    log.display().to_string()
}

#[allow(
    clippy::disallowed_methods,
    reason = "the interval of a bounded poll for the recorder's socket"
)]
fn pause(d: Duration) {
    std::thread::sleep(d);
}

/// The recorder's main loop: serves until killed. Holds `pid_file` locked while it runs.
pub fn serve(socket: &Path, pid_file: &Path) -> io::Result<()> {
    let _ = nix::unistd::setsid();
    let mut lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(pid_file)?;
    if lock.try_lock().is_err() {
        return Err(io::Error::other(format!(
            "a recorder already runs ({})",
            pid_file.display()
        )));
    }
    lock.set_len(0)?;
    write!(lock, "{}", std::process::id())?;
    let _ = std::fs::remove_file(socket);
    let listener = UnixListener::bind(socket)?;
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))?;
    }
    let uid = nix::unistd::getuid().as_raw();
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        // Only our own user may hand us pipes or watch us.
        match nix::sys::socket::getsockopt(&conn, nix::sys::socket::sockopt::PeerCredentials) {
            Ok(cred) if cred.uid() == uid => {}
            _ => continue,
        }
        let _ = std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || {
                if let Err(e) = connection(conn) {
                    eprintln!("warren recorder: {e}");
                }
            });
    }
    Ok(())
}

fn connection(conn: UnixStream) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut cmsg = nix::cmsg_space!([RawFd; 1]);
    let (n, fd) = {
        let mut iov = [IoSliceMut::new(&mut buf)];
        let msg = recvmsg::<()>(
            conn.as_raw_fd(),
            &mut iov,
            Some(&mut cmsg),
            MsgFlags::MSG_CMSG_CLOEXEC,
        )
        .map_err(io::Error::other)?;
        let mut fd = None;
        for c in msg.cmsgs().map_err(io::Error::other)? {
            if let ControlMessageOwned::ScmRights(fds) = c {
                for raw in fds {
                    let owned = own(raw);
                    if fd.is_none() {
                        fd = Some(owned);
                    }
                }
            }
        }
        (msg.bytes, fd)
    };
    if n == 0 {
        // A liveness probe: connected and left.
        return Ok(());
    }
    let line = buf[..n].split(|b| *b == b'\n').next().unwrap_or_default();
    match serde_json::from_slice::<Request>(line)? {
        Request::Watch { .. } => {
            if let Ok(w) = conn.try_clone() {
                WATCHERS
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(w);
            }
            // Block until the watcher goes away; our exit ends the connection for it.
            let mut sink = [0u8; 64];
            let mut c = &conn;
            while matches!(c.read(&mut sink), Ok(n) if n > 0) {}
            Ok(())
        }
        Request::Record {
            v,
            dir,
            max_bytes,
            keep,
        } => {
            let mut reply = &conn;
            let Some(fd) = fd.filter(|_| v == RECORDER_PROTOCOL) else {
                let _ = reply.write_all(b"refused: protocol or fd missing\n");
                return Ok(());
            };
            let mut writer = match SegmentWriter::open(&dir, PipeConfig { max_bytes, keep }) {
                Ok(w) => w,
                Err(e) => {
                    let _ = reply.write_all(format!("refused: {e}\n").as_bytes());
                    return Ok(());
                }
            };
            reply.write_all(b"ok\n")?;
            drop(conn);
            record(fd, &mut writer, &dir);
            Ok(())
        }
    }
}

/// Copies the pane's output into its log until tmux closes the pipe.
fn record(fd: OwnedFd, writer: &mut SegmentWriter, dir: &Path) {
    let mut input = std::fs::File::from(fd);
    let mut buf = vec![0u8; BUF];
    let mut failing = false;
    loop {
        match input.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => match writer.write_all(&buf[..n]) {
                Ok(()) => failing = false,
                // A full disk: keep draining so tmux never blocks, and say so once per episode.
                Err(e) if !failing => {
                    failing = true;
                    eprintln!("warren recorder: writing {}: {e}", dir.display());
                    report_failure(dir, &e);
                }
                Err(_) => {}
            },
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// Takes ownership of a descriptor the kernel just gave us with SCM_RIGHTS.
#[allow(
    unsafe_code,
    reason = "an fd received with SCM_RIGHTS is new to this process and owned by nobody else; std has no safe constructor for it"
)]
fn own(raw: RawFd) -> OwnedFd {
    use std::os::fd::FromRawFd as _;
    // SAFETY: the kernel installed this descriptor for us in recvmsg; nothing else refers to it.
    unsafe { OwnedFd::from_raw_fd(raw) }
}
