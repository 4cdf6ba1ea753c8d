//! The social case (presa in carico) and the sections of its record (cartella sociale).
//!
//! Each section is described here once, as data: its fields and their kinds. The server
//! validates a section's entries against this description and the staff app draws its
//! form from it, so adding a field is one line here and two translations.
//!
//! Judicial acts, relations with the court and reports from other services are
//! *restricted*: reading or editing them needs an explicit grant on the case, whoever
//! you are (docs/ARCHITECTURE.md §4).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::persons::PersonOut;
use crate::{CaseId, ContactId, DistrictId, PersonId, UserId};

/// What a field holds; values travel as text in a canonical form (dates `YYYY-MM-DD`,
/// amounts `1234.50` in euros).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// One line, at most 200 characters.
    Text,
    /// Free notes, at most 4000 characters.
    Notes,
    /// One code of a list (translated as `case.code.{list}.{code}`).
    Code(&'static str, &'static [&'static str]),
    /// An amount in euros, not negative.
    Money,
    /// A date; `past` ones may not be after today.
    Date { past: bool },
    /// A whole number from 0 to 99 (rooms, people).
    Count,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub name: &'static str,
    pub kind: FieldKind,
}

/// One section of the cartella.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionDef {
    pub code: &'static str,
    /// Needs an explicit grant on the case (judicial and other services' data).
    pub restricted: bool,
    /// A list of entries (support network, needs, acts, reports); otherwise one entry.
    pub repeated: bool,
    pub fields: &'static [FieldDef],
}

impl SectionDef {
    pub fn label_key(&self) -> String {
        format!("case.section.{}", self.code)
    }

    pub fn field_key(&self, field: &str) -> String {
        format!("case.field.{}.{field}", self.code)
    }

    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
}

const fn f(name: &'static str, kind: FieldKind) -> FieldDef {
    FieldDef { name, kind }
}

use FieldKind::*;

pub const TENURES: &[&str] =
    &["owner", "private_rent", "public_housing", "free_use", "guest", "facility", "shelter", "homeless"];
pub const ADEQUACY: &[&str] = &["adequate", "partly", "inadequate"];
pub const YES_NO: &[&str] = &["yes", "no"];
pub const WORK: &[&str] =
    &["employed", "self_employed", "unemployed", "retired", "student", "homemaker", "unable", "other"];
pub const EDUCATION: &[&str] = &["none", "primary", "lower_secondary", "upper_secondary", "degree"];
pub const NETWORK_KINDS: &[&str] = &["family", "extra_family"];
pub const NETWORK_STATES: &[&str] = &["active", "activatable"];
/// Needs, by the areas of the ISTAT survey of municipal social services.
pub const NEEDS: &[&str] = &[
    "economic",
    "housing",
    "work",
    "care",
    "health",
    "parenting",
    "education",
    "relational",
    "autonomy",
    "legal",
    "other",
];
pub const JUDICIAL_ACTS: &[&str] =
    &["criminal_proceedings", "sentence", "alternative_measure", "probation", "protection_order", "other"];
pub const COURTS: &[&str] = &["juvenile_court", "ordinary_court", "guardianship_judge", "prosecutor"];
pub const COURT_MEASURES: &[&str] =
    &["inquiry", "custody_to_service", "removal", "parental_limitation", "guardian", "support_administrator", "other"];
/// Services that send reports: addictions (SER.T, NOA for alcohol), adult mental health
/// (CPS), child neuropsychiatry (NPIA), schools, health.
pub const SERVICES: &[&str] =
    &["sert", "noa", "cps", "npia", "school", "family_doctor", "hospital", "consultorio", "police", "other"];

pub const SECTIONS: &[SectionDef] = &[
    SectionDef {
        code: "housing",
        restricted: false,
        repeated: false,
        fields: &[
            f("tenure", Code("tenure", TENURES)),
            f("rooms", Count),
            f("occupants", Count),
            f("adequacy", Code("adequacy", ADEQUACY)),
            f("barriers", Code("yes_no", YES_NO)),
            f("monthly_rent", Money),
            f("notes", Notes),
        ],
    },
    SectionDef {
        code: "socio_economic",
        restricted: false,
        repeated: false,
        fields: &[
            f("monthly_income", Money),
            f("isee", Money),
            f("isee_expiry", Date { past: false }),
            f("work", Code("work", WORK)),
            f("education", Code("education", EDUCATION)),
            f("other_benefits", Text),
            f("notes", Notes),
        ],
    },
    SectionDef {
        code: "support_network",
        restricted: false,
        repeated: true,
        fields: &[
            f("kind", Code("network_kind", NETWORK_KINDS)),
            f("who", Text),
            f("state", Code("network_state", NETWORK_STATES)),
            f("notes", Notes),
        ],
    },
    SectionDef {
        code: "needs",
        restricted: false,
        repeated: true,
        fields: &[f("need", Code("need", NEEDS)), f("notes", Notes)],
    },
    SectionDef {
        code: "judicial",
        restricted: true,
        repeated: true,
        fields: &[
            f("act", Code("judicial_act", JUDICIAL_ACTS)),
            f("date", Date { past: true }),
            f("authority", Text),
            f("reference", Text),
            f("notes", Notes),
        ],
    },
    SectionDef {
        code: "court",
        restricted: true,
        repeated: true,
        fields: &[
            f("court", Code("court", COURTS)),
            f("measure", Code("court_measure", COURT_MEASURES)),
            f("date", Date { past: true }),
            f("next_hearing", Date { past: false }),
            f("notes", Notes),
        ],
    },
    SectionDef {
        code: "other_services",
        restricted: true,
        repeated: true,
        fields: &[f("service", Code("service", SERVICES)), f("date", Date { past: true }), f("summary", Notes)],
    },
];

pub fn section(code: &str) -> Option<&'static SectionDef> {
    SECTIONS.iter().find(|s| s.code == code)
}

/// Translation key of a code of a section field's list.
pub fn code_key(list: &str, code: &str) -> String {
    format!("case.code.{list}.{code}")
}

/// Why a case was closed.
pub const CLOSING_REASONS: &[&str] = &["goals_reached", "moved_away", "deceased", "declined", "transferred", "other"];

/// At most this many entries in a repeated section.
pub const MAX_ENTRIES: usize = 50;

/// One entry of a section: field name → value in canonical form. Fields left empty are
/// absent.
pub type Entry = BTreeMap<String, String>;

/// Parses an amount in euros as people type it (`1234`, `1.234,50`, `1234.5`, `€ 80`)
/// into cents. `None` when it is not an amount or is negative.
pub fn parse_euros(text: &str) -> Option<i64> {
    let t: String = text.trim().trim_start_matches('€').trim_end_matches('€').trim().replace(' ', "");
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    // Italian: `.` groups thousands and `,` marks decimals; `1234.50` is read as decimals
    // when the dot is followed by one or two digits.
    let (units, decimals) = match (t.rfind(','), t.rfind('.')) {
        (Some(c), _) => (t[..c].replace('.', ""), &t[c + 1..]),
        (None, Some(d)) if t.len() - d - 1 <= 2 && t.matches('.').count() == 1 => (t[..d].to_string(), &t[d + 1..]),
        _ => (t.replace('.', ""), ""),
    };
    if units.is_empty() || units.len() > 12 || decimals.len() > 2 {
        return None;
    }
    if !units.chars().all(|c| c.is_ascii_digit()) || !decimals.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let cents = format!("{decimals:0<2}").parse::<i64>().ok()?;
    Some(units.parse::<i64>().ok()? * 100 + cents)
}

/// Cents as the canonical text of an amount: `1234.50`.
pub fn format_cents(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

coded_enum! {
    /// Where a case stands.
    pub enum CaseStatus {
        Open = "open",
        Closed = "closed",
    }
}

/// Opening a case (presa in carico).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct CaseIn {
    pub person_id: Option<PersonId>,
    /// Target area code (`types::directory::AREAS`).
    pub area: String,
    /// `YYYY-MM-DD`; today when absent.
    pub opened_on: Option<String>,
    /// The responsible social worker; a social worker opening a case is responsible for
    /// it, a tenant admin names one.
    pub responsible_id: Option<UserId>,
    /// The front-desk contact the case comes from (its outcome becomes "case opened").
    pub contact_id: Option<ContactId>,
}

/// Changing a case: its area, dates and closing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct CaseEdit {
    pub area: String,
    pub opened_on: String,
    /// Set to close the case; not before `opened_on`, not in the future.
    pub closed_on: Option<String>,
    /// Required with `closed_on` (`CLOSING_REASONS`).
    pub closing_reason: Option<String>,
    /// The `version` the edit started from.
    pub version: Option<i32>,
}

/// Who works on a case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseMemberOut {
    pub user_id: UserId,
    pub name: String,
    pub responsible: bool,
    /// May read and edit the restricted sections.
    pub restricted: bool,
}

/// Who may work on a case (tenant admins only): the responsible worker and the others.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct CaseAccessIn {
    pub responsible_id: Option<UserId>,
    pub members: Vec<CaseMemberIn>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct CaseMemberIn {
    pub user_id: Option<UserId>,
    pub restricted: bool,
}

/// A section as the case page lists it (no content).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SectionSummary {
    pub code: String,
    pub restricted: bool,
    /// The caller may open it.
    pub readable: bool,
    /// 0 when nothing was ever recorded.
    pub version: i32,
    pub updated_at: Option<String>,
    pub updated_by_name: Option<String>,
}

/// A case with its person, workers and sections' summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseOut {
    pub id: CaseId,
    pub person: PersonOut,
    pub area: String,
    pub status: String,
    pub opened_on: String,
    pub closed_on: Option<String>,
    pub closing_reason: Option<String>,
    pub members: Vec<CaseMemberOut>,
    pub sections: Vec<SectionSummary>,
    /// The caller may change who works on the case.
    pub can_manage_access: bool,
    /// The caller works on the case (assessment, plan, interventions, referrals); false
    /// for a third-sector operator who sees only the sections referred to them.
    pub is_worker: bool,
    pub version: i32,
}

/// What the case page shows, in one answer (one transaction on the server).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CasePage {
    pub case: CaseOut,
    /// For those who work on the case (not for a referred operator).
    pub work: Option<crate::plans::CaseWorkOut>,
    pub handovers: Option<crate::referrals::CaseHandovers>,
    pub choices: Option<crate::referrals::HandoverChoices>,
    /// For tenant admins: who could be given the case.
    pub workers: Vec<CaseMemberOut>,
}

/// A line of a case list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseSummary {
    pub id: CaseId,
    pub person_id: PersonId,
    pub person_name: String,
    pub tax_code: Option<String>,
    pub area: String,
    pub status: String,
    pub opened_on: String,
    pub responsible_name: String,
}

/// Filters of the case list (sent in a body: names are personal data).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct CaseSearch {
    /// Words of the surname and name, or a codice fiscale.
    pub q: Option<String>,
    pub status: Option<String>,
    pub area: Option<String>,
    /// Only the cases the caller is responsible for.
    pub mine: bool,
    /// Only the cases of this person.
    pub person_id: Option<PersonId>,
    /// Only the cases of persons living in this district (quartiere).
    pub district_id: Option<DistrictId>,
    pub page: Option<u64>,
}

/// A section's content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SectionOut {
    pub code: String,
    pub entries: Vec<Entry>,
    /// 0 when nothing was ever recorded.
    pub version: i32,
    pub updated_at: Option<String>,
    pub updated_by_name: Option<String>,
}

/// Saving a section: all its entries, and the version the edit started from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct SectionIn {
    pub entries: Vec<Entry>,
    pub version: Option<i32>,
}

/// One save of a section: who, when, which fields changed, and what it held after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SectionChange {
    pub version: i32,
    pub changed_at: String,
    pub changed_by_name: String,
    /// Fields whose value differs from the version before (any entry).
    pub fields: Vec<String>,
    pub entries: Vec<Entry>,
}

/// Audit actions (`domain::audit::Action` codes) and the parts of a case other than its
/// sections that entries name, for their labels (`cases.audit_action.*`, `cases.audit_part.*`).
pub const AUDIT_ACTIONS: &[&str] = &["read", "list", "create", "update", "delete", "export", "check", "refused"];
pub const AUDIT_PARTS: &[&str] = &[
    "access",
    "work",
    "assessment",
    "plan",
    "interventions",
    "audit",
    "household",
    "subject_access",
    "erasure",
    "anonymisation",
    "referral",
    "transfer",
];

/// One entry of a case's audit trail: who did what, when, to the case or its person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditEntryOut {
    pub seq: i64,
    pub at: String,
    pub user_name: String,
    /// `read`, `list`, `create`, `update`, `delete`, `export`.
    pub action: String,
    /// `case` or `person`.
    pub object: String,
    /// The section of the record, when one.
    pub section: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_people_type_them() {
        assert_eq!(parse_euros("1234"), Some(123_400));
        assert_eq!(parse_euros("1.234,50"), Some(123_450));
        assert_eq!(parse_euros("1234,5"), Some(123_450));
        assert_eq!(parse_euros("1234.50"), Some(123_450));
        assert_eq!(parse_euros("12.300"), Some(1_230_000));
        assert_eq!(parse_euros("€ 80"), Some(8_000));
        assert_eq!(parse_euros("0"), Some(0));
        assert_eq!(parse_euros("-5"), None);
        assert_eq!(parse_euros("12,345"), None);
        assert_eq!(parse_euros("dieci"), None);
        assert_eq!(parse_euros(""), None);
        assert_eq!(format_cents(123_450), "1234.50");
    }

    #[test]
    fn sections_are_well_formed() {
        for s in SECTIONS {
            assert!(section(s.code).is_some());
            let mut names: Vec<_> = s.fields.iter().map(|f| f.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), s.fields.len(), "{} repeats a field", s.code);
        }
        let restricted: Vec<_> = SECTIONS.iter().filter(|s| s.restricted).map(|s| s.code).collect();
        assert_eq!(restricted, ["judicial", "court", "other_services"]);
    }
}
