//! Headless sessions with the real Claude Code CLI (npm `@anthropic-ai/claude-code`, installed
//! by `./scripts/ensure-deps`) against the project's stub of the Messages API on 127.0.0.1.

use super::T;
use serde_json::Value;
use warren_testkit::{StubApi, Warren, claude_cli};

struct Real {
    w: Warren,
    stub: StubApi,
    work: tempfile::TempDir,
}

impl Real {
    fn new() -> Self {
        let w = super::warren();
        let stub = StubApi::start(&w.bin_dir());
        let cc = w.home().join("claude-config");
        let mut w = w.env("WARREN_CLAUDE", claude_cli());
        for (k, v) in stub.claude_env(&cc) {
            w = w.env(&k, v);
        }
        let work = crate::work_dir();
        Self { w, stub, work }
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        if a[0] == "spawn" {
            a.extend(["--work-dir", self.work.path().to_str().unwrap()]);
        }
        self.w.json(&a)
    }

    fn run(&self, args: &[&str]) -> i32 {
        let mut a = args.to_vec();
        if a[0] == "spawn" {
            a.extend(["--work-dir", self.work.path().to_str().unwrap()]);
        }
        self.w.code(&a)
    }

    fn history(&self, name: &str) -> Value {
        self.w.json(&["history", name])
    }

    fn state(&self, name: &str) -> String {
        super::status(&self.w, name)["state"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

#[test]
fn the_real_cli_keeps_context_costs_money_stops_resumes_and_forks() {
    let r = Real::new();
    let s = r.json(&["spawn", "--name", "c", "--prompt", "first from warren"]);
    assert_eq!(s["turn"]["response"], "ECHO: first from warren", "{s}");
    assert!(s["turn"]["cost"].as_f64().unwrap() > 0.0);
    let a = r.json(&["send", "c", "second RECALL"]);
    assert_eq!(a["response"], "RECALL: first from warren");
    let agent_id = a["sessionId"].as_str().unwrap().to_string();
    assert_eq!(r.json(&["stop", "c"])["state"], "stopped");
    let a = r.json(&["resume", "c", "--message", "third RECALL"]);
    assert_eq!(a["response"], "RECALL: first from warren | second RECALL");
    assert_eq!(a["sessionId"], agent_id.as_str());
    // The stub saw the resumed process send the whole earlier history.
    let last = r
        .stub
        .requests()
        .into_iter()
        .rev()
        .find(|q| q["last_user_text"] == "third RECALL")
        .unwrap();
    let texts: Vec<&str> = last["user_texts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        texts.contains(&"first from warren") && texts.contains(&"second RECALL"),
        "{texts:?}"
    );
    let f = r.json(&["fork", "c", "--new-name", "c2", "--message", "fork RECALL"]);
    assert_eq!(
        f["turn"]["response"],
        "RECALL: first from warren | second RECALL | third RECALL"
    );
    assert_ne!(f["turn"]["sessionId"], agent_id.as_str());
    let h = r.history("c");
    assert_eq!(h["interactions"].as_array().unwrap().len(), 3);
    assert!(h["total_cost"].as_f64().unwrap() > 0.0);
}

#[test]
fn the_real_cli_runs_a_bash_tool_round_trip() {
    let r = Real::new();
    let s = r.json(&[
        "spawn",
        "b",
        "--prompt",
        "BASH:echo tool-ok",
        "--allowed-tools",
        "Bash,Read",
        "--permission-mode",
        "acceptEdits",
    ]);
    assert_eq!(s["turn"]["response"], "TOOL_RESULT_SEEN: tool-ok", "{s}");
    assert_eq!(s["turn"]["turns"], 2);
    let h = r.history("b");
    assert_eq!(h["interactions"][0]["tools"][0], "Bash");
}

#[test]
fn the_real_cli_breaches_max_turns_and_max_budget() {
    let r = Real::new();
    assert_eq!(
        r.run(&[
            "spawn",
            "t",
            "--prompt",
            "LOOP",
            "--max-turns",
            "2",
            "--permission-mode",
            "acceptEdits"
        ]),
        1
    );
    assert_eq!(
        r.history("t")["interactions"][0]["status"],
        "turns_exceeded"
    );
    r.w.wait_until("t was stopped by the safety net", T, || {
        r.state("t") == "killed"
    });
    let out = r.w.run(&[
        "spawn",
        "m",
        "--prompt",
        "TOKENS:100000 expensive",
        "--max-budget",
        "0.05",
        "--json",
        "--work-dir",
        r.work.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "a breached turn exits 1");
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["turn"]["status"], "cost_exceeded", "{s}");
    r.w.wait_until("m was stopped by the safety net", T, || {
        r.state("m") == "killed"
    });
}

#[test]
fn the_real_cli_is_interrupted_and_survives_a_daemon_restart_mid_turn() {
    let r = Real::new();
    r.json(&["spawn", "i"]);
    let a = r.json(&["send", "i", "wait for it SLEEP:30", "--no-wait"]);
    assert_eq!(a["ack"], "acked");
    r.w.wait_until("the stub got the request", T, || {
        r.stub
            .requests()
            .iter()
            .any(|q| q["last_user_text"] == "wait for it SLEEP:30")
    });
    r.json(&["interrupt", "i"]);
    r.w.wait_until("the turn ended interrupted", T, || {
        r.history("i")["interactions"][0]["status"] == "interrupted"
    });
    let a = r.json(&["send", "i", "after interrupt"]);
    assert_eq!(a["response"], "ECHO: after interrupt");

    r.json(&["send", "i", "across SLEEP:3", "--no-wait"]);
    let pid = r.w.daemon_pid().unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    r.w.wait_until("the old daemon is gone", T, || !warren_testkit::alive(pid));
    r.w.wait_until("the turn finished after the restart", T, || {
        r.history("i")["interactions"][2]["status"] == "completed"
    });
    assert_eq!(
        r.history("i")["interactions"][2]["response"],
        "ECHO: across SLEEP:3"
    );
}
