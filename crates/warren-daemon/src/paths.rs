//! Where warren keeps its files. With `WARREN_HOME` set, everything (the tmux socket too)
//! lives there, so two homes never see each other's sessions; else the XDG directories.

use std::path::{Path, PathBuf};
use warren_helpers::layout;

/// Every path the daemon and its clients use.
#[derive(Debug, Clone)]
pub struct Paths {
    /// Data: the database, session directories, token, logs.
    pub home: PathBuf,
    /// `config.toml`.
    pub config_file: PathBuf,
    /// Directory of the sockets and the pid lock.
    pub runtime_dir: PathBuf,
    /// The API's Unix socket.
    pub socket: PathBuf,
    /// warren's private tmux server.
    pub tmux_socket: PathBuf,
    /// Held locked (flock) by the running daemon; holds its pid.
    pub pid_file: PathBuf,
    /// Serialises daemon autostart between clients.
    pub autostart_lock: PathBuf,
    /// The SQLite store.
    pub db: PathBuf,
    /// The bearer token for TCP (0600).
    pub token: PathBuf,
    /// The daemon's log.
    pub log_file: PathBuf,
    /// Per-session directories.
    pub sessions_dir: PathBuf,
    /// Lines appended by tmux's pane-died hook.
    pub tmux_events: PathBuf,
    /// The output recorder's socket.
    pub recorder_socket: PathBuf,
    /// Held locked by the running recorder; holds its pid.
    pub recorder_pid: PathBuf,
}

impl Paths {
    /// Paths from the environment: `WARREN_HOME`, else XDG.
    pub fn from_env() -> Self {
        if let Some(home) = std::env::var_os("WARREN_HOME").filter(|h| !h.is_empty()) {
            return Self::for_home(&absolute(Path::new(&home)));
        }
        let (data, config, runtime) = xdg_dirs();
        let mut p = Self::layout(&data, &runtime);
        p.config_file = config.join("config.toml");
        p
    }

    /// Everything under one directory (tests, `WARREN_HOME`).
    pub fn for_home(home: &Path) -> Self {
        Self::layout(home, home)
    }

    fn layout(home: &Path, runtime: &Path) -> Self {
        let runtime_dir = layout::runtime_dir(home, runtime);
        Self {
            home: home.to_path_buf(),
            config_file: home.join("config.toml"),
            socket: runtime_dir.join(layout::API_SOCKET),
            tmux_socket: runtime_dir.join(layout::TMUX_SOCKET),
            pid_file: runtime_dir.join("daemon.pid"),
            autostart_lock: runtime_dir.join("autostart.lock"),
            recorder_socket: runtime_dir.join(layout::RECORDER_SOCKET),
            recorder_pid: runtime_dir.join("recorder.pid"),
            runtime_dir,
            db: home.join("warren.db"),
            token: home.join("token"),
            log_file: home.join("daemon.log"),
            sessions_dir: home.join(layout::SESSIONS),
            tmux_events: home.join("tmux-events.log"),
        }
    }

    /// A session's directory.
    pub fn session_dir(&self, id: &str) -> PathBuf {
        self.sessions_dir.join(id)
    }

    /// Creates the directories with mode 0700.
    pub fn create_dirs(&self) -> std::io::Result<()> {
        for d in [&self.home, &self.runtime_dir, &self.sessions_dir] {
            create_private_dir(d)?;
        }
        if let Some(parent) = self.config_file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        Ok(())
    }
}

/// Creates `dir` (and parents) and sets it to 0700.
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn xdg_dirs() -> (PathBuf, PathBuf, PathBuf) {
    use etcetera::BaseStrategy;
    match etcetera::choose_base_strategy() {
        Ok(s) => {
            let data = s.data_dir().join("warren");
            let runtime = s
                .runtime_dir()
                .map(|r| r.join("warren"))
                .unwrap_or_else(|| layout::short_runtime_dir(&data));
            (data, s.config_dir().join("warren"), runtime)
        }
        Err(_) => {
            let data = PathBuf::from("/tmp")
                .join(format!("warren-home-{}", nix::unistd::getuid().as_raw()));
            (data.clone(), data.clone(), data)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_helpers::layout::MAX_SOCKET_PATH;

    #[test]
    fn short_home_keeps_sockets_inside() {
        let p = Paths::for_home(Path::new("/tmp/wh"));
        assert_eq!(p.socket, Path::new("/tmp/wh/warren.sock"));
        assert_eq!(p.tmux_socket, Path::new("/tmp/wh/tmux.sock"));
    }

    #[test]
    fn long_home_falls_back_to_a_short_distinct_runtime_dir() {
        let long = PathBuf::from("/tmp").join("x".repeat(120));
        let p = Paths::for_home(&long);
        assert!(
            p.socket.as_os_str().len() <= MAX_SOCKET_PATH,
            "{}",
            p.socket.display()
        );
        assert_eq!(p.db, long.join("warren.db"), "data stays in the home");
        let other = Paths::for_home(&PathBuf::from("/tmp").join("y".repeat(120)));
        assert_ne!(p.socket, other.socket, "two homes never share a socket");
    }
}
