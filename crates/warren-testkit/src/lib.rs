//! Test kit: each test gets its own warren home (and so its own daemon, socket and private
//! tmux server), torn down on `Drop`: sessions, tmux server and daemon ended by their ids.
//! Waits are bounded polls whose failure says what never happened.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One isolated warren.
pub struct Warren {
    home: tempfile::TempDir,
    bin: PathBuf,
    env: Vec<(String, String)>,
}

impl Warren {
    /// A fresh home for the `warren` binary at `bin` (tests pass `env!("CARGO_BIN_EXE_warren")`).
    pub fn new(bin: &str) -> Self {
        // Short path, so the sockets stay inside the home (sun_path).
        let home = tempfile::Builder::new()
            .prefix("wt")
            .tempdir_in("/tmp")
            .expect("temp home");
        Self {
            home,
            bin: PathBuf::from(bin),
            env: Vec::new(),
        }
    }

    /// Sets a variable for every warren command (and so for the daemon they start and the
    /// sessions they make).
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.env.push((
            key.to_string(),
            value.as_ref().to_string_lossy().into_owned(),
        ));
        self
    }

    /// The fake headless Claude Code (stream-json) built beside warren.
    pub fn fake_claude_stream(&self) -> PathBuf {
        let p = self.bin_dir().join("fake-claude-stream");
        assert!(
            p.is_file(),
            "{} is missing: build it with `cargo build --workspace --bins`",
            p.display()
        );
        p
    }

    /// The home directory.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The directory holding the test binaries (warren, fake-claude).
    pub fn bin_dir(&self) -> PathBuf {
        self.bin.parent().expect("bin dir").to_path_buf()
    }

    /// The fake Claude Code TUI built beside warren.
    pub fn fake_claude(&self) -> PathBuf {
        let p = self.bin_dir().join("fake-claude");
        assert!(
            p.is_file(),
            "{} is missing: build it with `cargo build --workspace --bins`",
            p.display()
        );
        p
    }

    /// A `warren` command with this home and a clean tmux environment.
    pub fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.env("WARREN_HOME", self.home.path())
            .env_remove("TMUX")
            .env_remove("TMUX_PANE")
            // The daemon a test starts logs its reasoning, for failure messages.
            .env("RUST_LOG", "warren_daemon=debug")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        c
    }

    /// Runs warren with `args`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("run warren")
    }

    /// Runs warren and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "warren {args:?} failed ({}):\nstdout: {}\nstderr: {}\ndaemon log:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log_tail(30)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs warren with `--json` appended and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        // Before a `--`, or it would become part of the command.
        let at = a.iter().position(|x| *x == "--").unwrap_or(a.len());
        a.insert(at, "--json");
        let out = self.ok(&a);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("warren {a:?}: not JSON ({e}): {out}"))
    }

    /// The last `n` lines of the daemon's log (for failure messages).
    pub fn log_tail(&self, n: usize) -> String {
        let log = std::fs::read_to_string(self.home.path().join("daemon.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    /// Exit code of warren with `args`.
    pub fn code(&self, args: &[&str]) -> i32 {
        self.run(args).status.code().unwrap_or(-1)
    }

    /// The running daemon's pid, from its pid file.
    pub fn daemon_pid(&self) -> Option<i32> {
        std::fs::read_to_string(self.home.path().join("daemon.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// Polls `pred` every 20 ms until it holds; panics saying `what` never happened.
    pub fn wait_until(&self, what: &str, timeout: Duration, mut pred: impl FnMut() -> bool) {
        let deadline = Instant::now() + timeout;
        while !pred() {
            if Instant::now() > deadline {
                let exits = std::fs::read_to_string(self.home.path().join("tmux-events.log"))
                    .unwrap_or_default();
                let ls = String::from_utf8_lossy(&self.run(&["ls"]).stdout).into_owned();
                panic!(
                    "timed out after {timeout:?} waiting until {what}\nsessions:\n{ls}\nexit lines:\n{exits}\ndaemon log:\n{}",
                    self.log_tail(30)
                );
            }
            pause(Duration::from_millis(20));
        }
    }

    /// Waits for a session to reach `state`.
    pub fn wait_state(&self, name: &str, state: &str, timeout: Duration) {
        let out = self.run(&[
            "wait",
            name,
            "--state",
            state,
            "--timeout",
            &format!("{}ms", timeout.as_millis()),
        ]);
        assert!(
            out.status.success(),
            "session {name} never reached {state} within {timeout:?}: {}\nstatus: {}\nexit lines:\n{}\ndaemon log:\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&self.run(&["status", name]).stdout),
            std::fs::read_to_string(self.home.path().join("tmux-events.log")).unwrap_or_default(),
            self.log_tail(30)
        );
    }

    /// tmux on this home's private server.
    pub fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(self.home.path().join("tmux.sock"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run tmux")
    }
}

/// The polling interval of a bounded poll (never a wait for something to happen by itself).
#[allow(
    clippy::disallowed_methods,
    reason = "the interval of a bounded poll, not a fixed wait"
)]
fn pause(d: Duration) {
    std::thread::sleep(d);
}

/// Whether a process with this pid exists.
pub fn alive(pid: i32) -> bool {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
}

impl Drop for Warren {
    fn drop(&mut self) {
        let pid = self.daemon_pid();
        let _ = self
            .command()
            .args(["daemon", "stop", "--kill-sessions"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        // Whatever is left, end it by its id: the daemon we started, and our tmux server.
        if let Some(pid) = pid.filter(|p| alive(*p)) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        let _ = self.tmux(&["kill-server"]);
        // Headless agents and their holders (their pids are in each session's holder.json).
        if let Ok(dirs) = std::fs::read_dir(self.home.path().join("sessions")) {
            for d in dirs.flatten() {
                let info =
                    std::fs::read_to_string(d.path().join("holder.json")).unwrap_or_default();
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&info) else {
                    continue;
                };
                for (key, group) in [("child_pid", true), ("pid", false)] {
                    let Some(pid) = v[key].as_i64().and_then(|p| i32::try_from(p).ok()) else {
                        continue;
                    };
                    if !alive(pid) {
                        continue;
                    }
                    let pid = nix::unistd::Pid::from_raw(pid);
                    let _ = if group {
                        nix::sys::signal::killpg(pid, nix::sys::signal::Signal::SIGKILL)
                    } else {
                        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL)
                    };
                }
            }
        }
        let recorder = std::fs::read_to_string(self.home.path().join("recorder.pid"))
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok());
        if let Some(pid) = recorder.filter(|p| alive(*p)) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

/// The real Claude Code CLI for the tests that drive it against [`StubApi`]: `$WARREN_TEST_CLAUDE`,
/// else `<workspace>/.deps/cc/node_modules/.bin/claude` (installed by `./scripts/ensure-deps`).
pub fn claude_cli() -> PathBuf {
    let p = match std::env::var_os("WARREN_TEST_CLAUDE") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace_root().join(".deps/cc/node_modules/.bin/claude"),
    };
    assert!(
        p.is_file(),
        "the Claude Code CLI {} is missing: run ./scripts/ensure-deps (or set WARREN_TEST_CLAUDE)",
        p.display()
    );
    p
}

/// The workspace root (two levels above this crate).
fn workspace_root() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .parent()
        .and_then(Path::parent)
        .unwrap_or(crate_dir)
        .to_path_buf()
}

/// The `stub-anthropic` binary in `bin_dir` (where cargo puts the workspace's binaries).
pub fn stub_bin(bin_dir: &Path) -> PathBuf {
    let p = bin_dir.join("stub-anthropic");
    assert!(
        p.is_file(),
        "{} is missing: build it with `cargo build --workspace --bins`",
        p.display()
    );
    p
}

/// A running `stub-anthropic` (a scripted local Anthropic Messages API, see its doc) with its
/// request log; killed by its pid on `Drop`.
pub struct StubApi {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

/// The API key the CLI is given (any non-empty key works against the stub).
pub const STUB_API_KEY: &str = "sk-ant-api03-mock-key-000000000000000000000000";

impl StubApi {
    /// Starts the stub from `bin_dir` (for example [`Warren::bin_dir`], or the parent of
    /// `env!("CARGO_BIN_EXE_stub-anthropic")`) on a free loopback port.
    pub fn start(bin_dir: &Path) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("stubapi")
            .tempdir()
            .expect("temp dir for the stub's log");
        let log = dir.path().join("requests.jsonl");
        let mut child = Command::new(stub_bin(bin_dir))
            .arg("--log")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start stub-anthropic");
        let stdout = child.stdout.take().expect("stub stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            let mut line = String::new();
            let _ = std::io::BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
        let port = line
            .trim()
            .strip_prefix("listening 127.0.0.1:")
            .and_then(|p| p.parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "stub-anthropic did not print `listening 127.0.0.1:<port>` within 10 s (got {line:?})"
            );
        };
        Self { child, port, dir }
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`, the CLI's `ANTHROPIC_BASE_URL`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The request log (one JSON line per request).
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("requests.jsonl")
    }

    /// The requests so far, oldest first: `method`, `path`, `session_id`, `model`,
    /// `user_texts`, `last_user_text`, `has_tools`, `tool_results`, `status`.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.log_path())
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("stub log line {l:?}: {e}")))
            .collect()
    }

    /// The environment that runs the real CLI offline against this stub, with its config and
    /// sessions under `config_dir` (reference §2).
    pub fn claude_env(&self, config_dir: &Path) -> Vec<(String, String)> {
        let mut env = vec![
            ("ANTHROPIC_BASE_URL".to_string(), self.url()),
            ("ANTHROPIC_API_KEY".to_string(), STUB_API_KEY.to_string()),
            (
                "CLAUDE_CONFIG_DIR".to_string(),
                config_dir.display().to_string(),
            ),
        ];
        for k in [
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
            "DISABLE_AUTOUPDATER",
            "DISABLE_TELEMETRY",
            "DISABLE_ERROR_REPORTING",
            "CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL",
        ] {
            env.push((k.to_string(), "1".to_string()));
        }
        env.push(("CLAUDE_CODE_MAX_RETRIES".to_string(), "0".to_string()));
        env
    }
}

impl Drop for StubApi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
