//! Drives `fake-claude` (the TUI fake) in a private tmux server with a `--settings` file whose
//! hooks log `<event> <stdin JSON>` lines, and checks that the hooks fire in the order and with
//! the payloads Claude Code 2.1.197 uses (claude-code-hooks.md §2), and that a status line
//! takes over the footer (§6). Every wait is a bounded poll that says what never happened; the
//! tmux server is killed when the test ends, whatever happened.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_fake-claude");
/// Upper bound for anything to show up (generous for loaded CI machines).
const TIMEOUT: Duration = Duration::from_secs(20);
const SESSION_ID: &str = "0b5e55ed-1111-4222-8333-444455556666";
const EVENTS: [&str; 9] = [
    "SessionStart",
    "UserPromptSubmit",
    "PreToolUse",
    "PermissionRequest",
    "Notification",
    "PostToolUse",
    "PostToolBatch",
    "Stop",
    "SessionEnd",
];

/// The interval of a bounded poll (never a wait for something to happen by itself).
#[allow(
    clippy::disallowed_methods,
    reason = "the interval of a bounded poll, not a fixed wait"
)]
fn pause() {
    std::thread::sleep(Duration::from_millis(20));
}

/// `'s'` for sh.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A fake-claude in its own tmux server, with a throwaway cwd, config dir and hook log.
struct Tui {
    dir: tempfile::TempDir,
}

impl Tui {
    /// Writes the settings (every event logs; `status_line` if given) and starts the fake.
    fn start(status_line: Option<&str>, env: &[(&str, &str)]) -> Tui {
        // Short path: the socket must fit in sun_path.
        let dir = tempfile::Builder::new()
            .prefix("fkh")
            .tempdir_in("/tmp")
            .expect("tempdir");
        let tui = Tui { dir };
        for d in ["work", "config", "home"] {
            std::fs::create_dir_all(tui.path(d)).expect("dir");
        }
        let log = quote(&tui.log().display().to_string());
        let mut hooks = serde_json::Map::new();
        for e in EVENTS {
            let command = format!("printf '%s ' {e} >> {log}; cat >> {log}; echo >> {log}");
            hooks.insert(
                e.to_string(),
                serde_json::json!([{"matcher": "*", "hooks": [{"type": "command", "command": command}]}]),
            );
        }
        let mut settings = serde_json::json!({ "hooks": hooks });
        if let Some(sl) = status_line {
            settings["statusLine"] = serde_json::json!({"type": "command", "command": sl});
        }
        let settings_file = tui.path("settings.json");
        std::fs::write(&settings_file, settings.to_string()).expect("settings");
        let mut vars = vec![
            (
                "CLAUDE_CONFIG_DIR",
                tui.path("config").display().to_string(),
            ),
            ("HOME", tui.path("home").display().to_string()),
        ];
        vars.extend(env.iter().map(|(k, v)| (*k, (*v).to_string())));
        let vars: Vec<String> = vars
            .iter()
            .map(|(k, v)| format!("{k}={}", quote(v)))
            .collect();
        let script = format!(
            "env {} {} --settings {} --session-id {SESSION_ID}; echo $? > {}",
            vars.join(" "),
            quote(BIN),
            quote(&settings_file.display().to_string()),
            quote(&tui.path("rc").display().to_string())
        );
        let cwd = tui.path("work").display().to_string();
        let out = tui.tmux(&[
            "new-session",
            "-d",
            "-s",
            "fk",
            "-x",
            "120",
            "-y",
            "40",
            "-c",
            &cwd,
            &script,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        tui
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn log(&self) -> PathBuf {
        self.path("hooks.log")
    }

    /// tmux on this test's private server (never the default one).
    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(self.path("sock"))
            .arg("-f")
            .arg("/dev/null")
            .args(args)
            .env_remove("TMUX")
            .env_remove("TMUX_PANE")
            .stdin(Stdio::null())
            .output()
            .expect("run tmux")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "fk"]).stdout).into_owned()
    }

    /// Types `text` and presses Enter (two tmux calls, as a person would).
    fn send(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "fk", "-l", text]);
        self.tmux(&["send-keys", "-t", "fk", "Enter"]);
    }

    /// The logged hooks, in order: (event, stdin JSON).
    fn hooks(&self) -> Vec<(String, Value)> {
        std::fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let (event, json) = l.split_once(' ')?;
                Some((event.to_string(), serde_json::from_str(json).ok()?))
            })
            .collect()
    }

    fn count(&self, event: &str) -> usize {
        self.hooks().iter().filter(|(e, _)| e == event).count()
    }

    /// Polls until `pred` holds; panics saying `what` never happened, with the screen and log.
    fn wait_until(&self, what: &str, mut pred: impl FnMut(&Tui) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        while !pred(self) {
            if Instant::now() > deadline {
                panic!(
                    "timed out after {TIMEOUT:?} waiting until {what}\nscreen:\n{}\nhooks log:\n{}",
                    self.screen(),
                    std::fs::read_to_string(self.log()).unwrap_or_default()
                );
            }
            pause();
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

fn names(hooks: &[(String, Value)]) -> Vec<&str> {
    hooks.iter().map(|(e, _)| e.as_str()).collect()
}

#[test]
fn hooks_fire_in_the_real_clis_order_with_its_payloads() {
    // No permission_prompt Notification: the dialog is answered long before it would be due.
    let tui = Tui::start(None, &[("FAKE_CLAUDE_NOTIFY_MS", "600000")]);
    tui.wait_until("SessionStart fired", |t| t.count("SessionStart") == 1);
    tui.send("hello hooks");
    tui.wait_until("the first prompt's Stop fired", |t| t.count("Stop") == 1);
    tui.wait_until("the reply is on screen and idle", |t| {
        t.screen().contains("● ECHO: hello hooks") && t.screen().contains("? for shortcuts")
    });
    tui.send("ASK: touch approved.txt");
    tui.wait_until("PermissionRequest fired", |t| {
        t.count("PermissionRequest") == 1
    });
    assert!(
        tui.screen().contains("Do you want to proceed?"),
        "PermissionRequest fired before the dialog was drawn:\n{}",
        tui.screen()
    );
    tui.tmux(&["send-keys", "-t", "fk", "-l", "1"]);
    tui.wait_until("the tool turn's Stop fired", |t| t.count("Stop") == 2);
    tui.wait_until("the tool result is on screen", |t| {
        t.screen()
            .contains("● TOOL_RESULT_SEEN: (Bash completed with no output)")
    });
    tui.send("/exit");
    tui.wait_until("fake-claude exited with 0 after SessionEnd", |t| {
        std::fs::read_to_string(t.path("rc")).is_ok_and(|rc| rc.trim() == "0")
    });

    let hooks = tui.hooks();
    assert_eq!(
        names(&hooks),
        [
            "SessionStart",
            "UserPromptSubmit",
            "Stop",
            "UserPromptSubmit",
            "PreToolUse",
            "PermissionRequest",
            "PostToolUse",
            "PostToolBatch",
            "Stop",
            "SessionEnd"
        ]
    );
    let cwd = tui.path("work").display().to_string();
    let project: String = cwd
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let transcript = tui
        .path("config")
        .join("projects")
        .join(project)
        .join(format!("{SESSION_ID}.jsonl"));
    for (event, p) in &hooks {
        assert_eq!(p["hook_event_name"], event.as_str(), "{p}");
        assert_eq!(p["session_id"], SESSION_ID, "{event}: {p}");
        assert_eq!(p["cwd"], cwd.as_str(), "{event}: {p}");
        assert_eq!(
            p["transcript_path"],
            transcript.display().to_string(),
            "{event}: {p}"
        );
    }
    let p = |i: usize| &hooks[i].1;
    assert_eq!(p(0)["source"], "startup");
    assert!(p(0).get("prompt_id").is_none(), "{}", p(0));
    assert_eq!(p(1)["prompt"], "hello hooks");
    assert_eq!(p(1)["permission_mode"], "default");
    assert_eq!(p(2)["stop_hook_active"], false);
    assert_eq!(p(2)["last_assistant_message"], "ECHO: hello hooks");
    assert_eq!(p(2)["prompt_id"], p(1)["prompt_id"]);
    // One prompt_id for the whole tool turn, a new one per prompt.
    let ask = &p(3)["prompt_id"];
    assert!(ask.is_string() && *ask != p(1)["prompt_id"]);
    for i in 4..=8 {
        assert_eq!(&p(i)["prompt_id"], ask, "{}", p(i));
    }
    assert_eq!(p(3)["prompt"], "ASK: touch approved.txt");
    let input = serde_json::json!({"command": "touch approved.txt", "description": "mock-requested command"});
    assert_eq!(p(4)["tool_name"], "Bash");
    assert_eq!(p(4)["tool_input"], input);
    let tool_use_id = p(4)["tool_use_id"].as_str().expect("tool_use_id");
    assert!(tool_use_id.starts_with("toolu_"));
    assert_eq!(p(5)["tool_input"], input);
    assert!(p(5).get("tool_use_id").is_none(), "{}", p(5));
    assert!(p(5)["permission_suggestions"].is_array());
    assert_eq!(p(6)["tool_use_id"], tool_use_id);
    assert_eq!(p(6)["tool_response"]["interrupted"], false);
    assert_eq!(p(7)["tool_calls"][0]["tool_use_id"], tool_use_id);
    assert_eq!(
        p(8)["last_assistant_message"],
        "TOOL_RESULT_SEEN: (Bash completed with no output)"
    );
    assert_eq!(p(9)["reason"], "prompt_input_exit");
    assert_eq!(&p(9)["prompt_id"], ask);

    // The transcript grew like the real one: both prompts and both replies.
    let lines: Vec<Value> = std::fs::read_to_string(&transcript)
        .expect("transcript written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let prompts: Vec<&Value> = lines
        .iter()
        .filter(|l| l["type"] == "user" && l["message"]["content"].is_string())
        .map(|l| &l["message"]["content"])
        .collect();
    assert_eq!(prompts, ["hello hooks", "ASK: touch approved.txt"]);
    assert!(lines.iter().all(|l| l["sessionId"] == SESSION_ID));
    let replies = lines
        .iter()
        .filter(|l| l["type"] == "assistant" && l["message"]["content"][0]["type"] == "text")
        .count();
    assert_eq!(replies, 2);
}

#[test]
fn status_line_replaces_the_hints_and_interrupts_fire_nothing() {
    let sl_log =
        "cat > sl.json; echo SL cost=$(sed 's/.*total_cost_usd.:\\([0-9.]*\\).*/\\1/' sl.json)";
    let tui = Tui::start(Some(sl_log), &[("FAKE_CLAUDE_NOTIFY_MS", "300")]);
    tui.wait_until("the status line's output is in the footer", |t| {
        t.screen().contains("\n  SL cost=0\n  ← for agents ")
    });
    assert!(
        !tui.screen().contains("? for shortcuts"),
        "{}",
        tui.screen()
    );
    tui.send("one");
    tui.wait_until("the status line shows the first turn's cost", |t| {
        t.screen().contains("  SL cost=0.017325\n")
    });
    let sl: Value = serde_json::from_str(
        &std::fs::read_to_string(tui.path("work").join("sl.json")).expect("status line stdin"),
    )
    .expect("status line JSON");
    assert_eq!(sl["session_id"], SESSION_ID);
    assert_eq!(sl["version"], "2.1.197");
    assert_eq!(sl["model"]["id"], "claude-opus-4-8[1m]");

    // Busy: no `esc to interrupt` either. Esc fires no hook and puts the prompt back.
    tui.send("long SLEEP:30");
    tui.wait_until("busy with UserPromptSubmit fired", |t| {
        t.count("UserPromptSubmit") == 2 && t.screen().contains("Moonwalking…")
    });
    assert!(
        !tui.screen().contains("esc to interrupt"),
        "{}",
        tui.screen()
    );
    tui.tmux(&["send-keys", "-t", "fk", "Escape"]);
    tui.wait_until("the prompt is back in the input box", |t| {
        t.screen().contains("❯\u{a0}long SLEEP:30")
    });
    tui.tmux(&["send-keys", "-t", "fk", "C-u"]);

    // A dialog left open: Notification permission_prompt; then "3" (No) ends the turn with no Stop.
    tui.send("ASK:");
    tui.wait_until("Notification fired", |t| t.count("Notification") == 1);
    let hooks = tui.hooks();
    let note = &hooks.last().expect("a hook").1;
    assert_eq!(note["notification_type"], "permission_prompt");
    assert_eq!(note["message"], "Claude needs your permission");
    tui.tmux(&["send-keys", "-t", "fk", "-l", "3"]);
    tui.wait_until("the refusal is on screen", |t| {
        t.screen()
            .contains("⎿  Interrupted · What should Claude do instead?")
    });
    tui.send("/exit");
    tui.wait_until("fake-claude exited", |t| t.path("rc").exists());
    assert_eq!(
        names(&tui.hooks()),
        [
            "SessionStart",
            "UserPromptSubmit",
            "Stop",
            "UserPromptSubmit",
            "UserPromptSubmit",
            "PreToolUse",
            "PermissionRequest",
            "Notification",
            "SessionEnd"
        ]
    );
}
