//! Claude Code in tmux: what warren knows about its screens (`screen`), how it pre-seeds the
//! first-start dialogs away (`seed`), the settings file that adds warren's hooks and status
//! line (`settings`), and what a hook reports (`hook`).

pub mod hook;
pub mod meta;
pub mod screen;
pub mod seed;
pub mod settings;
