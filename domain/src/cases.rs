//! Social cases (presa in carico) and the sections of their record (cartella sociale):
//! opening, editing and closing a case, who works on it, the list, the sections with
//! their history and the audit trail. Who may open a case and which sections is decided
//! once, by `case_access::CaseGrant`. Every read and write is audited.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use entity::{case_member, case_section, case_section_change, contact, membership, person, social_case};
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{ColumnTrait, Condition, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use types::cases::{
    self, AuditEntryOut, CaseAccessIn, CaseEdit, CaseIn, CaseMemberOut, CaseOut, CaseSearch, CaseStatus, CaseSummary,
    Entry, FieldKind, SectionChange, SectionDef, SectionIn, SectionOut, SectionSummary, CLOSING_REASONS, MAX_ENTRIES,
    SECTIONS,
};
use types::directory::AREAS;
use types::dto::Page;
use types::{fiscal, CaseId, PersonId, Role, UserId};

use crate::audit::{self, Action, Event};
use crate::authz::Permission;
use crate::case_access::{
    check_worker, current_section, day, insert_case, parse_entries, section_out, visible_person, CaseGrant, NewCase,
    OBJECT,
};
use crate::tenancy::TenantTx;
use crate::validate::Validator;
use crate::{AppError, Db, Result, TenantContext, PER_PAGE};

/// Opens a case for a person. A social worker opening it is its responsible worker; a
/// tenant admin names one. Coming from a front-desk contact, the contact is linked to the
/// person and its outcome becomes "case opened".
pub async fn create_case(db: &Db, ctx: &TenantContext, input: CaseIn) -> Result<CaseOut> {
    ctx.require(Permission::WorkCases)?;
    let tx = ctx.begin(db).await?;
    let mut v = Validator::new();
    let area = v.code("area", &input.area, &AREAS);
    let opened_on = v.date("opened_on", input.opened_on.as_deref(), true, tx.today()).unwrap_or_else(|| tx.today());
    // The person is resolved as reading them is: one the caller may not see is `NotFound`,
    // exactly as one that does not exist, and nothing is opened.
    let person = match input.person_id {
        None => {
            v.issue("person_id", "validation.required", vec![]);
            None
        }
        Some(id) => Some(visible_person(&tx, ctx, id).await?),
    };
    let responsible = match (ctx.role(), input.responsible_id) {
        (Role::SocialWorker, _) => ctx.user(),
        (_, Some(user)) => {
            check_worker(&tx, &mut v, "responsible_id", user).await?;
            user
        }
        (_, None) => {
            v.issue("responsible_id", "validation.required", vec![]);
            ctx.user()
        }
    };
    let contact = match input.contact_id {
        None => None,
        Some(id) => {
            let found = tx.get::<contact::Entity>(id.0).await.ok();
            if found.is_none() {
                v.issue("contact_id", "validation.unknown_code", vec![]);
            }
            found
        }
    };
    v.finish()?;
    let Some(person) = person else { return Err(AppError::NotFound) };

    let new = NewCase {
        contact_id: contact.as_ref().map(|c| c.id),
        ..NewCase::open(person.id, area, opened_on, responsible)
    };
    let case = insert_case(&tx, new, Some(ctx.user())).await?;
    let now = tx.now();
    if let Some(c) = contact {
        let mut row = c.into_active_model();
        row.person_id = Set(Some(person.id));
        row.outcome = Set("case_opened".into());
        row.updated_at = Set(now);
        tx.update(row).await?;
    }
    let grant = CaseGrant::open(&tx, ctx, CaseId(case.id)).await?;
    let out = case_out(&tx, ctx, &grant).await?;
    tx.commit().await?;
    Ok(out)
}

pub(crate) async fn case_out(tx: &TenantTx, ctx: &TenantContext, grant: &CaseGrant) -> Result<CaseOut> {
    let c = &grant.case;
    let person = tx.related::<person::Entity>(c.person_id).await?;
    let members = tx
        .select::<case_member::Entity>()
        .filter(case_member::Column::CaseId.eq(c.id))
        .order_by_desc(case_member::Column::Responsible)
        .order_by_asc(case_member::Column::Id)
        .all(tx.conn())
        .await?;
    let sections =
        tx.select::<case_section::Entity>().filter(case_section::Column::CaseId.eq(c.id)).all(tx.conn()).await?;
    let names = crate::users::display_names(
        tx.conn(),
        members.iter().map(|m| m.user_id).chain(sections.iter().filter_map(|s| s.updated_by)),
    )
    .await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let saved: HashMap<&str, &case_section::Model> = sections.iter().map(|s| (s.section.as_str(), s)).collect();
    Ok(CaseOut {
        id: CaseId(c.id),
        person: crate::persons::out(person),
        area: c.area.clone(),
        status: c.status.clone(),
        opened_on: day(c.opened_on),
        closed_on: c.closed_on.map(day),
        closing_reason: c.closing_reason.clone(),
        members: members
            .iter()
            .map(|m| CaseMemberOut {
                user_id: UserId(m.user_id),
                name: name(m.user_id),
                responsible: m.responsible,
                restricted: m.restricted,
            })
            .collect(),
        sections: SECTIONS
            .iter()
            .map(|s| {
                let row = saved.get(s.code);
                SectionSummary {
                    code: s.code.to_string(),
                    restricted: s.restricted,
                    readable: grant.may_open(s),
                    version: row.map_or(0, |r| r.version),
                    updated_at: row.map(|r| r.updated_at.to_rfc3339()),
                    updated_by_name: row.and_then(|r| r.updated_by).map(name),
                }
            })
            .collect(),
        can_manage_access: ctx.may(Permission::ManageCaseAccess),
        is_worker: grant.is_worker(),
        version: c.version,
    })
}

/// The case with its person, workers and the summary of its sections.
pub async fn get_case(db: &Db, ctx: &TenantContext, id: CaseId) -> Result<CaseOut> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open(&tx, ctx, id).await?;
    grant.audit(&tx, ctx, Action::Read, None).await?;
    let out = case_out(&tx, ctx, &grant).await?;
    tx.commit().await?;
    Ok(out)
}

/// Changes a case's area and dates, or closes it (closing date and reason).
pub async fn update_case(db: &Db, ctx: &TenantContext, id: CaseId, input: CaseEdit) -> Result<CaseOut> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open_for_work(&tx, ctx, id).await?;
    let Some(base) = input.version else {
        return Err(AppError::field("version", "validation.required"));
    };
    if base != grant.case.version {
        return Err(AppError::Conflict("conflict.stale_version"));
    }
    let mut v = Validator::new();
    let area = v.code("area", &input.area, &AREAS);
    let opened_on = v.date("opened_on", Some(&input.opened_on), true, tx.today());
    if input.opened_on.trim().is_empty() {
        v.issue("opened_on", "validation.required", vec![]);
    }
    let closed_on = v.date("closed_on", input.closed_on.as_deref(), true, tx.today());
    if let (Some(open), Some(close)) = (opened_on, closed_on) {
        if close < open {
            v.issue("closed_on", "validation.before_start", vec![]);
        }
    }
    let reason = input.closing_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let closing_reason = match (closed_on, reason) {
        (Some(_), None) => {
            v.issue("closing_reason", "validation.required", vec![]);
            None
        }
        (Some(_), Some(r)) => Some(v.code("closing_reason", r, CLOSING_REASONS)),
        (None, _) => None,
    };
    v.finish()?;
    let mut row = grant.case.clone().into_active_model();
    row.area = Set(area);
    row.opened_on = Set(opened_on.unwrap_or(grant.case.opened_on));
    row.closed_on = Set(closed_on);
    row.status = Set(if closed_on.is_some() { CaseStatus::Closed } else { CaseStatus::Open }.code().into());
    row.closing_reason = Set(closing_reason);
    save_case(&tx, row, base).await?;
    grant.audit(&tx, ctx, Action::Update, None).await?;
    let grant = CaseGrant::open(&tx, ctx, id).await?;
    let out = case_out(&tx, ctx, &grant).await?;
    tx.commit().await?;
    Ok(out)
}

/// Writes `row` as version `base + 1`, unless another save got there first.
async fn save_case(tx: &TenantTx, mut row: social_case::ActiveModel, base: i32) -> Result<()> {
    let id = row.id.clone().unwrap();
    row.version = Set(base + 1);
    row.updated_at = Set(tx.now());
    tx.save_versioned(row, id, base).await
}

/// Sets who works on a case (tenant admins only): the responsible worker and the others,
/// each with or without the restricted sections. Replaces the whole list.
pub async fn set_access(db: &Db, ctx: &TenantContext, id: CaseId, input: CaseAccessIn) -> Result<CaseOut> {
    ctx.require(Permission::ManageCaseAccess)?;
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open(&tx, ctx, id).await?;
    let mut v = Validator::new();
    let responsible = match input.responsible_id {
        Some(user) => {
            check_worker(&tx, &mut v, "responsible_id", user).await?;
            user
        }
        None => {
            v.issue("responsible_id", "validation.required", vec![]);
            UserId(grant.case.responsible_id)
        }
    };
    let mut seen = BTreeSet::new();
    for (i, m) in input.members.iter().enumerate() {
        let field = format!("members.{i}.user_id");
        match m.user_id {
            None => v.issue(&field, "validation.required", vec![]),
            Some(user) if !seen.insert(user) => v.issue(&field, "validation.duplicate", vec![]),
            Some(user) => check_worker(&tx, &mut v, &field, user).await?,
        }
    }
    v.finish()?;
    let restricted_of =
        |user: UserId| input.members.iter().find(|m| m.user_id == Some(user)).is_some_and(|m| m.restricted);
    let mut wanted: Vec<(UserId, bool)> = vec![(responsible, restricted_of(responsible))];
    wanted.extend(
        input.members.iter().filter_map(|m| m.user_id).filter(|u| *u != responsible).map(|u| (u, restricted_of(u))),
    );

    let now = tx.now();
    tx.delete::<case_member::Entity>().filter(case_member::Column::CaseId.eq(grant.case.id)).exec(tx.conn()).await?;
    for (user, restricted) in wanted {
        tx.insert(case_member::ActiveModel {
            case_id: Set(grant.case.id),
            user_id: Set(user.0),
            responsible: Set(user == responsible),
            restricted: Set(restricted),
            granted_by: Set(Some(ctx.user().0)),
            granted_at: Set(now),
            ..Default::default()
        })
        .await?;
    }
    if responsible.0 != grant.case.responsible_id {
        let mut row = grant.case.clone().into_active_model();
        row.responsible_id = Set(responsible.0);
        save_case(&tx, row, grant.case.version).await?;
    }
    grant.audit(&tx, ctx, Action::Update, Some("access")).await?;
    let grant = CaseGrant::open(&tx, ctx, id).await?;
    let out = case_out(&tx, ctx, &grant).await?;
    tx.commit().await?;
    Ok(out)
}

/// The cases open to the caller (all the tenant's for a tenant admin), newest first:
/// by name or codice fiscale, status, area, or only those the caller is responsible for.
pub async fn search_cases(db: &Db, ctx: &TenantContext, search: CaseSearch) -> Result<Page<CaseSummary>> {
    ctx.require(Permission::WorkCases)?;
    let mut v = Validator::new();
    let status = search.status.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if status.is_some_and(|s| CaseStatus::from_code(s).is_none()) {
        v.issue("status", "validation.unknown_code", vec![]);
    }
    let area = search.area.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if area.is_some_and(|a| !AREAS.contains(&a)) {
        v.issue("area", "validation.unknown_code", vec![]);
    }
    v.finish()?;
    let tx = ctx.begin(db).await?;
    let tenant = tx.tenant_id().0;
    let mut query = tx.select::<social_case::Entity>();
    // The responsible worker is always a member: "mine" needs no membership lookup.
    if ctx.role() != Role::TenantAdmin && !search.mine {
        query = query.filter(
            social_case::Column::Id.in_subquery(
                Query::select()
                    .column(case_member::Column::CaseId)
                    .from(case_member::Entity)
                    .and_where(case_member::Column::TenantId.eq(tenant))
                    .and_where(case_member::Column::UserId.eq(ctx.user().0))
                    .to_owned(),
            ),
        );
    }
    if search.mine {
        query = query.filter(social_case::Column::ResponsibleId.eq(ctx.user().0));
    }
    if let Some(person) = search.person_id {
        query = query.filter(social_case::Column::PersonId.eq(person.0));
    }
    if let Some(district) = search.district_id {
        query = query.filter(
            social_case::Column::PersonId.in_subquery(
                Query::select()
                    .column(person::Column::Id)
                    .from(person::Entity)
                    .and_where(person::Column::TenantId.eq(tenant))
                    .and_where(person::Column::DistrictId.eq(district.0))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = status {
        query = query.filter(social_case::Column::Status.eq(s));
    }
    if let Some(a) = area {
        query = query.filter(social_case::Column::Area.eq(a));
    }
    let words: Vec<&str> = search.q.as_deref().unwrap_or_default().split_whitespace().take(5).collect();
    if !words.is_empty() {
        let mut persons = Query::select();
        persons.column(person::Column::Id).from(person::Entity).and_where(person::Column::TenantId.eq(tenant));
        for word in words {
            let like = format!("%{}%", word.to_lowercase().replace(['%', '_'], ""));
            let lower = |c: person::Column| Expr::expr(Func::lower(Expr::col((person::Entity, c))));
            persons.cond_where(
                Condition::any()
                    .add(lower(person::Column::LastName).like(like.clone()))
                    .add(lower(person::Column::FirstName).like(like))
                    .add(person::Column::TaxCode.eq(fiscal::normalise(word))),
            );
        }
        query = query.filter(social_case::Column::PersonId.in_subquery(persons.to_owned()));
    }
    let page = crate::validate::page_number(search.page.unwrap_or(1))?;
    let paginator = query
        .order_by_desc(social_case::Column::OpenedOn)
        .order_by_desc(social_case::Column::Id)
        .paginate(tx.conn(), PER_PAGE);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page - 1).await?;
    let persons: HashMap<i64, person::Model> = tx
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(rows.iter().map(|c| c.person_id)))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let names = crate::users::display_names(tx.conn(), rows.iter().map(|c| c.responsible_id)).await?;
    let shown: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let event = Event::list(OBJECT, &shown);
    audit::record(&tx, Some(ctx.user()), event).await?;
    tx.commit().await?;
    let items = rows
        .into_iter()
        .map(|c| {
            let p = persons.get(&c.person_id);
            CaseSummary {
                id: CaseId(c.id),
                person_id: PersonId(c.person_id),
                person_name: p.map(|p| format!("{} {}", p.last_name, p.first_name)).unwrap_or_default(),
                tax_code: p.and_then(|p| p.tax_code.clone()),
                area: c.area,
                status: c.status,
                opened_on: day(c.opened_on),
                responsible_name: names.get(&c.responsible_id).cloned().unwrap_or_default(),
            }
        })
        .collect();
    Ok(Page { items, total, page, per_page: PER_PAGE })
}

/// The staff who may work on cases (social workers and tenant admins), by name: the
/// choices for the responsible worker and for access.
pub async fn workers(db: &Db, ctx: &TenantContext) -> Result<Vec<CaseMemberOut>> {
    ctx.require(Permission::WorkCases)?;
    let tx = ctx.begin(db).await?;
    let out = workers_in(&tx).await?;
    tx.commit().await?;
    Ok(out)
}

pub(crate) async fn workers_in(tx: &TenantTx) -> Result<Vec<CaseMemberOut>> {
    let ids: Vec<i64> = tx
        .select::<membership::Entity>()
        .filter(membership::Column::Role.is_in([Role::SocialWorker.code(), Role::TenantAdmin.code()]))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let names = crate::users::display_names(tx.conn(), ids.iter().copied()).await?;
    let mut out: Vec<CaseMemberOut> = ids
        .into_iter()
        .map(|id| CaseMemberOut {
            user_id: UserId(id),
            name: names.get(&id).cloned().unwrap_or_default(),
            responsible: false,
            restricted: false,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.user_id.cmp(&b.user_id)));
    Ok(out)
}

/// Who did what to the case and its person, newest first (tenant admins). Looking at the
/// trail is itself recorded.
pub async fn audit_trail(db: &Db, ctx: &TenantContext, id: CaseId) -> Result<Vec<AuditEntryOut>> {
    ctx.require(Permission::ManageCaseAccess)?;
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open(&tx, ctx, id).await?;
    let mut entries = audit::trail(&tx, OBJECT, grant.case.id).await?;
    entries.extend(audit::trail(&tx, "person", grant.case.person_id).await?);
    entries.sort_by_key(|e| std::cmp::Reverse(e.seq));
    let names = crate::users::display_names(tx.conn(), entries.iter().filter_map(|e| e.user_id)).await?;
    grant.audit(&tx, ctx, Action::Read, Some("audit")).await?;
    tx.commit().await?;
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

/// A section's current content (empty, version 0, when never recorded).
pub async fn get_section(db: &Db, ctx: &TenantContext, id: CaseId, code: &str) -> Result<SectionOut> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open(&tx, ctx, id).await?;
    let section = grant.section(&tx, code)?;
    grant.audit(&tx, ctx, Action::Read, Some(section.code)).await?;
    let out = section_out(&tx, grant.case.id, section).await?;
    tx.commit().await?;
    Ok(out)
}

/// Checks a section's entries against its description and returns them in canonical
/// form: blank entries dropped, amounts as `1234.50`, every problem named by
/// `entries.{i}.{field}`.
pub fn validate_entries(section: &SectionDef, entries: Vec<Entry>, today: NaiveDate) -> Result<Vec<Entry>> {
    let mut v = Validator::new();
    let entries: Vec<Entry> = entries
        .into_iter()
        .map(|e| e.into_iter().map(|(k, val)| (k, val.trim().to_string())).filter(|(_, val)| !val.is_empty()).collect())
        .filter(|e: &Entry| !e.is_empty())
        .collect();
    let most = if section.repeated { MAX_ENTRIES } else { 1 };
    if entries.len() > most {
        v.issue("entries", "validation.too_many_entries", vec![("max", most.to_string())]);
    }
    let mut clean = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        let mut out = Entry::new();
        for (name, value) in entry {
            let field = format!("entries.{i}.{name}");
            let Some(def) = section.field(&name) else {
                v.issue(&field, "validation.unknown_field", vec![]);
                continue;
            };
            let value = match def.kind {
                FieldKind::Text => {
                    v.optional_text(&field, Some(&value), 200);
                    value
                }
                FieldKind::Notes => {
                    v.optional_text(&field, Some(&value), 4000);
                    value
                }
                FieldKind::Code(_, codes) => v.code(&field, &value, codes),
                FieldKind::Money => match cases::parse_euros(&value) {
                    Some(cents) => cases::format_cents(cents),
                    None => {
                        v.issue(&field, "validation.amount", vec![]);
                        value
                    }
                },
                FieldKind::Date { past } => v.date(&field, Some(&value), past, today).map(day).unwrap_or(value),
                FieldKind::Count => match value.parse::<u8>() {
                    Ok(n) if n <= 99 => n.to_string(),
                    _ => {
                        v.issue(&field, "validation.range", vec![("min", "0".into()), ("max", "99".into())]);
                        value
                    }
                },
            };
            out.insert(name, value);
        }
        clean.push(out);
    }
    v.finish()?;
    Ok(clean)
}

/// Saves a section: all its entries, as an edit of `input.version` (0 for the first
/// save). A save in between is a conflict, never overwritten. Each save is kept in the
/// section's history.
pub async fn save_section(
    db: &Db,
    ctx: &TenantContext,
    id: CaseId,
    code: &str,
    input: SectionIn,
) -> Result<SectionOut> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open(&tx, ctx, id).await?;
    let section = grant.section(&tx, code)?;
    // A closed case's record is kept as it was; reopening it (clearing the closing date) comes first.
    if grant.case.closed_on.is_some() {
        return Err(AppError::Conflict("conflict.case_closed"));
    }
    let Some(base) = input.version else {
        return Err(AppError::field("version", "validation.required"));
    };
    let entries = validate_entries(section, input.entries, tx.today())?;
    let content = serde_json::to_string(&entries).map_err(|e| AppError::Internal(e.to_string()))?;
    let now = tx.now();
    let current = current_section(&tx, grant.case.id, section).await?;
    let version = match current {
        None if base == 0 => {
            let row = case_section::ActiveModel {
                case_id: Set(grant.case.id),
                section: Set(section.code.into()),
                content: Set(content.clone()),
                version: Set(1),
                updated_by: Set(Some(ctx.user().0)),
                updated_at: Set(now),
                ..Default::default()
            };
            // A first save racing another first save hits the unique index: a conflict.
            tx.insert(row).await.map_err(|_| AppError::Conflict("conflict.stale_version"))?;
            1
        }
        Some(row) if row.version == base => {
            let id = row.id;
            let mut row = row.into_active_model();
            row.content = Set(content.clone());
            row.version = Set(base + 1);
            row.updated_by = Set(Some(ctx.user().0));
            row.updated_at = Set(now);
            tx.save_versioned(row, id, base).await?;
            base + 1
        }
        _ => return Err(AppError::Conflict("conflict.stale_version")),
    };
    tx.insert(case_section_change::ActiveModel {
        case_id: Set(grant.case.id),
        section: Set(section.code.into()),
        version: Set(version),
        content: Set(content),
        changed_by: Set(Some(ctx.user().0)),
        changed_at: Set(now),
        ..Default::default()
    })
    .await?;
    grant.audit(&tx, ctx, Action::Update, Some(section.code)).await?;
    let out = section_out(&tx, grant.case.id, section).await?;
    tx.commit().await?;
    Ok(out)
}

/// Every save of a section, newest first, with the fields each one changed.
pub async fn section_history(db: &Db, ctx: &TenantContext, id: CaseId, code: &str) -> Result<Vec<SectionChange>> {
    let tx = ctx.begin(db).await?;
    let grant = CaseGrant::open(&tx, ctx, id).await?;
    let section = grant.section(&tx, code)?;
    let rows = tx
        .select::<case_section_change::Entity>()
        .filter(case_section_change::Column::CaseId.eq(grant.case.id))
        .filter(case_section_change::Column::Section.eq(section.code))
        .order_by_asc(case_section_change::Column::Version)
        .limit(500)
        .all(tx.conn())
        .await?;
    let names = crate::users::display_names(tx.conn(), rows.iter().filter_map(|r| r.changed_by)).await?;
    grant.audit(&tx, ctx, Action::Read, Some(section.code)).await?;
    tx.commit().await?;
    let mut before: Vec<Entry> = vec![];
    let mut changes = Vec::with_capacity(rows.len());
    for r in rows {
        let entries = parse_entries(&r.content)?;
        changes.push(SectionChange {
            version: r.version,
            changed_at: r.changed_at.to_rfc3339(),
            changed_by_name: r.changed_by.and_then(|u| names.get(&u).cloned()).unwrap_or_default(),
            fields: changed_fields(section, &before, &entries),
            entries: entries.clone(),
        });
        before = entries;
    }
    changes.reverse();
    Ok(changes)
}

/// The fields (in the section's order) whose value differs in any entry.
fn changed_fields(section: &SectionDef, before: &[Entry], after: &[Entry]) -> Vec<String> {
    let n = before.len().max(after.len());
    section
        .fields
        .iter()
        .filter(|f| {
            (0..n).any(|i| before.get(i).and_then(|e| e.get(f.name)) != after.get(i).and_then(|e| e.get(f.name)))
        })
        .map(|f| f.name.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(pairs: &[(&str, &str)]) -> Entry {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn fields(err: AppError) -> Vec<(String, &'static str)> {
        match err {
            AppError::Validation(issues) => issues.into_iter().map(|i| (i.field, i.key)).collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn entries_are_checked_field_by_field() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let socio = cases::section("socio_economic").unwrap();
        let ok = validate_entries(
            socio,
            vec![entry(&[("isee", "12.300,5"), ("isee_expiry", "2027-01-15"), ("work", "retired"), ("notes", "  ")])],
            today,
        )
        .unwrap();
        assert_eq!(ok, vec![entry(&[("isee", "12300.50"), ("isee_expiry", "2027-01-15"), ("work", "retired")])]);

        let bad =
            validate_entries(socio, vec![entry(&[("isee", "-4"), ("work", "astronaut"), ("colour", "red")])], today);
        assert_eq!(
            fields(bad.unwrap_err()),
            [
                ("entries.0.colour".to_string(), "validation.unknown_field"),
                ("entries.0.isee".to_string(), "validation.amount"),
                ("entries.0.work".to_string(), "validation.unknown_code"),
            ]
        );
        // One entry only in a single section; acts may not be dated in the future.
        let two = validate_entries(socio, vec![entry(&[("work", "retired")]), entry(&[("work", "student")])], today);
        assert_eq!(fields(two.unwrap_err()), [("entries".to_string(), "validation.too_many_entries")]);
        let judicial = cases::section("judicial").unwrap();
        let future = validate_entries(judicial, vec![entry(&[("act", "sentence"), ("date", "2027-01-01")])], today);
        assert_eq!(fields(future.unwrap_err()), [("entries.0.date".to_string(), "validation.future_date")]);
        // Blank entries (an empty row of the form) are dropped.
        let needs = cases::section("needs").unwrap();
        assert_eq!(
            validate_entries(needs, vec![entry(&[("need", "housing")]), entry(&[("notes", " ")])], today)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn history_names_the_changed_fields() {
        let needs = cases::section("needs").unwrap();
        let a = vec![entry(&[("need", "housing")])];
        let b = vec![entry(&[("need", "housing"), ("notes", "sfratto")]), entry(&[("need", "work")])];
        assert_eq!(changed_fields(needs, &[], &a), ["need"]);
        assert_eq!(changed_fields(needs, &a, &b), ["need", "notes"]);
        assert!(changed_fields(needs, &b, &b).is_empty());
    }
}
