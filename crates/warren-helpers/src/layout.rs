//! Where things are in a warren home, as far as the helpers need to know: the API socket (in
//! the runtime directory, which moves out of the home when its socket paths would be too
//! long) and a session's directory. The daemon's `Paths` lays the home out with these same
//! names and this same rule, so a hook always finds the socket the daemon listens on.

use std::path::{Path, PathBuf};

/// Longest socket path we bind: `sun_path` is 108 bytes on Linux and 104 on macOS, NUL included.
pub const MAX_SOCKET_PATH: usize = 100;
/// The API's Unix socket, in the runtime directory.
pub const API_SOCKET: &str = "warren.sock";
/// warren's private tmux server's socket, in the runtime directory.
pub const TMUX_SOCKET: &str = "tmux.sock";
/// The output recorder's socket, in the runtime directory.
pub const RECORDER_SOCKET: &str = "recorder.sock";
/// The per-session directories, in the home.
pub const SESSIONS: &str = "sessions";

/// The runtime directory of `home`: `runtime` when every socket's path fits in it, else a
/// short directory of the home's own.
pub fn runtime_dir(home: &Path, runtime: &Path) -> PathBuf {
    if [API_SOCKET, TMUX_SOCKET, RECORDER_SOCKET]
        .iter()
        .all(|s| fits(&runtime.join(s)))
    {
        runtime.to_path_buf()
    } else {
        short_runtime_dir(home)
    }
}

/// `$TMPDIR/warren-<uid>/<hash of home>`: short enough for `sun_path`, distinct per home.
pub fn short_runtime_dir(home: &Path) -> PathBuf {
    let uid = nix::unistd::getuid().as_raw();
    // FNV-1a: stable across runs and versions, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in home.as_os_str().as_encoded_bytes() {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    let tmp = std::env::var_os("TMPDIR")
        .map(PathBuf::from)
        .filter(|t| fits(&t.join("warren-0000000/0123456789abcdef/warren.sock")));
    tmp.unwrap_or_else(|| PathBuf::from("/tmp"))
        .join(format!("warren-{uid}"))
        .join(format!("{h:016x}"))
}

/// The API socket of a home whose runtime files live in the home itself (`--home`).
pub(crate) fn api_socket(home: &Path) -> PathBuf {
    runtime_dir(home, home).join(API_SOCKET)
}

/// The directory of session `id` in `home`.
pub(crate) fn session_dir(home: &Path, id: &str) -> PathBuf {
    home.join(SESSIONS).join(id)
}

fn fits(p: &Path) -> bool {
    p.as_os_str().len() <= MAX_SOCKET_PATH
}
