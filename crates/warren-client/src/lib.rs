//! Typed client of the warren daemon's API over its Unix socket, and
//! `ensure_daemon_running()`, which starts the daemon from this executable when none answers.
//!
//! - [`api`]: every route, one typed method each on [`Client`].
//! - `call`: a request as a value ([`api::Call`]), and making it.
//! - `http`: HTTP/1.1 over the socket, the session identity and idempotency headers, errors.
//! - `autostart`: starting a daemon when none answers.

pub mod api;
mod autostart;
mod call;
mod http;

pub use autostart::{Autostart, daemon_answers, ensure_daemon_answering, ensure_daemon_running};
pub use http::{Client, ClientError, Response, encode};
