//! The conversation: keys, prompts, the scripted replies, the permission dialog, and the hooks
//! each step fires (hooks doc §2.1). A step that fires hooks waits for them (`Step::Hooks`)
//! while the screen keeps animating; their results come back through `App::hooks_done`.

use crate::hooks::{self, Cmd, Decision, Out};
use crate::keys::Key;
use crate::session::{self, Extra};
use crate::text::{block, sanitize};
use crate::{App, Outgoing, ask_command};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub const CTRL_C_WINDOW: Duration = Duration::from_secs(2);
const TOOL_RESULT: &str = "(Bash completed with no output)";
/// What one answered prompt adds to the status line's cost (the real CLI against the stub).
const COST_PER_TURN: f64 = 0.017_325;
/// The status line runs this long after a new assistant message (the real CLI's debounce).
const STATUS_DEBOUNCE: Duration = Duration::from_millis(300);
/// … and this long after the permission dialog closed.
const STATUS_AFTER_DIALOG: Duration = Duration::from_millis(180);
/// How long the Bash tool "runs".
const TOOL_TIME: Duration = Duration::from_millis(200);
const INTERRUPTED: &str = "Interrupted · What should Claude do instead?";

/// What to do once an event's hooks have finished.
pub enum After {
    /// UserPromptSubmit: think this long, then answer or ask for the tool.
    Think(Duration),
    /// PreToolUse: run, refuse or ask, as the hooks decided.
    PreTool,
    /// PostToolUse: on to PostToolBatch.
    PostTool,
    /// PostToolBatch: the final answer (Stop).
    Batch,
    /// Stop: show the reply and go idle.
    Finish,
}

/// What the current turn is doing.
pub enum Step {
    /// Busy until then (thinking, or the tool running).
    Working(Instant),
    /// Busy, waiting for the hooks of job `id`.
    Hooks {
        id: u64,
        cmds: Vec<Cmd>,
        after: After,
    },
    /// The permission dialog, with the selected row.
    Asking(usize),
}

/// The Bash call of an `ASK:` prompt.
pub struct Tool {
    pub command: String,
    id: String,
    /// Why it did not run (a hook blocked it).
    error: Option<String>,
    started: Instant,
}

impl Tool {
    fn input(&self) -> Value {
        json!({"command": self.command, "description": "mock-requested command"})
    }
}

/// The prompt being answered.
pub struct Turn {
    pub prompt: String,
    prompt_id: String,
    started: Instant,
    pub step: Step,
    pub tool: Option<Tool>,
    /// The tool was approved and is running (its `Working` ends in PostToolUse).
    running: bool,
    /// Something besides the prompt is on screen (an interrupt then keeps the prompt).
    output: bool,
    /// When the open dialog's `permission_prompt` Notification is due.
    pub notify_at: Option<Instant>,
}

impl App {
    pub(crate) fn working(&self) -> bool {
        self.turn
            .as_ref()
            .is_some_and(|t| !matches!(t.step, Step::Asking(_)))
    }

    fn asking(&self) -> bool {
        self.turn
            .as_ref()
            .is_some_and(|t| matches!(t.step, Step::Asking(_)))
    }

    pub(crate) fn handle(&mut self, key: Key, now: Instant) {
        if self.trust {
            match key {
                Key::Enter => self.accept_trust(now),
                Key::Text(t) if t == "1" => self.accept_trust(now),
                Key::Text(t) if t == "2" => self.exit(1, false, "other"),
                Key::Esc => self.exit(1, false, "other"),
                _ => {}
            }
            return;
        }
        if key == Key::CtrlC {
            if self
                .ctrl_c
                .is_some_and(|t| now.duration_since(t) < CTRL_C_WINDOW)
            {
                self.exit(0, true, "prompt_input_exit");
            }
            self.ctrl_c = Some(now);
            return;
        }
        if let Some(Turn {
            step: Step::Asking(sel),
            ..
        }) = &mut self.turn
        {
            let choice = match key {
                Key::Up => {
                    *sel = sel.saturating_sub(1);
                    None
                }
                Key::Down => {
                    *sel = (*sel + 1).min(2);
                    None
                }
                Key::Enter => Some(*sel),
                Key::Esc => Some(2),
                Key::Text(t) => ["1", "2", "3"].iter().position(|d| *d == t),
                _ => None,
            };
            if let Some(choice) = choice {
                self.answer(choice, now);
            }
            return;
        }
        match key {
            Key::Text(t) => self.input.push_str(&t),
            Key::Backspace => {
                self.input.pop();
            }
            Key::ClearLine => self.input.clear(),
            Key::Enter => {
                let text = std::mem::take(&mut self.input);
                self.submit(text, now);
            }
            Key::Esc if self.working() => self.interrupt(),
            _ => {}
        }
    }

    /// The prompt is up: SessionStart, the status line at mount, then the command-line prompt.
    pub(crate) fn accept_trust(&mut self, now: Instant) {
        self.trust = false;
        self.status_due = Some(now);
        let source = if self.cfg.resume { "resume" } else { "startup" };
        let mut fields = json!({"source": source});
        if !self.cfg.resume {
            fields["model"] = json!(self.session().map(|s| s.model_id().to_string()));
        }
        self.fire("SessionStart", source, Extra::None, fields);
        if let Some(prompt) = self.cfg.prompt.take() {
            self.submit(prompt, now);
        }
    }

    fn submit(&mut self, text: String, now: Instant) {
        let text = sanitize(&text);
        if text.trim().is_empty() {
            return;
        }
        if self.turn.is_some() {
            self.queue.push_back(text);
        } else {
            self.start(text, now);
        }
    }

    fn start(&mut self, prompt: String, now: Instant) {
        if matches!(prompt.trim(), "/exit" | "/quit") {
            self.input = prompt;
            self.exit(self.cfg.exit_code, true, "prompt_input_exit");
        }
        let busy = prompt.split("SLEEP:").nth(1).and_then(|rest| {
            let n: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            Duration::try_from_secs_f64(n.parse().ok()?).ok()
        });
        self.transcript.push(block("❯ ", &prompt));
        let prompt_id = session::uuid();
        if let Some(s) = self.session() {
            s.user(&prompt_id, &prompt);
        }
        self.last_prompt_id = Some(prompt_id.clone());
        self.turn = Some(Turn {
            prompt: prompt.clone(),
            prompt_id,
            started: now,
            step: Step::Working(now),
            tool: None,
            running: false,
            output: false,
            notify_at: None,
        });
        let think = busy.unwrap_or(Duration::from_millis(200));
        let fields = json!({"prompt": prompt});
        self.wait(
            "UserPromptSubmit",
            "",
            Extra::Mode,
            fields,
            After::Think(think),
            now,
        );
    }

    /// Moves the turn on when its time is up, runs due status lines and notifications, and
    /// the animation.
    pub(crate) fn advance(&mut self, now: Instant) {
        if self
            .ctrl_c
            .is_some_and(|t| now.duration_since(t) >= CTRL_C_WINDOW)
        {
            self.ctrl_c = None;
        }
        if now >= self.next_tick {
            self.tick += 1;
            self.next_tick = now + crate::TICK;
        }
        // Not while the dialog is open (the real footer is not mounted then).
        if self.status_due.is_some_and(|t| t <= now) && !self.asking() {
            self.status_due = None;
            self.run_status_line(now);
        }
        let Some(turn) = &mut self.turn else { return };
        if let (Step::Asking(_), Some(at)) = (&turn.step, turn.notify_at) {
            if at <= now {
                turn.notify_at = None;
                let fields = json!({"message": "Claude needs your permission",
                    "notification_type": "permission_prompt"});
                self.fire("Notification", "permission_prompt", Extra::Prompt, fields);
            }
            return;
        }
        let Step::Working(until) = turn.step else {
            return;
        };
        if now < until {
            return;
        }
        if turn.running {
            turn.running = false;
            self.tool_ran(now);
            return;
        }
        match ask_command(&turn.prompt) {
            Some(cmd) if turn.tool.is_none() => self.request_tool(cmd, now),
            _ => self.reply(now),
        }
    }

    /// The model asks for Bash: the tool_use message, then PreToolUse.
    fn request_tool(&mut self, command: String, now: Instant) {
        let id = format!("toolu_fake{}", &session::uuid().replace('-', "")[..16]);
        if let Some(s) = self.session() {
            s.assistant(None, Some((&id, &command)));
        }
        let tool = Tool {
            command,
            id,
            error: None,
            started: now,
        };
        let fields =
            json!({"tool_name": "Bash", "tool_input": tool.input(), "tool_use_id": tool.id});
        if let Some(turn) = &mut self.turn {
            turn.tool = Some(tool);
        }
        self.status_due = Some(now + STATUS_DEBOUNCE);
        self.wait(
            "PreToolUse",
            "Bash",
            Extra::Effort,
            fields,
            After::PreTool,
            now,
        );
    }

    /// What the PreToolUse hooks decided: refuse, run, or show the dialog.
    fn decide(&mut self, decision: Decision, now: Instant) {
        let bypass = self.cfg.bypass;
        let cwd = self.cwd.clone();
        let notify_after = self.cfg.notify_after;
        let Some(turn) = &mut self.turn else { return };
        let Some(tool) = &mut turn.tool else { return };
        turn.output = true;
        let line = format!("● Bash({})", tool.command);
        match decision {
            Decision::Deny(reason) => {
                self.transcript.push(format!(
                    "{line}\n{}",
                    block("  ⎿  Error: ", &sanitize(&reason))
                ));
                tool.error = Some(reason.clone());
                let (prompt_id, id) = (turn.prompt_id.clone(), tool.id.clone());
                if let Some(s) = self.session() {
                    s.tool_result(&prompt_id, &id, &reason, true);
                }
                self.batch(now);
            }
            d if d == Decision::Allow || (bypass && d == Decision::Pass) => {
                self.transcript.push(format!("{line}\n  ⎿  Done"));
                tool.started = now;
                turn.running = true;
                turn.step = Step::Working(now + TOOL_TIME);
            }
            _ => {
                self.transcript.push(format!("{line}\n  ⎿  Waiting…"));
                turn.step = Step::Asking(0);
                turn.notify_at = now.checked_add(notify_after);
                let fields = json!({"tool_name": "Bash", "tool_input": tool.input(),
                    "permission_suggestions": [
                        {"type": "addDirectories", "directories": [cwd], "destination": "session"},
                        {"type": "setMode", "mode": "acceptEdits", "destination": "session"}]});
                // Sent after the next frame, which draws the dialog.
                self.fire("PermissionRequest", "Bash", Extra::Effort, fields);
            }
        }
    }

    /// Permission dialog answer: 0 or 1 approve (1 = always allow), 2 refuses and ends the
    /// turn with no hook at all.
    fn answer(&mut self, choice: usize, now: Instant) {
        let verdict = if choice < 2 { "Done" } else { INTERRUPTED };
        if let Some(last) = self.transcript.last_mut() {
            *last = last.replace("Waiting…", verdict);
        }
        let Some(turn) = &mut self.turn else { return };
        if choice < 2 {
            if let Some(tool) = &mut turn.tool {
                tool.started = now;
            }
            turn.running = true;
            turn.step = Step::Working(now + TOOL_TIME);
            self.status_due = Some(now + STATUS_AFTER_DIALOG);
            return;
        }
        let prompt_id = turn.prompt_id.clone();
        let tool_id = turn.tool.as_ref().map(|t| t.id.clone()).unwrap_or_default();
        self.turn = None;
        if let Some(s) = self.session() {
            let no = "The user doesn't want to proceed with this tool use. The tool use was \
                      rejected (eg. if it was a file edit, the new_string was NOT written to \
                      the file). STOP what you are doing and wait for the user to tell you how \
                      to proceed.";
            s.tool_result(&prompt_id, &tool_id, no, true);
            s.interrupted(&prompt_id, true);
        }
        self.next(now);
    }

    /// The tool has run: its result, then PostToolUse.
    fn tool_ran(&mut self, now: Instant) {
        let Some(turn) = &self.turn else { return };
        let Some(tool) = &turn.tool else { return };
        let fields = json!({"tool_name": "Bash", "tool_input": tool.input(),
            "tool_response": {"stdout": "", "stderr": "", "interrupted": false, "isImage": false,
                "noOutputExpected": true},
            "tool_use_id": tool.id,
            "duration_ms": u64::try_from(now.duration_since(tool.started).as_millis()).unwrap_or(0)});
        let (prompt_id, id) = (turn.prompt_id.clone(), tool.id.clone());
        if let Some(s) = self.session() {
            s.tool_result(&prompt_id, &id, TOOL_RESULT, false);
        }
        self.wait(
            "PostToolUse",
            "Bash",
            Extra::Effort,
            fields,
            After::PostTool,
            now,
        );
    }

    /// PostToolBatch, then the answer.
    fn batch(&mut self, now: Instant) {
        let Some(tool) = self.turn.as_ref().and_then(|t| t.tool.as_ref()) else {
            return;
        };
        let fields = json!({"tool_calls": [{"tool_name": "Bash", "tool_input": tool.input(),
            "tool_use_id": tool.id,
            "tool_response": tool.error.as_deref().unwrap_or(TOOL_RESULT)}]});
        self.wait(
            "PostToolBatch",
            "",
            Extra::Effort,
            fields,
            After::Batch,
            now,
        );
    }

    /// The reply text of the current turn.
    fn reply_text(&self) -> String {
        let Some(turn) = &self.turn else {
            return String::new();
        };
        match &turn.tool {
            Some(t) => format!(
                "TOOL_RESULT_SEEN: {}",
                t.error.as_deref().unwrap_or(TOOL_RESULT)
            ),
            None => format!("ECHO: {}", turn.prompt),
        }
    }

    /// The answer is ready: Stop fires (and is waited for) before it shows.
    fn reply(&mut self, now: Instant) {
        let fields = json!({"stop_hook_active": false, "last_assistant_message": self.reply_text(),
            "background_tasks": [], "session_crons": []});
        self.wait("Stop", "", Extra::Effort, fields, After::Finish, now);
    }

    fn finish(&mut self, now: Instant) {
        let reply = self.reply_text();
        let Some(turn) = self.turn.take() else { return };
        self.transcript.push(block("● ", &reply));
        let took = now.duration_since(turn.started);
        self.transcript
            .push(format!("✻ Cooked for {}s", took.as_secs()));
        if let Some(s) = self.session() {
            s.assistant(Some(&reply), None);
        }
        self.cost.usd += COST_PER_TURN;
        self.cost.turns += 1;
        self.cost.api_ms += took.as_millis();
        self.status_due = Some(now + STATUS_DEBOUNCE);
        self.next(now);
    }

    fn next(&mut self, now: Instant) {
        if let Some(prompt) = self.queue.pop_front() {
            self.start(prompt, now);
        }
    }

    /// Esc while working: no hook fires. When nothing was output yet, the prompt (and any
    /// queued ones) go back into the input box.
    fn interrupt(&mut self) {
        let Some(turn) = self.turn.take() else { return };
        if let Some(s) = self.session() {
            s.interrupted(&turn.prompt_id, false);
        }
        let mut back: Vec<String> = Vec::new();
        if turn.output {
            if let Some(last) = self.transcript.last_mut() {
                last.push_str(&format!("\n  ⎿  {INTERRUPTED}"));
            }
        } else {
            if let Some(last) = self.transcript.last_mut() {
                last.push_str("\n  ⎿  Interrupted by user");
            }
            back.push(turn.prompt);
        }
        back.extend(self.queue.drain(..));
        if !self.input.is_empty() {
            back.push(std::mem::take(&mut self.input));
        }
        self.input = back.join("\n");
    }

    /// Queues `event`'s matching hooks with its payload (sent once the next frame is drawn);
    /// the job id and the commands, or None when no hook matches.
    pub(crate) fn fire(
        &mut self,
        event: &str,
        subject: &str,
        extra: Extra,
        fields: Value,
    ) -> Option<(u64, Vec<Cmd>)> {
        let ctx = self.ctx.as_ref()?;
        let cmds = ctx.settings.matched(event, subject);
        if cmds.is_empty() {
            return None;
        }
        let payload = ctx
            .session
            .payload(event, self.last_prompt_id.as_deref(), extra, fields);
        self.next_job += 1;
        self.outbox.push(Outgoing::Hooks(hooks::Job {
            id: self.next_job,
            cmds: cmds.clone(),
            stdin: payload.to_string().into_bytes(),
        }));
        Some((self.next_job, cmds))
    }

    /// Fires `event` and lets the turn wait for its hooks; goes on at once when there are none.
    fn wait(
        &mut self,
        event: &str,
        subject: &str,
        extra: Extra,
        fields: Value,
        after: After,
        now: Instant,
    ) {
        match self.fire(event, subject, extra, fields) {
            Some((id, cmds)) => {
                if let Some(turn) = &mut self.turn {
                    turn.step = Step::Hooks { id, cmds, after };
                }
            }
            None => self.resume(after, &[], &[], now),
        }
    }

    /// The hooks of job `id` have finished.
    pub(crate) fn hooks_done(&mut self, id: u64, outs: &[Out], now: Instant) {
        let Some(turn) = &mut self.turn else { return };
        if !matches!(turn.step, Step::Hooks { id: want, .. } if want == id) {
            return;
        }
        if let Step::Hooks { cmds, after, .. } =
            std::mem::replace(&mut turn.step, Step::Working(now))
        {
            self.resume(after, &cmds, outs, now);
        }
    }

    fn resume(&mut self, after: After, cmds: &[Cmd], outs: &[Out], now: Instant) {
        match after {
            After::Think(d) => {
                if let Some(turn) = &mut self.turn {
                    let far = now + Duration::from_secs(86_400);
                    turn.step = Step::Working(now.checked_add(d).unwrap_or(far));
                }
            }
            After::PreTool => self.decide(hooks::decision("Bash", cmds, outs), now),
            After::PostTool => self.batch(now),
            After::Batch => self.reply(now),
            After::Finish => self.finish(now),
        }
    }

    /// Queues a status-line run with the current state as its stdin.
    fn run_status_line(&mut self, now: Instant) {
        let Some(ctx) = &self.ctx else { return };
        if ctx.settings.status_line.is_none() {
            return;
        }
        self.cost.duration_ms = now.duration_since(self.born).as_millis();
        let stdin = ctx
            .session
            .status_json(self.last_prompt_id.as_deref(), &self.cost)
            .to_string()
            .into_bytes();
        self.status_seq += 1;
        self.outbox.push(Outgoing::Status(self.status_seq, stdin));
    }
}
