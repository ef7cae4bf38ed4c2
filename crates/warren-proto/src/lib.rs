//! Wire types of warren's API. Every front end (CLI, HTTP, MCP) speaks these.
//!
//! Rules: fields are added, never renamed; units are in names (`_ms`, `_secs`); events are
//! tagged with `type` and consumers ignore types they do not know.

mod agent;
mod duration;
mod error;
mod event;
mod headless;
mod interactive;
mod name;
mod session;
mod signal;

pub use agent::{AgentEvent, TurnResult};
pub use duration::{DurationError, format_duration, parse_duration};
pub use error::{ApiError, ErrorBody, ErrorCode, exit};
pub use event::{Event, EventKind, OutputChunk};
pub use headless::*;
pub use interactive::*;
pub use name::{NAME_RULE, NameError, SessionName};
pub use session::*;
pub use signal::Signal;

/// The protocol version the daemon and its clients must share. An integer, bumped on any
/// incompatible change of the API; not the crate version.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest request body and `send` text the daemon accepts (16 MiB).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Header carrying the client's protocol version; the daemon refuses a mismatch.
pub const PROTOCOL_HEADER: &str = "warren-protocol";

/// Header carrying the idempotency key of `new`, `send` and `kill`.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// Header carrying a session's identity token: requests made from inside a session.
pub const SESSION_TOKEN_HEADER: &str = "warren-session-token";

/// Environment variable holding a session's identity token.
pub const SESSION_TOKEN_ENV: &str = "WARREN_SESSION_TOKEN";
