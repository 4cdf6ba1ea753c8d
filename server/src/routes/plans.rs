//! The work on a case under `/api/v1/t/{tenant}/cases/{case_id}/…`: assessments, plans
//! (PAI) and their reviews, interventions; and the reviews falling due on the caller's
//! cases. Reached through the case (`domain::case_access::CaseGrant`); every access audited.

use axum::extract::State;
use axum::http::StatusCode;
use domain::plans;
use serde::Deserialize;
use types::plans::{
    AssessmentIn, AssessmentOut, CaseWorkOut, InterventionIn, InterventionOut, PlanIn, PlanOut, ReviewDue, ReviewIn,
};
use types::{CaseId, InterventionId, PlanId};

use crate::error::ApiResult;
use crate::extract::{Json, Path, Tenant};
use crate::routes::cases::CasePath;
use crate::state::AppState;

/// `/{tenant}/cases/{case_id}/plans/{plan_id}`
#[derive(Deserialize)]
pub struct PlanPath {
    #[allow(dead_code)]
    tenant: String,
    case_id: i64,
    plan_id: i64,
}

/// `/{tenant}/cases/{case_id}/interventions/{intervention_id}`
#[derive(Deserialize)]
pub struct InterventionPath {
    #[allow(dead_code)]
    tenant: String,
    case_id: i64,
    intervention_id: i64,
}

/// Assessments, plans with their history, interventions and the total spent on a case.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/cases/{case_id}/work", tag = "case record",
    params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 200, body = CaseWorkOut), (status = 404, body = types::ApiError)))]
pub async fn case_work(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
) -> ApiResult<Json<CaseWorkOut>> {
    Ok(Json(plans::case_work(&s.db, &ctx, CaseId(p.case_id)).await?))
}

/// Records an assessment (valutazione) of the case.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/cases/{case_id}/assessments", tag = "case record",
    request_body = AssessmentIn, params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 201, body = AssessmentOut), (status = 404, body = types::ApiError),
        (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn add_assessment(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
    Json(input): Json<AssessmentIn>,
) -> ApiResult<(StatusCode, Json<AssessmentOut>)> {
    Ok((StatusCode::CREATED, Json(plans::add_assessment(&s.db, &ctx, CaseId(p.case_id), input).await?)))
}

/// Agrees an individual plan (PAI) on the case; it starts `avviato`.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/cases/{case_id}/plans", tag = "case record",
    request_body = PlanIn, params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 201, body = PlanOut), (status = 404, body = types::ApiError),
        (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn create_plan(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
    Json(input): Json<PlanIn>,
) -> ApiResult<(StatusCode, Json<PlanOut>)> {
    Ok((StatusCode::CREATED, Json(plans::create_plan(&s.db, &ctx, CaseId(p.case_id), input).await?)))
}

/// Changes a plan or its status (kept in its history); `version` as read, else 409.
#[utoipa::path(put, path = "/api/v1/t/{tenant}/cases/{case_id}/plans/{plan_id}", tag = "case record",
    request_body = PlanIn, params(("tenant" = String, Path), ("case_id" = i64, Path), ("plan_id" = i64, Path)),
    responses((status = 200, body = PlanOut), (status = 404, body = types::ApiError),
        (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn update_plan(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<PlanPath>,
    Json(input): Json<PlanIn>,
) -> ApiResult<Json<PlanOut>> {
    Ok(Json(plans::update_plan(&s.db, &ctx, CaseId(p.case_id), PlanId(p.plan_id), input).await?))
}

/// Records a review of a plan and the date of the next one.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/cases/{case_id}/plans/{plan_id}/reviews", tag = "case record",
    request_body = ReviewIn, params(("tenant" = String, Path), ("case_id" = i64, Path), ("plan_id" = i64, Path)),
    responses((status = 201, body = PlanOut), (status = 404, body = types::ApiError),
        (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn review_plan(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<PlanPath>,
    Json(input): Json<ReviewIn>,
) -> ApiResult<(StatusCode, Json<PlanOut>)> {
    let out = plans::review_plan(&s.db, &ctx, CaseId(p.case_id), PlanId(p.plan_id), input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Records an intervention delivered on the case, with its cost.
#[utoipa::path(post, path = "/api/v1/t/{tenant}/cases/{case_id}/interventions", tag = "case record",
    request_body = InterventionIn, params(("tenant" = String, Path), ("case_id" = i64, Path)),
    responses((status = 201, body = InterventionOut), (status = 404, body = types::ApiError),
        (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn record_intervention(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<CasePath>,
    Json(input): Json<InterventionIn>,
) -> ApiResult<(StatusCode, Json<InterventionOut>)> {
    Ok((StatusCode::CREATED, Json(plans::record_intervention(&s.db, &ctx, CaseId(p.case_id), input).await?)))
}

/// Changes an intervention; `version` as read, else 409.
#[utoipa::path(put, path = "/api/v1/t/{tenant}/cases/{case_id}/interventions/{intervention_id}",
    tag = "case record", request_body = InterventionIn,
    params(("tenant" = String, Path), ("case_id" = i64, Path), ("intervention_id" = i64, Path)),
    responses((status = 200, body = InterventionOut), (status = 404, body = types::ApiError),
        (status = 409, body = types::ApiError), (status = 422, body = types::ApiError)))]
pub async fn update_intervention(
    State(s): State<AppState>,
    Tenant(ctx): Tenant,
    Path(p): Path<InterventionPath>,
    Json(input): Json<InterventionIn>,
) -> ApiResult<Json<InterventionOut>> {
    let id = InterventionId(p.intervention_id);
    Ok(Json(plans::update_intervention(&s.db, &ctx, CaseId(p.case_id), id, input).await?))
}

/// Plan reviews due within two weeks, or overdue, on the caller's cases.
#[utoipa::path(get, path = "/api/v1/t/{tenant}/reviews-due", tag = "case record",
    params(("tenant" = String, Path)),
    responses((status = 200, body = Vec<ReviewDue>), (status = 403, body = types::ApiError),
        (status = 404, body = types::ApiError)))]
pub async fn reviews_due(State(s): State<AppState>, Tenant(ctx): Tenant) -> ApiResult<Json<Vec<ReviewDue>>> {
    Ok(Json(plans::reviews_due(&s.db, &ctx).await?))
}
