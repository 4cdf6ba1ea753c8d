//! The one error type. Variants name what went wrong in the client's terms; the HTTP
//! status and the translated body are derived from them once (`to_api`), in the server.
//! Internal causes are logged there and never sent.

use types::i18n::{t, tf};
use types::{ApiError, ErrorCode, FieldError, Lang};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// A rejected field: a translation key and its placeholder values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: String,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 404 — missing, or another tenant's (the same answer on purpose).
    #[error("not found")]
    NotFound,
    /// 401 — no valid session.
    #[error("unauthenticated")]
    Unauthenticated,
    /// 403 — the role does not allow it.
    #[error("forbidden")]
    Forbidden,
    /// 403 — a state-changing request from a foreign origin.
    #[error("bad origin")]
    BadOrigin,
    /// 409 — conflicts with existing data; the key explains it to the user.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// 422 — field-level problems.
    #[error("validation failed")]
    Validation(Vec<FieldIssue>),
    /// 401 — wrong email or password, never saying which.
    #[error("bad credentials")]
    BadCredentials,
    /// 429 — locked out for a while after repeated failures.
    #[error("too many attempts")]
    TooManyAttempts,
    /// 429 — this client asked too often; a public endpoint's rate limit.
    #[error("too many requests")]
    TooManyRequests,
    /// 413 — the request body is over the endpoint's limit.
    #[error("too large")]
    TooLarge,
    /// 503 — database unreachable or not migrated.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// 500 — a bug or an infrastructure failure; the text is logged, never sent.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::NotFound => ErrorCode::NotFound,
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::BadOrigin => ErrorCode::BadOrigin,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::Validation(_) => ErrorCode::Validation,
            AppError::BadCredentials => ErrorCode::BadCredentials,
            AppError::TooManyAttempts => ErrorCode::TooManyAttempts,
            AppError::TooManyRequests => ErrorCode::TooManyRequests,
            AppError::TooLarge => ErrorCode::TooLarge,
            AppError::Unavailable(_) => ErrorCode::Unavailable,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The HTTP status of the error, after logging what an operator must see (the cause
    /// of an internal error, an unavailable database); the one step every answer to a
    /// client takes, from the HTTP API and the server functions alike.
    pub fn respond(&self) -> u16 {
        match self {
            AppError::Internal(cause) => tracing::error!(%cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(%cause, "service unavailable"),
            _ => {}
        }
        self.code().status()
    }

    /// A single-field validation error.
    pub fn field(field: &str, key: &'static str) -> AppError {
        AppError::Validation(vec![FieldIssue { field: field.to_string(), key, args: vec![] }])
    }

    /// The translated body for the client.
    pub fn to_api(&self, lang: Lang) -> ApiError {
        let code = self.code();
        let message = match self {
            AppError::Conflict(key) => t(lang, key),
            _ => t(lang, code.message_key()),
        };
        let fields = match self {
            AppError::Validation(issues) => issues
                .iter()
                .map(|i| {
                    let args: Vec<(&str, &str)> = i.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    FieldError { field: i.field.clone(), message: tf(lang, i.key, &args) }
                })
                .collect(),
            _ => vec![],
        };
        ApiError { code, message, fields }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        match &err {
            sea_orm::DbErr::RecordNotFound(_) => AppError::NotFound,
            sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_) => AppError::Unavailable(err.to_string()),
            _ => AppError::Internal(err.to_string()),
        }
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

/// Whether a database error is a unique-constraint violation (a 409, not a 500).
pub fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Maps a unique-constraint violation to a 409 with `key` as its message; anything else as usual.
pub fn on_unique(key: &'static str) -> impl Fn(sea_orm::DbErr) -> AppError {
    move |err| if is_unique_violation(&err) { AppError::Conflict(key) } else { err.into() }
}
