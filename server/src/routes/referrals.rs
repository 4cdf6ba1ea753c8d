//! Handing a case on: referrals to third-sector operators of the tenant and transfers to
//! another tenant, under `/api/v1/t/{tenant}/…`. The sending side works through the case
//! (`domain::case_access::CaseGrant`); the receiving side sees only what was sent to it.

use axum::extract::State;
use axum::http::StatusCode;
use domain::{referrals, transfers};
use serde::Deserialize;
use types::referrals::{CaseHandovers, DecisionIn, HandoverChoices, ReferralIn, ReferralOut, TransferIn, TransferOut};
use types::{CaseId, ReferralId, TransferId};

use crate::error::ApiResult;
use crate::extract::{Json, Path, Tenant};
use crate::routes::cases::CasePath;
use crate::state::AppState;

/// `/{tenant}/cases/{case_id}/referrals/{referral_id}`
#[derive(Deserialize)]
pub struct CaseReferralPath {
    #[allow(dead_code)]
    tenant: String,
    case_id: i64,
    referral_id: i64,
}

/// `/{tenant}/referrals/{referral_id}`
#[derive(Deserialize)]
pub struct ReferralPath {
    #[allow(dead_code)]
    tenant: String,
    referral_id: i64,
}

/// `/{tenant}/transfers/{transfer_id}`
#[derive(Deserialize)]
pub struct TransferPath {
    #[allow(dead_code)]
    tenant: String,
    transfer_id: i64,
}

/// Whom a case may be handed on to: third-sector operators and organisations of the
/// tenant, other municipalities and zones.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/handover-choices", tag = "case record",
    params(("tenant" = String, Path)),
    responses((status = 200, body = HandoverChoices), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn handover_choices(State(s): State<AppState>, Tenant(ctx): Tenant) -> ApiResult<Json<HandoverChoices>> {
    Ok(Json(referrals::handover_choices(&s.db, &ctx).await?))
}

/// The referrals and transfers of a case, newest first.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/cases/{case_id}/referrals", tag = "case record",
    params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 200, body = CaseHandovers), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn case_handovers(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
) -> ApiResult<Json<CaseHandovers>> {
    Ok(Json(domain::case_page::case_handovers(&s.db, &ctx, CaseId(p.case_id)).await?))
}

/// Refers the case to a third-sector operator, naming the sections they may open once
/// they accept.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/cases/{case_id}/referrals", tag = "case record",
    request_body = ReferralIn, params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 201, body = ReferralOut), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 409, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn refer_case(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
    Json(input): Json<ReferralIn>,
) -> ApiResult<(StatusCode, Json<ReferralOut>)> {
    Ok((StatusCode::CREATED, Json(referrals::refer(&s.db, &ctx, CaseId(p.case_id), input).await?)))
}

/// Ends a referral: withdrawn while pending, access taken back once accepted.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/cases/{case_id}/referrals/{referral_id}/end", tag = "case record",
    params(("tenant" = String, Path), ("case_id" = i64, Path), ("referral_id" = i64, Path)),
    responses((status = 200, body = ReferralOut), (status = 404, body = types::ApiError),
        (status = 409, body = types::ApiError)))]
pub async fn end_referral(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CaseReferralPath>,
) -> ApiResult<Json<ReferralOut>> {
    Ok(Json(referrals::end_referral(&s.db, &ctx, CaseId(p.case_id), ReferralId(p.referral_id)).await?))
}

/// Proposes the case to another municipality or zone with the sections to hand over.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/cases/{case_id}/transfers", tag = "case record",
    request_body = TransferIn, params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 201, body = TransferOut), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 409, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn propose_transfer(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
    Json(input): Json<TransferIn>,
) -> ApiResult<(StatusCode, Json<TransferOut>)> {
    Ok((StatusCode::CREATED, Json(transfers::propose_transfer(&s.db, &ctx, CaseId(p.case_id), input).await?)))
}

/// The referrals made to the caller (a third-sector operator), newest first.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/referrals", tag = "case record",
    params(("tenant" = String, Path)),
    responses((status = 200, body = Vec<ReferralOut>), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn received_referrals(State(s): State<AppState>, Tenant(ctx): Tenant) -> ApiResult<Json<Vec<ReferralOut>>> {
    Ok(Json(referrals::received_referrals(&s.db, &ctx).await?))
}

/// The operator accepts or declines a referral made to them.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/referrals/{referral_id}/decision", tag = "case record",
    request_body = DecisionIn, params(("tenant" = String, Path), ("referral_id" = i64, Path)),
    responses((status = 200, body = ReferralOut), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 409, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn decide_referral(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<ReferralPath>,
    Json(input): Json<DecisionIn>,
) -> ApiResult<Json<ReferralOut>> {
    Ok(Json(referrals::decide_referral(&s.db, &ctx, ReferralId(p.referral_id), input).await?))
}

/// Cases other tenants propose to transfer here, newest first (tenant admins).
#[utoipa::path(get, path = "/api/v1/t/{tenant}/transfers", tag = "case record",
    params(("tenant" = String, Path)),
    responses((status = 200, body = Vec<TransferOut>), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn incoming_transfers(State(s): State<AppState>, Tenant(ctx): Tenant) -> ApiResult<Json<Vec<TransferOut>>> {
    Ok(Json(transfers::incoming_transfers(&s.db, &ctx).await?))
}

/// Accepts a transfer (a new case here, with the sections copied, under the named
/// responsible social worker) or declines it.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/transfers/{transfer_id}/decision", tag = "case record",
    request_body = DecisionIn, params(("tenant" = String, Path), ("transfer_id" = i64, Path)),
    responses((status = 200, body = TransferOut), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError), (status = 409, body = types::ApiError),
        (status = 422, body = types::ApiError)))]
pub async fn decide_transfer(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<TransferPath>,
    Json(input): Json<DecisionIn>,
) -> ApiResult<Json<TransferOut>> {
    Ok(Json(transfers::decide_transfer(&s.db, &ctx, TransferId(p.transfer_id), input).await?))
}
