//! The one place where `AppError` becomes an HTTP response. Handlers return
//! `ApiResult<T>`; the failure carries the untranslated error in the response's
//! extensions and `middleware::translate_errors`, which knows the request's language,
//! writes the body. Internal errors are logged (by `AppError::respond`, as for the server
//! functions) with their cause and sent as a generic message.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::AppError;

/// A failed request; becomes a translated JSON error.
#[derive(Debug)]
pub struct ApiFailure(pub AppError);

pub type ApiResult<T> = Result<T, ApiFailure>;

impl From<AppError> for ApiFailure {
    fn from(err: AppError) -> Self {
        ApiFailure(err)
    }
}

impl From<PathRejection> for ApiFailure {
    // A malformed id cannot name an object: the same 404 as a missing one.
    fn from(_: PathRejection) -> Self {
        ApiFailure(AppError::NotFound)
    }
}

impl From<JsonRejection> for ApiFailure {
    fn from(rejection: JsonRejection) -> Self {
        // Only the status: serde's message can quote the (personal) values sent.
        tracing::debug!(status = %rejection.status(), "rejected JSON body");
        let key = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            "validation.body_too_large"
        } else {
            "validation.bad_body"
        };
        ApiFailure(AppError::field("body", key))
    }
}

impl From<QueryRejection> for ApiFailure {
    fn from(_: QueryRejection) -> Self {
        ApiFailure(AppError::field("query", "validation.bad_query"))
    }
}

/// The untranslated error, handed from `IntoResponse` to the translating middleware.
#[derive(Clone)]
pub struct PendingError(pub Arc<AppError>);

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let err = self.0;
        let status = StatusCode::from_u16(err.respond()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        response.extensions_mut().insert(PendingError(Arc::new(err)));
        response
    }
}
