//! What is done to a tmux session's pane beyond reading it: typing into it (literal text or a
//! paste buffer, then Enter after the settle delay) and ending it for a limit. Shared by the
//! tmux runtime and the agents that drive it, so it sits below both.

pub(crate) mod safety;
pub(crate) mod typing;
