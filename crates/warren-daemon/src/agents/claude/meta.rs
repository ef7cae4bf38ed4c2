//! `claude.json` in a session's directory: what warren chose and knows about the Claude Code
//! session it runs there (written before the agent starts; read after a daemon restart).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FILE: &str = "claude.json";

/// What warren knows about the agent's own session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Meta {
    /// `--session-id` (or the id `--resume` continues).
    pub agent_session_id: String,
    /// Where its transcript is written.
    #[serde(default)]
    pub transcript: Option<PathBuf>,
    /// The directory it runs in.
    pub cwd: String,
}

/// Claude Code's transcript of `session` started in `cwd`:
/// `<CLAUDE_CONFIG_DIR or ~/.claude>/projects/<cwd, every non-alphanumeric char as '-'>/<id>.jsonl`.
pub(crate) fn transcript_path(
    env: &BTreeMap<String, String>,
    cwd: &str,
    session: &str,
) -> Option<PathBuf> {
    let base = match env.get("CLAUDE_CONFIG_DIR").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env.get("HOME").filter(|h| !h.is_empty())?).join(".claude"),
    };
    let project: String = cwd
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Some(
        base.join("projects")
            .join(project)
            .join(format!("{session}.jsonl")),
    )
}

/// Writes `claude.json`.
pub(crate) fn write(dir: &Path, m: &Meta) -> std::io::Result<()> {
    std::fs::write(dir.join(FILE), serde_json::to_vec_pretty(m)?)
}

/// Reads `claude.json`.
pub(crate) fn read(dir: &Path) -> Option<Meta> {
    serde_json::from_str(&std::fs::read_to_string(dir.join(FILE)).ok()?).ok()
}

/// The texts of the user prompts in a transcript, in order (typed or sent; tool results and
/// system reminders are not prompts).
pub(crate) fn prompts(transcript: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(transcript) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("type").and_then(|t| t.as_str()) == Some("user"))
        .filter_map(|v| {
            let content = v.get("message")?.get("content")?;
            match content {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Array(blocks) => {
                    let texts: Vec<&str> = blocks
                        .iter()
                        .filter(|b| b.get("type").and_then(|t| t.as_str()) == Some("text"))
                        .filter_map(|b| b.get("text").and_then(|t| t.as_str()))
                        .filter(|t| !t.trim_start().starts_with("<system-reminder>"))
                        .collect();
                    (!texts.is_empty()).then(|| texts.join("\n"))
                }
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transcript_lives_under_the_config_dir_by_the_mangled_cwd() {
        let env: BTreeMap<String, String> = [
            ("CLAUDE_CONFIG_DIR".to_string(), "/c".to_string()),
            ("HOME".to_string(), "/h".to_string()),
        ]
        .into();
        assert_eq!(
            transcript_path(&env, "/tmp/exp/e1/work", "abc").unwrap(),
            PathBuf::from("/c/projects/-tmp-exp-e1-work/abc.jsonl")
        );
        let env: BTreeMap<String, String> = [("HOME".to_string(), "/h".to_string())].into();
        assert_eq!(
            transcript_path(&env, "/a_b.c", "x").unwrap(),
            PathBuf::from("/h/.claude/projects/-a-b-c/x.jsonl")
        );
    }

    #[test]
    fn prompts_are_the_user_texts_without_tool_results() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("t.jsonl");
        std::fs::write(
            &t,
            concat!(
                r#"{"type":"user","message":{"role":"user","content":"hello one"}}"#, "\n",
                r#"{"type":"assistant","message":{"content":[{"type":"text","text":"x"}]}}"#, "\n",
                r#"{"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"r"}]}}"#, "\n",
                r#"{"type":"user","message":{"role":"user","content":[{"type":"text","text":"two\nlines"}]}}"#, "\n",
                "not json\n",
            ),
        )
        .unwrap();
        assert_eq!(prompts(&t), ["hello one", "two\nlines"]);
        assert!(prompts(&dir.path().join("missing")).is_empty());
    }
}
