//! Claude Code in tmux: what warren knows about its screens (`screen`), how it pre-seeds the
//! first-start dialogs away (`seed`), and the settings file that adds warren's hooks and
//! status line (`settings`). The hook and status line programs themselves, and the spool of
//! hooks the daemon missed, are [`warren_helpers::hook`].

pub mod meta;
pub mod screen;
pub mod seed;
pub mod settings;
