//! The tmux runtime: one private server, one control connection, restarted when needed.

use super::control::{ControlClient, Notice, TmuxError};
use super::quote::{arg, format_arg, sh};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use tokio::process::Command;
use tokio::sync::mpsc;

/// The hidden session the control client attaches to; never a valid warren name.
pub const CONTROL_SESSION: &str = "_warren";

/// The pane's first program: waits at a `wait-for` gate until the daemon has put the output
/// pipe in place, drops tmux's own variables, then becomes the real program. A constant
/// script: user text only ever arrives as positional arguments.
const GATE_SCRIPT: &str =
    r#""$1" -S "$2" wait-for "$3" || exit 125; shift 3; unset TMUX TMUX_PANE; exec "$@""#;

/// What to start.
#[derive(Debug, Clone)]
pub struct CreateSpec<'a> {
    /// tmux session name (a validated warren name).
    pub name: &'a str,
    /// warren's id, stored on the tmux session.
    pub warren_id: &'a str,
    /// Working directory.
    pub cwd: &'a Path,
    /// Environment, passed with `-e` (never in a command string).
    pub env: &'a [(String, String)],
    /// The program and its arguments.
    pub argv: &'a [String],
    /// Window size.
    pub width: u16,
    /// Window size.
    pub height: u16,
    /// The `wait-for` channel the program waits on.
    pub gate: &'a str,
}

/// What tmux made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// `$N`.
    pub session_id: String,
    /// `%N`.
    pub pane_id: String,
    /// The pane's process (the gate, then the program itself after `exec`).
    pub pane_pid: u32,
}

/// One pane of `list-panes -a`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneRow {
    /// `$N`.
    pub session_id: String,
    /// Session name.
    pub session_name: String,
    /// `@warren_id` of the session, empty when not warren's.
    pub warren_id: String,
    /// `%N`.
    pub pane_id: String,
    /// Pane process.
    pub pane_pid: u32,
    /// The pane's process exited (remain-on-exit keeps it).
    pub dead: bool,
    /// Exit status when dead.
    pub dead_status: Option<i32>,
    /// Signal when killed by one.
    pub dead_signal: Option<i32>,
    /// Whether a pipe-pane is attached.
    pub piped: bool,
    /// Attached clients.
    pub attached: bool,
    /// Windows in the session.
    pub windows: u32,
    /// Current foreground command.
    pub command: String,
}

const PANE_FORMAT: &str = "#{session_id}\t#{session_name}\t#{@warren_id}\t#{pane_id}\t#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{pane_pipe}\t#{session_attached}\t#{session_windows}\t#{pane_current_command}";

/// warren's tmux server and its control connection.
pub struct Tmux {
    bin: PathBuf,
    socket: PathBuf,
    events_file: PathBuf,
    history_limit: u32,
    client: RwLock<Option<Arc<ControlClient>>>,
    connecting: tokio::sync::Mutex<()>,
    server_pid: std::sync::atomic::AtomicI32,
    notices: mpsc::UnboundedSender<Notice>,
}

impl Tmux {
    /// A runtime for the server at `socket`; nothing starts until the first command.
    pub fn new(
        bin: &str,
        socket: &Path,
        events_file: &Path,
        history_limit: u32,
        notices: mpsc::UnboundedSender<Notice>,
    ) -> Self {
        Self {
            bin: resolve_bin(bin).unwrap_or_else(|| PathBuf::from(bin)),
            socket: socket.to_path_buf(),
            events_file: events_file.to_path_buf(),
            history_limit,
            client: RwLock::new(None),
            connecting: tokio::sync::Mutex::new(()),
            server_pid: std::sync::atomic::AtomicI32::new(0),
            notices,
        }
    }

    /// The tmux binary in use.
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// The server's socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Whether the binary exists at all.
    pub fn available(&self) -> bool {
        self.bin.is_file()
    }

    fn current(&self) -> Option<Arc<ControlClient>> {
        self.client
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .filter(|c| c.is_alive())
    }

    /// Whether a server answers on the socket, without starting one.
    pub async fn server_running(&self) -> bool {
        if self.current().is_some() {
            return true;
        }
        self.cli(&["has-session", "-t", &format!("={CONTROL_SESSION}")])
            .await
            .is_ok()
    }

    /// Connects to the server if one runs, without starting it; false when none runs.
    pub async fn connect_existing(&self) -> Result<bool, TmuxError> {
        if !self.available() || !self.server_running().await {
            return Ok(false);
        }
        self.client().await.map(|_| true)
    }

    /// The control connection, starting the server and connecting as needed.
    async fn client(&self) -> Result<Arc<ControlClient>, TmuxError> {
        if let Some(c) = self.current() {
            return Ok(c);
        }
        // Serialises (re)starts only: everyone else needs the same server and waits for it.
        let _guard = self.connecting.lock().await;
        if let Some(c) = self.current() {
            return Ok(c);
        }
        if !self.available() {
            return Err(TmuxError::Unavailable(format!(
                "tmux not found ({}); install it: `sudo apt-get install tmux` (Debian/Ubuntu), `sudo dnf install tmux` (Fedora), `brew install tmux` (macOS), or set `tmux` in config",
                self.bin.display()
            )));
        }
        let created = self
            .cli(&[
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                CONTROL_SESSION,
                "-x",
                "80",
                "-y",
                "24",
                "cat",
            ])
            .await;
        if let Err(e) = created {
            if !e.contains("duplicate session") {
                return Err(TmuxError::Unavailable(format!(
                    "cannot start the tmux server: {e}"
                )));
            }
        }
        let client = Arc::new(ControlClient::start(
            &self.bin,
            &self.socket,
            CONTROL_SESSION,
            self.notices.clone(),
        )?);
        self.setup(&client).await?;
        *self
            .client
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(client.clone());
        Ok(client)
    }

    async fn setup(&self, c: &ControlClient) -> Result<(), TmuxError> {
        let events = sh(&self.events_file.to_string_lossy()).replace('#', "##");
        let record = format!(
            "echo '#{{pane_id}} #{{pane_dead_status}} #{{pane_dead_signal}} #{{session_id}}' >> {events}"
        );
        let hook = format!("run-shell -b {}", arg(&record));
        for line in [
            "set-option -g remain-on-exit on".to_string(),
            format!("set-option -g history-limit {}", self.history_limit),
            format!("set-hook -g pane-died {}", arg(&hook)),
        ] {
            c.run(line).await?;
        }
        let pid = c.run("display-message -p \"#{pid}\"".into()).await?;
        self.server_pid.store(
            pid.first().and_then(|p| p.parse().ok()).unwrap_or(0),
            std::sync::atomic::Ordering::Release,
        );
        Ok(())
    }

    /// Sends our tmux server SIGCHLD, so it reaps a child whose death it missed. Debian's tmux
    /// links libutempter, whose own SIGCHLD handler can swallow the signal while a pane is
    /// spawned (tmux#311, #4559): the pane then stays a zombie, and `pane-died` never fires.
    pub fn nudge(&self) {
        let pid = self.server_pid.load(std::sync::atomic::Ordering::Acquire);
        if pid > 0 && self.current().is_some() {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGCHLD,
            );
        }
    }

    /// Runs one command line over the control connection.
    pub async fn run(&self, line: String) -> Result<Vec<String>, TmuxError> {
        // Only the verb: arguments may carry environment values and typed text.
        let verb = line.split(' ').next().unwrap_or_default().to_string();
        let result = self.client().await?.run(line).await;
        tracing::trace!(verb, ok = result.is_ok(), "tmux");
        result
    }

    /// Runs tmux as a separate process (bootstrap and probes only), with a clean environment
    /// so the server never inherits the daemon's variables.
    async fn cli(&self, args: &[&str]) -> Result<String, String> {
        let mut cmd = Command::new(&self.bin);
        cmd.arg("-u")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .env_clear();
        for k in ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "TMPDIR"] {
            if let Some(v) = std::env::var_os(k) {
                cmd.env(k, v);
            }
        }
        cmd.env("LANG", "C.UTF-8")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let out = tokio::time::timeout(std::time::Duration::from_secs(10), cmd.output())
            .await
            .map_err(|_| "tmux did not answer within 10 s".to_string())?
            .map_err(|e| format!("cannot run {}: {e}", self.bin.display()))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    /// Creates a session whose program waits at the gate `spec.gate`.
    pub async fn create_gated(&self, spec: &CreateSpec<'_>) -> Result<Created, TmuxError> {
        let mut line = format!(
            "new-session -d -P -F {} -s {} -x {} -y {} -c {}",
            arg("#{session_id} #{pane_id} #{pane_pid}"),
            arg(spec.name),
            spec.width,
            spec.height,
            format_arg(&spec.cwd.to_string_lossy()),
        );
        line.push_str(&format!(
            " -e {}",
            arg(&format!("WARREN_SESSION_ID={}", spec.warren_id))
        ));
        for (k, v) in spec.env {
            line.push_str(&format!(" -e {}", arg(&format!("{k}={v}"))));
        }
        let sock = self.socket.to_string_lossy();
        let bin = self.bin.to_string_lossy();
        for a in [
            "sh",
            "-c",
            GATE_SCRIPT,
            "warren-gate",
            &bin,
            &sock,
            spec.gate,
        ] {
            line.push(' ');
            line.push_str(&arg(a));
        }
        for a in spec.argv {
            line.push(' ');
            line.push_str(&arg(a));
        }
        let out = self.run(line).await?;
        let first = out.first().map(String::as_str).unwrap_or_default();
        let mut it = first.split(' ');
        let (Some(s), Some(p), Some(pid)) =
            (it.next(), it.next(), it.next().and_then(|p| p.parse().ok()))
        else {
            return Err(TmuxError::Command(format!(
                "unexpected new-session answer {first:?}"
            )));
        };
        let created = Created {
            session_id: s.into(),
            pane_id: p.into(),
            pane_pid: pid,
        };
        self.run(format!(
            "set-option -t {} @warren_id {}",
            arg(&created.session_id),
            arg(spec.warren_id)
        ))
        .await?;
        Ok(created)
    }

    /// Attaches the output pipe unless the pane already has one, so an adopted pane keeps its
    /// existing pipe. Not `pipe-pane -o`: that is a toggle, and closes a pipe that exists.
    pub async fn ensure_pipe(&self, pane: &str, shell_command: &str) -> Result<bool, TmuxError> {
        let piped = self
            .run(format!(
                "display-message -p -t {} {}",
                arg(pane),
                arg("#{pane_pipe}")
            ))
            .await?;
        if piped.first().map(String::as_str) == Some("1") {
            return Ok(false);
        }
        self.run(format!(
            "pipe-pane -O -t {} {}",
            arg(pane),
            format_arg(shell_command)
        ))
        .await?;
        Ok(true)
    }

    /// Pipes the pane anew, replacing whatever pipe it had (after the recorder was replaced,
    /// the old pipes lead nowhere).
    pub async fn repipe(&self, pane: &str, shell_command: &str) -> Result<(), TmuxError> {
        self.run(format!(
            "pipe-pane -O -t {} {}",
            arg(pane),
            format_arg(shell_command)
        ))
        .await
        .map(drop)
    }

    /// Releases a gate (remembered by tmux if nobody waits yet).
    pub async fn open_gate(&self, gate: &str) -> Result<(), TmuxError> {
        self.run(format!("wait-for -S {}", arg(gate)))
            .await
            .map(drop)
    }

    /// Every pane on the server.
    pub async fn list_panes(&self) -> Result<Vec<PaneRow>, TmuxError> {
        let out = self
            .run(format!("list-panes -a -F {}", arg(PANE_FORMAT)))
            .await?;
        Ok(out.iter().filter_map(|l| parse_pane_row(l)).collect())
    }

    /// The rendered screen (`lines` of history above it when given), wrapped lines joined.
    pub async fn capture(&self, pane: &str, history: Option<u32>) -> Result<String, TmuxError> {
        let mut line = format!("capture-pane -p -J -t {}", arg(pane));
        if let Some(n) = history {
            line.push_str(&format!(" -S -{n}"));
        }
        Ok(self.run(line).await?.join("\n"))
    }

    /// The rendered screen and the pane's title (Claude Code shows busy and idle there).
    pub async fn capture_with_title(&self, pane: &str) -> Result<(String, String), TmuxError> {
        let title = self
            .run(format!(
                "display-message -p -t {} {}",
                arg(pane),
                arg("#{pane_title}")
            ))
            .await?
            .join("\n");
        Ok((self.capture(pane, None).await?, title))
    }

    /// Types `text` literally (no key names, no shell expansion).
    pub async fn send_literal(&self, pane: &str, text: &str) -> Result<(), TmuxError> {
        self.run(format!("send-keys -t {} -l -- {}", arg(pane), arg(text)))
            .await
            .map(drop)
    }

    /// Sends named keys (`Enter`, `C-c`, `Up`).
    pub async fn send_keys(&self, pane: &str, keys: &[String]) -> Result<(), TmuxError> {
        let mut line = format!("send-keys -t {} --", arg(pane));
        for k in keys {
            line.push(' ');
            line.push_str(&arg(k));
        }
        self.run(line).await.map(drop)
    }

    /// Pastes the file's contents with bracketed paste when the program asked for it; line
    /// feeds stay line feeds.
    pub async fn paste_file(&self, pane: &str, buffer: &str, file: &Path) -> Result<(), TmuxError> {
        self.run(format!(
            "load-buffer -b {} {}",
            arg(buffer),
            arg(&file.to_string_lossy())
        ))
        .await?;
        self.run(format!(
            "paste-buffer -p -r -d -b {} -t {}",
            arg(buffer),
            arg(pane)
        ))
        .await
        .map(drop)
    }

    /// Kills a session by id (`$N`); a session already gone is not an error.
    pub async fn kill_session(&self, session_id: &str) -> Result<(), TmuxError> {
        match self
            .run(format!("kill-session -t {}", arg(session_id)))
            .await
        {
            Err(TmuxError::Command(e)) if e.contains("can't find") || e.contains("no such") => {
                Ok(())
            }
            other => other.map(drop),
        }
    }

    /// Ends the whole private server (full teardown).
    pub async fn kill_server(&self) {
        let _ = self.cli(&["kill-server"]).await;
        *self
            .client
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// Lists sessions on another tmux server (read-only; for `find --all`).
    pub async fn list_foreign(&self, socket: &Path) -> Vec<PaneRow> {
        let mut cmd = Command::new(&self.bin);
        cmd.arg("-S")
            .arg(socket)
            .args(["list-panes", "-a", "-F", PANE_FORMAT])
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let Ok(Ok(out)) =
            tokio::time::timeout(std::time::Duration::from_secs(3), cmd.output()).await
        else {
            return Vec::new();
        };
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(parse_pane_row)
            .collect()
    }
}

fn parse_pane_row(l: &str) -> Option<PaneRow> {
    let f: Vec<&str> = l.split('\t').collect();
    if f.len() < 12 {
        return None;
    }
    Some(PaneRow {
        session_id: f[0].into(),
        session_name: f[1].into(),
        warren_id: f[2].into(),
        pane_id: f[3].into(),
        pane_pid: f[4].parse().unwrap_or(0),
        dead: f[5] == "1",
        dead_status: f[6].parse().ok(),
        dead_signal: f[7].parse().ok(),
        piped: f[8] == "1",
        attached: f[9] != "0" && !f[9].is_empty(),
        windows: f[10].parse().unwrap_or(0),
        command: f[11..].join("\t"),
    })
}

/// Finds `bin` on PATH unless it is a path already.
pub(super) fn resolve_bin(bin: &str) -> Option<PathBuf> {
    if bin.contains('/') {
        return Some(PathBuf::from(bin));
    }
    std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(bin))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .find(|p| p.is_file())
}
