//! The person of the social case record: who they are, where they live, how to reach
//! them. Special-category personal data: every access is audited.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{DistrictId, PersonId};

/// A person as the social worker records them. A missing field reads as empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct PersonIn {
    pub first_name: String,
    pub last_name: String,
    /// Codice fiscale (16 characters); empty for a person without one, who is flagged.
    pub tax_code: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    pub birth_place: Option<String>,
    /// `F` or `M`.
    pub sex: Option<String>,
    /// `italian`, `foreign` or `not_stated` (default `not_stated`).
    pub citizenship: Option<String>,
    pub country: Option<String>,
    pub address: Option<String>,
    pub district_id: Option<DistrictId>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Create even though a person with the same codice fiscale, or the same name and
    /// birth date, exists (after the warning).
    pub confirm_duplicate: bool,
    /// On update: the `version` the edit started from.
    pub version: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PersonOut {
    pub id: PersonId,
    pub first_name: String,
    pub last_name: String,
    pub tax_code: Option<String>,
    /// No codice fiscale recorded: to be completed.
    pub missing_tax_code: bool,
    pub birth_date: Option<String>,
    pub birth_place: Option<String>,
    pub sex: Option<String>,
    pub citizenship: String,
    pub country: Option<String>,
    pub address: Option<String>,
    pub district_id: Option<DistrictId>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub version: i32,
}

/// How a member of the household relates to the person.
pub const RELATIONSHIPS: &[&str] = &[
    "spouse",
    "partner",
    "child",
    "parent",
    "sibling",
    "grandparent",
    "grandchild",
    "other_relative",
    "cohabitant",
    "other",
];

pub fn relationship_key(code: &str) -> String {
    format!("person.relationship.{code}")
}

/// A member of the household (nucleo), a person of the tenant.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct HouseholdMemberIn {
    pub member_id: Option<PersonId>,
    /// A `RELATIONSHIPS` code.
    pub relationship: String,
    /// Lives with the person.
    pub cohabiting: bool,
}

/// The whole household of a person (replaces the previous list).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct HouseholdIn {
    pub members: Vec<HouseholdMemberIn>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HouseholdMemberOut {
    pub member_id: PersonId,
    pub name: String,
    pub birth_date: Option<String>,
    pub relationship: String,
    pub cohabiting: bool,
}

/// One case in a person's data export: the case, every section, the work on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseExport {
    pub id: crate::CaseId,
    pub area: String,
    pub status: String,
    pub opened_on: String,
    pub closed_on: Option<String>,
    pub closing_reason: Option<String>,
    pub responsible_name: String,
    /// Every section that holds something, restricted ones included.
    pub sections: Vec<crate::cases::SectionOut>,
    pub work: crate::plans::CaseWorkOut,
    /// To whom the case was referred or proposed, with which sections.
    pub handovers: crate::referrals::CaseHandovers,
}

/// Everything the tenant holds about a person (GDPR art. 15 and 20), in one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PersonExport {
    pub exported_at: String,
    /// The controller: the tenant holding the data.
    pub tenant: String,
    pub person: PersonOut,
    pub household: Vec<HouseholdMemberOut>,
    pub cases: Vec<CaseExport>,
    /// Front-desk contacts linked to the person.
    pub contacts: Vec<crate::contacts::ContactOut>,
    /// Who read or changed the person's data, and when.
    pub accesses: Vec<crate::cases::AuditEntryOut>,
}

/// Erasing (only a person with no case) or anonymising a person.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct ErasureIn {
    /// `erase` (only a person never taken in charge) or `anonymise`.
    pub mode: String,
}

pub const ERASURE_MODES: &[&str] = &["erase", "anonymise"];
