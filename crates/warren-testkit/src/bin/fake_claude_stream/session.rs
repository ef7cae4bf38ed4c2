//! The session: the event loop over stdin, the control protocol and child processes. One
//! thread; stdin and child processes report over one channel and every wait is a
//! `recv`/`recv_timeout` on it, so control requests are answered at once even while a turn is
//! "thinking". The turn itself is in [`turn`].

mod turn;

use crate::catalog::{self, VERSION};
use crate::cli::{Config, Model};
use crate::json::{J, NULL, Out, now_iso, obj, uuid};
use crate::tools::{self, ChildOut, Hook};
use crate::transcript::{self, Transcript};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};
use turn::Totals;

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

/// A user line from stdin waiting for its turn, with the time it arrived.
struct Queued {
    line: Value,
    at: String,
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

/// A running child process (tool or hook).
struct Running {
    id: u64,
    pgid: u32,
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
    /// User lines waiting for the next turn.
    queue: VecDeque<Queued>,
    eof: bool,
    transcript: Transcript,
    /// Every user text of the conversation so far, as the API sees them (prompts and interrupt
    /// markers, resumed history included): what `RECALL` lists.
    history: Vec<String>,
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
            history: transcript::user_texts(&start.history),
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
        self.queue.push_back(Queued {
            line: json!({"type": "user", "message": {"role": "user", "content": prompt}}),
            at: now_iso(),
        });
        self.eof = true;
    }

    /// The idle loop: run queued turns, answer control requests, exit once stdin is closed.
    pub fn run(mut self) -> ! {
        loop {
            if !self.queue.is_empty() {
                // Everything queued while the last turn ran becomes ONE turn (as the real CLI
                // merges them into one user message).
                let queued: Vec<Queued> = self.queue.drain(..).collect();
                self.turn(queued);
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
        let last = self.history.last().cloned();
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
                self.queue.push_back(Queued {
                    line: v,
                    at: now_iso(),
                });
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

    /// Waits until `deadline` (or until the child `child` ends), handling stdin meanwhile:
    /// user lines are queued, EOF is remembered (it is not an interrupt), an interrupt aborts
    /// the wait. `Ok(None)`: the deadline passed.
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

    /// Starts `sh -c script` in the cwd with the environment the CLI gives tools and hooks.
    /// `Err` is the result of a child that could not start.
    fn start_child(
        &mut self,
        script: &str,
        stdin: Option<String>,
        merge: bool,
    ) -> Result<Running, ChildOut> {
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
        match tools::spawn(script, &self.cwd, &env, stdin, merge, done) {
            Ok(pgid) => Ok(Running { id, pgid }),
            Err(e) => Err(ChildOut {
                code: 127,
                stdout: String::new(),
                stderr: e.to_string(),
            }),
        }
    }

    /// Waits for a child until `deadline` (`Ok(None)` when it passes first); an interrupt
    /// kills the child's process group.
    fn wait_child(
        &mut self,
        child: &Running,
        deadline: Option<Instant>,
    ) -> Result<Option<ChildOut>, Interrupted> {
        self.wait(deadline, Some(child.id)).inspect_err(|_| {
            tools::kill_group(child.pgid);
        })
    }

    /// Runs `sh -c script` to the end (hooks).
    fn run_child(&mut self, script: &str, stdin: Option<String>) -> Result<ChildOut, Interrupted> {
        let child = match self.start_child(script, stdin, false) {
            Ok(c) => c,
            Err(out) => return Ok(out),
        };
        let out = self.wait_child(&child, None)?;
        Ok(out.unwrap_or(ChildOut {
            code: -1,
            stdout: String::new(),
            stderr: String::new(),
        }))
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

    /// The `--replay-user-messages` echo of a user message.
    fn replay_line(&self, content: &Value, at: &str, uuid: &str) -> J {
        obj! {"type": "user", "message": obj!{"role": "user", "content": J::typed(content)},
        "session_id": &self.session_id, "parent_tool_use_id": NULL, "uuid": uuid,
        "timestamp": at, "isReplay": true}
    }

    fn stream_event(&mut self, event: J, ttft: Option<u64>) {
        let mut line = obj! {"type": "stream_event", "event": event,
        "session_id": &self.session_id, "parent_tool_use_id": NULL, "uuid": uuid()};
        if let Some(t) = ttft {
            line.extend(obj! {"ttft_ms": t});
        }
        self.out.event(&line);
    }

    /// A `system` line about a long-running Bash command (`task_started`, …).
    fn task_line(&mut self, subtype: &str, fields: J) {
        let mut line = obj! {"type": "system", "subtype": subtype};
        line.extend(fields);
        line.extend(obj! {"uuid": uuid(), "session_id": &self.session_id});
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
