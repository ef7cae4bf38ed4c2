//! `keys`: named tmux keys (`Enter`, `C-c`, `Up`…).

use crate::daemon::Daemon;
use crate::session::Cmd;
use std::sync::Arc;
use warren_proto::{ApiError, ErrorCode, KeysRequest, SendAnswer};

/// Sends the keys and acknowledges like `send`.
pub async fn run(d: &Arc<Daemon>, key: &str, req: KeysRequest) -> Result<SendAnswer, ApiError> {
    if req.keys.is_empty()
        || req
            .keys
            .iter()
            .any(|k| k.is_empty() || k.len() > 64 || k.chars().any(char::is_control))
    {
        return Err(ApiError::bad_field(
            "keys",
            "give one or more tmux key names such as Enter, C-c, Up, Escape",
        ));
    }
    let h = d.lookup(key)?;
    let (reply, rx) = tokio::sync::oneshot::channel();
    if h.state().is_terminal()
        || !h.send(Cmd::Keys {
            keys: req.keys,
            reply,
        })
    {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("session {} has ended ({})", h.name, h.state()),
        ));
    }
    let before = rx
        .await
        .map_err(|_| ApiError::new(ErrorCode::Conflict, format!("session {} ended", h.name)))??;
    Ok(super::send::acknowledge(d, &h, before).await)
}
