//! Persons of the social case record under `/api/v1/t/{tenant}/persons`. Every access is
//! audited. Names and codici fiscali go in bodies, never in URLs (which proxies and access
//! logs keep): a search is a POST.

use axum::extract::State;
use axum::http::StatusCode;
use domain::{households, persons, subject_rights};
use serde::Deserialize;
use types::dto::Page;
use types::persons::{ErasureIn, HouseholdIn, HouseholdMemberOut, PersonExport, PersonIn, PersonOut};
use types::PersonId;
use utoipa::IntoParams;

use crate::error::ApiResult;
use crate::extract::{Json, Path, Query, Tenant};
use crate::state::AppState;

/// `/{tenant}/persons/{person_id}`
#[derive(Deserialize)]
pub struct PersonPath {
    #[allow(dead_code)]
    tenant: String,
    person_id: i64,
}

#[derive(Deserialize, IntoParams)]
pub struct PersonPage {
    /// 1-based page number.
    pub page: Option<u64>,
}

/// A search of the persons of the tenant.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PersonSearch {
    /// Words of the surname and name, or a codice fiscale.
    pub q: Option<String>,
    /// 1-based page number.
    pub page: Option<u64>,
}

/// The persons of the tenant by surname and name, a page at a time.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/persons", tag = "case record",
    params(("tenant" = String, Path), PersonPage),
    responses((status = 200, body = Page<PersonOut>), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn list_persons(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Query(q): Query<PersonPage>,
) -> ApiResult<Json<Page<PersonOut>>> {
    Ok(Json(persons::search_persons(&s.db, &ctx, None, q.page.unwrap_or(1)).await?))
}

/// Search by words of the surname and name, or by codice fiscale (in the body: no personal
/// data in URLs).
#[utoipa::path(post, path = "/api/v1/t/{tenant}/persons/search", tag = "case record", request_body = PersonSearch,
    params(("tenant" = String, Path)),
    responses((status = 200, body = Page<PersonOut>), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn search_persons(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(q): Json<PersonSearch>,
) -> ApiResult<Json<Page<PersonOut>>> {
    Ok(Json(persons::search_persons(&s.db, &ctx, q.q.as_deref(), q.page.unwrap_or(1)).await?))
}

/// Records a person. A person with the same codice fiscale, or the same name and birth
/// date, answers 409 until `confirm_duplicate` is true.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/persons", tag = "case record", request_body = PersonIn,
    params(("tenant" = String, Path)),
    responses((status = 201, body = PersonOut), (status = 403, body = types::ApiError),
        (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn create_person(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(input): Json<PersonIn>,
) -> ApiResult<(StatusCode, Json<PersonOut>)> {
    Ok((StatusCode::CREATED, Json(persons::create_person(&s.db, &ctx, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/persons/{person_id}", tag = "case record",
    params(("tenant" = String, Path), ("person_id" = i64, Path)),
    responses((status = 200, body = PersonOut), (status = 404, body = types::ApiError)))]
pub async fn get_person(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<PersonPath>,
) -> ApiResult<Json<PersonOut>> {
    Ok(Json(persons::get_person(&s.db, &ctx, PersonId(p.person_id)).await?))
}

/// Saves an edit; `version` must be the one the edit started from (else 409).
#[utoipa::path(put, path = "/api/v1/t/{tenant}/persons/{person_id}", tag = "case record", request_body = PersonIn,
    params(("tenant" = String, Path), ("person_id" = i64, Path)),
    responses((status = 200, body = PersonOut), (status = 404, body = types::ApiError),
        (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn update_person(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<PersonPath>,
    Json(input): Json<PersonIn>,
) -> ApiResult<Json<PersonOut>> {
    Ok(Json(persons::update_person(&s.db, &ctx, PersonId(p.person_id), input).await?))
}

/// The person's household: members, their relationship, whether they live together.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/persons/{person_id}/household", tag = "case record",
    params(("tenant" = String, Path), ("person_id" = i64, Path)),
    responses((status = 200, body = Vec<HouseholdMemberOut>), (status = 404, body = types::ApiError)))]
pub async fn get_household(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<PersonPath>,
) -> ApiResult<Json<Vec<HouseholdMemberOut>>> {
    Ok(Json(households::household(&s.db, &ctx, PersonId(p.person_id)).await?))
}

/// Replaces the household with `members` (persons of the tenant).
#[utoipa::path(put, path = "/api/v1/t/{tenant}/persons/{person_id}/household", tag = "case record",
    request_body = HouseholdIn, params(("tenant" = String, Path), ("person_id" = i64, Path)),
    responses((status = 200, body = Vec<HouseholdMemberOut>), (status = 404, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn set_household(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<PersonPath>,
    Json(input): Json<HouseholdIn>,
) -> ApiResult<Json<Vec<HouseholdMemberOut>>> {
    Ok(Json(households::set_household(&s.db, &ctx, PersonId(p.person_id), input).await?))
}

/// Everything the tenant holds about the person, in one document (tenant admins; GDPR
/// arts. 15 and 20). Recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/persons/{person_id}/export", tag = "case record",
    params(("tenant" = String, Path), ("person_id" = i64, Path)),
    responses((status = 200, body = PersonExport), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn export_person(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<PersonPath>,
) -> ApiResult<Json<PersonExport>> {
    Ok(Json(subject_rights::export_person(&s.db, &ctx, PersonId(p.person_id)).await?))
}

/// Erases a person never taken in charge, or anonymises one who was (tenant admins;
/// GDPR art. 17 within the duty to keep social-service records).
#[utoipa::path(post, path = "/api/v1/t/{tenant}/persons/{person_id}/erasure", tag = "case record",
    request_body = ErasureIn, params(("tenant" = String, Path), ("person_id" = i64, Path)),
    responses((status = 204), (status = 403, body = types::ApiError), (status = 404, body = types::ApiError),
        (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn erase_person(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<PersonPath>,
    Json(input): Json<ErasureIn>,
) -> ApiResult<StatusCode> {
    subject_rights::erase_person(&s.db, &ctx, PersonId(p.person_id), input).await?;
    Ok(StatusCode::NO_CONTENT)
}
