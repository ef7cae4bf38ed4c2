//! Schema migrations: only ever appended, never edited. `PRAGMA user_version` counts them.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: sessions, transitions, events, idempotency keys.
    "CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        profile TEXT NOT NULL,
        state TEXT NOT NULL,
        signal TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        since_ms INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        cwd TEXT NOT NULL,
        command TEXT NOT NULL,
        pid INTEGER,
        exit_code INTEGER,
        tmux_session TEXT,
        tmux_pane TEXT,
        gate TEXT NOT NULL,
        job_slug TEXT,
        pending_prompt TEXT,
        kill_pending INTEGER NOT NULL DEFAULT 0,
        idem_key TEXT,
        cost REAL,
        turns INTEGER
    );
    CREATE INDEX sessions_by_name ON sessions(name, created_ms);
    CREATE UNIQUE INDEX sessions_by_idem ON sessions(idem_key) WHERE idem_key IS NOT NULL;
    CREATE TABLE transitions (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        from_state TEXT,
        to_state TEXT NOT NULL,
        signal TEXT NOT NULL,
        detail TEXT NOT NULL,
        at_ms INTEGER NOT NULL
    );
    CREATE INDEX transitions_by_session ON transitions(session_id, id);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at_ms INTEGER NOT NULL,
        session_id TEXT NOT NULL,
        session TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        verb TEXT NOT NULL,
        session_id TEXT,
        response TEXT,
        at_ms INTEGER NOT NULL
    );",
    // 2: headless sessions, their interactions and safety-net violations; identity tokens.
    "CREATE TABLE headless (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        spec TEXT NOT NULL,
        agent_session_id TEXT,
        config_dir TEXT,
        limits TEXT NOT NULL,
        parent_id TEXT,
        depth INTEGER NOT NULL DEFAULT 0,
        parsed_offset INTEGER NOT NULL DEFAULT 0,
        paused INTEGER NOT NULL DEFAULT 0,
        active_ms INTEGER NOT NULL DEFAULT 0,
        done INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE interactions (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        prompt TEXT NOT NULL,
        response TEXT,
        status TEXT NOT NULL,
        cost REAL NOT NULL DEFAULT 0,
        turns INTEGER NOT NULL DEFAULT 0,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        tools TEXT NOT NULL DEFAULT '[]',
        errors TEXT NOT NULL DEFAULT '[]',
        denials TEXT NOT NULL DEFAULT '[]',
        started_ms INTEGER NOT NULL,
        ended_ms INTEGER,
        agent_session_id TEXT,
        PRIMARY KEY (session_id, seq)
    );
    CREATE TABLE violations (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        tool TEXT,
        path TEXT,
        at_ms INTEGER NOT NULL
    );
    CREATE INDEX violations_by_session ON violations(session_id, id);
    CREATE TABLE session_tokens (
        token_hash TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE
    );",
    // 3: the safety net of tmux sessions (headless ones keep theirs in `headless`).
    "CREATE TABLE session_limits (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        limits TEXT NOT NULL
    );",
    // 4: input to interactive agents that acknowledge it (Claude Code's UserPromptSubmit
    // hook): queued until the agent is idle, delivered at most once, in order.
    "CREATE TABLE inputs (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        text TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        signal TEXT NOT NULL DEFAULT '',
        created_ms INTEGER NOT NULL,
        settled_ms INTEGER,
        PRIMARY KEY (session_id, seq)
    );",
];

/// Applies the migrations this database has not seen.
pub(super) fn apply(conn: &Connection) -> rusqlite::Result<()> {
    let done: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let done = usize::try_from(done).unwrap_or(0);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        conn.execute_batch(&format!(
            "BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;",
            i + 1
        ))?;
    }
    Ok(())
}
