//! Interactive agents that report through hooks (Claude Code in tmux): what `warren hook`
//! sends, the question a waiting session shows, and the verbs that answer it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/hook`: one hook event (or status line call) of the session whose identity token
/// the request carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HookReport {
    /// The hook event (`SessionStart`, `UserPromptSubmit`, `Stop`…), or `StatusLine`.
    pub event: String,
    /// What the agent gave the hook on stdin.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// When the hook started (microseconds since the Unix epoch).
    #[serde(default)]
    pub at_us: i64,
    /// Read back from `hooks.jsonl` (the daemon was unreachable when it fired).
    #[serde(default)]
    pub replayed: bool,
}

/// The answer to a hook: what it prints on stdout (a decision), if anything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HookAnswer {
    /// JSON for the hook's stdout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub output: Option<serde_json::Value>,
}

/// What a waiting session asks (`status` shows it; `approve`/`deny`/`keys` answer it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Question {
    /// `permission`, `trust`, `api_key`, `bypass` or `exit_confirm`.
    pub kind: String,
    /// The question, e.g. "Do you want to proceed?".
    pub question: String,
    /// What it is about, e.g. "Bash command: touch x".
    #[serde(default)]
    pub subject: String,
    /// The numbered choices.
    #[serde(default)]
    pub choices: Vec<String>,
    /// The dialog's text as shown.
    #[serde(default)]
    pub text: String,
    /// The tool asking, from the PermissionRequest hook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// The tool's input, from the PermissionRequest hook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub tool_input: Option<serde_json::Value>,
}

/// `POST /v1/sessions/{name}/approve`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApproveRequest {
    /// Pick the dialog's "always allow" choice.
    #[serde(default)]
    pub always: bool,
}

/// `POST /v1/sessions/{name}/deny`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DenyRequest {
    /// Sent to the agent as the next prompt: what to do instead.
    #[serde(default)]
    pub message: Option<String>,
}

/// The answer of `approve` and `deny`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AnswerResult {
    /// The question that was answered.
    pub question: Question,
    /// The choice made.
    pub choice: String,
    /// The state afterwards.
    pub state: crate::SessionState,
    /// With `deny --message`: the message's input (queued until the agent is idle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<crate::SendAnswer>,
}

/// Normalises text for comparing what was sent with what the agent reports: line endings and
/// runs of white space become one space, and the ends are trimmed.
pub fn normalise_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_ignores_line_endings_and_white_space() {
        assert_eq!(normalise_text(" a\r\nb \t c\n"), "a b c");
        assert_eq!(normalise_text("a\nb"), normalise_text("a\r\n  b"));
        assert_ne!(normalise_text("ab"), normalise_text("a b"));
    }
}
