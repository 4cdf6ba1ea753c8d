//! Persons (the people a case is about), their household (nucleo familiare) and their
//! rights over what is held about them.

use serde::{Deserialize, Serialize};
use types::dto::Page;
use types::persons::{HouseholdMemberOut, PersonOut};
#[cfg(feature = "ssr")]
use types::PersonId;

use super::UiError;
use app_macros::staff_fn;
#[cfg(feature = "ssr")]
use domain::AppError;

/// Persons of the tenant matching `q` (words of the name, or a codice fiscale). A server
/// function is a POST: what the worker typed stays out of URLs.
#[staff_fn]
pub async fn search_persons(t: Tenant, q: Option<String>, page: Option<u64>) -> Result<Page<PersonOut>, UiError> {
    domain::persons::search_persons(&t.db, &t.ctx, q.as_deref(), page.unwrap_or(1)).await
}

#[staff_fn]
pub async fn person_detail(t: Tenant, id: i64) -> Result<PersonOut, UiError> {
    domain::persons::get_person(&t.db, &t.ctx, PersonId(id)).await
}

/// The person form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonForm {
    /// The version the edit started from (blank for a new person).
    pub version: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub tax_code: Option<String>,
    pub birth_date: Option<String>,
    pub birth_place: Option<String>,
    pub sex: Option<String>,
    pub citizenship: Option<String>,
    pub country: Option<String>,
    pub address: Option<String>,
    /// Id of the district; blank for none.
    pub district_id: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// A ticked box: record the person although a similar one exists.
    pub confirm_duplicate: Option<String>,
}

#[cfg(feature = "ssr")]
impl PersonForm {
    fn into_input(self) -> domain::Result<types::persons::PersonIn> {
        let mut v = domain::validate::Validator::new();
        let district_id = v.optional_id("district_id", self.district_id.as_deref());
        let version = v.optional_number("version", self.version.as_deref());
        v.finish()?;
        Ok(types::persons::PersonIn {
            first_name: self.first_name.unwrap_or_default(),
            last_name: self.last_name.unwrap_or_default(),
            tax_code: self.tax_code,
            birth_date: self.birth_date,
            birth_place: self.birth_place,
            sex: self.sex,
            citizenship: self.citizenship,
            country: self.country,
            address: self.address,
            district_id: district_id.map(types::DistrictId),
            phone: self.phone,
            email: self.email,
            confirm_duplicate: ticked(self.confirm_duplicate.as_deref()),
            version,
        })
    }
}

/// Whether a checkbox was ticked (`on`, or `true` from scripts).
#[cfg(feature = "ssr")]
fn ticked(value: Option<&str>) -> bool {
    matches!(value, Some("on" | "true"))
}

/// Creates (no `id`) or edits a person.
#[staff_fn]
pub async fn save_person(
    t: Tenant,
    id: Option<i64>,
    #[server(flatten)] form: PersonForm,
) -> Result<PersonOut, UiError> {
    let input = form.into_input()?;
    match id {
        None => domain::persons::create_person(&t.db, &t.ctx, input).await,
        Some(id) => domain::persons::update_person(&t.db, &t.ctx, PersonId(id), input).await,
    }
}

#[staff_fn]
pub async fn person_household(t: Tenant, id: i64) -> Result<Vec<HouseholdMemberOut>, UiError> {
    domain::households::household(&t.db, &t.ctx, PersonId(id)).await
}

/// The form that records a new person and adds them to a household, as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewMemberForm {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub tax_code: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    pub relationship: Option<String>,
    /// A ticked box: lives with the person.
    pub cohabiting: Option<String>,
    pub confirm_duplicate: Option<String>,
}

/// Records a new person and adds them to the household of person `id`.
#[staff_fn]
pub async fn add_household_member(
    t: Tenant,
    id: i64,
    #[server(flatten)] form: NewMemberForm,
) -> Result<Vec<HouseholdMemberOut>, UiError> {
    let member = types::persons::PersonIn {
        first_name: form.first_name.unwrap_or_default(),
        last_name: form.last_name.unwrap_or_default(),
        tax_code: form.tax_code,
        birth_date: form.birth_date,
        sex: form.sex,
        confirm_duplicate: form.confirm_duplicate.is_some(),
        ..Default::default()
    };
    let relationship = form.relationship.unwrap_or_default();
    let cohabiting = form.cohabiting.is_some();
    domain::households::add_new_member(&t.db, &t.ctx, PersonId(id), member, &relationship, cohabiting).await
}

/// Takes `member_id` out of the household of person `id`.
#[staff_fn]
pub async fn remove_household_member(t: Tenant, id: i64, member_id: i64) -> Result<Vec<HouseholdMemberOut>, UiError> {
    domain::households::remove_member(&t.db, &t.ctx, PersonId(id), PersonId(member_id)).await
}

/// Everything held about a person (tenant admins).
#[staff_fn]
pub async fn person_export(t: Tenant, id: i64) -> Result<types::persons::PersonExport, UiError> {
    domain::subject_rights::export_person(&t.db, &t.ctx, PersonId(id)).await
}

/// Erases or anonymises a person (tenant admins); `confirm` must be ticked.
#[staff_fn]
pub async fn erase_person(t: Tenant, id: i64, mode: Option<String>, confirm: Option<String>) -> Result<(), UiError> {
    if confirm.is_none() {
        return Err(AppError::field("confirm", "validation.required"));
    }
    let input = types::persons::ErasureIn { mode: mode.unwrap_or_default() };
    domain::subject_rights::erase_person(&t.db, &t.ctx, PersonId(id), input).await
}
