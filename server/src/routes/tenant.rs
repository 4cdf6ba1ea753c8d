//! Tenant-scoped API under `/api/v1/t/{tenant}/…`. Every handler takes `Tenant`, so it
//! only runs for a member of that tenant; objects of other tenants answer 404.

use axum::extract::State;
use axum::http::StatusCode;
use domain::{districts, tenants, users};
use serde::Deserialize;
use types::dto::{
    ComuneOut, DistrictIn, DistrictOut, InvitationOut, MemberIn, MemberOut, MembershipChangeOut, MunicipalityIn, Page,
    TenantNodeOut, TenantOut, TenantSettingsIn, TenantSettingsOut, ZoneIn,
};
use types::{DistrictId, MembershipId, Role};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiResult;
use crate::extract::{Json, Path, Query, Tenant};
use crate::state::AppState;

/// `/{tenant}/<collection>/{id}`: the object's id (its name in the route is for the docs).
#[derive(Deserialize)]
pub struct ObjectPath {
    #[allow(dead_code)]
    tenant: String,
    #[serde(alias = "district_id", alias = "membership_id")]
    id: i64,
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/districts", tag = "districts",
    params(("tenant" = String, Path, description = "tenant slug"), PageQuery),
    responses((status = 200, body = Page<DistrictOut>), (status = 404, body = types::ApiError)))]
pub async fn list_districts(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<DistrictOut>>> {
    Ok(Json(districts::list_districts(&s.db, &ctx, q.page.unwrap_or(1)).await?))
}

#[utoipa::path(post, path = "/api/v1/t/{tenant}/districts", tag = "districts", request_body = DistrictIn,
    params(("tenant" = String, Path)),
    responses((status = 201, body = DistrictOut), (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn create_district(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(input): Json<DistrictIn>,
) -> ApiResult<(StatusCode, Json<DistrictOut>)> {
    Ok((StatusCode::CREATED, Json(districts::create_district(&s.db, &ctx, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/districts/{district_id}", tag = "districts",
    params(("tenant" = String, Path), ("district_id" = i64, Path)),
    responses((status = 200, body = DistrictOut), (status = 404, body = types::ApiError)))]
pub async fn get_district(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(ids): Path<ObjectPath>,
) -> ApiResult<Json<DistrictOut>> {
    Ok(Json(districts::get_district(&s.db, &ctx, DistrictId(ids.id)).await?))
}

#[utoipa::path(put, path = "/api/v1/t/{tenant}/districts/{district_id}", tag = "districts", request_body = DistrictIn,
    params(("tenant" = String, Path), ("district_id" = i64, Path)),
    responses((status = 200, body = DistrictOut), (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn update_district(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(ids): Path<ObjectPath>,
    Json(input): Json<DistrictIn>,
) -> ApiResult<Json<DistrictOut>> {
    Ok(Json(districts::update_district(&s.db, &ctx, DistrictId(ids.id), input).await?))
}

#[utoipa::path(delete, path = "/api/v1/t/{tenant}/districts/{district_id}", tag = "districts",
    params(("tenant" = String, Path), ("district_id" = i64, Path)),
    responses((status = 204), (status = 404, body = types::ApiError)))]
pub async fn delete_district(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(ids): Path<ObjectPath>,
) -> ApiResult<StatusCode> {
    districts::delete_district(&s.db, &ctx, DistrictId(ids.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// 1-based page number.
    pub page: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/members", tag = "users",
    params(("tenant" = String, Path), PageQuery),
    responses((status = 200, body = Page<MemberOut>), (status = 403, body = types::ApiError), (status = 404, body = types::ApiError)))]
pub async fn list_members(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<MemberOut>>> {
    Ok(Json(users::list_members(&s.db, &ctx, q.page.unwrap_or(1)).await?))
}

/// Invites someone: the invitation goes to the address by e-mail, and they become a member
/// when they accept it. The answer is the same whether or not the address has an account.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/members", tag = "users", request_body = MemberIn,
    params(("tenant" = String, Path)),
    responses((status = 202, body = InvitationOut), (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn add_member(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(input): Json<MemberIn>,
) -> ApiResult<(StatusCode, Json<InvitationOut>)> {
    let sent = domain::invitations::invite(&s.db, &ctx, input, &s.config.link_base()).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/members/changes", tag = "users",
    params(("tenant" = String, Path)),
    responses((status = 200, body = Vec<MembershipChangeOut>), (status = 403, body = types::ApiError), (status = 404, body = types::ApiError)))]
pub async fn membership_changes(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
) -> ApiResult<Json<Vec<MembershipChangeOut>>> {
    Ok(Json(users::membership_changes(&s.db, &ctx).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct RoleIn {
    pub role: Role,
}

#[utoipa::path(put, path = "/api/v1/t/{tenant}/members/{membership_id}", tag = "users", request_body = RoleIn,
    params(("tenant" = String, Path), ("membership_id" = i64, Path)),
    responses((status = 200, body = MemberOut), (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn change_role(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(ids): Path<ObjectPath>,
    Json(input): Json<RoleIn>,
) -> ApiResult<Json<MemberOut>> {
    Ok(Json(users::change_role(&s.db, &ctx, MembershipId(ids.id), input.role).await?))
}

#[utoipa::path(delete, path = "/api/v1/t/{tenant}/members/{membership_id}", tag = "users",
    params(("tenant" = String, Path), ("membership_id" = i64, Path)),
    responses((status = 204), (status = 404, body = types::ApiError)))]
pub async fn remove_member(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(ids): Path<ObjectPath>,
) -> ApiResult<StatusCode> {
    users::remove_member(&s.db, &ctx, MembershipId(ids.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/settings", tag = "tenants",
    params(("tenant" = String, Path)),
    responses((status = 200, body = TenantSettingsOut), (status = 404, body = types::ApiError)))]
pub async fn get_settings(State(s): State<AppState>, Tenant(ctx): Tenant) -> ApiResult<Json<TenantSettingsOut>> {
    Ok(Json(tenants::settings(&s.db, &ctx).await?))
}

#[utoipa::path(put, path = "/api/v1/t/{tenant}/settings", tag = "tenants", request_body = TenantSettingsIn,
    params(("tenant" = String, Path)),
    responses((status = 200, body = TenantSettingsOut), (status = 422, body = types::ApiError)))]
pub async fn update_settings(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(input): Json<TenantSettingsIn>,
) -> ApiResult<Json<TenantSettingsOut>> {
    Ok(Json(tenants::update_settings(&s.db, &ctx, input).await?))
}

/// Sets the logo the tenant's widgets show: the image file as the body (PNG, JPEG or WebP,
/// at most 200 KB).
#[utoipa::path(put, path = "/api/v1/t/{tenant}/logo", tag = "tenants",
    params(("tenant" = String, Path)),
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 204), (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn set_logo(State(s): State<AppState>, Tenant(ctx): Tenant, body: axum::body::Body) -> ApiResult<StatusCode> {
    ctx.require(domain::authz::Permission::ManageSettings)?;
    // Well over the logo's limit, so that a slightly large logo gets the field error.
    let body = crate::extract::read_body(body, 1024 * 1024).await?;
    domain::theme::set_logo(&s.db, &ctx, body.to_vec()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/t/{tenant}/logo", tag = "tenants",
    params(("tenant" = String, Path)),
    responses((status = 204), (status = 404, body = types::ApiError)))]
pub async fn remove_logo(State(s): State<AppState>, Tenant(ctx): Tenant) -> ApiResult<StatusCode> {
    domain::theme::remove_logo(&s.db, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/tree", tag = "tenants",
    params(("tenant" = String, Path)),
    responses((status = 200, body = TenantNodeOut), (status = 403, body = types::ApiError)))]
pub async fn tenant_tree(State(s): State<AppState>, Tenant(ctx): Tenant) -> ApiResult<Json<TenantNodeOut>> {
    Ok(Json(tenants::tenant_tree(&s.db, &ctx).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct ComuniQuery {
    /// Part of the comune's name.
    pub q: Option<String>,
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/comuni", tag = "tenants",
    params(("tenant" = String, Path), ComuniQuery),
    responses((status = 200, body = Vec<ComuneOut>), (status = 403, body = types::ApiError)))]
pub async fn search_comuni(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Query(q): Query<ComuniQuery>,
) -> ApiResult<Json<Vec<ComuneOut>>> {
    Ok(Json(tenants::search_comuni(&s.db, &ctx, q.q.as_deref().unwrap_or(""), q.limit).await?))
}

#[utoipa::path(post, path = "/api/v1/t/{tenant}/municipalities", tag = "tenants", request_body = MunicipalityIn,
    params(("tenant" = String, Path)),
    responses((status = 201, body = TenantOut), (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn create_municipality(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(input): Json<MunicipalityIn>,
) -> ApiResult<(StatusCode, Json<TenantOut>)> {
    Ok((StatusCode::CREATED, Json(tenants::create_municipality(&s.db, &ctx, input).await?)))
}

#[utoipa::path(post, path = "/api/v1/t/{tenant}/zones", tag = "tenants", request_body = ZoneIn,
    params(("tenant" = String, Path)),
    responses((status = 201, body = TenantOut), (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn create_zone(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(input): Json<ZoneIn>,
) -> ApiResult<(StatusCode, Json<TenantOut>)> {
    Ok((StatusCode::CREATED, Json(tenants::create_zone(&s.db, &ctx, input).await?)))
}
