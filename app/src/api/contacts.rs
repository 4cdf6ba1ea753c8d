//! The front desk's contact log (sportello).

use serde::{Deserialize, Serialize};
use types::contacts::ContactOut;
use types::dto::{DistrictOut, Page};

use super::UiError;
use app_macros::staff_fn;

/// The front desk's contact log, newest first, filtered by period, channel and area.
#[staff_fn]
pub async fn list_contacts(
    t: Tenant,
    from: Option<String>,
    to: Option<String>,
    channel: Option<String>,
    area: Option<String>,
    page: u64,
) -> Result<Page<ContactOut>, UiError> {
    let search = types::contacts::ContactSearch { from, to, channel, area, page: Some(page) };
    domain::contacts::list_contacts(&t.db, &t.ctx, &search).await
}

/// The contact form, as typed; empty fields are named in the errors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactForm {
    pub contacted_on: Option<String>,
    pub channel: Option<String>,
    /// Id of the district; blank for none.
    pub district_id: Option<String>,
    pub area: Option<String>,
    pub age_band: Option<String>,
    pub gender: Option<String>,
    pub citizenship: Option<String>,
    pub country: Option<String>,
    pub request_type: Option<String>,
    pub outcome: Option<String>,
}

#[cfg(feature = "ssr")]
impl ContactForm {
    fn into_input(self) -> domain::Result<types::contacts::ContactIn> {
        let mut v = domain::validate::Validator::new();
        let district_id = v.optional_id("district_id", self.district_id.as_deref());
        v.finish()?;
        Ok(types::contacts::ContactIn {
            contacted_on: self.contacted_on,
            channel: self.channel.unwrap_or_default(),
            district_id: district_id.map(types::DistrictId),
            area: self.area.unwrap_or_default(),
            age_band: self.age_band.unwrap_or_default(),
            gender: self.gender.unwrap_or_default(),
            citizenship: self.citizenship.unwrap_or_default(),
            country: self.country,
            request_type: self.request_type.unwrap_or_default(),
            outcome: self.outcome.unwrap_or_default(),
        })
    }
}

/// Logs a contact at the front desk.
#[staff_fn]
pub async fn log_contact(t: Tenant, #[server(flatten)] form: ContactForm) -> Result<ContactOut, UiError> {
    domain::contacts::log_contact(&t.db, &t.ctx, form.into_input()?).await
}

/// What the contact form starts from: today's date (in Italy, by the server's clock) and
/// the districts a contact can be placed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactFormStart {
    pub today: String,
    pub districts: Vec<DistrictOut>,
}

#[staff_fn]
pub async fn contact_form_options(t: Tenant) -> Result<ContactFormStart, UiError> {
    let districts = domain::districts::all_districts(&t.db, &t.ctx).await?;
    Ok(ContactFormStart { today: t.db.today().format("%Y-%m-%d").to_string(), districts })
}

/// One contact of the log (to open a case from it).
#[staff_fn]
pub async fn contact_detail(t: Tenant, id: i64) -> Result<ContactOut, UiError> {
    domain::contacts::get_contact(&t.db, &t.ctx, types::ContactId(id)).await
}
