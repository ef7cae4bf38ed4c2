//! The output recorder, seen from the daemon: started when none runs, ended by its pid.

use super::Daemon;
use crate::paths::Paths;
use warren_helpers::recorder;

/// Ends the recorder by the pid it wrote (it is ours: it holds our pid file locked).
pub fn kill_recorder(paths: &Paths) {
    let Ok(pid) = std::fs::read_to_string(&paths.recorder_pid) else {
        return;
    };
    let Ok(pid) = pid.trim().parse::<i32>() else {
        return;
    };
    let locked = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&paths.recorder_pid)
        .map(|f| f.try_lock().is_err())
        .unwrap_or(false);
    if locked && pid > 0 {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        );
    }
}

impl Daemon {
    /// Makes sure the output recorder runs; true when this call started it.
    pub(crate) async fn start_recorder(&self) -> anyhow::Result<bool> {
        let (exe, p) = (self.exe.clone(), self.paths.clone());
        let started = tokio::task::spawn_blocking(move || {
            recorder::ensure_running(&exe, &p.recorder_socket, &p.recorder_pid, &p.log_file)
        })
        .await??;
        if started {
            tracing::info!("started the output recorder");
        }
        Ok(started)
    }
}
