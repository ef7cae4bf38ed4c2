//! Session transcripts on disk, laid out like the real CLI (§6):
//! `$CLAUDE_CONFIG_DIR/projects/<cwd, non-alphanumerics → '-'>/<session_id>.jsonl`
//! (`$HOME/.claude/…` without `CLAUDE_CONFIG_DIR`). Entry shapes follow the files 2.1.197 wrote.

use crate::json::{J, obj};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

const VERSION: &str = "2.1.197";

/// `$CLAUDE_CONFIG_DIR`, else `$HOME/.claude`.
pub fn config_dir() -> PathBuf {
    match std::env::var_os("CLAUDE_CONFIG_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".claude"),
    }
}

/// The project folder of a cwd: every non-alphanumeric character becomes `-`.
pub fn project_dir(cwd: &str) -> PathBuf {
    let name: String = cwd
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    config_dir().join("projects").join(name)
}

/// The entries of a transcript (unparsable lines are skipped).
pub fn load(path: &Path) -> std::io::Result<Vec<Value>> {
    Ok(std::fs::read_to_string(path)?
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}

/// The text blocks of a user message's content (a string is one block), minus system
/// reminders: what the API stub sees as user texts.
pub fn texts(content: &Value) -> Vec<String> {
    let blocks: Vec<&str> = match content {
        Value::String(s) => vec![s.as_str()],
        Value::Array(blocks) => blocks
            .iter()
            .filter(|b| b["type"] == "text")
            .filter_map(|b| b["text"].as_str())
            .collect(),
        _ => Vec::new(),
    };
    blocks
        .into_iter()
        .filter(|t| !t.trim_start().starts_with("<system-reminder>"))
        .map(str::to_string)
        .collect()
}

/// Every user text of a transcript, oldest first: prompts and interrupt markers, not tool
/// results (the history `RECALL` lists after `--resume`).
pub fn user_texts(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e["type"] == "user" && e.get("toolUseResult").is_none())
        .filter(|e| e["isMeta"] != true)
        .flat_map(|e| texts(&e["message"]["content"]))
        .collect()
}

/// Appends entries to one session's transcript.
pub struct Transcript {
    /// None with `--no-session-persistence`.
    path: Option<PathBuf>,
    session_id: String,
    cwd: String,
    /// uuid of the last entry (`parentUuid` chain).
    parent: Option<String>,
    /// Entries of the forked-from session, written (under the new id) before the first entry.
    fork_copy: Vec<Value>,
}

impl Transcript {
    /// `history` is what `--resume` loaded; with `fork` it is copied into the new file.
    pub fn new(
        path: Option<PathBuf>,
        session_id: &str,
        cwd: &str,
        history: &[Value],
        fork: bool,
    ) -> Transcript {
        Transcript {
            path,
            session_id: session_id.to_string(),
            cwd: cwd.to_string(),
            parent: history
                .iter()
                .rev()
                .find_map(|e| e["uuid"].as_str().map(str::to_string)),
            fork_copy: if fork { history.to_vec() } else { Vec::new() },
        }
    }

    fn write(&mut self, lines: &[String]) {
        let Some(path) = &self.path else { return };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let mut text = String::new();
        for mut e in std::mem::take(&mut self.fork_copy) {
            if e.get("sessionId").is_some() {
                e["sessionId"] = Value::from(self.session_id.as_str());
            }
            text.push_str(&e.to_string());
            text.push('\n');
        }
        for l in lines {
            text.push_str(l);
            text.push('\n');
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path);
        if let Err(e) = file.and_then(|mut f| f.write_all(text.as_bytes())) {
            eprintln!("fake-claude-stream: cannot write {}: {e}", path.display());
        }
    }

    /// The fields every user/assistant entry ends with.
    fn tail(&self) -> J {
        obj! {"userType": "external", "entrypoint": "sdk-cli", "cwd": self.cwd.as_str(),
        "sessionId": self.session_id.as_str(), "version": VERSION, "gitBranch": "HEAD"}
    }

    fn entry(&mut self, uuid: &str, mut head: J) {
        head.extend(self.tail());
        self.write(&[head.text()]);
        self.parent = Some(uuid.to_string());
    }

    /// The queue bookkeeping the real CLI writes before each prompt.
    pub fn queue(&mut self) {
        let op = |o: &str| {
            obj! {"type": "queue-operation", "operation": o, "timestamp": crate::json::now_iso(),
            "sessionId": self.session_id.as_str()}
            .text()
        };
        let lines = [op("enqueue"), op("dequeue")];
        self.write(&lines);
    }

    /// A typed prompt.
    pub fn prompt(&mut self, uuid: &str, prompt_id: &str, message: J, mode: &str) {
        let head = obj! {"parentUuid": self.parent.clone(), "isSidechain": false,
        "promptId": prompt_id, "type": "user", "message": message, "uuid": uuid,
        "timestamp": crate::json::now_iso(), "permissionMode": mode, "promptSource": "sdk"};
        self.entry(uuid, head);
    }

    /// One content block of an assistant message (the real CLI writes one entry per block).
    pub fn assistant(&mut self, uuid: &str, message: J, request_id: Option<&str>) {
        let mut head = obj! {"parentUuid": self.parent.clone(), "isSidechain": false,
        "message": message};
        if let Some(r) = request_id {
            head.extend(obj! {"requestId": r});
        }
        head.extend(obj! {"type": "assistant", "uuid": uuid, "timestamp": crate::json::now_iso()});
        self.entry(uuid, head);
    }

    /// A tool result (`source` is the uuid of the assistant entry holding the tool_use).
    pub fn tool_result(
        &mut self,
        uuid: &str,
        prompt_id: &str,
        message: J,
        result: J,
        source: &str,
    ) {
        let head = obj! {"parentUuid": self.parent.clone(), "isSidechain": false,
        "promptId": prompt_id, "type": "user", "message": message, "uuid": uuid,
        "timestamp": crate::json::now_iso(), "toolUseResult": result,
        "sourceToolAssistantUUID": source};
        self.entry(uuid, head);
    }

    /// The `[Request interrupted by user]` marker.
    pub fn interrupted(&mut self, uuid: &str, prompt_id: &str, message: J) {
        let head = obj! {"parentUuid": self.parent.clone(), "isSidechain": false,
        "promptId": prompt_id, "type": "user", "message": message, "uuid": uuid,
        "timestamp": crate::json::now_iso()};
        self.entry(uuid, head);
    }

    /// The `last-prompt` entry written when the process ends.
    pub fn last_prompt(&mut self, prompt: Option<&str>) {
        let Some(p) = prompt else { return };
        let line = obj! {"type": "last-prompt", "lastPrompt": p,
        "leafUuid": self.parent.clone(),
        "sessionId": self.session_id.as_str()};
        self.write(&[line.text()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_texts_skip_tool_results() {
        let entries = vec![
            json!({"type":"user","message":{"role":"user","content":[{"type":"text","text":"one"}]}}),
            json!({"type":"assistant","message":{"content":[]}}),
            json!({"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"x"}]},"toolUseResult":"x"}),
            json!({"type":"user","message":{"role":"user","content":[{"type":"text","text":"[Request interrupted by user]"}]}}),
            json!({"type":"user","message":{"role":"user","content":"two"}}),
        ];
        assert_eq!(
            user_texts(&entries),
            ["one", "[Request interrupted by user]", "two"]
        );
    }
}
