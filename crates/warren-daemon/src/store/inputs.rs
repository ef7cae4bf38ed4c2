//! Input to agents that acknowledge it: each row is queued, then typing (about to be typed:
//! never typed again after this), then settled (acked, unconfirmed or failed).

use super::Store;
use rusqlite::{OptionalExtension, params};

/// One input.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InputRow {
    /// Its number within the session, from 1.
    pub seq: u64,
    /// The text.
    pub text: String,
    /// `queued`, `typing`, `acked`, `unconfirmed` or `failed`.
    pub state: String,
    /// Why, in words.
    pub reason: String,
    /// What settled it (`hook:UserPromptSubmit`, `transcript`…).
    pub signal: String,
    /// When it was accepted.
    pub created_ms: i64,
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<InputRow> {
    Ok(InputRow {
        seq: r.get::<_, i64>(0)?.max(0) as u64,
        text: r.get(1)?,
        state: r.get(2)?,
        reason: r.get(3)?,
        signal: r.get(4)?,
        created_ms: r.get(5)?,
    })
}

const COLUMNS: &str = "seq, text, state, reason, signal, created_ms";

impl Store {
    /// Queues `text`; answers its number.
    pub(crate) fn input_add(&self, session: &str, text: &str, at_ms: i64) -> rusqlite::Result<u64> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let next: i64 = tx.query_row(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM inputs WHERE session_id = ?1",
            [session],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO inputs (session_id, seq, text, state, created_ms) VALUES (?1, ?2, ?3, 'queued', ?4)",
            params![session, next, text, at_ms],
        )?;
        tx.commit()?;
        Ok(next.max(0) as u64)
    }

    /// Moves an input on.
    pub(crate) fn input_set(
        &self,
        session: &str,
        seq: u64,
        state: &str,
        reason: &str,
        signal: &str,
        at_ms: i64,
    ) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "UPDATE inputs SET state = ?3, reason = ?4, signal = ?5, settled_ms = ?6 WHERE session_id = ?1 AND seq = ?2",
            params![session, seq as i64, state, reason, signal, at_ms],
        )
        .map(drop)
    }

    /// One input.
    pub(crate) fn input(&self, session: &str, seq: u64) -> rusqlite::Result<Option<InputRow>> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM inputs WHERE session_id = ?1 AND seq = ?2"),
                params![session, seq as i64],
                from_row,
            )
            .optional()
    }

    /// Inputs in `state`, oldest first.
    pub(crate) fn inputs_in(&self, session: &str, state: &str) -> rusqlite::Result<Vec<InputRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM inputs WHERE session_id = ?1 AND state = ?2 ORDER BY seq"
        ))?;
        let rows = stmt.query_map(params![session, state], from_row)?;
        rows.collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_numbered_per_session_and_move_on() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("w.db")).unwrap();
        let row = crate::store::SessionRow::fresh(
            "a",
            "a",
            "claude",
            warren_proto::SessionState::Starting,
            warren_proto::Signal::Warren("create".into()),
            "",
        );
        s.insert_session(&row).unwrap();
        assert_eq!(s.input_add("a", "one", 1).unwrap(), 1);
        assert_eq!(s.input_add("a", "two", 2).unwrap(), 2);
        s.input_set("a", 1, "typing", "", "", 3).unwrap();
        let queued = s.inputs_in("a", "queued").unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].text, "two");
        s.input_set("a", 1, "acked", "seen", "hook:UserPromptSubmit", 4)
            .unwrap();
        let one = s.input("a", 1).unwrap().unwrap();
        assert_eq!(
            (one.state.as_str(), one.signal.as_str()),
            ("acked", "hook:UserPromptSubmit")
        );
        assert!(s.input("a", 9).unwrap().is_none());
    }
}
