//! Idempotency keys of `new`, `send` and `kill`: a retried request with the same key gets the
//! answer of the first, or an honest account of what is known when the first was cut short.

use super::Store;
use rusqlite::{OptionalExtension, params};

/// What is known about a key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IdemRecord {
    /// The verb it was used with.
    pub verb: String,
    /// The session it concerned.
    pub session_id: Option<String>,
    /// The JSON answer, once the first request finished.
    pub response: Option<String>,
}

impl Store {
    /// Claims `key` for `verb` before acting. Returns the earlier record when the key was seen.
    pub(crate) fn idem_claim(
        &self,
        key: &str,
        verb: &str,
        session_id: Option<&str>,
        at_ms: i64,
    ) -> rusqlite::Result<Option<IdemRecord>> {
        let conn = self.conn();
        let existing = conn
            .query_row(
                "SELECT verb, session_id, response FROM idempotency WHERE key = ?1",
                [key],
                |r| {
                    Ok(IdemRecord {
                        verb: r.get(0)?,
                        session_id: r.get(1)?,
                        response: r.get(2)?,
                    })
                },
            )
            .optional()?;
        if existing.is_none() {
            super::exec(
                &conn,
                "INSERT INTO idempotency (key, verb, session_id, response, at_ms) VALUES (?1, ?2, ?3, NULL, ?4)",
                params![key, verb, session_id, at_ms],
            )?;
        }
        Ok(existing)
    }

    /// Stores the answer given for `key`.
    pub(crate) fn idem_complete(&self, key: &str, response: &str) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "UPDATE idempotency SET response = ?2 WHERE key = ?1",
            params![key, response],
        )
        .map(drop)
    }

    /// Forgets keys older than `before_ms`.
    pub(crate) fn idem_prune(&self, before_ms: i64) -> rusqlite::Result<usize> {
        super::exec(
            &self.conn(),
            "DELETE FROM idempotency WHERE at_ms < ?1",
            [before_ms],
        )
    }
}
