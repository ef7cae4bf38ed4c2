//! The store: one SQLite database (WAL). Sessions, every transition with its provenance, the
//! event log, idempotency keys. Calls are short and synchronous; none is made while holding
//! another lock or across an `.await`.

mod events;
mod headless;
mod idempotency;
mod inputs;
mod migrations;
mod sessions;

pub(crate) use headless::{HeadlessRow, HeadlessSpec};
pub(crate) use sessions::SessionRow;

use rusqlite::Connection;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// Uses of the connection between two background checkpoints.
const CHECKPOINT_EVERY: u64 = 512;

/// The database.
pub(crate) struct Store {
    conn: Mutex<Connection>,
    uses: std::sync::atomic::AtomicU64,
    checkpoint: Mutex<Option<std::sync::mpsc::Sender<()>>>,
}

impl Store {
    /// Opens (creating) the database at `path`, mode 0600, and applies migrations.
    pub(crate) fn open(path: &Path) -> anyhow::Result<Self> {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)?;
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(128);
        migrations::apply(&conn)?;
        // The WAL is checkpointed by a thread of its own (below), not by whichever request
        // happens to cross SQLite's threshold: that one paid ~5 ms, mostly an fsync.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpoint = spawn_checkpointer(path).ok();
        Ok(Self {
            conn: Mutex::new(conn),
            uses: std::sync::atomic::AtomicU64::new(0),
            checkpoint: Mutex::new(checkpoint),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        let n = self.uses.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1 {
            if let Some(tx) = self
                .checkpoint
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .as_ref()
            {
                let _ = tx.send(());
            }
        }
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A thread with its own connection that checkpoints the WAL (PASSIVE: writers go on) each
/// time it is asked; it ends when the store is dropped.
fn spawn_checkpointer(path: &Path) -> anyhow::Result<std::sync::mpsc::Sender<()>> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("wal-checkpoint".into())
        .spawn(move || {
            while rx.recv().is_ok() {
                while rx.try_recv().is_ok() {}
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!("checkpointing the store: {e}");
                }
            }
        })?;
    Ok(tx)
}

/// Runs one statement through the connection's statement cache: SQL is compiled once per
/// call site, not on every call (measured: 10 % of the daemon's CPU under headless load).
fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// RFC 3339 for a millisecond timestamp.
pub(crate) fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
