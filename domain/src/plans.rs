//! The work on a case: assessments, individual plans (PAI) with their status history and
//! reviews, and the interventions delivered with their cost. Everything is reached
//! through the case (`CaseGrant`), so whoever may open the case may do this and nobody
//! else; a row of another case answers `NotFound`. A closed case is read-only. Every
//! read and write is audited, under the case.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{assessment, care_plan, case_member, facility, intervention, person, plan_event, social_case};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};
use types::cases::{format_cents, parse_euros, CaseStatus};
use types::plans::{
    AssessmentIn, AssessmentOut, CaseWorkOut, InterventionIn, InterventionOut, PlanEventOut, PlanIn, PlanOut,
    PlanStatus, ReviewDue, ReviewIn, FUNDING, INTERVENTION_TYPES, UNITS,
};
use types::{AssessmentId, CaseId, FacilityId, InterventionId, PersonId, PlanId};

use crate::audit::Action;
use crate::authz::Permission;
use crate::case_access::{day, CaseGrant};
use crate::tenancy::TenantTx;
use crate::validate::Validator;
use crate::{AppError, Db, Result, TenantContext};

/// Reviews show on the worker's home this many days ahead.
const REVIEW_HORIZON_DAYS: i64 = 14;

/// Opens the case for a change: closed cases are kept as they were.
async fn open_for_change(tx: &TenantTx, ctx: &TenantContext, id: CaseId) -> Result<CaseGrant> {
    let grant = CaseGrant::open_for_work(tx, ctx, id).await?;
    if grant.case.closed_on.is_some() {
        return Err(AppError::Conflict("conflict.case_closed"));
    }
    Ok(grant)
}

/// Everything done on a case, newest first, and the total spent on it.
pub async fn case_work(db: &Db, ctx: &TenantContext, id: CaseId) -> Result<CaseWorkOut> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open_for_work(&tx, ctx, id).await?;
    let out = work_of(&tx, grant.case.id).await?;
    grant.audit(&tx, ctx, Action::Read, Some("work")).await?;
    tx.commit().await?;
    Ok(out)
}

/// The work on case `case_id` (the caller has opened the case).
pub(crate) async fn work_of(tx: &TenantTx, case_id: i64) -> Result<CaseWorkOut> {
    let assessments = tx
        .select::<assessment::Entity>()
        .filter(assessment::Column::CaseId.eq(case_id))
        .order_by_desc(assessment::Column::AssessedOn)
        .order_by_desc(assessment::Column::Id)
        .all(tx.conn())
        .await?;
    let plans = tx
        .select::<care_plan::Entity>()
        .filter(care_plan::Column::CaseId.eq(case_id))
        .order_by_desc(care_plan::Column::StartedOn)
        .order_by_desc(care_plan::Column::Id)
        .all(tx.conn())
        .await?;
    let events = tx
        .select::<plan_event::Entity>()
        .filter(plan_event::Column::PlanId.is_in(plans.iter().map(|p| p.id)))
        .order_by_desc(plan_event::Column::On)
        .order_by_desc(plan_event::Column::Id)
        .all(tx.conn())
        .await?;
    let interventions = tx
        .select::<intervention::Entity>()
        .filter(intervention::Column::CaseId.eq(case_id))
        .order_by_desc(intervention::Column::StartedOn)
        .order_by_desc(intervention::Column::Id)
        .limit(1000)
        .all(tx.conn())
        .await?;
    let total = total_cost(tx, case_id).await?;
    let names = crate::users::display_names(
        tx.conn(),
        assessments.iter().filter_map(|a| a.author_id).chain(events.iter().filter_map(|e| e.by_id)),
    )
    .await?;
    let mut by_plan: HashMap<i64, Vec<PlanEventOut>> = HashMap::new();
    for e in events {
        by_plan.entry(e.plan_id).or_default().push(event_out(e, &names));
    }
    Ok(CaseWorkOut {
        assessments: assessments.into_iter().map(|a| assessment_out(a, &names)).collect(),
        plans: plans
            .into_iter()
            .map(|p| {
                let events = by_plan.remove(&p.id).unwrap_or_default();
                plan_out(p, events)
            })
            .collect(),
        interventions: interventions.into_iter().map(intervention_out).collect(),
        total_cost_cents: total,
    })
}

/// The sum of the costs of a case's interventions, counted by the database (cast: on
/// PostgreSQL a sum of bigints is a numeric).
async fn total_cost(tx: &TenantTx, case_id: i64) -> Result<i64> {
    let sum: Option<i64> = tx
        .select::<intervention::Entity>()
        .select_only()
        .column_as(Expr::cust("CAST(COALESCE(SUM(cost_cents), 0) AS BIGINT)"), "total")
        .filter(intervention::Column::CaseId.eq(case_id))
        .into_tuple()
        .one(tx.conn())
        .await?;
    Ok(sum.unwrap_or(0))
}

fn assessment_out(a: assessment::Model, names: &HashMap<i64, String>) -> AssessmentOut {
    AssessmentOut {
        id: AssessmentId(a.id),
        assessed_on: day(a.assessed_on),
        problems: a.problems,
        resources: a.resources,
        summary: a.summary,
        proposals: a.proposals,
        author_name: a.author_id.and_then(|u| names.get(&u).cloned()).unwrap_or_default(),
    }
}

fn event_out(e: plan_event::Model, names: &HashMap<i64, String>) -> PlanEventOut {
    PlanEventOut {
        kind: e.kind,
        on: day(e.on),
        status: e.status,
        note: e.note,
        by_name: e.by_id.and_then(|u| names.get(&u).cloned()).unwrap_or_default(),
    }
}

fn plan_out(p: care_plan::Model, events: Vec<PlanEventOut>) -> PlanOut {
    PlanOut {
        id: PlanId(p.id),
        goals: p.goals,
        planned: p.planned,
        responsibilities: p.responsibilities,
        started_on: day(p.started_on),
        next_review_on: p.next_review_on.map(day),
        status: p.status,
        events,
        version: p.version,
    }
}

fn intervention_out(i: intervention::Model) -> InterventionOut {
    InterventionOut {
        id: InterventionId(i.id),
        kind: i.kind,
        description: i.description,
        started_on: day(i.started_on),
        ended_on: i.ended_on.map(day),
        quantity: i.quantity_hundredths.map(format_cents),
        unit: i.unit,
        cost_cents: i.cost_cents,
        funding: i.funding,
        provider_facility_id: i.provider_facility_id.map(FacilityId),
        provider_name: i.provider_name,
        plan_id: i.plan_id.map(PlanId),
        version: i.version,
    }
}

/// Records an assessment of the case.
pub async fn add_assessment(db: &Db, ctx: &TenantContext, id: CaseId, input: AssessmentIn) -> Result<AssessmentOut> {
    let tx = ctx.begin(db).await?;
    let grant = open_for_change(&tx, ctx, id).await?;
    let mut v = Validator::new();
    let assessed_on =
        v.date("assessed_on", input.assessed_on.as_deref(), true, tx.today()).unwrap_or_else(|| tx.today());
    let problems = v.text("problems", &input.problems, 4000);
    let resources = v.optional_text("resources", Some(&input.resources), 4000).unwrap_or_default();
    let summary = v.text("summary", &input.summary, 4000);
    let proposals = v.optional_text("proposals", Some(&input.proposals), 4000).unwrap_or_default();
    v.finish()?;
    let row = tx
        .insert(assessment::ActiveModel {
            case_id: Set(grant.case.id),
            assessed_on: Set(assessed_on),
            problems: Set(problems),
            resources: Set(resources),
            summary: Set(summary),
            proposals: Set(proposals),
            author_id: Set(Some(ctx.user().0)),
            created_at: Set(tx.now()),
            ..Default::default()
        })
        .await?;
    grant.audit(&tx, ctx, Action::Create, Some("assessment")).await?;
    let names = crate::users::display_names(tx.conn(), [ctx.user().0]).await?;
    tx.commit().await?;
    Ok(assessment_out(row, &names))
}

struct ValidPlan {
    goals: String,
    planned: String,
    responsibilities: String,
    started_on: NaiveDate,
    next_review_on: Option<NaiveDate>,
}

fn validate_plan(v: &mut Validator, input: &PlanIn, today: NaiveDate) -> ValidPlan {
    let goals = v.text("goals", &input.goals, 4000);
    let planned = v.optional_text("planned", Some(&input.planned), 4000).unwrap_or_default();
    let responsibilities = v.optional_text("responsibilities", Some(&input.responsibilities), 4000).unwrap_or_default();
    let started_on = v.date("started_on", input.started_on.as_deref(), false, today).unwrap_or(today);
    let next_review_on = future_date(v, "next_review_on", input.next_review_on.as_deref(), today);
    ValidPlan { goals, planned, responsibilities, started_on, next_review_on }
}

/// A date that may not be in the past (a review to come).
fn future_date(v: &mut Validator, field: &str, value: Option<&str>, today: NaiveDate) -> Option<NaiveDate> {
    let day = v.date(field, value, false, today)?;
    if day < today {
        v.issue(field, "validation.past_date", vec![]);
    }
    Some(day)
}

async fn add_event(
    tx: &TenantTx,
    ctx: &TenantContext,
    plan: i64,
    kind: &str,
    on: NaiveDate,
    status: Option<String>,
    note: Option<String>,
) -> Result<()> {
    tx.insert(plan_event::ActiveModel {
        plan_id: Set(plan),
        kind: Set(kind.into()),
        on: Set(on),
        status: Set(status),
        note: Set(note),
        by_id: Set(Some(ctx.user().0)),
        at: Set(tx.now()),
        ..Default::default()
    })
    .await?;
    Ok(())
}

async fn plan_with_events(tx: &TenantTx, plan: care_plan::Model) -> Result<PlanOut> {
    let events = tx
        .select::<plan_event::Entity>()
        .filter(plan_event::Column::PlanId.eq(plan.id))
        .order_by_desc(plan_event::Column::On)
        .order_by_desc(plan_event::Column::Id)
        .all(tx.conn())
        .await?;
    let names = crate::users::display_names(tx.conn(), events.iter().filter_map(|e| e.by_id)).await?;
    Ok(plan_out(plan, events.into_iter().map(|e| event_out(e, &names)).collect()))
}

/// Agrees a new plan (PAI) on the case; it starts `avviato`.
pub async fn create_plan(db: &Db, ctx: &TenantContext, id: CaseId, input: PlanIn) -> Result<PlanOut> {
    let tx = ctx.begin(db).await?;
    let grant = open_for_change(&tx, ctx, id).await?;
    let mut v = Validator::new();
    let plan = validate_plan(&mut v, &input, tx.today());
    v.finish()?;
    let now = tx.now();
    let row = tx
        .insert(care_plan::ActiveModel {
            case_id: Set(grant.case.id),
            goals: Set(plan.goals),
            planned: Set(plan.planned),
            responsibilities: Set(plan.responsibilities),
            started_on: Set(plan.started_on),
            next_review_on: Set(plan.next_review_on),
            status: Set("avviato".into()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .await?;
    add_event(&tx, ctx, row.id, "status", plan.started_on, Some(PlanStatus::Avviato.code().into()), None).await?;
    grant.audit(&tx, ctx, Action::Create, Some("plan")).await?;
    let out = plan_with_events(&tx, row).await?;
    tx.commit().await?;
    Ok(out)
}

/// Changes a plan, its status included (the change is kept with its note); `version` as
/// read, else a conflict.
pub async fn update_plan(db: &Db, ctx: &TenantContext, id: CaseId, plan_id: PlanId, input: PlanIn) -> Result<PlanOut> {
    let tx = ctx.begin(db).await?;
    let grant = open_for_change(&tx, ctx, id).await?;
    let current = grant.plan(&tx, plan_id).await?;
    let Some(base) = input.version else {
        return Err(AppError::field("version", "validation.required"));
    };
    if base != current.version {
        return Err(AppError::Conflict("conflict.stale_version"));
    }
    let mut v = Validator::new();
    let plan = validate_plan(&mut v, &input, tx.today());
    let status = match input.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => current.status.clone(),
        Some(s) => v.code("status", s, PlanStatus::CODES),
    };
    let note = v.optional_text("status_note", input.status_note.as_deref(), 1000);
    v.finish()?;
    let changed_status = status != current.status;
    let mut row = current.into_active_model();
    row.goals = Set(plan.goals);
    row.planned = Set(plan.planned);
    row.responsibilities = Set(plan.responsibilities);
    row.started_on = Set(plan.started_on);
    row.next_review_on = Set(plan.next_review_on);
    row.status = Set(status.clone());
    row.version = Set(base + 1);
    row.updated_at = Set(tx.now());
    tx.save_versioned(row, plan_id.0, base).await?;
    if changed_status {
        add_event(&tx, ctx, plan_id.0, "status", tx.today(), Some(status), note).await?;
    }
    grant.audit(&tx, ctx, Action::Update, Some("plan")).await?;
    let saved = grant.plan(&tx, plan_id).await?;
    let out = plan_with_events(&tx, saved).await?;
    tx.commit().await?;
    Ok(out)
}

/// Records a review of a plan and sets the next one.
pub async fn review_plan(
    db: &Db,
    ctx: &TenantContext,
    id: CaseId,
    plan_id: PlanId,
    input: ReviewIn,
) -> Result<PlanOut> {
    let tx = ctx.begin(db).await?;
    let grant = open_for_change(&tx, ctx, id).await?;
    let current = grant.plan(&tx, plan_id).await?;
    let mut v = Validator::new();
    let reviewed_on =
        v.date("reviewed_on", input.reviewed_on.as_deref(), true, tx.today()).unwrap_or_else(|| tx.today());
    let notes = v.text("notes", &input.notes, 4000);
    let next = future_date(&mut v, "next_review_on", input.next_review_on.as_deref(), tx.today());
    v.finish()?;
    let mut row = current.clone().into_active_model();
    row.next_review_on = Set(next);
    row.version = Set(current.version + 1);
    row.updated_at = Set(tx.now());
    tx.update(row).await?;
    add_event(&tx, ctx, plan_id.0, "review", reviewed_on, None, Some(notes)).await?;
    grant.audit(&tx, ctx, Action::Update, Some("plan")).await?;
    let saved = grant.plan(&tx, plan_id).await?;
    let out = plan_with_events(&tx, saved).await?;
    tx.commit().await?;
    Ok(out)
}

struct ValidIntervention {
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    quantity: Option<i64>,
    cost: i64,
    input: InterventionIn,
}

async fn validate_intervention(tx: &TenantTx, grant: &CaseGrant, input: InterventionIn) -> Result<ValidIntervention> {
    let mut v = Validator::new();
    v.code("kind", &input.kind, &INTERVENTION_TYPES);
    v.optional_text("description", input.description.as_deref(), 200);
    let started_on = v.date("started_on", Some(&input.started_on), false, tx.today());
    if input.started_on.trim().is_empty() {
        v.issue("started_on", "validation.required", vec![]);
    }
    let ended_on = v.date("ended_on", input.ended_on.as_deref(), false, tx.today());
    if let (Some(start), Some(end)) = (started_on, ended_on) {
        if end < start {
            v.issue("ended_on", "validation.before_start", vec![]);
        }
    }
    let typed_quantity = input.quantity.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let quantity = match typed_quantity {
        None => None,
        Some(q) => match parse_euros(q) {
            Some(n) if n > 0 => Some(n),
            _ => {
                v.issue("quantity", "validation.quantity", vec![]);
                None
            }
        },
    };
    let unit = input.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    match unit {
        Some(u) => {
            v.code("unit", u, UNITS);
        }
        None if typed_quantity.is_some() => v.issue("unit", "validation.required", vec![]),
        None => {}
    }
    let cost = match input.cost.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => parse_euros(c).unwrap_or_else(|| {
            v.issue("cost", "validation.amount", vec![]);
            0
        }),
    };
    if let Some(f) = input.funding.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        v.code("funding", f, FUNDING);
    }
    v.optional_text("provider_name", input.provider_name.as_deref(), 200);
    if let Some(f) = input.provider_facility_id {
        if tx.get::<facility::Entity>(f.0).await.is_err() {
            v.issue("provider_facility_id", "validation.unknown_code", vec![]);
        }
    }
    if let Some(p) = input.plan_id {
        if grant.plan(tx, p).await.is_err() {
            v.issue("plan_id", "validation.unknown_code", vec![]);
        }
    }
    v.finish()?;
    Ok(ValidIntervention { started_on: started_on.unwrap_or_else(|| tx.today()), ended_on, quantity, cost, input })
}

fn fill_intervention(row: &mut intervention::ActiveModel, valid: ValidIntervention, now: DateTime<Utc>) {
    let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let input = valid.input;
    row.kind = Set(input.kind.trim().to_string());
    row.description = Set(clean(input.description));
    row.started_on = Set(valid.started_on);
    row.ended_on = Set(valid.ended_on);
    row.quantity_hundredths = Set(valid.quantity);
    row.unit = Set(clean(input.unit));
    row.cost_cents = Set(valid.cost);
    row.funding = Set(clean(input.funding));
    row.provider_facility_id = Set(input.provider_facility_id.map(|f| f.0));
    row.provider_name = Set(clean(input.provider_name));
    row.plan_id = Set(input.plan_id.map(|p| p.0));
    row.updated_at = Set(now);
}

/// Records an intervention delivered on the case.
pub async fn record_intervention(
    db: &Db,
    ctx: &TenantContext,
    id: CaseId,
    input: InterventionIn,
) -> Result<InterventionOut> {
    let tx = ctx.begin(db).await?;
    let grant = open_for_change(&tx, ctx, id).await?;
    let valid = validate_intervention(&tx, &grant, input).await?;
    let mut row = intervention::ActiveModel {
        case_id: Set(grant.case.id),
        version: Set(1),
        created_by: Set(Some(ctx.user().0)),
        created_at: Set(tx.now()),
        ..Default::default()
    };
    fill_intervention(&mut row, valid, tx.now());
    let saved = tx.insert(row).await?;
    grant.audit(&tx, ctx, Action::Create, Some("interventions")).await?;
    tx.commit().await?;
    Ok(intervention_out(saved))
}

/// Changes an intervention (its end, its cost …); `version` as read, else a conflict.
pub async fn update_intervention(
    db: &Db,
    ctx: &TenantContext,
    id: CaseId,
    intervention_id: InterventionId,
    input: InterventionIn,
) -> Result<InterventionOut> {
    let tx = ctx.begin(db).await?;
    let grant = open_for_change(&tx, ctx, id).await?;
    let current = grant.intervention(&tx, intervention_id).await?;
    let Some(base) = input.version else {
        return Err(AppError::field("version", "validation.required"));
    };
    if base != current.version {
        return Err(AppError::Conflict("conflict.stale_version"));
    }
    let valid = validate_intervention(&tx, &grant, input).await?;
    let mut row = current.into_active_model();
    fill_intervention(&mut row, valid, tx.now());
    row.version = Set(base + 1);
    tx.save_versioned(row, intervention_id.0, base).await?;
    grant.audit(&tx, ctx, Action::Update, Some("interventions")).await?;
    let saved = grant.intervention(&tx, intervention_id).await?;
    tx.commit().await?;
    Ok(intervention_out(saved))
}

/// Reviews of active plans falling due within two weeks (or overdue) on the cases the
/// caller works on, soonest first: the worker's home.
pub async fn reviews_due(db: &Db, ctx: &TenantContext) -> Result<Vec<ReviewDue>> {
    ctx.require(Permission::WorkCases)?;
    let tx = ctx.begin(db).await?;
    let today = tx.today();
    let my_cases = Query::select()
        .column(case_member::Column::CaseId)
        .from(case_member::Entity)
        .and_where(case_member::Column::TenantId.eq(tx.tenant_id().0))
        .and_where(case_member::Column::UserId.eq(ctx.user().0))
        .to_owned();
    let plans = tx
        .select::<care_plan::Entity>()
        .filter(care_plan::Column::Status.is_in(PlanStatus::ACTIVE.map(PlanStatus::code)))
        .filter(care_plan::Column::NextReviewOn.lte(today + Duration::days(REVIEW_HORIZON_DAYS)))
        .filter(care_plan::Column::CaseId.in_subquery(my_cases))
        .order_by_asc(care_plan::Column::NextReviewOn)
        .limit(50)
        .all(tx.conn())
        .await?;
    let cases: HashMap<i64, social_case::Model> = tx
        .select::<social_case::Entity>()
        .filter(social_case::Column::Id.is_in(plans.iter().map(|p| p.case_id)))
        .filter(social_case::Column::Status.eq(CaseStatus::Open.code()))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let persons: HashMap<i64, person::Model> = tx
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(cases.values().map(|c| c.person_id)))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut shown: Vec<i64> = cases.keys().copied().collect();
    shown.sort_unstable();
    let event = crate::audit::Event::list("case", &shown).in_section("plan");
    crate::audit::record(&tx, Some(ctx.user()), event).await?;
    tx.commit().await?;
    Ok(plans
        .into_iter()
        .filter_map(|p| {
            let case = cases.get(&p.case_id)?;
            let person = persons.get(&case.person_id)?;
            let next = p.next_review_on?;
            Some(ReviewDue {
                case_id: CaseId(case.id),
                person_id: PersonId(person.id),
                person_name: format!("{} {}", person.last_name, person.first_name),
                plan_id: PlanId(p.id),
                next_review_on: day(next),
                overdue: next < today,
            })
        })
        .collect())
}
