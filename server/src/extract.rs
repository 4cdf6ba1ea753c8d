//! Extractors: where a request becomes a signed-in user or a `TenantContext`. A tenant
//! route takes `Tenant` and cannot forget the check: the context only exists if the
//! session's user is a member (or a province role above it) of the path's `{tenant}`.

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use domain::{AppError, TenantContext};
use serde::Serialize;
use tower_sessions::Session;
use types::{Lang, UserId};

use crate::error::ApiFailure;
use crate::sessions;
use crate::state::AppState;

/// `axum::Json` whose rejection is a translated validation error.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiFailure))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Path` whose rejection is a 404.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiFailure))]
pub struct Path<T>(pub T);

/// `axum::extract::Query` whose rejection is a translated validation error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiFailure))]
pub struct Query<T>(pub T);

async fn session(parts: &mut Parts, state: &AppState) -> Result<Session, ApiFailure> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, msg)| ApiFailure(AppError::Internal(format!("session layer: {msg}"))))
}

/// The signed-in user (401 otherwise).
pub struct CurrentUser(pub UserId);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = session(parts, state).await?;
        sessions::user(&session, &state.db).await.map(CurrentUser).ok_or(ApiFailure(AppError::Unauthenticated))
    }
}

/// The tenant named by the path's `{tenant}` segment, resolved for the signed-in user.
pub struct Tenant(pub TenantContext);

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state).await?;
        let slug = params.get("tenant").ok_or(ApiFailure(AppError::NotFound))?;
        Ok(Tenant(TenantContext::resolve(&state.db, user, slug).await?))
    }
}

/// The request's language, chosen by `middleware::language`.
#[derive(Clone, Copy, Debug)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<RequestLang>().copied().unwrap_or(RequestLang(Lang::It)))
    }
}

/// Reads a request body of at most `limit` bytes, after the handler has checked who may
/// send it; a larger one is `TooLarge`, a broken one a validation error.
pub async fn read_body(body: axum::body::Body, limit: usize) -> Result<axum::body::Bytes, ApiFailure> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            || e.to_string().contains("length limit");
        ApiFailure(if too_large { AppError::TooLarge } else { AppError::field("body", "validation.invalid") })
    })
}

/// The client's address for rate limits: the peer's, or behind a reverse proxy the last
/// entry of the header it is configured to write (`Config::client_ip_header`); a header
/// nobody configured is a client's claim and ignored. `None` when unknown (in tests).
pub fn client_ip(
    extensions: &axum::http::Extensions,
    headers: &axum::http::HeaderMap,
    config: &crate::config::Config,
) -> Option<std::net::IpAddr> {
    let name = config.client_ip_header.trim();
    if !name.is_empty() {
        return headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|v| v.trim().parse().ok());
    }
    extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())
}
