//! The daemon's side of the holder: [`client`] talks to a session's `warren holder` over its
//! socket. The holder process itself, its frame protocol and the files it writes in the
//! session directory are [`warren_helpers::holder`]: it runs without an async runtime and
//! outlives the daemon.

pub(crate) mod client;
