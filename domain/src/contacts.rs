//! The front desk's contact log (sportello sociale): who came, how, for what, and how it
//! ended — anonymous, for the counts by channel, area, age band and request that the
//! service reports. Every write and every look at the log is in the audit log.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{contact, district};
use sea_orm::{ColumnTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set};
use types::contacts::{
    ContactIn, ContactOut, ContactSearch, AGE_BANDS, CHANNELS, CITIZENSHIPS, GENDERS, OUTCOMES, REQUEST_TYPES,
};
use types::directory::AREAS;
use types::dto::Page;
use types::{ContactId, DistrictId, UserId};

use crate::audit::{self, Action, Event};
use crate::authz::Permission;
use crate::tenancy::TenantTx;
use crate::validate::Validator;
use crate::{Db, Result, TenantContext, PER_PAGE};

const OBJECT: &str = "contact";

/// A valid, normalised contact.
struct Valid {
    contacted_on: NaiveDate,
    fields: ContactIn,
}

/// Checks every field, all problems at once; the district must be the tenant's.
async fn validate(tx: &TenantTx, input: ContactIn) -> Result<Valid> {
    let mut v = Validator::new();
    let today = tx.today();
    let contacted_on = v.date("contacted_on", input.contacted_on.as_deref(), true, today).unwrap_or(today);
    v.code("channel", &input.channel, &CHANNELS);
    v.code("area", &input.area, &AREAS);
    v.code("age_band", &input.age_band, &AGE_BANDS);
    v.code("gender", &input.gender, &GENDERS);
    v.code("citizenship", &input.citizenship, &CITIZENSHIPS);
    v.code("request_type", &input.request_type, &REQUEST_TYPES);
    v.code("outcome", &input.outcome, &OUTCOMES);
    // A country only says something for a foreign citizen.
    let country = if input.citizenship.trim() == "foreign" {
        v.optional_text("country", input.country.as_deref(), 60)
    } else {
        None
    };
    if let Some(id) = input.district_id {
        if tx.get::<district::Entity>(id.0).await.is_err() {
            v.issue("district_id", "validation.unknown_code", vec![]);
        }
    }
    v.finish()?;
    let trim = |s: &str| s.trim().to_string();
    Ok(Valid {
        contacted_on,
        fields: ContactIn {
            contacted_on: None,
            channel: trim(&input.channel),
            district_id: input.district_id,
            area: trim(&input.area),
            age_band: trim(&input.age_band),
            gender: trim(&input.gender),
            citizenship: trim(&input.citizenship),
            country,
            request_type: trim(&input.request_type),
            outcome: trim(&input.outcome),
        },
    })
}

fn fill(model: &mut contact::ActiveModel, valid: Valid, now: DateTime<Utc>) {
    let f = valid.fields;
    model.contacted_on = Set(valid.contacted_on);
    model.channel = Set(f.channel);
    model.district_id = Set(f.district_id.map(|d| d.0));
    model.area = Set(f.area);
    model.age_band = Set(f.age_band);
    model.gender = Set(f.gender);
    model.citizenship = Set(f.citizenship);
    model.country = Set(f.country);
    model.request_type = Set(f.request_type);
    model.outcome = Set(f.outcome);
    model.updated_at = Set(now);
}

/// The names that go with contacts: their districts' and their recorders'.
pub(crate) async fn outs(tx: &TenantTx, rows: Vec<contact::Model>) -> Result<Vec<ContactOut>> {
    let districts: HashMap<i64, String> =
        tx.select::<district::Entity>().all(tx.conn()).await?.into_iter().map(|d| (d.id, d.name)).collect();
    let users = crate::users::display_names(tx.conn(), rows.iter().filter_map(|c| c.recorded_by)).await?;
    Ok(rows
        .into_iter()
        .map(|c| ContactOut {
            id: ContactId(c.id),
            contacted_on: c.contacted_on.format("%Y-%m-%d").to_string(),
            channel: c.channel,
            district_name: c.district_id.and_then(|d| districts.get(&d).cloned()),
            district_id: c.district_id.map(DistrictId),
            area: c.area,
            age_band: c.age_band,
            gender: c.gender,
            citizenship: c.citizenship,
            country: c.country,
            request_type: c.request_type,
            outcome: c.outcome,
            recorded_by: UserId(c.recorded_by.unwrap_or_default()),
            recorded_by_name: c.recorded_by.and_then(|u| users.get(&u).cloned()).unwrap_or_default(),
            person_id: c.person_id.map(types::PersonId),
            created_at: c.created_at.to_rfc3339(),
        })
        .collect())
}

async fn one_out(tx: &TenantTx, row: contact::Model) -> Result<ContactOut> {
    outs(tx, vec![row]).await?.pop().ok_or(crate::AppError::NotFound)
}

/// Logs a contact; the recorder is the signed-in user.
pub async fn log_contact(db: &Db, ctx: &TenantContext, input: ContactIn) -> Result<ContactOut> {
    ctx.require(Permission::LogContacts)?;
    let tx = ctx.begin(db).await?;
    let valid = validate(&tx, input).await?;
    let now = tx.now();
    let mut row =
        contact::ActiveModel { recorded_by: Set(Some(ctx.user().0)), created_at: Set(now), ..Default::default() };
    fill(&mut row, valid, tx.now());
    let saved = tx.insert(row).await?;
    let event =
        Event { action: Action::Create, object_type: OBJECT, object_id: Some(saved.id), section: None, listed: &[] };
    audit::record(&tx, Some(ctx.user()), event).await?;
    let out = one_out(&tx, saved).await?;
    tx.commit().await?;
    Ok(out)
}

/// Corrects a contact of this tenant.
pub async fn update_contact(db: &Db, ctx: &TenantContext, id: ContactId, input: ContactIn) -> Result<ContactOut> {
    ctx.require(Permission::LogContacts)?;
    let tx = ctx.begin(db).await?;
    let current = tx.get::<contact::Entity>(id.0).await?;
    let valid = validate(&tx, input).await?;
    let mut row = current.into_active_model();
    fill(&mut row, valid, tx.now());
    let saved = tx.update(row).await?;
    let event =
        Event { action: Action::Update, object_type: OBJECT, object_id: Some(id.0), section: None, listed: &[] };
    audit::record(&tx, Some(ctx.user()), event).await?;
    let out = one_out(&tx, saved).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn get_contact(db: &Db, ctx: &TenantContext, id: ContactId) -> Result<ContactOut> {
    ctx.require(Permission::LogContacts)?;
    let tx = ctx.begin(db).await?;
    let row = tx.get::<contact::Entity>(id.0).await?;
    audit::record(
        &tx,
        Some(ctx.user()),
        Event { action: Action::Read, object_type: OBJECT, object_id: Some(id.0), section: None, listed: &[] },
    )
    .await?;
    let out = one_out(&tx, row).await?;
    tx.commit().await?;
    Ok(out)
}

fn day(v: &mut Validator, field: &str, given: Option<&str>) -> Option<NaiveDate> {
    let given = given.map(str::trim).filter(|d| !d.is_empty())?;
    let parsed = NaiveDate::parse_from_str(given, "%Y-%m-%d").ok();
    if parsed.is_none() {
        v.issue(field, "validation.date", vec![]);
    }
    parsed
}

/// The log, newest first, filtered by period, channel and area.
pub async fn list_contacts(db: &Db, ctx: &TenantContext, search: &ContactSearch) -> Result<Page<ContactOut>> {
    ctx.require(Permission::LogContacts)?;
    let mut v = Validator::new();
    let from = day(&mut v, "from", search.from.as_deref());
    let to = day(&mut v, "to", search.to.as_deref());
    let channel = search.channel.as_deref().filter(|c| !c.is_empty());
    if channel.is_some_and(|c| !CHANNELS.contains(&c)) {
        v.issue("channel", "validation.unknown_code", vec![]);
    }
    let area = search.area.as_deref().filter(|a| !a.is_empty());
    if area.is_some_and(|a| !AREAS.contains(&a)) {
        v.issue("area", "validation.unknown_code", vec![]);
    }
    v.finish()?;
    let tx = ctx.begin(db).await?;
    let mut query = tx.select::<contact::Entity>();
    if let Some(from) = from {
        query = query.filter(contact::Column::ContactedOn.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(contact::Column::ContactedOn.lte(to));
    }
    if let Some(channel) = channel {
        query = query.filter(contact::Column::Channel.eq(channel));
    }
    if let Some(area) = area {
        query = query.filter(contact::Column::Area.eq(area));
    }
    let page = crate::validate::page_number(search.page.unwrap_or(1))?;
    let paginator = query
        .order_by_desc(contact::Column::ContactedOn)
        .order_by_desc(contact::Column::Id)
        .paginate(tx.conn(), PER_PAGE);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page - 1).await?;
    let shown: Vec<i64> = rows.iter().map(|c| c.id).collect();
    audit::record(&tx, Some(ctx.user()), Event::list(OBJECT, &shown)).await?;
    let items = outs(&tx, rows).await?;
    tx.commit().await?;
    Ok(Page { items, total, page, per_page: PER_PAGE })
}
