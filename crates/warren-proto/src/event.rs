//! Events on `GET /v1/events`: lifecycle and state changes are stored and carry ids (the
//! resume cursor); output events are live only and carry bytes plus their offset.

use crate::{SessionState, Signal};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One event. The fields of `kind` are flattened beside these, so no kind may use the
/// names `id`, `at`, `session_id`, `session` or `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    /// Stored events have an id, the cursor to resume from; output events have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// When (RFC 3339).
    pub at: String,
    /// The session's id.
    pub session_id: String,
    /// The session's name.
    pub session: String,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened, tagged by `type`. Consumers ignore types they do not know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A session was created.
    Created {
        /// Its profile.
        profile: String,
    },
    /// A state changed.
    StateChanged {
        /// Before.
        from: Option<SessionState>,
        /// After.
        to: SessionState,
        /// What caused it.
        signal: Signal,
        /// Why.
        #[serde(default)]
        detail: String,
    },
    /// The process exited.
    Exited {
        /// Exit status.
        exit_code: Option<i32>,
        /// Signal number when killed by one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit_signal: Option<i32>,
    },
    /// Output was appended (live only).
    Output(OutputChunk),
    /// Output was dropped for this subscriber (it fell behind); fetch by offset.
    OutputGap {
        /// The first offset the subscriber did not get.
        from_offset: u64,
    },
    /// A session's record was removed (cleanup).
    Removed {},
    /// A line of a headless agent's stream, parsed.
    Agent(crate::AgentEvent),
    /// A limit was breached or a protected path touched.
    Violation(crate::Violation),
    /// Something went wrong beside the state (e.g. its output cannot be recorded).
    Warning {
        /// What.
        message: String,
    },
    /// A hook of an interactive agent (Claude Code) reached warren.
    Hook {
        /// The hook event (`UserPromptSubmit`, `Stop`…).
        event: String,
        /// A summary: the tool, the reason, the prompt's length.
        #[serde(default)]
        detail: String,
        /// When the hook started (RFC 3339, microseconds).
        hook_at: String,
        /// Read back from `hooks.jsonl` after the daemon was unreachable.
        #[serde(default)]
        replayed: bool,
    },
    /// An input to an interactive agent was settled (or queued).
    Input {
        /// Its number in the session.
        input: u64,
        /// `acked`, `queued`, `unconfirmed` or `failed`.
        ack: crate::Ack,
        /// Why, in words.
        #[serde(default)]
        reason: String,
        /// What told (`hook:UserPromptSubmit`, `transcript`, `restart`).
        #[serde(default)]
        signal: String,
    },
    /// A session needs a person (once per episode: waiting for input, stuck, failed, or
    /// killed by a limit).
    NeedsAttention {
        /// Why, in words (e.g. `waiting for input: …`).
        reason: String,
        /// The state that started the episode.
        state: SessionState,
    },
}

/// A piece of output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OutputChunk {
    /// Global byte offset of the first byte.
    pub offset: u64,
    /// Number of bytes.
    pub len: u64,
    /// The bytes, base64.
    pub data: String,
}

impl EventKind {
    /// The `type` tag.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Created { .. } => "created",
            Self::StateChanged { .. } => "state_changed",
            Self::Exited { .. } => "exited",
            Self::Output(_) => "output",
            Self::OutputGap { .. } => "output_gap",
            Self::Removed {} => "removed",
            Self::Warning { .. } => "warning",
            Self::Agent(_) => "agent",
            Self::Violation(_) => "violation",
            Self::NeedsAttention { .. } => "needs_attention",
            Self::Hook { .. } => "hook",
            Self::Input { .. } => "input",
        }
    }
}
