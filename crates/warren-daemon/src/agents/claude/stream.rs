//! One stdout line of a stream-json agent → typed events. Never fails: a line that is not
//! JSON becomes `raw`, JSON of an unknown type becomes `system` with its type as subtype.

use serde_json::Value;
use warren_proto::{AgentEvent, TurnResult};

/// Longest text kept in one event.
const MAX_TEXT: usize = 64 * 1024;

/// Parses one line (without its newline).
pub fn parse_line(line: &[u8]) -> Vec<AgentEvent> {
    let Ok(v) = serde_json::from_slice::<Value>(line) else {
        return vec![raw(line)];
    };
    let Some(kind) = v.get("type").and_then(Value::as_str).map(String::from) else {
        return vec![raw(line)];
    };
    match kind.as_str() {
        "system" => vec![system(v)],
        "assistant" => assistant(&v),
        "user" => user(&v),
        "result" => vec![AgentEvent::Result(result(&v))],
        "control_request" | "control_response" => vec![control(&kind, v)],
        "stream_event" => vec![AgentEvent::Partial {
            event: v.get("event").cloned().unwrap_or(Value::Null),
        }],
        other => vec![AgentEvent::System {
            subtype: other.to_string(),
            body: v,
        }],
    }
}

fn raw(line: &[u8]) -> AgentEvent {
    AgentEvent::Raw {
        text: cut(String::from_utf8_lossy(line).into_owned()),
    }
}

fn cut(mut s: String) -> String {
    if s.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

fn str_of(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn system(v: Value) -> AgentEvent {
    let subtype = str_of(&v, "subtype");
    if subtype == "init" {
        return AgentEvent::Init {
            agent_session_id: str_of(&v, "session_id"),
            model: str_of(&v, "model"),
            cwd: str_of(&v, "cwd"),
            permission_mode: str_of(&v, "permissionMode"),
            tools: v
                .get("tools")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        };
    }
    AgentEvent::System { subtype, body: v }
}

fn blocks(v: &Value) -> Vec<Value> {
    match v.pointer("/message/content") {
        Some(Value::Array(a)) => a.clone(),
        Some(Value::String(s)) => vec![serde_json::json!({"type": "text", "text": s})],
        _ => Vec::new(),
    }
}

fn assistant(v: &Value) -> Vec<AgentEvent> {
    let message_id = v
        .pointer("/message/id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    blocks(v)
        .into_iter()
        .filter_map(|b| match b.get("type").and_then(Value::as_str) {
            Some("text") => Some(AgentEvent::Text {
                text: cut(str_of(&b, "text")),
                message_id: message_id.clone(),
            }),
            Some("tool_use") => Some(AgentEvent::ToolUse {
                tool_use_id: str_of(&b, "id"),
                name: str_of(&b, "name"),
                input: b.get("input").cloned().unwrap_or(Value::Null),
                message_id: message_id.clone(),
            }),
            _ => None,
        })
        .collect()
}

fn user(v: &Value) -> Vec<AgentEvent> {
    blocks(v)
        .into_iter()
        .filter_map(|b| match b.get("type").and_then(Value::as_str) {
            Some("text") => Some(AgentEvent::User {
                text: cut(str_of(&b, "text")),
            }),
            Some("tool_result") => Some(AgentEvent::ToolResult {
                tool_use_id: str_of(&b, "tool_use_id"),
                content: cut(content_text(b.get("content"))),
                is_error: b.get("is_error").and_then(Value::as_bool).unwrap_or(false),
            }),
            _ => None,
        })
        .collect()
}

/// A tool_result's content: a string, or a list of blocks whose texts are joined.
fn content_text(c: Option<&Value>) -> String {
    match c {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

fn result(v: &Value) -> TurnResult {
    TurnResult {
        subtype: str_of(v, "subtype"),
        is_error: v.get("is_error").and_then(Value::as_bool).unwrap_or(false),
        result: v.get("result").and_then(Value::as_str).map(String::from),
        total_cost_usd: v
            .get("total_cost_usd")
            .and_then(Value::as_f64)
            .unwrap_or(0.0),
        num_turns: v.get("num_turns").and_then(Value::as_u64).unwrap_or(0),
        duration_ms: v.get("duration_ms").and_then(Value::as_u64).unwrap_or(0),
        errors: v
            .get("errors")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|e| e.as_str().map_or_else(|| e.to_string(), String::from))
                    .collect()
            })
            .unwrap_or_default(),
        permission_denials: v
            .get("permission_denials")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        api_error_status: v
            .get("api_error_status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok()),
        agent_session_id: str_of(v, "session_id"),
        terminal_reason: v
            .get("terminal_reason")
            .and_then(Value::as_str)
            .map(String::from),
    }
}

fn control(direction: &str, v: Value) -> AgentEvent {
    let (subtype, request_id) = if direction == "control_request" {
        (
            v.pointer("/request/subtype")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            str_of(&v, "request_id"),
        )
    } else {
        (
            v.pointer("/response/subtype")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            v.pointer("/response/request_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        )
    };
    AgentEvent::Control {
        direction: direction.to_string(),
        subtype: subtype.to_string(),
        request_id,
        body: v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> String {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/reference/claude-code-samples")
            .join(name);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    #[test]
    fn every_recorded_line_parses_to_a_known_kind() {
        for name in [
            "b_stream_two_turns.jsonl",
            "b_stream_interrupt.jsonl",
            "c_resume.jsonl",
            "d_tool_allowed.jsonl",
            "d_tool_denied_default_mode.jsonl",
            "d_permission_prompt_stdio.jsonl",
            "d_mcp_tool.jsonl",
            "a_print_stream.jsonl",
        ] {
            for line in sample(name).lines().filter(|l| !l.trim().is_empty()) {
                for e in parse_line(line.as_bytes()) {
                    assert!(
                        !matches!(e, AgentEvent::Raw { .. }),
                        "{name}: a recorded line became raw: {line}"
                    );
                }
            }
        }
    }

    #[test]
    fn two_turns_give_init_text_result_each() {
        let events: Vec<_> = sample("b_stream_two_turns.jsonl")
            .lines()
            .flat_map(|l| parse_line(l.as_bytes()))
            .collect();
        let results: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                AgentEvent::Result(r) => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(results.len(), 2);
        assert_eq!(
            results[1].result.as_deref(),
            Some("RECALL: first message from driver")
        );
        assert!(results[1].total_cost_usd > results[0].total_cost_usd);
        let inits = events
            .iter()
            .filter(|e| matches!(e, AgentEvent::Init { .. }))
            .count();
        assert_eq!(inits, 2, "init comes before every turn");
    }

    #[test]
    fn tool_use_and_result_are_typed() {
        let events: Vec<_> = sample("d_tool_allowed.jsonl")
            .lines()
            .flat_map(|l| parse_line(l.as_bytes()))
            .collect();
        let tool = events.iter().find_map(|e| match e {
            AgentEvent::ToolUse { name, input, .. } => Some((name.clone(), input.clone())),
            _ => None,
        });
        let (name, input) = tool.expect("a tool_use");
        assert_eq!(name, "Bash");
        assert!(
            input["command"]
                .as_str()
                .unwrap_or_default()
                .contains("echo")
        );
        assert!(events.iter().any(|e| matches!(
            e,
            AgentEvent::ToolResult {
                is_error: false,
                ..
            }
        )));
    }

    #[test]
    fn errors_are_read_from_is_error_not_subtype() {
        let r = parse_line(sample("a_api_error_400.json").trim().as_bytes());
        match &r[..] {
            [AgentEvent::Result(r)] => {
                assert_eq!(r.subtype, "success");
                assert!(r.is_error);
                assert_eq!(r.api_error_status, Some(400));
            }
            other => panic!("{other:?}"),
        }
        match &parse_line(sample("a_max_turns.json").trim().as_bytes())[..] {
            [AgentEvent::Result(r)] => {
                assert!(r.is_error);
                assert!(r.result.is_none());
                assert!(r.errors[0].contains("maximum number of turns"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn garbage_becomes_raw_and_unknown_types_system() {
        assert!(
            matches!(&parse_line(b"not json")[..], [AgentEvent::Raw { text }] if text == "not json")
        );
        assert!(matches!(
            &parse_line(b"{\"type\":\"assistant\",\"message\":")[..],
            [AgentEvent::Raw { .. }]
        ));
        assert!(matches!(
            &parse_line(&[0xff, 0xfe])[..],
            [AgentEvent::Raw { .. }]
        ));
        assert!(matches!(
            &parse_line(b"[1,2]")[..],
            [AgentEvent::Raw { .. }]
        ));
        assert!(
            matches!(&parse_line(br#"{"type":"new_thing"}"#)[..], [AgentEvent::System { subtype, .. }] if subtype == "new_thing")
        );
    }

    #[test]
    fn interrupt_shows_the_notice_and_control_response() {
        let events: Vec<_> = sample("b_stream_interrupt.jsonl")
            .lines()
            .flat_map(|l| parse_line(l.as_bytes()))
            .collect();
        assert!(events.iter().any(|e| matches!(e, AgentEvent::Control { subtype, request_id, .. } if subtype == "success" && request_id == "int-1")));
        assert!(events.iter().any(
            |e| matches!(e, AgentEvent::User { text } if text == "[Request interrupted by user]")
        ));
    }
}
