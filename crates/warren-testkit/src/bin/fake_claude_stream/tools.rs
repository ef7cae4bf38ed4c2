//! Tool side: the permission check of `-p` mode (§5.5, measured again on 2.1.197), PreToolUse
//! hooks (hooks doc §4) and the child processes (the Bash tool and hook commands).

use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};

/// Commands that create or modify files when they start a pipeline segment.
const WRITING_COMMANDS: [&str; 9] = [
    "touch", "rm", "rmdir", "mv", "cp", "mkdir", "tee", "ln", "chmod",
];
const EDIT_TOOLS: [&str; 3] = ["Write", "Edit", "NotebookEdit"];

/// What a Bash command would write, as the real CLI's message names it.
fn bash_write(command: &str, cwd: &str) -> Option<String> {
    let abs = |p: &str| {
        let p = p.trim_matches(|c| c == '"' || c == '\'');
        if p.starts_with('/') {
            p.to_string()
        } else {
            format!("{cwd}/{p}")
        }
    };
    let allowed = format!("the allowed working directories for this session: '{cwd}'.");
    // Output redirection `> file` / `>> file` (not `>&2`, not /dev/null).
    for (i, _) in command.match_indices('>') {
        let rest = command[i + 1..].trim_start_matches('>');
        if rest.starts_with('&') {
            continue;
        }
        let target = rest.split_whitespace().next().unwrap_or("");
        if target.is_empty() || target == "/dev/null" {
            continue;
        }
        return Some(format!(
            "Output redirection to '{}' was blocked. For security, Claude Code may only write to \
             files in {allowed}",
            abs(target)
        ));
    }
    for segment in command.split([';', '|', '&', '\n']) {
        let words: Vec<&str> = segment.split_whitespace().collect();
        let Some((verb, args)) = words.split_first() else {
            continue;
        };
        if !WRITING_COMMANDS.contains(verb) {
            continue;
        }
        let operands: Vec<&str> = args
            .iter()
            .copied()
            .filter(|a| !a.starts_with('-'))
            .collect();
        // cp/mv/ln write their last operand; the others their first.
        let target = if matches!(*verb, "cp" | "mv" | "ln") {
            operands.last()
        } else {
            operands.first()
        };
        let target = target.map_or_else(|| cwd.to_string(), |t| abs(t));
        return Some(format!(
            "{verb} in '{target}' was blocked. For security, Claude Code may only create or \
             modify files in {allowed}"
        ));
    }
    None
}

/// Whether an `--allowedTools` rule lets this call through without a check.
fn allowed_by_rule(rules: &[String], tool: &str, input: &Value) -> bool {
    let command = input["command"].as_str().unwrap_or("");
    rules.iter().any(|r| {
        if r == tool {
            return true;
        }
        let Some(inner) = r
            .strip_prefix(tool)
            .and_then(|s| s.strip_prefix('('))
            .and_then(|s| s.strip_suffix(')'))
        else {
            return false;
        };
        match inner.strip_suffix(":*") {
            Some(prefix) => command.starts_with(prefix),
            None => command == inner,
        }
    })
}

/// The `-p` permission check. `Err` is the denial text the tool_result carries.
pub fn check(
    mode: &str,
    rules: &[String],
    tool: &str,
    input: &Value,
    cwd: &str,
) -> Result<(), String> {
    if matches!(mode, "bypassPermissions" | "acceptEdits") || allowed_by_rule(rules, tool, input) {
        return Ok(());
    }
    let dont_ask = || {
        format!(
            "Permission to use {tool} has been denied because Claude Code is running in don't ask \
             mode. IMPORTANT: You *may* attempt to accomplish this action using other tools that \
             might naturally be used to accomplish this goal, e.g. using head instead of cat. But \
             you *should not* attempt to work around this denial in malicious ways, e.g. do not \
             use your ability to run tests to execute non-test actions. You should only try to \
             work around this restriction in reasonable ways that do not attempt to bypass the \
             intent behind this denial. If you believe this capability is essential to complete \
             the user's request, STOP and explain to the user what you were trying to do and why \
             you need this permission. Let the user decide how to proceed."
        )
    };
    if tool == "Bash" {
        // default, plan, dontAsk, auto: read-only commands run, writes are refused.
        return match bash_write(input["command"].as_str().unwrap_or(""), cwd) {
            None => Ok(()),
            Some(_) if mode == "dontAsk" => Err(dont_ask()),
            Some(msg) => Err(msg),
        };
    }
    if EDIT_TOOLS.contains(&tool) {
        let path = input["file_path"]
            .as_str()
            .or(input["notebook_path"].as_str())
            .unwrap_or(cwd);
        let path = std::path::Path::new(cwd).join(path);
        let path = path.display();
        return Err(match mode {
            "dontAsk" => dont_ask(),
            "plan" => format!("Cannot write to {path} while in plan mode."),
            _ => format!(
                "Claude requested permissions to write to {path}, but you haven't granted it yet."
            ),
        });
    }
    Ok(())
}

/// Built-in tools the CLI knows even when the session's tool set leaves them out.
const KNOWN_TOOLS: [&str; 5] = [
    "Glob",
    "Grep",
    "AskUserQuestion",
    "EnterPlanMode",
    "ExitPlanMode",
];

/// The error of a call to a tool outside the session's tool set (`--tools`,
/// `--disallowedTools`), as the real CLI answers it: (tool_result text, `tool_use_result`).
pub fn unavailable(tool: &str) -> (String, String) {
    let known = crate::cli::DEFAULT_TOOLS.contains(&tool) || KNOWN_TOOLS.contains(&tool);
    let msg = if known {
        format!(
            "Error: No such tool available: {tool}. {tool} exists but is not enabled in this \
             context. Use one of the available tools instead."
        )
    } else {
        format!("Error: No such tool available: {tool}")
    };
    (format!("<tool_use_error>{msg}</tool_use_error>"), msg)
}

/// The blocked-write text for the `ASK` script (as `touch x_perm.txt` gets in default mode).
pub fn ask_denial(input: &Value, cwd: &str) -> String {
    bash_write(input["command"].as_str().unwrap_or(""), cwd)
        .unwrap_or_else(|| "Permission to use Bash has been denied.".into())
}

/// One PreToolUse command hook.
pub struct Hook {
    /// None matches every tool (`*`, empty or missing matcher).
    matcher: Option<regex::Regex>,
    pub command: String,
}

impl Hook {
    pub fn matches(&self, tool: &str) -> bool {
        self.matcher.as_ref().is_none_or(|m| m.is_match(tool))
    }
}

fn hooks_of(settings: &Value, into: &mut Vec<Hook>) -> Result<(), String> {
    let Some(entries) = settings["hooks"]["PreToolUse"].as_array() else {
        return Ok(());
    };
    for entry in entries {
        let matcher = match entry["matcher"].as_str().unwrap_or("") {
            "" | "*" => None,
            m => Some(
                regex::Regex::new(&format!("^(?:{m})$"))
                    .map_err(|e| format!("invalid hook matcher {m:?}: {e}"))?,
            ),
        };
        for h in entry["hooks"].as_array().into_iter().flatten() {
            let Some(command) = h["command"].as_str() else {
                continue;
            };
            // An identical command registered twice runs once (hooks doc §7).
            if h["type"] == "command" && !into.iter().any(|x| x.command == command) {
                into.push(Hook {
                    matcher: matcher.clone(),
                    command: command.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// PreToolUse hooks from the user settings (`<config dir>/settings.json`) and `--settings`
/// (a file, or inline JSON); all sources fire, like the real CLI.
pub fn load_hooks(
    settings: Option<&str>,
    config_dir: &std::path::Path,
) -> Result<Vec<Hook>, String> {
    let mut hooks = Vec::new();
    if let Ok(text) = std::fs::read_to_string(config_dir.join("settings.json")) {
        if let Ok(v) = serde_json::from_str(&text) {
            hooks_of(&v, &mut hooks)?;
        }
    }
    if let Some(s) = settings {
        let text = if s.trim_start().starts_with('{') {
            s.to_string()
        } else {
            std::fs::read_to_string(s)
                .map_err(|e| format!("Error: Settings file not found: {s} ({e})"))?
        };
        let v = serde_json::from_str(&text)
            .map_err(|e| format!("Error: Invalid JSON provided to --settings: {e}"))?;
        hooks_of(&v, &mut hooks)?;
    }
    Ok(hooks)
}

/// What one hook run decided.
pub enum Verdict {
    /// Go on with the normal permission check.
    Pass,
    /// `permissionDecision: "allow"`: run without the permission check.
    Allow,
    /// Blocked; the tool_result text.
    Block(String),
}

/// Reads a finished hook: exit 2 blocks with its stderr; JSON on stdout may deny/ask (both
/// block in `-p`), `decision: "block"`, or allow.
pub fn verdict(tool: &str, command: &str, out: &ChildOut) -> Verdict {
    if out.code == 2 {
        return Verdict::Block(format!(
            "PreToolUse:{tool} hook error: [{command}]: {}",
            out.stderr
        ));
    }
    if out.code != 0 {
        return Verdict::Pass;
    }
    let Ok(v) = serde_json::from_str::<Value>(out.stdout.trim()) else {
        return Verdict::Pass;
    };
    let specific = &v["hookSpecificOutput"];
    let reason = |key: &str, v: &Value| v[key].as_str().unwrap_or("").to_string();
    match specific["permissionDecision"].as_str() {
        Some("deny" | "ask") => {
            return Verdict::Block(reason("permissionDecisionReason", specific));
        }
        Some("allow") => return Verdict::Allow,
        _ => {}
    }
    if v["decision"] == "block" {
        return Verdict::Block(reason("reason", &v));
    }
    Verdict::Pass
}

/// A finished child process.
#[derive(Debug)]
pub struct ChildOut {
    /// Exit code (128 + signal when killed).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Starts `sh -c <script>` in `cwd` in its own process group (so an interrupt can kill the
/// whole tree), feeds it `stdin`, and hands its output to `done` (on a thread) when it ends.
/// `merge` sends stderr into stdout, as the Bash tool reports it. Returns the process group id.
pub fn spawn(
    script: &str,
    cwd: &str,
    env: &[(&str, &str)],
    stdin: Option<Vec<u8>>,
    merge: bool,
    done: impl FnOnce(ChildOut) + Send + 'static,
) -> std::io::Result<u32> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .process_group(0)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut reader = None;
    if merge {
        let (r, w) = std::io::pipe()?;
        cmd.stdout(w.try_clone()?).stderr(w);
        reader = Some(r);
    } else {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    let mut child = cmd.spawn()?;
    // The write ends of the merged pipe live in `cmd` too; close ours so reads see EOF.
    drop(cmd);
    let pgid = child.id();
    std::thread::spawn(move || {
        if let (Some(data), Some(mut pipe)) = (stdin, child.stdin.take()) {
            // A hook that does not read its stdin is fine.
            let _ = pipe.write_all(&data);
        }
        let mut stdout = String::new();
        let mut stderr = String::new();
        if let Some(mut r) = reader {
            let _ = r.read_to_string(&mut stdout);
        } else {
            let err_pipe = child.stderr.take();
            let err = std::thread::spawn(move || {
                let mut s = String::new();
                if let Some(mut p) = err_pipe {
                    let _ = p.read_to_string(&mut s);
                }
                s
            });
            if let Some(mut p) = child.stdout.take() {
                let _ = p.read_to_string(&mut stdout);
            }
            stderr = err.join().unwrap_or_default();
        }
        let code = match child.wait() {
            Ok(st) => st.code().unwrap_or_else(|| 128 + st.signal().unwrap_or(0)),
            Err(_) => -1,
        };
        done(ChildOut {
            code,
            stdout,
            stderr,
        });
    });
    Ok(pgid)
}

/// Kills a child's process group (interrupt during a tool or hook).
pub fn kill_group(pgid: u32) {
    if let Ok(pid) = i32::try_from(pgid) {
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_mode_denies_writes_only() {
        let check =
            |mode: &str, cmd: &str| check(mode, &[], "Bash", &json!({"command": cmd}), "/w");
        assert!(check("default", "echo hi").is_ok());
        assert!(check("default", "echo err >&2; ls 2>/dev/null").is_ok());
        assert_eq!(
            check("default", "touch d_denied.txt").unwrap_err(),
            "touch in '/w/d_denied.txt' was blocked. For security, Claude Code may only create \
             or modify files in the allowed working directories for this session: '/w'."
        );
        assert!(
            check("plan", "echo x > f.txt")
                .unwrap_err()
                .starts_with("Output redirection to '/w/f.txt' was blocked.")
        );
        assert!(
            check("dontAsk", "rm x")
                .unwrap_err()
                .contains("don't ask mode")
        );
        assert!(check("acceptEdits", "rm x").is_ok());
        assert!(check("bypassPermissions", "rm x").is_ok());
        let rules = vec!["Bash".to_string()];
        assert!(super::check("default", &rules, "Bash", &json!({"command": "rm x"}), "/w").is_ok());
        let rules = vec!["Bash(git:*)".to_string()];
        let git = super::check(
            "default",
            &rules,
            "Bash",
            &json!({"command": "git add x"}),
            "/w",
        );
        assert!(git.is_ok());
    }

    #[test]
    fn hook_verdicts() {
        let out = |code, stdout: &str, stderr: &str| ChildOut {
            code,
            stdout: stdout.into(),
            stderr: stderr.into(),
        };
        assert!(matches!(
            verdict("Bash", "h", &out(2, "", "no\n")),
            Verdict::Block(s) if s == "PreToolUse:Bash hook error: [h]: no\n"
        ));
        let deny = r#"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"R"}}"#;
        assert!(matches!(verdict("Bash", "h", &out(0, deny, "")), Verdict::Block(s) if s == "R"));
        assert!(matches!(
            verdict("Bash", "h", &out(1, deny, "")),
            Verdict::Pass
        ));
        assert!(matches!(
            verdict("Bash", "h", &out(0, "plain", "")),
            Verdict::Pass
        ));
    }

    #[test]
    fn matchers() {
        let mut hooks = Vec::new();
        let s = json!({"hooks":{"PreToolUse":[
            {"matcher":"Bash|Write","hooks":[{"type":"command","command":"a"}]},
            {"matcher":"*","hooks":[{"type":"command","command":"b"}]},
            {"matcher":"Web.*","hooks":[{"type":"command","command":"c"},{"type":"command","command":"a"}]}]}});
        hooks_of(&s, &mut hooks).expect("valid");
        let names = |tool: &str| -> Vec<&str> {
            hooks
                .iter()
                .filter(|h| h.matches(tool))
                .map(|h| h.command.as_str())
                .collect()
        };
        assert_eq!(names("Bash"), ["a", "b"]);
        assert_eq!(names("WebFetch"), ["b", "c"]);
        assert_eq!(names("Bash2"), ["b"]);
    }
}
