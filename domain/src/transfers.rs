//! Transferring a case to another tenant (the person moved to another comune, or the
//! case belongs to the zone). A worker of the case proposes it to a municipality or zone
//! with the sections to hand over; the proposal carries the person and those sections.
//! The receiving tenant's admin sees who is proposed and accepts — the person (found by
//! codice fiscale, or recorded) gets a new case there with the sections copied — or
//! declines. Either way the copy held in the proposal is dropped, and the decision is
//! recorded in both tenants' audit chains. The sending case stays as it is, for its
//! workers to close ("transferred") once the other side accepted.

use std::collections::{BTreeMap, HashMap};

use entity::{case_transfer, person, tenant};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use types::cases::{self, Entry};
use types::persons::PersonIn;
use types::referrals::{DecisionIn, HandoverStatus, TransferIn, TransferOut, TransferPerson};
use types::{CaseId, TransferId, UserId};

use crate::audit::{self, Action, Event};
use crate::authz::Permission;
use crate::case_access::{
    check_worker, current_entries, day, insert_case, insert_section, named_sections, split_sections, CaseGrant, NewCase,
};
use crate::tenancy::TenantTx;
use crate::validate::Validator;
use crate::{AppError, Db, Result, TenantContext};

/// What a pending transfer carries to the receiving tenant.
#[derive(Serialize, Deserialize)]
struct Payload {
    person: PersonIn,
    /// Section code → its entries.
    sections: BTreeMap<String, Vec<Entry>>,
}

/// Proposes the case to another tenant; it waits for that tenant's answer.
pub async fn propose_transfer(db: &Db, ctx: &TenantContext, id: CaseId, input: TransferIn) -> Result<TransferOut> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open_for_work(&tx, ctx, id).await?;
    if grant.case.closed_on.is_some() {
        return Err(AppError::Conflict("conflict.case_closed"));
    }
    let mut v = Validator::new();
    let wanted = input.to_tenant.trim();
    let target = crate::tenants::transfer_targets(tx.conn(), ctx).await?.into_iter().find(|t| t.slug == wanted);
    let target = match target {
        _ if wanted.is_empty() => {
            v.issue("to_tenant", "validation.required", vec![]);
            None
        }
        Some(t) => Some(t),
        None => {
            v.issue("to_tenant", "validation.unknown_code", vec![]);
            None
        }
    };
    let pending = tx
        .select::<case_transfer::Entity>()
        .filter(case_transfer::Column::CaseId.eq(grant.case.id))
        .filter(case_transfer::Column::Status.eq(HandoverStatus::Pending.code()))
        .one(tx.conn())
        .await?;
    if pending.is_some() {
        v.issue("to_tenant", "validation.already_proposed", vec![]);
    }
    let sections = named_sections(&mut v, &grant, &input.sections);
    let reason = v.text("reason", &input.reason, 2000);
    v.finish()?;
    let target = target.ok_or(AppError::NotFound)?;

    let p = tx.related::<person::Entity>(grant.case.person_id).await?;
    let mut copied = BTreeMap::new();
    for code in split_sections(&sections) {
        let section = cases::section(&code).ok_or(AppError::NotFound)?;
        copied.insert(code, current_entries(&tx, grant.case.id, section).await?);
    }
    let payload = Payload {
        person: PersonIn {
            first_name: p.first_name,
            last_name: p.last_name,
            tax_code: p.tax_code,
            birth_date: p.birth_date.map(day),
            birth_place: p.birth_place,
            sex: p.sex,
            citizenship: Some(p.citizenship),
            country: p.country,
            address: p.address,
            district_id: None,
            phone: p.phone,
            email: p.email,
            confirm_duplicate: true,
            version: None,
        },
        sections: copied,
    };
    let payload = serde_json::to_string(&payload).map_err(|e| AppError::Internal(e.to_string()))?;
    let row = tx
        .insert(case_transfer::ActiveModel {
            to_tenant_id: Set(target.id),
            case_id: Set(grant.case.id),
            area: Set(grant.case.area.clone()),
            sections: Set(sections),
            reason: Set(reason),
            payload: Set(Some(payload)),
            status: Set("pending".into()),
            sent_by: Set(Some(ctx.user().0)),
            sent_at: Set(tx.now()),
            ..Default::default()
        })
        .await?;
    grant.audit(&tx, ctx, Action::Create, Some("transfer")).await?;
    let out = outs(&tx, vec![row], Side::Sending).await?.pop().ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(out)
}

/// The transfers of a case, as its (sending) workers see them.
pub(crate) async fn of_case(tx: &TenantTx, case_id: i64) -> Result<Vec<TransferOut>> {
    let rows = tx
        .select::<case_transfer::Entity>()
        .filter(case_transfer::Column::CaseId.eq(case_id))
        .order_by_desc(case_transfer::Column::Id)
        .limit(100)
        .all(tx.conn())
        .await?;
    outs(tx, rows, Side::Sending).await
}

/// Transfers proposed to this tenant, newest first (its admins). While one is pending
/// its person is shown, so the admin can decide and look for them among their own.
pub async fn incoming_transfers(db: &Db, ctx: &TenantContext) -> Result<Vec<TransferOut>> {
    ctx.require(Permission::ManageCaseAccess)?;
    let tx = ctx.begin(db).await?;
    let rows = tx.incoming_transfers().order_by_desc(case_transfer::Column::Id).limit(200).all(tx.conn()).await?;
    let shown: Vec<i64> = rows.iter().map(|t| t.id).collect();
    let event = Event::list("transfer", &shown);
    let out = outs(&tx, rows, Side::Receiving).await?;
    audit::record(&tx, Some(ctx.user()), event).await?;
    tx.commit().await?;
    Ok(out)
}

/// This tenant's admin accepts a transfer proposed to it (naming the responsible social
/// worker of the new case) or declines it.
pub async fn decide_transfer(db: &Db, ctx: &TenantContext, id: TransferId, input: DecisionIn) -> Result<TransferOut> {
    ctx.require(Permission::ManageCaseAccess)?;
    let mut tx = ctx.begin(db).await?;
    let transfer = tx
        .incoming_transfers()
        .filter(case_transfer::Column::Id.eq(id.0))
        .one(tx.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    if transfer.status != HandoverStatus::Pending.code() {
        return Err(AppError::Conflict("conflict.already_decided"));
    }
    let mut v = Validator::new();
    let note = v.optional_text("note", input.note.as_deref(), 2000);
    let responsible = match (input.accept, input.responsible_id) {
        (false, _) => None,
        (true, None) => {
            v.issue("responsible_id", "validation.required", vec![]);
            None
        }
        (true, Some(user)) => {
            check_worker(&tx, &mut v, "responsible_id", user).await?;
            Some(user)
        }
    };
    v.finish()?;

    let new_case = match responsible {
        None => None,
        Some(responsible) => Some(accept(&tx, ctx, &transfer, responsible).await?),
    };
    let row = case_transfer::ActiveModel {
        status: Set(if new_case.is_some() { HandoverStatus::Accepted } else { HandoverStatus::Declined }.code().into()),
        decided_by: Set(Some(ctx.user().0)),
        decided_at: Set(Some(tx.now())),
        decision_note: Set(note),
        new_case_id: Set(new_case),
        // The copy travelled (or is not wanted): the proposal keeps no personal data.
        payload: Set(None),
        ..Default::default()
    };
    if !tx.decide_incoming_transfer(transfer.id, row).await? {
        return Err(AppError::Conflict("conflict.already_decided"));
    }
    let event = match new_case {
        Some(case) => Event {
            action: Action::Update,
            object_type: "case",
            object_id: Some(case),
            section: Some("transfer"),
            listed: &[],
        },
        None => Event {
            action: Action::Update,
            object_type: "transfer",
            object_id: Some(transfer.id),
            section: None,
            listed: &[],
        },
    };
    audit::record(&tx, Some(ctx.user()), event).await?;
    // The sender's chain records the decision too, in the same transaction.
    let receiving = tx.enter_sender(&transfer).await?;
    let sender_event = Event {
        action: Action::Update,
        object_type: "case",
        object_id: Some(transfer.case_id),
        section: Some("transfer"),
        listed: &[],
    };
    let recorded = audit::record(&tx, Some(ctx.user()), sender_event).await;
    tx.leave_sender(receiving).await?;
    recorded?;
    let row = tx
        .incoming_transfers()
        .filter(case_transfer::Column::Id.eq(transfer.id))
        .one(tx.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let out = outs(&tx, vec![row], Side::Receiving).await?.pop().ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(out)
}

/// Opens the receiving tenant's case: the person found by codice fiscale or recorded
/// from the proposal, the named sections copied. Returns the new case's id.
async fn accept(
    tx: &TenantTx,
    ctx: &TenantContext,
    transfer: &case_transfer::Model,
    responsible: UserId,
) -> Result<i64> {
    // No copy left (withdrawn by an anonymisation): nothing to accept.
    let Some(text) = transfer.payload.as_deref() else { return Err(AppError::Conflict("conflict.already_decided")) };
    let payload: Payload =
        serde_json::from_str(text).map_err(|e| AppError::Internal(format!("transfer payload: {e}")))?;
    let known = match &payload.person.tax_code {
        Some(code) => {
            tx.select::<person::Entity>().filter(person::Column::TaxCode.eq(code.as_str())).one(tx.conn()).await?
        }
        None => None,
    };
    let person_id = match known {
        Some(p) => p.id,
        None => crate::persons::insert_person(tx, ctx, payload.person).await?.id.0,
    };
    let case =
        insert_case(tx, NewCase::open(person_id, transfer.area.clone(), tx.today(), responsible), Some(ctx.user()))
            .await?;
    for (code, entries) in &payload.sections {
        let section = cases::section(code).ok_or_else(|| AppError::Internal(format!("transfer section {code}")))?;
        if !entries.is_empty() {
            insert_section(tx, ctx.user(), case.id, section, entries).await?;
        }
    }
    Ok(case.id)
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Sending,
    Receiving,
}

async fn outs(tx: &TenantTx, rows: Vec<case_transfer::Model>, side: Side) -> Result<Vec<TransferOut>> {
    let tenant_ids: Vec<i64> = rows.iter().flat_map(|r| [r.tenant_id, r.to_tenant_id]).collect();
    let sender_ids: Vec<i64> = rows.iter().filter_map(|r| r.sent_by).collect();
    let tenants: HashMap<i64, String> = tenant::Entity::find()
        .filter(tenant::Column::Id.is_in(tenant_ids))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let names = crate::users::display_names(tx.conn(), sender_ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let person = match (side, &r.payload) {
            (Side::Receiving, Some(text)) if r.status == HandoverStatus::Pending.code() => {
                let p: Payload =
                    serde_json::from_str(text).map_err(|e| AppError::Internal(format!("transfer payload: {e}")))?;
                Some(TransferPerson {
                    first_name: p.person.first_name,
                    last_name: p.person.last_name,
                    tax_code: p.person.tax_code,
                    birth_date: p.person.birth_date,
                })
            }
            _ => None,
        };
        out.push(TransferOut {
            id: TransferId(r.id),
            from_tenant: tenants.get(&r.tenant_id).cloned().unwrap_or_default(),
            to_tenant: tenants.get(&r.to_tenant_id).cloned().unwrap_or_default(),
            case_id: (side == Side::Sending).then_some(CaseId(r.case_id)),
            area: r.area,
            person,
            sections: split_sections(&r.sections),
            reason: r.reason,
            status: r.status,
            sent_by_name: r.sent_by.and_then(|u| names.get(&u).cloned()).unwrap_or_default(),
            sent_at: r.sent_at.to_rfc3339(),
            decided_at: r.decided_at.map(|d| d.to_rfc3339()),
            decision_note: r.decision_note,
            new_case_id: (side == Side::Receiving).then_some(r.new_case_id.map(CaseId)).flatten(),
        });
    }
    Ok(out)
}
