//! `GET /v1/events`: Server-Sent Events. Stored events (with ids) are replayed from
//! `since` / `Last-Event-ID`, then live ones follow; output events carry bytes and no id.

use super::error::{ApiResult, Failure};
use crate::daemon::Daemon;
use crate::store::rfc3339;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as Sse, KeepAlive};
use futures_util::Stream;
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use utoipa::IntoParams;
use utoipa_axum::routes;
use warren_proto::{ApiError, ErrorCode, Event, EventKind};

/// Adds this group's routes (each with its OpenAPI description) to the table.
pub(super) fn routes(r: super::Routes) -> super::Routes {
    r.routes(routes!(events))
}

/// Query of `GET /v1/events`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub(crate) struct EventsQuery {
    /// Replay stored events after this id (else only live ones).
    pub since: Option<i64>,
    /// Only this session (name or id).
    pub session: Option<String>,
    /// Only these types, comma-separated (`created,state_changed,exited,output`).
    pub types: Option<String>,
    /// Keep the stream open for live events (default true); false ends after the backlog.
    pub follow: Option<bool>,
}

struct Filter {
    session: Option<String>,
    types: Option<Vec<String>>,
}

impl Filter {
    fn keep(&self, e: &Event) -> bool {
        self.session
            .as_deref()
            .is_none_or(|s| e.session == s || e.session_id == s)
            && self
                .types
                .as_ref()
                .is_none_or(|t| t.iter().any(|t| t == e.kind.type_name()))
    }
}

/// The event stream.
#[utoipa::path(get, path = "/v1/events", params(EventsQuery), responses((status = 200, content_type = "text/event-stream", body = Event), (status = 410, body = warren_proto::ErrorBody)))]
pub(crate) async fn events(
    State(d): State<Arc<Daemon>>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> ApiResult<axum::response::Sse<impl Stream<Item = Result<Sse, Infallible>>>> {
    let since = q.since.or_else(|| {
        headers
            .get("last-event-id")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    });
    let filter = Filter {
        session: q.session.filter(|s| !s.is_empty()),
        types: q
            .types
            .filter(|t| !t.is_empty())
            .map(|t| t.split(',').map(|s| s.trim().to_string()).collect()),
    };
    // Subscribe before reading the backlog so nothing falls between the two.
    let rx = d.bus.subscribe();
    let (oldest, newest) = d.store.event_bounds().map_err(ApiError::internal)?;
    let mut backlog = VecDeque::new();
    let mut last = since.unwrap_or(newest);
    if let Some(s) = since {
        if s < oldest - 1 && s < newest {
            return Err(Failure(
                ApiError::new(
                    ErrorCode::Gone,
                    format!("cursor {s} is older than the retained events (oldest {oldest})"),
                )
                .with_hint(
                    "resync: read `GET /v1/sessions`, then follow `/v1/events` without `since`",
                ),
            ));
        }
        backlog = stored_after(&d, s, &filter)?;
        last = backlog.back().and_then(|e| e.id).unwrap_or(s).max(s);
    }
    let follow = q.follow.unwrap_or(true);
    if !follow && since.is_none() {
        backlog = stored_after(&d, 0, &filter)?;
    }
    let state = (d, rx, backlog, last, filter);
    let stream = futures_util::stream::unfold(
        state,
        move |(d, mut rx, mut backlog, mut last, filter)| async move {
            loop {
                if let Some(e) = backlog.pop_front() {
                    return Some((Ok(to_sse(&e)), (d, rx, backlog, last, filter)));
                }
                if !follow {
                    return None;
                }
                match rx.recv().await {
                    Ok(e) => {
                        if let Some(id) = e.id {
                            if id <= last {
                                continue;
                            }
                            last = id;
                        }
                        if filter.keep(&e) {
                            return Some((Ok(to_sse(&e)), (d, rx, backlog, last, filter)));
                        }
                    }
                    Err(RecvError::Lagged(_)) => {
                        // Fell behind: stored events come back from the store; output was dropped.
                        backlog = stored_after(&d, last, &filter).unwrap_or_default();
                        if let Some(id) = backlog.back().and_then(|e| e.id) {
                            last = id;
                        }
                        let gap = Event {
                            id: None,
                            at: rfc3339(crate::store::now_ms()),
                            session_id: String::new(),
                            session: filter.session.clone().unwrap_or_default(),
                            kind: EventKind::OutputGap { from_offset: 0 },
                        };
                        backlog.push_front(gap);
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    );
    Ok(axum::response::Sse::new(stream).keep_alive(KeepAlive::default()))
}

fn stored_after(d: &Daemon, since: i64, filter: &Filter) -> Result<VecDeque<Event>, ApiError> {
    let mut out = VecDeque::new();
    let mut cursor = since;
    loop {
        let page = d
            .store
            .events_since(cursor, 1000)
            .map_err(ApiError::internal)?;
        let Some(last) = page.last() else { break };
        cursor = last.id;
        for s in page {
            let Ok(kind) = serde_json::from_str::<EventKind>(&s.payload) else {
                continue;
            };
            let e = Event {
                id: Some(s.id),
                at: rfc3339(s.at_ms),
                session_id: s.session_id,
                session: s.session,
                kind,
            };
            if filter.keep(&e) {
                out.push_back(e);
            }
        }
    }
    Ok(out)
}

fn to_sse(e: &Event) -> Sse {
    let data = serde_json::to_string(e).unwrap_or_default();
    let ev = Sse::default().event(e.kind.type_name()).data(data);
    match e.id {
        Some(id) => ev.id(id.to_string()),
        None => ev,
    }
}
