//! The `/v1` routes: one per CLI verb. Each handler only translates HTTP to a service call.

use super::error::{ApiResult, Failure};
use super::json::ApiJson;
use crate::daemon::Daemon;
use crate::service;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;
use utoipa_axum::routes;
use warren_proto::*;

/// Adds this group's routes (each with its OpenAPI description) to the table.
pub(super) fn routes(r: super::Routes) -> super::Routes {
    r.routes(routes!(health_check))
        .routes(routes!(list, create))
        .routes(routes!(status, kill))
        .routes(routes!(send))
        .routes(routes!(keys))
        .routes(routes!(wait))
        .routes(routes!(output))
        .routes(routes!(health))
        .routes(routes!(cleanup))
        .routes(routes!(find))
        .routes(routes!(adopt))
        .routes(routes!(daemon))
        .routes(routes!(stop))
        .routes(routes!(profiles))
}

type D = State<Arc<Daemon>>;

fn idem(headers: &HeaderMap) -> Option<String> {
    headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(str::to_owned)
}

/// Query of `GET /v1/sessions`.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ListQuery {
    /// Only sessions in this state.
    pub status: Option<String>,
    /// `brief`: only what the `ls` table shows (name, state, signal, age, profile, pid, stale).
    pub view: Option<String>,
}

/// List sessions.
#[utoipa::path(get, path = "/v1/sessions", params(ListQuery), responses((status = 200, body = Vec<SessionInfo>)))]
pub(crate) async fn list(State(d): D, Query(q): Query<ListQuery>) -> ApiResult<Response> {
    let state = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            SessionState::parse(s)
                .ok_or_else(|| ApiError::bad_field("status", format!("unknown state {s:?}")))?,
        ),
    };
    // Serialised once into a buffer of about the right size: hundreds of sessions make a
    // large answer, and growing a buffer step by step copies it again and again.
    let mut body = Vec::new();
    match q.view.as_deref() {
        Some("brief") => {
            let all = service::status::brief(&d, state);
            body.reserve(all.len() * 128 + 2);
            serde_json::to_writer(&mut body, &all).map_err(ApiError::internal)?;
        }
        None | Some("") | Some("full") => {
            let all = service::status::list(&d, state);
            body.reserve(all.len() * 512 + 2);
            serde_json::to_writer(&mut body, &all).map_err(ApiError::internal)?;
        }
        Some(v) => {
            return Err(ApiError::bad_field(
                "view",
                format!("unknown view {v:?}: use brief or full"),
            )
            .into());
        }
    }
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Create a session in tmux.
#[utoipa::path(post, path = "/v1/sessions", request_body = NewRequest, responses((status = 201, body = SessionInfo), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn create(
    State(d): D,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewRequest>,
) -> ApiResult<(StatusCode, Json<SessionInfo>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::new::run(&d, req, idem(&headers)).await?),
    ))
}

/// One session with its transitions.
#[utoipa::path(get, path = "/v1/sessions/{name}", params(("name" = String, Path, description = "name or id")), responses((status = 200, body = SessionInfo), (status = 404, body = ErrorBody)))]
pub(crate) async fn status(State(d): D, Path(name): Path<String>) -> ApiResult<Json<SessionInfo>> {
    Ok(Json(service::status::one(&d, &name)?))
}

/// Kill a session (succeeds for one that already ended).
#[utoipa::path(delete, path = "/v1/sessions/{name}", params(("name" = String, Path)), responses((status = 200, body = SessionInfo), (status = 404, body = ErrorBody)))]
pub(crate) async fn kill(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<SessionInfo>> {
    let caller = super::headless::caller(&d, &headers)?;
    Ok(Json(service::kill::run(&d, &name, &caller).await?))
}

/// Send text (Enter included unless `enter` is false).
#[utoipa::path(post, path = "/v1/sessions/{name}/send", params(("name" = String, Path)), request_body = SendRequest, responses((status = 200, body = SendAnswer), (status = 413, body = ErrorBody)))]
pub(crate) async fn send(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SendRequest>,
) -> ApiResult<Json<SendAnswer>> {
    Ok(Json(
        service::send::run(&d, &name, req, idem(&headers)).await?,
    ))
}

/// Send named keys.
#[utoipa::path(post, path = "/v1/sessions/{name}/keys", params(("name" = String, Path)), request_body = KeysRequest, responses((status = 200, body = SendAnswer)))]
pub(crate) async fn keys(
    State(d): D,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<KeysRequest>,
) -> ApiResult<Json<SendAnswer>> {
    Ok(Json(service::keys::run(&d, &name, req).await?))
}

/// Wait for a regex or a state.
#[utoipa::path(post, path = "/v1/sessions/{name}/wait", params(("name" = String, Path)), request_body = WaitRequest, responses((status = 200, body = WaitAnswer)))]
pub(crate) async fn wait(
    State(d): D,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<WaitRequest>,
) -> ApiResult<Json<WaitAnswer>> {
    Ok(Json(service::wait::run(&d, &name, req).await?))
}

/// Query of `GET /v1/sessions/{name}/output`.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct OutputQuery {
    /// Raw bytes from this global offset.
    pub since: Option<u64>,
    /// At most this many bytes (default 1 MiB, at most 16 MiB).
    pub max_bytes: Option<usize>,
    /// Instead: the rendered screen with this many lines of history, as text.
    pub lines: Option<u32>,
}

/// Output: raw bytes from an offset (headers `warren-offset`, `warren-next-offset`,
/// `warren-missing`, `warren-end`), or `?lines=N` for the rendered screen as text.
#[utoipa::path(get, path = "/v1/sessions/{name}/output", params(("name" = String, Path), OutputQuery), responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>)))]
pub(crate) async fn output(
    State(d): D,
    Path(name): Path<String>,
    Query(q): Query<OutputQuery>,
) -> ApiResult<Response> {
    if let Some(n) = q.lines {
        let text = service::output::lines(&d, &name, n.min(100_000)).await?;
        return Ok((
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text + "\n",
        )
            .into_response());
    }
    let r = service::output::raw(
        &d,
        &name,
        q.since.unwrap_or(0),
        q.max_bytes.unwrap_or(1 << 20),
    )?;
    let next = r.offset + r.data.len() as u64;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::HeaderName::from_static("warren-offset"),
                r.offset.to_string(),
            ),
            (
                header::HeaderName::from_static("warren-next-offset"),
                next.to_string(),
            ),
            (
                header::HeaderName::from_static("warren-missing"),
                r.missing.to_string(),
            ),
            (
                header::HeaderName::from_static("warren-end"),
                r.end.to_string(),
            ),
        ],
        r.data,
    )
        .into_response())
}

/// Health as seed 003's pane-health (the CLI's exit code follows `health`).
#[utoipa::path(get, path = "/v1/sessions/{name}/health", params(("name" = String, Path)), responses((status = 200, body = HealthAnswer)))]
pub(crate) async fn health(State(d): D, Path(name): Path<String>) -> Json<HealthAnswer> {
    Json(service::health::run(&d, &name).await)
}

/// Remove ended sessions (or all with `all`).
#[utoipa::path(post, path = "/v1/cleanup", request_body = CleanupRequest, responses((status = 200, body = CleanupAnswer)))]
pub(crate) async fn cleanup(
    State(d): D,
    ApiJson(req): ApiJson<CleanupRequest>,
) -> ApiResult<Json<CleanupAnswer>> {
    Ok(Json(service::cleanup::run(&d, req).await?))
}

/// Query of `GET /v1/find`.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct FindQuery {
    /// Also list this user's other tmux servers (read-only).
    #[serde(default)]
    pub all: bool,
}

/// Unregistered tmux sessions.
#[utoipa::path(get, path = "/v1/find", params(FindQuery), responses((status = 200, body = Vec<FoundSession>)))]
pub(crate) async fn find(State(d): D, Query(q): Query<FindQuery>) -> Json<Vec<FoundSession>> {
    Json(service::find::run(&d, q.all).await)
}

/// Register a tmux session on warren's server.
#[utoipa::path(post, path = "/v1/adopt", request_body = AdoptRequest, responses((status = 201, body = SessionInfo)))]
pub(crate) async fn adopt(
    State(d): D,
    ApiJson(req): ApiJson<AdoptRequest>,
) -> ApiResult<(StatusCode, Json<SessionInfo>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::adopt::run(&d, req).await?),
    ))
}

/// The daemon's status.
#[utoipa::path(get, path = "/v1/daemon", responses((status = 200, body = DaemonStatus)))]
pub(crate) async fn daemon(State(d): D) -> Json<DaemonStatus> {
    Json(service::daemon_status::run(&d))
}

/// Every agent profile and what drives it.
#[utoipa::path(get, path = "/v1/profiles", responses((status = 200, body = Vec<ProfileInfo>)))]
pub(crate) async fn profiles(State(d): D) -> Json<Vec<ProfileInfo>> {
    Json(service::profiles::run(&d))
}

/// Stop the daemon (sessions keep running unless `kill_sessions`).
#[utoipa::path(post, path = "/v1/daemon/stop", request_body = StopRequest, responses((status = 202, body = DaemonStatus)))]
pub(crate) async fn stop(
    State(d): D,
    ApiJson(req): ApiJson<StopRequest>,
) -> (StatusCode, Json<DaemonStatus>) {
    let status = service::daemon_status::run(&d);
    d.shutdown.send_replace(Some(req.kill_sessions));
    (StatusCode::ACCEPTED, Json(status))
}

/// Liveness, version and protocol; open on TCP without a token.
#[utoipa::path(get, path = "/health", responses((status = 200, body = HealthCheck)))]
pub(crate) async fn health_check() -> Json<HealthCheck> {
    Json(HealthCheck {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        protocol: PROTOCOL_VERSION,
        pid: std::process::id(),
    })
}

/// Any unknown route.
pub(crate) async fn not_found() -> Failure {
    Failure(ApiError::new(ErrorCode::NotFound, "no such route").with_hint("see /v1/openapi.json"))
}
