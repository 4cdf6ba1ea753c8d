//! The case access primitive, at the bottom of the case domain: [`CaseGrant`] decides
//! once who may open a case and which of its sections, and the row helpers every part
//! of the record shares (a case with its responsible worker, a section's current entries)
//! live beside it. `cases`, `plans`, `referrals` and `transfers` build on this module;
//! `case_page` reads them all. Nothing here imports those.
//!
//! This is the one place where an id of the case record taken from a request (a person,
//! a case, a plan, an intervention) becomes a row: `TenantTx::get` refuses those tables at
//! compile time, so a write cannot resolve one without the rule that decides who reads it.
//!
//! Who may see a person: a tenant admin every person of the tenant; a social worker those
//! of the cases open to them and those nobody has taken in charge yet (to find someone
//! before opening a case).
//!
//! Who may open a case: a member of the case (its responsible worker or one given
//! access) or a tenant admin of its tenant — anyone else gets `NotFound`, as for a
//! missing case. The restricted sections (judicial acts, court, other services) also
//! need the member's explicit `restricted` grant, tenant admins included; without it
//! they answer `Forbidden`. A third-sector operator opens only a case referred to them
//! and accepted, and only the referred sections. Province roles never get here
//! (`Permission::WorkCases`).

use chrono::{DateTime, NaiveDate, Utc};
use entity::{care_plan, intervention, person};
use entity::{case_member, case_referral, case_section, case_section_change, membership, social_case};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, QueryFilter, Set};
use types::cases::{self, CaseStatus, Entry, SectionDef, SectionOut, SECTIONS};
use types::referrals::HandoverStatus;
use types::{CaseId, InterventionId, PersonId, PlanId, Role, UserId};

use crate::audit::{self, Action, Event};
use crate::authz::Permission;
use crate::tenancy::TenantTx;
use crate::validate::Validator;
use crate::{AppError, Result, TenantContext};

/// The audit log's name for a case.
pub(crate) const OBJECT: &str = "case";

/// What the caller may do with one case. Built only by [`CaseGrant::open`].
pub struct CaseGrant {
    pub case: social_case::Model,
    /// Who it was opened for.
    user: UserId,
    /// The caller's own membership of the case, if any.
    member: Option<case_member::Model>,
    /// For a third-sector operator: the accepted referral naming the sections they see.
    referral: Option<case_referral::Model>,
}

impl CaseGrant {
    /// Opens case `id` for the caller: a member, a tenant admin, or a third-sector
    /// operator who accepted a referral of it; else `NotFound`. A refusal is audited.
    pub async fn open(tx: &TenantTx, ctx: &TenantContext, id: CaseId) -> Result<CaseGrant> {
        let grant = Self::find(tx, ctx, id).await;
        audit::refusal(tx, ctx.user(), OBJECT, id.0, None, grant)
    }

    async fn find(tx: &TenantTx, ctx: &TenantContext, id: CaseId) -> Result<CaseGrant> {
        let user = ctx.user();
        // Refused here, the attempt is audited by `open` with the case's id.
        if !ctx.may(Permission::WorkCases) {
            if !ctx.may(Permission::ReceiveReferrals) {
                return Err(AppError::Forbidden);
            }
            let case = tx.related::<social_case::Entity>(id.0).await?;
            let referral = tx
                .select::<case_referral::Entity>()
                .filter(case_referral::Column::CaseId.eq(case.id))
                .filter(case_referral::Column::UserId.eq(ctx.user().0))
                .filter(case_referral::Column::Status.eq(HandoverStatus::Accepted.code()))
                .one(tx.conn())
                .await?
                .ok_or(AppError::NotFound)?;
            return Ok(CaseGrant { case, user, member: None, referral: Some(referral) });
        }
        let case = tx.related::<social_case::Entity>(id.0).await?;
        let member = tx
            .select::<case_member::Entity>()
            .filter(case_member::Column::CaseId.eq(case.id))
            .filter(case_member::Column::UserId.eq(ctx.user().0))
            .one(tx.conn())
            .await?;
        if member.is_none() && ctx.role() != Role::TenantAdmin {
            return Err(AppError::NotFound);
        }
        Ok(CaseGrant { case, user, member, referral: None })
    }

    /// Opens case `id` for one who works on it (assessment, plan, interventions, the
    /// case itself, referrals): a referred operator is `Forbidden` here.
    pub async fn open_for_work(tx: &TenantTx, ctx: &TenantContext, id: CaseId) -> Result<CaseGrant> {
        let grant = Self::open(tx, ctx, id).await?;
        if !grant.is_worker() {
            return audit::refusal(tx, grant.user, OBJECT, id.0, Some("work"), Err(AppError::Forbidden));
        }
        Ok(grant)
    }

    /// The caller works on the case (rather than seeing what was referred to them).
    pub fn is_worker(&self) -> bool {
        self.referral.is_none()
    }

    /// Whether the caller may read and edit `section`.
    pub fn may_open(&self, section: &SectionDef) -> bool {
        match &self.referral {
            Some(r) => r.sections.split(',').any(|c| c == section.code),
            None => !section.restricted || self.member.as_ref().is_some_and(|m| m.restricted),
        }
    }

    /// The section `code` if the caller may open it: unknown is `NotFound`, restricted
    /// without the grant is `Forbidden` (audited).
    pub fn section(&self, tx: &TenantTx, code: &str) -> Result<&'static SectionDef> {
        let section = cases::section(code).ok_or(AppError::NotFound)?;
        if self.may_open(section) {
            Ok(section)
        } else {
            audit::refusal(tx, self.user, OBJECT, self.case.id, Some(section.code), Err(AppError::Forbidden))
        }
    }

    /// Plan `id` of this case, or `NotFound` (audited as a refusal on the case's plan).
    pub(crate) async fn plan(&self, tx: &TenantTx, id: PlanId) -> Result<care_plan::Model> {
        let plan = match tx.related::<care_plan::Entity>(id.0).await {
            Ok(plan) if plan.case_id == self.case.id => Ok(plan),
            Ok(_) => Err(AppError::NotFound),
            Err(e) => Err(e),
        };
        audit::refusal(tx, self.user, OBJECT, self.case.id, Some("plan"), plan)
    }

    /// Intervention `id` of this case, or `NotFound` (audited as a refusal on its interventions).
    pub(crate) async fn intervention(&self, tx: &TenantTx, id: InterventionId) -> Result<intervention::Model> {
        let row = match tx.related::<intervention::Entity>(id.0).await {
            Ok(row) if row.case_id == self.case.id => Ok(row),
            Ok(_) => Err(AppError::NotFound),
            Err(e) => Err(e),
        };
        audit::refusal(tx, self.user, OBJECT, self.case.id, Some("interventions"), row)
    }

    /// Records an action on the case (or one of its sections) in the audit log.
    pub async fn audit(&self, tx: &TenantTx, ctx: &TenantContext, action: Action, section: Option<&str>) -> Result<()> {
        let event = Event { action, object_type: OBJECT, object_id: Some(self.case.id), section, listed: &[] };
        audit::record(tx, Some(ctx.user()), event).await
    }
}

/// The persons the caller may see (see the module docs), as a condition on `person`;
/// `None` is all of the tenant's.
pub(crate) fn visible_persons(ctx: &TenantContext, tenant: i64) -> Option<Condition> {
    if ctx.role() == Role::TenantAdmin {
        return None;
    }
    let taken_in_charge = Query::select()
        .column(social_case::Column::PersonId)
        .from(social_case::Entity)
        .and_where(social_case::Column::TenantId.eq(tenant))
        .to_owned();
    let my_cases = Query::select()
        .column(case_member::Column::CaseId)
        .from(case_member::Entity)
        .and_where(case_member::Column::TenantId.eq(tenant))
        .and_where(case_member::Column::UserId.eq(ctx.user().0))
        .to_owned();
    let mine = Query::select()
        .column(social_case::Column::PersonId)
        .from(social_case::Entity)
        .and_where(social_case::Column::TenantId.eq(tenant))
        .and_where(social_case::Column::Id.in_subquery(my_cases))
        .to_owned();
    Some(
        Condition::any()
            .add(person::Column::Id.not_in_subquery(taken_in_charge))
            .add(person::Column::Id.in_subquery(mine)),
    )
}

/// Person `id` if the caller may see it, else `NotFound` (as for a missing one; audited).
pub(crate) async fn visible_person(tx: &TenantTx, ctx: &TenantContext, id: PersonId) -> Result<person::Model> {
    let mut query = tx.select::<person::Entity>().filter(person::Column::Id.eq(id.0));
    if let Some(cond) = visible_persons(ctx, tx.tenant_id().0) {
        query = query.filter(cond);
    }
    let found = query.one(tx.conn()).await?.ok_or(AppError::NotFound);
    audit::refusal(tx, ctx.user(), "person", id.0, None, found)
}

pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The role `user` holds in this transaction's tenant, if any.
pub(crate) async fn role_of(tx: &TenantTx, user: UserId) -> Result<Option<Role>> {
    let membership =
        tx.select::<membership::Entity>().filter(membership::Column::UserId.eq(user.0)).one(tx.conn()).await?;
    Ok(membership.and_then(|m| Role::from_code(&m.role)))
}

/// A user who may be given a case: a social worker or tenant admin of this tenant.
pub(crate) async fn check_worker(tx: &TenantTx, v: &mut Validator, field: &str, user: UserId) -> Result<()> {
    let role = role_of(tx, user).await?;
    if !matches!(role, Some(Role::SocialWorker | Role::TenantAdmin)) {
        v.issue(field, "validation.not_a_worker", vec![]);
    }
    Ok(())
}

/// A case to be stored, the same whoever opens it: a worker (`cases::create_case`), an
/// accepted transfer, the demo caseload or the benchmark's bulk load.
pub struct NewCase {
    pub person_id: i64,
    /// An `AREAS` code.
    pub area: String,
    pub opened_on: NaiveDate,
    /// For a case loaded as history: when it was closed, and why (a `CLOSING_REASONS` code).
    pub closed: Option<(NaiveDate, String)>,
    /// Its responsible worker, its first member.
    pub responsible: UserId,
    /// The front-desk contact it was opened from.
    pub contact_id: Option<i64>,
}

impl NewCase {
    /// An open case of `person_id`'s.
    pub fn open(person_id: i64, area: String, opened_on: NaiveDate, responsible: UserId) -> NewCase {
        NewCase { person_id, area, opened_on, closed: None, responsible, contact_id: None }
    }

    /// The case's row, created at `now`.
    pub fn case_row(&self, now: DateTime<Utc>) -> social_case::ActiveModel {
        let status = if self.closed.is_some() { CaseStatus::Closed } else { CaseStatus::Open };
        social_case::ActiveModel {
            person_id: Set(self.person_id),
            area: Set(self.area.clone()),
            status: Set(status.code().into()),
            opened_on: Set(self.opened_on),
            closed_on: Set(self.closed.as_ref().map(|c| c.0)),
            closing_reason: Set(self.closed.as_ref().map(|c| c.1.clone())),
            responsible_id: Set(self.responsible.0),
            contact_id: Set(self.contact_id),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }

    /// Its responsible worker's membership of case `case_id`, granted by `by` at `now`.
    pub fn member_row(&self, case_id: i64, by: Option<UserId>, now: DateTime<Utc>) -> case_member::ActiveModel {
        case_member::ActiveModel {
            case_id: Set(case_id),
            user_id: Set(self.responsible.0),
            responsible: Set(true),
            restricted: Set(false),
            granted_by: Set(by.map(|u| u.0)),
            granted_at: Set(now),
            ..Default::default()
        }
    }
}

/// Inserts `case` with its responsible worker as its first member. Opened by a user
/// (`by`), it is audited as created by them; loaded by an operator command, it is not.
pub async fn insert_case(tx: &TenantTx, case: NewCase, by: Option<UserId>) -> Result<social_case::Model> {
    let now = tx.now();
    let row = tx.insert(case.case_row(now)).await?;
    tx.insert(case.member_row(row.id, by, now)).await?;
    if let Some(user) = by {
        let event =
            Event { action: Action::Create, object_type: OBJECT, object_id: Some(row.id), section: None, listed: &[] };
        audit::record(tx, Some(user), event).await?;
    }
    Ok(row)
}

pub(crate) fn parse_entries(content: &str) -> Result<Vec<Entry>> {
    serde_json::from_str(content).map_err(|e| AppError::Internal(format!("case section content: {e}")))
}

pub(crate) async fn section_out(tx: &TenantTx, case_id: i64, section: &SectionDef) -> Result<SectionOut> {
    let row = current_section(tx, case_id, section).await?;
    let by = row.as_ref().and_then(|r| r.updated_by);
    let names = crate::users::display_names(tx.conn(), by).await?;
    Ok(match row {
        None => SectionOut {
            code: section.code.into(),
            entries: vec![],
            version: 0,
            updated_at: None,
            updated_by_name: None,
        },
        Some(r) => SectionOut {
            code: section.code.into(),
            entries: parse_entries(&r.content)?,
            version: r.version,
            updated_at: Some(r.updated_at.to_rfc3339()),
            updated_by_name: by.and_then(|u| names.get(&u).cloned()),
        },
    })
}

/// A section's current entries (none when never recorded).
pub(crate) async fn current_entries(tx: &TenantTx, case_id: i64, section: &SectionDef) -> Result<Vec<Entry>> {
    match current_section(tx, case_id, section).await? {
        Some(row) => parse_entries(&row.content),
        None => Ok(vec![]),
    }
}

/// Writes the first version of a section of a new case, with its history entry.
pub(crate) async fn insert_section(
    tx: &TenantTx,
    user: UserId,
    case_id: i64,
    section: &SectionDef,
    entries: &[Entry],
) -> Result<()> {
    let content = serde_json::to_string(entries).map_err(|e| AppError::Internal(e.to_string()))?;
    let now = tx.now();
    tx.insert(case_section::ActiveModel {
        case_id: Set(case_id),
        section: Set(section.code.into()),
        content: Set(content.clone()),
        version: Set(1),
        updated_by: Set(Some(user.0)),
        updated_at: Set(now),
        ..Default::default()
    })
    .await?;
    tx.insert(case_section_change::ActiveModel {
        case_id: Set(case_id),
        section: Set(section.code.into()),
        version: Set(1),
        content: Set(content),
        changed_by: Set(Some(user.0)),
        changed_at: Set(now),
        ..Default::default()
    })
    .await?;
    Ok(())
}

pub(crate) async fn current_section(
    tx: &TenantTx,
    case_id: i64,
    section: &SectionDef,
) -> Result<Option<case_section::Model>> {
    Ok(tx
        .select::<case_section::Entity>()
        .filter(case_section::Column::CaseId.eq(case_id))
        .filter(case_section::Column::Section.eq(section.code))
        .one(tx.conn())
        .await?)
}

/// The named sections, checked: known codes the caller may open themselves (nobody hands
/// on what they cannot see), at least one; returned comma-separated in the record's order.
pub(crate) fn named_sections(v: &mut Validator, grant: &CaseGrant, codes: &[String]) -> String {
    if codes.iter().all(|c| c.trim().is_empty()) {
        v.issue("sections", "validation.required", vec![]);
    }
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match SECTIONS.iter().find(|s| s.code == code) {
            None => v.issue("sections", "validation.unknown_code", vec![]),
            Some(s) if !grant.may_open(s) => v.issue("sections", "validation.section_not_granted", vec![]),
            Some(_) => {}
        }
    }
    SECTIONS.iter().filter(|s| codes.iter().any(|c| c.trim() == s.code)).map(|s| s.code).collect::<Vec<_>>().join(",")
}

pub(crate) fn split_sections(text: &str) -> Vec<String> {
    text.split(',').filter(|c| !c.is_empty()).map(String::from).collect()
}

#[cfg(test)]
mod tests {
    /// `TenantTx::related` takes ids that rows name, not ids from requests: a typed id
    /// (`PersonId(..)`, `CaseId(..)`: what server functions and routes hand in) unwrapped
    /// into it anywhere but here would skip the rule above.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn request_ids_reach_related_only_through_this_module() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut dirs = vec![src];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.file_name().is_some_and(|n| n == "case_access.rs" || n == "tenancy.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if let Some(at) = line.find("related::<") {
                        let call = &line[at..];
                        let args = call.split_once(">(").map(|(_, a)| a).unwrap_or_default();
                        let arg = args.split(')').next().unwrap_or_default();
                        if arg.ends_with(".0") {
                            offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "resolve these through case_access:\n{}", offenders.join("\n"));
    }
}
