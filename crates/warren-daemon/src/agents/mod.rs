//! The agents warren knows beyond a screen: one folder per agent, holding everything that is
//! specific to it (its settings and hooks, its screens, its status engine, its JSON stream).
//! A profile names what it needs (`status = "claude-hooks"`, `stream = "claude"`) and the
//! runtimes call into the matching folder.

pub(crate) mod claude;
