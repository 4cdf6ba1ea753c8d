//! Cases (prese in carico): the list, opening and editing one, who works on it, its
//! record's sections and its audit trail.

use serde::{Deserialize, Serialize};
use types::cases::{AuditEntryOut, CaseMemberOut, CaseOut, CaseSummary, Entry, SectionChange, SectionOut};
use types::dto::Page;
#[cfg(feature = "ssr")]
use types::CaseId;

use super::UiError;
use app_macros::staff_fn;

/// The cases open to the worker (all of the tenant's for a tenant admin), filtered; `q`
/// (name words or codice fiscale) travels in the body.
#[staff_fn]
pub async fn search_cases(
    t: Tenant,
    q: Option<String>,
    status: Option<String>,
    area: Option<String>,
    mine: Option<bool>,
    person_id: Option<i64>,
    district_id: Option<i64>,
    page: Option<u64>,
) -> Result<Page<CaseSummary>, UiError> {
    let search = types::cases::CaseSearch {
        q,
        status,
        area,
        mine: mine.unwrap_or(false),
        person_id: person_id.map(types::PersonId),
        district_id: district_id.map(types::DistrictId),
        page,
    };
    domain::cases::search_cases(&t.db, &t.ctx, search).await
}

/// Everything the case page shows, in one call.
#[staff_fn]
pub async fn case_page(t: Tenant, id: i64) -> Result<types::cases::CasePage, UiError> {
    domain::case_page::case_page(&t.db, &t.ctx, CaseId(id)).await
}

/// Who may be responsible for a case or be given access to it.
#[staff_fn]
pub async fn case_workers(t: Tenant) -> Result<Vec<CaseMemberOut>, UiError> {
    domain::cases::workers(&t.db, &t.ctx).await
}

/// Opens a case for a person, from a front-desk contact when `contact_id` is given.
#[staff_fn]
pub async fn open_case(
    t: Tenant,
    person_id: Option<i64>,
    area: Option<String>,
    opened_on: Option<String>,
    responsible_id: Option<i64>,
    contact_id: Option<i64>,
) -> Result<CaseOut, UiError> {
    let input = types::cases::CaseIn {
        person_id: person_id.map(types::PersonId),
        area: area.unwrap_or_default(),
        opened_on,
        responsible_id: responsible_id.map(types::UserId),
        contact_id: contact_id.map(types::ContactId),
    };
    domain::cases::create_case(&t.db, &t.ctx, input).await
}

/// Changes a case's area and dates, or closes it.
#[staff_fn]
pub async fn edit_case(
    t: Tenant,
    id: i64,
    version: Option<i32>,
    area: Option<String>,
    opened_on: Option<String>,
    closed_on: Option<String>,
    closing_reason: Option<String>,
) -> Result<CaseOut, UiError> {
    let input = types::cases::CaseEdit {
        area: area.unwrap_or_default(),
        opened_on: opened_on.unwrap_or_default(),
        closed_on,
        closing_reason,
        version,
    };
    domain::cases::update_case(&t.db, &t.ctx, CaseId(id), input).await
}

/// One member row of the access form (`members[i][user_id]`, `members[i][restricted]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessRow {
    pub user_id: Option<i64>,
    /// A ticked box sends `on`.
    pub restricted: Option<String>,
}

/// Who works on a case and who sees its restricted sections (tenant admins).
#[staff_fn]
pub async fn set_case_access(
    t: Tenant,
    id: i64,
    responsible_id: Option<i64>,
    #[server(default)] members: Vec<AccessRow>,
) -> Result<CaseOut, UiError> {
    let input = types::cases::CaseAccessIn {
        responsible_id: responsible_id.map(types::UserId),
        members: members
            .into_iter()
            .filter(|m| m.user_id.is_some())
            .map(|m| types::cases::CaseMemberIn {
                user_id: m.user_id.map(types::UserId),
                restricted: m.restricted.is_some(),
            })
            .collect(),
    };
    domain::cases::set_access(&t.db, &t.ctx, CaseId(id), input).await
}

/// Who did what to a case and its person (tenant admins).
#[staff_fn]
pub async fn case_audit(t: Tenant, id: i64) -> Result<Vec<AuditEntryOut>, UiError> {
    domain::cases::audit_trail(&t.db, &t.ctx, CaseId(id)).await
}

/// A section of a case's record with its history, newest save first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionView {
    pub section: SectionOut,
    pub history: Vec<SectionChange>,
}

#[staff_fn]
pub async fn case_section(t: Tenant, id: i64, section: String) -> Result<SectionView, UiError> {
    let current = domain::cases::get_section(&t.db, &t.ctx, CaseId(id), &section).await?;
    let history = domain::cases::section_history(&t.db, &t.ctx, CaseId(id), &section).await?;
    Ok(SectionView { section: current, history })
}

/// Saves all entries of a section (`entries[i][field]`), as an edit of `version`.
#[staff_fn]
pub async fn save_case_section(
    t: Tenant,
    id: i64,
    section: String,
    version: Option<i32>,
    #[server(default)] entries: Vec<Entry>,
) -> Result<SectionOut, UiError> {
    // The form's "remove this entry" box: that entry is left out of the save.
    let entries = entries.into_iter().filter(|e| !e.contains_key("_remove")).collect();
    let input = types::cases::SectionIn { entries, version };
    domain::cases::save_section(&t.db, &t.ctx, CaseId(id), &section, input).await
}
