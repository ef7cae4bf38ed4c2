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

/// The route table being built: each group's `routes` adds its own.
type Routes = OpenApiRouter<Arc<Daemon>>;

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
    let all = OpenApiRouter::with_openapi(ApiDoc::openapi());
    // Each group lists its own routes, beside their handlers.
    let all = instar::routes(interactive::routes(headless::routes(events::routes(
        v1::routes(all),
    ))));
    let (router, mut api) = all.split_for_parts();
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
