//! Routes of interactive Claude Code sessions: hook reports, and answering a dialog.

use super::error::ApiResult;
use super::headless::caller;
use super::json::ApiJson;
use crate::daemon::Daemon;
use crate::service;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use std::sync::Arc;
use utoipa_axum::routes;
use warren_proto::*;

/// Adds this group's routes (each with its OpenAPI description) to the table.
pub(super) fn routes(r: super::Routes) -> super::Routes {
    r.routes(routes!(hook))
        .routes(routes!(approve))
        .routes(routes!(deny))
        .routes(routes!(takeover))
        .routes(routes!(handback))
}

type D = State<Arc<Daemon>>;

/// A hook event (or status line call) of the session whose identity token the request carries
/// (sent by `warren hook`).
#[utoipa::path(post, path = "/v1/hook", request_body = HookReport, responses((status = 200, body = HookAnswer), (status = 403, body = ErrorBody)))]
pub(crate) async fn hook(
    State(d): D,
    headers: HeaderMap,
    ApiJson(report): ApiJson<HookReport>,
) -> ApiResult<Json<HookAnswer>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(service::hook::run(&d, &caller, report).await?))
}

/// Approve the dialog the session waits on (`always`: the "always allow" choice).
#[utoipa::path(post, path = "/v1/sessions/{name}/approve", params(("name" = String, Path)), request_body = ApproveRequest, responses((status = 200, body = AnswerResult), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn approve(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ApproveRequest>,
) -> ApiResult<Json<AnswerResult>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(
        service::approve::approve(&d, &name, req.always, &caller).await?,
    ))
}

/// Deny the dialog the session waits on; a message is queued as the next prompt.
#[utoipa::path(post, path = "/v1/sessions/{name}/deny", params(("name" = String, Path)), request_body = DenyRequest, responses((status = 200, body = AnswerResult), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn deny(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<DenyRequest>,
) -> ApiResult<Json<AnswerResult>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(
        service::approve::deny(&d, &name, req.message, &caller).await?,
    ))
}

/// Stop a headless Claude session and continue its conversation in tmux (`<name>-tui`).
#[utoipa::path(post, path = "/v1/sessions/{name}/takeover", params(("name" = String, Path)), responses((status = 200, body = SessionInfo), (status = 409, body = ErrorBody)))]
pub(crate) async fn takeover(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<SessionInfo>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(service::takeover::takeover(&d, &name, &caller).await?))
}

/// Quit the interactive agent of a takeover (when idle) and resume the headless session.
#[utoipa::path(post, path = "/v1/sessions/{name}/handback", params(("name" = String, Path)), responses((status = 200, body = SessionInfo), (status = 409, body = ErrorBody)))]
pub(crate) async fn handback(
    State(d): D,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<SessionInfo>> {
    let caller = caller(&d, &headers)?;
    Ok(Json(service::takeover::handback(&d, &name, &caller).await?))
}
