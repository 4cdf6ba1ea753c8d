//! The public directory as an Open Referral HSDS 3.0 API under `/api/hsds/v3/{tenant}/`,
//! with the Italian profile of `docs/hsds-profile-it.md`. Same data, rules and caching as
//! `/api/public/v1`: published entries of the tenant and those beneath it, no login.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use domain::hsds::{self, ListParams};
use serde::Deserialize;
use utoipa::IntoParams;

use super::public::answer;
use crate::error::ApiResult;
use crate::extract::{Path, Query, RequestLang};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct TenantPath {
    tenant: String,
}

/// `/{tenant}/<collection>/{id}` with an HSDS UUID.
#[derive(Deserialize)]
pub struct ItemPath {
    tenant: String,
    #[serde(alias = "service_id", alias = "organization_id", alias = "service_at_location_id")]
    id: String,
}

/// HSDS list parameters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Words that must all appear.
    pub search: Option<String>,
    /// 1-based page.
    pub page: Option<u64>,
    /// Default 20, at most 100.
    pub per_page: Option<u64>,
    /// A term of `/taxonomy_terms` (area, facility type or setting).
    pub taxonomy_term_id: Option<String>,
}

impl From<ListQuery> for ListParams {
    fn from(q: ListQuery) -> Self {
        ListParams { search: q.search, page: q.page, per_page: q.per_page, taxonomy_term_id: q.taxonomy_term_id }
    }
}

const JSON: &str = "application/json";

/// Version and profile of this HSDS endpoint.
#[utoipa::path(get, path = "/api/hsds/v3/{tenant}/", tag = "hsds", params(("tenant" = String, Path)),
    responses((status = 200, description = "{version, profile}"), (status = 404, body = types::ApiError)))]
pub async fn hsds_root(
    State(s): State<AppState>,
    Path(p): Path<TenantPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let make = async {
        domain::tenancy::DirectoryScope::public(&s.db, &p.tenant).await?;
        Ok(hsds::root())
    };
    answer(&s, uri.path(), types::Lang::It, &headers, JSON, make).await
}

#[utoipa::path(get, path = "/api/hsds/v3/{tenant}/services", tag = "hsds", params(("tenant" = String, Path), ListQuery),
    responses((status = 200, description = "HSDS page of services (compiled/service_list.json items)"),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn hsds_services(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<TenantPath>,
    Query(q): Query<ListQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let key = (uri.path(), format!("{q:?}"));
    answer(&s, key, lang, &headers, JSON, hsds::services(&s.db, &s.directory, &p.tenant, &q.into(), lang)).await
}

#[utoipa::path(get, path = "/api/hsds/v3/{tenant}/services/{service_id}", tag = "hsds",
    params(("tenant" = String, Path), ("service_id" = String, Path, description = "HSDS UUID")),
    responses((status = 200, description = "HSDS service with its organization, location, schedules, phones and taxonomy attributes"),
        (status = 404, body = types::ApiError)))]
pub async fn hsds_service(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<ItemPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    answer(&s, uri.path(), lang, &headers, JSON, hsds::service_by_id(&s.directory, &p.tenant, &p.id, lang)).await
}

#[utoipa::path(get, path = "/api/hsds/v3/{tenant}/organizations", tag = "hsds", params(("tenant" = String, Path), ListQuery),
    responses((status = 200, description = "HSDS page of organizations"), (status = 404, body = types::ApiError)))]
pub async fn hsds_organizations(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<TenantPath>,
    Query(q): Query<ListQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let key = (uri.path(), format!("{q:?}"));
    answer(&s, key, lang, &headers, JSON, hsds::organizations(&s.db, &p.tenant, &q.into(), lang)).await
}

#[utoipa::path(get, path = "/api/hsds/v3/{tenant}/organizations/{organization_id}", tag = "hsds",
    params(("tenant" = String, Path), ("organization_id" = String, Path, description = "HSDS UUID")),
    responses((status = 200, description = "HSDS organization"), (status = 404, body = types::ApiError)))]
pub async fn hsds_organization(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<ItemPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    answer(&s, uri.path(), lang, &headers, JSON, hsds::organization_by_id(&s.db, &p.tenant, &p.id, lang)).await
}

#[utoipa::path(get, path = "/api/hsds/v3/{tenant}/service_at_locations", tag = "hsds",
    params(("tenant" = String, Path), ListQuery),
    responses((status = 200, description = "HSDS page of services at locations"), (status = 404, body = types::ApiError)))]
pub async fn hsds_service_at_locations(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<TenantPath>,
    Query(q): Query<ListQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let key = (uri.path(), format!("{q:?}"));
    answer(&s, key, lang, &headers, JSON, hsds::service_at_locations(&s.db, &s.directory, &p.tenant, &q.into(), lang))
        .await
}

#[utoipa::path(get, path = "/api/hsds/v3/{tenant}/service_at_locations/{service_at_location_id}", tag = "hsds",
    params(("tenant" = String, Path), ("service_at_location_id" = String, Path, description = "HSDS UUID")),
    responses((status = 200, description = "HSDS service_at_location with its location and service"),
        (status = 404, body = types::ApiError)))]
pub async fn hsds_service_at_location(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<ItemPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    answer(&s, uri.path(), lang, &headers, JSON, hsds::service_at_location_by_id(&s.directory, &p.tenant, &p.id, lang))
        .await
}

#[utoipa::path(get, path = "/api/hsds/v3/{tenant}/taxonomies", tag = "hsds", params(("tenant" = String, Path)),
    responses((status = 200, description = "The three taxonomies: ISTAT areas, facility types, settings")))]
pub async fn hsds_taxonomies(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<TenantPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let make = async {
        domain::tenancy::DirectoryScope::public(&s.db, &p.tenant).await?;
        Ok(hsds::taxonomies(lang))
    };
    answer(&s, uri.path(), lang, &headers, JSON, make).await
}

#[utoipa::path(get, path = "/api/hsds/v3/{tenant}/taxonomy_terms", tag = "hsds", params(("tenant" = String, Path)),
    responses((status = 200, description = "Every term of the three taxonomies")))]
pub async fn hsds_taxonomy_terms(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<TenantPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let make = async {
        domain::tenancy::DirectoryScope::public(&s.db, &p.tenant).await?;
        hsds::taxonomy_terms(&s.db, lang, None).await
    };
    answer(&s, uri.path(), lang, &headers, JSON, make).await
}
