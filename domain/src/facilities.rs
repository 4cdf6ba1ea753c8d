//! The facility directory (docs/ARCHITECTURE.md §5–6): validation, staff editing with field-level
//! history, and the database search of the staff lists (the public API answers from
//! `public_directory`, which shares its parameter checks and hydration).
//!
//! Writes go through the `TenantTx` of the facility's own tenant; reads across a province
//! or zone go through a `DirectoryScope` (directory data are public by nature).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use entity::{comune, district, facility, facility_change, facility_type, organization, tenant, zone_comune};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use types::directory::{
    ComuneBriefOut, DistrictBriefOut, FacilityChangeOut, FacilityIn, FacilityOut, FacilitySearch, FacilityStateIn,
    FacilityStatus, FacilityTypeOut, OpeningHours, OrganizationOut, PlacesOut, PublicTenantOut, SearchPage,
    SelfServiceIn, StaffFacilityOut, StaffFilterOptionsOut, TenantBriefOut, ACCREDITATIONS, AREAS, SETTINGS,
};
use types::{DistrictId, FacilityId, Lang, OrganizationId, TenantKind};

use crate::authz::Permission;
use crate::tenancy::{DirectoryScope, DirectoryTx};
use crate::validate::Validator;
use crate::Db;
use crate::{AppError, Result, TenantContext};

/// Page size of directory searches unless the caller asks for another (at most `MAX_PER_PAGE`).
pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;
/// Largest search radius: a province is well under 200 km across.
pub const MAX_RADIUS_KM: f64 = 200.0;
pub const DEFAULT_RADIUS_KM: f64 = 10.0;
const MAX_PLACES: i32 = 100_000;
const LONG_TEXT: usize = 4_000;

/// Lower-case, accent-free words separated by single spaces: what `search_text` holds and
/// what a query is matched against. Punctuation (and with it SQL LIKE wildcards) is dropped.
/// Builds `$dto` (the staff input, or the public entry) from the facility row `$f`: the
/// fields the three hold alike are copied here, once; `$rest` are the others.
macro_rules! from_row {
    ($f:expr, $dto:ident { $($rest:tt)* }) => {
        $dto {
            name: $f.name.clone(),
            areas: split_codes(&$f.areas),
            setting: $f.setting.clone(),
            description: $f.description.clone(),
            eligibility: $f.eligibility.clone(),
            age_min: $f.age_min,
            age_max: $f.age_max,
            how_to_access: $f.how_to_access.clone(),
            fees: $f.fees.clone(),
            hours: serde_json::from_str(&$f.hours).unwrap_or_default(),
            phone: $f.phone.clone(),
            email: $f.email.clone(),
            website: $f.website.clone(),
            languages: split_codes(&$f.languages),
            accessibility: $f.accessibility.clone(),
            address: $f.address.clone(),
            postal_code: $f.postal_code.clone(),
            latitude: $f.latitude,
            longitude: $f.longitude,
            accreditation: $f.accreditation.clone(),
            accreditation_act: $f.accreditation_act.clone(),
            $($rest)*
        }
    };
}

/// A stored comma-separated list of codes (`,anziani,disabili,` or `it,en`).
fn split_codes(list: &str) -> Vec<String> {
    list.split(',').filter(|c| !c.is_empty()).map(String::from).collect()
}

pub fn normalise_search(text: &str) -> String {
    let mapped: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Great-circle distance in km.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    Radians::of(a).distance_km(&Radians::of(b))
}

/// A position in radians with the cosine of its latitude: what `distance_km` computes of
/// each end, kept by the public directory for each entry so a search computes only the
/// rest (the same operations in the same order: the same distances).
#[derive(Clone, Copy, Debug)]
pub struct Radians {
    lat: f64,
    lon: f64,
    cos_lat: f64,
}

impl Radians {
    pub fn of((lat, lon): (f64, f64)) -> Radians {
        let (lat, lon) = (lat.to_radians(), lon.to_radians());
        Radians { lat, lon, cos_lat: lat.cos() }
    }

    pub fn distance_km(&self, to: &Radians) -> f64 {
        let h = ((to.lat - self.lat) / 2.0).sin().powi(2)
            + self.cos_lat * to.cos_lat * ((to.lon - self.lon) / 2.0).sin().powi(2);
        2.0 * 6371.0 * h.sqrt().asin()
    }
}

/// The comuni a tenant's facilities may be in: its own, its zone's, or its province's.
pub struct Territory {
    kind: TenantKind,
    istat: Option<String>,
    zone_comuni: HashSet<String>,
}

impl Territory {
    pub async fn of<C: ConnectionTrait>(db: &C, t: &tenant::Model) -> Result<Territory> {
        let kind = TenantKind::from_code(&t.kind).unwrap_or(TenantKind::Municipality);
        let zone_comuni = if kind == TenantKind::Zone {
            zone_comune::Entity::find()
                .filter(zone_comune::Column::TenantId.eq(t.id))
                .all(db)
                .await?
                .into_iter()
                .map(|z| z.istat_code)
                .collect()
        } else {
            HashSet::new()
        };
        Ok(Territory { kind, istat: t.istat_code.clone(), zone_comuni })
    }

    pub fn covers(&self, comune: &str) -> bool {
        match self.kind {
            TenantKind::Municipality => self.istat.as_deref() == Some(comune),
            TenantKind::Zone => self.zone_comuni.contains(comune),
            // A province's ISTAT code is the first three digits of its comuni's.
            TenantKind::Province => self.istat.as_deref().is_some_and(|p| comune.starts_with(p)),
            // Regions are not tied to comune codes in this model: anything goes.
            TenantKind::Region => true,
        }
    }
}

/// What validation needs to look up: the facility types and the names of the comuni named.
pub struct Refs {
    pub types: HashMap<String, facility_type::Model>,
    pub comuni: HashMap<String, comune::Model>,
}

impl Refs {
    pub async fn load<C: ConnectionTrait>(db: &C, comuni: impl IntoIterator<Item = String>) -> Result<Refs> {
        let types = facility_type::Entity::find().all(db).await?.into_iter().map(|t| (t.code.clone(), t)).collect();
        let codes: Vec<String> = comuni.into_iter().collect();
        let mut names = HashMap::new();
        for chunk in codes.chunks(500) {
            for c in comune::Entity::find().filter(comune::Column::IstatCode.is_in(chunk.to_vec())).all(db).await? {
                names.insert(c.istat_code.clone(), c);
            }
        }
        Ok(Refs { types, comuni: names })
    }
}

/// A `FacilityIn` that passed validation, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct CleanFacility {
    pub name: String,
    pub facility_type: String,
    pub areas: String,
    pub setting: String,
    pub organization_id: Option<i64>,
    pub description: Option<String>,
    pub eligibility: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub how_to_access: Option<String>,
    pub fees: Option<String>,
    pub hours: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub languages: String,
    pub accessibility: Option<String>,
    pub address: String,
    pub postal_code: Option<String>,
    pub comune_istat: String,
    pub district_id: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub places_authorised: Option<i32>,
    pub places_accredited: Option<i32>,
    pub places_free: Option<i32>,
    pub accreditation: Option<String>,
    pub accreditation_act: Option<String>,
}

fn valid_time(t: &str) -> bool {
    t.len() == 5 && NaiveTime::parse_from_str(t, "%H:%M").is_ok()
}

fn check_hours(v: &mut Validator, hours: &OpeningHours) {
    if hours.weekly.len() > 50 || hours.exceptions.len() > 100 {
        v.issue("hours", "validation.too_many", vec![]);
        return;
    }
    for slot in &hours.weekly {
        if !(1..=7).contains(&slot.weekday) || !valid_time(&slot.opens) || !valid_time(&slot.closes) {
            v.issue("hours", "validation.hours", vec![]);
            return;
        }
        if slot.opens >= slot.closes {
            v.issue("hours", "validation.hours_order", vec![]);
            return;
        }
    }
    for ex in &hours.exceptions {
        let times_ok = match (&ex.opens, &ex.closes) {
            (None, None) => ex.closed,
            (Some(o), Some(c)) => !ex.closed && valid_time(o) && valid_time(c) && o < c,
            _ => false,
        };
        let note_ok = ex.note.as_ref().is_none_or(|n| n.chars().count() <= 200);
        if NaiveDate::parse_from_str(&ex.date, "%Y-%m-%d").is_err() || !times_ok || !note_ok {
            v.issue("hours", "validation.hours", vec![]);
            return;
        }
    }
}

fn check_count(v: &mut Validator, field: &str, value: Option<i32>) -> Option<i32> {
    if let Some(n) = value {
        if !(0..=MAX_PLACES).contains(&n) {
            v.issue(field, "validation.range", vec![("min", "0".into()), ("max", MAX_PLACES.to_string())]);
        }
    }
    value
}

/// Checks every field of `input`; the issues use `FacilityIn`'s field names.
pub fn validate_facility(v: &mut Validator, input: &FacilityIn, refs: &Refs, territory: &Territory) -> CleanFacility {
    let name = v.text("name", &input.name, 200);
    if !refs.types.contains_key(&input.facility_type) {
        v.issue("facility_type", "validation.unknown_code", vec![]);
    }
    let mut areas: Vec<&str> = Vec::new();
    for a in &input.areas {
        if !AREAS.contains(&a.as_str()) {
            v.issue("areas", "validation.unknown_code", vec![]);
        } else if !areas.contains(&a.as_str()) {
            areas.push(a);
        }
    }
    if input.areas.is_empty() {
        v.issue("areas", "validation.required", vec![]);
    }
    if !SETTINGS.contains(&input.setting.as_str()) {
        v.issue("setting", "validation.unknown_code", vec![]);
    }
    let description = v.optional_text("description", input.description.as_deref(), LONG_TEXT);
    let eligibility = v.optional_text("eligibility", input.eligibility.as_deref(), LONG_TEXT);
    for (field, age) in [("age_min", input.age_min), ("age_max", input.age_max)] {
        if age.is_some_and(|a| !(0..=120).contains(&a)) {
            v.issue(field, "validation.range", vec![("min", "0".into()), ("max", "120".into())]);
        }
    }
    if let (Some(min), Some(max)) = (input.age_min, input.age_max) {
        if min > max {
            v.issue("age_max", "validation.age_order", vec![]);
        }
    }
    let how_to_access = v.optional_text("how_to_access", input.how_to_access.as_deref(), LONG_TEXT);
    let fees = v.optional_text("fees", input.fees.as_deref(), LONG_TEXT);
    check_hours(v, &input.hours);
    let phone = v.optional_text("phone", input.phone.as_deref(), 40);
    let email = v.optional_email("email", input.email.as_deref());
    let website = v.optional_url("website", input.website.as_deref());
    let mut languages: Vec<String> = Vec::new();
    for l in &input.languages {
        let l = l.trim().to_ascii_lowercase();
        if l.len() != 2 || !l.chars().all(|c| c.is_ascii_lowercase()) {
            v.issue("languages", "validation.language", vec![]);
        } else if !languages.contains(&l) {
            languages.push(l);
        }
    }
    if languages.len() > 20 {
        v.issue("languages", "validation.too_many", vec![]);
    }
    let accessibility = v.optional_text("accessibility", input.accessibility.as_deref(), LONG_TEXT);
    let address = v.text("address", &input.address, 200);
    let postal_code = v.optional_text("postal_code", input.postal_code.as_deref(), 5);
    if postal_code.as_ref().is_some_and(|p| p.len() != 5 || !p.chars().all(|c| c.is_ascii_digit())) {
        v.issue("postal_code", "validation.postal_code", vec![]);
    }
    let comune_istat = input.comune.trim().to_string();
    if !refs.comuni.contains_key(&comune_istat) {
        v.issue("comune", "validation.unknown_code", vec![]);
    } else if !territory.covers(&comune_istat) {
        v.issue("comune", "validation.comune_outside_tenant", vec![]);
    }
    match (input.latitude, input.longitude) {
        (None, None) => {}
        (Some(lat), Some(lon)) => {
            if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
                v.issue("latitude", "validation.latitude", vec![]);
            }
            if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
                v.issue("longitude", "validation.longitude", vec![]);
            }
        }
        (None, Some(_)) => v.issue("latitude", "validation.coordinates_pair", vec![]),
        (Some(_), None) => v.issue("longitude", "validation.coordinates_pair", vec![]),
    }
    let places_authorised = check_count(v, "places_authorised", input.places_authorised);
    let places_accredited = check_count(v, "places_accredited", input.places_accredited);
    let places_free = check_count(v, "places_free", input.places_free);
    if let (Some(free), Some(auth)) = (places_free, places_authorised) {
        if free > auth {
            v.issue("places_free", "validation.free_over_authorised", vec![]);
        }
    }
    // Accredited may exceed authorised in the real registers (different counting units),
    // so no rule between those two.
    let accreditation = input.accreditation.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(str::to_string);
    if accreditation.as_ref().is_some_and(|a| !ACCREDITATIONS.contains(&a.as_str())) {
        v.issue("accreditation", "validation.unknown_code", vec![]);
    }
    let accreditation_act = v.optional_text("accreditation_act", input.accreditation_act.as_deref(), 200);
    let hours = serde_json::to_string(&input.hours).unwrap_or_else(|_| "{}".into());

    CleanFacility {
        name,
        facility_type: input.facility_type.clone(),
        areas: format!(",{},", areas.join(",")),
        setting: input.setting.clone(),
        organization_id: input.organization_id.map(|o| o.0),
        description,
        eligibility,
        age_min: input.age_min,
        age_max: input.age_max,
        how_to_access,
        fees,
        hours,
        phone,
        email,
        website,
        languages: languages.join(","),
        accessibility,
        address,
        postal_code,
        comune_istat,
        district_id: input.district_id.map(|d| d.0),
        latitude: input.latitude,
        longitude: input.longitude,
        places_authorised,
        places_accredited,
        places_free,
        accreditation,
        accreditation_act,
    }
}

/// The searchable text of a facility: name, type, organisation, address, comune.
fn search_text(
    (name, facility_type, address, comune_istat): (&str, &str, &str, &str),
    refs: &Refs,
    organization: Option<&str>,
) -> String {
    let type_label = refs.types.get(facility_type).map(|t| format!("{} {}", t.label_it, t.label_en));
    let parts = [
        Some(name),
        type_label.as_deref(),
        organization,
        Some(address),
        refs.comuni.get(comune_istat).map(|c| c.name.as_str()),
    ];
    normalise_search(&parts.into_iter().flatten().collect::<Vec<_>>().join(" "))
}

/// After an organisation is renamed: the search text of its facilities (in `tx`'s tenant).
pub(crate) async fn refresh_search_text(tx: &crate::TenantTx, organization: &organization::Model) -> Result<()> {
    let rows = tx
        .select::<facility::Entity>()
        .filter(facility::Column::OrganizationId.eq(organization.id))
        .all(tx.conn())
        .await?;
    let refs = Refs::load(tx.conn(), rows.iter().map(|r| r.comune_istat.clone())).await?;
    for row in rows {
        let text = search_text(
            (&row.name, &row.facility_type, &row.address, &row.comune_istat),
            &refs,
            Some(&organization.name),
        );
        if text != row.search_text {
            let mut active = row.into_active_model();
            active.search_text = Set(text);
            tx.update(active).await?;
        }
    }
    Ok(())
}

/// Sets the editable columns of `active` from `clean` (id, tenant and timestamps aside).
pub(crate) fn apply(
    active: &mut facility::ActiveModel,
    clean: &CleanFacility,
    refs: &Refs,
    organization: Option<&str>,
    now: DateTime<Utc>,
) {
    let free_changed = match &active.places_free {
        sea_orm::ActiveValue::Unchanged(old) | sea_orm::ActiveValue::Set(old) => *old != clean.places_free,
        NotSet => true,
    };
    if free_changed {
        active.places_updated_at = Set(clean.places_free.map(|_| now));
    }
    active.name = Set(clean.name.clone());
    active.facility_type = Set(clean.facility_type.clone());
    active.areas = Set(clean.areas.clone());
    active.setting = Set(clean.setting.clone());
    active.organization_id = Set(clean.organization_id);
    active.description = Set(clean.description.clone());
    active.eligibility = Set(clean.eligibility.clone());
    active.age_min = Set(clean.age_min);
    active.age_max = Set(clean.age_max);
    active.how_to_access = Set(clean.how_to_access.clone());
    active.fees = Set(clean.fees.clone());
    active.hours = Set(clean.hours.clone());
    active.phone = Set(clean.phone.clone());
    active.email = Set(clean.email.clone());
    active.website = Set(clean.website.clone());
    active.languages = Set(clean.languages.clone());
    active.accessibility = Set(clean.accessibility.clone());
    active.address = Set(clean.address.clone());
    active.postal_code = Set(clean.postal_code.clone());
    active.comune_istat = Set(clean.comune_istat.clone());
    active.district_id = Set(clean.district_id);
    active.latitude = Set(clean.latitude);
    active.longitude = Set(clean.longitude);
    active.places_authorised = Set(clean.places_authorised);
    active.places_accredited = Set(clean.places_accredited);
    active.places_free = Set(clean.places_free);
    active.accreditation = Set(clean.accreditation.clone());
    active.accreditation_act = Set(clean.accreditation_act.clone());
    let parts =
        (clean.name.as_str(), clean.facility_type.as_str(), clean.address.as_str(), clean.comune_istat.as_str());
    active.search_text = Set(search_text(parts, refs, organization));
    active.updated_at = Set(now);
}

/// The fields the history tracks, as text (`None` = empty).
pub(crate) fn tracked(f: &facility::Model) -> Vec<(&'static str, Option<String>)> {
    fn s<T: ToString>(v: &Option<T>) -> Option<String> {
        v.as_ref().map(ToString::to_string)
    }
    vec![
        ("name", Some(f.name.clone())),
        ("facility_type", Some(f.facility_type.clone())),
        ("areas", Some(f.areas.trim_matches(',').to_string())),
        ("setting", Some(f.setting.clone())),
        ("organization_id", s(&f.organization_id)),
        ("description", f.description.clone()),
        ("eligibility", f.eligibility.clone()),
        ("age_min", s(&f.age_min)),
        ("age_max", s(&f.age_max)),
        ("how_to_access", f.how_to_access.clone()),
        ("fees", f.fees.clone()),
        ("hours", Some(f.hours.clone())),
        ("phone", f.phone.clone()),
        ("email", f.email.clone()),
        ("website", f.website.clone()),
        ("languages", Some(f.languages.clone()).filter(|l| !l.is_empty())),
        ("accessibility", f.accessibility.clone()),
        ("address", Some(f.address.clone())),
        ("postal_code", f.postal_code.clone()),
        ("comune", Some(f.comune_istat.clone())),
        ("district_id", s(&f.district_id)),
        ("latitude", s(&f.latitude)),
        ("longitude", s(&f.longitude)),
        ("places_authorised", s(&f.places_authorised)),
        ("places_accredited", s(&f.places_accredited)),
        ("places_free", s(&f.places_free)),
        ("accreditation", f.accreditation.clone()),
        ("accreditation_act", f.accreditation_act.clone()),
        ("published", Some(f.published.to_string())),
        ("archived", Some(f.archived_at.is_some().to_string())),
    ]
}

/// History rows for what differs between `before` (None: just created) and `after`.
pub(crate) fn changes(
    before: Option<&facility::Model>,
    after: &facility::Model,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Vec<facility_change::ActiveModel> {
    let row = |field: &str, old: Option<String>, new: Option<String>| facility_change::ActiveModel {
        facility_id: Set(after.id),
        user_id: Set(user),
        field: Set(field.to_string()),
        old_value: Set(old),
        new_value: Set(new),
        changed_at: Set(now),
        ..Default::default()
    };
    match before {
        None => vec![row("created", None, Some(after.name.clone()))],
        Some(before) => tracked(before)
            .into_iter()
            .zip(tracked(after))
            .filter(|((_, old), (_, new))| old != new)
            .map(|((field, old), (_, new))| row(field, old, new))
            .collect(),
    }
}

async fn check_links(tx: &crate::TenantTx, v: &mut Validator, input: &FacilityIn) -> Result<Option<String>> {
    let mut org_name = None;
    if let Some(OrganizationId(id)) = input.organization_id {
        match tx.get::<organization::Entity>(id).await {
            Ok(o) => org_name = Some(o.name),
            Err(AppError::NotFound) => v.issue("organization_id", "validation.unknown_code", vec![]),
            Err(e) => return Err(e),
        }
    }
    if let Some(DistrictId(id)) = input.district_id {
        match tx.get::<district::Entity>(id).await {
            Ok(_) => {}
            Err(AppError::NotFound) => v.issue("district_id", "validation.unknown_code", vec![]),
            Err(e) => return Err(e),
        }
    }
    Ok(org_name)
}

async fn own_tenant<C: ConnectionTrait>(db: &C, ctx: &TenantContext) -> Result<tenant::Model> {
    tenant::Entity::find_by_id(ctx.tenant_id().0).one(db).await?.ok_or(AppError::NotFound)
}

/// Creates a facility (unpublished until someone publishes it).
pub async fn create_facility(db: &Db, ctx: &TenantContext, input: FacilityIn, lang: Lang) -> Result<StaffFacilityOut> {
    ctx.require(Permission::ManageFacilities)?;
    let tx = ctx.begin(db).await?;
    let refs = Refs::load(tx.conn(), [input.comune.trim().to_string()]).await?;
    let territory = Territory::of(tx.conn(), &own_tenant(tx.conn(), ctx).await?).await?;
    let mut v = Validator::new();
    let clean = validate_facility(&mut v, &input, &refs, &territory);
    let org_name = check_links(&tx, &mut v, &input).await?;
    v.finish()?;
    let now = tx.now();
    let mut active = facility::ActiveModel {
        published: Set(false),
        archived_at: Set(None),
        verified_at: Set(Some(now)),
        source_key: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, &clean, &refs, org_name.as_deref(), now);
    let row = tx.insert(active).await?;
    for change in changes(None, &row, Some(ctx.user().0), now) {
        tx.insert(change).await?;
    }
    tx.commit().await?;
    get_facility(db, ctx, FacilityId(row.id), lang).await
}

/// Replaces the editable fields; every changed field goes to the history. A staff save
/// confirms the entry, so it stamps `verified_at`.
pub async fn update_facility(
    db: &Db,
    ctx: &TenantContext,
    id: FacilityId,
    input: FacilityIn,
    lang: Lang,
) -> Result<StaffFacilityOut> {
    ctx.require(Permission::ManageFacilities)?;
    save_existing(db, ctx, id, |_| input, lang).await
}

/// The facility manager's own update (admins may use it too): only free places, hours,
/// contacts and description change, whatever else is sent. Stamps `verified_at`.
pub async fn self_service_update(
    db: &Db,
    ctx: &TenantContext,
    id: FacilityId,
    input: SelfServiceIn,
    lang: Lang,
) -> Result<StaffFacilityOut> {
    if !ctx.may(Permission::ManageFacilities) && ctx.managed_facility() != Some(id) {
        return Err(AppError::Forbidden);
    }
    save_existing(
        db,
        ctx,
        id,
        |before| FacilityIn {
            places_free: input.places_free,
            hours: input.hours,
            phone: input.phone,
            email: input.email,
            website: input.website,
            description: input.description,
            ..facility_in_of(before)
        },
        lang,
    )
    .await
}

/// The facility a facility manager keeps (404 when none is assigned).
pub async fn my_facility(db: &Db, ctx: &TenantContext, lang: Lang) -> Result<StaffFacilityOut> {
    let id = ctx.managed_facility().ok_or(AppError::NotFound)?;
    get_facility(db, ctx, id, lang).await
}

/// The input that would recreate `f` as it is.
fn facility_in_of(f: &facility::Model) -> FacilityIn {
    from_row!(
        f,
        FacilityIn {
            facility_type: f.facility_type.clone(),
            organization_id: f.organization_id.map(OrganizationId),
            comune: f.comune_istat.clone(),
            district_id: f.district_id.map(DistrictId),
            places_authorised: f.places_authorised,
            places_accredited: f.places_accredited,
            places_free: f.places_free,
        }
    )
}

/// Validates and stores the input `build` makes from the current row, records the
/// changes and confirms the entry.
async fn save_existing(
    db: &Db,
    ctx: &TenantContext,
    id: FacilityId,
    build: impl FnOnce(&facility::Model) -> FacilityIn,
    lang: Lang,
) -> Result<StaffFacilityOut> {
    let tx = ctx.begin(db).await?;
    let before = tx.get::<facility::Entity>(id.0).await?;
    let input = build(&before);
    let refs = Refs::load(tx.conn(), [input.comune.trim().to_string()]).await?;
    let territory = Territory::of(tx.conn(), &own_tenant(tx.conn(), ctx).await?).await?;
    let mut v = Validator::new();
    let clean = validate_facility(&mut v, &input, &refs, &territory);
    let org_name = check_links(&tx, &mut v, &input).await?;
    v.finish()?;
    let now = tx.now();
    let mut active = before.clone().into_active_model();
    apply(&mut active, &clean, &refs, org_name.as_deref(), now);
    active.verified_at = Set(Some(now));
    let after = tx.update(active).await?;
    for change in changes(Some(&before), &after, Some(ctx.user().0), now) {
        tx.insert(change).await?;
    }
    tx.commit().await?;
    get_facility(db, ctx, id, lang).await
}

/// Publishes, unpublishes, archives or restores. An archived entry is never public.
pub async fn set_state(
    db: &Db,
    ctx: &TenantContext,
    id: FacilityId,
    input: FacilityStateIn,
    lang: Lang,
) -> Result<StaffFacilityOut> {
    ctx.require(Permission::ManageFacilities)?;
    let tx = ctx.begin(db).await?;
    let before = tx.get::<facility::Entity>(id.0).await?;
    let now = tx.now();
    let mut active = before.clone().into_active_model();
    if let Some(published) = input.published {
        active.published = Set(published);
    }
    if let Some(archived) = input.archived {
        active.archived_at = Set(if archived { before.archived_at.or(Some(now)) } else { None });
        if archived {
            active.published = Set(false);
        }
    }
    active.updated_at = Set(now);
    let after = tx.update(active).await?;
    for change in changes(Some(&before), &after, Some(ctx.user().0), now) {
        tx.insert(change).await?;
    }
    tx.commit().await?;
    get_facility(db, ctx, id, lang).await
}

/// One facility of the context's directory (its tenant and beneath), drafts included.
pub async fn get_facility(db: &Db, ctx: &TenantContext, id: FacilityId, lang: Lang) -> Result<StaffFacilityOut> {
    let scope = DirectoryScope::staff(db, ctx).await?;
    let tx = scope.begin(db).await?;
    let row = tx.select::<facility::Entity>().filter(facility::Column::Id.eq(id.0)).one(tx.conn()).await?;
    let row = row.ok_or(AppError::NotFound)?;
    let hydrated = Hydrator::load(&tx, std::slice::from_ref(&row), lang).await?;
    tx.commit().await?;
    Ok(hydrated.staff(&row, None))
}

/// A facility seen from the context's tenant (its own or one beneath), with the context
/// of the tenant that owns it: a province admin acts on a comune's entry through their
/// province role. The staff app works from the session's tenant and writes through this.
pub async fn owning_context(
    db: &Db,
    ctx: &TenantContext,
    id: FacilityId,
    lang: Lang,
) -> Result<(TenantContext, StaffFacilityOut)> {
    let f = get_facility(db, ctx, id, lang).await?;
    let own = TenantContext::resolve(db, ctx.user(), &f.facility.tenant.slug).await?;
    Ok((own, f))
}

/// A facility as its staff page shows it, with its history when the user may manage it
/// (admins of its tenant or of a province above), `None` otherwise.
pub async fn staff_facility(
    db: &Db,
    ctx: &TenantContext,
    id: FacilityId,
    lang: Lang,
) -> Result<(StaffFacilityOut, Option<Vec<FacilityChangeOut>>)> {
    let (own, f) = owning_context(db, ctx, id, lang).await?;
    let history = match own.require(Permission::ManageFacilities) {
        Ok(()) => Some(facility_history(db, &own, f.facility.id).await?),
        Err(_) => None,
    };
    Ok((f, history))
}

/// The field-level history of a facility of the context's own tenant, newest first.
pub async fn facility_history(db: &Db, ctx: &TenantContext, id: FacilityId) -> Result<Vec<FacilityChangeOut>> {
    ctx.require(Permission::ManageFacilities)?;
    let tx = ctx.begin(db).await?;
    let f = tx.get::<facility::Entity>(id.0).await?;
    let rows = tx
        .select::<facility_change::Entity>()
        .filter(facility_change::Column::FacilityId.eq(f.id))
        .order_by_desc(facility_change::Column::ChangedAt)
        .order_by_desc(facility_change::Column::Id)
        .limit(500)
        .all(tx.conn())
        .await?;
    let names = crate::users::display_names(tx.conn(), rows.iter().filter_map(|r| r.user_id)).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| FacilityChangeOut {
            changed_by: r.user_id.and_then(|u| names.get(&u).cloned()),
            field: r.field,
            old_value: r.old_value,
            new_value: r.new_value,
            changed_at: r.changed_at.to_rfc3339(),
        })
        .collect())
}

/// A search run in a scope, with everything its rows refer to loaded.
struct Found {
    rows: Vec<facility::Model>,
    distances: Vec<Option<f64>>,
    total: u64,
    hydrator: Hydrator,
    parsed: ParsedSearch,
}

impl Found {
    fn page<T>(&self, out: impl Fn(&Hydrator, &facility::Model, Option<f64>) -> T) -> SearchPage<T> {
        let items = self.rows.iter().zip(&self.distances).map(|(r, d)| out(&self.hydrator, r, *d)).collect();
        self.parsed.page_of(items, self.total)
    }
}

async fn search_in(
    db: &Db,
    scope: &DirectoryScope,
    search: &FacilitySearch,
    lang: Lang,
    unpaged: bool,
) -> Result<Found> {
    let tx = scope.begin(db).await?;
    let mut parsed = ParsedSearch::parse(tx.conn(), search, !scope.published_only()).await?;
    parsed.unpaged = unpaged;
    let (rows, distances, total) = run_search(&tx, scope, &parsed).await?;
    let hydrator = Hydrator::load(&tx, &rows, lang).await?;
    tx.commit().await?;
    Ok(Found { rows, distances, total, hydrator, parsed })
}

/// Staff search over the context's directory (its tenant and beneath).
pub async fn search_staff(
    db: &Db,
    ctx: &TenantContext,
    search: &FacilitySearch,
    lang: Lang,
) -> Result<SearchPage<StaffFacilityOut>> {
    let scope = DirectoryScope::staff(db, ctx).await?;
    Ok(search_in(db, &scope, search, lang, false).await?.page(Hydrator::staff))
}

/// The comuni with entries in the context's directory, and its districts: the choices
/// of the staff list's filters.
pub async fn staff_filter_options(db: &Db, ctx: &TenantContext) -> Result<StaffFilterOptionsOut> {
    let scope = DirectoryScope::staff(db, ctx).await?;
    let tx = scope.begin(db).await?;
    let codes: Vec<String> = tx
        .select::<facility::Entity>()
        .filter(facility::Column::ArchivedAt.is_null())
        .select_only()
        .column(facility::Column::ComuneIstat)
        .distinct()
        .into_tuple()
        .all(tx.conn())
        .await?;
    let mut comuni: Vec<ComuneBriefOut> = Refs::load(tx.conn(), codes)
        .await?
        .comuni
        .into_values()
        .map(|c| ComuneBriefOut { istat_code: c.istat_code, name: c.name, province: c.province_sigla })
        .collect();
    comuni.sort_by(|a, b| a.name.cmp(&b.name));
    let rows = tx.select::<district::Entity>().order_by_asc(district::Column::Name).all(tx.conn()).await?;
    let several = rows.iter().map(|d| d.tenant_id).collect::<HashSet<_>>().len() > 1;
    let tenant_names: HashMap<i64, String> = if several {
        scope_tenants(tx.conn(), &scope).await?.into_iter().map(|t| (t.id, t.name)).collect()
    } else {
        HashMap::new()
    };
    tx.commit().await?;
    let districts = rows
        .into_iter()
        .map(|d| DistrictBriefOut {
            id: DistrictId(d.id),
            name: match tenant_names.get(&d.tenant_id) {
                Some(tenant) => format!("{} – {tenant}", d.name),
                None => d.name,
            },
        })
        .collect();
    Ok(StaffFilterOptionsOut { comuni, districts })
}

/// Every entry matching a staff search (no paging): for CSV/XLSX export.
pub async fn export_staff(
    db: &Db,
    ctx: &TenantContext,
    search: &FacilitySearch,
    lang: Lang,
) -> Result<Vec<StaffFacilityOut>> {
    let scope = DirectoryScope::staff(db, ctx).await?;
    Ok(search_in(db, &scope, search, lang, true).await?.page(Hydrator::staff).items)
}

/// Search parameters, checked.
pub(crate) struct ParsedSearch {
    pub words: Vec<String>,
    pub area: Option<String>,
    pub facility_type: Option<String>,
    pub setting: Option<String>,
    pub comune: Option<String>,
    pub district: Option<i64>,
    pub free_places: bool,
    /// Centre and radius (km).
    pub near: Option<((f64, f64), f64)>,
    pub page: u64,
    pub per_page: u64,
    status: Option<String>,
    stale: bool,
    unpaged: bool,
}

/// The staff list's status filter: a `FacilityStatus` code, or every state.
const ALL_STATUSES: &str = "all";

fn parse_near(v: &mut Validator, near: &str) -> Option<(f64, f64)> {
    let parsed =
        near.split_once(',').and_then(|(a, b)| Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?)));
    match parsed {
        Some((lat, lon))
            if lat.is_finite()
                && lon.is_finite()
                && (-90.0..=90.0).contains(&lat)
                && (-180.0..=180.0).contains(&lon) =>
        {
            Some((lat, lon))
        }
        _ => {
            v.issue("near", "validation.near", vec![]);
            None
        }
    }
}

/// A filter code as given: trimmed, `None` when blank.
fn code_of(x: &Option<String>) -> Option<String> {
    x.as_deref().map(str::trim).filter(|x| !x.is_empty()).map(str::to_string)
}

impl ParsedSearch {
    /// Checks `s` against the database's facility types and comuni.
    async fn parse<C: ConnectionTrait>(db: &C, s: &FacilitySearch, staff: bool) -> Result<ParsedSearch> {
        let type_known = match code_of(&s.facility_type) {
            Some(t) => facility_type::Entity::find_by_id(t).one(db).await?.is_some(),
            None => true,
        };
        let comune_known = match code_of(&s.comune) {
            Some(c) => comune::Entity::find_by_id(c).one(db).await?.is_some(),
            None => true,
        };
        Self::check(s, staff, |_| type_known, |_| comune_known)
    }

    /// Checks `s`; `known_type` and `known_comune` say whether a code exists.
    pub(crate) fn check(
        s: &FacilitySearch,
        staff: bool,
        known_type: impl Fn(&str) -> bool,
        known_comune: impl Fn(&str) -> bool,
    ) -> Result<ParsedSearch> {
        let mut v = Validator::new();
        let q = v.optional_text("q", s.q.as_deref(), 200).unwrap_or_default();
        let words: Vec<String> =
            normalise_search(&q).split(' ').filter(|w| !w.is_empty()).take(8).map(String::from).collect();
        let code = code_of;
        let area = code(&s.area);
        if area.as_ref().is_some_and(|a| !AREAS.contains(&a.as_str())) {
            v.issue("area", "validation.unknown_code", vec![]);
        }
        let setting = code(&s.setting);
        if setting.as_ref().is_some_and(|a| !SETTINGS.contains(&a.as_str())) {
            v.issue("setting", "validation.unknown_code", vec![]);
        }
        let facility_type = code(&s.facility_type);
        if facility_type.as_deref().is_some_and(|t| !known_type(t)) {
            v.issue("type", "validation.unknown_code", vec![]);
        }
        let comune = code(&s.comune);
        if comune.as_deref().is_some_and(|c| !known_comune(c)) {
            v.issue("comune", "validation.unknown_code", vec![]);
        }
        let near = s.near.as_deref().filter(|n| !n.trim().is_empty()).and_then(|n| parse_near(&mut v, n));
        let radius = s.radius_km.unwrap_or(DEFAULT_RADIUS_KM);
        if !radius.is_finite() || radius <= 0.0 || radius > MAX_RADIUS_KM {
            v.issue("radius_km", "validation.range", vec![("min", "0".into()), ("max", MAX_RADIUS_KM.to_string())]);
        }
        let page = s.page.unwrap_or(1);
        if page == 0 || page > crate::validate::MAX_PAGE {
            v.issue(
                "page",
                "validation.range",
                vec![("min", "1".into()), ("max", crate::validate::MAX_PAGE.to_string())],
            );
        }
        let per_page = s.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if per_page == 0 || per_page > MAX_PER_PAGE {
            v.issue("per_page", "validation.range", vec![("min", "1".into()), ("max", MAX_PER_PAGE.to_string())]);
        }
        let status = if staff { code(&s.status) } else { None };
        if status.as_ref().is_some_and(|x| x != ALL_STATUSES && FacilityStatus::from_code(x).is_none()) {
            v.issue("status", "validation.unknown_code", vec![]);
        }
        v.finish()?;
        Ok(ParsedSearch {
            words,
            area,
            facility_type,
            setting,
            comune,
            district: s.district.map(|d| d.0),
            free_places: s.free_places.unwrap_or(false),
            near: near.map(|p| (p, radius)),
            page,
            per_page,
            status,
            stale: staff && s.stale.unwrap_or(false),
            unpaged: false,
        })
    }

    pub(crate) fn page_of<T>(&self, items: Vec<T>, total: u64) -> SearchPage<T> {
        SearchPage {
            items,
            total_items: total,
            page: self.page,
            per_page: self.per_page,
            total_pages: total.div_ceil(self.per_page).max(1),
        }
    }
}

/// The tenants of a scope with their freshness windows.
async fn scope_tenants<C: ConnectionTrait>(db: &C, scope: &DirectoryScope) -> Result<Vec<tenant::Model>> {
    let mut all = vec![tenant::Entity::find_by_id(scope.root().id.0).one(db).await?.ok_or(AppError::NotFound)?];
    all.extend(crate::tenancy::descendants(db, scope.root().id.0).await?);
    Ok(all)
}

fn stale_cutoff(t: &tenant::Model, now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(i64::from(t.stale_after_days.max(1)))
}

/// Runs a search: the page's rows, their distances from `near`, and the total count.
async fn run_search(
    tx: &DirectoryTx,
    scope: &DirectoryScope,
    p: &ParsedSearch,
) -> Result<(Vec<facility::Model>, Vec<Option<f64>>, u64)> {
    use facility::Column as F;
    let mut q = tx.select::<facility::Entity>();
    let status = if scope.published_only() { Some(FacilityStatus::Published.code()) } else { p.status.as_deref() };
    q = match status.map(|s| (s, FacilityStatus::from_code(s))) {
        Some((_, Some(FacilityStatus::Published))) => q.filter(F::Published.eq(true)).filter(F::ArchivedAt.is_null()),
        Some((_, Some(FacilityStatus::Draft))) => q.filter(F::Published.eq(false)).filter(F::ArchivedAt.is_null()),
        Some((_, Some(FacilityStatus::Archived))) => q.filter(F::ArchivedAt.is_not_null()),
        // `all`
        Some((_, None)) => q,
        None => q.filter(F::ArchivedAt.is_null()),
    };
    for w in &p.words {
        q = q.filter(F::SearchText.contains(w));
    }
    if let Some(a) = &p.area {
        q = q.filter(F::Areas.contains(format!(",{a},")));
    }
    if let Some(t) = &p.facility_type {
        q = q.filter(F::FacilityType.eq(t));
    }
    if let Some(s) = &p.setting {
        q = q.filter(F::Setting.eq(s));
    }
    if let Some(c) = &p.comune {
        q = q.filter(F::ComuneIstat.eq(c));
    }
    if let Some(d) = p.district {
        q = q.filter(F::DistrictId.eq(d));
    }
    if p.free_places {
        q = q.filter(F::PlacesFree.gt(0));
    }
    if p.stale {
        let now = tx.now();
        let mut any = Condition::any();
        for t in scope_tenants(tx.conn(), scope).await? {
            let cutoff = stale_cutoff(&t, now);
            any = any.add(
                Condition::all()
                    .add(F::TenantId.eq(t.id))
                    .add(Condition::any().add(F::VerifiedAt.is_null()).add(F::VerifiedAt.lt(cutoff))),
            );
        }
        q = q.filter(any);
    }

    let Some((center, radius)) = p.near else {
        let q = q.order_by_asc(F::Name).order_by_asc(F::Id);
        if p.unpaged {
            let rows = q.all(tx.conn()).await?;
            let n = rows.len();
            return Ok((rows, vec![None; n], n as u64));
        }
        let paginator = q.paginate(tx.conn(), p.per_page);
        let total = paginator.num_items().await?;
        let rows = paginator.fetch_page(p.page - 1).await?;
        let n = rows.len();
        return Ok((rows, vec![None; n], total));
    };

    // Bounding box in SQL (an index range), exact distance and ordering here.
    let dlat = radius / 111.32;
    let dlon = radius / (111.32 * center.0.to_radians().cos().max(0.01));
    let candidates: Vec<(i64, Option<f64>, Option<f64>, String)> = q
        .filter(F::Latitude.between(center.0 - dlat, center.0 + dlat))
        .filter(F::Longitude.between(center.1 - dlon, center.1 + dlon))
        .select_only()
        .column(F::Id)
        .column(F::Latitude)
        .column(F::Longitude)
        .column(F::Name)
        .into_tuple()
        .all(tx.conn())
        .await?;
    let mut hits: Vec<(f64, String, i64)> = candidates
        .into_iter()
        .filter_map(|(id, lat, lon, name)| Some((distance_km(center, (lat?, lon?)), name, id)))
        .filter(|(d, _, _)| *d <= radius)
        .collect();
    hits.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let total = hits.len() as u64;
    let page: Vec<(f64, String, i64)> = if p.unpaged {
        hits
    } else {
        let start = usize::try_from((p.page - 1) * p.per_page).unwrap_or(usize::MAX);
        hits.into_iter().skip(start).take(p.per_page as usize).collect()
    };
    let ids: Vec<i64> = page.iter().map(|h| h.2).collect();
    let mut by_id: HashMap<i64, facility::Model> = HashMap::new();
    for chunk in ids.chunks(500) {
        for r in tx.select::<facility::Entity>().filter(F::Id.is_in(chunk.to_vec())).all(tx.conn()).await? {
            by_id.insert(r.id, r);
        }
    }
    let mut rows = Vec::with_capacity(page.len());
    let mut distances = Vec::with_capacity(page.len());
    for (d, _, id) in page {
        if let Some(r) = by_id.remove(&id) {
            rows.push(r);
            distances.push(Some((d * 100.0).round() / 100.0));
        }
    }
    Ok((rows, distances, total))
}

/// Everything a page of facilities refers to, loaded once per page.
pub(crate) struct Hydrator {
    lang: Lang,
    types: HashMap<String, facility_type::Model>,
    tenants: HashMap<i64, tenant::Model>,
    comuni: HashMap<String, comune::Model>,
    districts: HashMap<i64, String>,
    organizations: HashMap<i64, organization::Model>,
    now: DateTime<Utc>,
}

impl Hydrator {
    pub(crate) async fn load(tx: &DirectoryTx, rows: &[facility::Model], lang: Lang) -> Result<Hydrator> {
        let db = tx.conn();
        let uniq = |ids: Vec<i64>| -> Vec<i64> { ids.into_iter().collect::<HashSet<_>>().into_iter().collect() };
        let tenant_ids = uniq(rows.iter().map(|r| r.tenant_id).collect());
        let district_ids = uniq(rows.iter().filter_map(|r| r.district_id).collect());
        let org_ids = uniq(rows.iter().filter_map(|r| r.organization_id).collect());
        let comune_codes: Vec<String> =
            rows.iter().map(|r| r.comune_istat.clone()).collect::<HashSet<_>>().into_iter().collect();
        let refs = Refs::load(db, comune_codes).await?;
        Ok(Hydrator {
            lang,
            types: refs.types,
            comuni: refs.comuni,
            tenants: tenant::Entity::find()
                .filter(tenant::Column::Id.is_in(tenant_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|t| (t.id, t))
                .collect(),
            districts: tx
                .select::<district::Entity>()
                .filter(district::Column::Id.is_in(district_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
            organizations: tx
                .select::<organization::Entity>()
                .filter(organization::Column::Id.is_in(org_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|o| (o.id, o))
                .collect(),
            now: tx.now(),
        })
    }

    pub(crate) fn public(&self, f: &facility::Model, distance_km: Option<f64>) -> FacilityOut {
        let kind = self.tenants.get(&f.tenant_id);
        let ft = self.types.get(&f.facility_type);
        from_row!(
            f,
            FacilityOut {
                id: FacilityId(f.id),
                tenant: TenantBriefOut {
                    slug: kind.map(|t| t.slug.clone()).unwrap_or_default(),
                    name: kind.map(|t| t.name.clone()).unwrap_or_default(),
                    kind: kind.and_then(|t| TenantKind::from_code(&t.kind)).unwrap_or(TenantKind::Municipality),
                },
                facility_type: FacilityTypeOut {
                    code: f.facility_type.clone(),
                    label: ft
                        .map(|t| if self.lang == Lang::En { t.label_en.clone() } else { t.label_it.clone() })
                        .unwrap_or_else(|| f.facility_type.clone()),
                    area: ft.map(|t| t.area.clone()).unwrap_or_default(),
                    setting: ft.map(|t| t.setting.clone()).unwrap_or_default(),
                },
                organization: f.organization_id.and_then(|o| self.organizations.get(&o)).map(public_organization_out),
                comune: ComuneBriefOut {
                    istat_code: f.comune_istat.clone(),
                    name: self.comuni.get(&f.comune_istat).map(|c| c.name.clone()).unwrap_or_default(),
                    province: self.comuni.get(&f.comune_istat).map(|c| c.province_sigla.clone()).unwrap_or_default(),
                },
                district: f.district_id.and_then(|d| {
                    self.districts.get(&d).map(|name| DistrictBriefOut { id: DistrictId(d), name: name.clone() })
                }),
                places: PlacesOut {
                    authorised: f.places_authorised,
                    accredited: f.places_accredited,
                    free: f.places_free,
                    occupied: f.places_authorised.zip(f.places_free).map(|(a, fr)| (a - fr).max(0)),
                    updated_at: f.places_updated_at.map(|t| t.to_rfc3339()),
                },
                verified_at: f.verified_at.map(|t| t.to_rfc3339()),
                updated_at: f.updated_at.to_rfc3339(),
                distance_km,
            }
        )
    }

    fn staff(&self, f: &facility::Model, distance_km: Option<f64>) -> StaffFacilityOut {
        let stale = match (self.tenants.get(&f.tenant_id), f.verified_at) {
            (Some(t), Some(at)) => at < stale_cutoff(t, self.now),
            _ => true,
        };
        StaffFacilityOut {
            facility: self.public(f, distance_km),
            published: f.published,
            archived: f.archived_at.is_some(),
            stale,
            source_key: f.source_key.clone(),
        }
    }
}

/// An organisation as the public sees it: a 16-character codice fiscale is a person's (a
/// sole trader's) and stays out; an organisation's 11-digit code is public anyway.
pub fn public_organization_out(o: &organization::Model) -> OrganizationOut {
    let mut out = organization_out(o);
    out.tax_code = out.tax_code.filter(|c| c.len() == 11);
    out
}

pub fn organization_out(o: &organization::Model) -> OrganizationOut {
    OrganizationOut {
        id: OrganizationId(o.id),
        name: o.name.clone(),
        tax_code: o.tax_code.clone(),
        vat_number: o.vat_number.clone(),
        legal_status: o.legal_status.clone(),
        email: o.email.clone(),
        phone: o.phone.clone(),
        website: o.website.clone(),
    }
}

/// Tenants with a public directory: those with published entries, and the zones and
/// provinces above them (whose slug searches beneath).
pub async fn publishing_tenants(db: &Db) -> Result<Vec<PublicTenantOut>> {
    let all = tenant::Entity::find().order_by_asc(tenant::Column::Name).all(db).await?;
    let mut publishing: HashSet<i64> = HashSet::new();
    for root in all.iter().filter(|t| t.parent_id.is_none()) {
        let scope = DirectoryScope::public(db, &root.slug).await?;
        let tx = scope.begin(db).await?;
        let ids: Vec<i64> = tx
            .select::<facility::Entity>()
            .filter(facility::Column::Published.eq(true))
            .filter(facility::Column::ArchivedAt.is_null())
            .select_only()
            .column(facility::Column::TenantId)
            .distinct()
            .into_tuple()
            .all(tx.conn())
            .await?;
        tx.commit().await?;
        publishing.extend(ids);
    }
    let by_id: HashMap<i64, &tenant::Model> = all.iter().map(|t| (t.id, t)).collect();
    let mut shown: HashSet<i64> = HashSet::new();
    for id in publishing {
        let mut current = by_id.get(&id);
        while let Some(t) = current {
            if !shown.insert(t.id) {
                break;
            }
            current = t.parent_id.and_then(|p| by_id.get(&p));
        }
    }
    Ok(all
        .iter()
        .filter(|t| shown.contains(&t.id))
        .map(|t| PublicTenantOut {
            slug: t.slug.clone(),
            name: t.name.clone(),
            kind: TenantKind::from_code(&t.kind).unwrap_or(TenantKind::Municipality),
            parent: t.parent_id.and_then(|p| by_id.get(&p)).map(|p| p.slug.clone()),
            istat_code: t.istat_code.clone(),
        })
        .collect())
}

/// Organisations managing published facilities of `slug`'s directory, by name.
pub async fn public_organizations(
    db: &Db,
    slug: &str,
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<SearchPage<OrganizationOut>> {
    let probe = FacilitySearch { page, per_page, ..Default::default() };
    let scope = DirectoryScope::public(db, slug).await?;
    let tx = scope.begin(db).await?;
    let parsed = ParsedSearch::parse(tx.conn(), &probe, false).await?;
    let paginator = tx
        .select::<organization::Entity>()
        .filter(organization::Column::Id.in_subquery(published_organizations(&tx)))
        .order_by_asc(organization::Column::Name)
        .order_by_asc(organization::Column::Id)
        .paginate(tx.conn(), parsed.per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(parsed.page - 1).await?;
    tx.commit().await?;
    Ok(parsed.page_of(rows.iter().map(public_organization_out).collect(), total))
}

/// One organisation managing a published facility of `slug`'s directory.
pub async fn public_organization(db: &Db, slug: &str, id: OrganizationId) -> Result<OrganizationOut> {
    let scope = DirectoryScope::public(db, slug).await?;
    let tx = scope.begin(db).await?;
    let row = tx
        .select::<organization::Entity>()
        .filter(organization::Column::Id.eq(id.0))
        .filter(organization::Column::Id.in_subquery(published_organizations(&tx)))
        .one(tx.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(public_organization_out(&row))
}

/// `SELECT organization_id FROM facility WHERE published…` within the scope.
fn published_organizations(tx: &DirectoryTx) -> sea_orm::sea_query::SelectStatement {
    tx.select::<facility::Entity>()
        .filter(facility::Column::Published.eq(true))
        .filter(facility::Column::ArchivedAt.is_null())
        .filter(facility::Column::OrganizationId.is_not_null())
        .select_only()
        .column(facility::Column::OrganizationId)
        .into_query()
}

/// The facility types, labelled in `lang`.
pub async fn facility_types(db: &Db, lang: Lang) -> Result<Vec<FacilityTypeOut>> {
    let rows = facility_type::Entity::find().order_by_asc(facility_type::Column::Code).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|t| FacilityTypeOut {
            label: if lang == Lang::En { t.label_en } else { t.label_it },
            code: t.code,
            area: t.area,
            setting: t.setting,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_plain_words() {
        assert_eq!(
            normalise_search("  RSA \"Nobile Paolo Richiedei\" – Gussago (BS) "),
            "rsa nobile paolo richiedei gussago bs"
        );
        assert_eq!(normalise_search("Città di Salò, 50%_off"), "citta di salo 50 off");
    }

    #[test]
    fn a_persons_tax_code_is_not_public() {
        let now = Utc::now();
        let org = |code: &str| organization::Model {
            id: 1,
            tenant_id: 1,
            name: "Mario Rossi, assistenza domiciliare".into(),
            tax_code: Some(code.into()),
            vat_number: Some("01148190547".into()),
            legal_status: "private".into(),
            email: None,
            phone: None,
            website: None,
            source_key: None,
            created_at: now,
            updated_at: now,
        };
        assert_eq!(public_organization_out(&org("RSSMRA80A01H501U")).tax_code, None);
        assert_eq!(organization_out(&org("RSSMRA80A01H501U")).tax_code.as_deref(), Some("RSSMRA80A01H501U"));
        assert_eq!(public_organization_out(&org("01148190547")).tax_code.as_deref(), Some("01148190547"));
    }

    #[test]
    fn distances() {
        // Brescia (Piazza Loggia) to Rezzato: about 7 km.
        let d = distance_km((45.5397, 10.2196), (45.5174, 10.3125));
        assert!((6.5..8.0).contains(&d), "{d}");
        assert_eq!(distance_km((45.0, 10.0), (45.0, 10.0)), 0.0);
    }
}
