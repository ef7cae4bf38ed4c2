//! Starting a holder for a headless session: `warren holder --dir D … -- <agent argv>`,
//! detached (its own session), with the session's cwd and environment. The holder says
//! `ready <pid>` on stdout once the agent runs and its socket listens.

use crate::daemon::Daemon;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncBufReadExt as _;
use warren_helpers::holder::files;
use warren_proto::ApiError;

/// How long a holder has to start the agent.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the holder; answers the agent's pid once it runs.
pub(crate) async fn start(
    d: &Daemon,
    dir: &Path,
    cwd: &str,
    env: &BTreeMap<String, String>,
    argv: &[String],
    session_id: &str,
) -> Result<u32, ApiError> {
    for f in [files::EXIT, files::INFO] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("holder.log"))
        .map_err(|e| ApiError::internal(format!("holder log: {e}")))?;
    let mut cmd = tokio::process::Command::new(&d.exe);
    cmd.arg("holder")
        .arg("--dir")
        .arg(dir)
        .arg("--max-bytes")
        .arg(d.config.log_max_bytes.to_string())
        .arg("--keep")
        .arg(d.config.log_keep_segments.to_string())
        .arg("--")
        .args(argv)
        .current_dir(cwd)
        .env_clear()
        .envs(env)
        .env("WARREN_HOLDER", session_id)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log);
    let mut child = cmd
        .spawn()
        .map_err(|e| ApiError::internal(format!("starting the holder: {e}")))?;
    let stdout = child.stdout.take();
    // Reap it whenever it ends; after a daemon restart init does.
    tokio::spawn(async move {
        let _ = child.wait().await;
    });
    let Some(stdout) = stdout else {
        return Err(ApiError::internal("the holder has no stdout"));
    };
    let mut line = String::new();
    let mut reader = tokio::io::BufReader::new(stdout);
    let read = tokio::time::timeout(READY_TIMEOUT, reader.read_line(&mut line)).await;
    match read {
        Ok(Ok(n)) if n > 0 => {
            if let Some(pid) = line.trim().strip_prefix("ready ") {
                return pid
                    .parse()
                    .map_err(|_| ApiError::internal(format!("the holder said {line:?}")));
            }
            Err(start_failure(dir, &argv[0]))
        }
        Ok(_) => Err(start_failure(dir, &argv[0])),
        Err(_) => Err(ApiError::internal(format!(
            "the holder did not start the agent within {} s",
            READY_TIMEOUT.as_secs()
        ))),
    }
}

fn start_failure(dir: &Path, program: &str) -> ApiError {
    let why = std::fs::read_to_string(dir.join("holder.log")).unwrap_or_default();
    let why = why.lines().last().unwrap_or("no reason given").to_string();
    ApiError::bad_field("program", format!("cannot start {program}: {why}"))
        .with_hint("check the program path (config `claude`, `WARREN_CLAUDE`, or --program)")
}
