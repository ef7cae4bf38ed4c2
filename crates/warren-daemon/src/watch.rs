//! Push-based file watching (inotify on Linux): output logs wake their session's tail, and the
//! pane-died hook's file wakes the exit reader. No polling interval anywhere.

use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::Notify;

type Wakers = Arc<RwLock<HashMap<PathBuf, Arc<Notify>>>>;

/// Watches session directories and the tmux events file.
pub(crate) struct Watcher {
    inner: Mutex<RecommendedWatcher>,
    wakers: Wakers,
    /// Rung when the tmux events file grows.
    pub exits: Arc<Notify>,
}

impl Watcher {
    /// Starts watching `events_file` (created if missing).
    pub(crate) fn new(events_file: &Path) -> anyhow::Result<Self> {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(events_file)?;
        let wakers: Wakers = Arc::default();
        let exits = Arc::new(Notify::new());
        let (w, e, ev_path) = (wakers.clone(), exits.clone(), events_file.to_path_buf());
        let mut inner = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            let Ok(event) = res else { return };
            // Only writes and new files matter. Access events (open, read, close) must not
            // wake anyone: the reader's own reads would wake it again, forever.
            if !matches!(
                event.kind,
                notify::EventKind::Modify(_) | notify::EventKind::Create(_)
            ) {
                return;
            }
            for path in &event.paths {
                if *path == ev_path {
                    e.notify_one();
                } else if let Some(dir) = path.parent() {
                    if let Some(n) = w
                        .read()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .get(dir)
                    {
                        n.notify_one();
                    }
                }
            }
        })?;
        inner.watch(events_file, RecursiveMode::NonRecursive)?;
        Ok(Self {
            inner: Mutex::new(inner),
            wakers,
            exits,
        })
    }

    /// Wakes `notify` whenever something in `dir` changes.
    pub(crate) fn watch_session(&self, dir: &Path, notify: Arc<Notify>) -> notify::Result<()> {
        self.wakers
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(dir.to_path_buf(), notify);
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .watch(dir, RecursiveMode::NonRecursive)
    }

    /// Stops watching `dir`.
    pub(crate) fn unwatch_session(&self, dir: &Path) {
        self.wakers
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(dir);
        let _ = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .unwatch(dir);
    }
}
