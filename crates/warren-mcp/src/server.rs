//! The tools. Each one validates its arguments (their schema), makes one call to the daemon's
//! API and answers its JSON; an error (unknown session, bad argument, a daemon that went away)
//! is a tool error (`isError`) with the daemon's message and hint, and the server goes on.

use crate::params::*;
use hyper::Method;
use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{
    CallToolResult, ContentBlock as Content, Implementation, ServerCapabilities, ServerConfig,
};
use rmcp::{ServerHandler, tool, tool_handler, tool_router};
use serde::Serialize;
use serde_json::{Value, json};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use warren_client::{Client, ClientError, encode};
use warren_proto::{ApiError, Limits, SessionName, SpawnRequest};

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
    SessionName::new(s).map_err(|e| ApiError::bad_field("name", e.to_string()))
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

    async fn api<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<Value, ApiError> {
        let client = self.client().await?;
        if method == Method::GET {
            client.get(path).await
        } else {
            client.call(method, path, body, None).await
        }
        .map_err(ClientError::into_api)
    }

    /// A client of the daemon, carrying the caller's identity when it came over HTTP.
    async fn client(&self) -> Result<Client, ApiError> {
        let token = CALLER_TOKEN.try_with(Clone::clone).ok().flatten();
        Ok(match token {
            Some(t) => (self.connect)().await?.with_session_token(Some(t)),
            None => (self.connect)().await?,
        })
    }

    async fn get(&self, path: &str) -> Out {
        answer(self.api(Method::GET, path, &()).await)
    }

    async fn post<B: Serialize>(&self, path: &str, body: &B) -> Out {
        answer(self.api(Method::POST, path, body).await)
    }

    async fn verb(&self, name: &str, verb: &str) -> Out {
        self.post(&format!("/v1/sessions/{}/{verb}", encode(name)), &json!({}))
            .await
    }

    fn spawn_request(p: Spawn) -> Result<SpawnRequest, ApiError> {
        Ok(SpawnRequest {
            prompt: p.prompt,
            model: p.model,
            work_dir: p.work_dir.or_else(|| {
                std::env::current_dir()
                    .ok()
                    .map(|d| d.to_string_lossy().into_owned())
            }),
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
        self.api(Method::POST, "/v1/spawn", &req).await
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
        let body = json!({"text": message, "stop": p.stop, "timeout_ms": ms(p.timeout_s)});
        self.post(&format!("/v1/sessions/{}/send", encode(&p.name)), &body)
            .await
    }

    #[tool(
        description = "Resume a paused or stopped session, optionally with a message (then \
        waits for its result, up to `timeout_s`)."
    )]
    async fn resume_session(&self, Parameters(p): Parameters<Message>) -> Out {
        let body = json!({"message": p.message, "stop": p.stop, "timeout_ms": ms(p.timeout_s)});
        self.post(&format!("/v1/sessions/{}/resume", encode(&p.name)), &body)
            .await
    }

    #[tool(
        description = "Pause a session: input is held from now on; it becomes `paused` when \
        the current turn ends. resume_session releases it."
    )]
    async fn pause_session(&self, Parameters(p): Parameters<Name>) -> Out {
        self.verb(&p.name, "pause").await
    }

    #[tool(
        description = "Fork a session into a new one that starts from its conversation, to \
        try another approach without disturbing the original."
    )]
    async fn fork_session(&self, Parameters(p): Parameters<Fork>) -> Out {
        let body = json!({"new_name": p.new_name, "message": p.message,
            "work_dir": p.work_dir, "timeout_ms": ms(p.timeout_s)});
        self.post(&format!("/v1/sessions/{}/fork", encode(&p.name)), &body)
            .await
    }

    #[tool(description = "Stop a session gracefully (it finishes its turn; resumable later).")]
    async fn stop_session(&self, Parameters(p): Parameters<Name>) -> Out {
        self.verb(&p.name, "stop").await
    }

    #[tool(description = "Kill a session at once (its agent and tools). Prefer stop_session.")]
    async fn kill_session(&self, Parameters(p): Parameters<Name>) -> Out {
        let path = format!("/v1/sessions/{}", encode(&p.name));
        answer(self.api(Method::DELETE, &path, &json!({})).await)
    }

    #[tool(
        description = "A session's state (with the signal that set it), cost, turns, \
        limits, violations and transitions."
    )]
    async fn get_session_status(&self, Parameters(p): Parameters<Name>) -> Out {
        self.get(&format!("/v1/sessions/{}", encode(&p.name))).await
    }

    #[tool(description = "The last response of a headless session.")]
    async fn get_last_output(&self, Parameters(p): Parameters<Name>) -> Out {
        let r = self
            .api(
                Method::GET,
                &format!("/v1/sessions/{}/history", encode(&p.name)),
                &(),
            )
            .await
            .map(|h| {
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
        match p.status {
            Some(s) => {
                self.get(&format!("/v1/sessions?view=brief&status={}", encode(&s)))
                    .await
            }
            None => self.get("/v1/sessions?view=brief").await,
        }
    }

    #[tool(description = "A session's interactions: prompt, response, status and cost of each.")]
    async fn get_history(&self, Parameters(p): Parameters<Name>) -> Out {
        self.get(&format!("/v1/sessions/{}/history", encode(&p.name)))
            .await
    }

    #[tool(description = "Remove an ended session's record and history (refused while live).")]
    async fn delete_session(&self, Parameters(p): Parameters<Name>) -> Out {
        self.verb(&p.name, "delete").await
    }

    #[tool(
        description = "Delegate a task to a new session with a safety net (default $2, 50 \
        turns, 5 minutes per interaction) and get a structured verdict: status (completed, \
        needs_input, failed, cost_exceeded, turns_exceeded, time_exceeded), response, cost, \
        tools used, violations. Follow with continue_task to correct, finish_task when done."
    )]
    async fn delegate_task(&self, Parameters(p): Parameters<Delegate>) -> Out {
        let req = match name(&p.name) {
            Ok(n) => json!({
                "name": n, "task": p.task, "model": p.model, "preset": p.preset,
                "max_cost": p.max_cost, "max_turns": p.max_turns, "context": p.context,
                "work_dir": p.work_dir.or_else(|| std::env::current_dir().ok()
                    .map(|d| d.to_string_lossy().into_owned())),
                "system_prompt": p.system_prompt, "agent": p.agent, "no_safety": p.no_safety,
                "env": std::env::vars().collect::<std::collections::BTreeMap<_, _>>(),
            }),
            Err(e) => return answer(Err(e)),
        };
        let mut req = req;
        req["timeout_ms"] = json!(ms(p.timeout_s));
        self.post("/v1/delegate", &req).await
    }

    #[tool(description = "Send a correction to a delegated session; the same structured verdict.")]
    async fn continue_task(&self, Parameters(p): Parameters<Message>) -> Out {
        let body = json!({"message": p.message, "timeout_ms": ms(p.timeout_s)});
        self.post(&format!("/v1/sessions/{}/continue", encode(&p.name)), &body)
            .await
    }

    #[tool(description = "Finish a delegated task: stop its session gracefully and mark it done.")]
    async fn finish_task(&self, Parameters(p): Parameters<Name>) -> Out {
        self.verb(&p.name, "finish").await
    }

    #[tool(
        description = "Answer yes to the dialog an interactive Claude Code session waits on \
        (state waiting_input; its question and choices are in get_session_status). `always` \
        picks the \"always allow\" choice. A session may not answer its own dialogs."
    )]
    async fn approve(&self, Parameters(p): Parameters<Approve>) -> Out {
        self.post(
            &format!("/v1/sessions/{}/approve", encode(&p.name)),
            &p.request,
        )
        .await
    }

    #[tool(
        description = "Answer no to the dialog an interactive Claude Code session waits on; \
        `message` (what to do instead) becomes its next prompt."
    )]
    async fn deny(&self, Parameters(p): Parameters<Deny>) -> Out {
        self.post(
            &format!("/v1/sessions/{}/deny", encode(&p.name)),
            &p.request,
        )
        .await
    }

    #[tool(description = "Emergency stop: interrupt the session's turn, then kill it.")]
    async fn abort_task(&self, Parameters(p): Parameters<Name>) -> Out {
        self.verb(&p.name, "abort").await
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
        let body = json!({"name": p.name, "profile": p.profile, "command": p.command,
            "cwd": p.work_dir.or_else(|| std::env::current_dir().ok()
                .map(|d| d.to_string_lossy().into_owned())),
            "prompt": p.prompt, "wait_ready_ms": 30000,
            "env": std::env::vars().collect::<std::collections::BTreeMap<_, _>>()});
        self.post("/v1/sessions", &body).await
    }

    #[tool(description = "Send named keys (Enter, C-c, Escape, Up…) to a tmux session.")]
    async fn send_keys(&self, Parameters(p): Parameters<Keys>) -> Out {
        self.post(
            &format!("/v1/sessions/{}/keys", encode(&p.name)),
            &p.request,
        )
        .await
    }

    #[tool(
        description = "Wait up to `timeout_s` (default 30) for a regex in a session's output \
        (or on its screen), for a state, or for an interaction's result (`interaction`: the \
        cursor a `running` answer gave)."
    )]
    async fn wait_for(&self, Parameters(p): Parameters<WaitFor>) -> Out {
        if let Some(n) = p.interaction {
            let wait = ms(p.timeout_s.or(Some(30))).unwrap_or(30_000);
            return self
                .get(&format!(
                    "/v1/sessions/{}/interactions/{n}?wait_ms={wait}",
                    encode(&p.name)
                ))
                .await;
        }
        let body = json!({"pattern": p.pattern, "state": p.state,
            "timeout_ms": ms(p.timeout_s.or(Some(30)))});
        self.post(&format!("/v1/sessions/{}/wait", encode(&p.name)), &body)
            .await
    }

    #[tool(
        description = "The result of an interaction by its cursor: when a call's `timeout_s` \
        passed first it answered `running` with `interaction`; the work went on and its result \
        is kept. Use wait_for with `interaction` to wait for it instead."
    )]
    async fn get_result(&self, Parameters(p): Parameters<GetResult>) -> Out {
        self.get(&format!(
            "/v1/sessions/{}/interactions/{}",
            encode(&p.name),
            p.interaction
        ))
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
        let path = match p.since {
            Some(s) => format!(
                "/v1/sessions/{}/output?since={s}&max_bytes=1048576",
                encode(&p.name)
            ),
            None => format!("/v1/sessions/{}/output?lines=50", encode(&p.name)),
        };
        let r = client
            .request(Method::GET, &path, None, None)
            .await
            .map_err(ClientError::into_api)
            .map(|r| {
                let num = |h: &str| r.header(h).and_then(|v| v.parse::<u64>().ok());
                let text = String::from_utf8_lossy(&r.body).into_owned();
                match num("warren-offset") {
                    Some(off) => json!({"text": text, "offset": off,
                        "next": off + r.body.len() as u64, "end": num("warren-end")}),
                    None => json!({"text": text}),
                }
            });
        answer(r)
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
        let mut path = format!("/v1/events?follow=false&since={}", p.since.unwrap_or(0));
        if let Some(n) = &p.name {
            path.push_str(&format!("&session={}", encode(n)));
        }
        let r = client
            .request(Method::GET, &path, None, None)
            .await
            .map_err(ClientError::into_api)
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
            Some(n) => {
                self.get(&format!("/v1/sessions/{}/health", encode(&n)))
                    .await
            }
            None => self.get("/v1/daemon").await,
        }
    }

    #[tool(
        description = "This server's warren version and API protocol, and the daemon's: a \
        client can tell a stale server."
    )]
    async fn server_version(&self) -> Out {
        let daemon = self.api(Method::GET, "/v1/daemon", &()).await.ok();
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
