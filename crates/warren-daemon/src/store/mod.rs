//! The store: one SQLite database (WAL). Sessions, every transition with its provenance, the
//! event log, idempotency keys. Calls are short and synchronous; none is made while holding
//! another lock or across an `.await`.

mod events;
mod headless;
mod idempotency;
mod migrations;
mod sessions;

pub use events::StoredEvent;
pub use headless::{HeadlessRow, HeadlessSpec};
pub use idempotency::IdemRecord;
pub use sessions::SessionRow;

use rusqlite::Connection;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// The database.
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating) the database at `path`, mode 0600, and applies migrations.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
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
        migrations::apply(&conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// RFC 3339 for a millisecond timestamp.
pub fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
