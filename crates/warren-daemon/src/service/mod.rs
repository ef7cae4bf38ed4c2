//! The service layer: one verb per file. The API (and through it the CLI and MCP) calls
//! these with validated input; each returns a wire answer or an `ApiError`.

pub mod abort;
pub mod adopt;
pub mod approve;
pub mod caller;
pub mod cleanup;
pub mod daemon_status;
pub mod delegate;
pub mod delete;
pub mod find;
pub mod fork;
pub mod headless_of;
pub mod health;
pub mod history;
pub mod hook;
pub mod interaction;
pub mod interrupt;
pub mod keys;
pub mod kill;
pub mod limits;
pub mod new;
pub mod output;
pub mod pause;
pub mod resume;
pub mod send;
pub mod spawn;
pub mod status;
pub mod stop;
pub mod takeover;
pub mod turn;
pub mod wait;

use crate::session::Progress;
use std::time::Duration;
use tokio::sync::watch;
use warren_proto::ApiError;

/// Waits until `pred` holds for the session's progress, or the timeout passes.
pub async fn wait_progress(
    rx: &mut watch::Receiver<Progress>,
    timeout: Duration,
    mut pred: impl FnMut(&Progress) -> bool,
) -> Option<Progress> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let p = *rx.borrow_and_update();
        if pred(&p) {
            return Some(p);
        }
        match tokio::time::timeout_at(deadline, rx.changed()).await {
            Ok(Ok(())) => {}
            _ => return pred(&rx.borrow()).then(|| *rx.borrow()),
        }
    }
}

/// A session's working directory: the one given, else `$HOME`; it must be an absolute path to
/// a directory (the error names `field`).
pub fn working_dir(field: &str, given: Option<&str>) -> Result<std::path::PathBuf, ApiError> {
    let cwd = match given {
        Some(c) => std::path::PathBuf::from(c),
        None => std::env::var_os("HOME").map_or_else(|| "/".into(), std::path::PathBuf::from),
    };
    if !cwd.is_absolute() {
        return Err(ApiError::bad_field(
            field,
            format!("{} is not an absolute path", cwd.display()),
        ));
    }
    if !cwd.is_dir() {
        return Err(ApiError::bad_field(
            field,
            format!("{} is not a directory", cwd.display()),
        ));
    }
    Ok(cwd)
}

/// A timeout from the request, bounded to a day.
pub fn timeout_of(ms: Option<u64>, default: Duration) -> Duration {
    ms.map(Duration::from_millis)
        .unwrap_or(default)
        .min(Duration::from_secs(86400))
}
