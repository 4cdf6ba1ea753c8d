//! Social cases and their record under `/api/v1/t/{tenant}/cases`. Who may open which
//! case and section is decided by `domain::case_access::CaseGrant`; every access is audited.
//! Names and codici fiscali go in bodies, never in URLs: a search by name is a POST.

use axum::extract::State;
use axum::http::StatusCode;
use domain::cases;
use serde::Deserialize;
use types::cases::{
    AuditEntryOut, CaseAccessIn, CaseEdit, CaseIn, CaseOut, CaseSearch, CaseSummary, SectionChange, SectionIn,
    SectionOut,
};
use types::dto::Page;
use types::CaseId;
use utoipa::IntoParams;

use crate::error::ApiResult;
use crate::extract::{Json, Path, Query, Tenant};
use crate::state::AppState;

/// `/{tenant}/cases/{case_id}`
#[derive(Deserialize)]
pub struct CasePath {
    #[allow(dead_code)]
    tenant: String,
    pub case_id: i64,
}

/// `/{tenant}/cases/{case_id}/sections/{section}`
#[derive(Deserialize)]
pub struct SectionPath {
    #[allow(dead_code)]
    tenant: String,
    case_id: i64,
    section: String,
}

/// Filters of the case list that carry no personal data.
#[derive(Deserialize, IntoParams)]
pub struct CaseFilters {
    /// `open` or `closed`.
    pub status: Option<String>,
    /// Target area code.
    pub area: Option<String>,
    /// Only the cases the caller is responsible for.
    pub mine: Option<bool>,
    /// Only the cases of this person.
    pub person_id: Option<i64>,
    /// Only the cases of persons living in this district.
    pub district_id: Option<i64>,
    /// 1-based page number.
    pub page: Option<u64>,
}

/// The cases open to the caller (every case of the tenant for a tenant admin), newest first.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/cases", tag = "case record",
    params(("tenant" = String, Path), CaseFilters),
    responses((status = 200, body = Page<CaseSummary>), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn list_cases(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Query(q): Query<CaseFilters>,
) -> ApiResult<Json<Page<CaseSummary>>> {
    let search = CaseSearch {
        q: None,
        status: q.status,
        area: q.area,
        mine: q.mine.unwrap_or(false),
        person_id: q.person_id.map(types::PersonId),
        district_id: q.district_id.map(types::DistrictId),
        page: q.page,
    };
    Ok(Json(cases::search_cases(&s.db, &ctx, search).await?))
}

/// The same list searched by words of the person's name or codice fiscale (in the body:
/// no personal data in URLs).
#[utoipa::path(post, path = "/api/v1/t/{tenant}/cases/search", tag = "case record", request_body = CaseSearch,
    params(("tenant" = String, Path)),
    responses((status = 200, body = Page<CaseSummary>), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn search_cases(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(search): Json<CaseSearch>,
) -> ApiResult<Json<Page<CaseSummary>>> {
    Ok(Json(cases::search_cases(&s.db, &ctx, search).await?))
}

/// Opens a case (presa in carico) for a person of the tenant.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/cases", tag = "case record", request_body = CaseIn,
    params(("tenant" = String, Path)),
    responses((status = 201, body = CaseOut), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn create_case(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(input): Json<CaseIn>,
) -> ApiResult<(StatusCode, Json<CaseOut>)> {
    Ok((StatusCode::CREATED, Json(cases::create_case(&s.db, &ctx, input).await?)))
}

/// A case: its person, workers and sections (which the caller may open).
#[utoipa::path(get, path = "/api/v1/t/{tenant}/cases/{case_id}", tag = "case record",
    params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 200, body = CaseOut), (status = 404, body = types::ApiError)))]
pub async fn get_case(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
) -> ApiResult<Json<CaseOut>> {
    Ok(Json(cases::get_case(&s.db, &ctx, CaseId(p.case_id)).await?))
}

/// Changes the area or dates of a case, or closes it; `version` as read (else 409).
#[utoipa::path(put, path = "/api/v1/t/{tenant}/cases/{case_id}", tag = "case record", request_body = CaseEdit,
    params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 200, body = CaseOut), (status = 404, body = types::ApiError),
        (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn update_case(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
    Json(input): Json<CaseEdit>,
) -> ApiResult<Json<CaseOut>> {
    Ok(Json(cases::update_case(&s.db, &ctx, CaseId(p.case_id), input).await?))
}

/// Who works on the case, and who sees its restricted sections (tenant admins only).
#[utoipa::path(put, path = "/api/v1/t/{tenant}/cases/{case_id}/access", tag = "case record",
    request_body = CaseAccessIn, params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 200, body = CaseOut), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn set_case_access(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
    Json(input): Json<CaseAccessIn>,
) -> ApiResult<Json<CaseOut>> {
    Ok(Json(cases::set_access(&s.db, &ctx, CaseId(p.case_id), input).await?))
}

/// One section of the case's record. Restricted sections need the caller's explicit
/// grant on the case (else 403).
#[utoipa::path(get, path = "/api/v1/t/{tenant}/cases/{case_id}/sections/{section}", tag = "case record",
    params(("tenant" = String, Path), ("case_id" = i64, Path), ("section" = String, Path)),
    responses((status = 200, body = SectionOut), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn get_section(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<SectionPath>,
) -> ApiResult<Json<SectionOut>> {
    Ok(Json(cases::get_section(&s.db, &ctx, CaseId(p.case_id), &p.section).await?))
}

/// Saves all entries of a section; `version` as read (0 for the first save), else 409.
#[utoipa::path(put, path = "/api/v1/t/{tenant}/cases/{case_id}/sections/{section}", tag = "case record",
    request_body = SectionIn,
    params(("tenant" = String, Path), ("case_id" = i64, Path), ("section" = String, Path)),
    responses((status = 200, body = SectionOut), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 409, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn save_section(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<SectionPath>,
    Json(input): Json<SectionIn>,
) -> ApiResult<Json<SectionOut>> {
    Ok(Json(cases::save_section(&s.db, &ctx, CaseId(p.case_id), &p.section, input).await?))
}

/// Every save of a section, newest first: who, when, which fields, what it held.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/cases/{case_id}/sections/{section}/history", tag = "case record",
    params(("tenant" = String, Path), ("case_id" = i64, Path), ("section" = String, Path)),
    responses((status = 200, body = Vec<SectionChange>), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn section_history(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<SectionPath>,
) -> ApiResult<Json<Vec<SectionChange>>> {
    Ok(Json(cases::section_history(&s.db, &ctx, CaseId(p.case_id), &p.section).await?))
}

/// Who did what to the case and its person, newest first (tenant admins; this look is
/// recorded too).
#[utoipa::path(get, path = "/api/v1/t/{tenant}/cases/{case_id}/audit", tag = "case record",
    params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 200, body = Vec<AuditEntryOut>), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn case_audit(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
) -> ApiResult<Json<Vec<AuditEntryOut>>> {
    Ok(Json(cases::audit_trail(&s.db, &ctx, CaseId(p.case_id)).await?))
}
