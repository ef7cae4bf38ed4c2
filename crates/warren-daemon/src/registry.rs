//! The in-memory registry of sessions: id → handle, and names resolved to the newest session.
//! Locks here are held only for a lookup or an insert, never across I/O.

use crate::session::SessionHandle;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Every session the daemon knows.
#[derive(Default)]
pub(crate) struct Registry {
    by_id: RwLock<HashMap<String, Arc<SessionHandle>>>,
}

impl Registry {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<SessionHandle>>> {
        self.by_id
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds a session.
    pub(crate) fn insert(&self, h: Arc<SessionHandle>) {
        self.by_id
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(h.id.clone(), h);
    }

    /// Forgets a session.
    pub(crate) fn remove(&self, id: &str) -> Option<Arc<SessionHandle>> {
        self.by_id
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(id)
    }

    /// A name or an id: a name resolves to its newest session, older ones by id.
    pub(crate) fn resolve(&self, key: &str) -> Option<Arc<SessionHandle>> {
        let map = self.read();
        if let Some(h) = map.get(key) {
            return Some(h.clone());
        }
        map.values()
            .filter(|h| h.name.as_str() == key)
            .max_by_key(|h| (h.created_ms, h.id.clone()))
            .cloned()
    }

    /// The live session holding `name`, if any.
    pub(crate) fn live_with_name(&self, name: &str) -> Option<Arc<SessionHandle>> {
        self.read()
            .values()
            .find(|h| h.name.as_str() == name && !h.state().is_terminal())
            .cloned()
    }

    /// All sessions, oldest first.
    pub(crate) fn all(&self) -> Vec<Arc<SessionHandle>> {
        let mut v: Vec<_> = self.read().values().cloned().collect();
        v.sort_by(|a, b| {
            a.created_ms
                .cmp(&b.created_ms)
                .then_with(|| a.id.cmp(&b.id))
        });
        v
    }

    /// The session whose tmux pane is `pane` (and tmux session `session`).
    pub(crate) fn by_pane(&self, pane: &str, session: &str) -> Option<Arc<SessionHandle>> {
        self.read()
            .values()
            .find(|h| h.matches_pane(pane, session))
            .cloned()
    }

    /// Number of live sessions.
    pub(crate) fn live_count(&self) -> usize {
        self.read()
            .values()
            .filter(|h| !h.state().is_terminal())
            .count()
    }
}
