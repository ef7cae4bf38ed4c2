//! `send`: literal text (Enter separately after the profile's settle delay), acknowledged when
//! its echo or a screen change is seen; `wait` matches only output that arrives after it.

use crate::daemon::Daemon;
use crate::ops::input;
use std::sync::Arc;
use warren_proto::{ApiError, SendAnswer, SendRequest};

/// Sends; a retried key answers what the first attempt answered, never sending twice.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    key: &str,
    req: SendRequest,
    idem: Option<String>,
) -> Result<SendAnswer, ApiError> {
    input::send(d, key, req, idem).await
}
