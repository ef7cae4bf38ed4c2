//! The tools. Each one validates its arguments (their schema), makes one call to the daemon's
//! API and answers its JSON; an error (unknown session, bad argument, a daemon that went away)
//! is a tool error (`isError`) with the daemon's message and hint, and the server goes on.

use crate::params::*;
use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{
    CallToolResult, ContentBlock as Content, Implementation, ServerCapabilities, ServerConfig,
};
use rmcp::{ServerHandler, tool, tool_handler, tool_router};
use serde_json::{Value, json};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use warren_client::Client;
use warren_client::api::{self, Call, EventsQuery};
use warren_proto::{
    ApiError, DelegateRequest, ForkRequest, Limits, NewRequest, SendRequest, SessionName,
    SessionState, SpawnRequest, TurnRequest, WaitRequest,
};

/// Gives a client of a daemon that answers (starting one when needed).
pub type Connector =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<Client, ApiError>> + Send>> + Send + Sync>;

/// The MCP server.
#[derive(Clone)]
pub struct WarrenMcp {
    connect: Connector,
    tool_router: ToolRouter<Self>,
}

type Out = Result<CallToolResult, rmcp::ErrorData>;

tokio::task_local! {
    /// The identity token of the session calling over `/mcp` (its `warren-session-token`
    /// header), for the daemon calls this tool call makes.
    static CALLER_TOKEN: Option<String>;
}

fn ms(s: Option<u64>) -> Option<u64> {
    s.map(|s| s.saturating_mul(1000))
}

fn name(s: &str) -> Result<SessionName, ApiError> {
    named("name", s)
}

/// A session name given in argument `field`, validated as the daemon would.
fn named(field: &str, s: &str) -> Result<SessionName, ApiError> {
    SessionName::new(s).map_err(|e| ApiError::bad_field(field, e.to_string()))
}

/// The server's working directory, for a session that names none.
fn here() -> Option<String> {
    std::env::current_dir()
        .ok()
        .map(|d| d.to_string_lossy().into_owned())
}

fn answer(r: Result<Value, ApiError>) -> Out {
    Ok(match r {
        Ok(v) => CallToolResult::success(vec![Content::text(
            serde_json::to_string_pretty(&v).unwrap_or_default(),
        )]),
        Err(e) => {
            let mut text = e.body.message.clone();
            if let Some(h) = &e.body.hint {
                text.push_str(&format!("\nhint: {h}"));
            }
            CallToolResult::error(vec![Content::text(text)])
        }
    })
}

impl WarrenMcp {
    /// A server whose calls go through `connect`.
    pub fn new(connect: Connector) -> Self {
        Self {
            connect,
            tool_router: Self::tool_router(),
        }
    }

    /// Makes `call` and answers the daemon's JSON as it came.
    async fn json<A>(&self, call: Call<A>) -> Result<Value, ApiError> {
        Ok(self.client().await?.json(&call).await?)
    }

    /// A client of the daemon, carrying the caller's identity when it came over HTTP.
    async fn client(&self) -> Result<Client, ApiError> {
        let token = CALLER_TOKEN.try_with(Clone::clone).ok().flatten();
        Ok(match token {
            Some(t) => (self.connect)().await?.with_session_token(Some(t)),
            None => (self.connect)().await?,
        })
    }

    /// A tool's answer: `call`'s JSON, or its error.
    async fn relay<A>(&self, call: Call<A>) -> Out {
        answer(self.json(call).await)
    }

    fn spawn_request(p: Spawn) -> Result<SpawnRequest, ApiError> {
        Ok(SpawnRequest {
            prompt: p.prompt,
            model: p.model,
            work_dir: p.work_dir.or_else(here),
            permission_mode: p.permission_mode,
            allowed_tools: p.allowed_tools,
            system_prompt: p.system_prompt,
            agent: p.agent,
            preset: p.preset,
            env: std::env::vars().collect(),
            limits: Limits {
                max_cost: p.max_cost,
                max_turns: p.max_turns,
                ..Limits::default()
            },
            stop: p.stop,
            timeout_ms: ms(p.timeout_s),
            ..SpawnRequest::new(name(&p.name)?)
        })
    }

    async fn spawn(&self, p: Spawn) -> Result<Value, ApiError> {
        let req = Self::spawn_request(p)?;
        self.json(api::spawn(&req)).await
    }
}

#[tool_router]
impl WarrenMcp {
    #[tool(
        description = "Start a headless Claude Code session (it survives this server and the \
        daemon). With `prompt`, waits for the first result (up to `timeout_s`) and returns it with \
        its cost; without, the session waits for send_message. Use for work that needs its own \
        context; use delegate_task when you want limits and a structured verdict."
    )]
    async fn spawn_session(&self, Parameters(p): Parameters<Spawn>) -> Out {
        answer(self.spawn(p).await)
    }

    #[tool(
        description = "Send a follow-up message to a session and wait for its result (up to \
        `timeout_s`; the turn goes on after it and its result is kept: see get_history). A \
        stopped session is resumed first; a paused one holds the message."
    )]
    async fn send_message(&self, Parameters(p): Parameters<Message>) -> Out {
        let Some(message) = p.message else {
            return answer(Err(ApiError::bad_field("message", "required")));
        };
        let req = SendRequest {
            text: message,
            stop: p.stop,
            timeout_ms: ms(p.timeout_s),
            ..SendRequest::default()
        };
        self.relay(api::send(&p.name, &req)).await
    }

    #[tool(
        description = "Resume a paused or stopped session, optionally with a message (then \
        waits for its result, up to `timeout_s`)."
    )]
    async fn resume_session(&self, Parameters(p): Parameters<Message>) -> Out {
        let req = TurnRequest {
            message: p.message,
            stop: p.stop,
            no_wait: false,
            timeout_ms: ms(p.timeout_s),
        };
        self.relay(api::resume(&p.name, &req)).await
    }

    #[tool(
        description = "Pause a session: input is held from now on; it becomes `paused` when \
        the current turn ends. resume_session releases it."
    )]
    async fn pause_session(&self, Parameters(p): Parameters<Name>) -> Out {
        self.relay(api::pause(&p.name)).await
    }

    #[tool(
        description = "Fork a session into a new one that starts from its conversation, to \
        try another approach without disturbing the original."
    )]
    async fn fork_session(&self, Parameters(p): Parameters<Fork>) -> Out {
        let new_name = match named("new_name", &p.new_name) {
            Ok(n) => n,
            Err(e) => return answer(Err(e)),
        };
        let req = ForkRequest {
            new_name,
            message: p.message,
            work_dir: p.work_dir,
            no_wait: false,
            timeout_ms: ms(p.timeout_s),
        };
        self.relay(api::fork(&p.name, &req)).await
    }

    #[tool(description = "Stop a session gracefully (it finishes its turn; resumable later).")]
    async fn stop_session(&self, Parameters(p): Parameters<Name>) -> Out {
        self.relay(api::stop(&p.name)).await
    }

    #[tool(description = "Kill a session at once (its agent and tools). Prefer stop_session.")]
    async fn kill_session(&self, Parameters(p): Parameters<Name>) -> Out {
        self.relay(api::kill(&p.name)).await
    }

    #[tool(
        description = "A session's state (with the signal that set it), cost, turns, \
        limits, violations and transitions."
    )]
    async fn get_session_status(&self, Parameters(p): Parameters<Name>) -> Out {
        self.relay(api::status(&p.name)).await
    }

    #[tool(description = "The last response of a headless session.")]
    async fn get_last_output(&self, Parameters(p): Parameters<Name>) -> Out {
        let r = self.json(api::history(&p.name)).await.map(|h| {
            let last = h["interactions"]
                .as_array()
                .and_then(|a| a.iter().rev().find(|i| i["response"].is_string()).cloned());
            match last {
                Some(i) => json!({"response": i["response"], "seq": i["seq"],
                        "status": i["status"], "cost": i["cost"]}),
                None => json!({"response": null}),
            }
        });
        answer(r)
    }

    #[tool(description = "Every session (headless and tmux) with its state.")]
    async fn list_sessions(&self, Parameters(p): Parameters<List>) -> Out {
        self.relay(api::sessions_brief(p.status.as_deref())).await
    }

    #[tool(description = "A session's interactions: prompt, response, status and cost of each.")]
    async fn get_history(&self, Parameters(p): Parameters<Name>) -> Out {
        self.relay(api::history(&p.name)).await
    }

    #[tool(description = "Remove an ended session's record and history (refused while live).")]
    async fn delete_session(&self, Parameters(p): Parameters<Name>) -> Out {
        self.relay(api::delete(&p.name)).await
    }

    #[tool(
        description = "Delegate a task to a new session with a safety net (default $2, 50 \
        turns, 5 minutes per interaction) and get a structured verdict: status (completed, \
        needs_input, failed, cost_exceeded, turns_exceeded, time_exceeded), response, cost, \
        tools used, violations. Follow with continue_task to correct, finish_task when done."
    )]
    async fn delegate_task(&self, Parameters(p): Parameters<Delegate>) -> Out {
        let name = match name(&p.name) {
            Ok(n) => n,
            Err(e) => return answer(Err(e)),
        };
        let req = DelegateRequest {
            name,
            task: p.task,
            model: p.model,
            preset: p.preset,
            limits: Limits {
                max_cost: p.max_cost,
                max_turns: p.max_turns,
                ..Limits::default()
            },
            no_safety: p.no_safety,
            context: p.context,
            work_dir: p.work_dir.or_else(here),
            system_prompt: p.system_prompt,
            agent: p.agent,
            profile: None,
            program: None,
            env: std::env::vars().collect(),
            watchdog_secs: None,
            timeout_ms: ms(p.timeout_s),
        };
        self.relay(api::delegate(&req)).await
    }

    #[tool(description = "Send a correction to a delegated session; the same structured verdict.")]
    async fn continue_task(&self, Parameters(p): Parameters<Message>) -> Out {
        let req = TurnRequest {
            message: p.message,
            timeout_ms: ms(p.timeout_s),
            ..TurnRequest::default()
        };
        self.relay(api::continue_task(&p.name, &req)).await
    }

    #[tool(description = "Finish a delegated task: stop its session gracefully and mark it done.")]
    async fn finish_task(&self, Parameters(p): Parameters<Name>) -> Out {
        self.relay(api::finish(&p.name)).await
    }

    #[tool(
        description = "Answer yes to the dialog an interactive Claude Code session waits on \
        (state waiting_input; its question and choices are in get_session_status). `always` \
        picks the \"always allow\" choice. A session may not answer its own dialogs."
    )]
    async fn approve(&self, Parameters(p): Parameters<Approve>) -> Out {
        self.relay(api::approve(&p.name, &p.request)).await
    }

    #[tool(
        description = "Answer no to the dialog an interactive Claude Code session waits on; \
        `message` (what to do instead) becomes its next prompt."
    )]
    async fn deny(&self, Parameters(p): Parameters<Deny>) -> Out {
        self.relay(api::deny(&p.name, &p.request)).await
    }

    #[tool(description = "Emergency stop: interrupt the session's turn, then kill it.")]
    async fn abort_task(&self, Parameters(p): Parameters<Name>) -> Out {
        self.relay(api::abort(&p.name)).await
    }

    #[tool(
        description = "Spawn several sessions in parallel (each like spawn_session) and \
        return each one's first result."
    )]
    async fn batch_spawn(&self, Parameters(p): Parameters<Batch>) -> Out {
        let mut tasks = tokio::task::JoinSet::new();
        for t in p.tasks {
            let me = self.clone();
            tasks.spawn(async move {
                let n = t.name.clone();
                (n, me.spawn(t).await)
            });
        }
        let mut out = Vec::new();
        while let Some(Ok((n, r))) = tasks.join_next().await {
            out.push(match r {
                Ok(v) => json!({"name": n, "ok": true, "answer": v}),
                Err(e) => json!({"name": n, "ok": false, "error": e.body.message}),
            });
        }
        answer(Ok(Value::Array(out)))
    }

    #[tool(
        description = "Create a session in tmux with any profile (shell, python, claude, \
        codex, …): an interactive program you drive with send_keys, read_output and wait_for."
    )]
    async fn new_session(&self, Parameters(p): Parameters<NewSession>) -> Out {
        let name = match name(&p.name) {
            Ok(n) => n,
            Err(e) => return answer(Err(e)),
        };
        let req = NewRequest {
            name: Some(name),
            profile: p.profile,
            command: p.command,
            cwd: p.work_dir.or_else(here),
            prompt: p.prompt,
            wait_ready_ms: Some(30_000),
            env: std::env::vars().collect(),
            ..NewRequest::default()
        };
        self.relay(api::create(&req)).await
    }

    #[tool(description = "Send named keys (Enter, C-c, Escape, Up…) to a tmux session.")]
    async fn send_keys(&self, Parameters(p): Parameters<Keys>) -> Out {
        self.relay(api::keys(&p.name, &p.request)).await
    }

    #[tool(
        description = "Wait up to `timeout_s` (default 30) for a regex in a session's output \
        (or on its screen), for a state, or for an interaction's result (`interaction`: the \
        cursor a `running` answer gave)."
    )]
    async fn wait_for(&self, Parameters(p): Parameters<WaitFor>) -> Out {
        if let Some(n) = p.interaction {
            let wait = ms(p.timeout_s.or(Some(30))).unwrap_or(30_000);
            return self.relay(api::interaction(&p.name, n, Some(wait))).await;
        }
        // The state as the daemon reads it (its wire name), so a wrong one is refused alike.
        let state = match p.state.map(serde_json::Value::String) {
            Some(s) => match serde_json::from_value::<SessionState>(s) {
                Ok(s) => Some(s),
                Err(e) => return answer(Err(ApiError::bad_field("state", e))),
            },
            None => None,
        };
        let req = WaitRequest {
            pattern: p.pattern,
            state,
            timeout_ms: ms(p.timeout_s.or(Some(30))),
        };
        self.relay(api::wait(&p.name, &req)).await
    }

    #[tool(
        description = "The result of an interaction by its cursor: when a call's `timeout_s` \
        passed first it answered `running` with `interaction`; the work went on and its result \
        is kept. Use wait_for with `interaction` to wait for it instead."
    )]
    async fn get_result(&self, Parameters(p): Parameters<GetResult>) -> Out {
        self.relay(api::interaction(&p.name, p.interaction, None))
            .await
    }

    #[tool(
        description = "Read a session's output: the rendered screen, or the bytes after a \
        cursor (`since`, an offset an earlier read returned as `next`)."
    )]
    async fn read_output(&self, Parameters(p): Parameters<ReadOutput>) -> Out {
        let client = match self.client().await {
            Ok(c) => c,
            Err(e) => return answer(Err(e)),
        };
        let r = match p.since {
            Some(s) => client.output(&p.name, s, 1 << 20).await.map(|o| {
                json!({"text": String::from_utf8_lossy(&o.data), "offset": o.offset,
                    "next": o.next(), "end": o.end})
            }),
            None => client
                .screen(&p.name, 50)
                .await
                .map(|t| json!({"text": String::from_utf8_lossy(&t)})),
        };
        answer(r.map_err(ApiError::from))
    }

    #[tool(
        description = "Stored events (state changes, the agents' streams, violations) after \
        a cursor (`since`, the last id you saw)."
    )]
    async fn get_events(&self, Parameters(p): Parameters<Events>) -> Out {
        let client = match self.client().await {
            Ok(c) => c,
            Err(e) => return answer(Err(e)),
        };
        let q = EventsQuery {
            since: Some(p.since.unwrap_or(0)),
            follow: Some(false),
            session: p.name.clone(),
            types: None,
        };
        let r = client
            .response(&api::events(&q))
            .await
            .map_err(ApiError::from)
            .map(|r| {
                let events: Vec<Value> = String::from_utf8_lossy(&r.body)
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .filter_map(|d| serde_json::from_str(d.trim()).ok())
                    .collect();
                let next = events.iter().filter_map(|e| e["id"].as_i64()).max();
                json!({"events": events, "next": next.or(p.since)})
            });
        answer(r)
    }

    #[tool(
        description = "Health of a session (healthy, dead, missing or zombie), or without a \
        name, the daemon's status."
    )]
    async fn health(&self, Parameters(p): Parameters<Health>) -> Out {
        match p.name {
            Some(n) => self.relay(api::health(&n)).await,
            None => self.relay(api::daemon_status()).await,
        }
    }

    #[tool(
        description = "This server's warren version and API protocol, and the daemon's: a \
        client can tell a stale server."
    )]
    async fn server_version(&self) -> Out {
        let daemon = self.json(api::daemon_status()).await.ok();
        answer(Ok(json!({
            "server": {"version": env!("CARGO_PKG_VERSION"), "protocol": warren_proto::PROTOCOL_VERSION},
            "daemon": daemon,
        })))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for WarrenMcp {
    /// An unknown tool is a tool error the model can read, not a protocol error.
    async fn call_tool(
        &self,
        request: rmcp::model::CallToolRequestParams,
        context: rmcp::service::RequestContext<rmcp::RoleServer>,
    ) -> Result<rmcp::model::CallToolResponse, rmcp::ErrorData> {
        if !self.tool_router.has_route(&request.name) {
            let known: Vec<String> = self
                .tool_router
                .list_all()
                .into_iter()
                .map(|t| t.name.to_string())
                .collect();
            let msg = format!(
                "no tool named {:?}; the tools are: {}",
                request.name,
                known.join(", ")
            );
            return Ok(CallToolResult::error(vec![Content::text(msg)]).into());
        }
        // Over HTTP, the caller's session identity is its header; on stdio it is the
        // environment this server inherited (the client reads it there).
        let token = context
            .extensions
            .get::<http::request::Parts>()
            .and_then(|p| p.headers.get(warren_proto::SESSION_TOKEN_HEADER))
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let tcc = rmcp::handler::server::tool::ToolCallContext::new(self, request, context);
        CALLER_TOKEN.scope(token, self.tool_router.call(tcc)).await
    }

    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("warren", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "warren runs coding agents as persistent sessions. delegate_task for a bounded \
                 task with a verdict; spawn_session/send_message for a conversation; \
                 new_session/send_keys/read_output for any interactive program in tmux.",
            )
    }
}
