//! The floor under the verbs: the rules and operations several verbs share (caller policy,
//! limits, the session view, creating a session, input and its acknowledgement, ending and
//! reviving a session, headless turns). A verb in `service/` imports these, never another
//! verb; nothing here imports a verb.

pub(crate) mod ack;
pub(crate) mod end;
pub(crate) mod headless_of;
pub(crate) mod input;
pub(crate) mod limits;
pub(crate) mod new_headless;
pub(crate) mod new_tmux;
pub(crate) mod policy;
pub(crate) mod revive;
pub(crate) mod turns;
pub(crate) mod view;

use crate::session::Progress;
use std::time::Duration;
use tokio::sync::watch;
use warren_proto::ApiError;

/// Waits until `pred` holds for the session's progress, or the timeout passes.
pub(crate) async fn wait_progress(
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
pub(crate) fn working_dir(
    field: &str,
    given: Option<&str>,
) -> Result<std::path::PathBuf, ApiError> {
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
pub(crate) fn timeout_of(ms: Option<u64>, default: Duration) -> Duration {
    ms.map(Duration::from_millis)
        .unwrap_or(default)
        .min(Duration::from_secs(86400))
}
