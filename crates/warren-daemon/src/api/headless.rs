//! Routes of the headless verbs (claude-multi-session's), and the caller's identity.

use super::error::ApiResult;
use super::json::ApiJson;
use crate::daemon::Daemon;
use crate::ops::policy::Caller;
use crate::service;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use std::sync::Arc;
use utoipa_axum::routes;
use warren_proto::*;

/// Adds this group's routes (each with its OpenAPI description) to the table.
pub(super) fn routes(r: super::Routes) -> super::Routes {
    r.routes(routes!(spawn))
        .routes(routes!(delegate))
        .routes(routes!(resume))
        .routes(routes!(continue_task))
        .routes(routes!(pause))
        .routes(routes!(fork))
        .routes(routes!(stop))
        .routes(routes!(finish))
        .routes(routes!(abort))
        .routes(routes!(interrupt))
        .routes(routes!(delete))
        .routes(routes!(history))
        .routes(routes!(interaction))
        .routes(routes!(limits))
}

type D = State<Arc<Daemon>>;

/// Who is asking: the session whose identity token the request carries, or a person.
pub(crate) fn caller(d: &Daemon, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token = headers
        .get(SESSION_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok());
    Caller::from_token(d, token)
}

/// Spawn a headless agent session; with a prompt, answers its result.
#[utoipa::path(post, path = "/v1/spawn", request_body = SpawnRequest, responses((status = 201, body = SpawnAnswer), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn spawn(
    State(d): D,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SpawnRequest>,
) -> ApiResult<(StatusCode, Json<SpawnAnswer>)> {
    let caller = caller(&d, &headers)?;
    Ok((
        StatusCode::CREATED,
        Json(service::spawn::run(&d, req, &caller).await?),
    ))
}

/// Delegate a task with the safety net; answers the structured result.
#[utoipa::path(post, path = "/v1/delegate", request_body = DelegateRequest, responses((status = 200, body = DelegateResult), (status = 400, body = ErrorBody)))]
pub(crate) async fn delegate(
    State(d): D,
    headers: HeaderMap,
    ApiJson(req): ApiJson<DelegateRequest>,
) -> ApiResult<Json<DelegateResult>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(service::delegate::run(&d, req, &caller).await?))
}

/// Resume a paused or stopped session; with a message, answers its result.
#[utoipa::path(post, path = "/v1/sessions/{name}/resume", params(("name" = String, Path)), request_body = TurnRequest, responses((status = 200, body = Option<SendAnswer>), (status = 409, body = ErrorBody)))]
pub(crate) async fn resume(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<TurnRequest>,
) -> ApiResult<Json<Option<SendAnswer>>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(service::resume::run(&d, &name, req, &caller).await?))
}

/// Send a correction to a delegated session; answers the structured result.
#[utoipa::path(post, path = "/v1/sessions/{name}/continue", params(("name" = String, Path)), request_body = TurnRequest, responses((status = 200, body = DelegateResult)))]
pub(crate) async fn continue_task(
    State(d): D,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<TurnRequest>,
) -> ApiResult<Json<DelegateResult>> {
    let message = req
        .message
        .filter(|m| !m.is_empty())
        .ok_or_else(|| ApiError::bad_field("message", "required"))?;
    Ok(Json(
        service::delegate::continue_task(&d, &name, message, req.timeout_ms).await?,
    ))
}

/// Hold input from now on.
#[utoipa::path(post, path = "/v1/sessions/{name}/pause", params(("name" = String, Path)), responses((status = 200, body = SessionInfo)))]
pub(crate) async fn pause(State(d): D, Path(name): Path<String>) -> ApiResult<Json<SessionInfo>> {
    Ok(Json(service::pause::run(&d, &name).await?))
}

/// Fork into a new session that keeps the conversation.
#[utoipa::path(post, path = "/v1/sessions/{name}/fork", params(("name" = String, Path)), request_body = ForkRequest, responses((status = 201, body = SpawnAnswer)))]
pub(crate) async fn fork(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ForkRequest>,
) -> ApiResult<(StatusCode, Json<SpawnAnswer>)> {
    let caller = caller(&d, &headers)?;
    Ok((
        StatusCode::CREATED,
        Json(service::fork::run(&d, &name, req, &caller).await?),
    ))
}

/// Stop gracefully (resumable).
#[utoipa::path(post, path = "/v1/sessions/{name}/stop", params(("name" = String, Path)), responses((status = 200, body = SessionInfo)))]
pub(crate) async fn stop(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<SessionInfo>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(service::stop::run(&d, &name, false, &caller).await?))
}

/// Stop gracefully and mark done.
#[utoipa::path(post, path = "/v1/sessions/{name}/finish", params(("name" = String, Path)), responses((status = 200, body = SessionInfo)))]
pub(crate) async fn finish(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<SessionInfo>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(service::stop::run(&d, &name, true, &caller).await?))
}

/// Interrupt, then kill.
#[utoipa::path(post, path = "/v1/sessions/{name}/abort", params(("name" = String, Path)), responses((status = 200, body = SessionInfo)))]
pub(crate) async fn abort(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<SessionInfo>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(service::abort::run(&d, &name, &caller).await?))
}

/// Interrupt the current turn.
#[utoipa::path(post, path = "/v1/sessions/{name}/interrupt", params(("name" = String, Path)), responses((status = 200, body = SessionInfo)))]
pub(crate) async fn interrupt(
    State(d): D,
    Path(name): Path<String>,
) -> ApiResult<Json<SessionInfo>> {
    Ok(Json(service::interrupt::run(&d, &name).await?))
}

/// Remove a finished session's record (409 while it is live).
#[utoipa::path(post, path = "/v1/sessions/{name}/delete", params(("name" = String, Path)), responses((status = 200, body = Done), (status = 409, body = ErrorBody)))]
pub(crate) async fn delete(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Done>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(service::delete::run(&d, &name, &caller).await?))
}

/// Interactions with cost per interaction.
#[utoipa::path(get, path = "/v1/sessions/{name}/history", params(("name" = String, Path)), responses((status = 200, body = History)))]
pub(crate) async fn history(State(d): D, Path(name): Path<String>) -> ApiResult<Json<History>> {
    Ok(Json(service::history::run(&d, &name)?))
}

/// Change the safety net.
#[utoipa::path(patch, path = "/v1/sessions/{name}/limits", params(("name" = String, Path)), request_body = LimitsRequest, responses((status = 200, body = SessionInfo), (status = 403, body = ErrorBody)))]
pub(crate) async fn limits(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LimitsRequest>,
) -> ApiResult<Json<SessionInfo>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(service::limits::run(&d, &name, req, &caller)?))
}

/// Query of `GET /v1/sessions/{name}/interactions/{n}`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct InteractionQuery {
    /// Wait up to this long for the interaction to end.
    pub wait_ms: Option<u64>,
}

/// One interaction (the cursor of a call whose wait ended first), optionally waiting for it.
#[utoipa::path(get, path = "/v1/sessions/{name}/interactions/{n}", params(("name" = String, Path), ("n" = u64, Path), InteractionQuery), responses((status = 200, body = Interaction), (status = 404, body = ErrorBody)))]
pub(crate) async fn interaction(
    State(d): D,
    Path((name, n)): Path<(String, u64)>,
    axum::extract::Query(q): axum::extract::Query<InteractionQuery>,
) -> ApiResult<Json<Interaction>> {
    Ok(Json(
        service::interaction::run(&d, &name, n, q.wait_ms).await?,
    ))
}
