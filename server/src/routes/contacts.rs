//! The front desk's contact log under `/api/v1/t/{tenant}/contacts`.

use axum::extract::State;
use axum::http::StatusCode;
use domain::contacts;
use serde::Deserialize;
use types::contacts::{ContactIn, ContactOut, ContactSearch};
use types::dto::Page;
use types::ContactId;
use utoipa::IntoParams;

use crate::error::ApiResult;
use crate::extract::{Json, Path, Query, Tenant};
use crate::state::AppState;

/// `/{tenant}/contacts/{contact_id}`
#[derive(Deserialize)]
pub struct ContactPath {
    #[allow(dead_code)]
    tenant: String,
    contact_id: i64,
}

/// Filters of the contact log.
#[derive(Deserialize, IntoParams)]
pub struct ContactQuery {
    /// From this day (`YYYY-MM-DD`), included.
    pub from: Option<String>,
    /// To this day (`YYYY-MM-DD`), included.
    pub to: Option<String>,
    /// `in_person`, `phone`, `email`, `letter_pec` or `fax`.
    pub channel: Option<String>,
    /// Target area code.
    pub area: Option<String>,
    /// 1-based page number.
    pub page: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/contacts", tag = "front desk",
    params(("tenant" = String, Path), ContactQuery),
    responses((status = 200, body = Page<ContactOut>), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn list_contacts(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Query(q): Query<ContactQuery>,
) -> ApiResult<Json<Page<ContactOut>>> {
    let search = ContactSearch { from: q.from, to: q.to, channel: q.channel, area: q.area, page: q.page };
    Ok(Json(contacts::list_contacts(&s.db, &ctx, &search).await?))
}

#[utoipa::path(post, path = "/api/v1/t/{tenant}/contacts", tag = "front desk", request_body = ContactIn,
    params(("tenant" = String, Path)),
    responses((status = 201, body = ContactOut), (status = 403, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn log_contact(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Json(input): Json<ContactIn>,
) -> ApiResult<(StatusCode, Json<ContactOut>)> {
    Ok((StatusCode::CREATED, Json(contacts::log_contact(&s.db, &ctx, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/t/{tenant}/contacts/{contact_id}", tag = "front desk",
    params(("tenant" = String, Path), ("contact_id" = i64, Path)),
    responses((status = 200, body = ContactOut), (status = 404, body = types::ApiError)))]
pub async fn get_contact(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<ContactPath>,
) -> ApiResult<Json<ContactOut>> {
    Ok(Json(contacts::get_contact(&s.db, &ctx, ContactId(p.contact_id)).await?))
}

#[utoipa::path(put, path = "/api/v1/t/{tenant}/contacts/{contact_id}", tag = "front desk", request_body = ContactIn,
    params(("tenant" = String, Path), ("contact_id" = i64, Path)),
    responses((status = 200, body = ContactOut), (status = 404, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn update_contact(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<ContactPath>,
    Json(input): Json<ContactIn>,
) -> ApiResult<Json<ContactOut>> {
    Ok(Json(contacts::update_contact(&s.db, &ctx, ContactId(p.contact_id), input).await?))
}
