//! The public directory API under `/api/public/v1/`: no login, published entries only,
//! open to any origin (CORS) for GET, with ETags so council sites and widgets can cache.
//! A province's or zone's slug searches every tenant beneath it.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use domain::facilities;
use serde::{Deserialize, Serialize};
use serde_json::json;
use types::directory::{FacilityOut, FacilitySearch, FacilityTypeOut, PublicFiltersOut, PublicTenantOut, SearchPage};
use types::{FacilityId, Lang};

use crate::error::ApiResult;
use crate::extract::{Path, Query, RequestLang};
use crate::state::AppState;

const JSON: &str = "application/json";

/// Attribution of the imported open data, sent with every public answer.
const ATTRIBUTION: &str = "Contiene dati di Regione Lombardia (dati.lombardia.it) e ISTAT, CC BY 4.0";

/// Answers from the public cache (see `public_cache`): 304 when `If-None-Match` names
/// the current ETag, else the body, with cache headers and the data attribution. `key` is
/// what the answer depends on, as parsed (the path, and the query as its handler read it):
/// parameters nobody reads, or the same ones spelled otherwise, do not make new entries.
pub(crate) async fn answer<T: Serialize>(
    s: &AppState,
    key: impl std::fmt::Debug,
    lang: Lang,
    headers: &HeaderMap,
    content_type: &'static str,
    make: impl std::future::Future<Output = domain::Result<T>>,
) -> ApiResult<Response> {
    let make = async { crate::public_cache::to_json(&make.await?) };
    answer_written(s, key, lang, headers, content_type, make).await
}

/// `answer`, for a body `make` writes itself.
pub(crate) async fn answer_written(
    s: &AppState,
    key: impl std::fmt::Debug,
    lang: Lang,
    headers: &HeaderMap,
    content_type: &'static str,
    make: impl std::future::Future<Output = domain::Result<Vec<u8>>>,
) -> ApiResult<Response> {
    let entry = s.public_cache.get_or_written(format!("{}|{key:?}", lang.code()), make).await?;
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == entry.etag || t.trim() == "*"));
    let mut response = if fresh { StatusCode::NOT_MODIFIED.into_response() } else { entry.body.into_response() };
    let h = response.headers_mut();
    if !fresh {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if let Ok(v) = HeaderValue::from_str(&entry.etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    h.insert("x-data-attribution", HeaderValue::from_static(ATTRIBUTION));
    Ok(response)
}

/// `/{tenant}/facilities/{facility_id}`
#[derive(Deserialize)]
pub struct PublicFacilityPath {
    tenant: String,
    facility_id: i64,
}

#[derive(Deserialize)]
pub struct TenantPath {
    pub tenant: String,
}

#[utoipa::path(get, path = "/api/public/v1/tenants", tag = "public",
    responses((status = 200, body = Vec<PublicTenantOut>)))]
pub async fn public_tenants(State(s): State<AppState>, uri: Uri, headers: HeaderMap) -> ApiResult<Response> {
    answer(&s, uri.path(), Lang::It, &headers, JSON, facilities::publishing_tenants(&s.db)).await
}

#[utoipa::path(get, path = "/api/public/v1/facility-types", tag = "public",
    responses((status = 200, body = Vec<FacilityTypeOut>)))]
pub async fn public_facility_types(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    answer(&s, uri.path(), lang, &headers, JSON, facilities::facility_types(&s.db, lang)).await
}

/// The facility types and comuni of a directory's published entries (search-form choices).
#[utoipa::path(get, path = "/api/public/v1/{tenant}/filters", tag = "public",
    params(("tenant" = String, Path, description = "tenant slug; a province or zone covers the tenants beneath it")),
    responses((status = 200, body = PublicFiltersOut), (status = 404, body = types::ApiError)))]
pub async fn public_filters(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<TenantPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    answer(&s, uri.path(), lang, &headers, JSON, s.directory.filters(&p.tenant, lang)).await
}

#[utoipa::path(get, path = "/api/public/v1/{tenant}/facilities", tag = "public",
    params(("tenant" = String, Path, description = "tenant slug; a province or zone covers the tenants beneath it"),
        FacilitySearch),
    responses((status = 200, body = SearchPage<FacilityOut>), (status = 404, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn public_facilities(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<TenantPath>,
    Query(q): Query<FacilitySearch>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let search = q.public();
    let written = s.directory.search_json(&p.tenant, &search, lang);
    answer_written(&s, (uri.path(), &search), lang, &headers, JSON, written).await
}

#[utoipa::path(get, path = "/api/public/v1/{tenant}/facilities/{facility_id}", tag = "public",
    params(("tenant" = String, Path), ("facility_id" = i64, Path)),
    responses((status = 200, body = FacilityOut), (status = 404, body = types::ApiError)))]
pub async fn public_facility(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<PublicFacilityPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let id = FacilityId(p.facility_id);
    answer(&s, uri.path(), lang, &headers, JSON, s.directory.facility(&p.tenant, id, lang)).await
}

/// The published facilities with coordinates as a GeoJSON FeatureCollection (all
/// matches, no paging), for maps.
#[utoipa::path(get, path = "/api/public/v1/{tenant}/facilities.geojson", tag = "public",
    params(("tenant" = String, Path), FacilitySearch),
    responses((status = 200, description = "GeoJSON FeatureCollection of Point features", content_type = "application/geo+json"),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn public_geojson(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<TenantPath>,
    Query(q): Query<FacilitySearch>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let search = q.public();
    let make = async {
        let rows = s.directory.map(&p.tenant, &search, lang).await?;
        let features: Vec<_> = rows
            .iter()
            .filter_map(|f| {
                Some(json!({
                    "type": "Feature",
                    "id": f.id,
                    "geometry": {"type": "Point", "coordinates": [f.longitude?, f.latitude?]},
                    "properties": {
                        "id": f.id,
                        "name": f.name,
                        "tenant": f.tenant.slug,
                        "type": f.facility_type.code,
                        "type_label": f.facility_type.label,
                        "areas": f.areas,
                        // The first area colours the point on a map.
                        "area": f.areas.first(),
                        "setting": f.setting,
                        "address": f.address,
                        "comune": f.comune.name,
                        "places_free": f.places.free,
                        "places_authorised": f.places.authorised,
                    },
                }))
            })
            .collect();
        Ok(json!({"type": "FeatureCollection", "features": features, "attribution": ATTRIBUTION}))
    };
    answer(&s, (uri.path(), &search), lang, &headers, "application/geo+json", make).await
}

/// The province and comune boundaries of the directory's territory: the basemap of the
/// map widget (GeoJSON, with `bbox`; features carry `kind`, `istat` and `name`).
#[utoipa::path(get, path = "/api/public/v1/{tenant}/boundaries.geojson", tag = "public",
    params(("tenant" = String, Path)),
    responses((status = 200, description = "GeoJSON FeatureCollection of Polygon/MultiPolygon features", content_type = "application/geo+json"),
        (status = 404, body = types::ApiError)))]
pub async fn public_boundaries(
    State(s): State<AppState>,
    Path(p): Path<TenantPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let make = async {
        let provinces = s.directory.provinces(&p.tenant).await?;
        // The first call parses the compiled-in files (a few MB): off the async threads.
        tokio::task::spawn_blocking(move || domain::boundaries::collection(&provinces))
            .await
            .map_err(|e| domain::AppError::Internal(e.to_string()))?
    };
    answer(&s, uri.path(), Lang::It, &headers, "application/geo+json", make).await
}

/// What the tenant's widgets show by default: its colour and logo, or its nearest
/// ancestor's (a council page's own `--ow-primary` wins over the colour).
#[utoipa::path(get, path = "/api/public/v1/{tenant}/theme", tag = "public",
    params(("tenant" = String, Path)),
    responses((status = 200, body = types::theme::PublicThemeOut), (status = 404, body = types::ApiError)))]
pub async fn public_theme(
    State(s): State<AppState>,
    Path(p): Path<TenantPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    answer(&s, uri.path(), Lang::It, &headers, JSON, domain::theme::public_theme(&s.db, &p.tenant)).await
}

/// The logo the tenant's widgets show (its own or its nearest ancestor's). Its URL in
/// `/theme` carries a version, so a new logo is a new URL.
#[utoipa::path(get, path = "/api/public/v1/{tenant}/logo", tag = "public",
    params(("tenant" = String, Path)),
    responses((status = 200, description = "the image", content_type = "image/png"), (status = 404, body = types::ApiError)))]
pub async fn public_logo(
    State(s): State<AppState>,
    Path(p): Path<TenantPath>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (content_type, bytes, hash) = domain::theme::public_logo(&s.db, &p.tenant).await?;
    let etag = format!("\"{hash}\"");
    let fresh = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(&etag));
    let mut response = if fresh { StatusCode::NOT_MODIFIED.into_response() } else { bytes.into_response() };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    // An image only, whatever a browser might sniff in it; shown on council sites.
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    Ok(response)
}
