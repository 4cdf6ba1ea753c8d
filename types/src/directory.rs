//! The facility directory's vocabulary and bodies (docs/ARCHITECTURE.md §5–6): target areas, settings,
//! opening hours, facilities and their managing organisations, search parameters.
//! Shared with the widgets, so serde only.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{DistrictId, FacilityId, OrganizationId, TenantKind};

/// Target areas of the ISTAT survey of municipal social services, by stable code.
pub const AREAS: [&str; 7] =
    ["famiglia_minori", "disabili", "dipendenze", "anziani", "immigrati", "poverta", "multiutenza"];

/// Settings a facility works in.
pub const SETTINGS: [&str; 4] = ["day", "residential", "home", "service_point"];

/// Accreditation states (regional accreditation of a social or social-health facility).
pub const ACCREDITATIONS: [&str; 3] = ["accredited", "authorised", "none"];

/// Legal status of a managing organisation.
pub const LEGAL_STATUSES: [&str; 2] = ["public", "private"];

/// The fields a CSV column can feed in an import (`field=COLUMN` mappings).
/// `code`, `name`, `address` and `comune` are required.
pub const IMPORT_TARGETS: [&str; 23] = [
    "code",
    "name",
    "facility_type",
    "address",
    "comune",
    "comune_name",
    "province",
    "postal_code",
    "latitude",
    "longitude",
    "places_authorised",
    "places_accredited",
    "places_free",
    "accredited",
    "phone",
    "email",
    "website",
    "description",
    "organization_code",
    "organization_name",
    "organization_vat",
    "organization_tax_code",
    "organization_legal_status",
];

/// Translation key of an area's name.
pub fn area_key(code: &str) -> String {
    format!("area.{code}")
}

pub fn setting_key(code: &str) -> String {
    format!("setting.{code}")
}

pub fn accreditation_key(code: &str) -> String {
    format!("accreditation.{code}")
}

pub fn legal_status_key(code: &str) -> String {
    format!("legal_status.{code}")
}

/// One opening interval on a weekday (1 = Monday … 7 = Sunday), times `HH:MM`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OpeningSlot {
    pub weekday: u8,
    pub opens: String,
    pub closes: String,
}

/// A dated exception: closed that day, or open at other times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HoursException {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub closed: bool,
    #[serde(default)]
    pub opens: Option<String>,
    #[serde(default)]
    pub closes: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Structured opening hours. Empty `weekly` means "not stated" (e.g. residential care is 24/7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OpeningHours {
    #[serde(default)]
    pub weekly: Vec<OpeningSlot>,
    #[serde(default)]
    pub exceptions: Vec<HoursException>,
}

/// A kind of facility (RSA, CDD, asilo nido…), with its usual area and setting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityTypeOut {
    pub code: String,
    /// In the request's language.
    pub label: String,
    pub area: String,
    pub setting: String,
}

/// Places (HSDS `service_capacity`): authorised and accredited by the region, free now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlacesOut {
    pub authorised: Option<i32>,
    pub accredited: Option<i32>,
    pub free: Option<i32>,
    /// Authorised minus free, when both are known.
    pub occupied: Option<i32>,
    /// When `free` was last updated (RFC 3339).
    pub updated_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrganizationIn {
    pub name: String,
    #[serde(default)]
    pub tax_code: Option<String>,
    #[serde(default)]
    pub vat_number: Option<String>,
    /// `public` or `private`.
    pub legal_status: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrganizationOut {
    pub id: OrganizationId,
    pub name: String,
    pub tax_code: Option<String>,
    pub vat_number: Option<String>,
    pub legal_status: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

/// Create or edit a facility (staff). Lists are codes; empty optional text is `None`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityIn {
    pub name: String,
    pub facility_type: String,
    pub areas: Vec<String>,
    pub setting: String,
    #[serde(default)]
    pub organization_id: Option<OrganizationId>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub eligibility: Option<String>,
    #[serde(default)]
    pub age_min: Option<i32>,
    #[serde(default)]
    pub age_max: Option<i32>,
    #[serde(default)]
    pub how_to_access: Option<String>,
    #[serde(default)]
    pub fees: Option<String>,
    #[serde(default)]
    pub hours: OpeningHours,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// ISO 639-1 codes of the languages spoken.
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub accessibility: Option<String>,
    pub address: String,
    #[serde(default)]
    pub postal_code: Option<String>,
    /// ISTAT code of the comune (6 digits).
    pub comune: String,
    #[serde(default)]
    pub district_id: Option<DistrictId>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub places_authorised: Option<i32>,
    #[serde(default)]
    pub places_accredited: Option<i32>,
    #[serde(default)]
    pub places_free: Option<i32>,
    /// `accredited`, `authorised` or `none`.
    #[serde(default)]
    pub accreditation: Option<String>,
    /// The regional act (decree number and date) granting accreditation.
    #[serde(default)]
    pub accreditation_act: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TenantBriefOut {
    pub slug: String,
    pub name: String,
    pub kind: TenantKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ComuneBriefOut {
    pub istat_code: String,
    pub name: String,
    /// Province abbreviation (`BS`).
    pub province: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DistrictBriefOut {
    pub id: DistrictId,
    pub name: String,
}

/// What the staff list can be filtered by beyond fixed lists: the comuni that have
/// entries in the directory and its districts (named with their tenant when several).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffFilterOptionsOut {
    pub comuni: Vec<ComuneBriefOut>,
    pub districts: Vec<DistrictBriefOut>,
}

/// What a public directory can be filtered by: the facility types and comuni that
/// occur among its published entries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicFiltersOut {
    pub facility_types: Vec<FacilityTypeOut>,
    pub comuni: Vec<ComuneBriefOut>,
}

/// A facility as the public sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityOut {
    pub id: FacilityId,
    /// The tenant that keeps this entry.
    pub tenant: TenantBriefOut,
    pub name: String,
    pub facility_type: FacilityTypeOut,
    pub areas: Vec<String>,
    pub setting: String,
    pub organization: Option<OrganizationOut>,
    pub description: Option<String>,
    pub eligibility: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub how_to_access: Option<String>,
    pub fees: Option<String>,
    pub hours: OpeningHours,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub languages: Vec<String>,
    pub accessibility: Option<String>,
    pub address: String,
    pub postal_code: Option<String>,
    pub comune: ComuneBriefOut,
    pub district: Option<DistrictBriefOut>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub places: PlacesOut,
    pub accreditation: Option<String>,
    pub accreditation_act: Option<String>,
    /// When the entry was last confirmed by its keeper (RFC 3339).
    pub verified_at: Option<String>,
    pub updated_at: String,
    /// Distance from `near`, when the search gave one.
    pub distance_km: Option<f64>,
}

coded_enum! {
    /// A facility's editorial state, as the staff list filters by it (`all` there shows
    /// every state): a published entry is public unless archived.
    pub enum FacilityStatus {
        Published = "published",
        Draft = "draft",
        Archived = "archived",
    }
}

/// A facility as staff see it: the public entry plus its editorial state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffFacilityOut {
    pub facility: FacilityOut,
    pub published: bool,
    pub archived: bool,
    /// Not verified within the tenant's freshness window.
    pub stale: bool,
    /// `source:code` for imported entries (the key re-imports update).
    pub source_key: Option<String>,
}

/// One field change in a facility's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityChangeOut {
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// Display name of who changed it.
    pub changed_by: Option<String>,
    pub changed_at: String,
}

/// What a facility manager keeps up to date themselves: free places, hours, contacts,
/// description. Saving it (even unchanged) confirms the entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SelfServiceIn {
    #[serde(default)]
    pub places_free: Option<i32>,
    #[serde(default)]
    pub hours: OpeningHours,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// Publish, unpublish, archive or restore a facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityStateIn {
    #[serde(default)]
    pub published: Option<bool>,
    #[serde(default)]
    pub archived: Option<bool>,
}

/// Search parameters, shared by the public API and the staff lists, as the query string
/// of both (`?q=…&type=rsa&near=45.5,10.2`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct FacilitySearch {
    /// Words that must all appear (name, type, operator, address, comune).
    pub q: Option<String>,
    /// Target area code: famiglia_minori, disabili, dipendenze, anziani, immigrati, poverta, multiutenza.
    pub area: Option<String>,
    /// Facility type code (see `/api/public/v1/facility-types`).
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", param(rename = "type"))]
    pub facility_type: Option<String>,
    /// `day`, `residential`, `home` or `service_point`.
    pub setting: Option<String>,
    /// ISTAT code of the comune (6 digits).
    pub comune: Option<String>,
    /// District id (Bologna's quartieri, …).
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>))]
    pub district: Option<DistrictId>,
    /// Only facilities with free places now.
    pub free_places: Option<bool>,
    /// `lat,lon` (WGS84): only facilities within `radius_km`, nearest first.
    pub near: Option<String>,
    /// Radius around `near` in km (default 10, at most 200).
    pub radius_km: Option<f64>,
    /// 1-based page.
    pub page: Option<u64>,
    /// Items per page (default 20, at most 100).
    pub per_page: Option<u64>,
    /// Staff lists only (the public directory ignores it): `published`, `draft`,
    /// `archived` or `all`; default all but archived.
    pub status: Option<String>,
    /// Staff lists only (the public directory ignores it): only entries not verified
    /// within the tenant's freshness window.
    pub stale: Option<bool>,
}

impl FacilitySearch {
    /// The search as the public directory runs it: published entries, whatever the
    /// staff-only filters say.
    pub fn public(self) -> FacilitySearch {
        FacilitySearch { status: None, stale: None, ..self }
    }
}

/// A page of search results (public API naming).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SearchPage<T> {
    pub items: Vec<T>,
    pub total_items: u64,
    pub page: u64,
    pub per_page: u64,
    pub total_pages: u64,
}

/// A tenant that publishes a directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicTenantOut {
    pub slug: String,
    pub name: String,
    pub kind: TenantKind,
    pub parent: Option<String>,
    pub istat_code: Option<String>,
}

/// One problem of one CSV row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportIssue {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TenantRows {
    pub slug: String,
    pub rows: u64,
}

/// What an import did, or would do in a dry run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportReport {
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows outside the importer's territory, left out on request (`skip_outside`).
    pub skipped: u64,
    /// Rows per receiving tenant.
    pub by_tenant: Vec<TenantRows>,
    pub issues: Vec<ImportIssue>,
    /// False for a dry run, and when any row has an issue (nothing is written then).
    pub applied: bool,
}

/// Weekday names accepted in the hours text, Monday first (Italian, then English).
const DAYS_IT: [&str; 7] = ["lun", "mar", "mer", "gio", "ven", "sab", "dom"];
const DAYS_EN: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn weekday(word: &str) -> Option<u8> {
    let w: String = word.trim().to_lowercase().chars().take(3).collect();
    DAYS_IT.iter().position(|d| *d == w).or_else(|| DAYS_EN.iter().position(|d| *d == w)).map(|i| i as u8 + 1)
}

fn time_range(word: &str) -> Option<(String, String)> {
    let (a, b) = word.split_once('-')?;
    let norm = |t: &str| {
        let t = t.trim().replace('.', ":");
        let (h, m) = t.split_once(':').unwrap_or((&t, "00"));
        let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
    };
    let (a, b) = (norm(a)?, norm(b)?);
    (a < b).then_some((a, b))
}

fn valid_date(d: &str) -> bool {
    let parts: Vec<&str> = d.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && (1..=12).contains(&parts[1].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u8>().unwrap_or(0))
}

impl OpeningHours {
    /// Reads the hours as staff type them, one line per day or date:
    /// `lun-ven 08:30-12:30 14:00-17:00`, `sab 9-12`, `2026-12-25 chiuso`,
    /// `2026-12-24 09:00-12:00`. Day names in Italian or English. On error, the
    /// 1-based number of the first line that cannot be read.
    pub fn parse_text(text: &str) -> Result<OpeningHours, usize> {
        let mut hours = OpeningHours::default();
        for (n, line) in text.lines().enumerate() {
            let mut words = line.split_whitespace();
            let Some(first) = words.next() else { continue };
            let ranges: Vec<&str> = words.collect();
            if valid_date(first) {
                let closed = ranges.len() == 1 && ["chiuso", "closed"].contains(&ranges[0].to_lowercase().as_str());
                if closed {
                    hours.exceptions.push(HoursException {
                        date: first.into(),
                        closed: true,
                        opens: None,
                        closes: None,
                        note: None,
                    });
                    continue;
                }
                if ranges.is_empty() {
                    return Err(n + 1);
                }
                for r in ranges {
                    let (opens, closes) = time_range(r).ok_or(n + 1)?;
                    hours.exceptions.push(HoursException {
                        date: first.into(),
                        closed: false,
                        opens: Some(opens),
                        closes: Some(closes),
                        note: None,
                    });
                }
                continue;
            }
            let days: Vec<u8> = match first.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (weekday(a).ok_or(n + 1)?, weekday(b).ok_or(n + 1)?);
                    if a > b {
                        return Err(n + 1);
                    }
                    (a..=b).collect()
                }
                None => vec![weekday(first).ok_or(n + 1)?],
            };
            if ranges.is_empty() {
                return Err(n + 1);
            }
            for r in ranges {
                let (opens, closes) = time_range(r).ok_or(n + 1)?;
                for d in &days {
                    hours.weekly.push(OpeningSlot { weekday: *d, opens: opens.clone(), closes: closes.clone() });
                }
            }
        }
        hours.weekly.sort_by(|a, b| (a.weekday, &a.opens).cmp(&(b.weekday, &b.opens)));
        Ok(hours)
    }

    /// The hours in the text form `parse_text` reads, one line per weekday and date.
    pub fn to_text(&self, lang: crate::Lang) -> String {
        let days = if lang == crate::Lang::En { DAYS_EN } else { DAYS_IT };
        let mut lines = Vec::new();
        for d in 1..=7u8 {
            let slots: Vec<String> =
                self.weekly.iter().filter(|s| s.weekday == d).map(|s| format!("{}-{}", s.opens, s.closes)).collect();
            if !slots.is_empty() {
                lines.push(format!("{} {}", days[usize::from(d - 1)], slots.join(" ")));
            }
        }
        let mut dates: Vec<&str> = self.exceptions.iter().map(|e| e.date.as_str()).collect();
        dates.dedup();
        for date in dates {
            let of_day: Vec<&HoursException> = self.exceptions.iter().filter(|e| e.date == date).collect();
            if of_day.iter().any(|e| e.closed) {
                lines.push(format!("{date} {}", if lang == crate::Lang::En { "closed" } else { "chiuso" }));
            } else {
                let slots: Vec<String> = of_day
                    .iter()
                    .filter_map(|e| Some(format!("{}-{}", e.opens.as_deref()?, e.closes.as_deref()?)))
                    .collect();
                lines.push(format!("{date} {}", slots.join(" ")));
            }
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn hours_text_round_trip() {
        let text = "lun-ven 08:30-12:30 14-17\nsab 9.00-12\n2026-12-25 chiuso\n2026-12-24 09:00-12:00";
        let h = OpeningHours::parse_text(text).unwrap_or_default();
        assert_eq!(h.weekly.len(), 11);
        assert_eq!(h.weekly[0], OpeningSlot { weekday: 1, opens: "08:30".into(), closes: "12:30".into() });
        assert_eq!(h.weekly[10], OpeningSlot { weekday: 6, opens: "09:00".into(), closes: "12:00".into() });
        assert_eq!(h.exceptions.len(), 2);
        let again = OpeningHours::parse_text(&h.to_text(Lang::En)).unwrap_or_default();
        assert_eq!(again, h);
        assert!(h.to_text(Lang::It).starts_with("lun 08:30-12:30 14:00-17:00\nmar"));
    }

    #[test]
    fn hours_text_errors_name_the_line() {
        assert_eq!(OpeningHours::parse_text("lun 08:30-12:30\nfunday 9-12"), Err(2));
        assert_eq!(OpeningHours::parse_text("lun 12:00-09:00"), Err(1));
        assert_eq!(OpeningHours::parse_text("ven-lun 9-12"), Err(1));
        assert_eq!(OpeningHours::parse_text("2026-13-01 chiuso"), Err(1));
        assert_eq!(OpeningHours::parse_text("lun 25:00-26:00"), Err(1));
        assert_eq!(OpeningHours::parse_text(""), Ok(OpeningHours::default()));
    }
}
