//! Interactive Claude Code in tmux: the real CLI (`./scripts/ensure-deps` installs it) against
//! the project's stub of the Messages API, with warren's hooks and status line.

use super::T;
use serde_json::Value;
use warren_testkit::{StubApi, Warren, claude_cli};

struct Tui {
    w: Warren,
    stub: StubApi,
    work: tempfile::TempDir,
}

impl Tui {
    /// A daemon that runs the real CLI, with `config` appended to its config file.
    fn new(config: &str) -> Self {
        let w = super::warren();
        let stub = StubApi::start(&w.bin_dir());
        let cc = w.home().join("claude-config");
        std::fs::create_dir_all(&cc).unwrap();
        std::fs::write(
            w.home().join("config.toml"),
            format!(
                "claude = {:?}\n{config}",
                claude_cli().display().to_string()
            ),
        )
        .unwrap();
        let mut w = w;
        for (k, v) in stub.claude_env(&cc) {
            w = w.env(&k, v);
        }
        Self {
            w,
            stub,
            work: crate::work_dir(),
        }
    }

    fn new_session(&self, name: &str, extra: &[&str]) -> Value {
        let mut a = vec!["new", name, "--claude", "--cwd"];
        a.push(self.work.path().to_str().unwrap());
        a.extend(extra);
        self.w.json(&a)
    }

    fn status(&self, name: &str) -> Value {
        super::status(&self.w, name)
    }

    fn state(&self, name: &str) -> String {
        self.status(name)["state"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The transitions as `from>to@signal`.
    fn transitions(&self, name: &str) -> Vec<String> {
        self.status(name)["transitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                format!(
                    "{}>{}@{}",
                    t["from"].as_str().unwrap_or("-"),
                    t["to"].as_str().unwrap(),
                    t["signal"].as_str().unwrap()
                )
            })
            .collect()
    }

    fn wait_state(&self, name: &str, state: &str) {
        self.w.wait_state(name, state, T);
    }

    /// Waits until a transition matching `pat` (`from>to@signal`) is recorded.
    fn wait_transition(&self, name: &str, pat: &str) {
        self.w.wait_until(&format!("{name} records {pat}"), T, || {
            self.transitions(name).iter().any(|t| t == pat)
        });
    }

    fn screen(&self, name: &str) -> String {
        String::from_utf8_lossy(&self.w.tmux(&["capture-pane", "-p", "-t", name]).stdout)
            .into_owned()
    }
}

#[test]
fn hooks_drive_the_status_send_is_acked_and_cost_is_reported() {
    let t = Tui::new("");
    let s = t.new_session("c", &["--seed-config"]);
    assert!(
        s["agent_session_id"]
            .as_str()
            .is_some_and(|id| id.len() == 36),
        "{s}"
    );
    t.wait_state("c", "idle");
    assert_eq!(t.status("c")["signal"], "hook:SessionStart");
    let a = t.w.json(&["send", "c", "hello one SLEEP:1"]);
    assert_eq!(a["ack"], "acked", "{a}");
    assert_eq!(a["signal"], "hook:UserPromptSubmit");
    t.wait_transition("c", "running>idle@hook:Stop");
    let tr = t.transitions("c");
    assert!(
        tr.contains(&"idle>running@hook:UserPromptSubmit".to_string()),
        "{tr:?}"
    );
    // Cost comes from the status line, turns from Stop.
    t.w.wait_until("the status line reports a cost", T, || {
        t.status("c")["cost"].as_f64().is_some_and(|c| c > 0.0)
    });
    assert_eq!(t.status("c")["turns"], 1);
    // The stub saw the prompt from the session warren chose.
    let sid = s["agent_session_id"].as_str().unwrap();
    assert!(
        t.stub
            .requests()
            .iter()
            .any(|r| r["last_user_text"] == "hello one SLEEP:1" && r["session_id"] == sid),
        "the stub never saw the prompt"
    );
    // A 100 KB multi-line prompt arrives intact (the hook reports the same text).
    let big: String = (0..1000)
        .map(|i| format!("line {i:05} {}\n", "abcdefghij".repeat(9)))
        .collect::<String>()
        + "END";
    assert!(big.len() > 100_000);
    let out = with_stdin(
        t.w.command().args(["send", "c", "-", "--json"]),
        big.as_bytes(),
    );
    let a: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(a["ack"], "acked", "{a}");
    t.w.wait_until("the stub gets the whole 100 KB prompt", T, || {
        t.stub
            .requests()
            .iter()
            .any(|r| r["last_user_text"].as_str() == Some(big.as_str()))
    });
    t.wait_state("c", "idle");
    // Two sends with one idempotency key: typed once.
    let body = br#"{"text":"only once"}"#;
    let hdr = [
        ("idempotency-key", "k-tui"),
        ("content-type", "application/json"),
    ];
    let first = crate::http::uds(t.w.home(), "POST", "/v1/sessions/c/send", &hdr, body);
    let again = crate::http::uds(t.w.home(), "POST", "/v1/sessions/c/send", &hdr, body);
    let first: Value = serde_json::from_slice(&first.body).unwrap();
    let again: Value = serde_json::from_slice(&again.body).unwrap();
    assert_eq!(first["ack"], "acked", "{first}");
    assert_eq!(
        (again["ack"].clone(), again["input"].clone()),
        (first["ack"].clone(), first["input"].clone())
    );
    t.wait_state("c", "idle");
    let typed = t
        .stub
        .requests()
        .iter()
        .filter(|r| r["last_user_text"] == "only once")
        .count();
    assert_eq!(typed, 1, "the retried key typed the text again");
    // /exit ends it: completed.
    t.w.run(&["send", "c", "/exit"]);
    t.wait_state("c", "completed");
}

fn with_stdin(cmd: &mut std::process::Command, input: &[u8]) -> std::process::Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_permission_dialog_waits_and_is_approved_or_denied() {
    let t = Tui::new("");
    t.new_session("c", &["--seed-config"]);
    t.wait_state("c", "idle");
    let a = t.w.json(&["send", "c", "BASH:touch approved.txt"]);
    assert_eq!(a["ack"], "acked", "{a}");
    t.wait_state("c", "waiting_input");
    let s = t.status("c");
    assert_eq!(s["signal"], "hook:PermissionRequest", "{s}");
    let q = &s["question"];
    assert_eq!(q["question"], "Do you want to proceed?", "{s}");
    assert_eq!(q["tool"], "Bash");
    assert_eq!(q["choices"][0], "Yes");
    assert_eq!(q["choices"].as_array().unwrap().last().unwrap(), "No");
    // Input is never typed into a dialog: it waits.
    let queued = t.w.json(&["send", "c", "after the dialog"]);
    assert_eq!(queued["ack"], "queued", "{queued}");
    assert!(
        queued["reason"].as_str().unwrap().contains("dialog"),
        "{queued}"
    );
    let r = t.w.json(&["approve", "c"]);
    assert_eq!(r["choice"], "Yes", "{r}");
    t.w.wait_until("the approved tool ran", T, || {
        t.work.path().join("approved.txt").exists()
    });
    t.wait_transition("c", "waiting_input>running@warren:approve");
    // The queued input follows at the next idle, acknowledged by its hook.
    t.w.wait_until("the queued input is typed after the turn", T, || {
        t.stub
            .requests()
            .iter()
            .any(|r| r["last_user_text"] == "after the dialog")
    });
    t.wait_state("c", "idle");
    // Deny, with a message that becomes the next prompt.
    t.w.json(&["send", "c", "BASH:touch denied.txt"]);
    t.wait_state("c", "waiting_input");
    let r =
        t.w.json(&["deny", "c", "--message", "leave the files alone"]);
    assert_eq!(r["choice"], "No", "{r}");
    t.w.wait_until("the deny message reaches the agent", T, || {
        t.stub
            .requests()
            .iter()
            .any(|r| r["last_user_text"] == "leave the files alone")
    });
    t.wait_state("c", "idle");
    assert!(!t.work.path().join("denied.txt").exists());
    assert!(
        t.transitions("c")
            .contains(&"waiting_input>idle@warren:deny".to_string()),
        "{:?}",
        t.transitions("c")
    );
    // No dialog: approve says so.
    let out = t.w.run(&["approve", "c"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("shows no dialog"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A session may not answer its own dialogs.
    let token = std::fs::read_to_string(
        t.w.home()
            .join("sessions")
            .join(t.status("c")["id"].as_str().unwrap())
            .join("env.json"),
    )
    .unwrap();
    let token: Value = serde_json::from_str(&token).unwrap();
    let out =
        t.w.command()
            .env(
                "WARREN_SESSION_TOKEN",
                token["WARREN_SESSION_TOKEN"].as_str().unwrap(),
            )
            .args(["approve", "c"])
            .output()
            .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("may not answer its own"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn interrupts_fire_no_hook_and_the_screen_recovers() {
    let t = Tui::new("");
    t.new_session("c", &["--seed-config"]);
    t.wait_state("c", "idle");
    // A person presses Escape (no hook fires): the screen brings the state back to idle.
    t.w.json(&["send", "c", "first SLEEP:30"]);
    t.wait_state("c", "running");
    t.w.ok(&["keys", "c", "Escape"]);
    t.wait_transition("c", "running>idle@screen:title-idle");
    // Claude put the prompt back into its box: the next input clears it first.
    t.w.wait_until("the interrupted prompt is back in the input box", T, || {
        t.screen("c").contains("first SLEEP:30")
    });
    let a = t.w.json(&["send", "c", "second"]);
    assert_eq!(a["ack"], "acked", "{a}");
    t.w.wait_until("the stub sees exactly the second prompt", T, || {
        t.stub
            .requests()
            .iter()
            .any(|r| r["last_user_text"] == "second")
    });
    t.wait_state("c", "idle");
    // `warren interrupt` records its own transition.
    t.w.json(&["send", "c", "third SLEEP:30"]);
    t.wait_state("c", "running");
    t.w.ok(&["interrupt", "c"]);
    t.wait_transition("c", "running>idle@warren:interrupt");
    let a = t.w.json(&["send", "c", "fourth"]);
    assert_eq!(a["ack"], "acked", "{a}");
    t.wait_state("c", "idle");
}

#[test]
fn a_turn_without_its_stop_hook_recovers_from_the_screen() {
    let t = Tui::new("claude_skip_hooks = [\"Stop\"]\n");
    t.new_session("c", &["--seed-config"]);
    t.wait_state("c", "idle");
    let a = t.w.json(&["send", "c", "no stop hook SLEEP:1"]);
    assert_eq!(a["ack"], "acked", "{a}");
    t.wait_transition("c", "running>idle@screen:title-idle");
    assert!(
        !t.transitions("c").iter().any(|x| x.ends_with("@hook:Stop")),
        "{:?}",
        t.transitions("c")
    );
}

#[test]
fn first_start_dialogs_wait_for_an_answer_unless_seeded() {
    let t = Tui::new("");
    // Onboarding done (offline, the onboarding screen would exit), nothing else.
    std::fs::write(
        t.w.home().join("claude-config/.claude.json"),
        r#"{"hasCompletedOnboarding": true}"#,
    )
    .unwrap();
    t.new_session("c", &[]);
    t.wait_state("c", "waiting_input");
    let s = t.status("c");
    assert_eq!(s["question"]["kind"], "trust", "{s}");
    assert!(
        s["question"]["text"]
            .as_str()
            .unwrap()
            .contains("trust this folder"),
        "{s}"
    );
    let q = t.w.json(&["send", "c", "not into a dialog"]);
    assert_eq!(q["ack"], "queued", "{q}");
    t.w.json(&["approve", "c"]);
    t.w.wait_until("the API key question", T, || {
        t.status("c")["question"]["kind"] == "api_key"
    });
    let r = t.w.json(&["approve", "c"]);
    assert_eq!(r["choice"], "Yes", "{r}");
    t.wait_transition("c", "starting>idle@hook:SessionStart");
    // The input queued during the dialogs arrives once it is idle.
    t.w.wait_until("the queued input reaches the agent", T, || {
        t.stub
            .requests()
            .iter()
            .any(|r| r["last_user_text"] == "not into a dialog")
    });
    // Seeded: a second session in another folder goes straight to idle.
    let other = crate::work_dir();
    t.w.json(&[
        "new",
        "d",
        "--claude",
        "--seed-config",
        "--cwd",
        other.path().to_str().unwrap(),
    ]);
    t.wait_state("d", "idle");
    assert!(
        !t.transitions("d")
            .iter()
            .any(|x| x.contains("waiting_input")),
        "{:?}",
        t.transitions("d")
    );
}

#[test]
fn a_headless_conversation_is_taken_over_in_tmux_and_handed_back() {
    let t = Tui::new("");
    let dir = t.work.path().to_str().unwrap().to_string();
    let s = t.w.json(&[
        "spawn",
        "h",
        "--prompt",
        "from headless",
        "--work-dir",
        &dir,
    ]);
    assert_eq!(s["turn"]["response"], "ECHO: from headless", "{s}");
    let tui = t.w.json(&["takeover", "h", "--no-attach"]);
    assert_eq!(tui["name"], "h-tui", "{tui}");
    assert_eq!(t.state("h"), "stopped", "the headless agent stops first");
    t.wait_state("h-tui", "idle");
    // While taken over, the headless session takes no input (one process per conversation).
    let out = t.w.run(&["send", "h", "not now"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("taken over"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a = t.w.json(&["send", "h-tui", "in tmux RECALL"]);
    assert_eq!(a["ack"], "acked", "{a}");
    t.w.wait_until("the interactive agent recalls the headless turn", T, || {
        t.stub.requests().iter().any(|r| {
            r["last_user_text"] == "in tmux RECALL"
                && r["user_texts"]
                    .as_array()
                    .is_some_and(|u| u.iter().any(|x| x == "from headless"))
        })
    });
    t.wait_state("h-tui", "idle");
    let back = t.w.json(&["handback", "h"]);
    assert_ne!(back["state"], "stopped", "{back}");
    assert_eq!(
        t.state("h-tui"),
        "completed",
        "the interactive agent quit cleanly"
    );
    let r = t.w.json(&["send", "h", "back headless RECALL"]);
    let resp = r["response"].as_str().unwrap_or_default();
    assert!(
        resp.contains("from headless") && resp.contains("in tmux RECALL"),
        "history is intact both ways: {r}"
    );
    // A busy interactive agent is not handed back.
    t.w.json(&["takeover", "h", "--no-attach"]);
    t.wait_state("h-tui", "idle");
    t.w.json(&["send", "h-tui", "busy SLEEP:30"]);
    t.wait_state("h-tui", "running");
    let out = t.w.run(&["handback", "h"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("hand back when it is idle"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fake TUI (it fires the same hooks) for the daemon-restart cases.
fn fake() -> (Warren, tempfile::TempDir) {
    let w = super::warren();
    let cc = w.home().join("claude-config");
    std::fs::write(
        w.home().join("config.toml"),
        format!("claude = {:?}\n", w.fake_claude().display().to_string()),
    )
    .unwrap();
    let w = w.env("CLAUDE_CONFIG_DIR", &cc);
    (w, crate::work_dir())
}

#[test]
fn an_input_cut_short_by_a_daemon_crash_is_never_typed_again() {
    let (w, work) = fake();
    w.ok(&[
        "new",
        "c",
        "--claude",
        "--cwd",
        work.path().to_str().unwrap(),
    ]);
    w.wait_state("c", "idle", T);
    std::fs::write(w.home().join("fault.input-typing"), b"").unwrap();
    // The daemon dies after storing `typing` and before the first key.
    let _ = w.run(&["send", "c", "lost in the crash"]);
    w.wait_until("the restarted daemon settles the input", T, || {
        w.ok(&["events", "--session", "c", "--types", "input"])
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .any(|e| {
                e["ack"] == "failed"
                    && e["reason"]
                        .as_str()
                        .is_some_and(|r| r.contains("unknown_after_restart"))
            })
    });
    assert!(
        !w.home().join("fault.input-typing").exists(),
        "the fault fired"
    );
    let screen =
        String::from_utf8_lossy(&w.tmux(&["capture-pane", "-p", "-t", "c"]).stdout).into_owned();
    assert!(
        !screen.contains("lost in the crash"),
        "typed after all:\n{screen}"
    );
    // The session goes on: the next input is acked.
    let a = w.json(&["send", "c", "after the crash"]);
    assert_eq!(a["ack"], "acked", "{a}");
}

#[test]
fn hooks_fired_while_the_daemon_was_down_are_replayed() {
    let (w, work) = fake();
    w.ok(&[
        "new",
        "c",
        "--claude",
        "--cwd",
        work.path().to_str().unwrap(),
    ]);
    w.wait_state("c", "idle", T);
    w.ok(&["daemon", "stop"]);
    // A person types while warren is away: the hooks go to hooks.jsonl.
    w.tmux(&["send-keys", "-t", "c", "-l", "typed while away"]);
    w.tmux(&["send-keys", "-t", "c", "Enter"]);
    let id = std::fs::read_dir(w.home().join("sessions"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    w.wait_until("the Stop hook is spooled", T, || {
        std::fs::read_to_string(id.join("hooks.jsonl")).is_ok_and(|t| t.contains("\"Stop\""))
    });
    // The daemon starts again (any command); the session's actor replays the spool.
    w.ok(&["ls"]);
    w.wait_until("the replayed hooks drive the state", T, || {
        super::status(&w, "c")["transitions"]
            .as_array()
            .is_some_and(|t| t.iter().any(|x| x["signal"] == "hook:UserPromptSubmit"))
    });
    let events = w.ok(&["events", "--session", "c", "--types", "hook"]);
    assert!(
        events
            .lines()
            .any(|l| l.contains("\"replayed\":true") && l.contains("UserPromptSubmit")),
        "{events}"
    );
    assert!(!id.join("hooks.jsonl").exists(), "the spool is consumed");
}

#[test]
fn cost_limits_end_the_session_and_no_progress_is_stuck() {
    let (w, work) = fake();
    let cwd = work.path().to_str().unwrap();
    // The fake's status line adds $0.017325 per answered prompt.
    w.ok(&["new", "c", "--claude", "--cwd", cwd, "--max-cost", "0.03"]);
    w.wait_state("c", "idle", T);
    assert_eq!(w.json(&["send", "c", "one"])["ack"], "acked");
    w.wait_state("c", "idle", T);
    w.json(&["send", "c", "two"]);
    w.wait_state("c", "killed", T);
    let st = super::status(&w, "c");
    assert_eq!(st["signal"], "warren:limit", "{st}");
    assert!(st["cost"].as_f64().unwrap() >= 0.03, "{st}");
    let v = w.ok(&["events", "--session", "c", "--types", "violation"]);
    assert!(v.contains("max_cost"), "{v}");
    // Busy with no hook and no transcript growth past the threshold: stuck, not killed.
    std::fs::write(
        w.home().join("config.toml"),
        format!(
            "claude = {:?}\nstuck_after_secs = 1\n",
            w.fake_claude().display().to_string()
        ),
    )
    .unwrap();
    w.ok(&["daemon", "restart"]);
    w.ok(&["new", "s", "--claude", "--cwd", cwd]);
    w.wait_state("s", "idle", T);
    w.json(&["send", "s", "long SLEEP:30"]);
    w.wait_state("s", "stuck", T);
    let st = super::status(&w, "s");
    assert_eq!(st["signal"], "warren:progress", "{st}");
    assert!(
        st["detail"].as_str().unwrap().contains("no hook event"),
        "{st}"
    );
    // A hook is progress again: an interrupt and a new prompt bring it back.
    w.ok(&["interrupt", "s"]);
    w.wait_state("s", "idle", T);
}
