//! Protected paths: which paths a tool call touches, and whether one is protected. The daemon
//! uses it to report (every tool_use) and, with `--protect strict`, `warren guard`, the
//! PreToolUse hook that denies, runs it as a process of its own.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io;
use std::path::Path;

/// Protected by default, beside warren's own home, socket and Claude Code's settings files.
pub const DEFAULT_PROTECTED: [&str; 4] = [".env", ".git/", "credentials", ".claude/settings"];

/// What the guard hook reads: the patterns and the session's cwd.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Rules {
    /// Patterns.
    pub protect: Vec<String>,
    /// Where relative paths start.
    pub cwd: String,
}

/// The paths a tool call names: `file_path`, `path`, `notebook_path`, and for Bash the words
/// of its command.
fn touched(tool: &str, input: &Value) -> Vec<String> {
    let mut out: Vec<String> = ["file_path", "path", "notebook_path"]
        .iter()
        .filter_map(|k| input.get(*k).and_then(Value::as_str))
        .map(String::from)
        .collect();
    if tool == "Bash" {
        if let Some(cmd) = input.get("command").and_then(Value::as_str) {
            out.extend(
                cmd.split(|c: char| c.is_whitespace() || "'\";|&<>()`".contains(c))
                    .filter(|w| !w.is_empty())
                    .map(String::from),
            );
        }
    }
    out
}

/// Whether `candidate` (relative to `cwd`) falls under `pattern`: an absolute pattern is a
/// path prefix; `dir/` matches that directory anywhere; a bare name matches a path component
/// equal to it or starting with it and a dot (`.env` covers `.env.local`); a pattern with a
/// slash matches as a substring of the path.
fn matches(pattern: &str, candidate: &str, cwd: &str) -> bool {
    if pattern.is_empty() {
        return false;
    }
    let abs = if candidate.starts_with('/') {
        candidate.to_string()
    } else {
        Path::new(cwd)
            .join(candidate)
            .to_string_lossy()
            .into_owned()
    };
    if pattern.starts_with('/') {
        let p = pattern.trim_end_matches('/');
        return abs == p || abs.starts_with(&format!("{p}/"));
    }
    if let Some(dir) = pattern.strip_suffix('/') {
        return abs.split('/').any(|c| c == dir);
    }
    if pattern.contains('/') {
        return abs.contains(pattern);
    }
    abs.split('/')
        .any(|c| c == pattern || c.starts_with(&format!("{pattern}.")))
}

/// The first protected path a tool call touches.
pub fn check(rules: &Rules, tool: &str, input: &Value) -> Option<(String, String)> {
    touched(tool, input).into_iter().find_map(|c| {
        rules
            .protect
            .iter()
            .find(|p| matches(p, &c, &rules.cwd))
            .map(|p| (c.clone(), p.clone()))
    })
}

/// `warren guard --rules FILE`: reads a PreToolUse hook's JSON on stdin and prints Claude
/// Code's deny decision when the tool touches a protected path (nothing otherwise). A rules
/// file or an input that cannot be read is an error: the caller blocks the tool.
pub fn guard(rules_file: &Path, stdin: &str) -> io::Result<Option<String>> {
    let rules: Rules = serde_json::from_str(&std::fs::read_to_string(rules_file)?)?;
    let hook: Value = serde_json::from_str(stdin)?;
    let tool = hook
        .get("tool_name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let input = hook.get("tool_input").cloned().unwrap_or(Value::Null);
    let cwd = hook
        .get("cwd")
        .and_then(Value::as_str)
        .map(String::from)
        .unwrap_or_else(|| rules.cwd.clone());
    let rules = Rules { cwd, ..rules };
    Ok(check(&rules, tool, &input).map(|(path, pattern)| {
        serde_json::json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": format!(
                    "warren: {path} is protected ({pattern}); this session may not touch it"
                )
            }
        })
        .to_string()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patterns() {
        let cwd = "/w/p";
        assert!(matches(".env", ".env", cwd));
        assert!(matches(".env", "sub/.env.local", cwd));
        assert!(!matches(".env", "environment.txt", cwd));
        assert!(matches(".git/", ".git/config", cwd));
        assert!(matches(".git/", "/w/p/.git", cwd));
        assert!(!matches(".git/", ".gitignore", cwd));
        assert!(matches(
            "/home/u/.warren",
            "/home/u/.warren/warren.sock",
            cwd
        ));
        assert!(!matches("/home/u/.warren", "/home/u/.warrenx", cwd));
        assert!(matches(
            ".claude/settings",
            "/root/.claude/settings.json",
            cwd
        ));
        assert!(matches("credentials", "aws/credentials", cwd));
    }

    #[test]
    fn tool_inputs_and_bash_words_are_checked() {
        let rules = Rules {
            protect: vec![".env".into(), ".git/".into()],
            cwd: "/w".into(),
        };
        assert!(
            check(
                &rules,
                "Write",
                &json!({"file_path": "/w/.env", "content": "x"})
            )
            .is_some()
        );
        assert!(check(&rules, "Bash", &json!({"command": "rm -rf .git/objects"})).is_some());
        assert!(check(&rules, "Bash", &json!({"command": "echo 'x'>.env"})).is_some());
        assert!(check(&rules, "Bash", &json!({"command": "ls src"})).is_none());
        assert!(check(&rules, "Read", &json!({"file_path": "src/main.rs"})).is_none());
    }

    #[test]
    fn the_guard_prints_a_deny_for_protected_paths_only() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("rules.json");
        std::fs::write(&f, r#"{"protect":[".env"],"cwd":"/w"}"#).unwrap();
        let deny = guard(
            &f,
            r#"{"tool_name":"Bash","tool_input":{"command":"cat .env"},"cwd":"/w"}"#,
        )
        .unwrap()
        .expect("a deny");
        let v: Value = serde_json::from_str(&deny).unwrap();
        assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny");
        assert!(
            guard(&f, r#"{"tool_name":"Bash","tool_input":{"command":"ls"}}"#)
                .unwrap()
                .is_none()
        );
        assert!(guard(&f, "not json").is_err());
    }
}
