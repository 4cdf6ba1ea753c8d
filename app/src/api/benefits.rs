//! The benefits catalogue: staff keep their tenant's (province admins also the shared
//! national one), and the public checker page shows what applies to a tenant.

use serde::{Deserialize, Serialize};
use types::benefits::{CatalogueOut, EntryOut, RulebookCheck};
use types::directory::PublicTenantOut;

use super::UiError;
use app_macros::staff_fn;
#[cfg(feature = "ssr")]
use domain::benefits::staff;

/// The current tenant's benefits catalogue (or, `shared`, the deployment's national one).
#[staff_fn]
pub async fn benefit_catalogue(t: Tenant, shared: bool) -> Result<CatalogueOut, UiError> {
    staff::catalogue(&t.db, &t.ctx, shared, t.lang).await
}

/// Saves the draft rules and test cases and answers how they check.
#[staff_fn]
pub async fn save_benefit_rules(
    t: Tenant,
    shared: bool,
    version: i32,
    draft: String,
    tests: String,
) -> Result<RulebookCheck, UiError> {
    staff::save_rulebook(&t.db, &t.ctx, shared, version, &draft, &tests, t.lang).await
}

/// Publishes the saved draft (at `version`).
#[staff_fn]
pub async fn publish_benefit_rules(t: Tenant, shared: bool, version: i32) -> Result<RulebookCheck, UiError> {
    staff::publish_rulebook(&t.db, &t.ctx, shared, version, t.lang).await
}

#[staff_fn]
pub async fn benefit_entry(t: Tenant, id: i64, shared: bool) -> Result<EntryOut, UiError> {
    staff::entry(&t.db, &t.ctx, shared, id).await
}

/// A catalogue entry's form, as typed (the year is read by `into_input`, so a word in
/// it is reported on its field).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EntryForm {
    pub code: String,
    pub level: String,
    pub category: String,
    /// A ticked box sends `on`.
    pub to_verify: Option<String>,
    pub figures_year: Option<String>,
    pub name_it: String,
    pub name_en: Option<String>,
    pub summary_it: String,
    pub summary_en: Option<String>,
    pub who_it: String,
    pub who_en: Option<String>,
    pub amount_it: String,
    pub amount_en: Option<String>,
    pub how_to_apply_it: String,
    pub how_to_apply_en: Option<String>,
    pub apply_url: Option<String>,
    pub legal_reference: String,
}

#[cfg(feature = "ssr")]
impl EntryForm {
    fn into_input(self) -> domain::Result<types::benefits::EntryIn> {
        let mut v = domain::validate::Validator::new();
        let figures_year = v.optional_number("figures_year", self.figures_year.as_deref());
        v.finish()?;
        Ok(types::benefits::EntryIn {
            code: self.code,
            level: self.level,
            category: self.category,
            to_verify: self.to_verify.is_some(),
            figures_year,
            name_it: self.name_it,
            name_en: self.name_en,
            summary_it: self.summary_it,
            summary_en: self.summary_en,
            who_it: self.who_it,
            who_en: self.who_en,
            amount_it: self.amount_it,
            amount_en: self.amount_en,
            how_to_apply_it: self.how_to_apply_it,
            how_to_apply_en: self.how_to_apply_en,
            apply_url: self.apply_url,
            legal_reference: self.legal_reference,
        })
    }
}

/// Creates (no `id`) or edits a catalogue entry at `version`.
#[staff_fn]
pub async fn save_benefit_entry(
    t: Tenant,
    id: Option<i64>,
    shared: bool,
    version: i32,
    #[server(flatten)] form: EntryForm,
) -> Result<EntryOut, UiError> {
    staff::save_entry(&t.db, &t.ctx, shared, id, version, form.into_input()?).await
}

/// Publishes, retires or sets back to draft one entry.
#[staff_fn]
pub async fn set_benefit_status(t: Tenant, id: i64, shared: bool, status: String) -> Result<EntryOut, UiError> {
    staff::set_entry_status(&t.db, &t.ctx, shared, id, &status).await
}

/// What the public checker page shows of a tenant's catalogue: the published entries by
/// administration, without the rules (the checker widget downloads those itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicBenefitsOut {
    pub tenant: String,
    pub name: String,
    pub administrations: Vec<(String, Vec<eligibility::catalogue::Entry>)>,
}

/// Tenants citizens can check benefits for (no login).
#[staff_fn]
pub async fn checker_tenants(p: Public) -> Result<Vec<PublicTenantOut>, UiError> {
    domain::benefits::checker_tenants(&p.db).await
}

/// `tenant`'s published benefits catalogue (no login).
#[staff_fn]
pub async fn public_benefits(p: Public, tenant: String) -> Result<PublicBenefitsOut, UiError> {
    let c = domain::benefits::public_catalogue(&p.db, &tenant, p.lang).await?;
    Ok(PublicBenefitsOut {
        tenant: c.tenant,
        name: c.name,
        administrations: c.administrations.into_iter().map(|a| (a.name, a.benefits)).collect(),
    })
}
