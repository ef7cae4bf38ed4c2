//! warren's private tmux server: started with `-f /dev/null` on a socket under warren's home,
//! driven through one control-mode connection. Targets are always ids (`$1`, `%3`) or exact
//! names (`=name`), never bare names, which tmux would prefix-match.

pub mod control;
pub mod parse;
pub mod quote;
mod server;

pub use control::{Notice, TmuxError};
pub use server::{CONTROL_SESSION, CreateSpec, Created, PaneRow, Tmux};
