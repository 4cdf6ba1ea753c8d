//! Persons of the social case record. The codice fiscale is checked (layout, check letter)
//! and compared with the stated birth date and sex; a person without one is allowed and
//! flagged. Creating a person with the codice fiscale, or the name and birth date, of one
//! already recorded in the tenant is refused with a warning until confirmed. A save based
//! on an old copy is refused, not merged. Every read and write is audited.
//!
//! Who may: social workers and tenant admins of a comune or zone (docs/ARCHITECTURE.md §4);
//! which persons each sees is decided in `case_access` (`visible_person`). The
//! duplicate warning still counts every person of the tenant: a second record of the same
//! person is worse than the hint that one exists.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{district, person};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, Condition, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use types::contacts::CITIZENSHIPS;
use types::dto::Page;
use types::fiscal::{self, Sex};
use types::persons::{PersonIn, PersonOut};
use types::{DistrictId, PersonId};

use crate::audit::{self, Action, Event};
use crate::authz::Permission;
use crate::case_access::{visible_person, visible_persons};
use crate::tenancy::TenantTx;
use crate::validate::Validator;
use crate::{AppError, Db, Result, TenantContext, PER_PAGE};

const OBJECT: &str = "person";

struct Valid {
    first_name: String,
    last_name: String,
    tax_code: Option<String>,
    birth_date: Option<NaiveDate>,
    sex: Option<String>,
    input: PersonIn,
}

async fn validate(tx: &TenantTx, input: PersonIn) -> Result<Valid> {
    let mut v = Validator::new();
    let first_name = v.text("first_name", &input.first_name, 80);
    let last_name = v.text("last_name", &input.last_name, 80);
    let tax_code = input.tax_code.as_deref().map(fiscal::normalise).filter(|c| !c.is_empty());
    if tax_code.as_deref().is_some_and(|c| c.len() != 16 || !fiscal::codice_fiscale_ok(c)) {
        v.issue("tax_code", "validation.person_tax_code", vec![]);
    }
    let birth_date = v.date("birth_date", input.birth_date.as_deref(), true, tx.today());
    let sex = match input.sex.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s @ ("F" | "M")) => Some(s.to_string()),
        Some(_) => {
            v.issue("sex", "validation.unknown_code", vec![]);
            None
        }
    };
    if let Some(code) = tax_code.as_deref() {
        use chrono::Datelike;
        let birth = birth_date.map(|d| (d.year(), d.month(), d.day()));
        let coded_sex = sex.as_deref().map(|s| if s == "F" { Sex::Female } else { Sex::Male });
        for field in fiscal::disagreements(code, birth, coded_sex) {
            v.issue(field, "validation.tax_code_disagrees", vec![]);
        }
    }
    let citizenship = input.citizenship.as_deref().map(str::trim).filter(|c| !c.is_empty()).unwrap_or("not_stated");
    if !CITIZENSHIPS.contains(&citizenship) {
        v.issue("citizenship", "validation.unknown_code", vec![]);
    }
    v.optional_text("birth_place", input.birth_place.as_deref(), 80);
    v.optional_text("country", input.country.as_deref(), 60);
    v.optional_text("address", input.address.as_deref(), 200);
    v.optional_text("phone", input.phone.as_deref(), 40);
    v.optional_email("email", input.email.as_deref());
    if let Some(id) = input.district_id {
        if tx.get::<district::Entity>(id.0).await.is_err() {
            v.issue("district_id", "validation.unknown_code", vec![]);
        }
    }
    v.finish()?;
    Ok(Valid { first_name, last_name, tax_code, birth_date, sex, input })
}

fn fill(row: &mut person::ActiveModel, valid: Valid, now: DateTime<Utc>) {
    let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let input = valid.input;
    let citizenship = clean(input.citizenship).unwrap_or_else(|| "not_stated".into());
    row.country = Set(if citizenship == "foreign" { clean(input.country) } else { None });
    row.first_name = Set(valid.first_name);
    row.last_name = Set(valid.last_name);
    row.tax_code = Set(valid.tax_code);
    row.birth_date = Set(valid.birth_date);
    row.birth_place = Set(clean(input.birth_place));
    row.sex = Set(valid.sex);
    row.citizenship = Set(citizenship);
    row.address = Set(clean(input.address));
    row.district_id = Set(input.district_id.map(|d| d.0));
    row.phone = Set(clean(input.phone));
    row.email = Set(clean(input.email).map(|e| crate::validate::normalise_email(&e)));
    row.updated_at = Set(now);
}

pub(crate) fn out(p: person::Model) -> PersonOut {
    PersonOut {
        id: PersonId(p.id),
        missing_tax_code: p.tax_code.is_none(),
        first_name: p.first_name,
        last_name: p.last_name,
        tax_code: p.tax_code,
        birth_date: p.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
        birth_place: p.birth_place,
        sex: p.sex,
        citizenship: p.citizenship,
        country: p.country,
        address: p.address,
        district_id: p.district_id.map(DistrictId),
        phone: p.phone,
        email: p.email,
        version: p.version,
    }
}

/// Ids of the persons of the tenant with the same codice fiscale, or the same name and
/// birth date (a few at most: the warning needs no more).
async fn duplicates(tx: &TenantTx, valid: &Valid) -> Result<Vec<i64>> {
    let lower = |c: person::Column| Expr::expr(Func::lower(Expr::col(c)));
    let mut same = Condition::any();
    if let Some(code) = &valid.tax_code {
        same = same.add(person::Column::TaxCode.eq(code.clone()));
    }
    if let Some(day) = valid.birth_date {
        same = same.add(
            Condition::all()
                .add(lower(person::Column::FirstName).eq(valid.first_name.to_lowercase()))
                .add(lower(person::Column::LastName).eq(valid.last_name.to_lowercase()))
                .add(person::Column::BirthDate.eq(day)),
        );
    }
    if same.is_empty() {
        return Ok(Vec::new());
    }
    let query = tx.select::<person::Entity>().filter(same).select_only().column(person::Column::Id);
    Ok(query.order_by_asc(person::Column::Id).limit(10).into_tuple().all(tx.conn()).await?)
}

pub async fn create_person(db: &Db, ctx: &TenantContext, input: PersonIn) -> Result<PersonOut> {
    ctx.require(Permission::ManagePersons)?;
    let tx = ctx.begin(db).await?;
    let out = insert_person(&tx, ctx, input).await?;
    tx.commit().await?;
    Ok(out)
}

/// Validates and records a person in `tx`, with the duplicate warning and its audit entry.
pub(crate) async fn insert_person(tx: &TenantTx, ctx: &TenantContext, input: PersonIn) -> Result<PersonOut> {
    let confirmed = input.confirm_duplicate;
    let valid = validate(tx, input).await?;
    if !confirmed {
        let matches = duplicates(tx, &valid).await?;
        if !matches.is_empty() {
            // The warning says such a person is on record, even one the caller may not
            // open: the check stands in the audit log though nothing is saved.
            audit::keep(tx, ctx.user(), Event { action: Action::Check, listed: &matches, ..Event::list(OBJECT, &[]) });
            return Err(AppError::Conflict("conflict.person_duplicate"));
        }
    }
    let now = tx.now();
    let mut row = person::ActiveModel { version: Set(1), created_at: Set(now), ..Default::default() };
    fill(&mut row, valid, tx.now());
    let saved = tx.insert(row).await?;
    let event =
        Event { action: Action::Create, object_type: OBJECT, object_id: Some(saved.id), section: None, listed: &[] };
    audit::record(tx, Some(ctx.user()), event).await?;
    Ok(out(saved))
}

/// Saves an edit made on `input.version`; a newer save in between is a conflict.
pub async fn update_person(db: &Db, ctx: &TenantContext, id: PersonId, input: PersonIn) -> Result<PersonOut> {
    ctx.require(Permission::ManagePersons)?;
    let tx = ctx.begin(db).await?;
    let current = visible_person(&tx, ctx, id).await?;
    let Some(base) = input.version else {
        return Err(AppError::field("version", "validation.required"));
    };
    if base != current.version {
        return Err(AppError::Conflict("conflict.stale_version"));
    }
    let valid = validate(&tx, input).await?;
    let version = current.version + 1;
    let person_id = current.id;
    let mut row = current.into_active_model();
    fill(&mut row, valid, tx.now());
    row.version = Set(version);
    tx.save_versioned(row, id.0, base).await?;
    let saved = tx.related::<person::Entity>(person_id).await?;
    let event =
        Event { action: Action::Update, object_type: OBJECT, object_id: Some(id.0), section: None, listed: &[] };
    audit::record(&tx, Some(ctx.user()), event).await?;
    tx.commit().await?;
    Ok(out(saved))
}

pub async fn get_person(db: &Db, ctx: &TenantContext, id: PersonId) -> Result<PersonOut> {
    ctx.require(Permission::ManagePersons)?;
    let tx = ctx.begin(db).await?;
    let row = visible_person(&tx, ctx, id).await?;
    let event = Event { action: Action::Read, object_type: OBJECT, object_id: Some(id.0), section: None, listed: &[] };
    audit::record(&tx, Some(ctx.user()), event).await?;
    tx.commit().await?;
    Ok(out(row))
}

/// Search by surname and name (words, in any order) or by codice fiscale.
pub async fn search_persons(db: &Db, ctx: &TenantContext, q: Option<&str>, page: u64) -> Result<Page<PersonOut>> {
    ctx.require(Permission::ManagePersons)?;
    let tx = ctx.begin(db).await?;
    let mut query = tx.select::<person::Entity>();
    if let Some(cond) = visible_persons(ctx, tx.tenant_id().0) {
        query = query.filter(cond);
    }
    for word in q.unwrap_or_default().split_whitespace().take(5) {
        let like = format!("%{}%", word.to_lowercase().replace(['%', '_'], ""));
        let lower = |c: person::Column| Expr::expr(Func::lower(Expr::col(c)));
        query = query.filter(
            Condition::any()
                .add(lower(person::Column::LastName).like(like.clone()))
                .add(lower(person::Column::FirstName).like(like.clone()))
                .add(person::Column::TaxCode.eq(fiscal::normalise(word))),
        );
    }
    let page = crate::validate::page_number(page)?;
    let paginator = query
        .order_by_asc(person::Column::LastName)
        .order_by_asc(person::Column::FirstName)
        .order_by_asc(person::Column::Id)
        .paginate(tx.conn(), PER_PAGE);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page - 1).await?;
    let shown: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let event = Event::list(OBJECT, &shown);
    audit::record(&tx, Some(ctx.user()), event).await?;
    tx.commit().await?;
    Ok(Page { items: rows.into_iter().map(out).collect(), total, page, per_page: PER_PAGE })
}
