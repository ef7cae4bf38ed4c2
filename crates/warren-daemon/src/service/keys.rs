//! `keys`: named tmux keys (`Enter`, `C-c`, `Up`…).

use crate::daemon::Daemon;
use crate::ops::input;
use std::sync::Arc;
use warren_proto::{ApiError, KeysRequest, SendAnswer};

/// Sends the keys and acknowledges like `send`.
pub(crate) async fn run(
    d: &Arc<Daemon>,
    key: &str,
    req: KeysRequest,
) -> Result<SendAnswer, ApiError> {
    input::keys(d, key, req).await
}
