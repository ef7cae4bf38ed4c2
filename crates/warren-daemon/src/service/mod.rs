//! The service layer: one verb per file. The API (and through it the CLI and MCP) calls
//! these with validated input; each returns a wire answer or an `ApiError`.

pub(crate) mod abort;
pub(crate) mod adopt;
pub(crate) mod approve;
pub(crate) mod cleanup;
pub(crate) mod daemon_status;
pub(crate) mod delegate;
pub(crate) mod delete;
pub(crate) mod find;
pub(crate) mod fork;
pub(crate) mod health;
pub(crate) mod history;
pub(crate) mod hook;
pub(crate) mod interaction;
pub(crate) mod interrupt;
pub(crate) mod keys;
pub(crate) mod kill;
pub(crate) mod limits;
pub(crate) mod new;
pub(crate) mod output;
pub(crate) mod pause;
pub(crate) mod profiles;
pub(crate) mod resume;
pub(crate) mod send;
pub(crate) mod spawn;
pub(crate) mod status;
pub(crate) mod stop;
pub(crate) mod takeover;
pub(crate) mod wait;
