//! Shared by the headless benchmarks: the fake stream-json agent (`fake-claude-stream`)
//! driven directly over pipes (the baseline), and a warren whose `claude` is that same fake.

use crate::env::Bench;
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};
use warren_proto::{Interaction, SendRequest, SessionName, SpawnRequest};

/// No turn of the fake takes long; one that does is a failure, not a measurement.
pub const TURN_TIMEOUT: Duration = Duration::from_secs(120);

/// The flags warren starts a headless Claude session with (`headless::spec`), model included.
fn flags() -> impl Iterator<Item = &'static str> {
    warren_proto::CLAUDE_STREAM_FLAGS
        .into_iter()
        .chain(["--model", "sonnet"])
}

/// The fake agent, built next to this binary.
pub fn fake() -> anyhow::Result<PathBuf> {
    let f = std::env::current_exe()?.with_file_name("fake-claude-stream");
    anyhow::ensure!(
        f.is_file(),
        "{} is missing: run `cargo build --release --workspace --bins` first",
        f.display()
    );
    Ok(f)
}

/// The environment both paths give the agent: what it needs, and its own config dir.
fn agent_env(config_dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k == "PATH" || k == "HOME" || k == "LANG")
        .collect();
    v.push((
        "CLAUDE_CONFIG_DIR".into(),
        config_dir.to_string_lossy().into_owned(),
    ));
    v
}

/// The user line of a message, as stream-json input wants it.
fn user_line(text: &str) -> String {
    let mut l = serde_json::json!({
        "type": "user",
        "message": {"role": "user", "content": [{"type": "text", "text": text}]}
    })
    .to_string();
    l.push('\n');
    l
}

/// A temporary directory for baseline agents: `work` (their cwd) and `claude-config`.
pub fn direct_home() -> anyhow::Result<Arc<tempfile::TempDir>> {
    let home = tempfile::Builder::new().prefix("wbd").tempdir_in("/tmp")?;
    std::fs::create_dir_all(home.path().join("work"))?;
    std::fs::create_dir_all(home.path().join("claude-config"))?;
    Ok(Arc::new(home))
}

/// The baseline: one fake agent whose stdin and stdout this process holds.
pub struct Direct {
    /// Killed when dropped (first field: it goes before the directory it writes to).
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Lines<BufReader<ChildStdout>>,
    _home: Arc<tempfile::TempDir>,
}

impl Direct {
    /// Starts the agent in `home`'s work dir with its transcripts under its `claude-config`.
    pub fn start(fake: &Path, home: &Arc<tempfile::TempDir>) -> anyhow::Result<Self> {
        let (cwd, config_dir) = (home.path().join("work"), home.path().join("claude-config"));
        let mut child = tokio::process::Command::new(fake)
            .args(flags())
            .current_dir(cwd)
            .env_clear()
            .envs(agent_env(&config_dir))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", fake.display()))?;
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("the agent has no stdout"))?;
        Ok(Self {
            child,
            stdin,
            lines: BufReader::new(stdout).lines(),
            _home: home.clone(),
        })
    }

    /// Its pid.
    pub fn pid(&self) -> i32 {
        self.child.id().map_or(0, |p| p as i32)
    }

    /// One turn: writes the message, reads up to its `result` line; answers the result text.
    pub async fn turn(&mut self, text: &str) -> anyhow::Result<String> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| anyhow::anyhow!("stdin closed"))?;
        stdin.write_all(user_line(text).as_bytes()).await?;
        loop {
            let line = self
                .lines
                .next_line()
                .await?
                .ok_or_else(|| anyhow::anyhow!("the agent ended mid-turn"))?;
            if !line.contains("\"result\"") {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(&line)?;
            if v["type"] == "result" {
                anyhow::ensure!(v["is_error"] != true, "the turn failed: {line}");
                return Ok(v["result"].as_str().unwrap_or_default().to_string());
            }
        }
    }

    /// Closes its stdin and reaps it (killed if it does not end at once).
    pub async fn end(mut self) {
        drop(self.stdin.take());
        if tokio::time::timeout(Duration::from_secs(5), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}

/// A warren whose `claude` is the fake agent, with a work dir and a Claude config dir.
pub struct Warren {
    /// The warren (its drop stops the daemon and kills every session and holder).
    pub b: Bench,
    /// The sessions' work dir.
    pub work: PathBuf,
    /// The agents' `CLAUDE_CONFIG_DIR`.
    pub config_dir: PathBuf,
}

impl Warren {
    /// Starts a daemon with `WARREN_CLAUDE` set to the fake.
    pub async fn start(fake: &Path) -> anyhow::Result<Self> {
        let b = Bench::start_with(&[("WARREN_CLAUDE", fake)]).await?;
        let work = b.path().join("work");
        let config_dir = b.path().join("claude-config");
        std::fs::create_dir_all(&work)?;
        std::fs::create_dir_all(&config_dir)?;
        Ok(Self {
            b,
            work,
            config_dir,
        })
    }

    /// Spawns a headless session without a first message (`POST /v1/spawn`).
    pub async fn spawn(&self, name: &str) -> anyhow::Result<()> {
        let req = SpawnRequest {
            work_dir: Some(self.work.to_string_lossy().into_owned()),
            env: agent_env(&self.config_dir).into_iter().collect(),
            ..SpawnRequest::new(SessionName::new(name)?)
        };
        self.b
            .client
            .spawn(&req)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.into_api()))
            .with_context(|| format!("spawning {name}"))?;
        Ok(())
    }

    /// One turn through the API (`POST /v1/sessions/{name}/send`, which answers at the
    /// result); answers the response.
    pub async fn send(&self, name: &str, text: &str) -> anyhow::Result<String> {
        let req = SendRequest {
            text: text.into(),
            ..SendRequest::default()
        };
        let a = self
            .b
            .client
            .send(name, &req)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.into_api()))
            .with_context(|| format!("send to {name}"))?;
        anyhow::ensure!(
            a.status.as_deref() == Some("completed"),
            "send to {name}: the turn did not complete: {a:?}"
        );
        Ok(a.response.unwrap_or_default())
    }

    /// The session's interactions (`GET /v1/sessions/{name}/history`).
    pub async fn history(&self, name: &str) -> anyhow::Result<Vec<Interaction>> {
        let h = self
            .b
            .client
            .history(name)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;
        Ok(h.interactions)
    }

    /// The daemon's pid.
    pub fn daemon_pid(&self) -> anyhow::Result<i32> {
        self.b
            .warren_pids()
            .into_iter()
            .find(|(what, _)| what == "daemon")
            .map(|(_, p)| p)
            .ok_or_else(|| anyhow::anyhow!("no daemon.pid in {}", self.b.path().display()))
    }

    /// Pids of the holders and of the agents they run.
    pub fn holders_and_agents(&self) -> (Vec<i32>, Vec<i32>) {
        let holders = self.b.holder_pids();
        let agents = crate::env::children_of(&holders);
        (holders, agents)
    }
}
