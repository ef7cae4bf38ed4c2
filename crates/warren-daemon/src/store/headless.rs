//! Headless sessions' own records: spec, agent session id, limits, parse cursor; their
//! interactions and violations; identity tokens.

use super::{SessionRow, Store, rfc3339};
use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use warren_proto::{Interaction, Limits, Violation};

/// How a headless agent is started and watched (stored as JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct HeadlessSpec {
    /// Program and flags, without the resume flags.
    pub argv: Vec<String>,
    /// Model asked for.
    #[serde(default)]
    pub model: Option<String>,
    /// Preset asked for.
    #[serde(default)]
    pub preset: Option<String>,
    /// No output for this long during a turn: stuck.
    pub watchdog_secs: u64,
    /// The same while a tool runs.
    pub tool_timeout_secs: u64,
    /// No exit this long after stdin closed: stuck.
    pub exit_timeout_secs: u64,
}

/// A headless session's own row.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct HeadlessRow {
    /// The session.
    pub session_id: String,
    /// How it starts.
    pub spec: HeadlessSpec,
    /// Claude's session id, once init told it.
    pub agent_session_id: Option<String>,
    /// Claude's config dir (where its transcripts live).
    pub config_dir: Option<String>,
    /// The safety net.
    pub limits: Limits,
    /// The session that spawned it.
    pub parent_id: Option<String>,
    /// Depth below a top-level session.
    pub depth: u32,
    /// Offset up to which the stream was parsed.
    pub parsed_offset: u64,
    /// Input is held.
    pub paused: bool,
    /// Running time so far (paused time not counted), up to the last stop.
    pub active_ms: i64,
    /// `finish` marked it done.
    pub done: bool,
}

const COLUMNS: &str = "session_id, spec, agent_session_id, config_dir, limits, parent_id, depth, parsed_offset, paused, active_ms, done";

fn from_row(r: &Row<'_>) -> rusqlite::Result<HeadlessRow> {
    let spec: String = r.get(1)?;
    let limits: String = r.get(4)?;
    Ok(HeadlessRow {
        session_id: r.get(0)?,
        spec: serde_json::from_str(&spec).unwrap_or_default(),
        agent_session_id: r.get(2)?,
        config_dir: r.get(3)?,
        limits: serde_json::from_str(&limits).unwrap_or_default(),
        parent_id: r.get(5)?,
        depth: r.get(6)?,
        parsed_offset: r.get::<_, i64>(7)?.max(0) as u64,
        paused: r.get(8)?,
        active_ms: r.get(9)?,
        done: r.get(10)?,
    })
}

fn interaction(r: &Row<'_>) -> rusqlite::Result<Interaction> {
    let list = |i: usize| -> rusqlite::Result<Vec<String>> {
        Ok(serde_json::from_str(&r.get::<_, String>(i)?).unwrap_or_default())
    };
    Ok(Interaction {
        seq: r.get::<_, i64>(0)?.max(0) as u64,
        prompt: r.get(1)?,
        response: r.get(2)?,
        status: r.get(3)?,
        cost: r.get(4)?,
        turns: r.get::<_, i64>(5)?.max(0) as u64,
        duration_ms: r.get::<_, i64>(6)?.max(0) as u64,
        tools: list(7)?,
        errors: list(8)?,
        denials: serde_json::from_str(&r.get::<_, String>(9)?).unwrap_or_default(),
        started_at: rfc3339(r.get(10)?),
        ended_at: r.get::<_, Option<i64>>(11)?.map(rfc3339),
        agent_session_id: r.get(12)?,
    })
}

const INTERACTION_COLUMNS: &str = "seq, prompt, response, status, cost, turns, duration_ms, tools, errors, denials, started_ms, ended_ms, agent_session_id";

impl Store {
    /// Inserts a headless session: its session row, first transition and headless row in one
    /// transaction, so a crash leaves all or nothing.
    pub(crate) fn insert_headless(
        &self,
        s: &SessionRow,
        h: &HeadlessRow,
        token_hash: &str,
    ) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        super::sessions::insert_in(&tx, s)?;
        super::exec(
            &tx,
            &format!(
                "INSERT INTO headless ({COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
            ),
            params![
                s.id,
                serde_json::to_string(&h.spec).unwrap_or_default(),
                h.agent_session_id,
                h.config_dir,
                serde_json::to_string(&h.limits).unwrap_or_default(),
                h.parent_id,
                h.depth,
                h.parsed_offset as i64,
                h.paused,
                h.active_ms,
                h.done
            ],
        )?;
        super::exec(
            &tx,
            "INSERT INTO session_tokens (token_hash, session_id) VALUES (?1, ?2)",
            params![token_hash, s.id],
        )?;
        tx.commit()
    }

    /// Every headless row.
    pub(crate) fn load_headless(&self) -> rusqlite::Result<Vec<HeadlessRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM headless"))?;
        let rows = stmt.query_map([], from_row)?;
        rows.collect()
    }

    /// Saves the mutable parts of a headless row.
    pub(crate) fn save_headless(&self, h: &HeadlessRow) -> rusqlite::Result<()> {
        super::exec(&self.conn(),
                "UPDATE headless SET agent_session_id = ?2, config_dir = ?3, limits = ?4, parsed_offset = ?5, paused = ?6, active_ms = ?7, done = ?8, spec = ?9 WHERE session_id = ?1",
                params![
                    h.session_id,
                    h.agent_session_id,
                    h.config_dir,
                    serde_json::to_string(&h.limits).unwrap_or_default(),
                    h.parsed_offset as i64,
                    h.paused,
                    h.active_ms,
                    h.done,
                    serde_json::to_string(&h.spec).unwrap_or_default()
                ],
            )
            .map(drop)
    }

    /// Saves the parse cursor (called often: one small update).
    pub(crate) fn save_parsed_offset(&self, id: &str, offset: u64) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "UPDATE headless SET parsed_offset = ?2 WHERE session_id = ?1",
            params![id, offset as i64],
        )
        .map(drop)
    }

    /// The session a token belongs to.
    pub(crate) fn session_by_token(&self, token_hash: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row(
                "SELECT session_id FROM session_tokens WHERE token_hash = ?1",
                [token_hash],
                |r| r.get(0),
            )
            .optional()
    }

    /// Records a token for a session made elsewhere (tmux sessions).
    pub(crate) fn add_token(&self, id: &str, token_hash: &str) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "INSERT OR IGNORE INTO session_tokens (token_hash, session_id) VALUES (?1, ?2)",
            params![token_hash, id],
        )
        .map(drop)
    }

    /// Adds an interaction; returns its sequence number.
    pub(crate) fn add_interaction(
        &self,
        id: &str,
        prompt: &str,
        status: &str,
        at_ms: i64,
    ) -> rusqlite::Result<u64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let seq: i64 = tx.query_row(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM interactions WHERE session_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        super::exec(
            &tx,
            "INSERT INTO interactions (session_id, seq, prompt, status, started_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, seq, prompt, status, at_ms],
        )?;
        tx.commit()?;
        Ok(seq.max(0) as u64)
    }

    /// Sets an interaction's status (and start time when it is forwarded).
    pub(crate) fn set_interaction_status(
        &self,
        id: &str,
        seq: u64,
        status: &str,
    ) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "UPDATE interactions SET status = ?3 WHERE session_id = ?1 AND seq = ?2",
            params![id, seq as i64, status],
        )
        .map(drop)
    }

    /// Stores a finished interaction.
    pub(crate) fn finish_interaction(
        &self,
        id: &str,
        i: &Interaction,
        ended_ms: i64,
    ) -> rusqlite::Result<()> {
        super::exec(&self.conn(),
                "UPDATE interactions SET response = ?3, status = ?4, cost = ?5, turns = ?6, duration_ms = ?7, tools = ?8, errors = ?9, denials = ?10, ended_ms = ?11, agent_session_id = ?12 WHERE session_id = ?1 AND seq = ?2",
                params![
                    id,
                    i.seq as i64,
                    i.response,
                    i.status,
                    i.cost,
                    i.turns as i64,
                    i.duration_ms as i64,
                    serde_json::to_string(&i.tools).unwrap_or_default(),
                    serde_json::to_string(&i.errors).unwrap_or_default(),
                    serde_json::to_string(&i.denials).unwrap_or_default(),
                    ended_ms,
                    i.agent_session_id
                ],
            )
            .map(drop)
    }

    /// A session's interactions, oldest first.
    pub(crate) fn interactions(&self, id: &str) -> rusqlite::Result<Vec<Interaction>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {INTERACTION_COLUMNS} FROM interactions WHERE session_id = ?1 ORDER BY seq"
        ))?;
        let rows = stmt.query_map([id], interaction)?;
        rows.collect()
    }

    /// One interaction.
    pub(crate) fn interaction(&self, id: &str, seq: u64) -> rusqlite::Result<Option<Interaction>> {
        self.conn()
            .query_row(
                &format!("SELECT {INTERACTION_COLUMNS} FROM interactions WHERE session_id = ?1 AND seq = ?2"),
                params![id, seq as i64],
                interaction,
            )
            .optional()
    }

    /// Records a violation.
    pub(crate) fn add_violation(
        &self,
        id: &str,
        v: &Violation,
        at_ms: i64,
    ) -> rusqlite::Result<()> {
        super::exec(&self.conn(),
                "INSERT INTO violations (session_id, kind, message, tool, path, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, v.kind, v.message, v.tool, v.path, at_ms],
            )
            .map(drop)
    }

    /// A session's violations, oldest first.
    pub(crate) fn violations(&self, id: &str) -> rusqlite::Result<Vec<Violation>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT kind, message, tool, path, at_ms FROM violations WHERE session_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(Violation {
                kind: r.get(0)?,
                message: r.get(1)?,
                tool: r.get(2)?,
                path: r.get(3)?,
                at: rfc3339(r.get(4)?),
            })
        })?;
        rows.collect()
    }

    /// Saves a session's cost and turns.
    pub(crate) fn set_cost(&self, id: &str, cost: f64, turns: u64) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "UPDATE sessions SET cost = ?2, turns = ?3 WHERE id = ?1",
            params![id, cost, turns as i64],
        )
        .map(drop)
    }

    /// Saves the agent's pid.
    pub(crate) fn set_pid(&self, id: &str, pid: u32) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "UPDATE sessions SET pid = ?2 WHERE id = ?1",
            params![id, pid],
        )
        .map(drop)
    }

    /// Saves a tmux session's limits.
    pub(crate) fn set_session_limits(&self, id: &str, limits: &Limits) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "INSERT INTO session_limits (session_id, limits) VALUES (?1, ?2)
                 ON CONFLICT(session_id) DO UPDATE SET limits = excluded.limits",
            params![id, serde_json::to_string(limits).unwrap_or_default()],
        )
        .map(drop)
    }

    /// Every tmux session's limits.
    pub(crate) fn load_session_limits(&self) -> rusqlite::Result<Vec<(String, Limits)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT session_id, limits FROM session_limits")?;
        let rows = stmt.query_map([], |r| {
            let text: String = r.get(1)?;
            Ok((r.get(0)?, serde_json::from_str(&text).unwrap_or_default()))
        })?;
        rows.collect()
    }
}
