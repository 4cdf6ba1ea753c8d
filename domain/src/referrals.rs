//! Referring a case to a third-sector operator (invio al terzo settore). A worker of the
//! case names the organisation, the operator (a third-sector user of the tenant) and the
//! sections the operator needs; the operator accepts or declines; the case's workers may
//! end the referral at any time. While accepted, `CaseGrant::open` lets the operator open
//! the case, and `CaseGrant::may_open` only the named sections. Every step is audited on
//! the case.

use std::collections::HashMap;

use entity::{case_referral, membership, organization, person, social_case};
use sea_orm::{ColumnTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};
use types::referrals::{Choice, DecisionIn, HandoverChoices, HandoverStatus, ReferralIn, ReferralOut, TransferTarget};
use types::{CaseId, ReferralId, Role};

use crate::audit::{self, Action, Event};
use crate::authz::Permission;
use crate::case_access::{named_sections, role_of, split_sections, CaseGrant};
use crate::tenancy::TenantTx;
use crate::validate::Validator;
use crate::{AppError, Db, Result, TenantContext};

/// At most this many referrals in a list (an operator's, a case's).
const MAX_LISTED: u64 = 200;

/// Whom a case may be handed on to: the tenant's third-sector operators and
/// organisations, and the other municipalities and zones of the deployment.
pub async fn handover_choices(db: &Db, ctx: &TenantContext) -> Result<HandoverChoices> {
    ctx.require(Permission::WorkCases)?;
    let tx = ctx.begin(db).await?;
    let out = choices_in(&tx, ctx).await?;
    tx.commit().await?;
    Ok(out)
}

pub(crate) async fn choices_in(tx: &TenantTx, ctx: &TenantContext) -> Result<HandoverChoices> {
    let operator_ids: Vec<i64> = tx
        .select::<membership::Entity>()
        .filter(membership::Column::Role.eq(Role::ThirdSector.code()))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let names = crate::users::display_names(tx.conn(), operator_ids.iter().copied()).await?;
    let mut operators: Vec<Choice> =
        operator_ids.iter().map(|id| Choice { id: *id, name: names.get(id).cloned().unwrap_or_default() }).collect();
    operators.sort_by(|a, b| a.name.cmp(&b.name));
    let organizations = tx
        .select::<organization::Entity>()
        .order_by_asc(organization::Column::Name)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|o| Choice { id: o.id, name: o.name })
        .collect();
    let tenants = crate::tenants::transfer_targets(tx.conn(), ctx)
        .await?
        .into_iter()
        .map(|t| TransferTarget { slug: t.slug, name: t.name })
        .collect();
    Ok(HandoverChoices { operators, organizations, tenants })
}

/// Refers the case to a third-sector operator; it waits for their answer.
pub async fn refer(db: &Db, ctx: &TenantContext, id: CaseId, input: ReferralIn) -> Result<ReferralOut> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open_for_work(&tx, ctx, id).await?;
    if grant.case.closed_on.is_some() {
        return Err(AppError::Conflict("conflict.case_closed"));
    }
    let mut v = Validator::new();
    let organization = match input.organization_id {
        None => {
            v.issue("organization_id", "validation.required", vec![]);
            None
        }
        Some(o) => {
            let found = tx.get::<organization::Entity>(o.0).await.ok();
            if found.is_none() {
                v.issue("organization_id", "validation.unknown_code", vec![]);
            }
            found
        }
    };
    match input.user_id {
        None => v.issue("user_id", "validation.required", vec![]),
        Some(user) => {
            if role_of(&tx, user).await? != Some(Role::ThirdSector) {
                v.issue("user_id", "validation.not_an_operator", vec![]);
            } else if open_referral(&tx, grant.case.id, user.0).await?.is_some() {
                v.issue("user_id", "validation.already_referred", vec![]);
            }
        }
    }
    let sections = named_sections(&mut v, &grant, &input.sections);
    let reason = v.text("reason", &input.reason, 2000);
    v.finish()?;
    let (Some(organization), Some(user)) = (organization, input.user_id) else {
        return Err(AppError::NotFound);
    };
    let row = tx
        .insert(case_referral::ActiveModel {
            case_id: Set(grant.case.id),
            organization_id: Set(organization.id),
            user_id: Set(user.0),
            sections: Set(sections),
            reason: Set(reason),
            status: Set("pending".into()),
            sent_by: Set(Some(ctx.user().0)),
            sent_at: Set(tx.now()),
            ..Default::default()
        })
        .await?;
    grant.audit(&tx, ctx, Action::Create, Some("referral")).await?;
    let out = outs(&tx, vec![row], false).await?.pop().ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(out)
}

/// The operator's referral of the case that is pending or accepted, if any.
async fn open_referral(tx: &TenantTx, case_id: i64, user: i64) -> Result<Option<case_referral::Model>> {
    Ok(tx
        .select::<case_referral::Entity>()
        .filter(case_referral::Column::CaseId.eq(case_id))
        .filter(case_referral::Column::UserId.eq(user))
        .filter(case_referral::Column::Status.is_in([HandoverStatus::Pending.code(), HandoverStatus::Accepted.code()]))
        .one(tx.conn())
        .await?)
}

/// Ends a referral (withdrawn while pending, access taken back once accepted).
pub async fn end_referral(db: &Db, ctx: &TenantContext, id: CaseId, referral: ReferralId) -> Result<ReferralOut> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open_for_work(&tx, ctx, id).await?;
    let row = tx
        .select::<case_referral::Entity>()
        .filter(case_referral::Column::Id.eq(referral.0))
        .filter(case_referral::Column::CaseId.eq(grant.case.id))
        .one(tx.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    if !matches!(HandoverStatus::from_code(&row.status), Some(HandoverStatus::Pending | HandoverStatus::Accepted)) {
        return Err(AppError::Conflict("conflict.already_decided"));
    }
    let mut active = row.into_active_model();
    active.status = Set(HandoverStatus::Ended.code().into());
    let row = tx.update(active).await?;
    grant.audit(&tx, ctx, Action::Update, Some("referral")).await?;
    let out = outs(&tx, vec![row], false).await?.pop().ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(out)
}

/// The referrals of case `case_id`, newest first (the caller has opened the case).
pub(crate) async fn of_case(tx: &TenantTx, case_id: i64) -> Result<Vec<ReferralOut>> {
    let rows = tx
        .select::<case_referral::Entity>()
        .filter(case_referral::Column::CaseId.eq(case_id))
        .order_by_desc(case_referral::Column::Id)
        .limit(MAX_LISTED)
        .all(tx.conn())
        .await?;
    outs(tx, rows, false).await
}

/// The referrals made to the caller (a third-sector operator), newest first. The
/// person's name shows once the operator accepted.
pub async fn received_referrals(db: &Db, ctx: &TenantContext) -> Result<Vec<ReferralOut>> {
    ctx.require(Permission::ReceiveReferrals)?;
    let tx = ctx.begin(db).await?;
    let rows = tx
        .select::<case_referral::Entity>()
        .filter(case_referral::Column::UserId.eq(ctx.user().0))
        .order_by_desc(case_referral::Column::Id)
        .limit(MAX_LISTED)
        .all(tx.conn())
        .await?;
    let shown: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let event = Event::list("referral", &shown);
    let out = outs(&tx, rows, true).await?;
    audit::record(&tx, Some(ctx.user()), event).await?;
    tx.commit().await?;
    Ok(out)
}

/// The operator accepts or declines a referral made to them.
pub async fn decide_referral(
    db: &Db,
    ctx: &TenantContext,
    referral: ReferralId,
    input: DecisionIn,
) -> Result<ReferralOut> {
    ctx.require(Permission::ReceiveReferrals)?;
    let tx = ctx.begin(db).await?;
    let row = tx
        .select::<case_referral::Entity>()
        .filter(case_referral::Column::Id.eq(referral.0))
        .filter(case_referral::Column::UserId.eq(ctx.user().0))
        .one(tx.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    if row.status != HandoverStatus::Pending.code() {
        return Err(AppError::Conflict("conflict.already_decided"));
    }
    let mut v = Validator::new();
    let note = v.optional_text("note", input.note.as_deref(), 2000);
    v.finish()?;
    let case_id = row.case_id;
    let mut active = row.into_active_model();
    active.status = Set(if input.accept { HandoverStatus::Accepted } else { HandoverStatus::Declined }.code().into());
    active.decided_by = Set(Some(ctx.user().0));
    active.decided_at = Set(Some(tx.now()));
    active.decision_note = Set(note);
    let row = tx.update(active).await?;
    let event = Event {
        action: Action::Update,
        object_type: "case",
        object_id: Some(case_id),
        section: Some("referral"),
        listed: &[],
    };
    audit::record(&tx, Some(ctx.user()), event).await?;
    let out = outs(&tx, vec![row], true).await?.pop().ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(out)
}

/// Referral rows as the API gives them. `for_operator`: the person's name only where the
/// operator accepted.
async fn outs(tx: &TenantTx, rows: Vec<case_referral::Model>, for_operator: bool) -> Result<Vec<ReferralOut>> {
    let case_ids: Vec<i64> = rows.iter().map(|r| r.case_id).collect();
    let organization_ids: Vec<i64> = rows.iter().map(|r| r.organization_id).collect();
    let user_ids: Vec<i64> = rows.iter().flat_map(|r| [Some(r.user_id), r.sent_by]).flatten().collect();
    let cases: HashMap<i64, social_case::Model> = tx
        .select::<social_case::Entity>()
        .filter(social_case::Column::Id.is_in(case_ids))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let named: Vec<i64> = rows
        .iter()
        .filter(|r| !for_operator || r.status == HandoverStatus::Accepted.code())
        .filter_map(|r| cases.get(&r.case_id).map(|c| c.person_id))
        .collect();
    let persons: HashMap<i64, String> = tx
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(named))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.last_name, p.first_name)))
        .collect();
    let organizations: HashMap<i64, String> = tx
        .select::<organization::Entity>()
        .filter(organization::Column::Id.is_in(organization_ids))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let names = crate::users::display_names(tx.conn(), user_ids).await?;
    let name = |id: Option<i64>| id.and_then(|i| names.get(&i).cloned()).unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|r| {
            let case = cases.get(&r.case_id);
            ReferralOut {
                id: ReferralId(r.id),
                case_id: CaseId(r.case_id),
                area: case.map(|c| c.area.clone()).unwrap_or_default(),
                person_name: case.and_then(|c| persons.get(&c.person_id).cloned()),
                organization_name: organizations.get(&r.organization_id).cloned().unwrap_or_default(),
                operator_name: name(Some(r.user_id)),
                sections: split_sections(&r.sections),
                reason: r.reason,
                status: r.status,
                sent_by_name: name(r.sent_by),
                sent_at: r.sent_at.to_rfc3339(),
                decided_at: r.decided_at.map(|d| d.to_rfc3339()),
                decision_note: r.decision_note,
            }
        })
        .collect())
}
