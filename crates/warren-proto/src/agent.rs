//! A headless agent's stream, parsed: each stdout line of `claude -p --output-format
//! stream-json` becomes one typed event. A line that does not parse is kept as `raw`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// One line of an agent's stream, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AgentEvent {
    /// `system/init`: sent before every turn.
    Init {
        /// The agent's own session id (Claude's `session_id`).
        agent_session_id: String,
        /// Model in use.
        #[serde(default)]
        model: String,
        /// Its working directory.
        #[serde(default)]
        cwd: String,
        /// Permission mode.
        #[serde(default)]
        permission_mode: String,
        /// Tools offered to the model.
        #[serde(default)]
        tools: Vec<String>,
    },
    /// An assistant text block.
    Text {
        /// The text.
        text: String,
        /// The API message it belongs to.
        #[serde(default)]
        message_id: String,
    },
    /// An assistant tool call.
    ToolUse {
        /// Tool call id.
        tool_use_id: String,
        /// Tool name.
        name: String,
        /// Its input.
        #[schema(value_type = Object)]
        input: Value,
        /// The API message it belongs to.
        #[serde(default)]
        message_id: String,
    },
    /// A tool's result, as the agent reported it.
    ToolResult {
        /// The call it answers.
        tool_use_id: String,
        /// Its content as text (cut to 64 KiB).
        content: String,
        /// Whether the tool failed or was denied.
        #[serde(default)]
        is_error: bool,
    },
    /// A user message echoed by the agent (the input arrived), or its own notice such as
    /// `[Request interrupted by user]`.
    User {
        /// The text.
        text: String,
    },
    /// The end of a turn.
    Result(TurnResult),
    /// A control request or response (interrupt, initialize, can_use_tool).
    Control {
        /// `control_request` or `control_response`.
        direction: String,
        /// Its subtype.
        subtype: String,
        /// Its request id.
        #[serde(default)]
        request_id: String,
        /// The whole line.
        #[schema(value_type = Object)]
        body: Value,
    },
    /// A partial message delta (`--include-partial-messages`).
    Partial {
        /// The raw stream event.
        #[schema(value_type = Object)]
        event: Value,
    },
    /// `system/status` and other system lines.
    System {
        /// Subtype.
        subtype: String,
        /// The whole line.
        #[schema(value_type = Object)]
        body: Value,
    },
    /// A line that is not JSON, or JSON of no known type.
    Raw {
        /// The line (lossy UTF-8, cut to 64 KiB).
        text: String,
    },
}

/// A `result` line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TurnResult {
    /// `success`, `error_max_turns`, `error_max_budget_usd`, `error_during_execution`…
    pub subtype: String,
    /// Whether the turn failed: the field to trust, not `subtype`.
    pub is_error: bool,
    /// The final text.
    #[serde(default)]
    pub result: Option<String>,
    /// Cumulative cost of the agent process so far (`total_cost_usd`).
    #[serde(default)]
    pub total_cost_usd: f64,
    /// API calls in this turn.
    #[serde(default)]
    pub num_turns: u64,
    /// Duration of the turn.
    #[serde(default)]
    pub duration_ms: u64,
    /// Errors reported.
    #[serde(default)]
    pub errors: Vec<String>,
    /// Denied tool uses.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub permission_denials: Vec<Value>,
    /// HTTP status of an API error.
    #[serde(default)]
    pub api_error_status: Option<u16>,
    /// The agent's session id.
    #[serde(default)]
    pub agent_session_id: String,
    /// Why the turn ended (`completed`, `max_turns`, `aborted_streaming`…).
    #[serde(default)]
    pub terminal_reason: Option<String>,
}
