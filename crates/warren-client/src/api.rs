//! Every route of the daemon's API, in one place. For each route, a function builds its
//! [`Call`] (method, path with session names percent-encoded, JSON body, and the type its
//! answer decodes to), and a method of the same name on [`Client`] makes it and answers the
//! proto type. Front ends call the methods; a [`Call`] itself is for the two things a method
//! cannot say: passing the daemon's JSON on as it came ([`Client::json`], the MCP tools), and
//! retrying with one idempotency key ([`Call::idempotency_key`], the CLI's `new`, `send` and
//! `kill`).
//!
//! Not here: instar's compatibility routes (`/sessions/…`, instar's own shapes, for its
//! skill), and `/mcp` (an MCP transport, not a JSON route).

pub use crate::call::{Call, Raw};
use crate::{Client, ClientError, Response, encode};
use hyper::Method;
use hyper::body::{Bytes, Incoming};
use warren_proto::*;

/// `/v1/sessions/{name}` plus `rest`.
fn session(name: &str, rest: &str) -> String {
    format!("/v1/sessions/{}{rest}", encode(name))
}

/// A query string from the pairs whose value is given (`?a=1&b=2`, or nothing).
fn query(pairs: &[(&str, Option<String>)]) -> String {
    let q: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode(v))))
        .collect();
    if q.is_empty() {
        String::new()
    } else {
        format!("?{}", q.join("&"))
    }
}

/// A POST of an empty object to `/v1/sessions/{name}/{verb}` (the verbs without a body).
fn verb(name: &str, verb: &str) -> Call<SessionInfo> {
    Call::post(session(name, &format!("/{verb}")), &serde_json::json!({}))
}

/// `GET /health`: liveness, version and protocol.
pub fn health_check() -> Call<HealthCheck> {
    Call::get("/health".into())
}

/// `GET /v1/sessions`: every session (or those in `status`), in full.
pub fn sessions(status: Option<&str>) -> Call<Vec<SessionInfo>> {
    Call::get(format!(
        "/v1/sessions{}",
        query(&[("status", status.map(str::to_owned))])
    ))
}

/// `GET /v1/sessions?view=brief`: what the `ls` table shows of each session.
pub fn sessions_brief(status: Option<&str>) -> Call<Vec<SessionBrief>> {
    Call::get(format!(
        "/v1/sessions{}",
        query(&[
            ("view", Some("brief".into())),
            ("status", status.map(str::to_owned)),
        ])
    ))
}

/// `POST /v1/sessions`: create a session in tmux.
pub fn create(req: &NewRequest) -> Call<SessionInfo> {
    Call::post("/v1/sessions".into(), req)
}

/// `GET /v1/sessions/{name}`: one session with its transitions.
pub fn status(name: &str) -> Call<SessionInfo> {
    Call::get(session(name, ""))
}

/// `DELETE /v1/sessions/{name}`: kill it.
pub fn kill(name: &str) -> Call<SessionInfo> {
    Call::with(Method::DELETE, session(name, ""), &serde_json::json!({}))
}

/// `POST /v1/sessions/{name}/send`: text (or a headless turn).
pub fn send(name: &str, req: &SendRequest) -> Call<SendAnswer> {
    Call::post(session(name, "/send"), req)
}

/// `POST /v1/sessions/{name}/keys`: named tmux keys.
pub fn keys(name: &str, req: &KeysRequest) -> Call<SendAnswer> {
    Call::post(session(name, "/keys"), req)
}

/// `POST /v1/sessions/{name}/wait`: a regex or a state.
pub fn wait(name: &str, req: &WaitRequest) -> Call<WaitAnswer> {
    Call::post(session(name, "/wait"), req)
}

/// `GET /v1/sessions/{name}/output?since=&max_bytes=`: recorded bytes from an offset.
pub fn output(name: &str, since: u64, max_bytes: usize) -> Call<Raw> {
    Call::get(session(
        name,
        &format!("/output?since={since}&max_bytes={max_bytes}"),
    ))
}

/// `GET /v1/sessions/{name}/output?lines=`: the rendered screen with this much history.
pub fn screen(name: &str, lines: u32) -> Call<Raw> {
    Call::get(session(name, &format!("/output?lines={lines}")))
}

/// `GET /v1/sessions/{name}/health`: seed 003's pane health.
pub fn health(name: &str) -> Call<HealthAnswer> {
    Call::get(session(name, "/health"))
}

/// `POST /v1/cleanup`: remove ended sessions.
pub fn cleanup(req: &CleanupRequest) -> Call<CleanupAnswer> {
    Call::post("/v1/cleanup".into(), req)
}

/// `GET /v1/find`: tmux sessions warren does not manage.
pub fn find(all: bool) -> Call<Vec<FoundSession>> {
    Call::get(format!("/v1/find?all={all}"))
}

/// `POST /v1/adopt`: register a tmux session on warren's server.
pub fn adopt(req: &AdoptRequest) -> Call<SessionInfo> {
    Call::post("/v1/adopt".into(), req)
}

/// `GET /v1/daemon`: the daemon's status.
pub fn daemon_status() -> Call<DaemonStatus> {
    Call::get("/v1/daemon".into())
}

/// `GET /v1/profiles`: every agent profile and what drives it.
pub fn profiles() -> Call<Vec<ProfileInfo>> {
    Call::get("/v1/profiles".into())
}

/// `POST /v1/daemon/stop`: stop the daemon.
pub fn stop_daemon(req: &StopRequest) -> Call<DaemonStatus> {
    Call::post("/v1/daemon/stop".into(), req)
}

/// What `GET /v1/events` streams: every field left out is the daemon's default.
#[derive(Debug, Clone, Default)]
pub struct EventsQuery {
    /// Replay stored events after this id (else only live ones).
    pub since: Option<i64>,
    /// Keep the stream open for live events (the daemon's default: yes).
    pub follow: Option<bool>,
    /// Only this session (name or id).
    pub session: Option<String>,
    /// Only these types, comma-separated.
    pub types: Option<String>,
}

/// `GET /v1/events`: Server-Sent Events.
pub fn events(q: &EventsQuery) -> Call<Raw> {
    Call::get(format!(
        "/v1/events{}",
        query(&[
            ("since", q.since.map(|s| s.to_string())),
            ("follow", q.follow.map(|f| f.to_string())),
            ("session", q.session.clone()),
            ("types", q.types.clone()),
        ])
    ))
}

/// `POST /v1/spawn`: a headless agent session.
pub fn spawn(req: &SpawnRequest) -> Call<SpawnAnswer> {
    Call::post("/v1/spawn".into(), req)
}

/// `POST /v1/delegate`: a task with the safety net.
pub fn delegate(req: &DelegateRequest) -> Call<DelegateResult> {
    Call::post("/v1/delegate".into(), req)
}

/// `POST /v1/sessions/{name}/resume`: with a message, its turn's answer.
pub fn resume(name: &str, req: &TurnRequest) -> Call<Option<SendAnswer>> {
    Call::post(session(name, "/resume"), req)
}

/// `POST /v1/sessions/{name}/continue`: a correction to a delegated session.
pub fn continue_task(name: &str, req: &TurnRequest) -> Call<DelegateResult> {
    Call::post(session(name, "/continue"), req)
}

/// `POST /v1/sessions/{name}/fork`: a new session that keeps the conversation.
pub fn fork(name: &str, req: &ForkRequest) -> Call<SpawnAnswer> {
    Call::post(session(name, "/fork"), req)
}

/// `POST /v1/sessions/{name}/pause`: hold input from now on.
pub fn pause(name: &str) -> Call<SessionInfo> {
    verb(name, "pause")
}

/// `POST /v1/sessions/{name}/stop`: stop gracefully (resumable).
pub fn stop(name: &str) -> Call<SessionInfo> {
    verb(name, "stop")
}

/// `POST /v1/sessions/{name}/finish`: stop gracefully and mark done.
pub fn finish(name: &str) -> Call<SessionInfo> {
    verb(name, "finish")
}

/// `POST /v1/sessions/{name}/abort`: interrupt, then kill.
pub fn abort(name: &str) -> Call<SessionInfo> {
    verb(name, "abort")
}

/// `POST /v1/sessions/{name}/interrupt`: interrupt the current turn.
pub fn interrupt(name: &str) -> Call<SessionInfo> {
    verb(name, "interrupt")
}

/// `POST /v1/sessions/{name}/takeover`: continue a headless conversation in tmux.
pub fn takeover(name: &str) -> Call<SessionInfo> {
    verb(name, "takeover")
}

/// `POST /v1/sessions/{name}/handback`: resume a takeover headless.
pub fn handback(name: &str) -> Call<SessionInfo> {
    verb(name, "handback")
}

/// `POST /v1/sessions/{name}/delete`: remove an ended session's record.
pub fn delete(name: &str) -> Call<Done> {
    Call::post(session(name, "/delete"), &serde_json::json!({}))
}

/// `GET /v1/sessions/{name}/history`: the interactions with the cost of each.
pub fn history(name: &str) -> Call<History> {
    Call::get(session(name, "/history"))
}

/// `GET /v1/sessions/{name}/interactions/{n}`: one interaction, waiting up to `wait_ms` for
/// its end.
pub fn interaction(name: &str, n: u64, wait_ms: Option<u64>) -> Call<Interaction> {
    let q = query(&[("wait_ms", wait_ms.map(|w| w.to_string()))]);
    Call::get(session(name, &format!("/interactions/{n}{q}")))
}

/// `PATCH /v1/sessions/{name}/limits`: change the safety net.
pub fn limits(name: &str, req: &LimitsRequest) -> Call<SessionInfo> {
    Call::with(Method::PATCH, session(name, "/limits"), req)
}

/// `POST /v1/hook`: a hook event of the session whose identity token the client carries.
pub fn hook(report: &HookReport) -> Call<HookAnswer> {
    Call::post("/v1/hook".into(), report)
}

/// `POST /v1/sessions/{name}/approve`: yes to the dialog the session waits on.
pub fn approve(name: &str, req: &ApproveRequest) -> Call<AnswerResult> {
    Call::post(session(name, "/approve"), req)
}

/// `POST /v1/sessions/{name}/deny`: no to the dialog the session waits on.
pub fn deny(name: &str, req: &DenyRequest) -> Call<AnswerResult> {
    Call::post(session(name, "/deny"), req)
}

/// `GET /v1/openapi.json`: the OpenAPI document.
pub fn openapi() -> Call<serde_json::Value> {
    Call::get("/v1/openapi.json".into())
}

/// Recorded output from an offset: the bytes, and where they sit in the whole log (the
/// `warren-offset`, `warren-missing` and `warren-end` headers).
#[derive(Debug, Clone)]
pub struct OutputBytes {
    /// The offset of the first byte served (later than asked when older bytes were rotated
    /// away).
    pub offset: u64,
    /// The bytes.
    pub data: Bytes,
    /// How many bytes before `offset` were rotated away.
    pub missing: u64,
    /// The offset just past the last byte recorded so far.
    pub end: u64,
}

impl OutputBytes {
    fn of(r: Response) -> Self {
        let num = |h: &str| r.header(h).and_then(|v| v.parse().ok()).unwrap_or(0);
        Self {
            offset: num("warren-offset"),
            missing: num("warren-missing"),
            end: num("warren-end"),
            data: r.body,
        }
    }

    /// The offset to read from next.
    pub fn next(&self) -> u64 {
        self.offset + self.data.len() as u64
    }
}

/// One typed method per route; each makes the call its namesake function builds.
impl Client {
    /// `GET /health`: liveness, version and protocol.
    pub async fn health_check(&self) -> Result<HealthCheck, ClientError> {
        self.answer(&health_check()).await
    }

    /// `GET /v1/sessions`: every session (or those in `status`), in full.
    pub async fn sessions(&self, status: Option<&str>) -> Result<Vec<SessionInfo>, ClientError> {
        self.answer(&sessions(status)).await
    }

    /// `GET /v1/sessions?view=brief`: what the `ls` table shows of each session.
    pub async fn sessions_brief(
        &self,
        status: Option<&str>,
    ) -> Result<Vec<SessionBrief>, ClientError> {
        self.answer(&sessions_brief(status)).await
    }

    /// `POST /v1/sessions`: create a session in tmux.
    pub async fn create(&self, req: &NewRequest) -> Result<SessionInfo, ClientError> {
        self.answer(&create(req)).await
    }

    /// `GET /v1/sessions/{name}`: one session with its transitions.
    pub async fn status(&self, name: &str) -> Result<SessionInfo, ClientError> {
        self.answer(&status(name)).await
    }

    /// `DELETE /v1/sessions/{name}`: kill it.
    pub async fn kill(&self, name: &str) -> Result<SessionInfo, ClientError> {
        self.answer(&kill(name)).await
    }

    /// `POST /v1/sessions/{name}/send`: text (or a headless turn).
    pub async fn send(&self, name: &str, req: &SendRequest) -> Result<SendAnswer, ClientError> {
        self.answer(&send(name, req)).await
    }

    /// `POST /v1/sessions/{name}/keys`: named tmux keys.
    pub async fn keys(&self, name: &str, req: &KeysRequest) -> Result<SendAnswer, ClientError> {
        self.answer(&keys(name, req)).await
    }

    /// `POST /v1/sessions/{name}/wait`: a regex or a state.
    pub async fn wait(&self, name: &str, req: &WaitRequest) -> Result<WaitAnswer, ClientError> {
        self.answer(&wait(name, req)).await
    }

    /// `GET /v1/sessions/{name}/output?since=&max_bytes=`: recorded bytes from an offset.
    pub async fn output(
        &self,
        name: &str,
        since: u64,
        max_bytes: usize,
    ) -> Result<OutputBytes, ClientError> {
        Ok(OutputBytes::of(
            self.response(&output(name, since, max_bytes)).await?,
        ))
    }

    /// `GET /v1/sessions/{name}/output?lines=`: the rendered screen with this much history.
    pub async fn screen(&self, name: &str, lines: u32) -> Result<Bytes, ClientError> {
        Ok(self.response(&screen(name, lines)).await?.body)
    }

    /// `GET /v1/sessions/{name}/health`: seed 003's pane health.
    pub async fn health(&self, name: &str) -> Result<HealthAnswer, ClientError> {
        self.answer(&health(name)).await
    }

    /// `POST /v1/cleanup`: remove ended sessions.
    pub async fn cleanup(&self, req: &CleanupRequest) -> Result<CleanupAnswer, ClientError> {
        self.answer(&cleanup(req)).await
    }

    /// `GET /v1/find`: tmux sessions warren does not manage.
    pub async fn find(&self, all: bool) -> Result<Vec<FoundSession>, ClientError> {
        self.answer(&find(all)).await
    }

    /// `POST /v1/adopt`: register a tmux session on warren's server.
    pub async fn adopt(&self, req: &AdoptRequest) -> Result<SessionInfo, ClientError> {
        self.answer(&adopt(req)).await
    }

    /// `GET /v1/daemon`: the daemon's status.
    pub async fn daemon_status(&self) -> Result<DaemonStatus, ClientError> {
        self.answer(&daemon_status()).await
    }

    /// `GET /v1/profiles`: every agent profile and what drives it.
    pub async fn profiles(&self) -> Result<Vec<ProfileInfo>, ClientError> {
        self.answer(&profiles()).await
    }

    /// `POST /v1/daemon/stop`: stop the daemon.
    pub async fn stop_daemon(&self, req: &StopRequest) -> Result<DaemonStatus, ClientError> {
        self.answer(&stop_daemon(req)).await
    }

    /// `GET /v1/events`: the Server-Sent Events stream.
    pub async fn events(&self, q: &EventsQuery) -> Result<Incoming, ClientError> {
        self.open(&events(q)).await
    }

    /// `POST /v1/spawn`: a headless agent session.
    pub async fn spawn(&self, req: &SpawnRequest) -> Result<SpawnAnswer, ClientError> {
        self.answer(&spawn(req)).await
    }

    /// `POST /v1/delegate`: a task with the safety net.
    pub async fn delegate(&self, req: &DelegateRequest) -> Result<DelegateResult, ClientError> {
        self.answer(&delegate(req)).await
    }

    /// `POST /v1/sessions/{name}/resume`: with a message, its turn's answer.
    pub async fn resume(
        &self,
        name: &str,
        req: &TurnRequest,
    ) -> Result<Option<SendAnswer>, ClientError> {
        self.answer(&resume(name, req)).await
    }

    /// `POST /v1/sessions/{name}/continue`: a correction to a delegated session.
    pub async fn continue_task(
        &self,
        name: &str,
        req: &TurnRequest,
    ) -> Result<DelegateResult, ClientError> {
        self.answer(&continue_task(name, req)).await
    }

    /// `POST /v1/sessions/{name}/fork`: a new session that keeps the conversation.
    pub async fn fork(&self, name: &str, req: &ForkRequest) -> Result<SpawnAnswer, ClientError> {
        self.answer(&fork(name, req)).await
    }

    /// `POST /v1/sessions/{name}/pause`: hold input from now on.
    pub async fn pause(&self, name: &str) -> Result<SessionInfo, ClientError> {
        self.answer(&pause(name)).await
    }

    /// `POST /v1/sessions/{name}/stop`: stop gracefully (resumable).
    pub async fn stop(&self, name: &str) -> Result<SessionInfo, ClientError> {
        self.answer(&stop(name)).await
    }

    /// `POST /v1/sessions/{name}/finish`: stop gracefully and mark done.
    pub async fn finish(&self, name: &str) -> Result<SessionInfo, ClientError> {
        self.answer(&finish(name)).await
    }

    /// `POST /v1/sessions/{name}/abort`: interrupt, then kill.
    pub async fn abort(&self, name: &str) -> Result<SessionInfo, ClientError> {
        self.answer(&abort(name)).await
    }

    /// `POST /v1/sessions/{name}/interrupt`: interrupt the current turn.
    pub async fn interrupt(&self, name: &str) -> Result<SessionInfo, ClientError> {
        self.answer(&interrupt(name)).await
    }

    /// `POST /v1/sessions/{name}/takeover`: continue a headless conversation in tmux.
    pub async fn takeover(&self, name: &str) -> Result<SessionInfo, ClientError> {
        self.answer(&takeover(name)).await
    }

    /// `POST /v1/sessions/{name}/handback`: resume a takeover headless.
    pub async fn handback(&self, name: &str) -> Result<SessionInfo, ClientError> {
        self.answer(&handback(name)).await
    }

    /// `POST /v1/sessions/{name}/delete`: remove an ended session's record.
    pub async fn delete(&self, name: &str) -> Result<Done, ClientError> {
        self.answer(&delete(name)).await
    }

    /// `GET /v1/sessions/{name}/history`: the interactions with the cost of each.
    pub async fn history(&self, name: &str) -> Result<History, ClientError> {
        self.answer(&history(name)).await
    }

    /// `GET /v1/sessions/{name}/interactions/{n}`: one interaction, waiting up to `wait_ms`
    /// for its end.
    pub async fn interaction(
        &self,
        name: &str,
        n: u64,
        wait_ms: Option<u64>,
    ) -> Result<Interaction, ClientError> {
        self.answer(&interaction(name, n, wait_ms)).await
    }

    /// `PATCH /v1/sessions/{name}/limits`: change the safety net.
    pub async fn limits(
        &self,
        name: &str,
        req: &LimitsRequest,
    ) -> Result<SessionInfo, ClientError> {
        self.answer(&limits(name, req)).await
    }

    /// `POST /v1/hook`: a hook event of the session whose identity token the client carries.
    pub async fn hook(&self, report: &HookReport) -> Result<HookAnswer, ClientError> {
        self.answer(&hook(report)).await
    }

    /// `POST /v1/sessions/{name}/approve`: yes to the dialog the session waits on.
    pub async fn approve(
        &self,
        name: &str,
        req: &ApproveRequest,
    ) -> Result<AnswerResult, ClientError> {
        self.answer(&approve(name, req)).await
    }

    /// `POST /v1/sessions/{name}/deny`: no to the dialog the session waits on.
    pub async fn deny(&self, name: &str, req: &DenyRequest) -> Result<AnswerResult, ClientError> {
        self.answer(&deny(name, req)).await
    }

    /// `GET /v1/openapi.json`: the OpenAPI document.
    pub async fn openapi(&self) -> Result<serde_json::Value, ClientError> {
        self.answer(&openapi()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_encode_names_and_carry_only_the_given_query() {
        assert_eq!(status("a b/c").path(), "/v1/sessions/a%20b%2Fc");
        assert_eq!(kill("s").method(), Method::DELETE);
        assert_eq!(
            limits("s", &LimitsRequest::default()).method(),
            Method::PATCH
        );
        assert_eq!(sessions(None).path(), "/v1/sessions");
        assert_eq!(
            sessions_brief(Some("waiting_input")).path(),
            "/v1/sessions?view=brief&status=waiting_input"
        );
        assert_eq!(
            output("s", 7, 1024).path(),
            "/v1/sessions/s/output?since=7&max_bytes=1024"
        );
        assert_eq!(screen("s", 50).path(), "/v1/sessions/s/output?lines=50");
        assert_eq!(
            interaction("s", 3, Some(500)).path(),
            "/v1/sessions/s/interactions/3?wait_ms=500"
        );
        assert_eq!(
            interaction("s", 3, None).path(),
            "/v1/sessions/s/interactions/3"
        );
        assert_eq!(pause("s").path(), "/v1/sessions/s/pause");
        assert_eq!(events(&EventsQuery::default()).path(), "/v1/events");
        let q = EventsQuery {
            since: Some(0),
            follow: Some(false),
            session: Some("x y".into()),
            types: Some("output,exited".into()),
        };
        assert_eq!(
            events(&q).path(),
            "/v1/events?since=0&follow=false&session=x%20y&types=output%2Cexited"
        );
    }
}
