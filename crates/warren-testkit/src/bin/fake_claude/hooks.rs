//! Hooks and the status line from the settings files, loaded, matched and run like Claude Code
//! 2.1.197 does it (hooks doc §1, §2, §7): the user settings (`$CLAUDE_CONFIG_DIR` or
//! `$HOME/.claude`), the project's `.claude/settings.json` and `.claude/settings.local.json`,
//! and `--settings` (a file or inline JSON). Hooks of every source run; an identical command
//! string runs once per event; the last source's `statusLine` wins (`--settings` over the others).
//! The hooks of one event run in parallel, each `/bin/sh -c <command>` in the session cwd, in its
//! own process group (killed at its `timeout`, default 60 s), with the event's JSON on stdin.

use regex::Regex;
use serde_json::Value;
use std::io::Write;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The real CLI's status line has no time limit setting; a stuck one must not pile up.
const STATUS_LINE_TIMEOUT: Duration = Duration::from_secs(10);

/// A command to run and its time limit.
#[derive(Clone, Debug, PartialEq)]
pub struct Cmd {
    pub command: String,
    pub timeout: Duration,
}

/// One command hook of one event.
struct Hook {
    event: String,
    /// None matches everything (`*`, empty or missing matcher).
    matcher: Option<Regex>,
    cmd: Cmd,
}

/// The hooks and the status line of all settings sources.
#[derive(Default)]
pub struct Settings {
    hooks: Vec<Hook>,
    pub status_line: Option<Cmd>,
}

/// What an event's matcher is compared with (the real CLI ignores it for other events).
fn matcher_subject(event: &str) -> bool {
    matches!(
        event,
        "PreToolUse"
            | "PostToolUse"
            | "PostToolUseFailure"
            | "PermissionRequest"
            | "PermissionDenied"
            | "SessionStart"
            | "SessionEnd"
            | "Notification"
    )
}

impl Settings {
    /// Reads every source. `flag` is the `--settings` value; its errors are the real CLI's.
    pub fn load(flag: Option<&str>, config_dir: &Path, cwd: &Path) -> Result<Settings, String> {
        let mut sources: Vec<Value> = [
            config_dir.join("settings.json"),
            cwd.join(".claude").join("settings.json"),
            cwd.join(".claude").join("settings.local.json"),
        ]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|t| serde_json::from_str(&t).ok())
        .collect();
        if let Some(s) = flag {
            let text = if s.trim_start().starts_with('{') {
                s.to_string()
            } else {
                std::fs::read_to_string(s)
                    .map_err(|_| format!("Error: Settings file not found: {s}"))?
            };
            sources.push(
                serde_json::from_str(&text)
                    .map_err(|e| format!("Error: Invalid JSON provided to --settings: {e}"))?,
            );
        }
        let mut out = Settings::default();
        if sources.iter().any(|s| s["disableAllHooks"] == true) {
            return Ok(out);
        }
        for s in &sources {
            out.add(s);
        }
        Ok(out)
    }

    fn add(&mut self, settings: &Value) {
        let sl = &settings["statusLine"];
        if let Some(command) = sl["command"].as_str().filter(|_| sl["type"] == "command") {
            self.status_line = Some(Cmd {
                command: command.to_string(),
                timeout: STATUS_LINE_TIMEOUT,
            });
        }
        let Some(events) = settings["hooks"].as_object() else {
            return;
        };
        for (event, entries) in events {
            for entry in entries.as_array().into_iter().flatten() {
                let matcher = match entry["matcher"].as_str().unwrap_or("") {
                    "" | "*" => None,
                    m => Regex::new(&format!("^(?:{m})$"))
                        .or_else(|_| Regex::new(&format!("^{}$", regex::escape(m))))
                        .ok(),
                };
                for h in entry["hooks"].as_array().into_iter().flatten() {
                    let Some(command) = h["command"].as_str().filter(|_| h["type"] == "command")
                    else {
                        continue;
                    };
                    let timeout = h["timeout"]
                        .as_f64()
                        .and_then(|s| Duration::try_from_secs_f64(s).ok())
                        .filter(|d| !d.is_zero())
                        .unwrap_or(DEFAULT_TIMEOUT);
                    self.hooks.push(Hook {
                        event: event.clone(),
                        matcher: matcher.clone(),
                        cmd: Cmd {
                            command: command.to_string(),
                            timeout,
                        },
                    });
                }
            }
        }
    }

    /// The commands to run for `event` whose matcher takes `subject` (the tool name, the
    /// SessionStart source, the SessionEnd reason or the notification type), each once.
    pub fn matched(&self, event: &str, subject: &str) -> Vec<Cmd> {
        let mut out: Vec<Cmd> = Vec::new();
        for h in self.hooks.iter().filter(|h| h.event == event) {
            let takes =
                !matcher_subject(event) || h.matcher.as_ref().is_none_or(|m| m.is_match(subject));
            if takes && !out.iter().any(|c| c.command == h.cmd.command) {
                out.push(h.cmd.clone());
            }
        }
        out
    }
}

/// How one command ended.
#[derive(Debug, Default)]
pub struct Out {
    /// Exit code (128 + signal when killed); None when it could not start or timed out.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Where and with what environment commands run.
#[derive(Clone)]
pub struct Place {
    pub cwd: String,
    /// Added to the inherited environment.
    pub env: Vec<(String, String)>,
}

/// Runs `cmds` in parallel, each fed `stdin`, and returns (in the order of `cmds`) when each
/// has ended or been killed at its time limit. Blocks the calling thread only that long.
pub fn run(cmds: &[Cmd], stdin: &[u8], place: &Place) -> Vec<Out> {
    let started = Instant::now();
    let mut outs: Vec<Out> = cmds.iter().map(|_| Out::default()).collect();
    let (tx, rx) = mpsc::channel();
    // (index, process group, deadline) of the commands still running.
    let mut live: Vec<(usize, i32, Instant)> = Vec::new();
    for (i, c) in cmds.iter().enumerate() {
        let child = Command::new("/bin/sh")
            .arg("-c")
            .arg(&c.command)
            .current_dir(&place.cwd)
            .envs(place.env.iter().map(|(k, v)| (k, v)))
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                outs[i].stderr = format!("cannot start /bin/sh: {e}");
                continue;
            }
        };
        if let Some(mut pipe) = child.stdin.take() {
            let data = stdin.to_vec();
            // A hook that does not read its stdin is fine.
            std::thread::spawn(move || {
                let _ = pipe.write_all(&data);
            });
        }
        let pgid = i32::try_from(child.id()).unwrap_or(i32::MAX);
        let tx = tx.clone();
        std::thread::spawn(move || {
            let _ = tx.send((i, child.wait_with_output()));
        });
        live.push((i, pgid, started + c.timeout));
    }
    drop(tx);
    while let Some(deadline) = live.iter().map(|l| l.2).min() {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok((i, result)) => {
                live.retain(|l| l.0 != i);
                match result {
                    Ok(o) => {
                        outs[i] = Out {
                            code: o.status.code().or(o.status.signal().map(|s| 128 + s)),
                            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
                        }
                    }
                    Err(e) => outs[i].stderr = e.to_string(),
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                let now = Instant::now();
                for &(i, pgid, _) in live.iter().filter(|l| l.2 <= now) {
                    let _ = nix::sys::signal::killpg(
                        nix::unistd::Pid::from_raw(pgid),
                        nix::sys::signal::Signal::SIGKILL,
                    );
                    outs[i].stderr = format!("timed out after {:?}", cmds[i].timeout);
                }
                live.retain(|l| l.2 > now);
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    outs
}

/// One event's hooks for the runner thread.
pub struct Job {
    pub id: u64,
    pub cmds: Vec<Cmd>,
    pub stdin: Vec<u8>,
}

/// Starts the thread that runs jobs one event after another (so hooks fire in the order their
/// events happened) and hands each job's outputs to `done`.
pub fn spawn_runner(
    place: Place,
    done: impl Fn(u64, Vec<Out>) + Send + 'static,
) -> mpsc::Sender<Job> {
    let (tx, rx) = mpsc::channel::<Job>();
    std::thread::spawn(move || {
        for job in rx {
            done(job.id, run(&job.cmds, &job.stdin, &place));
        }
    });
    tx
}

/// What the PreToolUse hooks decided together (deny over ask over allow, like the real CLI).
#[derive(Debug, PartialEq)]
pub enum Decision {
    /// No say: the normal permission check.
    Pass,
    Allow,
    Ask,
    /// Blocked, with the text the real CLI shows after `⎿  Error: `.
    Deny(String),
}

/// Reads the finished PreToolUse hooks: exit 2 blocks with its stderr (and leaks the command
/// line, as the real CLI does); stdout JSON may deny, ask, allow or `decision: "block"`.
pub fn decision(tool: &str, cmds: &[Cmd], outs: &[Out]) -> Decision {
    let mut ask = false;
    let mut allow = false;
    for (c, o) in cmds.iter().zip(outs) {
        if o.code == Some(2) {
            return Decision::Deny(format!(
                "PreToolUse:{tool} hook error: [{}]: {}",
                c.command,
                o.stderr.trim_end()
            ));
        }
        if o.code != Some(0) {
            continue;
        }
        let Ok(v) = serde_json::from_str::<Value>(o.stdout.trim()) else {
            continue;
        };
        let specific = &v["hookSpecificOutput"];
        let text = |v: &Value, key: &str| v[key].as_str().unwrap_or("").to_string();
        match specific["permissionDecision"].as_str() {
            Some("deny") => {
                return Decision::Deny(text(specific, "permissionDecisionReason"));
            }
            Some("ask") => ask = true,
            Some("allow") => allow = true,
            _ => {}
        }
        if v["decision"] == "block" {
            return Decision::Deny(text(&v, "reason"));
        }
    }
    match (ask, allow) {
        (true, _) => Decision::Ask,
        (_, true) => Decision::Allow,
        _ => Decision::Pass,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(c: &str) -> Cmd {
        Cmd {
            command: c.to_string(),
            timeout: Duration::from_secs(5),
        }
    }

    #[test]
    fn sources_merge_dedupe_and_the_flag_status_line_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = dir.path().join("cfg");
        let cwd = dir.path().join("work");
        std::fs::create_dir_all(&cfg).expect("cfg");
        std::fs::create_dir_all(cwd.join(".claude")).expect("project");
        std::fs::write(
            cfg.join("settings.json"),
            r#"{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"same"},{"type":"command","command":"user"}]}]},
                "statusLine":{"type":"command","command":"echo USER"}}"#,
        )
        .expect("user");
        std::fs::write(
            cwd.join(".claude/settings.json"),
            r#"{"hooks":{"PreToolUse":[{"matcher":"Write|Edit","hooks":[{"type":"command","command":"w"}]},
                {"matcher":"*","hooks":[{"type":"command","command":"any","timeout":2}]}]},
                "statusLine":{"type":"command","command":"echo PROJECT"}}"#,
        )
        .expect("project");
        let flag = r#"{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"same"}]}]},
            "statusLine":{"type":"command","command":"echo FLAG"}}"#;
        let s = Settings::load(Some(flag), &cfg, &cwd).expect("load");
        assert_eq!(
            s.matched("Stop", ""),
            [cmd("same"), cmd("user")].map(|mut c| {
                c.timeout = DEFAULT_TIMEOUT;
                c
            })
        );
        let pre: Vec<String> = s
            .matched("PreToolUse", "Bash")
            .into_iter()
            .map(|c| c.command)
            .collect();
        assert_eq!(pre, ["any"]);
        assert_eq!(s.matched("PreToolUse", "Edit").len(), 2);
        assert_eq!(
            s.matched("PreToolUse", "Bash")[0].timeout,
            Duration::from_secs(2)
        );
        assert_eq!(
            s.status_line.map(|c| c.command).as_deref(),
            Some("echo FLAG")
        );
        assert!(Settings::load(Some("/nonexistent/s.json"), &cfg, &cwd).is_err());
    }

    #[test]
    fn runs_in_parallel_with_stdin_and_time_limits() {
        let place = Place {
            cwd: "/".into(),
            env: vec![("FAKE_X".into(), "42".into())],
        };
        let mut slow = cmd("exec sleep 30");
        slow.timeout = Duration::from_millis(300);
        let t0 = Instant::now();
        let outs = run(
            &[
                cmd("cat; echo \" $FAKE_X $(pwd)\""),
                cmd("echo no >&2; exit 2"),
                slow,
            ],
            b"{\"a\":1}",
            &place,
        );
        assert!(t0.elapsed() < Duration::from_secs(5));
        assert_eq!(outs[0].code, Some(0));
        assert_eq!(outs[0].stdout, "{\"a\":1} 42 /\n");
        assert_eq!((outs[1].code, outs[1].stderr.as_str()), (Some(2), "no\n"));
        assert_eq!(outs[2].code, None);
    }

    #[test]
    fn pre_tool_use_decisions() {
        let out = |code, stdout: &str| Out {
            code: Some(code),
            stdout: stdout.into(),
            stderr: "why".into(),
        };
        let c = [cmd("h1"), cmd("h2")];
        let deny = r#"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"NO"}}"#;
        let allow =
            r#"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}"#;
        let ask =
            r#"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask"}}"#;
        assert_eq!(
            decision("Bash", &c, &[out(0, allow), out(0, deny)]),
            Decision::Deny("NO".into())
        );
        assert_eq!(
            decision("Bash", &c, &[out(0, allow), out(0, ask)]),
            Decision::Ask
        );
        assert_eq!(
            decision("Bash", &c, &[out(0, allow), out(1, deny)]),
            Decision::Allow
        );
        assert_eq!(
            decision("Bash", &c, &[out(0, ""), out(0, "x")]),
            Decision::Pass
        );
        assert_eq!(
            decision("Bash", &c, &[out(0, ""), out(2, "")]),
            Decision::Deny("PreToolUse:Bash hook error: [h2]: why".into())
        );
    }
}
