//! Follows a session's output log: woken by the file watcher (no polling interval), reads what
//! was appended, publishes it live, moves the session's offset and tells the actor.

use crate::daemon::Daemon;
use crate::session::{SessionHandle, TmuxCmd};
use base64::Engine as _;
use std::sync::Arc;
use warren_helpers::outlog;
use warren_proto::{EventKind, OutputChunk};

/// Largest chunk read and published at once.
const CHUNK: usize = 256 * 1024;

/// Runs until the session is removed.
pub(crate) async fn run(d: Arc<Daemon>, h: Arc<SessionHandle>) {
    let mut offset = h.offset();
    loop {
        loop {
            let read = match outlog::read_range(&h.dir, offset, CHUNK) {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(session = %h.name, "reading output failed: {e}");
                    break;
                }
            };
            if read.data.is_empty() {
                break;
            }
            if read.missing > 0 {
                d.bus.publish_live(
                    &h.id,
                    h.name.as_str(),
                    EventKind::OutputGap {
                        from_offset: offset,
                    },
                );
            }
            let len = read.data.len() as u64;
            if d.bus.has_subscribers() {
                let data = base64::engine::general_purpose::STANDARD.encode(&read.data);
                d.bus.publish_live(
                    &h.id,
                    h.name.as_str(),
                    EventKind::Output(OutputChunk {
                        offset: read.offset,
                        len,
                        data,
                    }),
                );
            }
            offset = read.offset + len;
            h.advance(offset);
            if let Some(t) = h.tmux() {
                t.send(TmuxCmd::Activity);
            }
            if read.data.len() < CHUNK {
                break;
            }
        }
        if h.is_removed() {
            return;
        }
        h.wake.notified().await;
        if h.is_removed() {
            return;
        }
    }
}
