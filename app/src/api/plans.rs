//! The work on a case: assessments, the individual plan (PAI) with its reviews, and the
//! interventions with their cost.

use serde::{Deserialize, Serialize};
use types::plans::{AssessmentOut, CaseWorkOut, InterventionOut, PlanOut, ReviewDue};
#[cfg(feature = "ssr")]
use types::{CaseId, PlanId};

use super::UiError;
use app_macros::staff_fn;

#[staff_fn]
pub async fn add_assessment(
    t: Tenant,
    id: i64,
    assessed_on: Option<String>,
    problems: Option<String>,
    resources: Option<String>,
    summary: Option<String>,
    proposals: Option<String>,
) -> Result<AssessmentOut, UiError> {
    let input = types::plans::AssessmentIn {
        assessed_on,
        problems: problems.unwrap_or_default(),
        resources: resources.unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        proposals: proposals.unwrap_or_default(),
    };
    domain::plans::add_assessment(&t.db, &t.ctx, CaseId(id), input).await
}

/// The plan form, as sent (dates and codes are checked by the domain).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanForm {
    pub goals: Option<String>,
    pub planned: Option<String>,
    pub responsibilities: Option<String>,
    pub started_on: Option<String>,
    pub next_review_on: Option<String>,
    pub status: Option<String>,
    pub status_note: Option<String>,
}

/// Agrees a plan (no `plan_id`) or changes one at `version`, its status included.
#[staff_fn]
pub async fn save_plan(
    t: Tenant,
    id: i64,
    plan_id: Option<i64>,
    version: Option<i32>,
    #[server(flatten)] form: PlanForm,
) -> Result<PlanOut, UiError> {
    let input = types::plans::PlanIn {
        goals: form.goals.unwrap_or_default(),
        planned: form.planned.unwrap_or_default(),
        responsibilities: form.responsibilities.unwrap_or_default(),
        started_on: form.started_on,
        next_review_on: form.next_review_on,
        status: form.status,
        status_note: form.status_note,
        version,
    };
    let case = CaseId(id);
    match plan_id {
        None => domain::plans::create_plan(&t.db, &t.ctx, case, input).await,
        Some(plan) => domain::plans::update_plan(&t.db, &t.ctx, case, PlanId(plan), input).await,
    }
}

#[staff_fn]
pub async fn review_plan(
    t: Tenant,
    id: i64,
    plan_id: i64,
    reviewed_on: Option<String>,
    notes: Option<String>,
    next_review_on: Option<String>,
) -> Result<PlanOut, UiError> {
    let input = types::plans::ReviewIn { reviewed_on, notes: notes.unwrap_or_default(), next_review_on };
    domain::plans::review_plan(&t.db, &t.ctx, CaseId(id), PlanId(plan_id), input).await
}

/// The intervention form, as typed (amounts are read by the domain, as typed).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InterventionForm {
    pub kind: Option<String>,
    pub description: Option<String>,
    pub started_on: Option<String>,
    pub ended_on: Option<String>,
    pub quantity: Option<String>,
    pub unit: Option<String>,
    pub cost: Option<String>,
    pub funding: Option<String>,
    pub provider_name: Option<String>,
    /// Id of the plan it belongs to; blank for none.
    pub plan_id: Option<String>,
}

#[cfg(feature = "ssr")]
impl InterventionForm {
    fn into_input(self, version: Option<i32>) -> domain::Result<types::plans::InterventionIn> {
        let mut v = domain::validate::Validator::new();
        let plan_id = v.optional_id("plan_id", self.plan_id.as_deref());
        v.finish()?;
        Ok(types::plans::InterventionIn {
            kind: self.kind.unwrap_or_default(),
            description: self.description,
            started_on: self.started_on.unwrap_or_default(),
            ended_on: self.ended_on,
            quantity: self.quantity,
            unit: self.unit,
            cost: self.cost,
            funding: self.funding,
            provider_facility_id: None,
            provider_name: self.provider_name,
            plan_id: plan_id.map(PlanId),
            version,
        })
    }
}

/// Records an intervention on case `id`; with `intervention_id` (and the `version` read),
/// corrects that one instead.
#[staff_fn]
pub async fn record_intervention(
    t: Tenant,
    id: i64,
    intervention_id: Option<i64>,
    version: Option<i32>,
    #[server(flatten)] form: InterventionForm,
) -> Result<InterventionOut, UiError> {
    let input = form.into_input(version)?;
    let case = CaseId(id);
    match intervention_id {
        None => domain::plans::record_intervention(&t.db, &t.ctx, case, input).await,
        Some(i) => domain::plans::update_intervention(&t.db, &t.ctx, case, types::InterventionId(i), input).await,
    }
}

/// The work on case `id`, for its workers: what the page correcting an intervention shows.
#[staff_fn]
pub async fn case_work(t: Tenant, id: i64) -> Result<CaseWorkOut, UiError> {
    domain::plans::case_work(&t.db, &t.ctx, CaseId(id)).await
}

/// Plan reviews due on the worker's cases (their home page).
#[staff_fn]
pub async fn reviews_due(t: Tenant) -> Result<Vec<ReviewDue>, UiError> {
    domain::plans::reviews_due(&t.db, &t.ctx).await
}
