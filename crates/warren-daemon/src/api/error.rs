//! Errors as HTTP answers: `{code, message, hint}` with the status the code says.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use warren_proto::{ApiError, ErrorCode};

/// An `ApiError` on its way out.
#[derive(Debug)]
pub(crate) struct Failure(pub ApiError);

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Self(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.code().http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, Json(self.0.body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"warren\""),
            );
        }
        resp
    }
}

/// The result type of handlers.
pub(crate) type ApiResult<T> = Result<T, Failure>;

/// 401.
pub(crate) fn unauthorized() -> Failure {
    Failure(
        ApiError::new(ErrorCode::Unauthorized, "missing or wrong bearer token")
            .with_hint("send `Authorization: Bearer $(warren token)`"),
    )
}

/// 403.
pub(crate) fn forbidden_host() -> Failure {
    Failure(ApiError::new(
        ErrorCode::Forbidden,
        "the Host header must name localhost, 127.0.0.1 or [::1]",
    ))
}
