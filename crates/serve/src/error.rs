//! The crate's errors, and how the API answers them.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Errors of the server: starting it, and each request's failure (answered as JSON
/// `{"error": "..."}` with the matching status; no panic reaches a client).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The request body is over [`crate::MAX_BODY_BYTES`]: 413.
    #[error("{0}")]
    TooLarge(String),
    /// The resource does not exist (unknown customer id): 404.
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed or invalid; the message names the field: 400.
    #[error("{0}")]
    BadRequest(String),
    /// The analysis lacks what the request needs (a stage failed): 503.
    #[error("{0}")]
    Unavailable(String),
    /// An unexpected failure: 500.
    #[error("{0}")]
    Internal(String),
    /// The server could not bind or run.
    #[error("cannot serve on {addr}: {source}")]
    Io {
        /// The address.
        addr: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) | ApiError::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (
            status,
            Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response()
    }
}
