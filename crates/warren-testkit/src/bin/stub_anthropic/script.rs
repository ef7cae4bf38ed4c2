//! What a Messages request holds (as far as the scripts and the log care) and what to answer.

use serde_json::{Value, json};
use std::time::Duration;

/// `input_tokens` of every answer unless `TOKENS:<n>` says otherwise.
pub const INPUT_TOKENS: u64 = 3201;
/// `output_tokens` of every answer (`message_delta`).
pub const OUTPUT_TOKENS: u64 = 9;
/// The text of a session-title side request.
pub const TITLE: &str = r#"{"title":"Mock session title"}"#;
/// The `description` of every scripted tool_use input.
const TOOL_DESCRIPTION: &str = "mock-requested command";

/// The parts of a `POST /v1/messages` (or count_tokens) body that matter here.
#[derive(Default)]
pub struct Conversation {
    pub model: Option<String>,
    pub stream: bool,
    /// Every user text block that is not a `<system-reminder>`, in order (tool results are not
    /// text blocks and so are not here).
    pub user_texts: Vec<String>,
    /// The content of every `tool_result` block, as text, in order.
    pub tool_results: Vec<String>,
    /// The tool_result content when the last user message carries one and no prompt text (the
    /// CLI puts a new prompt into the same user message as a pending tool_result, for example
    /// after `--max-turns` stopped a turn: then the prompt wins).
    pub last_tool_result: Option<String>,
    /// `tools` is a non-empty list.
    pub has_tools: bool,
    /// A side request for the session title: no tools and a json_schema output format.
    pub title_request: bool,
}

fn is_system_reminder(text: &str) -> bool {
    text.trim_start().starts_with("<system-reminder>")
}

/// Text of a tool_result's `content`: a string, or the text blocks joined by newlines.
fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl Conversation {
    /// Reads a request body; tolerates anything (missing keys, `role:"system"` messages).
    pub fn parse(body: &Value) -> Self {
        let mut c = Conversation {
            model: body.get("model").and_then(Value::as_str).map(String::from),
            stream: body.get("stream").and_then(Value::as_bool).unwrap_or(false),
            has_tools: body
                .get("tools")
                .and_then(Value::as_array)
                .is_some_and(|t| !t.is_empty()),
            ..Default::default()
        };
        let json_schema = body
            .pointer("/output_config/format/type")
            .and_then(Value::as_str)
            == Some("json_schema");
        c.title_request = !c.has_tools && json_schema;
        let empty = Vec::new();
        let messages = body
            .get("messages")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        let last_user = messages
            .iter()
            .rposition(|m| m.get("role").and_then(Value::as_str) == Some("user"));
        let mut last_has_text = false;
        for (i, m) in messages.iter().enumerate() {
            if m.get("role").and_then(Value::as_str) != Some("user") {
                continue;
            }
            let blocks = match m.get("content") {
                Some(Value::String(s)) => vec![json!({"type": "text", "text": s})],
                Some(Value::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            for b in &blocks {
                match b.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        let text = b.get("text").and_then(Value::as_str).unwrap_or("");
                        if !is_system_reminder(text) {
                            c.user_texts.push(text.to_string());
                            last_has_text = Some(i) == last_user;
                        }
                    }
                    Some("tool_result") => {
                        let text = content_text(b.get("content").unwrap_or(&Value::Null));
                        if Some(i) == last_user {
                            c.last_tool_result = Some(text.clone());
                        }
                        c.tool_results.push(text);
                    }
                    _ => {}
                }
            }
        }
        if last_has_text {
            c.last_tool_result = None;
        }
        c
    }

    /// The text the scripts are chosen from: the last user text that is not a system reminder
    /// and not a tool result.
    pub fn prompt(&self) -> &str {
        self.user_texts.last().map_or("", String::as_str)
    }
}

/// One content block of an answer.
pub enum Block {
    Text(String),
    ToolUse { name: String, input: Value },
}

/// What to answer.
pub enum Answer {
    /// An HTTP error status with an Anthropic error body.
    Error(u16),
    /// An assistant message.
    Message {
        blocks: Vec<Block>,
        stop_reason: &'static str,
    },
}

/// The answer and how to deliver it.
pub struct Plan {
    pub answer: Answer,
    /// `SLEEP:<secs>`: wait this long (after `message_start` when streaming).
    pub delay: Option<Duration>,
    pub input_tokens: u64,
}

/// The text right after `key` in `text` (up to the end of that line), if `key` occurs.
fn after<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let rest = &text[text.find(key)? + key.len()..];
    Some(rest.split('\n').next().unwrap_or(""))
}

/// The leading run of chars of `s` that satisfy `f`.
fn leading(s: &str, f: impl Fn(char) -> bool) -> &str {
    let end = s.find(|c: char| !f(c)).unwrap_or(s.len());
    &s[..end]
}

/// Whether `word` occurs in `text` not glued to other letters, digits or `_`.
fn has_word(text: &str, word: &str) -> bool {
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(word).any(|(i, _)| {
        !glued(text[..i].chars().next_back()) && !glued(text[i + word.len()..].chars().next())
    })
}

fn tool_use(name: &str, input: Value) -> Answer {
    Answer::Message {
        blocks: vec![Block::ToolUse {
            name: name.to_string(),
            input,
        }],
        stop_reason: "tool_use",
    }
}

fn text(t: String) -> Answer {
    Answer::Message {
        blocks: vec![Block::Text(t)],
        stop_reason: "end_turn",
    }
}

/// Chooses the answer: title side requests at once; otherwise by the keywords of the prompt
/// (`ERROR:` > `LOOP` > a tool result to acknowledge > `BASH:` > `TOOL:` > `RECALL` > echo),
/// with `SLEEP:` and `TOKENS:` as modifiers.
pub fn plan(c: &Conversation) -> Plan {
    if c.title_request {
        return Plan {
            answer: text(TITLE.to_string()),
            delay: None,
            input_tokens: INPUT_TOKENS,
        };
    }
    let prompt = c.prompt();
    let delay = after(prompt, "SLEEP:")
        .map(|s| leading(s, |ch| ch.is_ascii_digit() || ch == '.'))
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64);
    let input_tokens = after(prompt, "TOKENS:")
        .and_then(|s| leading(s, |ch| ch.is_ascii_digit()).parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(INPUT_TOKENS);
    let error = after(prompt, "ERROR:")
        .and_then(|s| leading(s, |ch| ch.is_ascii_digit()).parse::<u16>().ok())
        .filter(|s| (400..=599).contains(s));
    let answer = if let Some(status) = error {
        Answer::Error(status)
    } else if has_word(prompt, "LOOP") {
        tool_use(
            "Bash",
            json!({"command": "echo loop", "description": TOOL_DESCRIPTION}),
        )
    } else if let Some(result) = &c.last_tool_result {
        text(format!("TOOL_RESULT_SEEN: {result}"))
    } else if let Some(cmd) = after(prompt, "BASH:") {
        tool_use(
            "Bash",
            json!({"command": cmd.trim(), "description": TOOL_DESCRIPTION}),
        )
    } else if let Some(rest) = after(prompt, "TOOL:") {
        match rest.split_once(':') {
            Some((name, input)) => match serde_json::from_str::<Value>(input.trim()) {
                Ok(input) => tool_use(name.trim(), input),
                Err(e) => text(format!("TOOL: input of {name} is not JSON: {e}")),
            },
            None => text(format!("TOOL: expected TOOL:<Name>:<json>, got {rest:?}")),
        }
    } else if has_word(prompt, "RECALL") {
        let earlier = &c.user_texts[..c.user_texts.len().saturating_sub(1)];
        let earlier: Vec<&str> = earlier.iter().map(|t| t.trim()).collect();
        text(format!("RECALL: {}", earlier.join(" | ")))
    } else {
        text(format!("ECHO: {prompt}"))
    };
    Plan {
        answer,
        delay,
        input_tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(messages: Value) -> Conversation {
        Conversation::parse(
            &json!({"model": "m", "stream": true, "tools": [{"name": "Bash"}],
            "messages": messages}),
        )
    }

    fn answer_text(p: &Plan) -> String {
        match &p.answer {
            Answer::Message { blocks, .. } => match &blocks[0] {
                Block::Text(t) => t.clone(),
                Block::ToolUse { name, input } => format!("tool {name} {input}"),
            },
            Answer::Error(s) => format!("error {s}"),
        }
    }

    #[test]
    fn scripts() {
        let user = |t: &str| {
            json!({"role": "user", "content": [
            {"type": "text", "text": "<system-reminder>date</system-reminder>"},
            {"type": "text", "text": t}]})
        };
        let sys = json!({"role": "system", "content": "agents"});
        let c = conv(json!([sys, user("hello")]));
        assert_eq!(answer_text(&plan(&c)), "ECHO: hello");
        let c =
            conv(json!([user("one"), {"role": "assistant", "content": "x"}, user("two RECALL")]));
        assert_eq!(answer_text(&plan(&c)), "RECALL: one");
        assert_eq!(c.user_texts, ["one", "two RECALL"]);
        let c = conv(json!([user("BASH:echo hi")]));
        let p = plan(&c);
        assert_eq!(
            answer_text(&p),
            r#"tool Bash {"command":"echo hi","description":"mock-requested command"}"#
        );
        let result = json!({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": "hi"}]}]});
        let c = conv(json!([user("BASH:echo hi"), {"role": "assistant", "content": []}, result]));
        assert_eq!(answer_text(&plan(&c)), "TOOL_RESULT_SEEN: hi");
        assert_eq!(c.prompt(), "BASH:echo hi");
        let mut merged = result.clone();
        merged["content"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "text", "text": "BASH:echo two"}));
        let c = conv(json!([user("BASH:echo one"), {"role": "assistant", "content": []}, merged]));
        assert_eq!(c.tool_results, ["hi"]);
        assert!(answer_text(&plan(&c)).contains(r#""command":"echo two""#));
        let c = conv(json!([user("LOOP"), {"role": "assistant", "content": []}, result]));
        assert!(answer_text(&plan(&c)).starts_with("tool Bash"));
        let c = conv(json!([user(
            r#"TOOL:Write:{"file_path":"/x","content":"y"}"#
        )]));
        assert_eq!(
            answer_text(&plan(&c)),
            r#"tool Write {"file_path":"/x","content":"y"}"#
        );
        let c = conv(json!([user("ERROR:529 SLEEP:0.5 TOKENS:100000")]));
        let p = plan(&c);
        assert_eq!(answer_text(&p), "error 529");
        assert_eq!(p.delay, Some(Duration::from_millis(500)));
        assert_eq!(p.input_tokens, 100_000);
        assert!(!has_word("LOOPBACK", "LOOP"));
        let title = Conversation::parse(&json!({"messages": [user("SLEEP:9 LOOP")],
            "output_config": {"format": {"type": "json_schema", "schema": {}}}}));
        let p = plan(&title);
        assert_eq!(answer_text(&p), TITLE);
        assert_eq!(p.delay, None);
    }
}
