//! The session: the event loop over stdin, the turns (simulated API calls, tools, results) and
//! the control protocol. One thread; stdin and child processes report over one channel, and
//! every wait is a `recv`/`recv_timeout` on it, so control requests are answered at once even
//! while a turn is "thinking".

use crate::catalog::{self, VERSION};
use crate::cli::{Config, Model};
use crate::json::{J, NULL, Out, hex, now_iso, obj, uuid};
use crate::script::{self, LastTool, Reply};
use crate::tools::{self, ChildOut, Hook, Verdict};
use crate::transcript::{self, Transcript};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// Tokens each simulated API call "uses" (what the samples' stub returned).
const INPUT_TOKENS: u64 = 3201;
const OUTPUT_TOKENS: u64 = 9;
/// Gap between the API calls of a `LOOP` turn.
const LOOP_PAUSE: Duration = Duration::from_millis(20);
const INTERRUPTED: &str = "[Request interrupted by user]";
const INTERRUPTED_TOOL: &str = "[Request interrupted by user for tool use]";
const REJECTED: &str = "The user doesn't want to proceed with this tool use. The tool use was \
    rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what \
    you are doing and wait for the user to tell you how to proceed.";

/// What the main loop waits for.
pub enum Ev {
    /// One stdin line (without its newline).
    Line(String),
    /// stdin closed.
    Eof,
    /// A child process (tool or hook) finished.
    Child(u64, ChildOut),
}

/// An `interrupt` control request arrived during a turn.
struct Interrupted;

/// How a turn ended (an interrupt is [`Interrupted`]).
enum End {
    Success,
    ApiError(u16, String),
    MaxTurns,
    Budget,
}

/// One content block of a simulated API response.
enum Block {
    Text(String),
    Tool {
        id: String,
        name: String,
        input: Value,
    },
}

impl Block {
    fn content(&self) -> J {
        match self {
            Block::Text(text) => obj! {"type": "text", "text": text},
            Block::Tool { id, name, input } => {
                obj! {"type": "tool_use", "id": id, "name": name, "input": input}
            }
        }
    }

    /// `content_block_start` and `content_block_delta` events.
    fn stream(&self, index: u64) -> [J; 2] {
        let (start, delta) = match self {
            Block::Text(text) => (
                obj! {"type": "text", "text": ""},
                obj! {"type": "text_delta", "text": text},
            ),
            Block::Tool { id, name, input } => (
                obj! {"type": "tool_use", "id": id, "name": name, "input": json!({})},
                obj! {"type": "input_json_delta", "partial_json": input.to_string()},
            ),
        };
        [
            obj! {"type": "content_block_start", "index": index, "content_block": start},
            obj! {"type": "content_block_delta", "index": index, "delta": delta},
        ]
    }
}

/// Token and cost totals.
#[derive(Clone, Copy, Default)]
struct Totals {
    input: u64,
    output: u64,
    cost: f64,
}

impl Totals {
    fn add(&mut self, cost: f64) {
        self.input += INPUT_TOKENS;
        self.output += OUTPUT_TOKENS;
        self.cost += cost;
    }

    /// The `usage` object of a `result`.
    fn usage(&self) -> J {
        obj! {"input_tokens": self.input, "cache_creation_input_tokens": 0u64,
        "cache_read_input_tokens": 0u64, "output_tokens": self.output,
        "server_tool_use": obj!{"web_search_requests": 0u64, "web_fetch_requests": 0u64},
        "service_tier": "standard",
        "cache_creation": obj!{"ephemeral_1h_input_tokens": 0u64, "ephemeral_5m_input_tokens": 0u64},
        "inference_geo": "", "iterations": Vec::<J>::new(), "speed": "standard"}
    }
}

/// State of the running turn.
struct Turn {
    started: Instant,
    prompt_id: String,
    /// API calls made (the result's `num_turns`).
    calls: u64,
    usage: Totals,
    api: Duration,
    to_request: Option<Duration>,
    ttft: Option<Duration>,
    stop_reason: Option<&'static str>,
    result: String,
    denials: Vec<J>,
    /// The interrupt came while a tool (or its hooks) ran.
    in_tool: bool,
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Blocks until the process is killed (`HANG`, `FAKE_CLAUDE_HANG_ON_EOF`).
pub fn hang() -> ! {
    loop {
        std::thread::park();
    }
}

/// Where the session comes from (worked out by `main` from the command line).
pub struct Start {
    pub session_id: String,
    pub cwd: String,
    pub transcript_path: PathBuf,
    /// Entries of the resumed transcript (empty for a new session).
    pub history: Vec<Value>,
    pub fork: bool,
    pub hooks: Vec<Hook>,
}

/// A running `claude -p` process.
pub struct Session {
    cfg: Config,
    cwd: String,
    session_id: String,
    transcript_path: String,
    memory_dir: String,
    hooks: Vec<Hook>,
    out: Out,
    rx: Receiver<Ev>,
    tx: Sender<Ev>,
    /// User lines waiting for their turn.
    queue: VecDeque<Value>,
    eof: bool,
    transcript: Transcript,
    /// Every prompt of the conversation so far (resumed history included).
    prompts: Vec<String>,
    /// Cumulative usage per model (`modelUsage`), and the process's total cost.
    model_usage: Vec<(Model, Totals)>,
    total_cost: f64,
    cost_override: Option<f64>,
    /// Whether the last `result` was an error: the exit code after stdin closes.
    last_error: bool,
    next_child: u64,
}

impl Session {
    pub fn new(cfg: Config, start: Start, rx: Receiver<Ev>, tx: Sender<Ev>) -> Session {
        let project = start
            .transcript_path
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_default();
        let transcript = Transcript::new(
            cfg.persist.then(|| start.transcript_path.clone()),
            &start.session_id,
            &start.cwd,
            &start.history,
            start.fork,
        );
        Session {
            out: Out::new(cfg.output),
            cwd: start.cwd,
            session_id: start.session_id,
            transcript_path: start.transcript_path.display().to_string(),
            memory_dir: format!("{}/memory/", project.display()),
            hooks: start.hooks,
            rx,
            tx,
            queue: VecDeque::new(),
            eof: false,
            transcript,
            prompts: transcript::prompts(&start.history),
            model_usage: Vec::new(),
            total_cost: 0.0,
            cost_override: std::env::var("FAKE_CLAUDE_COST")
                .ok()
                .and_then(|c| c.parse().ok()),
            last_error: false,
            next_child: 0,
            cfg,
        }
    }

    /// Queues a prompt given on the command line or piped in (`-p` without stream-json input).
    pub fn push_prompt(&mut self, prompt: String) {
        self.queue
            .push_back(json!({"type": "user", "message": {"role": "user", "content": prompt}}));
        self.eof = true;
    }

    /// The idle loop: run queued turns, answer control requests, exit once stdin is closed.
    pub fn run(mut self) -> ! {
        loop {
            if let Some(line) = self.queue.pop_front() {
                self.turn(&line);
                continue;
            }
            if self.eof {
                self.exit();
            }
            match self.rx.recv() {
                Ok(Ev::Line(line)) => {
                    // An interrupt while idle is just acknowledged.
                    self.line(&line);
                }
                Ok(Ev::Eof) | Err(_) => self.eof = true,
                Ok(Ev::Child(..)) => {}
            }
        }
    }

    fn exit(&mut self) -> ! {
        if std::env::var("FAKE_CLAUDE_HANG_ON_EOF").as_deref() == Ok("1") {
            hang();
        }
        let last = self.prompts.last().cloned();
        self.transcript.last_prompt(last.as_deref());
        self.out.finish();
        // Like the real CLI: rc 1 when the last turn ended in an error (interrupt included).
        std::process::exit(i32::from(self.last_error))
    }

    // ---- stdin and the control protocol ------------------------------------------------

    /// Handles one stdin line; true if it was an `interrupt` request.
    fn line(&mut self, line: &str) -> bool {
        if line.trim().is_empty() {
            return false;
        }
        let v: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                // The real CLI dies on the spot, even mid-turn.
                eprintln!(
                    "Error parsing streaming input line: {line}: SyntaxError: JSON Parse error: {e}"
                );
                std::process::exit(1);
            }
        };
        match v["type"].as_str() {
            Some("user") => {
                self.queue.push_back(v);
                false
            }
            Some("control_request") => self.control(&v),
            // control_response (answers to requests we never send), unknown types: ignored.
            _ => false,
        }
    }

    fn control(&mut self, v: &Value) -> bool {
        let id = &v["request_id"];
        let req = &v["request"];
        let subtype = req["subtype"].as_str().unwrap_or("");
        let success = |response: Option<J>| {
            let mut r = obj! {"subtype": "success", "request_id": id};
            if let Some(resp) = response {
                r.extend(obj! {"response": resp});
            }
            obj! {"type": "control_response", "response": r}
        };
        match subtype {
            "interrupt" => {
                self.out.event(&success(None));
                return true;
            }
            "initialize" => self.out.event(&success(Some(catalog::initialize()))),
            "set_permission_mode" => {
                let mode = req["mode"].as_str().unwrap_or("default").to_string();
                self.out.event(&success(Some(obj! {"mode": mode.as_str()})));
                self.out.event(&obj! {"type": "system", "subtype": "status", "status": NULL,
                "permissionMode": mode.as_str(), "uuid": uuid(), "session_id": &self.session_id});
                self.cfg.permission_mode = mode;
            }
            "set_model" => {
                let alias = req["model"].as_str().filter(|m| *m != "default");
                self.cfg.model = Model::resolve(alias);
                let name = match alias {
                    Some(a) if a != self.cfg.model.display => {
                        format!("{a} ({})", self.cfg.model.display)
                    }
                    _ => self.cfg.model.display.clone(),
                };
                let text =
                    format!("<local-command-stdout>Set model to {name}</local-command-stdout>");
                self.out.event(&obj! {"type": "user",
                "message": obj!{"role": "user", "content": text}, "session_id": &self.session_id,
                "parent_tool_use_id": NULL, "uuid": uuid(), "timestamp": now_iso(),
                "isReplay": true});
                self.out.event(&success(None));
            }
            _ => self
                .out
                .event(&obj! {"type": "control_response", "response": obj!{
                "subtype": "error", "request_id": id,
                "error": format!("Unsupported control request subtype: {subtype}")}}),
        }
        false
    }

    /// Waits for `deadline` (or for child `child`), handling stdin meanwhile. User lines are
    /// queued, EOF is remembered (it is not an interrupt), an interrupt aborts the wait.
    fn wait(
        &mut self,
        deadline: Option<Instant>,
        child: Option<u64>,
    ) -> Result<Option<ChildOut>, Interrupted> {
        loop {
            let ev = match deadline {
                Some(d) => self
                    .rx
                    .recv_timeout(d.saturating_duration_since(Instant::now())),
                None => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match ev {
                // Disconnected cannot happen (we hold a sender); treat it like the deadline.
                Err(_) => return Ok(None),
                Ok(Ev::Line(line)) => {
                    if self.line(&line) {
                        return Err(Interrupted);
                    }
                }
                Ok(Ev::Eof) => self.eof = true,
                Ok(Ev::Child(id, out)) if Some(id) == child => return Ok(Some(out)),
                Ok(Ev::Child(..)) => {}
            }
        }
    }

    fn pause(&mut self, d: Duration) -> Result<(), Interrupted> {
        self.wait(Some(Instant::now() + d), None).map(|_| ())
    }

    /// Runs `sh -c script` to the end; an interrupt kills its process group.
    fn run_child(
        &mut self,
        script: &str,
        stdin: Option<String>,
        merge: bool,
    ) -> Result<ChildOut, Interrupted> {
        self.next_child += 1;
        let id = self.next_child;
        let tx = self.tx.clone();
        let env = [
            ("CLAUDECODE", "1"),
            ("CLAUDE_CODE_ENTRYPOINT", "sdk-cli"),
            ("CLAUDE_CODE_SESSION_ID", self.session_id.as_str()),
            ("CLAUDE_PROJECT_DIR", self.cwd.as_str()),
        ];
        let stdin = stdin.map(String::into_bytes);
        let done = move |out| {
            let _ = tx.send(Ev::Child(id, out));
        };
        let pgid = match tools::spawn(script, &self.cwd, &env, stdin, merge, done) {
            Ok(pgid) => pgid,
            Err(e) => {
                return Ok(ChildOut {
                    code: 127,
                    stdout: String::new(),
                    stderr: e.to_string(),
                });
            }
        };
        match self.wait(None, Some(id)) {
            Ok(out) => Ok(out.unwrap_or(ChildOut {
                code: -1,
                stdout: String::new(),
                stderr: String::new(),
            })),
            Err(i) => {
                tools::kill_group(pgid);
                Err(i)
            }
        }
    }

    // ---- lines -------------------------------------------------------------------------

    fn init_line(&self) -> J {
        let off = catalog::telemetry_off();
        obj! {"type": "system", "subtype": "init", "cwd": &self.cwd,
        "session_id": &self.session_id, "tools": self.cfg.tools.clone(),
        "mcp_servers": Vec::<J>::new(), "model": &self.cfg.model.display,
        "permissionMode": &self.cfg.permission_mode, "slash_commands": catalog::slash_commands(),
        "apiKeySource": catalog::api_key_source(), "claude_code_version": VERSION,
        "output_style": "default", "agents": catalog::agent_names(),
        "skills": catalog::SKILLS.to_vec(), "plugins": Vec::<J>::new(),
        "analytics_disabled": off, "product_feedback_disabled": off, "uuid": uuid(),
        "memory_paths": obj!{"auto": &self.memory_dir}, "fast_mode_state": "off"}
    }

    fn stream_event(&mut self, event: J, ttft: Option<u64>) {
        let mut line = obj! {"type": "stream_event", "event": event,
        "session_id": &self.session_id, "parent_tool_use_id": NULL, "uuid": uuid()};
        if let Some(t) = ttft {
            line.extend(obj! {"ttft_ms": t});
        }
        self.out.event(&line);
    }

    /// A `user` line with a tool_result or the interrupt marker.
    fn user_line(&self, message: J, uuid: &str, tool_use_result: Option<J>) -> J {
        let mut line = obj! {"type": "user", "message": message, "parent_tool_use_id": NULL,
        "session_id": &self.session_id, "uuid": uuid, "timestamp": now_iso()};
        if let Some(r) = tool_use_result {
            line.extend(obj! {"tool_use_result": r});
        }
        line
    }

    fn model_usage(&self) -> J {
        J::O(
            self.model_usage
                .iter()
                .map(|(m, t)| {
                    let entry = obj! {"inputTokens": t.input, "outputTokens": t.output,
                    "cacheReadInputTokens": 0u64, "cacheCreationInputTokens": 0u64,
                    "webSearchRequests": 0u64, "costUSD": t.cost,
                    "contextWindow": m.context_window, "maxOutputTokens": m.max_output};
                    (m.display.clone(), entry)
                })
                .collect(),
        )
    }

    fn over_budget(&self) -> bool {
        self.cfg
            .max_budget
            .is_some_and(|max| self.total_cost >= max)
    }

    // ---- a turn --------------------------------------------------------------------------

    fn turn(&mut self, line: &Value) {
        let started = Instant::now();
        let content = line["message"]
            .get("content")
            .cloned()
            .unwrap_or_else(|| Value::from(""));
        let prompt = transcript::content_text(&content);
        let user_uuid = uuid();
        let prompt_id = uuid();

        self.out.event(&self.init_line());
        if self.cfg.replay {
            self.out.replay_later(obj! {"type": "user",
            "message": obj!{"role": "user", "content": J::typed(&content)},
            "session_id": &self.session_id, "parent_tool_use_id": NULL, "uuid": &user_uuid,
            "timestamp": now_iso(), "isReplay": true});
        }
        self.transcript.queue();
        let message = json!({"role": "user", "content": content});
        self.transcript
            .prompt(&user_uuid, &prompt_id, &message, &self.cfg.permission_mode);
        let earlier = self.prompts.clone();
        self.prompts.push(prompt.clone());

        if script::has_word(&prompt, "HANG") {
            hang();
        }
        let mut t = Turn {
            started,
            prompt_id,
            calls: 0,
            usage: Totals::default(),
            api: Duration::ZERO,
            to_request: None,
            ttft: None,
            stop_reason: None,
            result: String::new(),
            denials: Vec::new(),
            in_tool: false,
        };
        // Once over budget, every later turn fails before calling the API.
        let end = if self.over_budget() {
            Ok(End::Budget)
        } else {
            self.converse(&prompt, &earlier, &mut t)
        };
        match end {
            Ok(end) => self.finish(end, t),
            Err(Interrupted) => self.aborted(t),
        }
    }

    /// The agent loop: API call, tools, API call, … until a reply without tool use.
    fn converse(
        &mut self,
        prompt: &str,
        earlier: &[String],
        t: &mut Turn,
    ) -> Result<End, Interrupted> {
        let looping = script::has_word(prompt, "LOOP");
        let mut last: Option<LastTool> = None;
        loop {
            if self.cfg.max_turns.is_some_and(|max| t.calls >= max) {
                return Ok(End::MaxTurns);
            }
            let reply = script::reply(prompt, earlier, &self.cfg.tools, last.as_ref());
            if self.cfg.partial {
                self.out.event(&obj! {"type": "system", "subtype": "status",
                "status": "requesting", "uuid": uuid(), "session_id": &self.session_id});
            }
            t.to_request.get_or_insert_with(|| t.started.elapsed());
            let delay = if t.calls == 0 {
                script::sleep(prompt)
            } else if looping {
                Some(LOOP_PAUSE)
            } else {
                None
            };
            if let Some(d) = delay {
                self.pause(d)?;
                t.api += d;
            }
            if t.calls == 0 && script::has_word(prompt, "GARBAGE") {
                self.out.raw(b"this is not json");
                self.out.raw(br#"{"type":"assistant","message":"#);
                self.out.raw(&[0xff, 0xfe]);
            }
            let (name, input, force_deny) = match reply {
                Reply::ApiError(status) => return Ok(self.api_error(status)),
                Reply::Crash => {
                    self.api_call(t, &[Block::Text("working…".into())], "end_turn");
                    eprintln!("fake crash");
                    std::process::exit(3);
                }
                Reply::Text(text) => {
                    self.api_call(t, &[Block::Text(text.clone())], "end_turn");
                    t.result = text;
                    return Ok(if self.over_budget() {
                        End::Budget
                    } else {
                        End::Success
                    });
                }
                Reply::ToolUse {
                    name,
                    input,
                    force_deny,
                } => (name, input, force_deny),
            };
            let id = format!("toolu_mock{}", hex(16));
            let blocks = [
                Block::Text(format!("Running tool {name}.")),
                Block::Tool {
                    id: id.clone(),
                    name: name.clone(),
                    input: input.clone(),
                },
            ];
            let uuids = self.api_call(t, &blocks, "tool_use");
            if self.over_budget() {
                return Ok(End::Budget);
            }
            let source = uuids.last().cloned().unwrap_or_default();
            last = Some(self.use_tool(t, &id, &name, &input, force_deny, &source)?);
        }
    }

    /// One simulated API response: stream events (with `--include-partial-messages`), one
    /// `assistant` line per block, transcript entries. Returns the assistant lines' uuids.
    fn api_call(&mut self, t: &mut Turn, blocks: &[Block], stop: &'static str) -> Vec<String> {
        let cost = self.cost_override.unwrap_or_else(|| {
            let (pin, pout) = self.cfg.model.price;
            (INPUT_TOKENS as f64 * pin + OUTPUT_TOKENS as f64 * pout) / 1e6
        });
        t.calls += 1;
        t.usage.add(cost);
        t.api += Duration::from_millis(1);
        t.ttft.get_or_insert_with(|| t.started.elapsed());
        self.total_cost += cost;
        match self
            .model_usage
            .iter_mut()
            .find(|(m, _)| m.display == self.cfg.model.display)
        {
            Some((_, totals)) => totals.add(cost),
            None => {
                let mut totals = Totals::default();
                totals.add(cost);
                self.model_usage.push((self.cfg.model.clone(), totals));
            }
        }

        let msg_id = format!("msg_mock{}", hex(16));
        let request_id = format!("req_{}", hex(20));
        let model = self.cfg.model.api.clone();
        let message = |content: J, stop: Option<&str>, usage: J| {
            obj! {"id": &msg_id, "type": "message", "role": "assistant", "model": &model,
            "content": vec![content], "stop_reason": stop, "stop_sequence": NULL,
            "usage": usage, "context_management": NULL}
        };
        let partial = self.cfg.partial;
        if partial {
            let start = obj! {"type": "message_start", "message": obj!{"id": &msg_id,
            "type": "message", "role": "assistant", "model": &model, "content": Vec::<J>::new(),
            "stop_reason": NULL, "stop_sequence": NULL, "usage": call_usage()}};
            self.stream_event(start, t.ttft.map(ms));
        }
        let mut uuids = Vec::new();
        for (i, block) in (0u64..).zip(blocks) {
            if partial {
                for e in block.stream(i) {
                    self.stream_event(e, None);
                }
            }
            let u = uuid();
            let line = obj! {"type": "assistant",
            "message": message(block.content(), None, call_usage()), "parent_tool_use_id": NULL,
            "session_id": &self.session_id, "uuid": &u, "request_id": &request_id};
            self.out.msg(&line);
            let mut usage = Totals::default();
            usage.add(cost);
            self.transcript.assistant(
                &u,
                message(block.content(), Some(stop), usage.usage()),
                Some(&request_id),
            );
            if partial {
                self.stream_event(obj! {"type": "content_block_stop", "index": i}, None);
            }
            uuids.push(u);
        }
        if partial {
            self.stream_event(
                obj! {"type": "message_delta",
                "delta": obj!{"stop_reason": stop, "stop_sequence": NULL},
                "usage": obj!{"output_tokens": OUTPUT_TOKENS}},
                None,
            );
            self.stream_event(obj! {"type": "message_stop"}, None);
        }
        t.stop_reason = Some(stop);
        uuids
    }

    /// `ERROR:<status>`: the CLI turns the HTTP error into a `<synthetic>` assistant message.
    fn api_error(&mut self, status: u16) -> End {
        let mut text = format!("API Error: {status} mock-forced error {status}");
        if status == 401 {
            text = format!("Failed to authenticate. {text}");
        }
        let kind = match status {
            401 => "authentication_failed",
            429 => "rate_limit",
            500.. => "server_error",
            _ => "unknown",
        };
        let message = obj! {"id": uuid(), "container": NULL, "model": "<synthetic>",
        "role": "assistant", "stop_details": NULL, "stop_reason": "stop_sequence",
        "stop_sequence": "", "type": "message",
        "usage": obj!{"input_tokens": 0u64, "output_tokens": 0u64,
            "cache_creation_input_tokens": 0u64, "cache_read_input_tokens": 0u64,
            "server_tool_use": obj!{"web_search_requests": 0u64, "web_fetch_requests": 0u64},
            "service_tier": NULL,
            "cache_creation": obj!{"ephemeral_1h_input_tokens": 0u64, "ephemeral_5m_input_tokens": 0u64},
            "inference_geo": NULL, "iterations": NULL, "speed": NULL},
        "content": vec![obj!{"type": "text", "text": &text}], "context_management": NULL};
        let u = uuid();
        self.out
            .msg(&obj! {"type": "assistant", "message": message.clone(),
            "parent_tool_use_id": NULL, "session_id": &self.session_id, "uuid": &u, "error": kind});
        self.transcript.assistant(&u, message, None);
        End::ApiError(status, text)
    }

    /// Runs a tool call and emits its tool_result. An interrupt meanwhile kills the tool and
    /// reports it rejected, as the real CLI does.
    fn use_tool(
        &mut self,
        t: &mut Turn,
        id: &str,
        name: &str,
        input: &Value,
        force_deny: bool,
        source: &str,
    ) -> Result<LastTool, Interrupted> {
        let outcome = self.tool_outcome(t, id, name, input, force_deny);
        let interrupted = outcome.is_err();
        let (block, result, last) = outcome.unwrap_or_else(|Interrupted| {
            t.in_tool = true;
            let block = obj! {"type": "tool_result", "content": REJECTED, "is_error": true,
            "tool_use_id": id};
            let last = LastTool {
                content: REJECTED.into(),
                is_error: true,
            };
            (block, J::V(Value::from("User rejected tool use")), last)
        });
        let u = uuid();
        let message = obj! {"role": "user", "content": vec![block]};
        let line = self.user_line(message.clone(), &u, Some(result.clone()));
        self.out.msg(&line);
        self.transcript
            .tool_result(&u, &t.prompt_id, message, result, source);
        if interrupted {
            return Err(Interrupted);
        }
        Ok(last)
    }

    /// PreToolUse hooks, the permission check, then the tool itself.
    fn tool_outcome(
        &mut self,
        t: &mut Turn,
        id: &str,
        name: &str,
        input: &Value,
        force_deny: bool,
    ) -> Result<(J, J, LastTool), Interrupted> {
        let mut verdict = Verdict::Pass;
        let commands: Vec<String> = self
            .hooks
            .iter()
            .filter(|h| h.matches(name))
            .map(|h| h.command.clone())
            .collect();
        for command in commands {
            let stdin = obj! {"session_id": &self.session_id,
            "transcript_path": &self.transcript_path, "cwd": &self.cwd,
            "prompt_id": &t.prompt_id, "permission_mode": &self.cfg.permission_mode,
            "effort": obj!{"level": "high"}, "hook_event_name": "PreToolUse", "tool_name": name,
            "tool_input": input, "tool_use_id": id};
            let out = self.run_child(&command, Some(stdin.text()), false)?;
            match tools::verdict(name, &command, &out) {
                Verdict::Block(reason) => {
                    verdict = Verdict::Block(reason);
                    break;
                }
                Verdict::Allow => verdict = Verdict::Allow,
                Verdict::Pass => {}
            }
        }
        let denial = match verdict {
            Verdict::Block(reason) => Some(reason),
            _ if force_deny => Some(tools::ask_denial(input, &self.cwd)),
            Verdict::Allow => None,
            Verdict::Pass => tools::check(
                &self.cfg.permission_mode,
                &self.cfg.allowed,
                name,
                input,
                &self.cwd,
            )
            .err(),
        };

        Ok(if let Some(reason) = denial {
            t.denials
                .push(obj! {"tool_name": name, "tool_use_id": id, "tool_input": input});
            error_result(id, reason)
        } else if name == "Bash" {
            let command = input["command"].as_str().unwrap_or("");
            let out = self.run_child(command, None, true)?;
            let stdout = out.stdout.trim_end_matches('\n').to_string();
            if out.code == 0 {
                let content = if stdout.is_empty() {
                    "(Bash completed with no output)".to_string()
                } else {
                    stdout.clone()
                };
                let block = obj! {"tool_use_id": id, "type": "tool_result",
                "content": &content, "is_error": false};
                let result = obj! {"stdout": &stdout, "stderr": "", "interrupted": false,
                "isImage": false, "noOutputExpected": stdout.is_empty()};
                (
                    block,
                    result,
                    LastTool {
                        content,
                        is_error: false,
                    },
                )
            } else if stdout.is_empty() {
                error_result(id, format!("Exit code {}", out.code))
            } else {
                error_result(id, format!("Exit code {}\n{stdout}", out.code))
            }
        } else {
            self.other_tool(id, name, input)
        })
    }

    /// Tools other than Bash are not run; Write with `file_path`/`content` does write.
    fn other_tool(&mut self, id: &str, name: &str, input: &Value) -> (J, J, LastTool) {
        let mut result = J::V(Value::from("ok"));
        if let (true, Some(path), Some(text)) = (
            name == "Write",
            input["file_path"].as_str(),
            input["content"].as_str(),
        ) {
            let full = std::path::Path::new(&self.cwd).join(path);
            let original = std::fs::read_to_string(&full).ok();
            let written = full
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&full, text));
            if let Err(e) = written {
                return error_result(id, format!("{}: {e}", full.display()));
            }
            result = obj! {"type": if original.is_some() { "update" } else { "create" },
            "filePath": full.display().to_string(), "content": text,
            "structuredPatch": Vec::<J>::new(), "originalFile": original, "userModified": false};
        }
        let block = obj! {"tool_use_id": id, "type": "tool_result", "content": "ok"};
        let last = LastTool {
            content: "ok".into(),
            is_error: false,
        };
        (block, result, last)
    }

    // ---- results -------------------------------------------------------------------------

    fn finish(&mut self, end: End, t: Turn) {
        let duration = ms(t.started.elapsed());
        let api = ms(t.api);
        let errors;
        let (line, text, is_error) = match end {
            End::Success => {
                let ttft = t.ttft.map_or(0, ms);
                let line = obj! {"type": "result", "subtype": "success", "is_error": false,
                "api_error_status": NULL, "duration_ms": duration, "duration_api_ms": api,
                "ttft_ms": ttft, "ttft_stream_ms": ttft.saturating_sub(2),
                "time_to_request_ms": t.to_request.map_or(0, ms), "num_turns": t.calls,
                "result": &t.result, "stop_reason": t.stop_reason,
                "session_id": &self.session_id, "total_cost_usd": self.total_cost,
                "usage": t.usage.usage(), "modelUsage": self.model_usage(),
                "permission_denials": t.denials, "terminal_reason": "completed",
                "fast_mode_state": "off", "uuid": uuid()};
                (line, t.result, false)
            }
            End::ApiError(status, text) => {
                let line = obj! {"type": "result", "subtype": "success", "is_error": true,
                "api_error_status": status, "duration_ms": duration, "duration_api_ms": 0u64,
                "num_turns": t.calls + 1, "result": &text, "stop_reason": "stop_sequence",
                "session_id": &self.session_id, "total_cost_usd": self.total_cost,
                "usage": Totals::default().usage(), "modelUsage": self.model_usage(),
                "permission_denials": t.denials, "terminal_reason": "completed",
                "fast_mode_state": "off", "uuid": uuid()};
                (line, text, true)
            }
            End::MaxTurns => {
                errors = format!(
                    "Reached maximum number of turns ({})",
                    self.cfg.max_turns.unwrap_or(0)
                );
                let line = obj! {"type": "result", "subtype": "error_max_turns",
                "duration_ms": duration, "duration_api_ms": api, "is_error": true,
                "num_turns": t.calls + 1, "stop_reason": t.stop_reason,
                "session_id": &self.session_id, "total_cost_usd": self.total_cost,
                "usage": t.usage.usage(), "modelUsage": self.model_usage(),
                "permission_denials": t.denials, "terminal_reason": "max_turns",
                "fast_mode_state": "off", "uuid": uuid(), "errors": vec![errors.as_str()]};
                (line, format!("Error: {errors}"), true)
            }
            End::Budget => {
                errors = format!(
                    "Reached maximum budget (${})",
                    self.cfg.max_budget.unwrap_or(0.0)
                );
                let line = obj! {"type": "result", "subtype": "error_max_budget_usd",
                "duration_ms": duration, "duration_api_ms": 0u64, "is_error": true,
                "num_turns": t.calls.max(1), "stop_reason": t.stop_reason,
                "session_id": &self.session_id, "total_cost_usd": self.total_cost,
                "usage": Totals::default().usage(), "modelUsage": self.model_usage(),
                "permission_denials": t.denials, "fast_mode_state": "off", "uuid": uuid(),
                "errors": vec![errors.as_str()]};
                (line, format!("Error: {errors}"), true)
            }
        };
        self.last_error = is_error;
        self.out.result(&line, text);
    }

    /// An interrupted turn: while waiting for the API (`b_stream_interrupt.jsonl`) or while a
    /// tool ran (checked against the real CLI: `aborted_tools`).
    fn aborted(&mut self, t: Turn) {
        let (marker, reason, turns) = if t.in_tool {
            (INTERRUPTED_TOOL, "aborted_tools", t.calls + 2)
        } else {
            (INTERRUPTED, "aborted_streaming", t.calls + 1)
        };
        let stop = if t.in_tool { t.stop_reason } else { None };
        let u = uuid();
        let message = obj! {"role": "user", "content": vec![obj!{"type": "text", "text": marker}]};
        let line = self.user_line(message.clone(), &u, None);
        self.out.msg(&line);
        self.transcript.interrupted(&u, &t.prompt_id, message);
        let diagnostic = format!(
            "[ede_diagnostic] result_type=user last_content_type=n/a stop_reason={}",
            stop.unwrap_or("null")
        );
        let line = obj! {"type": "result", "subtype": "error_during_execution",
        "duration_ms": ms(t.started.elapsed()), "duration_api_ms": ms(t.api), "is_error": true,
        "num_turns": turns, "stop_reason": stop, "session_id": &self.session_id,
        "total_cost_usd": self.total_cost, "usage": t.usage.usage(),
        "modelUsage": self.model_usage(), "permission_denials": t.denials,
        "terminal_reason": reason, "fast_mode_state": "off", "uuid": uuid(),
        "errors": vec![diagnostic]};
        self.last_error = true;
        self.out.result(&line, marker.to_string());
    }
}

/// The `usage` of an `assistant` line (the real CLI shows the `message_start` counts).
fn call_usage() -> J {
    obj! {"input_tokens": INPUT_TOKENS, "output_tokens": 1u64,
    "cache_creation_input_tokens": 0u64, "cache_read_input_tokens": 0u64}
}

/// A refused or failed tool call: the block, `tool_use_result` and what the model sees.
fn error_result(id: &str, content: String) -> (J, J, LastTool) {
    let block = obj! {"type": "tool_result", "content": &content, "is_error": true,
    "tool_use_id": id};
    let result = J::V(Value::from(format!("Error: {content}")));
    (
        block,
        result,
        LastTool {
            content,
            is_error: true,
        },
    )
}

/// `--resume <id>` without a transcript: a result line on stdout, the message on stderr, rc 1.
pub fn resume_failed(out: &mut Out, id: &str) -> ! {
    let msg = format!("No conversation found with session ID: {id}");
    let line = obj! {"type": "result", "subtype": "error_during_execution", "duration_ms": 0u64,
    "duration_api_ms": 0u64, "is_error": true, "num_turns": 0u64, "stop_reason": NULL,
    "session_id": id, "total_cost_usd": 0u64, "usage": Totals::default().usage(),
    "modelUsage": J::O(Vec::new()), "permission_denials": Vec::<J>::new(), "uuid": uuid(),
    "errors": vec![msg.as_str()]};
    out.result(&line, msg.clone());
    out.finish();
    eprintln!("{msg}");
    std::process::exit(1);
}
