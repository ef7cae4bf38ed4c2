//! The `--settings` file warren gives Claude Code: hooks that call `warren hook EVENT` and a
//! status line that reports cost and then runs the user's own. Claude Code merges hooks from
//! every settings source (user, project, local, `--settings`), so the user's hooks keep
//! running; only one status line can be in force and `--settings`' wins, so warren's runs the
//! user's own command (found here, at creation) and prints its output.

use crate::tmux::quote::sh;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use warren_helpers::fs::write_private_atomic;
use warren_helpers::hook::USER_STATUSLINE;

/// The hook events warren listens to (all exist in Claude Code 2.1.197; see docs/HOOKS.md).
pub(crate) const HOOK_EVENTS: &[&str] = &[
    "SessionStart",
    "UserPromptSubmit",
    "PreToolUse",
    "PermissionRequest",
    "Notification",
    "PostToolUse",
    "PostToolBatch",
    "Stop",
    "StopFailure",
    "SessionEnd",
];

/// Events that take a matcher.
const WITH_MATCHER: &[&str] = &[
    "PreToolUse",
    "PermissionRequest",
    "PostToolUse",
    "Notification",
];

/// The settings file's name in the session directory.
pub(crate) const FILE: &str = "claude-settings.json";

/// What the session's hooks need to find the daemon and the session.
pub(crate) struct HookTarget<'a> {
    /// This executable.
    pub exe: &'a Path,
    /// warren's home.
    pub home: &'a Path,
    /// warren's id of the session.
    pub session: &'a str,
}

impl HookTarget<'_> {
    fn command(&self, verb: &str, event: Option<&str>) -> String {
        let mut c = format!(
            "{} {verb} --home {} --session {}",
            sh(&self.exe.to_string_lossy()),
            sh(&self.home.to_string_lossy()),
            sh(self.session)
        );
        if let Some(e) = event {
            c.push(' ');
            c.push_str(e);
        }
        c
    }
}

/// The settings JSON. `skip` leaves events out (config `claude_skip_hooks`, for tests of a
/// missing hook).
pub(crate) fn settings(t: &HookTarget<'_>, skip: &[String]) -> Value {
    let mut hooks = serde_json::Map::new();
    for e in HOOK_EVENTS {
        if skip.iter().any(|s| s == e) {
            continue;
        }
        let mut entry = json!({"hooks": [{"type": "command", "command": t.command("hook", Some(e)), "timeout": 5}]});
        if WITH_MATCHER.contains(e) {
            entry["matcher"] = json!("*");
        }
        hooks.insert((*e).to_string(), json!([entry]));
    }
    json!({
        "hooks": hooks,
        "statusLine": {"type": "command", "command": t.command("statusline", None), "padding": 0},
    })
}

/// Writes the settings file (0600) into `dir`; answers its path.
pub(crate) fn write(dir: &Path, t: &HookTarget<'_>, skip: &[String]) -> std::io::Result<PathBuf> {
    let path = dir.join(FILE);
    write_private_atomic(&path, &serde_json::to_vec_pretty(&settings(t, skip))?)?;
    Ok(path)
}

/// Records the user's own status line command for `warren statusline`, which reads it with
/// [`warren_helpers::hook::read_user_statusline`].
pub(crate) fn write_user_statusline(dir: &Path, command: Option<&str>) -> std::io::Result<()> {
    write_private_atomic(
        &dir.join(USER_STATUSLINE),
        &serde_json::to_vec(&json!({ "command": command }))?,
    )
}

/// The status line command in force without warren: local beats project beats user settings
/// (Claude Code's precedence). `env` is the session's environment (HOME, CLAUDE_CONFIG_DIR).
pub(crate) fn user_statusline(env: &BTreeMap<String, String>, cwd: &Path) -> Option<String> {
    let user = match env.get("CLAUDE_CONFIG_DIR").filter(|d| !d.is_empty()) {
        Some(d) => Some(PathBuf::from(d).join("settings.json")),
        None => env
            .get("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".claude/settings.json")),
    };
    let candidates = [
        Some(cwd.join(".claude/settings.local.json")),
        Some(cwd.join(".claude/settings.json")),
        user,
    ];
    candidates.into_iter().flatten().find_map(|p| {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()?;
        let sl = v.get("statusLine")?;
        (sl.get("type").and_then(Value::as_str).unwrap_or("command") == "command")
            .then(|| sl.get("command")?.as_str().map(String::from))
            .flatten()
            .filter(|c| !c.trim().is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_helpers::hook::read_user_statusline;

    #[test]
    fn every_event_calls_warren_hook_with_quoted_paths() {
        let t = HookTarget {
            exe: Path::new("/opt/my warren/warren"),
            home: Path::new("/h'ome"),
            session: "0190-x",
        };
        let s = settings(&t, &["Stop".to_string()]);
        let hooks = s["hooks"].as_object().unwrap();
        assert_eq!(hooks.len(), HOOK_EVENTS.len() - 1, "Stop was skipped");
        assert!(hooks.get("Stop").is_none());
        let ups = hooks["UserPromptSubmit"][0]["hooks"][0]["command"]
            .as_str()
            .unwrap();
        assert_eq!(
            ups,
            r#"'/opt/my warren/warren' hook --home '/h'\''ome' --session '0190-x' UserPromptSubmit"#
        );
        assert_eq!(hooks["PreToolUse"][0]["matcher"], "*");
        assert!(hooks["SessionStart"][0].get("matcher").is_none());
        assert!(
            s["statusLine"]["command"]
                .as_str()
                .unwrap()
                .contains(" statusline --home ")
        );
    }

    #[test]
    fn the_users_status_line_follows_claude_codes_precedence() {
        let home = tempfile::tempdir().unwrap();
        let cwd = tempfile::tempdir().unwrap();
        let env: BTreeMap<String, String> =
            [("HOME".to_string(), home.path().display().to_string())].into();
        assert_eq!(user_statusline(&env, cwd.path()), None);
        std::fs::create_dir_all(home.path().join(".claude")).unwrap();
        std::fs::write(
            home.path().join(".claude/settings.json"),
            r#"{"statusLine":{"type":"command","command":"echo user"}}"#,
        )
        .unwrap();
        assert_eq!(
            user_statusline(&env, cwd.path()).as_deref(),
            Some("echo user")
        );
        std::fs::create_dir_all(cwd.path().join(".claude")).unwrap();
        std::fs::write(
            cwd.path().join(".claude/settings.json"),
            r#"{"statusLine":{"type":"command","command":"echo project"}}"#,
        )
        .unwrap();
        assert_eq!(
            user_statusline(&env, cwd.path()).as_deref(),
            Some("echo project")
        );
        let dir = tempfile::tempdir().unwrap();
        write_user_statusline(dir.path(), Some("echo x")).unwrap();
        assert_eq!(read_user_statusline(dir.path()).as_deref(), Some("echo x"));
        write_user_statusline(dir.path(), None).unwrap();
        assert_eq!(read_user_statusline(dir.path()), None);
    }
}
