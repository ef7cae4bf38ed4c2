//! The scripted "model": what each simulated API call answers, from the turn's prompt and the
//! last tool result. The keywords are shared with warren's Messages API stub, so a test gives
//! the same answers against this fake and against the real CLI driven by that stub.

use serde_json::{Value, json};
use std::time::Duration;

/// One simulated API response.
#[derive(Debug, PartialEq)]
pub enum Reply {
    /// A text block (stop_reason `end_turn`).
    Text(String),
    /// `Running tool <name>.` + a tool_use block (stop_reason `tool_use`). `force_deny` is the
    /// `ASK` script: the permission check refuses it whatever the mode.
    ToolUse {
        name: String,
        input: Value,
        force_deny: bool,
    },
    /// An HTTP error from the API (`ERROR:<status>`).
    ApiError(u16),
    /// `CRASH`: one text block, then the process dies.
    Crash,
}

/// What the last tool call of this turn returned (the next call answers `TOOL_RESULT_SEEN`).
pub struct LastTool {
    pub content: String,
    pub is_error: bool,
}

/// Whether `word` occurs in `text` as a whole word (`ASK` does not fire on `TASK`, nor `HANG`
/// on `CHANGE`).
pub fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| w == word)
}

/// The text after `KEY:` up to the end of its line.
fn arg<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let i = text.find(key)?;
    let rest = &text[i + key.len()..];
    Some(rest.split('\n').next().unwrap_or("").trim_end_matches('\r'))
}

/// `SLEEP:<secs>` (fractions allowed): how long the first API call of the turn takes.
pub fn sleep(prompt: &str) -> Option<Duration> {
    let s = arg(prompt, "SLEEP:")?;
    let num: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    num.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

fn tool_use(name: &str, input: Value, tools: &[String]) -> Reply {
    if tools.iter().any(|t| t == name) {
        Reply::ToolUse {
            name: name.to_string(),
            input,
            force_deny: false,
        }
    } else {
        Reply::Text(format!("NO TOOL: {name}"))
    }
}

fn bash(command: &str) -> Value {
    json!({"command": command, "description": "mock-requested command"})
}

/// The answer of the next API call. `earlier` are the conversation's previous prompts
/// (resumed history included), `tools` the session's tool set.
pub fn reply(prompt: &str, earlier: &[String], tools: &[String], last: Option<&LastTool>) -> Reply {
    if has_word(prompt, "LOOP") {
        return tool_use("Bash", bash("echo loop"), tools);
    }
    if let Some(t) = last {
        let tag = if t.is_error {
            "TOOL_RESULT_SEEN (error)"
        } else {
            "TOOL_RESULT_SEEN"
        };
        return Reply::Text(format!("{tag}: {}", t.content));
    }
    if has_word(prompt, "CRASH") {
        return Reply::Crash;
    }
    if let Some(status) = arg(prompt, "ERROR:").and_then(|s| s.get(..3)?.parse().ok()) {
        return Reply::ApiError(status);
    }
    if let Some(cmd) = arg(prompt, "BASH:") {
        return tool_use("Bash", bash(cmd), tools);
    }
    if let Some(rest) = arg(prompt, "TOOL:") {
        let (name, input) = rest.split_once(':').unwrap_or((rest, "{}"));
        let input = serde_json::from_str(input).unwrap_or_else(|_| json!({}));
        return tool_use(name.trim(), input, tools);
    }
    if has_word(prompt, "ASK") {
        return match tool_use("Bash", bash("touch x_perm.txt"), tools) {
            Reply::ToolUse { name, input, .. } => Reply::ToolUse {
                name,
                input,
                force_deny: true,
            },
            other => other,
        };
    }
    if has_word(prompt, "RECALL") {
        return Reply::Text(format!("RECALL: {}", earlier.join(" | ")));
    }
    Reply::Text(format!("ECHO: {prompt}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<String> {
        vec!["Bash".into(), "Write".into()]
    }

    #[test]
    fn keywords() {
        let t = all();
        assert_eq!(
            reply("hello", &[], &t, None),
            Reply::Text("ECHO: hello".into())
        );
        assert_eq!(
            reply("x RECALL", &["a".into(), "b".into()], &t, None),
            Reply::Text("RECALL: a | b".into())
        );
        assert_eq!(reply("ERROR:529", &[], &t, None), Reply::ApiError(529));
        assert_eq!(
            reply("run BASH:echo hi > f\nmore", &[], &t, None),
            Reply::ToolUse {
                name: "Bash".into(),
                input: bash("echo hi > f"),
                force_deny: false
            }
        );
        assert_eq!(
            reply("BASH:ls", &[], &["Read".into()], None),
            Reply::Text("NO TOOL: Bash".into())
        );
        assert_eq!(
            reply(
                r#"TOOL:Write:{"file_path":"a","content":"b"}"#,
                &[],
                &t,
                None
            ),
            Reply::ToolUse {
                name: "Write".into(),
                input: json!({"file_path":"a","content":"b"}),
                force_deny: false
            }
        );
        assert_eq!(
            reply("a TASK", &[], &t, None),
            Reply::Text("ECHO: a TASK".into())
        );
        let last = LastTool {
            content: "x".into(),
            is_error: true,
        };
        assert_eq!(
            reply("BASH:x", &[], &t, Some(&last)),
            Reply::Text("TOOL_RESULT_SEEN (error): x".into())
        );
    }

    #[test]
    fn sleep_parses_fractions() {
        assert_eq!(sleep("a SLEEP:0.25 b"), Some(Duration::from_millis(250)));
        assert_eq!(sleep("no"), None);
    }
}
