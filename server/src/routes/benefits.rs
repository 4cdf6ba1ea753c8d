//! The public benefits API: the published catalogue that applies to a tenant (with the
//! rules, so the checker evaluates in the browser), and a stateless evaluation for other
//! systems. Neither needs a login; the evaluation stores and logs nothing of the answers.

use axum::extract::State;
use axum::http::{Extensions, HeaderMap, Uri};
use axum::response::Response;
use eligibility::catalogue::{BenefitResult, Catalogue};
use eligibility::Answers;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{Json, Path, RequestLang};
use crate::routes::public::{answer, TenantPath};
use crate::state::AppState;

/// The largest evaluation request: twenty members' answers take a few kilobytes.
pub const EVALUATE_MAX_BYTES: usize = 32 * 1024;

/// The national measures, then those of the tenant's ancestors and its own, each
/// administration with its published rules (the `eligibility` format).
#[utoipa::path(get, path = "/api/public/v1/{tenant}/benefits", tag = "public",
    params(("tenant" = String, Path, description = "tenant slug: its ancestors' and the national benefits are included")),
    responses((status = 200, body = Catalogue), (status = 404, body = types::ApiError)))]
pub async fn public_benefits(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<TenantPath>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    answer(
        &s,
        uri.path(),
        lang,
        &headers,
        "application/json",
        domain::benefits::public_catalogue(&s.db, &p.tenant, lang),
    )
    .await
}

/// A household's answers to evaluate.
#[derive(Deserialize, ToSchema)]
pub struct EvaluateIn {
    /// The date to apply the rules on (YYYY-MM-DD); today if absent.
    #[serde(default)]
    pub date: Option<String>,
    /// `household`: facts by name; `members`: a list of facts by name per member
    /// (absent: the composition is unknown). A fact left out is unknown, never zero.
    #[schema(value_type = Object, example = json!({
        "household": {"isee": 8000, "residence_comune": "017029", "residence_years_italy": 10},
        "members": [{"relationship": "applicant", "age": 40, "citizenship": "italian"}, {"relationship": "child", "age": 3}]
    }))]
    pub answers: Answers,
}

#[derive(Serialize, ToSchema)]
pub struct EvaluateOut {
    /// The date the rules were applied on.
    pub date: String,
    pub results: Vec<BenefitResult>,
}

/// Evaluates a household against the tenant's published catalogue: for each benefit
/// eligible, not eligible or unknown, with the reasons, the facts that would decide it
/// and the estimated amount. Stateless: nothing is stored. Rate-limited per client.
#[utoipa::path(post, path = "/api/public/v1/{tenant}/benefits/evaluate", tag = "public",
    params(("tenant" = String, Path)),
    request_body = EvaluateIn,
    responses((status = 200, body = EvaluateOut), (status = 404, body = types::ApiError),
        (status = 422, body = types::ApiError, description = "impossible answers (by field), a bad date or one the rules have no values for"),
        (status = 429, body = types::ApiError)))]
pub async fn evaluate_benefits(
    State(s): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(p): Path<TenantPath>,
    extensions: Extensions,
    headers: HeaderMap,
    Json(input): Json<EvaluateIn>,
) -> ApiResult<Json<EvaluateOut>> {
    let client = crate::extract::client_ip(&extensions, &headers, &s.config);
    if !s.evaluations.allow(client) {
        return Err(domain::AppError::TooManyRequests.into());
    }
    let (date, results) = s.benefits.evaluate(&s.db, &p.tenant, &input.answers, input.date.as_deref(), lang).await?;
    Ok(Json(EvaluateOut { date: date.to_string(), results }))
}
