//! A JSON body extractor whose 400 names the field at fault, and whose 413 is ours.

use super::error::Failure;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use warren_proto::{ApiError, ErrorCode};

/// JSON body of type `T`.
pub(crate) struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                Failure(
                    ApiError::new(ErrorCode::TooLarge, "request body is larger than 16 MiB")
                        .with_hint("send large text from a file the session reads"),
                )
            } else {
                Failure(ApiError::new(
                    ErrorCode::BadRequest,
                    format!("cannot read the body: {e}"),
                ))
            }
        })?;
        let body: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        parse(body).map(ApiJson).map_err(Failure)
    }
}

/// Deserialises, naming the field at fault.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() || path.is_empty() || path == "." || path == "?" {
            ApiError::new(
                ErrorCode::BadRequest,
                format!("malformed JSON body: {inner}"),
            )
        } else {
            ApiError::bad_field(&path, inner)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_proto::SendRequest;

    #[test]
    fn names_the_bad_field() {
        let e = parse::<SendRequest>(br#"{"text": 5}"#).unwrap_err();
        assert!(e.body.message.contains("`text`"), "{}", e.body.message);
        let e = parse::<SendRequest>(b"{not json").unwrap_err();
        assert!(
            e.body.message.starts_with("malformed JSON"),
            "{}",
            e.body.message
        );
        let e = parse::<warren_proto::NewRequest>(br#"{"name": "Bad:Name"}"#).unwrap_err();
        assert!(
            e.body.message.contains("`name`") && e.body.message.contains("starting with a letter"),
            "{}",
            e.body.message
        );
    }
}
