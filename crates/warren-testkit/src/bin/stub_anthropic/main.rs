//! `stub-anthropic`: a scripted local stand-in for the Anthropic Messages API, so tests can
//! drive the real Claude Code CLI (2.1.197) offline. What it must do is recorded in
//! `/work/shared/reference/claude-code-cli.md` §2–§4; `warren_testkit::StubApi` starts it and
//! gives the environment that points the CLI here.
//!
//! `stub-anthropic [--port N] [--log FILE]` listens on 127.0.0.1 only (port 0, the default,
//! picks a free one), prints exactly one line `listening 127.0.0.1:<port>` on stdout, and
//! serves each connection on its own thread with keep-alive (Bun reuses connections).
//! `--log FILE` appends one JSON line per request: `method`, `path` (query included),
//! `session_id` (`X-Claude-Code-Session-Id`), `model`, `user_texts` (every user text block
//! that is not a `<system-reminder>`), `last_user_text`, `has_tools`, `tool_results` (every
//! tool_result content of the request, as text) and `status`. The line is written when the
//! status is decided, before the answer (so during a `SLEEP` the request is already logged).
//! Keys and tokens are never logged.
//!
//! Routes: `HEAD /` → 200; `POST /v1/messages[?beta=true]` → SSE when `stream` is true, else
//! the JSON message; `/v1/messages/count_tokens` → `{"input_tokens":N}`; `/v1/models` → a
//! short list; anything else → 404. Usage is always non-zero (input 3201, output 9), so the
//! CLI computes a cost (Opus prices: $0.01623 a call).
//!
//! Scripts, chosen from the last user text that is neither a system reminder nor a tool
//! result (the same keywords as the fake stream agent):
//! * default: `ECHO: <prompt>`;
//! * `SLEEP:<secs>` (float, anywhere): `message_start` at once, then the delay, then the rest;
//!   a client that disconnects meanwhile ends the handler;
//! * `RECALL`: `RECALL: <earlier user texts, joined by " | ">` (proves the history was sent);
//! * `BASH:<command>` (rest of the line): a `Bash` tool_use; once the last user message carries
//!   a tool_result: `TOOL_RESULT_SEEN: <its content>`;
//! * `TOOL:<Name>:<json>`: the same for any tool and input;
//! * `LOOP`: always a tool_use `Bash` `echo loop`, even after tool results;
//! * `ERROR:<status>`: that status, an Anthropic error body and `x-should-retry: false`;
//! * `TOKENS:<n>`: `n` input tokens (an expensive turn).
//!
//! Session-title side requests (no `tools`, `output_config.format` json_schema) get
//! `{"title":"Mock session title"}` at once, whatever the prompt says.
//!
//! Facts measured with this stub and the real CLI 2.1.197 in stream-json mode
//! (`-p --input-format stream-json --output-format stream-json --verbose`), beyond the
//! reference document:
//! * `--replay-user-messages` echoes a stdin user message (`isReplay:true`) neither on receipt
//!   nor at the turn's `system/init`, but right before the turn's first output line: the first
//!   `assistant` line (after a `SLEEP`), the synthetic API-error `assistant`, or the
//!   `[Request interrupted by user]` line.
//! * Messages sent while a text-only turn runs are queued, then merged: all of them become ONE
//!   user message (several text blocks), ONE replay line, ONE turn and ONE `result`. Messages
//!   sent while a tool runs are folded into the running turn instead: the API gets a
//!   `role:"system"` message `The user sent a new message while you were working:\n<text>…`,
//!   the replay comes right after the tool_result line, and there is no turn of their own; if
//!   that turn then stops on `--max-turns`, the message never reaches the model.
//! * `--resume <id>` keeps the id in `system/init`; `--resume <id> --fork-session` gets a new id,
//!   sends the old history, and leaves the old transcript untouched. Sessions are found per
//!   cwd: resuming from another directory is "No conversation found".
//! * `--resume <unknown uuid>`: exits by itself (~0.6 s, no stdin line needed) with rc 1, stderr
//!   `No conversation found with session ID: <id>`, and in stream-json one `result` line
//!   (`error_during_execution`, `num_turns:0`, that id, the same text in `errors`).
//! * stdin EOF during a turn: the turn (and anything already queued) finishes and prints its
//!   `result`; then the exit code is 1 if the last `result` had `is_error`, else 0.
//! * `--max-turns N` is a budget per user message, not per process.
//! * `total_cost_usd` and `modelUsage` are cumulative over the turns of one process (`usage` is
//!   the turn's own); a resumed process starts again from 0.
//! * An inline `--settings '{"hooks":{"PreToolUse":[…]}}'` hook printing the deny JSON blocks
//!   Bash even with `--allowedTools Bash`: the tool_result is `is_error:true` with the reason as
//!   content, `permission_denials` lists the call, the turn goes on and succeeds.
//! * A client that goes away (interrupt) closes its connection at once; the stub's handler
//!   ends then, not when the `SLEEP` would have.

mod http;
mod script;

use script::{Answer, Block, Conversation, Plan};
use serde_json::{Value, json};
use std::fs::File;
use std::io::{self, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: stub-anthropic [--port N] [--log FILE]";

/// What all connections share.
struct Server {
    log: Option<Mutex<File>>,
    /// Numbers message and tool_use ids.
    counter: AtomicU64,
    /// Random per process, so ids of two stub runs (a resumed session) never collide.
    salt: u64,
}

impl Server {
    fn next_id(&self, prefix: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let mix = self.salt ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        format!("{prefix}{n:04}{mix:016x}")
    }

    fn log(&self, line: &Value) {
        if let Some(f) = &self.log {
            let mut s = line.to_string();
            s.push('\n');
            let mut f = f.lock().unwrap_or_else(|e| e.into_inner());
            // One write per line: lines of concurrent requests never interleave.
            if let Err(e) = f.write_all(s.as_bytes()) {
                eprintln!("stub-anthropic: writing the log: {e}");
            }
        }
    }
}

fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish()
}

fn main() {
    let mut port: u16 = 0;
    let mut log_path: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(p) => port = p,
                None => fail("--port needs a number"),
            },
            "--log" => match args.next() {
                Some(p) => log_path = Some(p),
                None => fail("--log needs a file"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other:?}")),
        }
    }
    let log = log_path.map(|p| {
        let f = File::options()
            .create(true)
            .append(true)
            .open(&p)
            .unwrap_or_else(|e| fail(&format!("cannot open log {p}: {e}")));
        Mutex::new(f)
    });
    let listener = TcpListener::bind(("127.0.0.1", port))
        .unwrap_or_else(|e| fail(&format!("cannot listen on 127.0.0.1:{port}: {e}")));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| fail(&format!("local address: {e}")));
    let mut out = io::stdout().lock();
    // A test reads this one line for the port; nothing else is ever printed on stdout.
    if writeln!(out, "listening {addr}")
        .and_then(|()| out.flush())
        .is_err()
    {
        fail("cannot write to stdout");
    }
    drop(out);
    let server = Arc::new(Server {
        log,
        counter: AtomicU64::new(0),
        salt: random_u64(),
    });
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        let server = Arc::clone(&server);
        std::thread::spawn(move || {
            // A client that goes away mid-answer is normal (an interrupt): end quietly.
            let _ = serve(conn, &server);
        });
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("stub-anthropic: {msg}\n{USAGE}");
    std::process::exit(2);
}

/// Serves the requests of one connection until the client closes it or asks to.
fn serve(conn: TcpStream, server: &Server) -> io::Result<()> {
    conn.set_nodelay(true)?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut conn = conn;
    loop {
        let req = match http::read_request(&mut reader, &mut conn) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                let body = error_body("invalid_request_error", &format!("mock: {e}"));
                return http::respond(&mut conn, 400, &JSON, body.as_bytes(), false, true);
            }
            Err(e) => return Err(e),
        };
        let close = req.wants_close();
        handle(&req, &mut conn, server, close)?;
        if close {
            return Ok(());
        }
    }
}

const JSON: [(&str, &str); 1] = [("content-type", "application/json")];

fn error_body(kind: &str, message: &str) -> String {
    json!({"type": "error", "error": {"type": kind, "message": message}}).to_string()
}

fn handle(
    req: &http::Request,
    conn: &mut TcpStream,
    server: &Server,
    close: bool,
) -> io::Result<()> {
    let body: Option<Value> = serde_json::from_slice(&req.body).ok();
    let conv = body.as_ref().map(Conversation::parse).unwrap_or_default();
    let log = |status: u16| {
        server.log(&json!({
            "method": req.method,
            "path": req.target,
            "session_id": req.header("x-claude-code-session-id"),
            "model": conv.model,
            "user_texts": conv.user_texts,
            "last_user_text": conv.user_texts.last(),
            "has_tools": conv.has_tools,
            "tool_results": conv.tool_results,
            "status": status,
        }));
    };
    let head_only = req.method == "HEAD";
    match (req.method.as_str(), req.path()) {
        ("HEAD" | "GET", "/") => {
            log(200);
            http::respond(conn, 200, &[], b"", head_only, close)
        }
        ("POST", "/v1/messages") => {
            if body.is_none() {
                log(400);
                let b = error_body("invalid_request_error", "mock: body is not JSON");
                return http::respond(conn, 400, &JSON, b.as_bytes(), false, close);
            }
            let plan = script::plan(&conv);
            let status = match plan.answer {
                Answer::Error(s) => s,
                Answer::Message { .. } => 200,
            };
            log(status);
            messages(conn, server, &conv, plan, close)
        }
        ("POST", "/v1/messages/count_tokens") => {
            log(200);
            // About four bytes a token, like the real tokenizer on English text.
            let n = (req.body.len() as u64 / 4).max(1);
            let b = json!({"input_tokens": n}).to_string();
            http::respond(conn, 200, &JSON, b.as_bytes(), false, close)
        }
        ("GET" | "HEAD", "/v1/models") => {
            log(200);
            let b = models().to_string();
            http::respond(conn, 200, &JSON, b.as_bytes(), head_only, close)
        }
        _ => {
            log(404);
            let b = error_body(
                "not_found_error",
                &format!("mock: no route {} {}", req.method, req.target),
            );
            http::respond(conn, 404, &JSON, b.as_bytes(), head_only, close)
        }
    }
}

fn models() -> Value {
    let model = |id: &str, name: &str| json!({"type": "model", "id": id, "display_name": name, "created_at": "2025-01-01T00:00:00Z"});
    json!({
        "data": [
            model("claude-opus-4-8", "Claude Opus 4.8"),
            model("claude-sonnet-5", "Claude Sonnet 5"),
            model("claude-haiku-4-5-20251001", "Claude Haiku 4.5"),
        ],
        "has_more": false,
        "first_id": "claude-opus-4-8",
        "last_id": "claude-haiku-4-5-20251001",
    })
}

/// Waits `d`, or less when the client closes the connection meanwhile (then `Ok(true)`).
fn wait_or_disconnect(conn: &TcpStream, d: Duration) -> io::Result<bool> {
    let deadline = Instant::now() + d;
    let closed = loop {
        let now = Instant::now();
        if now >= deadline {
            break false;
        }
        conn.set_read_timeout(Some(deadline - now))?;
        match conn.peek(&mut [0u8; 1]) {
            Ok(0) => break true,
            Ok(_) => {
                // The client sent more (a pipelined request): it is still there; wait the
                // rest without watching the socket.
                idle(deadline - now);
                break false;
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break true,
        }
    };
    conn.set_read_timeout(None)?;
    Ok(closed)
}

/// Blocks for `d` (a timed wait on a channel nobody sends to, not a sleep).
fn idle(d: Duration) {
    let (_keep, rx) = mpsc::channel::<()>();
    let _ = rx.recv_timeout(d);
}

fn messages(
    conn: &mut TcpStream,
    server: &Server,
    conv: &Conversation,
    plan: Plan,
    close: bool,
) -> io::Result<()> {
    let request_id = server.next_id("req_mock");
    let (blocks, stop_reason) = match plan.answer {
        Answer::Error(status) => {
            if let Some(d) = plan.delay {
                if wait_or_disconnect(conn, d)? {
                    return Ok(());
                }
            }
            let b = error_body("api_error", &format!("mock error {status}"));
            let headers = [
                JSON[0],
                ("x-should-retry", "false"),
                ("request-id", request_id.as_str()),
            ];
            return http::respond(conn, status, &headers, b.as_bytes(), false, close);
        }
        Answer::Message {
            blocks,
            stop_reason,
        } => (blocks, stop_reason),
    };
    let model = conv.model.as_deref().unwrap_or("claude-opus-4-8");
    let content: Vec<Value> = blocks
        .iter()
        .map(|b| match b {
            Block::Text(t) => json!({"type": "text", "text": t}),
            Block::ToolUse { name, input } => json!({"type": "tool_use",
                "id": server.next_id("toolu_mock"), "name": name, "input": input}),
        })
        .collect();
    let usage = |output: u64| {
        json!({"input_tokens": plan.input_tokens, "output_tokens": output,
            "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0})
    };
    let message = |content: Value, stop: Value, output: u64| {
        json!({"id": server.next_id("msg_mock"), "type": "message", "role": "assistant",
            "model": model, "content": content, "stop_reason": stop, "stop_sequence": null,
            "usage": usage(output)})
    };
    let headers = [("request-id", request_id.as_str())];
    if !conv.stream {
        if let Some(d) = plan.delay {
            if wait_or_disconnect(conn, d)? {
                return Ok(());
            }
        }
        let b = message(json!(content), json!(stop_reason), script::OUTPUT_TOKENS).to_string();
        let headers = [JSON[0], headers[0]];
        return http::respond(conn, 200, &headers, b.as_bytes(), false, close);
    }
    let sse = [
        ("content-type", "text/event-stream"),
        ("cache-control", "no-cache"),
        headers[0],
    ];
    let mut out = conn.try_clone()?;
    let mut body = http::Chunked::start(&mut out, 200, &sse, close)?;
    let event = |name: &str, data: Value| format!("event: {name}\ndata: {data}\n\n");
    body.send(
        event(
            "message_start",
            json!({"type": "message_start", "message": message(json!([]), Value::Null, 1)}),
        )
        .as_bytes(),
    )?;
    if let Some(d) = plan.delay {
        if wait_or_disconnect(conn, d)? {
            return Ok(());
        }
    }
    let mut rest = String::new();
    for (index, block) in content.iter().enumerate() {
        let (start, delta) = if block["type"] == "tool_use" {
            let mut start = block.clone();
            start["input"] = json!({});
            let delta =
                json!({"type": "input_json_delta", "partial_json": block["input"].to_string()});
            (start, delta)
        } else {
            let delta = json!({"type": "text_delta", "text": block["text"]});
            (json!({"type": "text", "text": ""}), delta)
        };
        rest += &event(
            "content_block_start",
            json!({"type": "content_block_start", "index": index, "content_block": start}),
        );
        rest += &event(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": index, "delta": delta}),
        );
        rest += &event(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": index}),
        );
    }
    rest += &event(
        "message_delta",
        json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null},
            "usage": {"output_tokens": script::OUTPUT_TOKENS}}),
    );
    rest += &event("message_stop", json!({"type": "message_stop"}));
    body.send(rest.as_bytes())?;
    body.finish()
}
