//! Headless sessions with the fake stream-json agent: the verbs, the safety net, the
//! watchdog, faults, identity. Each test has its own warren, work dir and Claude config dir.

use super::T;
use serde_json::Value;
use std::path::{Path, PathBuf};
use warren_testkit::Warren;

/// A warren whose `claude` is the fake stream agent, with a work dir and a config dir.
pub struct Agent {
    pub w: Warren,
    pub work: tempfile::TempDir,
}

impl Agent {
    pub fn new() -> Self {
        let w = super::warren();
        let fake = w.fake_claude_stream();
        let work = crate::work_dir();
        let cc = w.home().join("claude-config");
        let w = w.env("WARREN_CLAUDE", fake).env("CLAUDE_CONFIG_DIR", &cc);
        Self { w, work }
    }

    pub fn dir(&self) -> &Path {
        self.work.path()
    }

    fn with_dir<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let mut a = args.to_vec();
        if matches!(a.first(), Some(&"spawn") | Some(&"delegate")) {
            a.extend(["--work-dir", self.work.path().to_str().unwrap()]);
        }
        a
    }

    /// Runs a verb (spawn and delegate in the work dir) and parses its JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        self.w.json(&self.with_dir(args))
    }

    /// Runs a verb that may exit non-zero (a turn that did not complete) and parses its JSON.
    pub fn json_any(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        let (_, out, err) = self.run(&a);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{a:?}: not JSON ({e}): {out}\n{err}"))
    }

    /// Runs a verb; answers (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.w.run(&self.with_dir(args));
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn state(&self, name: &str) -> String {
        super::status(&self.w, name)["state"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn wait_state(&self, name: &str, state: &str) {
        self.w.wait_until(&format!("{name} is {state}"), T, || {
            self.state(name) == state
        });
    }

    pub fn history(&self, name: &str) -> Value {
        self.w.json(&["history", name])
    }

    /// The session's stored events of one type.
    pub fn events(&self, name: &str, types: &str) -> Vec<Value> {
        self.w
            .ok(&["events", "--session", name, "--types", types])
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    pub fn session_dir(&self, name: &str) -> PathBuf {
        let id = super::status(&self.w, name)["id"]
            .as_str()
            .unwrap()
            .to_string();
        self.w.home().join("sessions").join(id)
    }
}

fn turn(v: &Value) -> &Value {
    if v.get("turn").is_some() {
        &v["turn"]
    } else {
        v
    }
}

#[test]
fn spawn_and_two_sends_keep_context_with_cost_per_interaction() {
    let a = Agent::new();
    let s = a.json(&["spawn", "--name", "t", "--prompt", "first message"]);
    assert_eq!(turn(&s)["response"], "ECHO: first message");
    assert_eq!(turn(&s)["status"], "completed");
    assert!(turn(&s)["cost"].as_f64().unwrap() > 0.0, "{s}");
    assert!(
        turn(&s)["sessionId"]
            .as_str()
            .is_some_and(|id| id.len() == 36),
        "{s}"
    );
    let r = a.json(&["send", "--name", "t", "--message", "second RECALL"]);
    assert_eq!(r["response"], "RECALL: first message");
    assert_eq!(r["ack"], "acked");
    let h = a.history("t");
    let items = h["interactions"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|i| i["cost"].as_f64().unwrap() > 0.0 && i["status"] == "completed")
    );
    let total: f64 = items.iter().map(|i| i["cost"].as_f64().unwrap()).sum();
    assert!((h["total_cost"].as_f64().unwrap() - total).abs() < 1e-9);
    let st = super::status(&a.w, "t");
    assert_eq!(st["state"], "idle");
    assert_eq!(st["kind"], "headless");
    assert_eq!(st["headless"]["interactions"], 2);
    assert!(
        (st["cost"].as_f64().unwrap() - total).abs() < 1e-9,
        "status shows the total: {st}"
    );
    // The plain-text forms: output is the last response, --full the conversation.
    let (_, out, _) = a.run(&["output", "--name", "t"]);
    assert_eq!(out.trim(), "RECALL: first message");
    let (_, full, _) = a.run(&["output", "t", "--full"]);
    assert!(
        full.contains("❯ first message") && full.contains("● RECALL: first message"),
        "{full}"
    );
    let (_, raw, _) = a.run(&["output", "t", "--raw"]);
    assert!(
        raw.lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok()),
        "--raw is the JSON lines"
    );
    // Events carry the typed stream.
    let kinds: Vec<String> = a
        .events("t", "agent")
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    for k in ["init", "user", "text", "result"] {
        assert!(kinds.iter().any(|x| x == k), "no {k} event in {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|k| *k == "result").count(), 2);
}

#[test]
fn stop_then_send_resumes_and_fork_keeps_the_conversation() {
    let a = Agent::new();
    a.json(&["spawn", "t", "--prompt", "alpha"]);
    let st = a.json(&["stop", "--name", "t"]);
    assert_eq!(st["state"], "stopped");
    let agent_id = st["headless"]["agent_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    // send auto-resumes a stopped session, from its cwd and config dir.
    let r = a.json(&["send", "t", "beta RECALL"]);
    assert_eq!(r["response"], "RECALL: alpha");
    assert_eq!(
        r["sessionId"],
        agent_id.as_str(),
        "resume keeps the agent's session"
    );
    a.json(&["stop", "t"]);
    let r = a.json(&["resume", "--name", "t", "--message", "gamma RECALL"]);
    assert_eq!(r["response"], "RECALL: alpha | beta RECALL");
    // A fork sees the history and goes its own way.
    let f = a.json(&[
        "fork",
        "--name",
        "t",
        "--new-name",
        "t2",
        "--message",
        "fork RECALL",
    ]);
    assert_eq!(
        turn(&f)["response"],
        "RECALL: alpha | beta RECALL | gamma RECALL"
    );
    assert_ne!(
        turn(&f)["sessionId"],
        agent_id.as_str(),
        "a fork has its own agent session"
    );
    let r = a.json(&["send", "t", "delta RECALL"]);
    assert!(
        !r["response"].as_str().unwrap().contains("fork"),
        "the parent does not see the fork: {r}"
    );
    // Into another work dir: the transcript is carried over.
    let other = crate::work_dir();
    let f = a.json(&[
        "fork",
        "t",
        "--new-name",
        "t3",
        "--work-dir",
        other.path().to_str().unwrap(),
        "--message",
        "x RECALL",
    ]);
    assert!(
        turn(&f)["response"]
            .as_str()
            .unwrap()
            .starts_with("RECALL: alpha"),
        "{f}"
    );
    assert_eq!(f["session"]["cwd"], other.path().to_str().unwrap());
}

#[test]
fn garbage_lines_become_raw_events_and_the_session_lives_on() {
    let a = Agent::new();
    let s = a.json(&["spawn", "t", "--prompt", "GARBAGE please"]);
    assert_eq!(turn(&s)["status"], "completed");
    let raws: Vec<Value> = a
        .events("t", "agent")
        .into_iter()
        .filter(|e| e["kind"] == "raw")
        .collect();
    assert!(
        raws.len() >= 3,
        "each bad line is kept as raw text: {raws:?}"
    );
    assert!(raws.iter().any(|e| e["text"] == "this is not json"));
    let r = a.json(&["send", "t", "still here?"]);
    assert_eq!(r["response"], "ECHO: still here?");
}

#[test]
fn a_crash_mid_turn_fails_the_turn_with_stderr_and_can_be_resumed() {
    let a = Agent::new();
    a.json(&["spawn", "t", "--prompt", "one"]);
    let (code, _, _) = a.run(&["send", "t", "CRASH now"]);
    assert_eq!(code, 1, "a failed turn exits 1");
    let st = super::status(&a.w, "t");
    assert_eq!(st["state"], "failed");
    assert!(
        st["detail"].as_str().unwrap().contains("fake crash"),
        "stderr is in detail: {st}"
    );
    let last = a.history("t")["interactions"][1].clone();
    assert_eq!(last["status"], "failed");
    assert!(
        last["errors"][0].as_str().unwrap().contains("exit 3"),
        "{last}"
    );
    let r = a.json(&["send", "t", "back RECALL"]);
    assert_eq!(r["response"], "RECALL: one | CRASH now");
}

#[test]
fn the_watchdog_kills_a_hung_agent_and_says_why() {
    let a = Agent::new();
    let (code, _, _) = a.run(&["spawn", "t", "--prompt", "HANG", "--watchdog", "1s"]);
    assert_eq!(code, 1);
    let st = super::status(&a.w, "t");
    assert_eq!(st["state"], "stuck");
    assert!(
        st["detail"].as_str().unwrap().contains("no output for 1s"),
        "{st}"
    );
    let v = a.events("t", "violation");
    assert_eq!(v[0]["type"], "violation");
    assert_eq!(v[0]["kind"], "watchdog");
    assert!(
        v.iter()
            .any(|v| v["message"].as_str().unwrap().contains("no output")),
        "{v:?}"
    );
}

#[test]
fn a_long_tool_is_timed_by_the_tool_timeout_not_the_watchdog() {
    let a = Agent::new();
    let s = a.json(&[
        "spawn",
        "t",
        "--prompt",
        "BASH:sleep 3",
        "--permission-mode",
        "acceptEdits",
        "--watchdog",
        "1s",
        "--tool-timeout",
        "30s",
    ]);
    assert_eq!(turn(&s)["status"], "completed", "{s}");
    assert_eq!(a.state("t"), "idle");
}

#[test]
fn max_turns_breach_interrupts_records_and_stops() {
    let a = Agent::new();
    let (code, _, _) = a.run(&[
        "spawn",
        "t",
        "--prompt",
        "LOOP",
        "--max-turns",
        "3",
        "--permission-mode",
        "acceptEdits",
    ]);
    assert_eq!(code, 1);
    a.wait_state("t", "killed");
    let st = super::status(&a.w, "t");
    assert_eq!(st["signal"], "warren:limit");
    assert!(
        st["detail"].as_str().unwrap().contains("limit of 3"),
        "{st}"
    );
    let h = a.history("t");
    assert_eq!(h["interactions"][0]["status"], "turns_exceeded");
    assert!(
        a.events("t", "violation")
            .iter()
            .any(|v| v["kind"] == "max_turns" && v["message"].as_str().unwrap().contains("turns"))
    );
}

#[test]
fn max_cost_found_at_the_result_outranks_completed() {
    let a = Agent::new();
    let s = a.json_any(&["spawn", "t", "--prompt", "hi", "--max-cost", "0.001"]);
    assert_eq!(turn(&s)["status"], "cost_exceeded", "{s}");
    a.wait_state("t", "killed");
    // --max-budget is the same limit.
    let s = a.json_any(&["spawn", "u", "--prompt", "hi", "--max-budget", "0.001"]);
    assert_eq!(turn(&s)["status"], "cost_exceeded", "{s}");
}

#[test]
fn max_time_per_interaction_interrupts_a_slow_turn() {
    let a = Agent::new();
    let s = a.json_any(&["spawn", "t", "--prompt", "SLEEP:30", "--max-time", "1s"]);
    assert_eq!(turn(&s)["status"], "time_exceeded", "{s}");
    assert!(turn(&s)["duration"].as_u64().unwrap() < 20_000);
}

#[test]
fn interrupt_ends_the_turn_and_the_next_one_works() {
    let a = Agent::new();
    a.json(&["spawn", "t"]);
    let r = a.json(&["send", "t", "SLEEP:30", "--no-wait"]);
    assert_eq!(r["ack"], "acked", "{r}");
    a.wait_state("t", "running");
    a.json(&["interrupt", "t"]);
    a.wait_state("t", "idle");
    assert_eq!(a.history("t")["interactions"][0]["status"], "interrupted");
    let r = a.json(&["send", "t", "after"]);
    assert_eq!(r["response"], "ECHO: after");
}

#[test]
fn pause_holds_input_until_resume() {
    let a = Agent::new();
    a.json(&["spawn", "t", "--prompt", "one"]);
    let st = a.json(&["pause", "--name", "t"]);
    assert_eq!(st["state"], "paused");
    let r = a.json(&["send", "t", "held RECALL", "--no-wait"]);
    assert_eq!(r["ack"], "queued", "{r}");
    assert_eq!(a.history("t")["interactions"][1]["status"], "queued");
    a.json(&["resume", "t"]);
    a.w.wait_until("the held message was answered", T, || {
        a.history("t")["interactions"][1]["status"] == "completed"
    });
    assert_eq!(a.history("t")["interactions"][1]["response"], "RECALL: one");
}

#[test]
fn a_daemon_restart_mid_turn_loses_and_duplicates_nothing() {
    let a = Agent::new();
    a.json(&["spawn", "t"]);
    a.json(&["send", "t", "SLEEP:2 across a restart", "--no-wait"]);
    a.wait_state("t", "running");
    let pid = a.w.daemon_pid().unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    a.w.wait_until("the old daemon is gone", T, || !warren_testkit::alive(pid));
    // The next command starts a daemon, which picks the session up from its holder.
    a.w.wait_until("the turn finished after the restart", T, || {
        a.history("t")["interactions"][0]["status"] == "completed"
    });
    let results = a
        .events("t", "agent")
        .into_iter()
        .filter(|e| e["kind"] == "result")
        .count();
    assert_eq!(results, 1, "one result event, not lost, not doubled");
    let r = a.json(&["send", "t", "after RECALL"]);
    assert_eq!(r["response"], "RECALL: SLEEP:2 across a restart");
}

#[test]
fn protected_paths_are_reported_and_strict_denies() {
    let a = Agent::new();
    a.json(&[
        "spawn",
        "t",
        "--prompt",
        "BASH:cat .env",
        "--permission-mode",
        "acceptEdits",
    ]);
    let v = a.events("t", "violation");
    assert!(
        v.iter()
            .any(|v| v["kind"] == "protected_path"
                && v["message"].as_str().unwrap().contains(".env")),
        "{v:?}"
    );
    std::fs::write(a.dir().join("secret.txt"), "s3cret").unwrap();
    let s = a.json(&[
        "spawn",
        "u",
        "--prompt",
        "BASH:cat secret.txt",
        "--permission-mode",
        "bypassPermissions",
        "--protect",
        "secret.txt",
        "strict",
    ]);
    let resp = turn(&s)["response"].as_str().unwrap().to_string();
    assert!(
        !resp.contains("s3cret"),
        "strict must stop the tool: {resp}"
    );
    assert!(resp.contains("protected"), "the agent sees why: {resp}");
}

#[test]
fn delegate_answers_the_seed_shape_and_continue_corrects() {
    let a = Agent::new();
    let r = a.json(&[
        "delegate",
        "--name",
        "d",
        "--task",
        "do it",
        "--context",
        "ctx",
    ]);
    for k in [
        "status",
        "response",
        "cost",
        "turns",
        "duration",
        "sessionId",
        "name",
        "canContinue",
        "toolsUsed",
        "safety",
        "error",
    ] {
        assert!(r.get(k).is_some(), "delegate result lacks {k}: {r}");
    }
    assert_eq!(r["status"], "completed");
    assert_eq!(r["canContinue"], true);
    assert_eq!(r["safety"]["limits"]["maxCostUsd"], 2.0);
    assert_eq!(r["safety"]["limits"]["maxTurns"], 50);
    assert!(
        r["response"].as_str().unwrap().contains("ctx"),
        "context comes before the task: {r}"
    );
    let c = a.json(&["continue", "--name", "d", "--message", "fix RECALL"]);
    assert_eq!(c["status"], "completed");
    assert!(c["response"].as_str().unwrap().starts_with("RECALL: ctx"));
    // needs_input: the turn ended with a permission denial.
    let n = a.json(&["delegate", "n", "--task", "ASK", "--preset", "read-only"]);
    assert_eq!(n["status"], "needs_input", "{n}");
    // no-safety: no limits at all.
    let f = a.json(&["delegate", "f", "--task", "go", "--no-safety"]);
    assert!(f["safety"]["limits"]["maxCostUsd"].is_null(), "{f}");
    a.json(&["finish", "--name", "d"]);
    assert_eq!(a.state("d"), "completed");
    let ab = a.json(&["abort", "--name", "f"]);
    assert_eq!(ab["state"], "killed");
}

#[test]
fn delete_refuses_a_live_session_and_removes_an_ended_one() {
    let a = Agent::new();
    a.json(&["spawn", "t", "--prompt", "x"]);
    let (code, _, err) = a.run(&["delete", "--name", "t"]);
    assert_eq!(code, 64, "409 → usage exit: {err}");
    assert!(err.contains("stop or kill it first"), "{err}");
    a.json(&["stop", "t"]);
    a.json(&["delete", "t"]);
    let (code, _, _) = a.run(&["status", "t"]);
    assert_eq!(code, 2, "gone");
}

#[test]
fn batch_spawns_in_parallel_with_progress() {
    let a = Agent::new();
    let file = a.dir().join("tasks.json");
    std::fs::write(
        &file,
        r#"[{"name":"b1","prompt":"one"},{"name":"b2","prompt":"two","model":"haiku"},{"name":"b3","prompt":"three"}]"#,
    )
    .unwrap();
    let (code, _, err) = a.run(&["batch", "--file", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3/3 done"), "progress display: {err}");
    for (n, p) in [("b1", "one"), ("b2", "two"), ("b3", "three")] {
        assert_eq!(
            a.history(n)["interactions"][0]["response"],
            format!("ECHO: {p}")
        );
    }
    let (code, _, err) = a.run(&["batch", "--file", "/nonexistent.json"]);
    assert_eq!(code, 64, "{err}");
}

#[test]
fn identity_tokens_stop_a_session_from_lifting_its_limits_or_ending_its_parent() {
    let a = Agent::new();
    a.json(&["spawn", "parent", "--prompt", "p", "--max-cost", "1"]);
    let env: Value = serde_json::from_str(
        &std::fs::read_to_string(a.session_dir("parent").join("env.json")).unwrap(),
    )
    .unwrap();
    let token = env["WARREN_SESSION_TOKEN"].as_str().unwrap().to_string();
    let as_parent = |args: &[&str]| {
        let out =
            a.w.command()
                .env("WARREN_SESSION_TOKEN", &token)
                .args(args)
                .output()
                .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = as_parent(&["limits", "parent", "--max-cost", "100"]);
    assert_eq!(code, 64, "raising its own limit is refused: {err}");
    assert!(err.contains("may not raise"), "{err}");
    let (code, err) = as_parent(&["limits", "parent", "--max-cost", "0.5"]);
    assert_eq!(code, 0, "lowering is fine: {err}");
    // A child it spawns is its child, with a budget out of its own.
    let (code, err) = as_parent(&[
        "spawn",
        "child",
        "--prompt",
        "c",
        "--max-cost",
        "9",
        "--work-dir",
        a.dir().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let child = super::status(&a.w, "child");
    assert_eq!(child["headless"]["parent"], "parent");
    assert_eq!(child["headless"]["depth"], 1);
    assert!(child["headless"]["limits"]["max_cost"].as_f64().unwrap() <= 0.5);
    // The child may not end its parent.
    let cenv: Value = serde_json::from_str(
        &std::fs::read_to_string(a.session_dir("child").join("env.json")).unwrap(),
    )
    .unwrap();
    let ctoken = cenv["WARREN_SESSION_TOKEN"].as_str().unwrap().to_string();
    let out =
        a.w.command()
            .env("WARREN_SESSION_TOKEN", &ctoken)
            .args(["kill", "parent"])
            .output()
            .unwrap();
    assert_eq!(
        out.status.code(),
        Some(64),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(a.state("parent"), "killed");
    // A person may.
    a.json(&["limits", "parent", "--max-cost", "100"]);
    // An unknown token is refused outright.
    let out =
        a.w.command()
            .env("WARREN_SESSION_TOKEN", "deadbeef")
            .args(["ls"])
            .output()
            .unwrap();
    assert_eq!(out.status.code(), Some(0), "reads are fine");
    let out =
        a.w.command()
            .env("WARREN_SESSION_TOKEN", "deadbeef")
            .args(["kill", "child"])
            .output()
            .unwrap();
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn bad_input_gets_clear_errors_and_stores_nothing() {
    let a = Agent::new();
    let cases: &[(&[&str], &str)] = &[
        (&["spawn", "bad name!", "--prompt", "x"], "name"),
        (&["spawn", "t", "--preset", "yolo"], "preset"),
        (
            &["spawn", "t", "--permission-mode", "sudo"],
            "permission_mode",
        ),
        (&["spawn", "t", "--max-cost=-1"], "max_cost"),
        (&["send", "nope", "hi"], "no session"),
        (&["history", "nope"], "no session"),
        (&["resume", "nope"], "no session"),
    ];
    for (args, needle) in cases {
        let (code, _, err) = a.run(args);
        assert_ne!(code, 0, "{args:?} succeeded");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let (code, _, err) = a.run(&["spawn", "t", "--work-dir", "/nonexistent"]);
    assert_eq!(code, 64, "{err}");
    assert_eq!(
        a.run(&["status", "t"]).0,
        2,
        "refused requests leave no session behind"
    );
    // A program that cannot start: the error says so, and the record says why (`failed`).
    let (code, _, err) = a.run(&["spawn", "t", "--program", "/nonexistent/agent"]);
    assert_eq!(code, 64, "{err}");
    assert!(err.contains("cannot start /nonexistent/agent"), "{err}");
    let st = super::status(&a.w, "t");
    assert_eq!(st["state"], "failed");
    assert!(
        st["detail"].as_str().unwrap().contains("cannot start"),
        "{st}"
    );
    // tmux verbs on a headless session, and headless verbs on a tmux one, say so.
    a.json(&["spawn", "h"]);
    let (code, _, err) = a.run(&["keys", "h", "Enter"]);
    assert_ne!(code, 0);
    assert!(err.contains("headless"), "{err}");
    a.w.ok(&["new", "sh", "--shell"]);
    let (code, _, err) = a.run(&["history", "sh"]);
    assert_ne!(code, 0);
    assert!(err.contains("tmux"), "{err}");
}

#[test]
fn tail_shows_the_conversation() {
    let a = Agent::new();
    a.json(&[
        "spawn",
        "t",
        "--prompt",
        "BASH:echo tool-ok",
        "--permission-mode",
        "acceptEdits",
    ]);
    let (_, out, _) = a.run(&["tail", "t", "-n", "50"]);
    assert!(out.contains("⚙ Bash(echo tool-ok)"), "{out}");
    assert!(out.contains("⎿ tool-ok"), "{out}");
    assert!(out.contains("● TOOL_RESULT_SEEN"), "{out}");
    assert!(out.contains("✻ done"), "{out}");
}

#[test]
fn cleanup_days_removes_ended_sessions() {
    let a = Agent::new();
    a.json(&["spawn", "t", "--prompt", "x"]);
    a.json(&["kill", "t"]);
    let (code, out, err) = a.run(&["cleanup", "--days", "0", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"t\""), "{out}");
    assert_eq!(a.run(&["status", "t"]).0, 2, "its record is gone");
}

#[test]
fn spawn_tmux_makes_an_interactive_claude() {
    let w = super::warren();
    let fake = w.fake_claude();
    let w = w.env("WARREN_CLAUDE", fake);
    let s = w.json(&["spawn", "i", "--tmux", "--prompt", "hello tui"]);
    assert_eq!(s["kind"], "tmux");
    assert_eq!(s["profile"], "claude");
    w.wait_until("the prompt was answered on screen", T, || {
        w.ok(&["output", "i"]).contains("ECHO: hello tui")
    });
}

#[test]
fn an_agent_that_died_while_the_daemon_was_down_is_stopped_and_resumable() {
    let a = Agent::new();
    a.json(&["spawn", "t", "--prompt", "before"]);
    let dir = a.session_dir("t");
    let info: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("holder.json")).unwrap()).unwrap();
    a.w.ok(&["daemon", "stop"]);
    let child = nix::unistd::Pid::from_raw(info["child_pid"].as_i64().unwrap() as i32);
    nix::sys::signal::killpg(child, nix::sys::signal::Signal::SIGKILL).unwrap();
    a.w.wait_until("the holder saw its agent die", T, || {
        dir.join("exit.json").exists()
    });
    let st = super::status(&a.w, "t");
    assert_eq!(st["state"], "stopped", "{st}");
    assert_eq!(st["signal"], "reconcile");
    assert!(
        st["detail"].as_str().unwrap().contains("not watching"),
        "{st}"
    );
    let r = a.json(&["send", "t", "after RECALL"]);
    assert_eq!(r["response"], "RECALL: before");
}

#[test]
fn spawn_stop_answers_then_stops_resumably() {
    let a = Agent::new();
    let s = a.json(&["spawn", "t", "--prompt", "one shot", "--stop"]);
    assert_eq!(turn(&s)["response"], "ECHO: one shot");
    a.wait_state("t", "stopped");
    let r = a.json(&["send", "t", "more RECALL", "--stop"]);
    assert_eq!(r["response"], "RECALL: one shot");
    a.wait_state("t", "stopped");
}

#[test]
fn a_retried_send_with_the_same_key_is_one_interaction() {
    let a = Agent::new();
    a.json(&["spawn", "t"]);
    let body = br#"{"text":"only once SLEEP:0.3"}"#;
    let hdr = [
        ("idempotency-key", "k-123"),
        ("content-type", "application/json"),
    ];
    let first = crate::http::uds(a.w.home(), "POST", "/v1/sessions/t/send", &hdr, body);
    let again = crate::http::uds(a.w.home(), "POST", "/v1/sessions/t/send", &hdr, body);
    assert_eq!(
        first.status,
        200,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    assert_eq!(
        first.body, again.body,
        "the retry answers what the first got"
    );
    assert_eq!(a.history("t")["interactions"].as_array().unwrap().len(), 1);
}

#[test]
fn sessions_nest_only_as_deep_as_configured() {
    let w = super::warren();
    let fake = w.fake_claude_stream();
    let a = Agent {
        w: w.env("WARREN_CLAUDE", fake).env("WARREN_MAX_DEPTH", "1"),
        work: crate::work_dir(),
    };
    a.json(&["spawn", "top"]);
    let token_of = |name: &str| {
        let env: Value = serde_json::from_str(
            &std::fs::read_to_string(a.session_dir(name).join("env.json")).unwrap(),
        )
        .unwrap();
        env["WARREN_SESSION_TOKEN"].as_str().unwrap().to_string()
    };
    let dir = a.dir().to_str().unwrap().to_string();
    let spawn_from = |parent: &str, name: &str| {
        a.w.command()
            .env("WARREN_SESSION_TOKEN", token_of(parent))
            .args(["spawn", name, "--work-dir", &dir])
            .output()
            .unwrap()
    };
    assert!(spawn_from("top", "child").status.success());
    let out = spawn_from("child", "grandchild");
    assert_eq!(out.status.code(), Some(64));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nest 1 deep"),
        "{out:?}"
    );
}

#[test]
fn interrupt_presses_escape_for_interactive_claude() {
    let w = super::warren();
    let fake = w.fake_claude();
    let w = w.env("WARREN_CLAUDE", fake);
    w.json(&["spawn", "i", "--tmux"]);
    w.ok(&["send", "i", "think hard SLEEP:30"]);
    w.wait_state("i", "running", T);
    w.ok(&["interrupt", "i"]);
    w.wait_state("i", "idle", T);
}

#[test]
fn tmux_sessions_keep_time_limits_and_refuse_the_others() {
    let w = super::warren();
    let fake = w.fake_claude();
    let w = w.env("WARREN_CLAUDE", fake);
    // Over its total time, a session is killed by the safety net.
    w.ok(&["new", "sh", "--shell", "--max-total-time", "2s"]);
    w.wait_state("sh", "killed", T);
    let st = super::status(&w, "sh");
    assert_eq!(st["signal"], "warren:limit", "{st}");
    assert!(st["detail"].as_str().unwrap().contains("in all"), "{st}");
    // An interaction over its time is interrupted (Escape for Claude Code); the session goes on.
    w.json(&["spawn", "c", "--tmux", "--max-time", "1s"]);
    w.ok(&["send", "c", "think SLEEP:30"]);
    w.wait_state("c", "running", T);
    w.wait_state("c", "idle", T);
    let v: Vec<Value> = w
        .ok(&["events", "--session", "c", "--types", "violation"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(v.iter().any(|v| v["kind"] == "max_time"), "{v:?}");
    assert_eq!(super::status(&w, "c")["limits"]["max_time_secs"], 1);
    // Limits change on a live tmux session.
    w.ok(&["new", "sh2", "--shell"]);
    w.ok(&["limits", "sh2", "--max-total-time", "1s"]);
    w.wait_state("sh2", "killed", T);
    // Protected paths need every tool call: refused for tmux sessions, nothing made. (Cost
    // and turns are kept for Claude Code, from its status line and Stop hooks.)
    let out = w.run(&["spawn", "c2", "--tmux", "--protect", ".env"]);
    assert_eq!(out.status.code(), Some(64));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot keep"),
        "{out:?}"
    );
    assert_eq!(w.code(&["status", "c2"]), 2);
}
