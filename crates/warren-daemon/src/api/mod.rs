//! The one API: HTTP+JSON on the Unix socket, and on loopback TCP behind a bearer token.
//! Every route is registered here, with its OpenAPI description.

pub(crate) mod auth;
pub(crate) mod error;
pub(crate) mod events;
pub(crate) mod headless;
pub(crate) mod instar;
pub(crate) mod interactive;
pub(crate) mod json;
pub(crate) mod v1;

use crate::daemon::Daemon;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::sync::Arc;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(utoipa::OpenApi)]
#[openapi(info(
    title = "warren",
    description = "Run AI coding agents and REPLs as persistent background sessions."
))]
struct ApiDoc;

/// Services mounted beside the API by the program that runs the daemon, each under its path
/// prefix and behind the same checks as every route (the binary mounts MCP at `/mcp`; the
/// daemon does not depend on its own clients).
pub type Mounts = Vec<(&'static str, Router)>;

/// Every route, and the OpenAPI document generated from them.
pub(crate) fn router(d: Arc<Daemon>, mounts: Mounts) -> Router {
    let (router, mut api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(v1::health_check))
        .routes(routes!(v1::list, v1::create))
        .routes(routes!(v1::status, v1::kill))
        .routes(routes!(v1::send))
        .routes(routes!(v1::keys))
        .routes(routes!(v1::wait))
        .routes(routes!(v1::output))
        .routes(routes!(v1::health))
        .routes(routes!(v1::cleanup))
        .routes(routes!(v1::find))
        .routes(routes!(v1::adopt))
        .routes(routes!(v1::daemon))
        .routes(routes!(v1::stop))
        .routes(routes!(events::events))
        .routes(routes!(headless::spawn))
        .routes(routes!(headless::delegate))
        .routes(routes!(headless::resume))
        .routes(routes!(headless::continue_task))
        .routes(routes!(headless::pause))
        .routes(routes!(headless::fork))
        .routes(routes!(headless::stop))
        .routes(routes!(headless::finish))
        .routes(routes!(headless::abort))
        .routes(routes!(headless::interrupt))
        .routes(routes!(headless::delete))
        .routes(routes!(headless::history))
        .routes(routes!(headless::interaction))
        .routes(routes!(headless::limits))
        .routes(routes!(interactive::hook))
        .routes(routes!(interactive::approve))
        .routes(routes!(interactive::deny))
        .routes(routes!(interactive::takeover))
        .routes(routes!(interactive::handback))
        .routes(routes!(instar::spawn))
        .routes(routes!(instar::list))
        .routes(routes!(instar::tmux))
        .routes(routes!(instar::output))
        .routes(routes!(instar::input))
        .routes(routes!(instar::kill))
        .split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").into();
    // Serialised once; a handler captured by value is cloned with the router, so keep it cheap.
    let spec: std::sync::Arc<str> = serde_json::to_string(&api).unwrap_or_default().into();
    let router = mounts
        .into_iter()
        .fold(router, |r, (path, svc)| r.nest_service(path, svc));
    router
        .route(
            "/v1/openapi.json",
            axum::routing::get(move || {
                let spec = spec.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        spec.to_string(),
                    )
                }
            }),
        )
        .fallback(v1::not_found)
        .layer(axum::middleware::from_fn(auth::protocol_guard))
        .layer(DefaultBodyLimit::max(warren_proto::MAX_BODY_BYTES))
        .with_state(d)
}
