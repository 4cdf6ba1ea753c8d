//! Invitations: a tenant's admins list and revoke the ones they sent (`POST …/members`
//! sends one); the addressee accepts or declines theirs after signing in, or, for a new
//! address, creates the account through the e-mailed link.

use axum::extract::State;
use axum::http::StatusCode;
use domain::invitations;
use serde::Deserialize;
use types::dto::{InvitationOut, InvitationPreviewOut, InvitationTokenIn, InvitedAccountIn, MyInvitationOut};
use types::InvitationId;

use crate::error::ApiResult;
use crate::extract::{CurrentUser, Json, Path, Tenant};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct TenantInvitationPath {
    #[allow(dead_code)]
    tenant: String,
    invitation_id: i64,
}

#[derive(Deserialize)]
pub struct InvitationPath {
    invitation_id: i64,
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/invitations", tag = "users",
    params(("tenant" = String, Path)),
    responses((status = 200, body = Vec<InvitationOut>), (status = 403, body = types::ApiError), (status = 404, body = types::ApiError)))]
pub async fn list_invitations(State(s): State<AppState>, Tenant(ctx): Tenant) -> ApiResult<Json<Vec<InvitationOut>>> {
    Ok(Json(invitations::pending(&s.db, &ctx).await?))
}

#[utoipa::path(delete, path = "/api/v1/t/{tenant}/invitations/{invitation_id}", tag = "users",
    params(("tenant" = String, Path), ("invitation_id" = i64, Path)),
    responses((status = 204), (status = 403, body = types::ApiError), (status = 404, body = types::ApiError)))]
pub async fn revoke_invitation(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(ids): Path<TenantInvitationPath>,
) -> ApiResult<StatusCode> {
    invitations::revoke(&s.db, &ctx, InvitationId(ids.invitation_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The open invitations addressed to the signed-in user.
#[utoipa::path(get, path = "/api/v1/invitations", tag = "session",
    responses((status = 200, body = Vec<MyInvitationOut>), (status = 401, body = types::ApiError)))]
pub async fn my_invitations(
    State(s): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<Vec<MyInvitationOut>>> {
    Ok(Json(invitations::mine(&s.db, user).await?))
}

#[utoipa::path(post, path = "/api/v1/invitations/{invitation_id}/accept", tag = "session",
    params(("invitation_id" = i64, Path)),
    responses((status = 204), (status = 404, body = types::ApiError), (status = 409, body = types::ApiError)))]
pub async fn accept_invitation(
    State(s): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(ids): Path<InvitationPath>,
) -> ApiResult<StatusCode> {
    invitations::accept(&s.db, user, InvitationId(ids.invitation_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/invitations/{invitation_id}", tag = "session",
    params(("invitation_id" = i64, Path)),
    responses((status = 204), (status = 404, body = types::ApiError)))]
pub async fn decline_invitation(
    State(s): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(ids): Path<InvitationPath>,
) -> ApiResult<StatusCode> {
    invitations::decline(&s.db, user, InvitationId(ids.invitation_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the e-mailed link is for (the token travels in the body, never in a URL).
#[utoipa::path(post, path = "/api/v1/invitations/preview", tag = "session", request_body = InvitationTokenIn,
    responses((status = 200, body = InvitationPreviewOut), (status = 422, body = types::ApiError)))]
pub async fn preview_invitation(
    State(s): State<AppState>,
    Json(input): Json<InvitationTokenIn>,
) -> ApiResult<Json<InvitationPreviewOut>> {
    Ok(Json(invitations::preview(&s.db, &input.token).await?))
}

/// A new address accepts by creating its account with a password.
#[utoipa::path(post, path = "/api/v1/invitations/account", tag = "session", request_body = InvitedAccountIn,
    responses((status = 204), (status = 409, body = types::ApiError), (status = 422, body = types::ApiError),
              (status = 429, body = types::ApiError)))]
pub async fn create_invited_account(
    State(s): State<AppState>,
    Json(input): Json<InvitedAccountIn>,
) -> ApiResult<StatusCode> {
    invitations::create_account(&s.db, input).await?;
    Ok(StatusCode::NO_CONTENT)
}
