//! Reading the agent's stream from the output log and acting on each event.

use super::*;

impl Actor {
    /// Reads what the holder appended, parses complete lines, acts on them.
    /// Reads and acts on what was appended; answers whether anything was.
    pub(super) async fn read(&mut self) -> bool {
        let mut got = false;
        loop {
            let from = self.parsed + self.buf.len() as u64;
            let read = match warren_helpers::outlog::read_range(&self.h.dir, from, CHUNK) {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(session = %self.h.name, "reading the agent's output: {e}");
                    return got;
                }
            };
            if read.data.is_empty() {
                return got;
            }
            got = true;
            if read.missing > 0 {
                // Rotated away while nobody read it: start at what is there.
                self.buf.clear();
                self.parsed = read.offset;
            }
            let end = read.offset + read.data.len() as u64;
            self.h.advance(end);
            self.buf.extend_from_slice(&read.data);
            let full = read.data.len() >= CHUNK;
            self.parse_buffer().await;
            if let Err(e) = self.d.store.save_parsed_offset(&self.h.id, self.parsed) {
                tracing::error!("storing the parse cursor: {e}");
            }
            if !full {
                return got;
            }
        }
    }

    pub(super) async fn parse_buffer(&mut self) {
        let mut start = 0;
        while let Some(nl) = self.buf[start..].iter().position(|b| *b == b'\n') {
            let line = self.buf[start..start + nl].to_vec();
            start += nl + 1;
            self.parsed += (nl + 1) as u64;
            let line = line.strip_suffix(b"\r").unwrap_or(&line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            for ev in parse_line(line) {
                self.on_event(ev).await;
            }
        }
        self.buf.drain(..start);
        if self.buf.len() > MAX_LINE {
            let line = std::mem::take(&mut self.buf);
            self.parsed += line.len() as u64;
            for ev in parse_line(&line[..MAX_LINE.min(line.len())]) {
                self.on_event(ev).await;
            }
        }
    }

    pub(super) fn publish(&self, kind: EventKind) {
        if let Err(e) = self.d.bus.publish(&self.h.id, self.h.name.as_str(), kind) {
            tracing::error!("storing event: {e}");
        }
    }

    pub(super) async fn on_event(&mut self, ev: AgentEvent) {
        if let Some(t) = self.open.as_mut() {
            t.last_output = Instant::now();
        }
        let mut over_turns = None;
        match &ev {
            AgentEvent::Init {
                agent_session_id, ..
            } => self.note_agent_session(agent_session_id),
            AgentEvent::User { text } => {
                if let Some(t) = self.open.as_mut() {
                    if !t.acked && *text == t.prompt {
                        t.acked = true;
                        self.h.turn_acked(t.seq);
                    }
                }
            }
            AgentEvent::Text { message_id, .. } => over_turns = self.note_call(message_id),
            AgentEvent::ToolUse {
                tool_use_id,
                name,
                input,
                message_id,
            } => {
                if let Some(t) = self.open.as_mut() {
                    t.tool(tool_use_id, name);
                }
                over_turns = self.note_call(message_id);
                self.check_protected(name, input);
            }
            AgentEvent::ToolResult { tool_use_id, .. } => {
                if let Some(t) = self.open.as_mut() {
                    t.pending_tools.remove(tool_use_id);
                }
            }
            _ => {}
        }
        let result = match &ev {
            AgentEvent::Result(r) => Some(r.clone()),
            _ => None,
        };
        self.publish(EventKind::Agent(ev));
        if let Some(msg) = over_turns {
            self.breach("max_turns", "turns_exceeded", msg).await;
        }
        if let Some(r) = result {
            self.on_result(r).await;
        }
    }

    pub(super) fn note_agent_session(&self, id: &str) {
        let Some(mut row) = self.h.headless() else {
            return;
        };
        if id.is_empty() || row.agent_session_id.as_deref() == Some(id) {
            return;
        }
        row.agent_session_id = Some(id.to_string());
        if let Err(e) = self.d.store.save_headless(&row) {
            tracing::error!("storing the agent's session id: {e}");
        }
        self.h.set_headless(|h| *h = row);
    }

    /// A new API call: counts against `max_turns` while the turn runs; answers a breach.
    pub(super) fn note_call(&mut self, message_id: &str) -> Option<String> {
        let max = self.h.with_headless(|r| r.limits.max_turns)??;
        let before = self.h.with_row(|r| r.turns).unwrap_or(0);
        let t = self.open.as_mut()?;
        if message_id.is_empty() || !t.calls.insert(message_id.to_string()) {
            return None;
        }
        let calls = t.calls.len() as u64;
        (before + calls > max && t.breach.is_none())
            .then(|| format!("{} turns is over the limit of {max}", before + calls))
    }

    pub(super) fn check_protected(&self, tool: &str, input: &serde_json::Value) {
        let Some(row) = self.h.headless() else { return };
        let rules = protect::Rules {
            protect: crate::runtime::headless::protected_patterns(
                &self.d,
                &row.limits,
                row.config_dir.as_deref(),
            ),
            cwd: self.h.row().cwd,
        };
        if let Some((path, pattern)) = protect::check(&rules, tool, input) {
            let v = Violation {
                kind: "protected_path".into(),
                message: format!("{tool} touched {path}, which is protected ({pattern})"),
                at: crate::store::rfc3339(now_ms()),
                tool: Some(tool.to_string()),
                path: Some(path),
            };
            self.violation(v);
        }
    }

    pub(super) fn violation(&self, v: Violation) {
        self.d.store_violation(&self.h, v);
    }
}
