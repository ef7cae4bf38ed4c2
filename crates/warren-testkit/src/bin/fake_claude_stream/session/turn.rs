//! One turn: the queued user messages become one prompt, then simulated API calls and tool
//! calls alternate until a reply without tool use, a limit or an interrupt; then the `result`.

use super::{Interrupted, Queued, Session, hang};
use crate::json::{J, NULL, hex, obj, uuid};
use crate::script::{self, Reply};
use crate::tools::{self, ChildOut, Verdict};
use crate::transcript;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Output tokens of every simulated call (`message_delta`).
const OUTPUT_TOKENS: u64 = 9;
/// Gap between the API calls of a `LOOP` turn.
const LOOP_PAUSE: Duration = Duration::from_millis(20);
/// A Bash command still running after this becomes a "task" (`system/task_started`).
const BASH_TASK_AFTER: Duration = Duration::from_secs(3);
const INTERRUPTED: &str = "[Request interrupted by user]";
const INTERRUPTED_TOOL: &str = "[Request interrupted by user for tool use]";
const REJECTED: &str = "The user doesn't want to proceed with this tool use. The tool use was \
    rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what \
    you are doing and wait for the user to tell you how to proceed.";
const FILE_STATE: &str = "(file state is current in your context — no need to Read it back)";

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
pub(super) struct Totals {
    pub input: u64,
    pub output: u64,
    pub cost: f64,
}

impl Totals {
    fn add(&mut self, input: u64, cost: f64) {
        self.input += input;
        self.output += OUTPUT_TOKENS;
        self.cost += cost;
    }

    /// The `usage` object of a `result`.
    pub fn usage(&self) -> J {
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
    /// Input tokens of each call (`TOKENS:<n>`).
    input_tokens: u64,
    /// API calls made.
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

/// A finished tool call: the tool_result block, `tool_use_result`, and the content the model
/// sees next.
struct Outcome {
    block: J,
    result: J,
    content: String,
}

/// A refused or failed call: `is_error` true, `tool_use_result` the error text.
fn failure(id: &str, content: String, result: String) -> Outcome {
    Outcome {
        block: obj! {"type": "tool_result", "content": &content, "is_error": true,
        "tool_use_id": id},
        result: J::V(Value::from(result)),
        content,
    }
}

/// A denial or failure whose `tool_use_result` is `Error: <content>`.
fn error(id: &str, content: String) -> Outcome {
    let result = format!("Error: {content}");
    failure(id, content, result)
}

/// The Bash tool's result, as 2.1.197 reports it (stderr is merged into stdout).
fn bash_outcome(id: &str, out: &ChildOut) -> Outcome {
    let stdout = out.stdout.trim_end_matches('\n').to_string();
    if out.code != 0 {
        return if stdout.is_empty() {
            error(id, format!("Exit code {}", out.code))
        } else {
            error(id, format!("Exit code {}\n{stdout}", out.code))
        };
    }
    let content = if stdout.is_empty() {
        "(Bash completed with no output)".to_string()
    } else {
        stdout.clone()
    };
    Outcome {
        block: obj! {"tool_use_id": id, "type": "tool_result", "content": &content,
        "is_error": false},
        result: obj! {"stdout": &stdout, "stderr": "", "interrupted": false, "isImage": false,
        "noOutputExpected": stdout.is_empty()},
        content,
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The content of several queued user lines as ONE message (their blocks in order).
fn merge(lines: &[Queued]) -> Value {
    let content = |q: &Queued| {
        q.line["message"]
            .get("content")
            .cloned()
            .unwrap_or_else(|| Value::from(""))
    };
    if let [one] = lines {
        return content(one);
    }
    let mut blocks = Vec::new();
    for q in lines {
        match content(q) {
            Value::String(s) => blocks.push(json!({"type": "text", "text": s})),
            Value::Array(a) => blocks.extend(a),
            _ => {}
        }
    }
    Value::Array(blocks)
}

/// `host:port` of `ANTHROPIC_BASE_URL` (the CLI names it in 5xx errors).
fn gateway() -> String {
    let url = std::env::var("ANTHROPIC_BASE_URL").unwrap_or_default();
    let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    match rest.split('/').next() {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => "api.anthropic.com".to_string(),
    }
}

/// What the CLI makes of an HTTP error of the API: (text, assistant `error` kind).
fn api_error_text(status: u16, model: &str) -> (String, &'static str) {
    let mock = format!("mock error {status}");
    match status {
        401 | 403 => (
            format!("Failed to authenticate. API Error: {status} {mock}"),
            "authentication_failed",
        ),
        404 => (
            format!(
                "There's an issue with the selected model ({model}). It may not exist or you may \
                 not have access to it. Run --model to pick a different model."
            ),
            "model_not_found",
        ),
        429 => (
            format!("API Error: Request rejected (429) · {mock}"),
            "rate_limit",
        ),
        500.. => (
            format!(
                "API Error: {status} {mock}. This is a server-side issue, usually temporary — try \
                 again in a moment. If it persists, check your inference gateway ({}).",
                gateway()
            ),
            "server_error",
        ),
        _ => (format!("API Error: {status} {mock}"), "unknown"),
    }
}

impl Session {
    /// Runs one turn for the user lines queued since the last one.
    pub(super) fn turn(&mut self, queued: Vec<Queued>) {
        let started = Instant::now();
        let content = merge(&queued);
        let at = queued.first().map(|q| q.at.clone()).unwrap_or_default();
        let texts = transcript::texts(&content);
        let prompt = texts.last().cloned().unwrap_or_default();
        let user_uuid = uuid();
        let prompt_id = uuid();

        self.out.event(&self.init_line());
        if self.cfg.replay {
            let replay = self.replay_line(&content, &at, &user_uuid);
            self.out.replay_later(replay);
        }
        self.transcript.queue();
        let message = obj! {"role": "user", "content": J::typed(&content)};
        self.transcript
            .prompt(&user_uuid, &prompt_id, message, &self.cfg.permission_mode);
        // What RECALL lists: every earlier user text, the other blocks of this message too.
        let mut earlier = self.history.clone();
        earlier.extend(texts.iter().take(texts.len().saturating_sub(1)).cloned());
        self.history.extend(texts);

        if script::has_word(&prompt, "HANG") {
            hang();
        }
        let mut t = Turn {
            started,
            prompt_id,
            input_tokens: script::input_tokens(&prompt),
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

    /// The agent loop: API call, tool, API call, … until a reply without tool use.
    fn converse(
        &mut self,
        prompt: &str,
        earlier: &[String],
        t: &mut Turn,
    ) -> Result<End, Interrupted> {
        let looping = script::has_word(prompt, "LOOP");
        let mut last_result: Option<String> = None;
        loop {
            if self.cfg.max_turns.is_some_and(|max| t.calls >= max) {
                return Ok(End::MaxTurns);
            }
            let reply = script::reply(prompt, earlier, last_result.as_deref());
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
            let block = Block::Tool {
                id: id.clone(),
                name: name.clone(),
                input: input.clone(),
            };
            let uuids = self.api_call(t, &[block], "tool_use");
            if self.over_budget() {
                return Ok(End::Budget);
            }
            let source = uuids.last().cloned().unwrap_or_default();
            last_result = Some(self.use_tool(t, &id, &name, &input, force_deny, &source)?);
            self.fold_queued();
        }
    }

    /// Messages that arrived while the turn ran go into the turn at the next tool-result
    /// boundary (the real CLI hands them to the model as a system note): replayed here, and
    /// they get no turn of their own.
    fn fold_queued(&mut self) {
        let queued: Vec<Queued> = self.queue.drain(..).collect();
        for q in queued {
            if self.cfg.replay {
                let content = q.line["message"]
                    .get("content")
                    .cloned()
                    .unwrap_or_default();
                let line = self.replay_line(&content, &q.at, &uuid());
                self.out.msg(&line);
            }
        }
    }

    /// One simulated API response: stream events (with `--include-partial-messages`), one
    /// `assistant` line per block, transcript entries. Returns the assistant lines' uuids.
    fn api_call(&mut self, t: &mut Turn, blocks: &[Block], stop: &'static str) -> Vec<String> {
        let input_tokens = t.input_tokens;
        let cost = self.cost_override.unwrap_or_else(|| {
            let (pin, pout) = self.cfg.model.price;
            (input_tokens as f64 * pin + OUTPUT_TOKENS as f64 * pout) / 1e6
        });
        t.calls += 1;
        t.usage.add(input_tokens, cost);
        t.api += Duration::from_millis(1);
        t.ttft.get_or_insert_with(|| t.started.elapsed());
        self.total_cost += cost;
        let display = self.cfg.model.display.clone();
        match self
            .model_usage
            .iter_mut()
            .find(|(m, _)| m.display == display)
        {
            Some((_, totals)) => totals.add(input_tokens, cost),
            None => {
                let mut totals = Totals::default();
                totals.add(input_tokens, cost);
                self.model_usage.push((self.cfg.model.clone(), totals));
            }
        }

        let msg_id = format!("msg_mock{}", hex(16));
        let request_id = format!("req_{}", hex(20));
        let model = self.cfg.model.api.clone();
        // stdout shows `context_management`, the transcript `stop_details` (both null).
        let message = |content: J, stop: Option<&str>, usage: J, last: &'static str| {
            let mut m = obj! {"id": &msg_id, "type": "message", "role": "assistant",
            "model": &model, "content": vec![content], "stop_reason": stop,
            "stop_sequence": NULL, "usage": usage};
            m.extend(J::O(vec![(last.to_string(), NULL)]));
            m
        };
        // The assistant lines show the message_start usage (output 1), as the real CLI does.
        let start_usage = || {
            obj! {"input_tokens": input_tokens, "output_tokens": 1u64,
            "cache_creation_input_tokens": 0u64, "cache_read_input_tokens": 0u64}
        };
        let partial = self.cfg.partial;
        if partial {
            let start = obj! {"type": "message_start", "message": obj!{"id": &msg_id,
            "type": "message", "role": "assistant", "model": &model, "content": Vec::<J>::new(),
            "stop_reason": NULL, "stop_sequence": NULL, "usage": start_usage()}};
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
            "message": message(block.content(), None, start_usage(), "context_management"),
            "parent_tool_use_id": NULL,
            "session_id": &self.session_id, "uuid": &u, "request_id": &request_id};
            self.out.msg(&line);
            let mut usage = Totals::default();
            usage.add(input_tokens, cost);
            self.transcript.assistant(
                &u,
                message(block.content(), Some(stop), usage.usage(), "stop_details"),
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
        let (text, kind) = api_error_text(status, &self.cfg.model.display);
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

    /// Runs a tool call and emits its tool_result; returns what the model sees. An interrupt
    /// meanwhile kills the tool and reports it rejected, as the real CLI does.
    fn use_tool(
        &mut self,
        t: &mut Turn,
        id: &str,
        name: &str,
        input: &Value,
        force_deny: bool,
        source: &str,
    ) -> Result<String, Interrupted> {
        let outcome = self.tool_outcome(t, id, name, input, force_deny);
        let interrupted = outcome.is_err();
        let outcome = outcome.unwrap_or_else(|Interrupted| {
            t.in_tool = true;
            failure(id, REJECTED.into(), "User rejected tool use".into())
        });
        let u = uuid();
        let message = obj! {"role": "user", "content": vec![outcome.block]};
        let line = self.user_line(message.clone(), &u, Some(outcome.result.clone()));
        self.out.msg(&line);
        self.transcript
            .tool_result(&u, &t.prompt_id, message, outcome.result, source);
        if interrupted {
            return Err(Interrupted);
        }
        Ok(outcome.content)
    }

    /// The tool set, PreToolUse hooks, the permission check, then the tool itself.
    fn tool_outcome(
        &mut self,
        t: &mut Turn,
        id: &str,
        name: &str,
        input: &Value,
        force_deny: bool,
    ) -> Result<Outcome, Interrupted> {
        if !self.cfg.tools.iter().any(|x| x == name) {
            let (content, result) = tools::unavailable(name);
            return Ok(failure(id, content, result));
        }
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
            let out = self.run_child(&command, Some(stdin.text()))?;
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
        if let Some(reason) = denial {
            t.denials
                .push(obj! {"tool_name": name, "tool_use_id": id, "tool_input": input});
            return Ok(error(id, reason));
        }
        if name == "Bash" {
            return self.bash(id, input);
        }
        Ok(self.other_tool(id, name, input))
    }

    /// Runs a Bash command; past [`BASH_TASK_AFTER`] it is reported as a task, like 2.1.197.
    fn bash(&mut self, id: &str, input: &Value) -> Result<Outcome, Interrupted> {
        let command = input["command"].as_str().unwrap_or("");
        let child = match self.start_child(command, None, true) {
            Ok(child) => child,
            Err(out) => return Ok(bash_outcome(id, &out)),
        };
        let lost = || ChildOut {
            code: -1,
            stdout: String::new(),
            stderr: String::new(),
        };
        let out = match self.wait_child(&child, Some(Instant::now() + BASH_TASK_AFTER))? {
            Some(out) => out,
            None => {
                let task_id = format!("b{}", hex(8));
                let description = input["description"].as_str().unwrap_or("").to_string();
                self.task_line(
                    "task_started",
                    obj! {"task_id": &task_id, "tool_use_id": id,
                    "description": &description, "task_type": "local_bash"},
                );
                let out = self.wait_child(&child, None)?.unwrap_or_else(lost);
                self.task_line(
                    "task_notification",
                    obj! {"task_id": &task_id,
                    "tool_use_id": id, "status": "completed", "output_file": "",
                    "summary": &description},
                );
                out
            }
        };
        Ok(bash_outcome(id, &out))
    }

    /// Tools other than Bash are not run (result `ok`), except Write with `file_path` and
    /// `content`, which writes the file and answers like the real tool.
    fn other_tool(&mut self, id: &str, name: &str, input: &Value) -> Outcome {
        let (Some(path), Some(text), true) = (
            input["file_path"].as_str(),
            input["content"].as_str(),
            name == "Write",
        ) else {
            return Outcome {
                block: obj! {"tool_use_id": id, "type": "tool_result", "content": "ok"},
                result: J::V(Value::from("ok")),
                content: "ok".into(),
            };
        };
        let full = std::path::Path::new(&self.cwd).join(path);
        let original = std::fs::read_to_string(&full).ok();
        let written = full
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&full, text));
        if let Err(e) = written {
            return error(id, format!("{}: {e}", full.display()));
        }
        let (kind, content) = match original {
            None => (
                "create",
                format!("File created successfully at: {path} {FILE_STATE}"),
            ),
            Some(_) => (
                "update",
                format!("The file {path} has been updated successfully. {FILE_STATE}"),
            ),
        };
        Outcome {
            block: obj! {"tool_use_id": id, "type": "tool_result", "content": &content},
            result: obj! {"type": kind, "filePath": path, "content": text,
            "structuredPatch": Vec::<J>::new(), "originalFile": original,
            "userModified": false},
            content,
        }
    }

    // ---- results -------------------------------------------------------------------------

    fn finish(&mut self, end: End, t: Turn) {
        let duration = ms(t.started.elapsed());
        let api = ms(t.api);
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
                let max = self.cfg.max_turns.unwrap_or(0);
                let error = format!("Reached maximum number of turns ({max})");
                let line = obj! {"type": "result", "subtype": "error_max_turns",
                "duration_ms": duration, "duration_api_ms": api, "is_error": true,
                "num_turns": t.calls + 1, "stop_reason": t.stop_reason,
                "session_id": &self.session_id, "total_cost_usd": self.total_cost,
                "usage": t.usage.usage(), "modelUsage": self.model_usage(),
                "permission_denials": t.denials, "terminal_reason": "max_turns",
                "fast_mode_state": "off", "uuid": uuid(), "errors": vec![error.as_str()]};
                (line, format!("Error: {error}"), true)
            }
            End::Budget => {
                let max = self.cfg.max_budget.unwrap_or(0.0);
                let error = format!("Reached maximum budget (${max})");
                let line = obj! {"type": "result", "subtype": "error_max_budget_usd",
                "duration_ms": duration, "duration_api_ms": 0u64, "is_error": true,
                "num_turns": t.calls.max(1), "stop_reason": t.stop_reason,
                "session_id": &self.session_id, "total_cost_usd": self.total_cost,
                "usage": Totals::default().usage(), "modelUsage": self.model_usage(),
                "permission_denials": t.denials, "fast_mode_state": "off", "uuid": uuid(),
                "errors": vec![error.as_str()]};
                (line, format!("Error: {error}"), true)
            }
        };
        self.last_error = is_error;
        self.out.result(&line, text);
    }

    /// An interrupted turn: while waiting for the API (`b_stream_interrupt.jsonl`:
    /// `aborted_streaming`) or while a tool ran (`aborted_tools`, checked on the real CLI).
    fn aborted(&mut self, t: Turn) {
        let (marker, reason) = if t.in_tool {
            (INTERRUPTED_TOOL, "aborted_tools")
        } else {
            (INTERRUPTED, "aborted_streaming")
        };
        let stop = if t.in_tool { t.stop_reason } else { None };
        let u = uuid();
        let message = obj! {"role": "user", "content": vec![obj!{"type": "text", "text": marker}]};
        let line = self.user_line(message.clone(), &u, None);
        self.out.msg(&line);
        self.transcript.interrupted(&u, &t.prompt_id, message);
        self.history.push(marker.to_string());
        let diagnostic = format!(
            "[ede_diagnostic] result_type=user last_content_type=n/a stop_reason={}",
            stop.unwrap_or("null")
        );
        let line = obj! {"type": "result", "subtype": "error_during_execution",
        "duration_ms": ms(t.started.elapsed()), "duration_api_ms": ms(t.api), "is_error": true,
        "num_turns": t.calls + 2, "stop_reason": stop, "session_id": &self.session_id,
        "total_cost_usd": self.total_cost, "usage": t.usage.usage(),
        "modelUsage": self.model_usage(), "permission_denials": t.denials,
        "terminal_reason": reason, "fast_mode_state": "off", "uuid": uuid(),
        "errors": vec![diagnostic]};
        self.last_error = true;
        self.out.result(&line, marker.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_read_like_the_cli() {
        assert_eq!(
            api_error_text(400, "m"),
            ("API Error: 400 mock error 400".to_string(), "unknown")
        );
        assert_eq!(api_error_text(401, "m").1, "authentication_failed");
        assert!(api_error_text(404, "claude-x").0.contains("(claude-x)"));
        assert_eq!(
            api_error_text(429, "m").0,
            "API Error: Request rejected (429) · mock error 429"
        );
        assert!(
            api_error_text(529, "m")
                .0
                .starts_with("API Error: 529 mock error 529. This")
        );
    }

    #[test]
    fn queued_lines_merge_into_one_message() {
        let q = |content: Value| Queued {
            line: json!({"type": "user", "message": {"role": "user", "content": content}}),
            at: String::new(),
        };
        assert_eq!(merge(&[q(json!("one"))]), json!("one"));
        let merged = merge(&[q(json!("one")), q(json!([{"type": "text", "text": "two"}]))]);
        assert_eq!(
            merged,
            json!([{"type": "text", "text": "one"}, {"type": "text", "text": "two"}])
        );
    }
}
