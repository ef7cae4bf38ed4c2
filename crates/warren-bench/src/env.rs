//! A temporary warren (home, daemon, client) for one benchmark, ended on drop.

use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use warren_client::Client;
use warren_proto::{NewRequest, SessionInfo, SessionName};

/// One warren under benchmark.
pub struct Bench {
    /// Its home.
    pub home: tempfile::TempDir,
    /// The warren binary.
    pub warren: PathBuf,
    /// This binary (the writer).
    pub me: PathBuf,
    /// A client of its daemon.
    pub client: Client,
}

impl Bench {
    /// Starts a daemon on a fresh home.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(&[]).await
    }

    /// Starts a daemon on a fresh home with these variables in its environment (its config:
    /// `WARREN_CLAUDE`, …).
    pub async fn start_with(vars: &[(&str, &Path)]) -> anyhow::Result<Self> {
        let me = std::env::current_exe()?;
        let warren = me.with_file_name("warren");
        anyhow::ensure!(
            warren.is_file(),
            "{} is missing: run `cargo build --release --workspace --bins` first",
            warren.display()
        );
        let home = tempfile::Builder::new().prefix("wb").tempdir_in("/tmp")?;
        let b = Self {
            client: Client::new(&home.path().join("warren.sock")),
            home,
            warren,
            me,
        };
        let out = b
            .cmd()
            .envs(vars.iter().map(|(k, v)| (*k, v.as_os_str())))
            .arg("daemon")
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "warren daemon: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(b)
    }

    /// A `warren` command on this home.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(&self.warren);
        c.env("WARREN_HOME", self.home.path())
            .env_remove("TMUX")
            .stdin(Stdio::null());
        c
    }

    /// The home.
    pub fn path(&self) -> &Path {
        self.home.path()
    }

    /// Creates a session running `argv` through the API (no waiting for readiness).
    pub async fn spawn(&self, name: &str, argv: Vec<String>) -> anyhow::Result<SessionInfo> {
        let req = NewRequest {
            name: Some(SessionName::new(name)?),
            command: argv,
            cwd: Some("/tmp".into()),
            env: std::env::vars()
                .filter(|(k, _)| k == "PATH" || k == "HOME" || k == "LANG")
                .collect(),
            ..Default::default()
        };
        self.client
            .create(&req)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.into_api()))
            .with_context(|| format!("creating {name}"))
    }

    /// Process ids of warren's own processes: the daemon, its control client, the recorder,
    /// and any per-pane copier (there should be none).
    pub fn warren_pids(&self) -> Vec<(String, i32)> {
        let mut v = Vec::new();
        let read = |f: &str| {
            std::fs::read_to_string(self.path().join(f))
                .ok()
                .and_then(|p| p.trim().parse::<i32>().ok())
        };
        if let Some(p) = read("daemon.pid") {
            v.push(("daemon".to_string(), p));
        }
        if let Some(p) = read("recorder.pid") {
            v.push(("recorder".to_string(), p));
        }
        let home = self.path().to_string_lossy().into_owned();
        for (pid, cmdline) in processes() {
            if cmdline.contains(&format!("{home}/tmux.sock")) && cmdline.contains(" -C ") {
                v.push(("control client".into(), pid));
            } else if cmdline.contains("warren pipe --dir") && cmdline.contains(&home) {
                v.push(("pipe copier".into(), pid));
            }
        }
        v
    }

    /// Pids of the holders of this home's headless sessions (`warren holder --dir …`).
    pub fn holder_pids(&self) -> Vec<i32> {
        let sessions = self.path().join("sessions").to_string_lossy().into_owned();
        processes()
            .into_iter()
            .filter(|(_, c)| c.contains(" holder --dir ") && c.contains(&sessions))
            .map(|(p, _)| p)
            .collect()
    }

    /// The private tmux server's pid.
    pub fn tmux_server_pid(&self) -> Option<i32> {
        let home = self.path().to_string_lossy().into_owned();
        processes()
            .into_iter()
            .find(|(_, c)| {
                c.contains(&format!("{home}/tmux.sock"))
                    && c.contains("new-session")
                    && c.contains("_warren")
            })
            .map(|(p, _)| p)
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let mut pids = self.warren_pids();
        let holders = self.holder_pids();
        let agents = children_of(&holders);
        pids.extend(holders.into_iter().map(|p| ("holder".to_string(), p)));
        pids.extend(agents.into_iter().map(|p| ("agent".to_string(), p)));
        let _ = self
            .cmd()
            .args(["daemon", "stop", "--kill-sessions"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        // Whatever outlived the stop is ours: end it by its pid.
        for (_, pid) in pids {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

/// Every process: (pid, cmdline with spaces).
pub fn processes() -> Vec<(i32, String)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| {
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let raw = std::fs::read(e.path().join("cmdline")).ok()?;
            Some((pid, String::from_utf8_lossy(&raw).replace('\0', " ")))
        })
        .collect()
}

/// The parent of a process (0 when it is gone).
pub fn ppid(pid: i32) -> i32 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    rest.split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
}

/// Every process whose parent is one of `parents`.
pub fn children_of(parents: &[i32]) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|p| parents.contains(&ppid(*p)))
        .collect()
}

/// VmRSS in kB from /proc/PID/status (0 when it is gone).
pub fn vm_rss_kb(pid: i32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// (RSS, PSS) in kB from smaps_rollup.
pub fn mem_kb(pid: i32) -> (u64, u64) {
    let s = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("Rss:"), field("Pss:"))
}

/// Clock ticks per second (the unit of `cpu_ticks`).
pub fn ticks_per_s() -> f64 {
    nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .unwrap_or(100) as f64
}

/// utime + stime in clock ticks.
pub fn cpu_ticks(pid: i32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
}
