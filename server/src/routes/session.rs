//! The session: sign in and out, who am I, switch tenant and language, passwords.

use axum::extract::State;
use axum::http::StatusCode;
use domain::{auth, AppError, TenantContext};
use serde::Deserialize;
use tower_sessions::Session;
use types::dto::{
    ChangePasswordIn, PasswordResetRequestIn, ResetPasswordIn, SessionOut, SignInIn, SignInOut, TotpDoneOut,
    TotpEnrolmentOut, TotpIn,
};
use types::Lang;
use utoipa::ToSchema;

use crate::error::{ApiFailure, ApiResult};
use crate::extract::{CurrentUser, Json};
use crate::sessions;
use crate::state::AppState;

fn session_error(err: tower_sessions::session::Error) -> ApiFailure {
    ApiFailure(AppError::Internal(format!("session: {err}")))
}

/// The signed-in user, the current tenant and the tenants they can switch to.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionOut), (status = 401, body = types::ApiError)))]
pub async fn get_session(State(state): State<AppState>, session: Session) -> ApiResult<Json<SessionOut>> {
    let user = sessions::user(&session, &state.db).await.ok_or(ApiFailure(AppError::Unauthenticated))?;
    let current = sessions::current_tenant(&session).await;
    Ok(Json(auth::session_out(&state.db, user, current.as_deref()).await?))
}

/// Signs in with email and password. The session id is replaced. An account whose roles
/// read case data or manage users answers `{"second_factor": "totp"}` (and `"enrol":
/// true` until it has an authenticator): the session waits for `POST /api/v1/session/totp`.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignInIn,
    responses((status = 200, body = SignInOut), (status = 401, body = types::ApiError),
              (status = 422, body = types::ApiError), (status = 429, body = types::ApiError)))]
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    Json(input): Json<SignInIn>,
) -> ApiResult<Json<SignInOut>> {
    let user = auth::sign_in(&state.db, &input.email, &input.password).await?;
    Ok(Json(sessions::after_password(&session, &state.db, user).await?))
}

/// The authenticator to enrol, for a session waiting for its first code.
#[utoipa::path(get, path = "/api/v1/session/totp/enrolment", tag = "session",
    responses((status = 200, body = TotpEnrolmentOut), (status = 401, body = types::ApiError), (status = 409, body = types::ApiError)))]
pub async fn totp_enrolment(State(state): State<AppState>, session: Session) -> ApiResult<Json<TotpEnrolmentOut>> {
    let user = sessions::pending_user(&session, &state.db).await.ok_or(ApiFailure(AppError::Unauthenticated))?;
    Ok(Json(domain::second_factor::enrolment(&state.db, user).await?))
}

/// Completes a pending sign-in with a code of the authenticator (or a recovery code).
#[utoipa::path(post, path = "/api/v1/session/totp", tag = "session", request_body = TotpIn,
    responses((status = 200, body = TotpDoneOut), (status = 401, body = types::ApiError),
              (status = 422, body = types::ApiError), (status = 429, body = types::ApiError)))]
pub async fn complete_totp(
    State(state): State<AppState>,
    session: Session,
    Json(input): Json<TotpIn>,
) -> ApiResult<Json<TotpDoneOut>> {
    Ok(Json(sessions::after_code(&session, &state.db, &input.code).await?))
}

/// Signs out: the session is deleted.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
pub async fn sign_out(session: Session) -> ApiResult<StatusCode> {
    session.flush().await.map_err(session_error)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct SwitchTenantIn {
    pub tenant: String,
}

/// Makes another of the user's tenants the current one.
#[utoipa::path(put, path = "/api/v1/session/tenant", tag = "session", request_body = SwitchTenantIn,
    responses((status = 200, body = SessionOut), (status = 404, body = types::ApiError)))]
pub async fn switch_tenant(
    State(state): State<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    Json(input): Json<SwitchTenantIn>,
) -> ApiResult<Json<SessionOut>> {
    let ctx = TenantContext::resolve(&state.db, user, &input.tenant).await?;
    session.insert(sessions::TENANT, ctx.tenant().slug.clone()).await.map_err(session_error)?;
    Ok(Json(auth::session_out(&state.db, user, Some(&ctx.tenant().slug)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct LanguageIn {
    pub lang: String,
}

/// Chooses the interface language (also before signing in).
#[utoipa::path(put, path = "/api/v1/session/lang", tag = "session", request_body = LanguageIn,
    responses((status = 204), (status = 422, body = types::ApiError)))]
pub async fn set_language(
    State(state): State<AppState>,
    session: Session,
    Json(input): Json<LanguageIn>,
) -> ApiResult<StatusCode> {
    let lang = Lang::from_code(&input.lang).ok_or(ApiFailure(AppError::field("lang", "validation.invalid")))?;
    session.insert(sessions::LANG, lang).await.map_err(session_error)?;
    if let Some(user) = sessions::user(&session, &state.db).await {
        auth::set_language(&state.db, user, lang).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the signed-in user's password.
#[utoipa::path(post, path = "/api/v1/session/password", tag = "session", request_body = ChangePasswordIn,
    responses((status = 204), (status = 422, body = types::ApiError)))]
pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
    Json(input): Json<ChangePasswordIn>,
) -> ApiResult<StatusCode> {
    auth::change_password(&state.db, user, &input.current_password, &input.new_password).await?;
    // Every other session of the user is over; this one goes on.
    sessions::restamp(&session, &state.db, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "I forgot my password": an active account with this address is sent a reset link by
/// e-mail. The answer is the same whether or not it exists.
#[utoipa::path(post, path = "/api/v1/password-reset-request", tag = "session", request_body = PasswordResetRequestIn,
    responses((status = 202), (status = 422, body = types::ApiError), (status = 429, body = types::ApiError)))]
pub async fn request_password_reset(
    State(state): State<AppState>,
    Json(input): Json<PasswordResetRequestIn>,
) -> ApiResult<StatusCode> {
    auth::request_password_reset(&state.db, &input.email, &state.config.link_base()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Sets a password with a one-time token (from `openwelfare reset-password` or a new account).
#[utoipa::path(post, path = "/api/v1/password-reset", tag = "session", request_body = ResetPasswordIn,
    responses((status = 204), (status = 422, body = types::ApiError)))]
pub async fn reset_password(
    State(state): State<AppState>,
    Json(input): Json<ResetPasswordIn>,
) -> ApiResult<StatusCode> {
    auth::reset_password(&state.db, &input.token, &input.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
