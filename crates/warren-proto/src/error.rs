//! One error type that knows its HTTP status, its JSON `code` and the CLI's exit code.

use serde::{Deserialize, Serialize};

/// CLI exit codes. README has the table; nothing else in the code picks a number.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// A wait that timed out, or `health` of a dead session.
    pub const TIMEOUT_OR_DEAD: i32 = 1;
    /// No session of that name.
    pub const MISSING: i32 = 2;
    /// Registered, but its tmux session is gone.
    pub const ZOMBIE: i32 = 3;
    /// The command was used wrongly (bad flag, name, duration, body).
    pub const USAGE: i32 = 64;
    /// The daemon (or tmux) could not be reached or started.
    pub const UNAVAILABLE: i32 = 69;
    /// A bug or an unexpected fault inside warren.
    pub const INTERNAL: i32 = 70;
}

/// What went wrong, as a caller branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A field of the request is invalid (the message names it).
    BadRequest,
    /// Authentication is missing or wrong.
    Unauthorized,
    /// The Host header is not a loopback name, or the peer is another user.
    Forbidden,
    /// No session of that name or id.
    NotFound,
    /// The name is taken by a live session.
    NameTaken,
    /// The session is not in a state that allows this.
    Conflict,
    /// The cursor is older than the retained events.
    Gone,
    /// The body or text is larger than allowed.
    TooLarge,
    /// The session is registered but its tmux session is gone.
    Zombie,
    /// tmux is missing or could not be started.
    TmuxUnavailable,
    /// The daemon could not be reached or started (client side only).
    Unavailable,
    /// The daemon speaks another protocol version (client side only).
    ProtocolMismatch,
    /// A fault inside warren.
    Internal,
}

impl ErrorCode {
    /// HTTP status for this code.
    pub fn http_status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::NameTaken | Self::Conflict => 409,
            Self::Gone => 410,
            Self::TooLarge => 413,
            Self::Zombie => 410,
            Self::TmuxUnavailable | Self::Unavailable | Self::ProtocolMismatch => 503,
            Self::Internal => 500,
        }
    }

    /// CLI exit code for this code.
    pub fn exit_code(self) -> i32 {
        match self {
            Self::NotFound => exit::MISSING,
            Self::Zombie => exit::ZOMBIE,
            Self::BadRequest | Self::NameTaken | Self::Conflict | Self::TooLarge | Self::Gone => {
                exit::USAGE
            }
            Self::Unauthorized | Self::Forbidden => exit::USAGE,
            Self::TmuxUnavailable | Self::Unavailable | Self::ProtocolMismatch => exit::UNAVAILABLE,
            Self::Internal => exit::INTERNAL,
        }
    }

    /// The best code for an HTTP status received without a body we understand.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            409 => Self::Conflict,
            410 => Self::Gone,
            413 => Self::TooLarge,
            503 => Self::Unavailable,
            _ => Self::Internal,
        }
    }
}

/// The JSON body of every error answer: `{code, message, hint}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable kind.
    pub code: ErrorCode,
    /// What went wrong, for people.
    pub message: String,
    /// How to fix it, when we know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// An error with its code, message and hint; the CLI exits with `code.exit_code()`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{}", body.message, body.hint.as_deref().map(|h| format!("\n  to fix: {h}")).unwrap_or_default())]
pub struct ApiError {
    /// The wire form.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error without a hint.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            body: ErrorBody {
                code,
                message: message.into(),
                hint: None,
            },
        }
    }

    /// Adds how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.body.hint = Some(hint.into());
        self
    }

    /// The code.
    pub fn code(&self) -> ErrorCode {
        self.body.code
    }

    /// 400 naming the bad field.
    pub fn bad_field(field: &str, why: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorCode::BadRequest,
            format!("invalid field `{field}`: {why}"),
        )
    }

    /// 404 for an unknown session, in the words the issue asks for.
    pub fn no_session(name: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("no session named {name}"))
            .with_hint("see `warren ls`")
    }

    /// 500 with context.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Internal, message.to_string())
    }
}

impl From<crate::NameError> for ApiError {
    fn from(e: crate::NameError) -> Self {
        Self::bad_field("name", e)
    }
}
