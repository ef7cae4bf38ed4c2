//! The stored event log: lifecycle and state events with ids (the resume cursor). Output is
//! never stored here; its bytes live in the output logs.

use super::Store;
use rusqlite::params;

/// An event as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredEvent {
    /// Cursor.
    pub id: i64,
    /// When.
    pub at_ms: i64,
    /// Session id.
    pub session_id: String,
    /// Session name.
    pub session: String,
    /// JSON of the event kind (tagged by `type`).
    pub payload: String,
}

impl Store {
    /// Appends an event and returns its id.
    pub(crate) fn insert_event(
        &self,
        at_ms: i64,
        session_id: &str,
        session: &str,
        kind: &str,
        payload: &str,
    ) -> rusqlite::Result<i64> {
        let conn = self.conn();
        super::exec(
            &conn,
            "INSERT INTO events (at_ms, session_id, session, type, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![at_ms, session_id, session, kind, payload],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Events after `since`, oldest first, at most `limit`.
    pub(crate) fn events_since(
        &self,
        since: i64,
        limit: u32,
    ) -> rusqlite::Result<Vec<StoredEvent>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT id, at_ms, session_id, session, payload FROM events WHERE id > ?1 ORDER BY id LIMIT ?2")?;
        let rows = stmt.query_map(params![since, limit], |r| {
            Ok(StoredEvent {
                id: r.get(0)?,
                at_ms: r.get(1)?,
                session_id: r.get(2)?,
                session: r.get(3)?,
                payload: r.get(4)?,
            })
        })?;
        rows.collect()
    }

    /// The oldest id still kept and the newest ever given (0 when none).
    pub(crate) fn event_bounds(&self) -> rusqlite::Result<(i64, i64)> {
        let conn = self.conn();
        let oldest: Option<i64> = conn.query_row("SELECT MIN(id) FROM events", [], |r| r.get(0))?;
        let newest: i64 = conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'events'",
                [],
                |r| r.get(0),
            )
            .unwrap_or(0);
        Ok((oldest.unwrap_or(newest + 1), newest))
    }

    /// Drops events beyond the newest `keep`.
    pub(crate) fn prune_events(&self, keep: u64) -> rusqlite::Result<usize> {
        let (_, newest) = self.event_bounds()?;
        let cut = newest - i64::try_from(keep).unwrap_or(i64::MAX);
        if cut <= 0 {
            return Ok(0);
        }
        super::exec(&self.conn(), "DELETE FROM events WHERE id <= ?1", [cut])
    }
}
