//! The error body every client gets: a stable code, a translated message and, for
//! validation, one translated message per field. Internal details never appear here.

use serde::{Deserialize, Serialize};

/// Stable, documented error codes; the HTTP status is derived from them in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 404: missing, or belonging to another tenant (indistinguishable on purpose).
    NotFound,
    /// 401: not signed in, or the session expired.
    Unauthenticated,
    /// 403: signed in, but the role does not allow this.
    Forbidden,
    /// 403: a state-changing request from another site (CSRF defence).
    BadOrigin,
    /// 409: conflicts with existing data (e.g. a duplicate name).
    Conflict,
    /// 422: some fields are invalid; see `fields`.
    Validation,
    /// 401: wrong email or password (never says which).
    BadCredentials,
    /// 429: too many failed attempts; try again later.
    TooManyAttempts,
    /// 429: too many requests from this client; try again shortly.
    TooManyRequests,
    /// 413: the request body is larger than this endpoint accepts.
    TooLarge,
    /// 503: the database is not reachable or not migrated.
    Unavailable,
    /// 500: our fault; details are in the server log.
    Internal,
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::NotFound => 404,
            ErrorCode::Unauthenticated | ErrorCode::BadCredentials => 401,
            ErrorCode::Forbidden | ErrorCode::BadOrigin => 403,
            ErrorCode::Conflict => 409,
            ErrorCode::Validation => 422,
            ErrorCode::TooManyAttempts | ErrorCode::TooManyRequests => 429,
            ErrorCode::TooLarge => 413,
            ErrorCode::Unavailable => 503,
            ErrorCode::Internal => 500,
        }
    }

    /// Translation key of the generic message for this code.
    pub fn message_key(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "error.not_found",
            ErrorCode::Unauthenticated => "error.unauthenticated",
            ErrorCode::Forbidden => "error.forbidden",
            ErrorCode::BadOrigin => "error.bad_origin",
            ErrorCode::Conflict => "error.conflict",
            ErrorCode::Validation => "error.validation",
            ErrorCode::BadCredentials => "error.bad_credentials",
            ErrorCode::TooManyAttempts => "error.too_many_attempts",
            ErrorCode::TooManyRequests => "error.too_many_requests",
            ErrorCode::TooLarge => "error.too_large",
            ErrorCode::Unavailable => "error.unavailable",
            ErrorCode::Internal => "error.internal",
        }
    }
}

/// One invalid field, with its translated message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The JSON body of every error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl ApiError {
    /// The message for `field`, if that field was rejected.
    pub fn field(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|f| f.field == field).map(|f| f.message.as_str())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}
