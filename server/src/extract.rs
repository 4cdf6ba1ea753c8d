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
