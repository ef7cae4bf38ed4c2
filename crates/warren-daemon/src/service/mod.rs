//! The service layer: one verb per file. The API (and through it the CLI and MCP) calls
//! these with validated input; each returns a wire answer or an `ApiError`.

pub mod abort;
pub mod adopt;
pub mod approve;
pub mod cleanup;
pub mod daemon_status;
pub mod delegate;
pub mod delete;
pub mod find;
pub mod fork;
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
pub mod wait;
