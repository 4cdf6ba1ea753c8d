//! The facility directory's vocabulary and bodies (DESIGN.md §5–6): target areas, settings,
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
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DistrictBriefOut {
    pub id: DistrictId,
    pub name: String,
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

/// Publish, unpublish, archive or restore a facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacilityStateIn {
    #[serde(default)]
    pub published: Option<bool>,
    #[serde(default)]
    pub archived: Option<bool>,
}

/// Search parameters, shared by the public API and the staff lists.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FacilitySearch {
    pub q: Option<String>,
    pub area: Option<String>,
    pub facility_type: Option<String>,
    pub setting: Option<String>,
    pub comune: Option<String>,
    pub district: Option<DistrictId>,
    pub free_places: Option<bool>,
    /// `lat,lon`.
    pub near: Option<String>,
    pub radius_km: Option<f64>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// Staff only: `published`, `draft`, `archived`; default all but archived.
    pub status: Option<String>,
    /// Staff only: only entries not verified within the freshness window.
    pub stale: Option<bool>,
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
