//! The scripted "model": what each simulated API call answers. The rules are those of
//! warren's Messages API stub (`src/bin/stub_anthropic/script.rs`), so a test gets the same
//! answers from this fake as from the real CLI driven by that stub. The script is chosen from
//! the last user text of the conversation (the "prompt").

use serde_json::{Value, json};
use std::time::Duration;

/// Input tokens of every call unless `TOKENS:<n>` says otherwise.
pub const INPUT_TOKENS: u64 = 3201;

/// One simulated API response.
#[derive(Debug, PartialEq)]
pub enum Reply {
    /// A text block (stop_reason `end_turn`).
    Text(String),
    /// A tool_use block (stop_reason `tool_use`). `force_deny` is the fake-only `ASK` script:
    /// the permission check refuses the call whatever the mode.
    ToolUse {
        name: String,
        input: Value,
        force_deny: bool,
    },
    /// An HTTP error from the API (`ERROR:<status>`, 400–599).
    ApiError(u16),
    /// `CRASH` (fake only): one text block, then the process dies.
    Crash,
}

/// Whether `word` occurs in `text` not glued to letters, digits or `_` (`ASK` is not in
/// `TASK`, nor `LOOP` in `LOOPBACK`).
pub fn has_word(text: &str, word: &str) -> bool {
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(word).any(|(i, _)| {
        !glued(text[..i].chars().next_back()) && !glued(text[i + word.len()..].chars().next())
    })
}

/// The text right after `key` up to the end of its line.
fn after<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let rest = &text[text.find(key)? + key.len()..];
    Some(rest.split('\n').next().unwrap_or(""))
}

/// The leading run of `s` made of chars that satisfy `f`.
fn leading(s: &str, f: impl Fn(char) -> bool) -> &str {
    &s[..s.find(|c: char| !f(c)).unwrap_or(s.len())]
}

/// `SLEEP:<secs>` (fractions allowed): how long the first API call of the turn takes.
pub fn sleep(prompt: &str) -> Option<Duration> {
    after(prompt, "SLEEP:")
        .map(|s| leading(s, |c| c.is_ascii_digit() || c == '.'))
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
}

/// `TOKENS:<n>`: input tokens of every call of the turn (an expensive turn).
pub fn input_tokens(prompt: &str) -> u64 {
    after(prompt, "TOKENS:")
        .and_then(|s| leading(s, |c| c.is_ascii_digit()).parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(INPUT_TOKENS)
}

fn bash(command: &str) -> Reply {
    Reply::ToolUse {
        name: "Bash".into(),
        input: json!({"command": command, "description": "mock-requested command"}),
        force_deny: false,
    }
}

/// The answer of the next API call: `ERROR:` > `LOOP` > a tool result to acknowledge >
/// `CRASH` > `BASH:` > `TOOL:` > `ASK` > `RECALL` > echo. `earlier` are the conversation's user
/// texts before the prompt (resumed history included); `last_result` the content of the tool
/// result this call answers, if any.
pub fn reply(prompt: &str, earlier: &[String], last_result: Option<&str>) -> Reply {
    let error = after(prompt, "ERROR:")
        .and_then(|s| leading(s, |c| c.is_ascii_digit()).parse::<u16>().ok())
        .filter(|s| (400..=599).contains(s));
    if let Some(status) = error {
        return Reply::ApiError(status);
    }
    if has_word(prompt, "LOOP") {
        return bash("echo loop");
    }
    if let Some(result) = last_result {
        return Reply::Text(format!("TOOL_RESULT_SEEN: {result}"));
    }
    if has_word(prompt, "CRASH") {
        return Reply::Crash;
    }
    if let Some(cmd) = after(prompt, "BASH:") {
        return bash(cmd.trim());
    }
    if let Some(rest) = after(prompt, "TOOL:") {
        return match rest.split_once(':') {
            Some((name, input)) => match serde_json::from_str::<Value>(input.trim()) {
                Ok(input) => Reply::ToolUse {
                    name: name.trim().to_string(),
                    input,
                    force_deny: false,
                },
                Err(e) => Reply::Text(format!("TOOL: input of {name} is not JSON: {e}")),
            },
            None => Reply::Text(format!("TOOL: expected TOOL:<Name>:<json>, got {rest:?}")),
        };
    }
    if has_word(prompt, "ASK") {
        return match bash("touch x_perm.txt") {
            Reply::ToolUse { name, input, .. } => Reply::ToolUse {
                name,
                input,
                force_deny: true,
            },
            other => other,
        };
    }
    if has_word(prompt, "RECALL") {
        let earlier: Vec<&str> = earlier.iter().map(|t| t.trim()).collect();
        return Reply::Text(format!("RECALL: {}", earlier.join(" | ")));
    }
    Reply::Text(format!("ECHO: {prompt}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Reply {
        Reply::Text(s.into())
    }

    #[test]
    fn keywords() {
        assert_eq!(reply("hello", &[], None), text("ECHO: hello"));
        let earlier = ["a".to_string(), " b ".to_string()];
        assert_eq!(reply("x RECALL", &earlier, None), text("RECALL: a | b"));
        assert_eq!(reply("ERROR:529 LOOP", &[], None), Reply::ApiError(529));
        assert_eq!(reply("ERROR:200", &[], None), text("ECHO: ERROR:200"));
        assert_eq!(
            reply("run BASH: echo hi > f \nmore", &[], None),
            bash("echo hi > f")
        );
        assert_eq!(reply("LOOP", &[], Some("loop")), bash("echo loop"));
        assert_eq!(reply("BASH:x", &[], Some("r")), text("TOOL_RESULT_SEEN: r"));
        assert_eq!(
            reply(r#"TOOL:Write:{"file_path":"a","content":"b"}"#, &[], None),
            Reply::ToolUse {
                name: "Write".into(),
                input: json!({"file_path":"a","content":"b"}),
                force_deny: false
            }
        );
        assert_eq!(
            reply("TOOL:Read", &[], None),
            text(r#"TOOL: expected TOOL:<Name>:<json>, got "Read""#)
        );
        assert_eq!(
            reply("TOOL:Read:{bad", &[], None),
            text("TOOL: input of Read is not JSON: key must be a string at line 1 column 2")
        );
        assert_eq!(reply("a TASK", &[], None), text("ECHO: a TASK"));
        assert!(matches!(
            reply("ASK", &[], None),
            Reply::ToolUse {
                force_deny: true,
                ..
            }
        ));
    }

    #[test]
    fn modifiers() {
        assert_eq!(sleep("a SLEEP:0.25 b"), Some(Duration::from_millis(250)));
        assert_eq!(sleep("SLEEP:0"), None);
        assert_eq!(sleep("no"), None);
        assert_eq!(input_tokens("TOKENS:100000 x"), 100_000);
        assert_eq!(input_tokens("x"), INPUT_TOKENS);
    }
}
