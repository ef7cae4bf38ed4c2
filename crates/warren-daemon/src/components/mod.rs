//! The components: long-running subsystems above the sessions, one folder each, with the
//! lifecycle of [`crate::daemon::component`]. They act on sessions only through the service
//! verbs (docs/ARCHITECTURE.md, "Layers"). Adding one is a folder here and a line in [`all`].

pub(crate) mod attention;

use crate::daemon::Daemon;
use crate::daemon::component::Components;
use std::sync::Arc;

/// Adds (subscribes) every component; the caller starts them once sessions are reconciled.
pub(crate) fn all(d: &Arc<Daemon>, set: &mut Components) {
    set.add(d, attention::AttentionWatch);
}
