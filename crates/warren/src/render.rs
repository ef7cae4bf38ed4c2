//! A headless conversation as text: what `warren tail` and `warren output --full` print.

use serde_json::Value;
use warren_proto::AgentEvent;

/// Longest tool input or result shown on one line.
const SHORT: usize = 160;

fn short(s: &str) -> String {
    let one = s.lines().next().unwrap_or("");
    let mut out: String = one.chars().take(SHORT).collect();
    if out.len() < one.len() || s.lines().nth(1).is_some() {
        out.push('…');
    }
    out
}

fn tool_summary(name: &str, input: &Value) -> String {
    let arg = ["command", "file_path", "path", "pattern", "url"]
        .iter()
        .find_map(|k| input.get(*k).and_then(Value::as_str))
        .map(String::from)
        .unwrap_or_else(|| input.to_string());
    format!("{name}({})", short(&arg))
}

/// One event as lines of text (none for events that say nothing to a reader).
pub fn render(ev: &AgentEvent) -> Vec<String> {
    match ev {
        AgentEvent::Init {
            agent_session_id,
            model,
            ..
        } => vec![format!("── {model} · conversation {agent_session_id}")],
        AgentEvent::User { text } => text.lines().map(|l| format!("❯ {l}")).take(20).collect(),
        AgentEvent::Text { text, .. } => text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    format!("● {l}")
                } else {
                    format!("  {l}")
                }
            })
            .collect(),
        AgentEvent::ToolUse { name, input, .. } => vec![format!("⚙ {}", tool_summary(name, input))],
        AgentEvent::ToolResult {
            content, is_error, ..
        } => {
            let n = content.lines().count();
            let more = if n > 1 {
                format!(" (+{} lines)", n - 1)
            } else {
                String::new()
            };
            let mark = if *is_error { "✗ " } else { "" };
            vec![format!("  ⎿ {mark}{}{more}", short(content))]
        }
        AgentEvent::Result(r) => {
            let what = if r.is_error {
                let why = r
                    .errors
                    .first()
                    .cloned()
                    .or_else(|| r.result.clone())
                    .unwrap_or_else(|| r.subtype.clone());
                format!("✗ {}", short(&why))
            } else if !r.permission_denials.is_empty() {
                format!("✻ done, {} tool use(s) denied", r.permission_denials.len())
            } else {
                "✻ done".to_string()
            };
            vec![format!(
                "{what} · {} turn(s) · {} ms · ${:.4} so far",
                r.num_turns, r.duration_ms, r.total_cost_usd
            )]
        }
        AgentEvent::Control {
            direction, subtype, ..
        } if direction == "control_request" => vec![format!("⏹ {subtype}")],
        AgentEvent::Raw { text } => vec![format!("? {}", short(text))],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turn_reads_like_a_conversation() {
        let lines: Vec<String> = [
            AgentEvent::User { text: "hi".into() },
            AgentEvent::ToolUse {
                tool_use_id: "t".into(),
                name: "Bash".into(),
                input: serde_json::json!({"command": "echo hi"}),
                message_id: "m".into(),
            },
            AgentEvent::ToolResult {
                tool_use_id: "t".into(),
                content: "hi\nthere".into(),
                is_error: false,
            },
            AgentEvent::Text {
                text: "ECHO: hi".into(),
                message_id: "m".into(),
            },
        ]
        .iter()
        .flat_map(render)
        .collect();
        assert_eq!(
            lines,
            [
                "❯ hi",
                "⚙ Bash(echo hi)",
                "  ⎿ hi… (+1 lines)",
                "● ECHO: hi"
            ]
        );
    }
}
