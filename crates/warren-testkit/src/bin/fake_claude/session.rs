//! The session's files and JSON: the transcript (`<config dir>/projects/<cwd, non-alphanumerics
//! → '-'>/<id>.jsonl`, CLI doc §6), the hook payloads (hooks doc §2.3) and the status line's
//! stdin (hooks doc §6), shaped and ordered like Claude Code 2.1.197's.

use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

const MODEL_ID: &str = "claude-opus-4-8[1m]";
const MODEL_NAME: &str = "Opus 4.8 (1M context)";

/// `$CLAUDE_CONFIG_DIR` (unless empty), else `$HOME/.claude`.
pub fn config_dir() -> PathBuf {
    match std::env::var_os("CLAUDE_CONFIG_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".claude"),
    }
}

/// Where the real CLI keeps the transcript of session `id` started in `cwd`.
pub fn transcript_path(config_dir: &Path, cwd: &str, id: &str) -> PathBuf {
    let project: String = cwd
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    config_dir
        .join("projects")
        .join(project)
        .join(format!("{id}.jsonl"))
}

/// A random version-4 UUID.
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Now as `2026-11-22T03:09:23.696Z`.
fn now_iso() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = t.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let s = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        t.subsec_millis()
    )
}

/// One session's identity and files.
pub struct Session {
    pub id: String,
    pub cwd: String,
    pub transcript: PathBuf,
    /// `default` or `bypassPermissions`.
    pub mode: &'static str,
    /// `--model`, else the default model's id.
    pub model: Option<String>,
    /// uuid of the last transcript entry (the `parentUuid` chain).
    parent: Option<String>,
}

/// The per-event fields a payload carries besides its own.
#[derive(Clone, Copy)]
pub enum Extra {
    /// Only the common fields (SessionStart).
    None,
    /// `prompt_id` (Notification, SessionEnd).
    Prompt,
    /// `prompt_id`, `permission_mode` (UserPromptSubmit).
    Mode,
    /// `prompt_id`, `permission_mode`, `effort` (tool events, Stop).
    Effort,
}

impl Session {
    pub fn new(
        id: String,
        cwd: String,
        transcript: PathBuf,
        bypass: bool,
        model: Option<String>,
    ) -> Session {
        Session {
            id,
            cwd,
            transcript,
            mode: if bypass {
                "bypassPermissions"
            } else {
                "default"
            },
            model,
            parent: None,
        }
    }

    fn model_json(&self) -> Value {
        match &self.model {
            Some(m) => json!({"id": m, "display_name": m}),
            None => json!({"id": MODEL_ID, "display_name": MODEL_NAME}),
        }
    }

    /// The model id SessionStart reports.
    pub fn model_id(&self) -> &str {
        self.model.as_deref().unwrap_or(MODEL_ID)
    }

    /// A hook's stdin: the common fields, then `extra`'s, `hook_event_name` and `fields`.
    pub fn payload(
        &self,
        event: &str,
        prompt_id: Option<&str>,
        extra: Extra,
        fields: Value,
    ) -> Value {
        let mut m = Map::new();
        m.insert("session_id".into(), json!(self.id));
        m.insert("transcript_path".into(), json!(self.transcript));
        m.insert("cwd".into(), json!(self.cwd));
        if !matches!(extra, Extra::None) {
            if let Some(p) = prompt_id {
                m.insert("prompt_id".into(), json!(p));
            }
        }
        if matches!(extra, Extra::Mode | Extra::Effort) {
            m.insert("permission_mode".into(), json!(self.mode));
        }
        if matches!(extra, Extra::Effort) {
            m.insert("effort".into(), json!({"level": "high"}));
        }
        m.insert("hook_event_name".into(), json!(event));
        if let Value::Object(f) = fields {
            m.extend(f);
        }
        Value::Object(m)
    }

    /// The status line's stdin (§6).
    pub fn status_json(&self, prompt_id: Option<&str>, cost: &Cost) -> Value {
        let mut m = Map::new();
        m.insert("session_id".into(), json!(self.id));
        m.insert("transcript_path".into(), json!(self.transcript));
        m.insert("cwd".into(), json!(self.cwd));
        if let Some(p) = prompt_id {
            m.insert("prompt_id".into(), json!(p));
        }
        let answered = cost.turns > 0;
        let usage = answered.then(|| {
            json!({"input_tokens": 3415, "output_tokens": 10,
                "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0})
        });
        let rest = json!({
            "effort": {"level": "high"},
            "model": self.model_json(),
            "workspace": {"current_dir": self.cwd, "project_dir": self.cwd, "added_dirs": []},
            "version": crate::VERSION,
            "output_style": {"name": "default"},
            "cost": {"total_cost_usd": if answered { json!(cost.usd) } else { json!(0) }, "total_duration_ms": cost.duration_ms,
                "total_api_duration_ms": cost.api_ms, "total_lines_added": 0, "total_lines_removed": 0},
            "context_window": {"total_input_tokens": if answered { 3415 } else { 0 },
                "total_output_tokens": 10 * cost.turns, "context_window_size": 1_000_000,
                "current_usage": usage, "used_percentage": answered.then_some(0),
                "remaining_percentage": answered.then_some(100)},
            "exceeds_200k_tokens": false,
            "fast_mode": false,
            "thinking": {"enabled": true}
        });
        if let Value::Object(r) = rest {
            m.extend(r);
        }
        Value::Object(m)
    }

    /// Appends one entry (a JSON object) to the transcript, creating its folder.
    fn entry(&mut self, mut head: Map<String, Value>) {
        let uuid = uuid();
        let mut e = Map::new();
        e.insert("parentUuid".into(), json!(self.parent));
        e.insert("isSidechain".into(), json!(false));
        e.append(&mut head);
        e.insert("uuid".into(), json!(uuid));
        e.insert("timestamp".into(), json!(now_iso()));
        e.insert("userType".into(), json!("external"));
        e.insert("entrypoint".into(), json!("cli"));
        e.insert("cwd".into(), json!(self.cwd));
        e.insert("sessionId".into(), json!(self.id));
        e.insert("version".into(), json!(crate::VERSION));
        self.parent = Some(uuid);
        if let Some(dir) = self.transcript.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let line = format!("{}\n", Value::Object(e));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.transcript);
        if let Err(e) = file.and_then(|mut f| f.write_all(line.as_bytes())) {
            eprintln!(
                "fake-claude: cannot write {}: {e}",
                self.transcript.display()
            );
        }
    }

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    /// A typed prompt.
    pub fn user(&mut self, prompt_id: &str, text: &str) {
        self.entry(Self::object(json!({
            "promptId": prompt_id, "type": "user",
            "message": {"role": "user", "content": text},
            "permissionMode": self.mode, "promptSource": "typed"})));
    }

    /// An assistant message: text, or a Bash tool_use.
    pub fn assistant(&mut self, text: Option<&str>, tool: Option<(&str, &str)>) {
        let content = match (text, tool) {
            (_, Some((id, command))) => json!([{"type": "tool_use", "id": id, "name": "Bash",
                "input": {"command": command, "description": "mock-requested command"}}]),
            (t, None) => json!([{"type": "text", "text": t.unwrap_or("")}]),
        };
        let model = self.model_id().to_string();
        self.entry(Self::object(json!({
            "message": {"model": model, "id": format!("msg_fake{}", &uuid()[..8]),
                "type": "message", "role": "assistant", "content": content,
                "stop_reason": null, "stop_sequence": null},
            "type": "assistant"})));
    }

    /// A Bash tool's result (`error` when a hook or the user refused it).
    pub fn tool_result(&mut self, prompt_id: &str, tool_use_id: &str, text: &str, error: bool) {
        self.entry(Self::object(json!({
            "promptId": prompt_id, "type": "user",
            "message": {"role": "user", "content": [{"tool_use_id": tool_use_id,
                "type": "tool_result", "content": text, "is_error": error}]},
            "toolUseResult": if error { json!(format!("Error: {text}")) } else {
                json!({"stdout": "", "stderr": "", "interrupted": false, "isImage": false,
                    "noOutputExpected": true}) }})));
    }

    /// The marker an interrupt leaves.
    pub fn interrupted(&mut self, prompt_id: &str, for_tool: bool) {
        let text = if for_tool {
            "[Request interrupted by user for tool use]"
        } else {
            "[Request interrupted by user]"
        };
        self.entry(Self::object(json!({
            "promptId": prompt_id, "type": "user",
            "message": {"role": "user", "content": [{"type": "text", "text": text}]}})));
    }
}

/// What the status line reports as cost (cumulative).
#[derive(Default)]
pub struct Cost {
    pub usd: f64,
    pub turns: u64,
    pub duration_ms: u128,
    pub api_ms: u128,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_follow_the_samples() {
        let s = Session::new(
            "7a2dff07".into(),
            "/home/user/project".into(),
            transcript_path(
                Path::new("/home/user/.claude"),
                "/home/user/project",
                "7a2dff07",
            ),
            false,
            None,
        );
        let start = s.payload(
            "SessionStart",
            None,
            Extra::None,
            json!({"source": "startup", "model": s.model_id()}),
        );
        assert_eq!(
            start.to_string(),
            r#"{"session_id":"7a2dff07","transcript_path":"/home/user/.claude/projects/-home-user-project/7a2dff07.jsonl","cwd":"/home/user/project","hook_event_name":"SessionStart","source":"startup","model":"claude-opus-4-8[1m]"}"#
        );
        let stop = s.payload(
            "Stop",
            Some("p1"),
            Extra::Effort,
            json!({"stop_hook_active": false}),
        );
        assert!(stop.to_string().ends_with(
            r#""cwd":"/home/user/project","prompt_id":"p1","permission_mode":"default","effort":{"level":"high"},"hook_event_name":"Stop","stop_hook_active":false}"#
        ));
        let sl = s.status_json(None, &Cost::default());
        assert_eq!(sl["version"], "2.1.197");
        assert_eq!(sl["model"]["display_name"], "Opus 4.8 (1M context)");
        assert_eq!(sl["cost"]["total_cost_usd"], 0.0);
        assert!(now_iso().ends_with('Z') && now_iso().len() == 24);
    }
}
