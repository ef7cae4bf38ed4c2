//! Drives `fake-claude-stream` the way warren drives the real `claude -p` in stream-json mode
//! and checks the behaviours warren relies on. Every wait is a bounded `recv_timeout` on the
//! lines a reader thread forwards; every child is killed and reaped when its test ends.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_fake-claude-stream");
/// Upper bound for any single line or exit (generous for loaded CI machines).
const TIMEOUT: Duration = Duration::from_secs(20);
/// The stream-json flags, without `--replay-user-messages` (some tests add it).
const STREAM_ARGS: [&str; 6] = {
    let f = warren_proto::CLAUDE_STREAM_FLAGS;
    [f[0], f[1], f[2], f[3], f[4], f[5]]
};

/// A throwaway config dir and cwd.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("config")).expect("config dir");
        std::fs::create_dir_all(dir.path().join("work")).expect("work dir");
        Env { dir }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn cwd(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// Where the real CLI keeps the transcript of `id` for this cwd.
    fn transcript(&self, id: &str) -> PathBuf {
        let project: String = self
            .cwd()
            .display()
            .to_string()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        self.config()
            .join("projects")
            .join(project)
            .join(format!("{id}.jsonl"))
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .current_dir(self.cwd())
            .env("CLAUDE_CONFIG_DIR", self.config())
            .env("HOME", self.dir.path())
            .env_remove("IS_SANDBOX")
            .env_remove("FAKE_CLAUDE_COST")
            .env_remove("FAKE_CLAUDE_STARTUP_MS")
            .env_remove("FAKE_CLAUDE_HANG_ON_EOF");
        cmd
    }

    /// Starts the fake in stream-json mode with extra flags.
    fn spawn(&self, extra: &[&str]) -> Fake {
        self.spawn_with(extra, &[])
    }

    fn spawn_with(&self, extra: &[&str], env: &[(&str, &str)]) -> Fake {
        let mut args: Vec<&str> = STREAM_ARGS.to_vec();
        args.extend_from_slice(extra);
        let mut cmd = self.command(&args);
        cmd.envs(env.iter().copied());
        Fake::spawn(cmd)
    }

    /// Runs the fake to completion with stdin closed at once: (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut fake = Fake::spawn(self.command(args));
        let (status, stderr) = fake.finish();
        let stdout = fake.rest().join("\n");
        (status.code().unwrap_or(-1), stdout, stderr)
    }
}

/// A running fake: stdin, stdout lines through a channel, stderr collected at the end.
struct Fake {
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Receiver<String>,
}

impl Fake {
    fn spawn(mut cmd: Command) -> Fake {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn fake-claude-stream");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).split(b'\n') {
                let Ok(line) = line else { return };
                if tx
                    .send(String::from_utf8_lossy(&line).into_owned())
                    .is_err()
                {
                    return;
                }
            }
        });
        let (etx, stderr) = mpsc::channel();
        let mut err = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            let _ = etx.send(s);
        });
        Fake {
            stdin: child.stdin.take(),
            child: Some(child),
            lines,
            stderr,
        }
    }

    fn send(&mut self, v: &Value) {
        self.send_raw(&v.to_string());
    }

    fn send_raw(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").expect("write stdin");
        stdin.flush().expect("flush stdin");
    }

    fn say(&mut self, text: &str) {
        self.send(&json!({"type": "user", "message": {"role": "user",
            "content": [{"type": "text", "text": text}]}}));
    }

    fn control(&mut self, id: &str, subtype: &str) {
        self.send(&json!({"type": "control_request", "request_id": id,
            "request": {"subtype": subtype}}));
    }

    /// The next stdout line, raw.
    fn next_raw(&mut self) -> String {
        self.lines
            .recv_timeout(TIMEOUT)
            .unwrap_or_else(|e| panic!("no stdout line within {TIMEOUT:?}: {e}"))
    }

    /// The next stdout line as JSON.
    fn next(&mut self) -> Value {
        let line = self.next_raw();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// The remaining stdout lines, once the process has exited (until the pipe closes).
    fn rest(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            match self.lines.recv_timeout(TIMEOUT) {
                Ok(line) => lines.push(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => return lines,
                Err(e) => panic!("stdout not closed within {TIMEOUT:?}: {e}"),
            }
        }
    }

    /// Lines up to and including the first one that satisfies `done`.
    fn until(&mut self, done: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let v = self.next();
            let stop = done(&v);
            seen.push(v);
            if stop {
                return seen;
            }
        }
    }

    /// Sends a prompt and returns the turn's lines; the last one is the `result`.
    fn turn(&mut self, text: &str) -> Vec<Value> {
        self.say(text);
        self.until(|v| v["type"] == "result")
    }

    /// Closes stdin and waits (bounded) for the exit: (status, stderr).
    fn finish(&mut self) -> (ExitStatus, String) {
        drop(self.stdin.take());
        let mut child = self.child.take().expect("child running");
        let pid = child.id();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        let status = match rx.recv_timeout(TIMEOUT) {
            Ok(status) => status.expect("wait"),
            Err(_) => {
                kill(pid);
                panic!("fake-claude-stream did not exit within {TIMEOUT:?}");
            }
        };
        let stderr = self.stderr.recv_timeout(TIMEOUT).unwrap_or_default();
        (status, stderr)
    }
}

fn kill(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn of_type<'a>(lines: &'a [Value], ty: &str) -> Vec<&'a Value> {
    lines.iter().filter(|v| v["type"] == ty).collect()
}

/// Texts of the assistant text blocks of a turn.
fn texts(lines: &[Value]) -> Vec<String> {
    of_type(lines, "assistant")
        .iter()
        .filter_map(|v| v["message"]["content"][0]["text"].as_str())
        .map(str::to_string)
        .collect()
}

fn tool_results(lines: &[Value]) -> Vec<&Value> {
    of_type(lines, "user")
        .into_iter()
        .map(|v| &v["message"]["content"][0])
        .filter(|b| b["type"] == "tool_result")
        .collect()
}

fn last(lines: &[Value]) -> &Value {
    lines.last().expect("at least one line")
}

#[test]
fn version_and_argument_errors() {
    let env = Env::new();
    let (rc, out, _) = env.run(&["--version"]);
    assert_eq!((rc, out.trim()), (0, "2.1.197 (Claude Code)"));

    let (rc, _, err) = env.run(&[
        "-p",
        "--input-format",
        "stream-json",
        "--output-format",
        "stream-json",
    ]);
    assert_eq!(rc, 1);
    assert_eq!(
        err.trim(),
        "Error: When using --print, --output-format=stream-json requires --verbose"
    );
    let (rc, _, err) = env.run(&["-p", "--input-format", "stream-json", "--verbose"]);
    assert_eq!(rc, 1);
    assert!(err.contains("requires output-format=stream-json"), "{err}");
    let (rc, _, err) = env.run(&[
        "-p",
        "--input-format",
        "stream-json",
        "--output-format",
        "stream-json",
        "--verbose",
        "--session-id",
        "not-a-uuid",
    ]);
    assert_eq!(rc, 1);
    assert!(err.contains("Invalid session ID"), "{err}");
}

#[test]
fn two_turns_keep_context_and_cost_accumulates() {
    let env = Env::new();
    let mut fake = env.spawn(&["--replay-user-messages"]);
    let first = fake.turn("first message");

    let init = &first[0];
    assert_eq!(
        (&init["type"], &init["subtype"]),
        (&json!("system"), &json!("init"))
    );
    assert_eq!(init["cwd"], env.cwd().display().to_string());
    assert_eq!(init["model"], "claude-opus-4-8[1m]");
    assert_eq!(init["permissionMode"], "default");
    assert_eq!(init["claude_code_version"], "2.1.197");
    assert!(
        init["tools"]
            .as_array()
            .expect("tools")
            .contains(&json!("Bash"))
    );
    let sid = init["session_id"].as_str().expect("session id").to_string();
    uuid_like(&sid);

    let replay = &first[1];
    assert_eq!(replay["type"], "user");
    assert_eq!(replay["isReplay"], true);
    assert_eq!(replay["message"]["content"][0]["text"], "first message");
    assert_eq!(texts(&first), ["ECHO: first message"]);
    let result = last(&first);
    assert_eq!(result["subtype"], "success");
    assert_eq!(result["is_error"], false);
    assert_eq!(result["num_turns"], 1);
    assert_eq!(result["result"], "ECHO: first message");
    assert_eq!(result["session_id"], sid.as_str());
    assert_eq!(result["terminal_reason"], "completed");
    let cost1 = result["total_cost_usd"].as_f64().expect("cost");
    assert!((cost1 - 0.01623).abs() < 1e-9, "{cost1}");

    let second = fake.turn("second RECALL");
    assert_eq!(second[0]["subtype"], "init", "init again before every turn");
    let result = last(&second);
    assert_eq!(result["result"], "RECALL: first message");
    assert_eq!(result["session_id"], sid.as_str());
    let cost2 = result["total_cost_usd"].as_f64().expect("cost");
    assert!((cost2 - 2.0 * 0.01623).abs() < 1e-9, "cumulative: {cost2}");
    assert_eq!(
        result["modelUsage"]["claude-opus-4-8[1m]"]["inputTokens"],
        6402
    );

    let (status, _) = fake.finish();
    assert_eq!(status.code(), Some(0));
    let transcript = std::fs::read_to_string(env.transcript(&sid)).expect("transcript");
    let entries: Vec<Value> = transcript
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let prompts: Vec<&Value> = entries
        .iter()
        .filter(|e| e["type"] == "user" && e["promptSource"] == "sdk")
        .collect();
    assert_eq!(prompts.len(), 2);
    assert!(entries.iter().filter(|e| e["type"] == "assistant").count() >= 2);
    assert!(
        prompts
            .iter()
            .all(|e| e["sessionId"] == sid.as_str() && e["cwd"] == env.cwd().display().to_string())
    );
}

fn uuid_like(s: &str) {
    let parts: Vec<usize> = s.split('-').map(str::len).collect();
    assert_eq!(parts, [8, 4, 4, 4, 12], "not a uuid: {s}");
}

#[test]
fn interrupt_during_sleep_then_next_turn_works() {
    let env = Env::new();
    let mut fake = env.spawn(&[]);
    let started = Instant::now();
    fake.say("slow SLEEP:30");
    let init = fake.next();
    assert_eq!(init["subtype"], "init");

    // Control requests are answered while the turn is sleeping.
    fake.control("init-1", "initialize");
    let resp = fake.next();
    assert_eq!(resp["type"], "control_response");
    assert_eq!(resp["response"]["subtype"], "success");
    assert_eq!(resp["response"]["request_id"], "init-1");
    assert!(resp["response"]["response"]["commands"].is_array());

    fake.control("int-1", "interrupt");
    let lines = fake.until(|v| v["type"] == "result");
    assert_eq!(lines[0]["type"], "control_response");
    assert_eq!(lines[0]["response"]["request_id"], "int-1");
    assert_eq!(lines[0]["response"]["subtype"], "success");
    assert_eq!(lines[1]["type"], "user");
    assert_eq!(
        lines[1]["message"]["content"][0]["text"],
        "[Request interrupted by user]"
    );
    let result = last(&lines);
    assert_eq!(result["subtype"], "error_during_execution");
    assert_eq!(result["is_error"], true);
    assert_eq!(result["terminal_reason"], "aborted_streaming");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the interrupt cut the sleep"
    );

    let next = fake.turn("after interrupt");
    assert_eq!(last(&next)["subtype"], "success");
    assert_eq!(last(&next)["result"], "ECHO: after interrupt");

    fake.control("x-1", "no_such_thing");
    let resp = fake.next();
    assert_eq!(resp["response"]["subtype"], "error");
    assert_eq!(resp["response"]["request_id"], "x-1");
    let (status, _) = fake.finish();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn malformed_line_kills_the_process() {
    let env = Env::new();
    let mut fake = env.spawn(&[]);
    fake.send_raw("not json");
    let (status, stderr) = fake.finish();
    assert_eq!(status.code(), Some(1));
    assert!(
        stderr.starts_with("Error parsing streaming input line: not json"),
        "{stderr}"
    );
}

#[test]
fn bash_round_trip_and_default_mode_denial() {
    let env = Env::new();
    let mut fake = env.spawn(&[]);
    let lines = fake.turn("BASH:echo hello-from-bash");
    let assistants = of_type(&lines, "assistant");
    assert_eq!(assistants.len(), 2, "tool_use, then the answer");
    assert_ne!(
        assistants[0]["message"]["id"],
        assistants[1]["message"]["id"]
    );
    let tool_use = &assistants[0]["message"]["content"][0];
    assert_eq!(tool_use["type"], "tool_use");
    assert_eq!(tool_use["name"], "Bash");
    assert_eq!(tool_use["input"]["command"], "echo hello-from-bash");
    let results = tool_results(&lines);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["content"], "hello-from-bash");
    assert_eq!(results[0]["is_error"], false);
    assert_eq!(results[0]["tool_use_id"], tool_use["id"]);
    let result = last(&lines);
    assert_eq!(result["result"], "TOOL_RESULT_SEEN: hello-from-bash");
    assert_eq!(result["num_turns"], 2);
    assert_eq!(result["permission_denials"], json!([]));

    // A write is refused in default mode, as the real CLI does in -p.
    let lines = fake.turn("BASH:touch made.txt");
    let results = tool_results(&lines);
    assert_eq!(results[0]["is_error"], true);
    assert!(
        results[0]["content"]
            .as_str()
            .expect("content")
            .starts_with("touch in '"),
        "{}",
        results[0]
    );
    let result = last(&lines);
    assert_eq!(result["is_error"], false);
    assert_eq!(result["permission_denials"][0]["tool_name"], "Bash");
    assert_eq!(
        result["permission_denials"][0]["tool_input"]["command"],
        "touch made.txt"
    );
    assert!(!env.cwd().join("made.txt").exists());
    let (status, _) = fake.finish();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn accept_edits_lets_writes_through() {
    let env = Env::new();
    let mut fake = env.spawn(&["--permission-mode", "acceptEdits"]);
    let lines = fake.turn("BASH:echo made > made.txt && cat made.txt");
    assert_eq!(tool_results(&lines)[0]["content"], "made");
    assert!(env.cwd().join("made.txt").exists());
    let lines = fake.turn("BASH:echo oops; exit 3");
    assert_eq!(tool_results(&lines)[0]["is_error"], true);
    assert_eq!(tool_results(&lines)[0]["content"], "Exit code 3\noops");
    let lines = fake.turn(r#"TOOL:Write:{"file_path":"w.txt","content":"hi"}"#);
    assert_eq!(
        tool_results(&lines)[0]["content"],
        "File created successfully at: w.txt (file state is current in your context — no need \
         to Read it back)"
    );
    let written = std::fs::read_to_string(env.cwd().join("w.txt")).expect("written");
    assert_eq!(written, "hi");
}

#[test]
fn max_turns_stops_a_loop() {
    let env = Env::new();
    let mut fake = env.spawn(&["--max-turns", "3"]);
    let lines = fake.turn("LOOP");
    let result = last(&lines);
    assert_eq!(result["subtype"], "error_max_turns");
    assert_eq!(result["is_error"], true);
    assert_eq!(result["terminal_reason"], "max_turns");
    assert_eq!(
        result["errors"],
        json!(["Reached maximum number of turns (3)"])
    );
    assert_eq!(result["num_turns"], 4);
    assert!(result.get("result").is_none());
    assert_eq!(tool_results(&lines).len(), 3);
    let (status, _) = fake.finish();
    assert_eq!(status.code(), Some(1), "the last result was an error");
}

#[test]
fn max_budget_fails_the_turn_that_crosses_it() {
    let env = Env::new();
    let mut fake = env.spawn(&["--max-budget-usd", "0.02"]);
    assert_eq!(last(&fake.turn("one"))["subtype"], "success");
    let result = fake.turn("two");
    let result = last(&result);
    assert_eq!(result["subtype"], "error_max_budget_usd");
    assert_eq!(result["errors"], json!(["Reached maximum budget ($0.02)"]));
}

#[test]
fn resume_and_fork_keep_history() {
    let env = Env::new();
    let mut a = env.spawn(&[]);
    let lines = a.turn("alpha");
    let sid = lines[0]["session_id"].as_str().expect("sid").to_string();
    assert_eq!(a.finish().0.code(), Some(0));
    assert!(env.transcript(&sid).is_file());

    let mut b = env.spawn(&["--resume", &sid]);
    let lines = b.turn("beta RECALL");
    assert_eq!(lines[0]["session_id"], sid.as_str());
    assert_eq!(last(&lines)["result"], "RECALL: alpha");
    assert_eq!(b.finish().0.code(), Some(0));

    let mut c = env.spawn(&["--resume", &sid, "--fork-session"]);
    let lines = c.turn("gamma RECALL");
    let forked = lines[0]["session_id"].as_str().expect("sid").to_string();
    assert_ne!(forked, sid);
    assert_eq!(last(&lines)["result"], "RECALL: alpha | beta RECALL");
    assert_eq!(c.finish().0.code(), Some(0));
    let old = std::fs::read_to_string(env.transcript(&sid)).expect("old transcript");
    let new = std::fs::read_to_string(env.transcript(&forked)).expect("forked transcript");
    assert!(!old.contains("gamma") && new.contains("gamma") && new.contains("alpha"));

    let base = &STREAM_ARGS[..];
    let (rc, _, err) = env.run(&[base, &["--session-id", &sid]].concat());
    assert_eq!(rc, 1);
    assert_eq!(
        err.trim(),
        format!("Error: Session ID {sid} is already in use.")
    );
    let unknown = "11111111-2222-4333-8444-555555555555";
    let (rc, out, err) = env.run(&[base, &["--resume", unknown]].concat());
    assert_eq!(rc, 1);
    assert_eq!(
        err.trim(),
        format!("No conversation found with session ID: {unknown}")
    );
    assert!(out.contains("error_during_execution"), "{out}");
}

#[test]
fn crash_exits_3_mid_turn() {
    let env = Env::new();
    let mut fake = env.spawn(&[]);
    fake.say("please CRASH");
    let lines = fake.until(|v| v["type"] == "assistant");
    assert_eq!(lines[0]["subtype"], "init");
    assert_eq!(texts(&lines), ["working…"]);
    let (status, stderr) = fake.finish();
    assert_eq!(status.code(), Some(3));
    assert!(stderr.contains("fake crash"), "{stderr}");
    assert!(
        fake.rest().iter().all(|l| !l.contains("\"result\"")),
        "no result line"
    );
}

#[test]
fn garbage_lines_come_before_the_reply() {
    let env = Env::new();
    let mut fake = env.spawn(&[]);
    fake.say("GARBAGE");
    assert!(fake.next_raw().contains("\"init\""));
    assert_eq!(fake.next_raw(), "this is not json");
    assert_eq!(fake.next_raw(), r#"{"type":"assistant","message":"#);
    assert_eq!(fake.next_raw(), "\u{fffd}\u{fffd}", "raw bytes ff fe");
    let lines = fake.until(|v| v["type"] == "result");
    assert_eq!(last(&lines)["result"], "ECHO: GARBAGE");
}

#[test]
fn pre_tool_use_deny_hook_blocks_even_in_bypass_mode() {
    let env = Env::new();
    let settings = env.dir.path().join("settings.json");
    let deny = r#"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no touching"}}"#;
    let hook = format!("cat > hook_input.json; echo '{deny}'");
    let doc = json!({"hooks": {"PreToolUse": [
        {"matcher": "Bash", "hooks": [{"type": "command", "command": hook}]}]}});
    std::fs::write(&settings, doc.to_string()).expect("settings");
    let settings = settings.display().to_string();
    let mut fake = env.spawn_with(
        &[
            "--permission-mode",
            "bypassPermissions",
            "--settings",
            &settings,
        ],
        &[("IS_SANDBOX", "1")],
    );
    let lines = fake.turn("BASH:touch hooked.txt");
    assert_eq!(lines[0]["permissionMode"], "bypassPermissions");
    let results = tool_results(&lines);
    assert_eq!(results[0]["is_error"], true);
    assert_eq!(results[0]["content"], "no touching");
    assert!(
        !env.cwd().join("hooked.txt").exists(),
        "the tool did not run"
    );
    let result = last(&lines);
    assert_eq!(result["result"], "TOOL_RESULT_SEEN: no touching");
    assert_eq!(result["permission_denials"][0]["tool_name"], "Bash");

    let input: Value = serde_json::from_str(
        &std::fs::read_to_string(env.cwd().join("hook_input.json")).expect("hook stdin"),
    )
    .expect("hook stdin is JSON");
    assert_eq!(input["hook_event_name"], "PreToolUse");
    assert_eq!(input["tool_name"], "Bash");
    assert_eq!(input["tool_input"]["command"], "touch hooked.txt");
    assert_eq!(input["permission_mode"], "bypassPermissions");
    assert_eq!(input["session_id"], lines[0]["session_id"]);
    assert_eq!(input["tool_use_id"], results[0]["tool_use_id"]);
}

#[test]
fn pre_tool_use_exit_2_blocks_with_the_command_and_stderr() {
    let env = Env::new();
    let command = "echo blocked-by-exit-2 >&2; exit 2";
    let doc = json!({"hooks": {"PreToolUse": [
        {"matcher": "*", "hooks": [{"type": "command", "command": command}]}]}});
    let doc = doc.to_string();
    let mut fake = env.spawn(&["--allowedTools", "Bash", "--settings", &doc]);
    let lines = fake.turn("BASH:echo would-run");
    assert_eq!(
        tool_results(&lines)[0]["content"],
        format!("PreToolUse:Bash hook error: [{command}]: blocked-by-exit-2\n")
    );
}

#[test]
fn disallowed_tool_is_gone() {
    let env = Env::new();
    let mut fake = env.spawn(&["--disallowedTools", "Bash"]);
    let lines = fake.turn("BASH:ls");
    assert!(
        !lines[0]["tools"]
            .as_array()
            .expect("tools")
            .contains(&json!("Bash"))
    );
    // The model still asks for it (the stub ignores the tool list); the CLI refuses.
    let results = tool_results(&lines);
    assert_eq!(results[0]["is_error"], true);
    assert!(
        results[0]["content"]
            .as_str()
            .expect("content")
            .starts_with("<tool_use_error>Error: No such tool available: Bash."),
        "{}",
        results[0]
    );
    assert_eq!(last(&lines)["permission_denials"], json!([]));
}

#[test]
fn messages_sent_during_a_text_turn_merge_into_one_next_turn() {
    let env = Env::new();
    let mut fake = env.spawn(&["--replay-user-messages"]);
    fake.say("slow SLEEP:2");
    assert_eq!(fake.next()["subtype"], "init");
    fake.say("q one");
    fake.say("q two RECALL");
    let first = fake.until(|v| v["type"] == "result");
    assert_eq!(last(&first)["result"], "ECHO: slow SLEEP:2");
    let second = fake.until(|v| v["type"] == "result");
    let replay = of_type(&second, "user")[0];
    assert_eq!(replay["message"]["content"][0]["text"], "q one");
    assert_eq!(replay["message"]["content"][1]["text"], "q two RECALL");
    assert_eq!(last(&second)["result"], "RECALL: slow SLEEP:2 | q one");
    let (status, _) = fake.finish();
    assert_eq!(status.code(), Some(0));
    assert!(fake.rest().is_empty(), "one turn for both messages");
}

#[test]
fn a_message_sent_while_a_tool_runs_is_folded_into_that_turn() {
    let env = Env::new();
    let mut fake = env.spawn(&["--replay-user-messages", "--allowedTools", "Bash"]);
    fake.say("BASH:sleep 1; echo done");
    fake.until(|v| v["type"] == "assistant");
    fake.say("folded msg");
    let lines = fake.until(|v| v["type"] == "result");
    assert_eq!(tool_results(&lines)[0]["content"], "done");
    let replays: Vec<&Value> = of_type(&lines, "user")
        .into_iter()
        .filter(|v| v["isReplay"] == true)
        .collect();
    assert_eq!(replays.len(), 1);
    assert_eq!(replays[0]["message"]["content"][0]["text"], "folded msg");
    assert_eq!(last(&lines)["result"], "TOOL_RESULT_SEEN: done");
    let (status, _) = fake.finish();
    assert_eq!(status.code(), Some(0));
    assert!(fake.rest().is_empty(), "no turn of its own");
}

#[test]
fn partial_messages_wrap_each_call_in_stream_events() {
    let env = Env::new();
    let mut fake = env.spawn(&["--include-partial-messages", "--model", "sonnet"]);
    let lines = fake.turn("hi");
    let kinds: Vec<String> = lines
        .iter()
        .map(|v| match v["type"].as_str() {
            Some("stream_event") => v["event"]["type"].as_str().unwrap_or("?").to_string(),
            Some("system") => format!("system/{}", v["subtype"].as_str().unwrap_or("?")),
            other => other.unwrap_or("?").to_string(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "system/init",
            "system/status",
            "message_start",
            "content_block_start",
            "content_block_delta",
            "assistant",
            "content_block_stop",
            "message_delta",
            "message_stop",
            "result"
        ]
    );
    assert_eq!(lines[0]["model"], "claude-sonnet-5");
    let cost = last(&lines)["total_cost_usd"].as_f64().expect("cost");
    assert!((cost - 0.009738).abs() < 1e-9, "sonnet price: {cost}");
}

#[test]
fn api_error_is_a_successful_subtype_with_is_error() {
    let env = Env::new();
    let mut fake = env.spawn(&[]);
    let lines = fake.turn("ERROR:429");
    let assistant = of_type(&lines, "assistant")[0];
    assert_eq!(assistant["message"]["model"], "<synthetic>");
    let result = last(&lines);
    assert_eq!(result["subtype"], "success");
    assert_eq!(result["is_error"], true);
    assert_eq!(result["api_error_status"], 429);
    assert_eq!(
        result["result"],
        "API Error: Request rejected (429) · mock error 429"
    );
}

#[test]
fn eof_during_a_turn_finishes_it_first() {
    let env = Env::new();
    let mut fake = env.spawn(&[]);
    fake.say("late SLEEP:0.3");
    let (status, _) = fake.finish();
    assert_eq!(status.code(), Some(0));
    let results: Vec<Value> = fake
        .rest()
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .filter(|v| v["type"] == "result")
        .collect();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["result"], "ECHO: late SLEEP:0.3");
}
