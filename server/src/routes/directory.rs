//! Staff routes of the facility directory under `/api/v1/t/{tenant}/facilities`. Lists
//! cover the tenant and everything beneath it (a province sees all its comuni's entries);
//! changes need the facility's own tenant in the path.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::import::{self, ImportOptions};
use domain::{facilities, organizations};
use serde::Deserialize;
use types::directory::{
    FacilityChangeOut, FacilityIn, FacilitySearch, FacilityStateIn, ImportReport, OrganizationIn, OrganizationOut,
    SearchPage, SelfServiceIn, StaffFacilityOut,
};
use types::dto::Page;
use types::{FacilityId, OrganizationId};
use utoipa::IntoParams;

use crate::error::ApiResult;
use crate::extract::{Json, Path, Query, RequestLang, Tenant};
use crate::state::AppState;

/// `/{tenant}/facilities/{facility_id}…`
#[derive(Deserialize)]
pub struct FacilityPath {
    #[allow(dead_code)]
    tenant: String,
    facility_id: i64,
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/facilities", tag = "directory",
    params(("tenant" = String, Path), FacilitySearch),
    responses((status = 200, body = SearchPage<StaffFacilityOut>), (status = 404, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn list_facilities(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    RequestLang(lang): RequestLang,
    Query(q): Query<FacilitySearch>,
) -> ApiResult<Json<SearchPage<StaffFacilityOut>>> {
    Ok(Json(facilities::search_staff(&s.db, &ctx, &q, lang).await?))
}

#[utoipa::path(post, path = "/api/v1/t/{tenant}/facilities", tag = "directory", request_body = FacilityIn,
    params(("tenant" = String, Path)),
    responses((status = 201, body = StaffFacilityOut), (status = 403, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn create_facility(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    RequestLang(lang): RequestLang,
    Json(input): Json<FacilityIn>,
) -> ApiResult<(StatusCode, Json<StaffFacilityOut>)> {
    Ok((StatusCode::CREATED, Json(facilities::create_facility(&s.db, &ctx, input, lang).await?)))
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/facilities/{facility_id}", tag = "directory",
    params(("tenant" = String, Path), ("facility_id" = i64, Path)),
    responses((status = 200, body = StaffFacilityOut), (status = 404, body = types::ApiError)))]
pub async fn get_facility(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    RequestLang(lang): RequestLang,
    Path(p): Path<FacilityPath>,
) -> ApiResult<Json<StaffFacilityOut>> {
    Ok(Json(facilities::get_facility(&s.db, &ctx, FacilityId(p.facility_id), lang).await?))
}

#[utoipa::path(put, path = "/api/v1/t/{tenant}/facilities/{facility_id}", tag = "directory", request_body = FacilityIn,
    params(("tenant" = String, Path), ("facility_id" = i64, Path)),
    responses((status = 200, body = StaffFacilityOut), (status = 404, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn update_facility(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    RequestLang(lang): RequestLang,
    Path(p): Path<FacilityPath>,
    Json(input): Json<FacilityIn>,
) -> ApiResult<Json<StaffFacilityOut>> {
    Ok(Json(facilities::update_facility(&s.db, &ctx, FacilityId(p.facility_id), input, lang).await?))
}

#[utoipa::path(put, path = "/api/v1/t/{tenant}/facilities/{facility_id}/state", tag = "directory",
    request_body = FacilityStateIn,
    params(("tenant" = String, Path), ("facility_id" = i64, Path)),
    responses((status = 200, body = StaffFacilityOut), (status = 404, body = types::ApiError)))]
pub async fn set_facility_state(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    RequestLang(lang): RequestLang,
    Path(p): Path<FacilityPath>,
    Json(input): Json<FacilityStateIn>,
) -> ApiResult<Json<StaffFacilityOut>> {
    Ok(Json(facilities::set_state(&s.db, &ctx, FacilityId(p.facility_id), input, lang).await?))
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/facilities/{facility_id}/history", tag = "directory",
    params(("tenant" = String, Path), ("facility_id" = i64, Path)),
    responses((status = 200, body = Vec<FacilityChangeOut>), (status = 404, body = types::ApiError)))]
pub async fn facility_history(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<FacilityPath>,
) -> ApiResult<Json<Vec<FacilityChangeOut>>> {
    Ok(Json(facilities::facility_history(&s.db, &ctx, FacilityId(p.facility_id)).await?))
}

/// The filtered list as a spreadsheet: `format` is `csv` or `xlsx`.
async fn export(
    s: &AppState,
    ctx: &domain::TenantContext,
    q: FacilitySearch,
    lang: types::Lang,
    xlsx: bool,
) -> ApiResult<Response> {
    let rows = facilities::export_staff(&s.db, ctx, &q, lang).await?;
    let (header, body) = crate::export::table(&rows, lang);
    let (bytes, content_type, ext) = if xlsx {
        (
            crate::export::to_xlsx(&header, &body)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (crate::export::to_csv(&header, &body)?, "text/csv; charset=utf-8", "csv")
    };
    let disposition = format!("attachment; filename=\"strutture-{}.{ext}\"", ctx.tenant().slug);
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/facilities/export.csv", tag = "directory",
    params(("tenant" = String, Path), FacilitySearch),
    responses((status = 200, description = "The filtered list as CSV (UTF-8, `;`)", content_type = "text/csv"),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn export_csv(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    RequestLang(lang): RequestLang,
    Query(q): Query<FacilitySearch>,
) -> ApiResult<Response> {
    export(&s, &ctx, q, lang, false).await
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/facilities/export.xlsx", tag = "directory",
    params(("tenant" = String, Path), FacilitySearch),
    responses((status = 200, description = "The filtered list as an Excel workbook",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn export_xlsx(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    RequestLang(lang): RequestLang,
    Query(q): Query<FacilitySearch>,
) -> ApiResult<Response> {
    export(&s, &ctx, q, lang, true).await
}

/// The facility manager's own update: free places, hours, contacts, description only.
#[utoipa::path(put, path = "/api/v1/t/{tenant}/facilities/{facility_id}/self-service", tag = "directory",
    request_body = SelfServiceIn,
    params(("tenant" = String, Path), ("facility_id" = i64, Path)),
    responses((status = 200, body = StaffFacilityOut), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn self_service(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    RequestLang(lang): RequestLang,
    Path(p): Path<FacilityPath>,
    Json(input): Json<SelfServiceIn>,
) -> ApiResult<Json<StaffFacilityOut>> {
    Ok(Json(facilities::self_service_update(&s.db, &ctx, FacilityId(p.facility_id), input, lang).await?))
}

/// The facility the signed-in facility manager keeps.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/my-facility", tag = "directory",
    params(("tenant" = String, Path)),
    responses((status = 200, body = StaffFacilityOut), (status = 404, body = types::ApiError)))]
pub async fn my_facility(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    RequestLang(lang): RequestLang,
) -> ApiResult<Json<StaffFacilityOut>> {
    Ok(Json(facilities::my_facility(&s.db, &ctx, lang).await?))
}

/// How to read the CSV sent as the request body.
#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// A known mapping: `lombardia-rsa`, `lombardia-cdi` or `lombardia-offerta-sociale`.
    pub preset: Option<String>,
    /// `field=COLUMN,field=COLUMN` (overrides the preset's pairs).
    pub mapping: Option<String>,
    /// Facility type of every row (default: the preset's).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub facility_type: Option<String>,
    /// Short source name, part of every row's key (default: the preset's, else `csv`).
    pub source: Option<String>,
    /// Check only: report what would change, write nothing (default true).
    pub dry_run: Option<bool>,
    /// Publish new entries.
    pub publish: Option<bool>,
    /// Leave out rows outside the tenant's territory instead of reporting them.
    pub skip_outside: Option<bool>,
}

impl ImportQuery {
    fn options(self) -> domain::Result<ImportOptions> {
        import::options(
            self.preset.as_deref(),
            self.mapping.as_deref(),
            self.facility_type.as_deref(),
            self.source.as_deref(),
            self.dry_run == Some(false),
            self.publish,
            self.skip_outside,
        )
    }
}

/// Import facilities from a CSV file (the request body). Dry run by default.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/facilities/import", tag = "directory",
    params(("tenant" = String, Path), ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 403, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn import_facilities(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    RequestLang(lang): RequestLang,
    Query(q): Query<ImportQuery>,
    body: axum::body::Body,
) -> ApiResult<Json<ImportReport>> {
    // The permission before the body: nobody else gets to upload 20 MB.
    ctx.require(domain::authz::Permission::ManageFacilities)?;
    let opts = q.options()?;
    let body = crate::extract::read_body(body, import::MAX_UPLOAD_BYTES).await?;
    Ok(Json(import::import_facilities(&s.db, &ctx, &body, &opts, lang, &mut |_, _| {}).await?))
}

/// `/{tenant}/organizations/{organization_id}`
#[derive(Deserialize)]
pub struct OrganizationPath {
    #[allow(dead_code)]
    tenant: String,
    organization_id: i64,
}

#[derive(Deserialize, IntoParams)]
pub struct OrganizationQuery {
    /// Words of the name, tax code or VAT number.
    pub q: Option<String>,
    /// 1-based page number.
    pub page: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/organizations", tag = "directory",
    params(("tenant" = String, Path), OrganizationQuery),
    responses((status = 200, body = Page<OrganizationOut>), (status = 404, body = types::ApiError)))]
pub async fn list_organizations(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Query(q): Query<OrganizationQuery>,
) -> ApiResult<Json<Page<OrganizationOut>>> {
    Ok(Json(organizations::list_organizations(&s.db, &ctx, q.q.as_deref(), q.page.unwrap_or(1)).await?))
}

#[utoipa::path(post, path = "/api/v1/t/{tenant}/organizations", tag = "directory", request_body = OrganizationIn,
    params(("tenant" = String, Path)),
    responses((status = 201, body = OrganizationOut), (status = 403, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn create_organization(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(input): Json<OrganizationIn>,
) -> ApiResult<(StatusCode, Json<OrganizationOut>)> {
    Ok((StatusCode::CREATED, Json(organizations::create_organization(&s.db, &ctx, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/organizations/{organization_id}", tag = "directory",
    params(("tenant" = String, Path), ("organization_id" = i64, Path)),
    responses((status = 200, body = OrganizationOut), (status = 404, body = types::ApiError)))]
pub async fn get_organization(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<OrganizationPath>,
) -> ApiResult<Json<OrganizationOut>> {
    Ok(Json(organizations::get_organization(&s.db, &ctx, OrganizationId(p.organization_id)).await?))
}

#[utoipa::path(put, path = "/api/v1/t/{tenant}/organizations/{organization_id}", tag = "directory",
    request_body = OrganizationIn, params(("tenant" = String, Path), ("organization_id" = i64, Path)),
    responses((status = 200, body = OrganizationOut), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn update_organization(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<OrganizationPath>,
    Json(input): Json<OrganizationIn>,
) -> ApiResult<Json<OrganizationOut>> {
    Ok(Json(organizations::update_organization(&s.db, &ctx, OrganizationId(p.organization_id), input).await?))
}
