//! `stub-anthropic` on its own (raw HTTP) and driving the real Claude Code CLI
//! (`./scripts/ensure-deps` installs it) in stream-json mode: two turns with `RECALL`, a Bash
//! tool round trip, and `--resume` sending the old history.
#![allow(
    clippy::unwrap_used,
    reason = "a failed unwrap in a test helper is a failed test"
)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use warren_testkit::{StubApi, claude_cli};

/// Bound of every wait for the CLI (it answers in about a second).
const WAIT: Duration = Duration::from_secs(60);

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_stub-anthropic"))
        .parent()
        .unwrap()
        .to_path_buf()
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP against the stub.

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn connect(stub: &StubApi) -> (TcpStream, BufReader<TcpStream>) {
    let s = TcpStream::connect(("127.0.0.1", stub.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let r = BufReader::new(s.try_clone().unwrap());
    (s, r)
}

fn send(s: &mut TcpStream, method: &str, path: &str, body: Option<&Value>, extra: &str) {
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nhost: x\r\nx-api-key: secret-key-value\r\n\
         x-claude-code-session-id: sess-1\r\ncontent-length: {}\r\n{extra}\r\n{body}",
        body.len()
    )
    .unwrap();
}

fn line(r: &mut BufReader<TcpStream>) -> String {
    let mut l = String::new();
    r.read_line(&mut l).unwrap();
    l.trim_end().to_string()
}

/// Reads the status line and headers.
fn read_head(r: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>) {
    let status = line(r);
    let code = status.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = Vec::new();
    loop {
        let h = line(r);
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').unwrap();
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    (code, headers)
}

/// Reads one whole response (by content-length or chunked).
fn read_response(r: &mut BufReader<TcpStream>, head_only: bool) -> Response {
    let (status, headers) = read_head(r);
    let mut resp = Response {
        status,
        headers,
        body: String::new(),
    };
    if head_only {
        return resp;
    }
    if resp.header("transfer-encoding") == Some("chunked") {
        loop {
            let size = usize::from_str_radix(&line(r), 16).unwrap();
            if size == 0 {
                assert_eq!(line(r), "");
                break;
            }
            let mut chunk = vec![0; size];
            r.read_exact(&mut chunk).unwrap();
            resp.body.push_str(&String::from_utf8(chunk).unwrap());
            assert_eq!(line(r), "");
        }
    } else {
        let len: usize = resp.header("content-length").unwrap().parse().unwrap();
        let mut body = vec![0; len];
        r.read_exact(&mut body).unwrap();
        resp.body = String::from_utf8(body).unwrap();
    }
    resp
}

fn user(text: &str) -> Value {
    json!({"role": "user", "content": [
        {"type": "text", "text": "<system-reminder>today</system-reminder>"},
        {"type": "text", "text": text}]})
}

fn request(messages: Value, stream: bool) -> Value {
    json!({"model": "claude-opus-4-8", "stream": stream, "max_tokens": 100,
        "tools": [{"name": "Bash", "input_schema": {}}], "messages": messages})
}

/// The `data:` payloads of an SSE body, in order.
fn sse_events(body: &str) -> Vec<Value> {
    body.lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

#[test]
fn stub_answers_routes_and_scripts_over_one_kept_alive_connection() {
    let stub = StubApi::start(&bin_dir());
    let (mut s, mut r) = connect(&stub);

    send(&mut s, "HEAD", "/", None, "");
    assert_eq!(read_response(&mut r, true).status, 200);

    let body = request(
        json!([{"role": "system", "content": "agents"}, user("hi there")]),
        false,
    );
    send(&mut s, "POST", "/v1/messages", Some(&body), "");
    let resp = read_response(&mut r, false);
    assert_eq!(resp.status, 200);
    let m = resp.json();
    assert_eq!(m["content"][0]["text"], "ECHO: hi there");
    assert_eq!(m["stop_reason"], "end_turn");
    assert_eq!(m["usage"]["input_tokens"], 3201);

    // SSE: a Bash tool_use, streamed as input_json_delta.
    let body = request(json!([user("BASH:echo hi")]), true);
    send(&mut s, "POST", "/v1/messages?beta=true", Some(&body), "");
    let resp = read_response(&mut r, false);
    assert_eq!(resp.header("content-type"), Some("text/event-stream"));
    let events = sse_events(&resp.body);
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    assert_eq!(events[1]["content_block"]["name"], "Bash");
    let input: Value =
        serde_json::from_str(events[2]["delta"]["partial_json"].as_str().unwrap()).unwrap();
    assert_eq!(
        input,
        json!({"command": "echo hi", "description": "mock-requested command"})
    );
    assert_eq!(events[4]["delta"]["stop_reason"], "tool_use");
    assert_eq!(events[4]["usage"]["output_tokens"], 9);

    // The tool result comes back: acknowledged, with TOKENS as input usage.
    let tool_id = events[1]["content_block"]["id"].clone();
    let body = request(
        json!([user("BASH:echo hi TOKENS:50000"),
            {"role": "assistant", "content": [events[1]["content_block"]]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool_id, "content": "hi"}]}]),
        true,
    );
    send(&mut s, "POST", "/v1/messages?beta=true", Some(&body), "");
    let events = sse_events(&read_response(&mut r, false).body);
    assert_eq!(events[0]["message"]["usage"]["input_tokens"], 50000);
    assert_eq!(events[2]["delta"]["text"], "TOOL_RESULT_SEEN: hi");
    assert_eq!(events[4]["delta"]["stop_reason"], "end_turn");

    // The title side request ignores the scripts.
    let mut body = json!({"model": "claude-haiku-4-5-20251001", "stream": true,
        "messages": [user("SLEEP:30 ERROR:500")],
        "output_config": {"format": {"type": "json_schema", "schema": {}}}});
    send(&mut s, "POST", "/v1/messages?beta=true", Some(&body), "");
    let events = sse_events(&read_response(&mut r, false).body);
    assert_eq!(
        events[2]["delta"]["text"],
        r#"{"title":"Mock session title"}"#
    );

    send(&mut s, "POST", "/v1/messages/count_tokens", Some(&body), "");
    let resp = read_response(&mut r, false);
    assert!(resp.json()["input_tokens"].as_u64().unwrap() > 0);
    send(&mut s, "GET", "/v1/models", None, "");
    assert!(
        !read_response(&mut r, false).json()["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    send(&mut s, "GET", "/nope", None, "");
    assert_eq!(read_response(&mut r, false).status, 404);

    body = request(json!([user("fail ERROR:503")]), true);
    send(
        &mut s,
        "POST",
        "/v1/messages",
        Some(&body),
        "connection: close\r\n",
    );
    let resp = read_response(&mut r, false);
    assert_eq!(resp.status, 503);
    assert_eq!(resp.header("x-should-retry"), Some("false"));
    assert_eq!(
        resp.json(),
        json!({"type": "error", "error": {"type": "api_error", "message": "mock error 503"}})
    );
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "the stub kept a `Connection: close` open");

    let log = stub.requests();
    let statuses: Vec<u64> = log.iter().map(|l| l["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [200, 200, 200, 200, 200, 200, 200, 404, 503]);
    assert_eq!(log[1]["path"], "/v1/messages");
    assert_eq!(log[1]["session_id"], "sess-1");
    assert_eq!(log[1]["user_texts"], json!(["hi there"]));
    assert_eq!(log[1]["last_user_text"], "hi there");
    assert_eq!(log[1]["has_tools"], true);
    assert_eq!(log[3]["tool_results"], json!(["hi"]));
    assert_eq!(log[4]["has_tools"], false);
    let text = std::fs::read_to_string(stub.log_path()).unwrap();
    assert!(!text.contains("secret-key-value"), "the log holds the key");
}

#[test]
fn sleep_sends_message_start_first_and_a_disconnect_ends_the_handler() {
    let stub = StubApi::start(&bin_dir());
    let (mut s, mut r) = connect(&stub);
    let t0 = Instant::now();
    send(
        &mut s,
        "POST",
        "/v1/messages",
        Some(&request(json!([user("slow SLEEP:0.4")]), true)),
        "",
    );
    let (status, _) = read_head(&mut r);
    assert_eq!(status, 200);
    let _size = line(&mut r);
    assert_eq!(line(&mut r), "event: message_start");
    let started = t0.elapsed();
    let mut rest = Vec::new();
    while !String::from_utf8_lossy(&rest).contains("message_stop") {
        let mut buf = [0; 4096];
        let n = r.read(&mut buf).unwrap();
        assert!(n > 0, "connection closed before message_stop");
        rest.extend_from_slice(&buf[..n]);
    }
    assert!(
        t0.elapsed() >= Duration::from_millis(400) && started < Duration::from_millis(400),
        "message_start after {started:?}, the rest after {:?}",
        t0.elapsed()
    );

    // A client that goes away during a long SLEEP: the stub goes on serving others.
    let (mut s2, mut r2) = connect(&stub);
    let body = request(json!([user("SLEEP:60")]), true);
    send(&mut s2, "POST", "/v1/messages", Some(&body), "");
    assert_eq!(read_head(&mut r2).0, 200);
    drop((s2, r2));
    let (mut s3, mut r3) = connect(&stub);
    let body = request(json!([user("next")]), false);
    send(&mut s3, "POST", "/v1/messages", Some(&body), "");
    assert_eq!(
        read_response(&mut r3, false).json()["content"][0]["text"],
        "ECHO: next"
    );
}

// ---------------------------------------------------------------------------------------------
// The real CLI.

/// A `claude -p` in stream-json mode, its stdout lines read on a thread.
struct Cli {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Value>,
    seen: Vec<Value>,
    stderr: Arc<Mutex<String>>,
}

impl Cli {
    fn start(stub: &StubApi, config: &Path, cwd: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(claude_cli())
            .args(warren_proto::CLAUDE_STREAM_FLAGS)
            .args(extra)
            .envs(stub.claude_env(config))
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start claude");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines() {
                let Ok(l) = l else { break };
                let v = serde_json::from_str(&l).unwrap_or(Value::String(l));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err_pipe.read_to_string(&mut s);
            sink.lock().unwrap().push_str(&s);
        });
        Self {
            stdin: child.stdin.take(),
            child,
            lines,
            seen: Vec::new(),
            stderr,
        }
    }

    fn send(&mut self, text: &str) {
        let msg = json!({"type": "user", "message": {"role": "user",
            "content": [{"type": "text", "text": text}]}});
        let stdin = self.stdin.as_mut().expect("stdin still open");
        writeln!(stdin, "{msg}").unwrap();
        stdin.flush().unwrap();
    }

    fn failure(&self, what: &str) -> String {
        let seen: Vec<String> = self.seen.iter().map(short).collect();
        format!(
            "{what}\nstdout so far:\n{}\nstderr: {}",
            seen.join("\n"),
            self.stderr.lock().unwrap()
        )
    }

    /// The next stdout line matching `pred`; panics naming `what` after [`WAIT`].
    fn until(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(v) => {
                    self.seen.push(v.clone());
                    if pred(&v) {
                        return v;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("{}", self.failure(&format!("no {what} within {WAIT:?}")))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("{}", self.failure(&format!("stdout closed before {what}")))
                }
            }
        }
    }

    fn result(&mut self) -> Value {
        let r = self.until("result line", |v| v["type"] == "result");
        assert_eq!(r["is_error"], false, "{}", self.failure("an error result"));
        r
    }

    /// Closes stdin and waits (bounded) for the exit.
    fn finish(&mut self) -> ExitStatus {
        drop(self.stdin.take());
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(v) => self.seen.push(v),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("{}", self.failure("the CLI did not exit after stdin EOF"))
                }
            }
        }
        self.child.wait().unwrap()
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    s.chars().take(300).collect()
}

/// A throwaway config dir and working dir.
fn dirs() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let (config, work) = (t.path().join("config"), t.path().join("work"));
    std::fs::create_dir_all(&config).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    (t, config, work)
}

fn messages_requests(stub: &StubApi) -> Vec<Value> {
    stub.requests()
        .into_iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/v1/messages?beta=true")
        .collect()
}

#[test]
fn real_cli_two_turns_recall_the_first_prompt_and_cost_something() {
    let stub = StubApi::start(&bin_dir());
    let (_t, config, work) = dirs();
    let mut cli = Cli::start(&stub, &config, &work, &[]);
    cli.send("first prompt alpha");
    let init = cli.until("system/init", |v| v["subtype"] == "init");
    let session = init["session_id"].as_str().unwrap().to_string();
    let echo = cli.until("replayed user message", |v| v["type"] == "user");
    assert_eq!(echo["message"]["content"][0]["text"], "first prompt alpha");
    let r1 = cli.result();
    assert_eq!(r1["result"], "ECHO: first prompt alpha");
    let cost1 = r1["total_cost_usd"].as_f64().unwrap();
    assert!(cost1 > 0.0, "no cost: {r1}");

    cli.send("second prompt RECALL");
    let r2 = cli.result();
    assert_eq!(r2["result"], "RECALL: first prompt alpha");
    assert_eq!(r2["session_id"], session.as_str());
    // Cumulative over the turns of one process.
    assert!(r2["total_cost_usd"].as_f64().unwrap() > cost1, "{r2}");
    assert!(cli.finish().success());

    let reqs = messages_requests(&stub);
    let last = reqs.last().unwrap();
    assert_eq!(last["session_id"], session.as_str());
    assert_eq!(
        last["user_texts"],
        json!(["first prompt alpha", "second prompt RECALL"])
    );
    assert_eq!(last["last_user_text"], "second prompt RECALL");
    assert_eq!(last["has_tools"], true);
}

#[test]
fn real_cli_runs_a_bash_tool_round_trip() {
    let stub = StubApi::start(&bin_dir());
    let (_t, config, work) = dirs();
    let mut cli = Cli::start(&stub, &config, &work, &["--allowedTools", "Bash"]);
    cli.send("BASH:echo hi");
    let call = cli.until("assistant tool_use", |v| {
        v["type"] == "assistant" && v["message"]["content"][0]["type"] == "tool_use"
    });
    assert_eq!(call["message"]["content"][0]["name"], "Bash");
    assert_eq!(call["message"]["content"][0]["input"]["command"], "echo hi");
    let result = cli.until("tool_result user line", |v| {
        v["type"] == "user" && v["message"]["content"][0]["type"] == "tool_result"
    });
    assert_eq!(result["message"]["content"][0]["content"], "hi");
    let r = cli.result();
    assert_eq!(r["result"], "TOOL_RESULT_SEEN: hi");
    assert_eq!(r["num_turns"], 2);
    assert!(cli.finish().success());
    let reqs = messages_requests(&stub);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1]["tool_results"], json!(["hi"]));
    assert_eq!(reqs[1]["last_user_text"], "BASH:echo hi");
}

#[test]
fn real_cli_resume_sends_the_old_history() {
    let stub = StubApi::start(&bin_dir());
    let (_t, config, work) = dirs();
    let mut first = Cli::start(&stub, &config, &work, &[]);
    first.send("resume one");
    let session = first.result()["session_id"].as_str().unwrap().to_string();
    first.send("resume two");
    first.result();
    assert!(first.finish().success());

    let mut again = Cli::start(&stub, &config, &work, &["--resume", &session]);
    again.send("after resume RECALL");
    let init = again.until("system/init", |v| v["subtype"] == "init");
    assert_eq!(init["session_id"], session.as_str());
    let r = again.result();
    assert_eq!(r["result"], "RECALL: resume one | resume two");
    assert!(again.finish().success());

    let reqs = messages_requests(&stub);
    let last = reqs.last().unwrap();
    assert_eq!(last["session_id"], session.as_str());
    assert_eq!(
        last["user_texts"],
        json!(["resume one", "resume two", "after resume RECALL"])
    );
}
