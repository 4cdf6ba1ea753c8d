//! What the social worker does with a case: the assessment (valutazione), the
//! individual plan (PAI) with its status history and reviews, and the interventions
//! delivered, with their cost.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{AssessmentId, CaseId, FacilityId, InterventionId, PersonId, PlanId};

coded_enum! {
    /// PAI statuses (docs/ARCHITECTURE.md §5), in the words of the services.
    pub enum PlanStatus {
        Avviato = "avviato",
        InCorso = "in_corso",
        Sospeso = "sospeso",
        Interrotto = "interrotto",
        Chiuso = "chiuso",
    }
}

impl PlanStatus {
    /// Statuses in which a plan is followed, so its reviews fall due.
    pub const ACTIVE: [PlanStatus; 2] = [PlanStatus::Avviato, PlanStatus::InCorso];

    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }
}

/// Units an intervention is counted in.
pub const UNITS: &[&str] = &["hours", "days", "accesses", "meals", "months", "items", "euros"];

/// Who pays: the municipality's budget, the national funds for social policies (FNPS)
/// and for non-self-sufficiency (FNA), regional funds, the user's share, the health
/// service (social-health integration), EU funds.
pub const FUNDING: &[&str] = &["municipal", "fnps", "fna", "regional", "user_share", "health", "european", "other"];

/// Intervention types: the macro-areas of the Nomenclatore (`types::contacts::REQUEST_TYPES`).
pub use crate::contacts::REQUEST_TYPES as INTERVENTION_TYPES;

pub fn status_key(status: &str) -> String {
    format!("plan.status.{status}")
}

pub fn unit_key(unit: &str) -> String {
    format!("plan.unit.{unit}")
}

pub fn funding_key(funding: &str) -> String {
    format!("plan.funding.{funding}")
}

/// A social assessment, dated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct AssessmentIn {
    /// `YYYY-MM-DD`, not in the future; today when absent.
    pub assessed_on: Option<String>,
    /// Problems found.
    pub problems: String,
    /// Resources of the person, household and network.
    pub resources: String,
    /// The social diagnosis: a summary of the situation.
    pub summary: String,
    /// Interventions proposed.
    pub proposals: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssessmentOut {
    pub id: AssessmentId,
    pub assessed_on: String,
    pub problems: String,
    pub resources: String,
    pub summary: String,
    pub proposals: String,
    pub author_name: String,
}

/// An individual plan (PAI): created `avviato`; its status changes are kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct PlanIn {
    pub goals: String,
    /// Interventions planned, in words (those delivered are recorded one by one).
    pub planned: String,
    /// Who does what: the worker, the family, other services, the person.
    pub responsibilities: String,
    /// `YYYY-MM-DD`; today when absent.
    pub started_on: Option<String>,
    /// The next review, not in the past.
    pub next_review_on: Option<String>,
    /// On update: a `PlanStatus` code (a change is recorded with `status_note`).
    pub status: Option<String>,
    pub status_note: Option<String>,
    /// On update: the `version` the edit started from.
    pub version: Option<i32>,
}

/// A review of a plan: when, what was found, when the next one is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct ReviewIn {
    /// `YYYY-MM-DD`, not in the future; today when absent.
    pub reviewed_on: Option<String>,
    pub notes: String,
    /// Not in the past; none when the plan is being closed.
    pub next_review_on: Option<String>,
}

/// A status change or a review of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlanEventOut {
    /// `status` or `review`.
    pub kind: String,
    pub on: String,
    /// The new status (a status change).
    pub status: Option<String>,
    pub note: Option<String>,
    pub by_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlanOut {
    pub id: PlanId,
    pub goals: String,
    pub planned: String,
    pub responsibilities: String,
    pub started_on: String,
    pub next_review_on: Option<String>,
    pub status: String,
    /// Newest first.
    pub events: Vec<PlanEventOut>,
    pub version: i32,
}

/// An intervention delivered to the person of a case.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct InterventionIn {
    /// An `INTERVENTION_TYPES` code.
    pub kind: String,
    /// What exactly (e.g. "assistenza domiciliare, igiene personale").
    pub description: Option<String>,
    /// `YYYY-MM-DD`.
    pub started_on: String,
    /// Not before `started_on`; empty while it goes on.
    pub ended_on: Option<String>,
    /// A positive number, as typed (`12`, `12,5`).
    pub quantity: Option<String>,
    /// A `UNITS` code; required with a quantity.
    pub unit: Option<String>,
    /// In euros as typed (`1.234,50`); not negative.
    pub cost: Option<String>,
    /// A `FUNDING` code.
    pub funding: Option<String>,
    /// A facility of the tenant's directory, or …
    pub provider_facility_id: Option<FacilityId>,
    /// … the name of the organisation that delivers it.
    pub provider_name: Option<String>,
    /// The plan it belongs to, if any.
    pub plan_id: Option<PlanId>,
    /// On update: the `version` the edit started from.
    pub version: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InterventionOut {
    pub id: InterventionId,
    pub kind: String,
    pub description: Option<String>,
    pub started_on: String,
    pub ended_on: Option<String>,
    /// Canonical decimal (`12.50`).
    pub quantity: Option<String>,
    pub unit: Option<String>,
    pub cost_cents: i64,
    pub funding: Option<String>,
    pub provider_facility_id: Option<FacilityId>,
    pub provider_name: Option<String>,
    pub plan_id: Option<PlanId>,
    pub version: i32,
}

/// Everything done on a case: assessments, plans, interventions and the total spent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseWorkOut {
    /// Newest first.
    pub assessments: Vec<AssessmentOut>,
    /// Newest first.
    pub plans: Vec<PlanOut>,
    /// Newest first.
    pub interventions: Vec<InterventionOut>,
    pub total_cost_cents: i64,
}

/// A plan review falling due on one of the worker's cases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReviewDue {
    pub case_id: CaseId,
    pub person_id: PersonId,
    pub person_name: String,
    pub plan_id: PlanId,
    pub next_review_on: String,
    /// Already past.
    pub overdue: bool,
}
