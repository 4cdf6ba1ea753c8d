//! The front desk (sportello sociale): the contacts it logs, anonymous by default, with
//! the vocabulary of the Bologna Open Welfare tables (docs/ARCHITECTURE.md §5): channel, age band,
//! target area and the request as a Nomenclatore macro-area.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{ContactId, DistrictId, PersonId, UserId};

/// How the citizen reached the front desk.
pub const CHANNELS: [&str; 5] = ["in_person", "phone", "email", "letter_pec", "fax"];

/// Age bands of the Bologna front-desk tables; `unknown` when not given.
pub const AGE_BANDS: [&str; 11] =
    ["0-3", "4-7", "8-10", "11-14", "15-17", "18-25", "26-35", "36-50", "51-64", "65+", "unknown"];

pub const GENDERS: [&str; 3] = ["female", "male", "not_stated"];

pub const CITIZENSHIPS: [&str; 3] = ["italian", "foreign", "not_stated"];

/// What was asked, as macro-areas of the interregional Nomenclatore of social
/// interventions (CISIS), in the order of the Bologna tables.
pub const REQUEST_TYPES: [&str; 11] = [
    "segretariato_sociale",
    "contributi_economici",
    "supporto_persona_famiglia",
    "interventi_domiciliari",
    "strutture_semiresidenziali",
    "strutture_residenziali",
    "educativo_inserimento_lavorativo",
    "integrazione_sociale",
    "pronto_intervento_sociale",
    "servizi_integrativi",
    "prevenzione",
];

/// How the contact ended.
pub const OUTCOMES: [&str; 5] =
    ["information_given", "referred_social_service", "referred_other_service", "case_opened", "pending"];

/// Translation key of a code of list `list` (`channel`, `age_band`, …).
pub fn code_key(list: &str, code: &str) -> String {
    format!("contact.{list}.{code}")
}

/// A contact as the front desk records it. Anonymous: no name, no codice fiscale. A
/// missing field reads as empty, so it is named in the field errors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct ContactIn {
    /// `YYYY-MM-DD`; today when absent. Not in the future.
    pub contacted_on: Option<String>,
    pub channel: String,
    pub district_id: Option<DistrictId>,
    /// Target area code (`types::directory::AREAS`).
    pub area: String,
    pub age_band: String,
    pub gender: String,
    pub citizenship: String,
    /// Country of a foreign citizen (optional, free text).
    pub country: Option<String>,
    pub request_type: String,
    pub outcome: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ContactOut {
    pub id: ContactId,
    pub contacted_on: String,
    pub channel: String,
    pub district_id: Option<DistrictId>,
    pub district_name: Option<String>,
    pub area: String,
    pub age_band: String,
    pub gender: String,
    pub citizenship: String,
    pub country: Option<String>,
    pub request_type: String,
    pub outcome: String,
    pub recorded_by: UserId,
    pub recorded_by_name: String,
    /// The person the contact turned out to be about, once a case was opened from it.
    pub person_id: Option<PersonId>,
    pub created_at: String,
}

/// Filters of the contact log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactSearch {
    /// From this day (`YYYY-MM-DD`), included.
    pub from: Option<String>,
    /// To this day, included.
    pub to: Option<String>,
    pub channel: Option<String>,
    pub area: Option<String>,
    pub page: Option<u64>,
}
