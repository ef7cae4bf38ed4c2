//! The instar-session routes, exactly as seed 000's curl commands use them, so that skill
//! works unchanged against warren.

use super::error::ApiResult;
use super::json::ApiJson;
use crate::daemon::Daemon;
use crate::service;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;
use warren_proto::*;

/// Adds this group's routes (each with its OpenAPI description) to the table.
pub(super) fn routes(r: super::Routes) -> super::Routes {
    r.routes(routes!(spawn))
        .routes(routes!(list))
        .routes(routes!(tmux))
        .routes(routes!(output))
        .routes(routes!(input))
        .routes(routes!(kill))
}

type D = State<Arc<Daemon>>;

fn instar(info: &SessionInfo) -> InstarSession {
    InstarSession {
        name: info.name.to_string(),
        status: info.state.instar_status().into(),
        started_at: info.created_at.clone(),
        job_slug: info.job_slug.clone(),
    }
}

/// Spawn an interactive session of the default agent profile (`claude`, model `sonnet`).
#[utoipa::path(post, path = "/sessions/spawn", request_body = InstarSpawn, responses((status = 201, body = InstarSession)), tag = "instar")]
pub(crate) async fn spawn(
    State(d): D,
    ApiJson(req): ApiJson<InstarSpawn>,
) -> ApiResult<(StatusCode, Json<InstarSession>)> {
    let raw = req
        .name
        .ok_or_else(|| ApiError::bad_field("name", "required"))?;
    let name = SessionName::new(&raw).map_err(|e| ApiError::bad_field("name", e))?;
    let prompt = req
        .prompt
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| ApiError::bad_field("prompt", "required"))?;
    let env = std::env::vars().collect();
    let new = NewRequest {
        name: Some(name),
        profile: Some("claude".into()),
        cwd: d.config.instar_cwd.clone(),
        env,
        prompt: Some(prompt),
        model: Some(req.model.unwrap_or_else(|| "sonnet".into())),
        job_slug: req.job_slug,
        ..Default::default()
    };
    let info = service::new::run(&d, new, None).await?;
    Ok((StatusCode::CREATED, Json(instar(&info))))
}

/// Query of `GET /sessions`.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct InstarListQuery {
    /// `running`, `idle`, `completed` or `error`.
    pub status: Option<String>,
}

/// All sessions in instar's shape.
#[utoipa::path(get, path = "/sessions", params(InstarListQuery), responses((status = 200, body = Vec<InstarSession>)), tag = "instar")]
pub(crate) async fn list(
    State(d): D,
    Query(q): Query<InstarListQuery>,
) -> Json<Vec<InstarSession>> {
    let all = service::status::list(&d, None);
    Json(
        all.iter()
            .map(instar)
            .filter(|s| {
                q.status
                    .as_deref()
                    .is_none_or(|f| f.is_empty() || s.status == f)
            })
            .collect(),
    )
}

/// A tmux session on warren's server.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TmuxSession {
    /// tmux session name.
    pub name: String,
    /// Windows.
    pub windows: u32,
    /// Whether a client is attached.
    pub attached: bool,
    /// The pane's command.
    pub command: String,
    /// Whether warren registered it.
    pub registered: bool,
}

/// The tmux sessions on warren's server.
#[utoipa::path(get, path = "/sessions/tmux", responses((status = 200, body = Vec<TmuxSession>)), tag = "instar")]
pub(crate) async fn tmux(State(d): D) -> ApiResult<Json<Vec<TmuxSession>>> {
    if !d.tmux.server_running().await {
        return Ok(Json(Vec::new()));
    }
    let panes = d.tmux.list_panes().await.map_err(|e| d.tmux_error(e))?;
    let mut seen = std::collections::HashSet::new();
    Ok(Json(
        panes
            .into_iter()
            .filter(|p| {
                p.session_name != crate::tmux::CONTROL_SESSION && seen.insert(p.session_id.clone())
            })
            .map(|p| TmuxSession {
                registered: !p.warren_id.is_empty(),
                name: p.session_name,
                windows: p.windows,
                attached: p.attached,
                command: p.command,
            })
            .collect(),
    ))
}

/// Query of `GET /sessions/{name}/output`.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct InstarOutputQuery {
    /// Lines of output (default 100).
    pub lines: Option<u32>,
}

/// The last lines of the pane as plain text.
#[utoipa::path(get, path = "/sessions/{name}/output", params(("name" = String, Path), InstarOutputQuery), responses((status = 200, content_type = "text/plain", body = String)), tag = "instar")]
pub(crate) async fn output(
    State(d): D,
    Path(name): Path<String>,
    Query(q): Query<InstarOutputQuery>,
) -> ApiResult<impl IntoResponse> {
    let text = service::output::lines(&d, &name, q.lines.unwrap_or(100).min(100_000)).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text + "\n",
    ))
}

/// Type text at the prompt, Enter included.
#[utoipa::path(post, path = "/sessions/{name}/input", params(("name" = String, Path)), request_body = InstarInput, responses((status = 200, body = SendAnswer)), tag = "instar")]
pub(crate) async fn input(
    State(d): D,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<InstarInput>,
) -> ApiResult<Json<SendAnswer>> {
    let text = req
        .text
        .ok_or_else(|| ApiError::bad_field("text", "required"))?;
    Ok(Json(
        service::send::run(
            &d,
            &name,
            SendRequest {
                text,
                enter: Some(true),
                wait: None,
                timeout_ms: None,
                stop: false,
                no_wait: false,
            },
            None,
        )
        .await?,
    ))
}

/// Kill the session, as instar does.
#[utoipa::path(delete, path = "/sessions/{name}", params(("name" = String, Path)), responses((status = 200, body = InstarSession)), tag = "instar")]
pub(crate) async fn kill(State(d): D, Path(name): Path<String>) -> ApiResult<Json<InstarSession>> {
    Ok(Json(instar(
        &service::kill::run(&d, &name, &crate::ops::policy::Caller::person()).await?,
    )))
}
