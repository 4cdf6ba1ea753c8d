//! The public directory in Open Referral HSDS 3.0 (docs/ARCHITECTURE.md §6), with the Italian
//! profile documented in `docs/hsds-profile-it.md`: a facility is one service at one
//! location, so service, location and service_at_location share the facility's number.
//!
//! HSDS wants UUIDs. Ours are derived, reversibly, from the kind and the database id:
//! `6f770000-0000-8000-8KKK-IIIIIIIIIIII` (K = kind, I = id in hex), so a link stays
//! valid as long as the entry exists. Empty values are left out: HSDS schemas allow no
//! `null`.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use types::directory::{area_key, setting_key, FacilityOut, FacilitySearch, FacilityTypeOut, AREAS, SETTINGS};
use types::i18n::t;
use types::{FacilityId, Lang};

use crate::facilities;
use crate::public_directory::PublicDirectory;
use crate::{AppError, Db, Result};

pub const HSDS_VERSION: &str = "3.0";
/// The canonical URI of the Italian profile (a URN: it names, it does not locate).
pub const PROFILE_URI: &str = "urn:openwelfare:hsds:profile:it:1.0";

/// Kinds of derived UUIDs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Service = 1,
    Organization = 2,
    Location = 3,
    ServiceAtLocation = 4,
    Taxonomy = 5,
    AreaTerm = 6,
    TypeTerm = 7,
    SettingTerm = 8,
    Schedule = 9,
    Phone = 10,
    Address = 11,
    Attribute = 12,
}

pub fn uuid(kind: Kind, id: i64) -> String {
    format!("6f770000-0000-8000-8{:03x}-{:012x}", kind as u16, (id as u64) & 0xffff_ffff_ffff)
}

/// The id inside a UUID of `kind`; anything else (another kind, not ours) is `None`.
pub fn id_of(kind: Kind, uuid_text: &str) -> Option<i64> {
    let prefix = format!("6f770000-0000-8000-8{:03x}-", kind as u16);
    let hex = uuid_text.to_ascii_lowercase().strip_prefix(&prefix)?.to_string();
    (hex.len() == 12).then(|| i64::from_str_radix(&hex, 16).ok()).flatten()
}

/// Facility-type terms are keyed by code (a deployment may add types), hashed to 48 bits.
fn type_term_id(code: &str) -> i64 {
    let d = Sha256::digest(code.as_bytes());
    d.iter().take(6).fold(0i64, |acc, b| (acc << 8) | i64::from(*b))
}

/// Inserts `value` unless it is empty (HSDS fields are never `null`).
fn put(obj: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value.map(Into::into) {
        let empty = matches!(&v, Value::String(s) if s.is_empty()) || v.is_null();
        if !empty {
            obj.insert(key.to_string(), v);
        }
    }
}

const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn organization(o: &types::directory::OrganizationOut, lang: Lang) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), uuid(Kind::Organization, o.id.0).into());
    m.insert("name".into(), o.name.clone().into());
    let description = t(lang, &format!("hsds.organization.{}", o.legal_status));
    m.insert("description".into(), description.into());
    put(&mut m, "legal_status", Some(o.legal_status.clone()));
    put(&mut m, "tax_id", o.vat_number.clone().or_else(|| o.tax_code.clone()));
    put(&mut m, "email", o.email.clone());
    put(&mut m, "website", o.website.clone());
    Value::Object(m)
}

fn term(kind: Kind, id: i64, taxonomy: i64, code: &str, name: String, lang: Lang) -> Value {
    json!({
        "id": uuid(kind, id),
        "code": code,
        "name": name,
        "description": name,
        "taxonomy_id": uuid(Kind::Taxonomy, taxonomy),
        "language": lang.code(),
    })
}

fn area_term(code: &str, lang: Lang) -> Option<Value> {
    let i = AREAS.iter().position(|a| *a == code)?;
    Some(term(Kind::AreaTerm, i as i64 + 1, 1, code, t(lang, &area_key(code)), lang))
}

fn setting_term(code: &str, lang: Lang) -> Option<Value> {
    let i = SETTINGS.iter().position(|a| *a == code)?;
    Some(term(Kind::SettingTerm, i as i64 + 1, 3, code, t(lang, &setting_key(code)), lang))
}

fn type_term(code: &str, label: &str, lang: Lang) -> Value {
    term(Kind::TypeTerm, type_term_id(code), 2, code, label.to_string(), lang)
}

fn location(f: &FacilityOut) -> Value {
    let id = f.id.0;
    let mut m = Map::new();
    m.insert("id".into(), uuid(Kind::Location, id).into());
    m.insert("location_type".into(), "physical".into());
    m.insert("name".into(), f.name.clone().into());
    put(&mut m, "latitude", f.latitude);
    put(&mut m, "longitude", f.longitude);
    put(&mut m, "organization_id", f.organization.as_ref().map(|o| uuid(Kind::Organization, o.id.0)));
    m.insert(
        "addresses".into(),
        json!([{
            "id": uuid(Kind::Address, id),
            "location_id": uuid(Kind::Location, id),
            "address_1": f.address,
            "city": f.comune.name,
            "state_province": f.comune.province,
            "postal_code": f.postal_code.clone().unwrap_or_default(),
            "country": "IT",
            "address_type": "physical",
        }]),
    );
    put(
        &mut m,
        "accessibility",
        f.accessibility.clone().map(|a| json!([{"id": uuid(Kind::Location, id), "description": a}])),
    );
    m.insert("external_identifier".into(), f.comune.istat_code.clone().into());
    m.insert("external_identifier_type".into(), "ISTAT comune".into());
    Value::Object(m)
}

/// The Italian profile's extra fields of a service.
fn italian_extras(m: &mut Map<String, Value>, f: &FacilityOut) {
    m.insert("it_facility_type".into(), f.facility_type.code.clone().into());
    m.insert("it_areas".into(), json!(f.areas));
    m.insert("it_setting".into(), f.setting.clone().into());
    let mut places = Map::new();
    put(&mut places, "authorised", f.places.authorised);
    put(&mut places, "accredited", f.places.accredited);
    put(&mut places, "free", f.places.free);
    put(&mut places, "occupied", f.places.occupied);
    put(&mut places, "updated_at", f.places.updated_at.clone());
    m.insert("it_places".into(), Value::Object(places));
    put(m, "it_accreditation", f.accreditation.clone());
    put(m, "it_accreditation_act", f.accreditation_act.clone());
    m.insert("it_comune_istat".into(), f.comune.istat_code.clone().into());
    m.insert("it_tenant".into(), f.tenant.slug.clone().into());
}

/// A facility as a full HSDS service (with organization, locations, schedules, phones,
/// languages and taxonomy attributes).
pub fn service(f: &FacilityOut, lang: Lang) -> Value {
    let id = f.id.0;
    let sid = uuid(Kind::Service, id);
    let mut m = Map::new();
    m.insert("id".into(), sid.clone().into());
    m.insert("name".into(), f.name.clone().into());
    m.insert("status".into(), "active".into());
    put(&mut m, "description", f.description.clone());
    put(&mut m, "url", f.website.clone());
    put(&mut m, "email", f.email.clone());
    put(&mut m, "eligibility_description", f.eligibility.clone());
    put(&mut m, "minimum_age", f.age_min);
    put(&mut m, "maximum_age", f.age_max);
    put(&mut m, "application_process", f.how_to_access.clone());
    put(&mut m, "fees_description", f.fees.clone());
    put(&mut m, "accreditations", f.accreditation.as_ref().map(|a| t(lang, &types::directory::accreditation_key(a))));
    put(&mut m, "assured_date", f.verified_at.as_ref().map(|v| v.chars().take(10).collect::<String>()));
    m.insert("last_modified".into(), f.updated_at.clone().into());
    if let Some(o) = &f.organization {
        m.insert("organization_id".into(), uuid(Kind::Organization, o.id.0).into());
        m.insert("organization".into(), organization(o, lang));
    }
    if let Some(phone) = &f.phone {
        m.insert("phones".into(), json!([{"id": uuid(Kind::Phone, id), "service_id": sid, "number": phone}]));
    }
    let schedules: Vec<Value> = f
        .hours
        .weekly
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({
                "id": uuid(Kind::Schedule, id * 1000 + i as i64),
                "service_id": sid,
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": DAYS[usize::from(s.weekday.clamp(1, 7)) - 1],
                "opens_at": s.opens,
                "closes_at": s.closes,
            })
        })
        .collect();
    if !schedules.is_empty() {
        m.insert("schedules".into(), schedules.into());
    }
    if !f.languages.is_empty() {
        let languages: Vec<Value> = f
            .languages
            .iter()
            .enumerate()
            .map(
                |(i, l)| json!({"id": uuid(Kind::Attribute, id * 1000 + 500 + i as i64), "service_id": sid, "code": l}),
            )
            .collect();
        m.insert("languages".into(), languages.into());
    }
    let mut terms: Vec<Value> = f.areas.iter().filter_map(|a| area_term(a, lang)).collect();
    terms.push(type_term(&f.facility_type.code, &f.facility_type.label, lang));
    terms.extend(setting_term(&f.setting, lang));
    let attributes: Vec<Value> = terms
        .into_iter()
        .enumerate()
        .map(|(i, term)| {
            json!({
                "id": uuid(Kind::Attribute, id * 1000 + i as i64),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            })
        })
        .collect();
    m.insert("attributes".into(), attributes.into());
    m.insert("service_at_locations".into(), json!([service_at_location(f, false, lang)]));
    italian_extras(&mut m, f);
    Value::Object(m)
}

/// The service at its location; `with_service` nests a flat service (list form).
pub fn service_at_location(f: &FacilityOut, with_service: bool, lang: Lang) -> Value {
    let id = f.id.0;
    let mut m = Map::new();
    m.insert("id".into(), uuid(Kind::ServiceAtLocation, id).into());
    m.insert("service_id".into(), uuid(Kind::Service, id).into());
    m.insert("location_id".into(), uuid(Kind::Location, id).into());
    m.insert("location".into(), location(f));
    if with_service {
        m.insert("service".into(), flat_service(f, lang));
    }
    Value::Object(m)
}

/// A service's own fields and its organization, as list endpoints give them.
pub fn flat_service(f: &FacilityOut, lang: Lang) -> Value {
    let mut full = service(f, lang);
    if let Some(m) = full.as_object_mut() {
        for key in ["phones", "schedules", "languages", "attributes", "service_at_locations"] {
            m.remove(key);
        }
    }
    full
}

/// The HSDS paging envelope around `contents`.
pub fn page(contents: Vec<Value>, total_items: u64, page_number: u64, per_page: u64) -> Value {
    let total_pages = total_items.div_ceil(per_page.max(1)).max(1);
    json!({
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": contents.len(),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

/// HSDS list parameters, in our search's terms.
#[derive(Clone, Debug, Default)]
pub struct ListParams {
    pub search: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    pub taxonomy_term_id: Option<String>,
}

/// Maps HSDS list parameters onto a directory search; an unknown term is a field error.
async fn to_search(db: &Db, p: &ListParams, lang: Lang) -> Result<FacilitySearch> {
    let mut s = FacilitySearch { q: p.search.clone(), page: p.page, per_page: p.per_page, ..Default::default() };
    if let Some(term) = p.taxonomy_term_id.as_deref().filter(|x| !x.is_empty()) {
        let area = id_of(Kind::AreaTerm, term).and_then(|i| AREAS.get(usize::try_from(i - 1).ok()?));
        let setting = id_of(Kind::SettingTerm, term).and_then(|i| SETTINGS.get(usize::try_from(i - 1).ok()?));
        let ftype = match id_of(Kind::TypeTerm, term) {
            Some(i) => facilities::facility_types(db, lang).await?.into_iter().find(|t| type_term_id(&t.code) == i),
            None => None,
        };
        match (area, setting, ftype) {
            (Some(a), _, _) => s.area = Some(a.to_string()),
            (_, Some(x), _) => s.setting = Some(x.to_string()),
            (_, _, Some(t)) => s.facility_type = Some(t.code),
            _ => return Err(AppError::field("taxonomy_term_id", "validation.unknown_code")),
        }
    }
    Ok(s)
}

pub async fn services(db: &Db, dir: &PublicDirectory, slug: &str, p: &ListParams, lang: Lang) -> Result<Value> {
    let search = to_search(db, p, lang).await?;
    let found = dir.search(slug, &search, lang).await?;
    let contents = found.items.iter().map(|f| flat_service(f, lang)).collect();
    Ok(page(contents, found.total_items, found.page, found.per_page))
}

pub async fn service_by_id(dir: &PublicDirectory, slug: &str, id: &str, lang: Lang) -> Result<Value> {
    let id = id_of(Kind::Service, id).ok_or(AppError::NotFound)?;
    Ok(service(&dir.facility(slug, FacilityId(id), lang).await?, lang))
}

pub async fn service_at_locations(
    db: &Db,
    dir: &PublicDirectory,
    slug: &str,
    p: &ListParams,
    lang: Lang,
) -> Result<Value> {
    let search = to_search(db, p, lang).await?;
    let found = dir.search(slug, &search, lang).await?;
    let contents = found.items.iter().map(|f| service_at_location(f, true, lang)).collect();
    Ok(page(contents, found.total_items, found.page, found.per_page))
}

pub async fn service_at_location_by_id(dir: &PublicDirectory, slug: &str, id: &str, lang: Lang) -> Result<Value> {
    let id = id_of(Kind::ServiceAtLocation, id).ok_or(AppError::NotFound)?;
    Ok(service_at_location(&dir.facility(slug, FacilityId(id), lang).await?, true, lang))
}

pub async fn organizations(db: &Db, slug: &str, p: &ListParams, lang: Lang) -> Result<Value> {
    let found = facilities::public_organizations(db, slug, p.page, p.per_page).await?;
    let contents = found.items.iter().map(|o| organization(o, lang)).collect();
    Ok(page(contents, found.total_items, found.page, found.per_page))
}

pub async fn organization_by_id(db: &Db, slug: &str, id: &str, lang: Lang) -> Result<Value> {
    let id = id_of(Kind::Organization, id).ok_or(AppError::NotFound)?;
    let o = facilities::public_organization(db, slug, types::OrganizationId(id)).await?;
    Ok(organization(&o, lang))
}

fn taxonomy_list(lang: Lang) -> Vec<Value> {
    [
        (1, "hsds.taxonomy.areas.name", "hsds.taxonomy.areas.description"),
        (2, "hsds.taxonomy.types.name", "hsds.taxonomy.types.description"),
        (3, "hsds.taxonomy.settings.name", "hsds.taxonomy.settings.description"),
    ]
    .into_iter()
    .map(|(id, name, description)| {
        json!({
            "id": uuid(Kind::Taxonomy, id),
            "name": t(lang, name),
            "description": t(lang, description),
            "version": "1.0",
        })
    })
    .collect()
}

pub fn taxonomies(lang: Lang) -> Value {
    let all = taxonomy_list(lang);
    let n = all.len() as u64;
    page(all, n, 1, n)
}

pub async fn taxonomy_terms(db: &Db, lang: Lang, types_: Option<Vec<FacilityTypeOut>>) -> Result<Value> {
    let types_ = match types_ {
        Some(t) => t,
        None => facilities::facility_types(db, lang).await?,
    };
    let mut all: Vec<Value> = AREAS.iter().filter_map(|a| area_term(a, lang)).collect();
    all.extend(types_.iter().map(|t| type_term(&t.code, &t.label, lang)));
    all.extend(SETTINGS.iter().filter_map(|s| setting_term(s, lang)));
    let n = all.len() as u64;
    Ok(page(all, n, 1, n))
}

/// `GET /`: what this endpoint speaks.
pub fn root() -> Value {
    json!({"version": HSDS_VERSION, "profile": PROFILE_URI})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_round_trip_and_keep_kinds_apart() {
        let u = uuid(Kind::Service, 12345);
        assert_eq!(u, "6f770000-0000-8000-8001-000000003039");
        assert_eq!(id_of(Kind::Service, &u), Some(12345));
        assert_eq!(id_of(Kind::Organization, &u), None);
        assert_eq!(id_of(Kind::Service, "ac148810-d857-441c-9679-408f346de14b"), None);
        assert_eq!(id_of(Kind::Service, "6f770000-0000-8000-8001-zzzzzzzzzzzz"), None);
    }
}
