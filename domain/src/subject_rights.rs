//! The rights of the person the data are about (GDPR arts. 15, 17, 20): an export of
//! everything the tenant holds about them, and erasure where the law allows.
//!
//! Social-service records must be kept for the service's legal duties, so a person who
//! was taken in charge is *anonymised*: who they are (names, codice fiscale, contacts,
//! address, exact birth date, household links) and the free text of their record go;
//! the coded facts that feed the statistics (area, sex, birth year, statuses, costs)
//! stay. Only a person never taken in charge (recorded by mistake, or a request that
//! went nowhere) can be *erased* outright. Both are tenant admins' acts, recorded in
//! the audit log (who, when, which); the request itself is filed where the
//! municipality files its correspondence.

use chrono::{Datelike, NaiveDate};
use entity::{
    assessment, care_plan, case_referral, case_section, case_section_change, case_transfer, contact, household_member,
    intervention, person, plan_event, social_case,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use types::cases::{AuditEntryOut, Entry, FieldKind, SECTIONS};
use types::persons::{CaseExport, ErasureIn, PersonExport, ERASURE_MODES};
use types::referrals::HandoverStatus;
use types::PersonId;

use crate::audit::{self, Action, Event};
use crate::authz::Permission;
use crate::case_access::visible_person;
use crate::tenancy::TenantTx;
use crate::validate::Validator;
use crate::{AppError, Db, Result, TenantContext};

/// What replaces free text that is erased.
const REDACTED: &str = "[anonimizzato]";

async fn accesses(tx: &TenantTx, person: i64, cases: &[i64]) -> Result<Vec<AuditEntryOut>> {
    let mut entries = audit::trail(tx, "person", person).await?;
    for c in cases {
        entries.extend(audit::trail(tx, "case", *c).await?);
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.seq));
    let names = crate::users::display_names(tx.conn(), entries.iter().filter_map(|e| e.user_id)).await?;
    Ok(entries
        .into_iter()
        .map(|e| AuditEntryOut {
            seq: e.seq,
            at: e.at.to_rfc3339(),
            user_name: e.user_id.and_then(|u| names.get(&u).cloned()).unwrap_or_default(),
            action: e.action,
            object: e.object_type,
            section: e.section,
        })
        .collect())
}

async fn cases_of(tx: &TenantTx, person: i64) -> Result<Vec<social_case::Model>> {
    Ok(tx
        .select::<social_case::Entity>()
        .filter(social_case::Column::PersonId.eq(person))
        .order_by_asc(social_case::Column::OpenedOn)
        .all(tx.conn())
        .await?)
}

fn record(action: Action, person: i64, section: &'static str) -> Event<'static> {
    Event { action, object_type: "person", object_id: Some(person), section: Some(section), listed: &[] }
}

/// Everything the tenant holds about person `id`, for the person (tenant admins).
pub async fn export_person(db: &Db, ctx: &TenantContext, id: PersonId) -> Result<PersonExport> {
    ctx.require(Permission::DataSubjectRights)?;
    let tx = ctx.begin(db).await?;
    let row = visible_person(&tx, ctx, id).await?;
    let cases = cases_of(&tx, row.id).await?;
    let names = crate::users::display_names(tx.conn(), cases.iter().map(|c| c.responsible_id)).await?;
    let mut exported = Vec::with_capacity(cases.len());
    for c in &cases {
        // Restricted sections (judicial acts, court) only for one holding that grant on the case.
        let grant = crate::case_access::CaseGrant::open(&tx, ctx, types::CaseId(c.id)).await?;
        let mut sections = Vec::new();
        for s in SECTIONS.iter().filter(|s| grant.may_open(s)) {
            let out = crate::case_access::section_out(&tx, c.id, s).await?;
            if out.version > 0 {
                sections.push(out);
            }
        }
        exported.push(CaseExport {
            id: types::CaseId(c.id),
            area: c.area.clone(),
            status: c.status.clone(),
            opened_on: crate::case_access::day(c.opened_on),
            closed_on: c.closed_on.map(crate::case_access::day),
            closing_reason: c.closing_reason.clone(),
            responsible_name: names.get(&c.responsible_id).cloned().unwrap_or_default(),
            sections,
            work: crate::plans::work_of(&tx, c.id).await?,
            handovers: crate::case_page::handovers_of(&tx, c.id).await?,
        });
    }
    let contacts = tx.select::<contact::Entity>().filter(contact::Column::PersonId.eq(row.id)).all(tx.conn()).await?;
    let contacts = crate::contacts::outs(&tx, contacts).await?;
    let household = crate::households::members_out(&tx, row.id).await?;
    let case_ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let accesses = accesses(&tx, row.id, &case_ids).await?;
    audit::record(&tx, Some(ctx.user()), record(Action::Export, row.id, "subject_access")).await?;
    let exported_at = tx.now().to_rfc3339();
    tx.commit().await?;
    Ok(PersonExport {
        exported_at,
        tenant: ctx.tenant().name.clone(),
        person: crate::persons::out(row),
        household,
        cases: exported,
        contacts,
        accesses,
    })
}

/// Keeps the coded values of a section's entries, drops the free text.
fn redact(content: &str, section: &str) -> String {
    let Some(def) = types::cases::section(section) else { return "[]".into() };
    let entries: Vec<Entry> = serde_json::from_str(content).unwrap_or_default();
    let kept: Vec<Entry> = entries
        .into_iter()
        .map(|e| {
            e.into_iter()
                .filter(|(k, _)| def.field(k).is_some_and(|f| !matches!(f.kind, FieldKind::Text | FieldKind::Notes)))
                .collect()
        })
        .collect();
    serde_json::to_string(&kept).unwrap_or_else(|_| "[]".into())
}

/// Erases person `id` (never taken in charge) or anonymises them (see the module docs).
pub async fn erase_person(db: &Db, ctx: &TenantContext, id: PersonId, input: ErasureIn) -> Result<()> {
    ctx.require(Permission::DataSubjectRights)?;
    let mut v = Validator::new();
    let mode = v.code("mode", &input.mode, ERASURE_MODES);
    v.finish()?;
    let tx = ctx.begin(db).await?;
    let row = visible_person(&tx, ctx, id).await?;
    let cases = cases_of(&tx, row.id).await?;
    if mode == "erase" && !cases.is_empty() {
        return Err(AppError::Conflict("conflict.erase_has_cases"));
    }
    // Contacts stay as anonymous counts; they no longer point at anyone.
    tx.update_many::<contact::Entity>()
        .col_expr(contact::Column::PersonId, Expr::value(Option::<i64>::None))
        .filter(contact::Column::PersonId.eq(row.id))
        .exec(tx.conn())
        .await?;
    tx.delete::<household_member::Entity>()
        .filter(
            sea_orm::Condition::any()
                .add(household_member::Column::PersonId.eq(row.id))
                .add(household_member::Column::MemberId.eq(row.id)),
        )
        .exec(tx.conn())
        .await?;
    if mode == "erase" {
        tx.delete::<person::Entity>().filter(person::Column::Id.eq(row.id)).exec(tx.conn()).await?;
        audit::record(&tx, Some(ctx.user()), record(Action::Delete, row.id, "erasure")).await?;
        tx.commit().await?;
        return Ok(());
    }
    anonymise(&tx, row, &cases).await?;
    audit::record(&tx, Some(ctx.user()), record(Action::Update, id.0, "anonymisation")).await?;
    tx.commit().await?;
    Ok(())
}

async fn anonymise(tx: &TenantTx, row: person::Model, cases: &[social_case::Model]) -> Result<()> {
    let year = row.birth_date.map(|d| d.year());
    let mut p = row.into_active_model();
    p.first_name = Set(REDACTED.into());
    p.last_name = Set(REDACTED.into());
    p.tax_code = Set(None);
    // The birth year stays for the age statistics.
    p.birth_date = Set(year.and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)));
    p.birth_place = Set(None);
    p.country = Set(None);
    p.address = Set(None);
    p.phone = Set(None);
    p.email = Set(None);
    p.updated_at = Set(tx.now());
    let version = match &p.version {
        sea_orm::ActiveValue::Unchanged(v) | sea_orm::ActiveValue::Set(v) => *v + 1,
        _ => 1,
    };
    p.version = Set(version);
    tx.update(p).await?;
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    for s in tx
        .select::<case_section::Entity>()
        .filter(case_section::Column::CaseId.is_in(ids.clone()))
        .all(tx.conn())
        .await?
    {
        let content = redact(&s.content, &s.section);
        let mut m = s.into_active_model();
        m.content = Set(content);
        tx.update(m).await?;
    }
    for s in tx
        .select::<case_section_change::Entity>()
        .filter(case_section_change::Column::CaseId.is_in(ids.clone()))
        .all(tx.conn())
        .await?
    {
        let content = redact(&s.content, &s.section);
        let mut m = s.into_active_model();
        m.content = Set(content);
        tx.update(m).await?;
    }
    let text = |c| Expr::value(c);
    tx.update_many::<assessment::Entity>()
        .col_expr(assessment::Column::Problems, text(REDACTED))
        .col_expr(assessment::Column::Resources, text(REDACTED))
        .col_expr(assessment::Column::Summary, text(REDACTED))
        .col_expr(assessment::Column::Proposals, text(REDACTED))
        .filter(assessment::Column::CaseId.is_in(ids.clone()))
        .exec(tx.conn())
        .await?;
    let plan_ids: Vec<i64> = tx
        .select::<care_plan::Entity>()
        .filter(care_plan::Column::CaseId.is_in(ids.clone()))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    tx.update_many::<care_plan::Entity>()
        .col_expr(care_plan::Column::Goals, text(REDACTED))
        .col_expr(care_plan::Column::Planned, text(REDACTED))
        .col_expr(care_plan::Column::Responsibilities, text(REDACTED))
        .filter(care_plan::Column::Id.is_in(plan_ids.clone()))
        .exec(tx.conn())
        .await?;
    tx.update_many::<plan_event::Entity>()
        .col_expr(plan_event::Column::Note, Expr::value(Option::<String>::None))
        .filter(plan_event::Column::PlanId.is_in(plan_ids))
        .exec(tx.conn())
        .await?;
    tx.update_many::<intervention::Entity>()
        .col_expr(intervention::Column::Description, Expr::value(Option::<String>::None))
        .filter(intervention::Column::CaseId.is_in(ids.clone()))
        .exec(tx.conn())
        .await?;
    // Referrals and transfers keep who, when and which sections; their words and any
    // copy still waiting for the other tenant go.
    tx.update_many::<case_referral::Entity>()
        .col_expr(case_referral::Column::Reason, text(REDACTED))
        .col_expr(case_referral::Column::DecisionNote, Expr::value(Option::<String>::None))
        .filter(case_referral::Column::CaseId.is_in(ids.clone()))
        .exec(tx.conn())
        .await?;
    tx.update_many::<case_transfer::Entity>()
        .col_expr(case_transfer::Column::Reason, text(REDACTED))
        .col_expr(case_transfer::Column::DecisionNote, Expr::value(Option::<String>::None))
        .col_expr(case_transfer::Column::Payload, Expr::value(Option::<String>::None))
        .filter(case_transfer::Column::CaseId.is_in(ids.clone()))
        .exec(tx.conn())
        .await?;
    // A proposal whose copy is gone can no longer be accepted: it is withdrawn.
    tx.update_many::<case_transfer::Entity>()
        .col_expr(case_transfer::Column::Status, Expr::value(HandoverStatus::Ended.code()))
        .filter(case_transfer::Column::CaseId.is_in(ids))
        .filter(case_transfer::Column::Status.eq(HandoverStatus::Pending.code()))
        .exec(tx.conn())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn redaction_keeps_codes_only() {
        let content = r#"[{"need":"housing","notes":"Sfratto in via Roma 3"}]"#;
        assert_eq!(super::redact(content, "needs"), r#"[{"need":"housing"}]"#);
        let content = r#"[{"kind":"family","who":"Sorella Anna","state":"active"}]"#;
        assert_eq!(super::redact(content, "support_network"), r#"[{"kind":"family","state":"active"}]"#);
    }
}
