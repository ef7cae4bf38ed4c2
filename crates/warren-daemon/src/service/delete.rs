//! `delete`: removes a finished session's record, interactions and files (409 while live).

use crate::daemon::Daemon;
use crate::ops::policy::Caller;
use std::sync::Arc;
use warren_proto::{ApiError, Done, ErrorCode};

/// Deletes a session that has ended.
pub(crate) async fn run(d: &Arc<Daemon>, key: &str, caller: &Caller) -> Result<Done, ApiError> {
    let h = d.lookup(key)?;
    caller.may_end(d, &h)?;
    let state = h.state();
    if !h.ended() {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} is {state}; stop or kill it first", h.name),
        )
        .with_hint(format!("warren stop {0}  (or: warren kill {0})", h.name)));
    }
    crate::ops::end::remove(d, &h).await?;
    Ok(Done {
        name: h.name.to_string(),
        state: "deleted".into(),
        message: format!("session {} and its history are removed", h.name),
    })
}
