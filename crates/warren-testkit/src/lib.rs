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
        }
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
