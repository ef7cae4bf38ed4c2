//! Session rows and their transitions.

use super::Store;
use rusqlite::{OptionalExtension, Row, params};
use warren_proto::{SessionState, Signal, Transition};

/// A session as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SessionRow {
    /// UUID v7.
    pub id: String,
    /// Validated name.
    pub name: String,
    /// `tmux`.
    pub kind: String,
    /// Profile name.
    pub profile: String,
    /// Current state.
    pub state: SessionState,
    /// Signal of the last transition.
    pub signal: Signal,
    /// Why.
    pub detail: String,
    /// When the state began.
    pub since_ms: i64,
    /// Creation time.
    pub created_ms: i64,
    /// Working directory.
    pub cwd: String,
    /// Program and arguments.
    pub command: Vec<String>,
    /// Program pid.
    pub pid: Option<u32>,
    /// Exit status.
    pub exit_code: Option<i32>,
    /// tmux `$N`.
    pub tmux_session: Option<String>,
    /// tmux `%N`.
    pub tmux_pane: Option<String>,
    /// `wait-for` channel gating the program's start.
    pub gate: String,
    /// instar job slug.
    pub job_slug: Option<String>,
    /// Prompt to paste once ready.
    pub pending_prompt: Option<String>,
    /// A kill was asked and not yet finished.
    pub kill_pending: bool,
    /// Idempotency key of the `new` that made it.
    pub idem_key: Option<String>,
    /// Cost in USD.
    pub cost: Option<f64>,
    /// Turns.
    pub turns: Option<u64>,
}

impl SessionRow {
    /// A new tmux session's row, as of now; the caller fills in what it knows beyond this.
    pub(crate) fn fresh(
        id: &str,
        name: &str,
        profile: &str,
        state: SessionState,
        signal: Signal,
        detail: &str,
    ) -> Self {
        let now = super::now_ms();
        Self {
            id: id.into(),
            name: name.into(),
            kind: "tmux".into(),
            profile: profile.into(),
            state,
            signal,
            detail: detail.into(),
            since_ms: now,
            created_ms: now,
            cwd: String::new(),
            command: Vec::new(),
            pid: None,
            exit_code: None,
            tmux_session: None,
            tmux_pane: None,
            gate: String::new(),
            job_slug: None,
            pending_prompt: None,
            kill_pending: false,
            idem_key: None,
            cost: None,
            turns: None,
        }
    }
}

const COLUMNS: &str = "id, name, kind, profile, state, signal, detail, since_ms, created_ms, cwd, command, pid, exit_code, tmux_session, tmux_pane, gate, job_slug, pending_prompt, kill_pending, idem_key, cost, turns";

fn from_row(r: &Row<'_>) -> rusqlite::Result<SessionRow> {
    let state: String = r.get(4)?;
    let signal: String = r.get(5)?;
    let command: String = r.get(10)?;
    Ok(SessionRow {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        profile: r.get(3)?,
        state: SessionState::parse(&state).unwrap_or(SessionState::Unknown),
        signal: Signal::parse(&signal).unwrap_or(Signal::Reconcile),
        detail: r.get(6)?,
        since_ms: r.get(7)?,
        created_ms: r.get(8)?,
        cwd: r.get(9)?,
        command: serde_json::from_str(&command).unwrap_or_default(),
        pid: r.get(11)?,
        exit_code: r.get(12)?,
        tmux_session: r.get(13)?,
        tmux_pane: r.get(14)?,
        gate: r.get(15)?,
        job_slug: r.get(16)?,
        pending_prompt: r.get(17)?,
        kill_pending: r.get(18)?,
        idem_key: r.get(19)?,
        cost: r.get(20)?,
        turns: r
            .get::<_, Option<i64>>(21)?
            .and_then(|t| u64::try_from(t).ok()),
    })
}

impl Store {
    /// Inserts a new session with its first transition, in one transaction.
    pub(crate) fn insert_session(&self, s: &SessionRow) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        insert_in(&tx, s)?;
        tx.commit()
    }

    /// Records a transition and the new current state, in one transaction.
    pub(crate) fn record_transition(
        &self,
        id: &str,
        from: SessionState,
        to: SessionState,
        signal: &Signal,
        detail: &str,
        at_ms: i64,
    ) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        super::exec(
            &tx,
            "UPDATE sessions SET state = ?2, signal = ?3, detail = ?4, since_ms = ?5 WHERE id = ?1",
            params![id, to.as_str(), signal.name(), detail, at_ms],
        )?;
        super::exec(
            &tx,
            "INSERT INTO transitions (session_id, from_state, to_state, signal, detail, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, from.as_str(), to.as_str(), signal.name(), detail, at_ms],
        )?;
        tx.commit()
    }

    /// Saves the tmux ids and pid once tmux made the session.
    pub(crate) fn set_tmux(
        &self,
        id: &str,
        session: &str,
        pane: &str,
        pid: u32,
    ) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "UPDATE sessions SET tmux_session = ?2, tmux_pane = ?3, pid = ?4 WHERE id = ?1",
            params![id, session, pane, pid],
        )
        .map(drop)
    }

    /// Saves the exit status.
    pub(crate) fn set_exit(&self, id: &str, code: Option<i32>) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "UPDATE sessions SET exit_code = ?2 WHERE id = ?1",
            params![id, code],
        )
        .map(drop)
    }

    /// Marks or clears a pending kill.
    pub(crate) fn set_kill_pending(&self, id: &str, pending: bool) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "UPDATE sessions SET kill_pending = ?2 WHERE id = ?1",
            params![id, pending],
        )
        .map(drop)
    }

    /// Clears the prompt once pasted.
    pub(crate) fn clear_prompt(&self, id: &str) -> rusqlite::Result<()> {
        super::exec(
            &self.conn(),
            "UPDATE sessions SET pending_prompt = NULL WHERE id = ?1",
            params![id],
        )
        .map(drop)
    }

    /// Every session.
    pub(crate) fn load_sessions(&self) -> rusqlite::Result<Vec<SessionRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM sessions ORDER BY created_ms, id"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        rows.collect()
    }

    /// The session made by the `new` with this idempotency key.
    pub(crate) fn session_by_idem(&self, key: &str) -> rusqlite::Result<Option<SessionRow>> {
        let conn = self.conn();
        conn.query_row(
            &format!("SELECT {COLUMNS} FROM sessions WHERE idem_key = ?1"),
            [key],
            from_row,
        )
        .optional()
    }

    /// A session's transitions, oldest first.
    pub(crate) fn transitions(&self, id: &str) -> rusqlite::Result<Vec<Transition>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT from_state, to_state, signal, detail, at_ms FROM transitions WHERE session_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map([id], |r| {
            let from: Option<String> = r.get(0)?;
            let to: String = r.get(1)?;
            let signal: String = r.get(2)?;
            Ok(Transition {
                from: from.as_deref().and_then(SessionState::parse),
                to: SessionState::parse(&to).unwrap_or(SessionState::Unknown),
                signal: Signal::parse(&signal).unwrap_or(Signal::Reconcile),
                detail: r.get(3)?,
                at: super::rfc3339(r.get(4)?),
            })
        })?;
        rows.collect()
    }

    /// Removes a session and its transitions.
    pub(crate) fn delete_session(&self, id: &str) -> rusqlite::Result<()> {
        super::exec(&self.conn(), "DELETE FROM sessions WHERE id = ?1", [id]).map(drop)
    }
}

/// Inserts a session row and its first transition inside a transaction.
pub(super) fn insert_in(tx: &rusqlite::Transaction<'_>, s: &SessionRow) -> rusqlite::Result<()> {
    super::exec(
        tx,
        &format!(
            "INSERT INTO sessions ({COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22)"
        ),
        params![
            s.id,
            s.name,
            s.kind,
            s.profile,
            s.state.as_str(),
            s.signal.name(),
            s.detail,
            s.since_ms,
            s.created_ms,
            s.cwd,
            serde_json::to_string(&s.command).unwrap_or_default(),
            s.pid,
            s.exit_code,
            s.tmux_session,
            s.tmux_pane,
            s.gate,
            s.job_slug,
            s.pending_prompt,
            s.kill_pending,
            s.idem_key,
            s.cost,
            s.turns.and_then(|t| i64::try_from(t).ok())
        ],
    )?;
    super::exec(
        tx,
        "INSERT INTO transitions (session_id, from_state, to_state, signal, detail, at_ms) VALUES (?1, NULL, ?2, ?3, ?4, ?5)",
        params![
            s.id,
            s.state.as_str(),
            s.signal.name(),
            s.detail,
            s.since_ms
        ],
    )?;
    Ok(())
}
