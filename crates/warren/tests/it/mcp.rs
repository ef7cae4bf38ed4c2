//! `warren mcp` driven by the official MCP Python SDK (`mcp` from PyPI, in the virtual
//! environment `./scripts/ensure-deps` makes): the tools and their schemas, every tool against a
//! real daemon with tmux and fake-agent headless sessions, and the errors.

use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The Python with the MCP SDK: `$WARREN_TEST_PYTHON`, else `<workspace>/.deps/py/bin/python`.
fn python() -> PathBuf {
    let p = match std::env::var_os("WARREN_TEST_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.deps/py/bin/python"),
    };
    assert!(
        p.is_file(),
        "{} is missing: run ./scripts/ensure-deps (it makes .deps/py with the MCP SDK)",
        p.display()
    );
    p
}

fn drive(w: &warren_testkit::Warren, work: &std::path::Path, calls: &Value) -> Value {
    let out = run_driver(w, work, calls, &["stdio", env!("CARGO_BIN_EXE_warren")]);
    assert!(
        out.status.success(),
        "the MCP driver failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        w.log_tail(30)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "driver output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn run_driver(
    w: &warren_testkit::Warren,
    work: &std::path::Path,
    calls: &Value,
    args: &[&str],
) -> std::process::Output {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/drive.py");
    let mut child = Command::new(python());
    child
        .arg(&script)
        .args(args)
        .current_dir(work)
        .env("WARREN_HOME", w.home())
        .env("WARREN_CLAUDE", w.fake_claude_stream())
        .env("CLAUDE_CONFIG_DIR", w.home().join("claude-config"))
        .env_remove("TMUX")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut p = child.spawn().expect("start the MCP driver");
    {
        use std::io::Write as _;
        let mut stdin = p.stdin.take().unwrap();
        stdin.write_all(calls.to_string().as_bytes()).unwrap();
    }
    p.wait_with_output().unwrap()
}

const CMS_TOOLS: [&str; 17] = [
    "spawn_session",
    "send_message",
    "resume_session",
    "pause_session",
    "fork_session",
    "stop_session",
    "kill_session",
    "get_session_status",
    "get_last_output",
    "list_sessions",
    "get_history",
    "delete_session",
    "delegate_task",
    "continue_task",
    "finish_task",
    "abort_task",
    "batch_spawn",
];

#[test]
fn every_tool_works_through_the_python_sdk_and_errors_are_tool_errors() {
    let w = super::warren();
    let work = crate::work_dir();
    let calls = json!([
        ["new_session", {"name": "sh"}],
        ["send_keys", {"name": "sh", "keys": ["Enter"]}],
        ["wait_for", {"name": "sh", "state": "idle", "timeout_s": 15}],
        ["read_output", {"name": "sh"}],
        ["health", {"name": "sh"}],
        ["spawn_session", {"name": "h", "prompt": "hello"}],
        ["send_message", {"name": "h", "message": "again RECALL"}],
        ["get_last_output", {"name": "h"}],
        ["get_history", {"name": "h"}],
        ["get_session_status", {"name": "h"}],
        ["pause_session", {"name": "h"}],
        ["resume_session", {"name": "h", "message": "back RECALL"}],
        ["fork_session", {"name": "h", "new_name": "h2", "message": "fork RECALL"}],
        ["stop_session", {"name": "h2"}],
        ["delete_session", {"name": "h2"}],
        ["delegate_task", {"name": "d", "task": "do it", "max_cost": 1.0}],
        ["continue_task", {"name": "d", "message": "more"}],
        ["finish_task", {"name": "d"}],
        ["batch_spawn", {"tasks": [{"name": "b1", "prompt": "one"}, {"name": "b2", "prompt": "two"}]}],
        ["abort_task", {"name": "b1"}],
        ["kill_session", {"name": "b2"}],
        ["list_sessions", {}],
        ["get_events", {"name": "h"}],
        ["health", {}],
        ["server_version", {}],
        // Errors: an unknown session, an unknown tool, a wrong type, a missing argument.
        ["get_history", {"name": "nope"}],
        ["no_such_tool", {}],
        ["send_keys", {"name": 3, "keys": []}],
        ["send_message", {"name": "h"}],
        // The daemon goes away under the server: the next call starts one and works.
        ["__run__", [env!("CARGO_BIN_EXE_warren"), "daemon", "stop"]],
        ["get_history", {"name": "h"}],
    ]);
    let out = drive(&w, work.path(), &calls);
    let names: Vec<&str> = out["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for t in CMS_TOOLS.iter().chain(&[
        "new_session",
        "send_keys",
        "wait_for",
        "read_output",
        "get_events",
        "health",
        "server_version",
        "approve",
        "deny",
    ]) {
        assert!(names.contains(t), "tool {t} is missing from {names:?}");
    }
    // Schemas come from the Rust types: required fields and types are there.
    let schema = |n: &str| {
        out["tools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == n)
            .unwrap()["schema"]
            .clone()
    };
    assert_eq!(schema("spawn_session")["required"], json!(["name"]));
    assert_eq!(
        schema("spawn_session")["properties"]["max_cost"]["type"],
        json!(["number", "null"])
    );
    assert_eq!(
        schema("fork_session")["required"],
        json!(["name", "new_name"])
    );
    assert!(schema("delegate_task")["properties"]["timeout_s"].is_object());
    assert!(
        out["tools"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["description"].as_str().is_some_and(|d| d.len() > 20))
    );

    let calls = out["calls"].as_array().unwrap();
    let by = |i: usize| &calls[i];
    let ok = |i: usize| {
        let c = by(i);
        assert_eq!(
            c["isError"], false,
            "call {i} ({}) failed: {}",
            c["tool"], c["text"]
        );
        serde_json::from_str::<Value>(c["text"].as_str().unwrap()).unwrap_or(Value::Null)
    };
    for i in 0..25 {
        ok(i);
    }
    assert_eq!(ok(5)["turn"]["response"], "ECHO: hello");
    assert_eq!(ok(6)["response"], "RECALL: hello");
    assert_eq!(ok(7)["response"], "RECALL: hello");
    assert_eq!(ok(11)["response"], "RECALL: hello | again RECALL");
    assert_eq!(
        ok(12)["turn"]["response"],
        "RECALL: hello | again RECALL | back RECALL"
    );
    assert_eq!(ok(15)["status"], "completed");
    assert_eq!(ok(15)["safety"]["limits"]["maxCostUsd"], 1.0);
    assert_eq!(ok(17)["state"], "completed");
    assert_eq!(ok(18).as_array().unwrap().len(), 2);
    assert_eq!(ok(24)["server"]["protocol"], warren_proto::PROTOCOL_VERSION);
    for (i, needle) in [
        (25, "no session named nope"),
        (26, "no tool named"),
        (27, "invalid type"),
        (28, "message"),
    ] {
        assert_eq!(
            by(i)["isError"],
            true,
            "call {i} should be a tool error: {}",
            by(i)
        );
        assert!(
            by(i)["text"].as_str().unwrap().contains(needle),
            "call {i}: {}",
            by(i)
        );
    }
    // After the daemon was stopped under it, the server went on.
    assert_eq!(by(29)["isError"], false, "{}", by(29));
}

#[test]
fn the_same_tools_over_streamable_http_at_mcp_behind_the_token() {
    let w = super::warren();
    let work = crate::work_dir();
    w.ok(&["daemon", "--tcp", "127.0.0.1:0"]);
    let addr = w.json(&["daemon", "status"])["tcp"]
        .as_str()
        .unwrap()
        .to_string();
    let token = w.ok(&["token"]).trim().to_string();
    let url = format!("http://{addr}/mcp");
    let calls = json!([
        ["new_session", {"name": "sh", "work_dir": work.path()}],
        ["list_sessions", {}],
        ["get_history", {"name": "nope"}],
    ]);
    let out = run_driver(&w, work.path(), &calls, &["http", &url, &token]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(out["tools"].as_array().unwrap().len() >= 24);
    let calls = out["calls"].as_array().unwrap();
    assert_eq!(calls[0]["isError"], false, "{}", calls[0]);
    assert!(
        calls[1]["text"].as_str().unwrap().contains("\"sh\""),
        "{}",
        calls[1]
    );
    assert_eq!(calls[2]["isError"], true);
    // A caller inside a session sends its identity: what it spawns is its child.
    let w2 = &w;
    let top_dir = {
        let fake = w2.fake_claude_stream();
        let out = w2
            .command()
            .env("WARREN_CLAUDE", &fake)
            .args([
                "spawn",
                "top",
                "--work-dir",
                work.path().to_str().unwrap(),
                "--program",
            ])
            .arg(&fake)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let id = w2.json(&["status", "top"])["id"]
            .as_str()
            .unwrap()
            .to_string();
        w2.home().join("sessions").join(id)
    };
    let env: Value =
        serde_json::from_str(&std::fs::read_to_string(top_dir.join("env.json")).unwrap()).unwrap();
    let session_token = env["WARREN_SESSION_TOKEN"].as_str().unwrap().to_string();
    let calls = json!([["spawn_session", {"name": "kid", "work_dir": work.path()}]]);
    let out = run_driver(
        &w,
        work.path(),
        &calls,
        &["http", &url, &token, &session_token],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(w.json(&["status", "kid"])["headless"]["parent"], "top");
    // Without the token, nothing.
    let out = run_driver(&w, work.path(), &json!([]), &["http", &url, "wrong-token"]);
    assert!(!out.status.success(), "a wrong token must not open /mcp");
}

#[test]
fn setup_registers_warren_in_each_scope_idempotently_and_uninstall_restores() {
    let w = super::warren();
    let home = tempfile::Builder::new()
        .prefix("hm")
        .tempdir_in("/tmp")
        .unwrap();
    let project = tempfile::Builder::new()
        .prefix("pj")
        .tempdir_in("/tmp")
        .unwrap();
    let original = r#"{
  "numStartups": 3,
  "hasCompletedOnboarding": true,
  "mcpServers": {
    "other": {"type": "stdio", "command": "npx", "args": ["other-mcp"]}
  },
  "projects": {
    "/somewhere": {"hasTrustDialogAccepted": true}
  }
}
"#;
    let cfg = home.path().join(".claude.json");
    std::fs::write(&cfg, original).unwrap();
    std::fs::write(project.path().join("CLAUDE.md"), "# Project\n\nRun make.\n").unwrap();
    // No `claude` on this PATH: setup edits the files itself.
    let setup = |args: &[&str]| run_setup(&w, home.path(), "/usr/bin:/bin", project.path(), args);
    let read = |p: &std::path::Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_warren")).unwrap();
    let exe = exe.to_str().unwrap();

    setup(&["--global"]);
    let doc = read(&cfg);
    assert_eq!(doc["mcpServers"]["warren"]["command"], exe);
    assert_eq!(doc["mcpServers"]["warren"]["args"], json!(["mcp"]));
    assert_eq!(
        doc["mcpServers"]["other"]["command"], "npx",
        "other entries are kept"
    );
    assert!(setup(&["--global"]).contains("already"), "idempotent");
    let keys: Vec<String> = read(&cfg).as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "numStartups",
            "hasCompletedOnboarding",
            "mcpServers",
            "projects"
        ],
        "key order kept"
    );

    setup(&["--local"]);
    let here = std::fs::canonicalize(project.path()).unwrap();
    assert_eq!(
        read(&cfg)["projects"][here.to_str().unwrap()]["mcpServers"]["warren"]["args"],
        json!(["mcp"])
    );

    setup(&["--project", "--guide"]);
    assert_eq!(
        read(&project.path().join(".mcp.json"))["mcpServers"]["warren"]["command"],
        exe
    );
    let md = std::fs::read_to_string(project.path().join("CLAUDE.md")).unwrap();
    assert!(
        md.starts_with("# Project\n\nRun make.\n") && md.contains("correction loop"),
        "{md}"
    );

    setup(&["--project", "--uninstall"]);
    setup(&["--local", "--uninstall"]);
    setup(&["--global", "--uninstall"]);
    assert_eq!(
        read(&cfg),
        serde_json::from_str::<Value>(original).unwrap(),
        "uninstall restores"
    );
    assert!(
        !project.path().join(".mcp.json").exists(),
        "the .mcp.json setup made is gone"
    );
    assert_eq!(
        std::fs::read_to_string(project.path().join("CLAUDE.md")).unwrap(),
        "# Project\n\nRun make.\n"
    );
}

#[test]
fn the_real_claude_cli_spawns_an_agent_through_warren_mcp() {
    use warren_testkit::{StubApi, claude_cli};
    let w = super::warren();
    let fake = w.fake_claude_stream();
    let w = w.env("WARREN_CLAUDE", &fake);
    let stub = StubApi::start(&w.bin_dir());
    let work = crate::work_dir();
    let cc = w.home().join("claude-config");
    // The daemon runs with the fake agent as `claude`, so the spawned child is quick.
    w.ok(&["ls"]);
    let mcp_config = json!({"mcpServers": {"warren": {
        "command": env!("CARGO_BIN_EXE_warren"), "args": ["mcp"],
        "env": {"WARREN_HOME": w.home(), "WARREN_CLAUDE": fake, "CLAUDE_CONFIG_DIR": w.home().join("child-config")}
    }}});
    let ask = |prompt: &str| -> Value {
        let out = Command::new(claude_cli())
            .args(["-p", prompt, "--output-format", "json", "--mcp-config"])
            .arg(mcp_config.to_string())
            .args([
                "--strict-mcp-config",
                "--allowedTools",
                "mcp__warren__spawn_session,mcp__warren__list_sessions",
            ])
            .envs(stub.claude_env(&cc))
            .env("WARREN_HOME", w.home())
            .current_dir(work.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "claude said no JSON ({e}): {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
    };
    let spawn = json!({"name": "child", "prompt": "hello from a parent", "work_dir": work.path()});
    let r = ask(&format!("TOOL:mcp__warren__spawn_session:{spawn}"));
    assert_eq!(r["is_error"], false, "{r}");
    let text = r["result"].as_str().unwrap();
    assert!(text.starts_with("TOOL_RESULT_SEEN"), "{text}");
    assert!(
        text.contains("ECHO: hello from a parent"),
        "the child answered: {text}"
    );
    let r = ask("TOOL:mcp__warren__list_sessions:{}");
    assert!(r["result"].as_str().unwrap().contains("child"), "{r}");
    let h = w.json(&["history", "child"]);
    assert_eq!(
        h["interactions"][0]["response"],
        "ECHO: hello from a parent"
    );
}

#[test]
fn work_that_outlives_timeout_s_answers_a_cursor_and_its_result_is_kept() {
    let w = super::warren();
    let work = crate::work_dir();
    let calls = json!([
        ["spawn_session", {"name": "slow"}],
        ["send_message", {"name": "slow", "message": "take your time SLEEP:3", "timeout_s": 1}],
        ["get_result", {"name": "slow", "interaction": 1}],
        ["wait_for", {"name": "slow", "interaction": 1, "timeout_s": 20}],
        ["delegate_task", {"name": "d", "task": "also slow SLEEP:3", "timeout_s": 1}],
        ["wait_for", {"name": "d", "interaction": 1, "timeout_s": 20}],
        ["get_result", {"name": "slow", "interaction": 9}],
    ]);
    let out = drive(&w, work.path(), &calls);
    let c = out["calls"].as_array().unwrap();
    let v = |i: usize| -> Value {
        assert_eq!(c[i]["isError"], false, "call {i}: {}", c[i]);
        serde_json::from_str(c[i]["text"].as_str().unwrap()).unwrap()
    };
    assert_eq!(v(1)["status"], "running", "the wait ended first: {}", v(1));
    assert_eq!(v(1)["interaction"], 1);
    assert_eq!(v(2)["status"], "running");
    assert_eq!(v(3)["status"], "completed");
    assert_eq!(
        v(3)["response"],
        "ECHO: take your time SLEEP:3",
        "nothing lost to the timeout"
    );
    assert_eq!(v(4)["status"], "running");
    assert_eq!(v(4)["interaction"], 1);
    assert_eq!(v(5)["response"], "ECHO: also slow SLEEP:3");
    assert_eq!(c[6]["isError"], true);
    assert!(
        c[6]["text"].as_str().unwrap().contains("no interaction 9"),
        "{}",
        c[6]
    );
}

#[test]
fn setup_uses_claude_mcp_add_when_claude_is_on_the_path() {
    let w = super::warren();
    let home = tempfile::Builder::new()
        .prefix("hm")
        .tempdir_in("/tmp")
        .unwrap();
    let claude_dir = warren_testkit::claude_cli().parent().unwrap().to_path_buf();
    let path = format!("{}:/usr/bin:/bin", claude_dir.display());
    let setup = |args: &[&str]| run_setup(&w, home.path(), &path, home.path(), args);
    let servers = || -> Value {
        let t = std::fs::read_to_string(home.path().join(".claude.json")).unwrap();
        serde_json::from_str::<Value>(&t).unwrap()["mcpServers"].clone()
    };
    assert!(
        setup(&["--global"]).contains("via"),
        "it went through `claude mcp add`"
    );
    setup(&["--global"]);
    let s = servers();
    assert_eq!(s.as_object().unwrap().len(), 1, "once: {s}");
    assert_eq!(s["warren"]["args"], json!(["mcp"]));
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_warren")).unwrap();
    assert_eq!(s["warren"]["command"], exe.to_str().unwrap());
    setup(&["--global", "--uninstall"]);
    assert!(servers().get("warren").is_none());
}

/// `warren setup ARGS` with this HOME and PATH, in `cwd`; answers its stdout.
fn run_setup(
    w: &warren_testkit::Warren,
    home: &std::path::Path,
    path: &str,
    cwd: &std::path::Path,
    args: &[&str],
) -> String {
    let out = w
        .command()
        .env("HOME", home)
        .env_remove("CLAUDE_CONFIG_DIR")
        .env("PATH", path)
        .current_dir(cwd)
        .arg("setup")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "setup {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
