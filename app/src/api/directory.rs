//! The facility directory for staff: search, a facility's page and form, its manager,
//! the facility manager's own entry, the CSV import, and the organisations that run
//! facilities.

use serde::{Deserialize, Serialize};
use types::directory::{
    FacilityChangeOut, FacilityTypeOut, ImportReport, OrganizationOut, SearchPage, StaffFacilityOut,
    StaffFilterOptionsOut,
};
use types::dto::{DistrictOut, InvitationOut, Page};
use types::ApiError;
#[cfg(feature = "ssr")]
use types::{FacilityId, OrganizationId};

use super::UiError;
use app_macros::staff_fn;
#[cfg(feature = "ssr")]
use domain::AppError;

/// The staff list's filters, as they stand in its URL.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffFilters {
    pub q: Option<String>,
    pub area: Option<String>,
    pub facility_type: Option<String>,
    pub setting: Option<String>,
    pub comune: Option<String>,
    pub district: Option<i64>,
    pub status: Option<String>,
    #[serde(default)]
    pub stale: bool,
}

/// Staff search of the directory of the current tenant and those beneath it.
#[staff_fn]
pub async fn search_facilities(
    t: Tenant,
    filters: StaffFilters,
    page: u64,
) -> Result<SearchPage<StaffFacilityOut>, UiError> {
    let search = types::directory::FacilitySearch {
        q: filters.q,
        area: filters.area,
        facility_type: filters.facility_type,
        setting: filters.setting,
        comune: filters.comune,
        district: filters.district.map(types::DistrictId),
        status: filters.status,
        stale: Some(filters.stale),
        page: Some(page),
        ..Default::default()
    };
    domain::facilities::search_staff(&t.db, &t.ctx, &search, t.lang).await
}

/// The comuni and districts the staff list can be filtered by.
#[staff_fn]
pub async fn staff_filter_options(t: Tenant) -> Result<StaffFilterOptionsOut, UiError> {
    domain::facilities::staff_filter_options(&t.db, &t.ctx).await
}

/// A facility as the staff page shows it: the entry, its history when the user may see
/// it (admins of its tenant or of a province above), and whether they may change it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilityView {
    pub facility: StaffFacilityOut,
    pub history: Option<Vec<FacilityChangeOut>>,
    pub can_manage: bool,
}

#[staff_fn]
pub async fn facility_detail(t: Tenant, id: i64) -> Result<FacilityView, UiError> {
    let (facility, history) = domain::facilities::staff_facility(&t.db, &t.ctx, FacilityId(id), t.lang).await?;
    Ok(FacilityView { facility, can_manage: history.is_some(), history })
}

#[staff_fn]
pub async fn set_facility_state(
    t: Tenant,
    id: i64,
    published: Option<bool>,
    archived: Option<bool>,
) -> Result<StaffFacilityOut, UiError> {
    let (own, f) = domain::facilities::owning_context(&t.db, &t.ctx, FacilityId(id), t.lang).await?;
    let input = types::directory::FacilityStateIn { published, archived };
    domain::facilities::set_state(&t.db, &own, f.facility.id, input, t.lang).await
}

/// The staff form of a facility, as typed: numbers and hours are read by `into_input`
/// so each mistake is reported on its own field. `areas[<code>]` checkboxes arrive as a
/// map.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FacilityForm {
    pub name: String,
    pub facility_type: String,
    #[serde(default)]
    pub areas: std::collections::BTreeMap<String, String>,
    pub setting: String,
    pub description: Option<String>,
    pub eligibility: Option<String>,
    pub age_min: Option<String>,
    pub age_max: Option<String>,
    pub how_to_access: Option<String>,
    pub fees: Option<String>,
    #[serde(default)]
    pub hours: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// Comma-separated language codes.
    pub languages: Option<String>,
    pub accessibility: Option<String>,
    pub address: String,
    pub postal_code: Option<String>,
    pub comune: String,
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub places_authorised: Option<String>,
    pub places_accredited: Option<String>,
    pub places_free: Option<String>,
    pub accreditation: Option<String>,
    pub accreditation_act: Option<String>,
    /// Id of the managing organisation; blank for none.
    pub organization_id: Option<String>,
    /// Id of the district; blank for none.
    pub district_id: Option<String>,
}

#[cfg(feature = "ssr")]
impl FacilityForm {
    /// The typed input, or the fields whose text is not a number / not valid hours.
    fn into_input(self) -> domain::Result<types::directory::FacilityIn> {
        let mut v = domain::validate::Validator::new();
        let age_min = v.optional_number("age_min", self.age_min.as_deref());
        let age_max = v.optional_number("age_max", self.age_max.as_deref());
        let places_authorised = v.optional_number("places_authorised", self.places_authorised.as_deref());
        let places_accredited = v.optional_number("places_accredited", self.places_accredited.as_deref());
        let places_free = v.optional_number("places_free", self.places_free.as_deref());
        let latitude = v.optional_decimal("latitude", self.latitude.as_deref());
        let longitude = v.optional_decimal("longitude", self.longitude.as_deref());
        let organization_id = v.optional_id("organization_id", self.organization_id.as_deref());
        let district_id = v.optional_id("district_id", self.district_id.as_deref());
        let hours = v.hours("hours", &self.hours);
        v.finish()?;
        let blank = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        Ok(types::directory::FacilityIn {
            name: self.name,
            facility_type: self.facility_type,
            areas: self.areas.into_keys().collect(),
            setting: self.setting,
            organization_id: organization_id.map(OrganizationId),
            description: self.description,
            eligibility: self.eligibility,
            age_min,
            age_max,
            how_to_access: self.how_to_access,
            fees: self.fees,
            hours,
            phone: self.phone,
            email: self.email,
            website: self.website,
            languages: blank(self.languages)
                .map(|l| l.split([',', ' ']).filter(|x| !x.is_empty()).map(str::to_string).collect())
                .unwrap_or_default(),
            accessibility: self.accessibility,
            address: self.address,
            postal_code: self.postal_code,
            comune: self.comune,
            district_id: district_id.map(types::DistrictId),
            latitude,
            longitude,
            places_authorised,
            places_accredited,
            places_free,
            accreditation: blank(self.accreditation),
            accreditation_act: self.accreditation_act,
        })
    }
}

/// Creates (no `id`) or edits a facility from the staff form.
#[staff_fn]
pub async fn save_facility(t: Tenant, id: Option<i64>, form: FacilityForm) -> Result<StaffFacilityOut, UiError> {
    let input = form.into_input()?;
    match id {
        None => domain::facilities::create_facility(&t.db, &t.ctx, input, t.lang).await,
        Some(id) => {
            let (own, current) = domain::facilities::owning_context(&t.db, &t.ctx, FacilityId(id), t.lang).await?;
            domain::facilities::update_facility(&t.db, &own, current.facility.id, input, t.lang).await
        }
    }
}

/// What the facility form offers to choose from: the organisations and districts of the
/// facility's tenant (of the current tenant for a new one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FacilityFormOptions {
    pub organizations: Vec<OrganizationOut>,
    pub districts: Vec<DistrictOut>,
}

#[staff_fn]
pub async fn facility_choices(t: Tenant, id: Option<i64>) -> Result<FacilityFormOptions, UiError> {
    let ctx = match id {
        None => t.ctx,
        Some(id) => domain::facilities::owning_context(&t.db, &t.ctx, FacilityId(id), t.lang).await?.0,
    };
    let organizations = domain::organizations::all_organizations(&t.db, &ctx).await?;
    let districts = domain::districts::all_districts(&t.db, &ctx).await?;
    Ok(FacilityFormOptions { organizations, districts })
}

/// The facility the signed-in facility manager keeps.
#[staff_fn]
pub async fn my_facility(t: Tenant) -> Result<StaffFacilityOut, UiError> {
    domain::facilities::my_facility(&t.db, &t.ctx, t.lang).await
}

/// The facility manager's form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MyFacilityForm {
    pub places_free: Option<String>,
    #[serde(default)]
    pub hours: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

#[cfg(feature = "ssr")]
impl MyFacilityForm {
    fn into_input(self) -> domain::Result<types::directory::SelfServiceIn> {
        let mut v = domain::validate::Validator::new();
        let places_free = v.optional_number("places_free", self.places_free.as_deref());
        let hours = v.hours("hours", &self.hours);
        v.finish()?;
        Ok(types::directory::SelfServiceIn {
            places_free,
            hours,
            phone: self.phone,
            email: self.email,
            website: self.website,
            description: self.description,
        })
    }
}

#[staff_fn]
pub async fn update_my_facility(
    t: Tenant,
    #[server(flatten)] form: MyFacilityForm,
) -> Result<StaffFacilityOut, UiError> {
    let id = t.ctx.managed_facility().ok_or(AppError::NotFound)?;
    domain::facilities::self_service_update(&t.db, &t.ctx, id, form.into_input()?, t.lang).await
}

/// Invites a facility manager for one facility (by e-mail).
#[staff_fn]
pub async fn invite_facility_manager(
    t: Tenant,
    id: i64,
    email: String,
    display_name: String,
) -> Result<InvitationOut, UiError> {
    let (own, f) = domain::facilities::owning_context(&t.db, &t.ctx, FacilityId(id), t.lang).await?;
    let input = types::dto::MemberIn {
        email,
        display_name,
        role: types::Role::FacilityManager,
        facility_id: Some(f.facility.id),
    };
    domain::invitations::invite(&t.db, &own, input, &super::session::link_base()).await
}

#[staff_fn]
pub async fn facility_types(p: Public) -> Result<Vec<FacilityTypeOut>, UiError> {
    domain::facilities::facility_types(&p.db, p.lang).await
}

/// One line of the import's answer: progress while rows are read and written, then the
/// report or the error. Large files take a while; the page shows how far along it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportEvent {
    Progress { done: u64, total: u64 },
    Done(ImportReport),
    Failed(ApiError),
}

impl ImportEvent {
    /// A line of JSON in plain ASCII (other characters as `\uXXXX`), so a line cut
    /// between two network chunks never splits a character.
    pub fn to_line(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| "\"failed\"".into());
        let mut line = String::with_capacity(json.len() + 1);
        for c in json.chars() {
            if c.is_ascii() {
                line.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    line.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        line.push('\n');
        line
    }
}

/// The staff import: a CSV file and the options, as multipart form data. Answers a
/// stream of `ImportEvent` lines.
#[staff_fn(multipart = "validation.csv", output = leptos::server_fn::codec::StreamingText)]
pub async fn import_facilities(
    t: Tenant,
    data: leptos::server_fn::codec::MultipartData,
) -> Result<leptos::server_fn::codec::TextStream<UiError>, UiError> {
    use futures::StreamExt;
    /// Larger files go through `openwelfare import facilities`.
    const MAX_BYTES: usize = domain::import::MAX_UPLOAD_BYTES;
    // Who may import is known before a byte of the file is read.
    t.ctx.require(domain::authz::Permission::ManageFacilities)?;
    let unreadable = || AppError::field("file", "validation.csv");
    let mut parts = data.into_inner().ok_or_else(unreadable)?;
    let mut fields = std::collections::HashMap::new();
    let mut file = Vec::new();
    while let Some(mut part) = parts.next_field().await.map_err(|_| unreadable())? {
        let name = part.name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = part.chunk().await.map_err(|_| unreadable())? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_BYTES {
                return Err(AppError::field("file", "validation.file_too_large"));
            }
        }
        if name == "file" {
            file = bytes;
        } else {
            fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    let get = |k: &str| fields.get(k).map(String::as_str);
    let opts = domain::import::options(
        get("preset"),
        get("mapping"),
        get("type"),
        get("source"),
        get("mode") == Some("apply"),
        Some(get("publish") == Some("true")),
        Some(get("skip_outside") == Some("true")),
    )?;

    // The import runs on its own (a client that goes away does not cut it halfway);
    // its progress and outcome come back as lines.
    let (events, lines) = futures::channel::mpsc::unbounded::<String>();
    let (db, ctx, lang) = (t.db, t.ctx, t.lang);
    leptos::task::spawn(async move {
        let progress_events = events.clone();
        let mut reported = 0;
        let mut progress = move |done: u64, total: u64| {
            // About a hundred updates, whatever the size of the file.
            if done == total || done >= reported + total.div_ceil(100) {
                reported = done;
                let _ = progress_events.unbounded_send(ImportEvent::Progress { done, total }.to_line());
            }
        };
        let outcome = domain::import::import_facilities(&db, &ctx, &file, &opts, lang, &mut progress).await;
        let event = match outcome {
            Ok(report) => ImportEvent::Done(report),
            Err(e) => {
                e.respond();
                ImportEvent::Failed(e.to_api(lang))
            }
        };
        let _ = events.unbounded_send(event.to_line());
    });
    Ok(leptos::server_fn::codec::TextStream::new(lines.map(Ok)))
}

/// The current tenant's organisations, filtered by `q`, one page at a time.
#[staff_fn]
pub async fn list_organizations(t: Tenant, q: Option<String>, page: u64) -> Result<Page<OrganizationOut>, UiError> {
    domain::organizations::list_organizations(&t.db, &t.ctx, q.as_deref(), page).await
}

#[staff_fn]
pub async fn organization_detail(t: Tenant, id: i64) -> Result<OrganizationOut, UiError> {
    domain::organizations::get_organization(&t.db, &t.ctx, OrganizationId(id)).await
}

/// Creates (no `id`) or edits an organisation of the current tenant.
#[staff_fn]
#[allow(clippy::too_many_arguments)] // one argument per form field
pub async fn save_organization(
    t: Tenant,
    id: Option<i64>,
    name: String,
    tax_code: Option<String>,
    vat_number: Option<String>,
    legal_status: String,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
) -> Result<OrganizationOut, UiError> {
    let form = types::directory::OrganizationIn { name, tax_code, vat_number, legal_status, email, phone, website };
    match id {
        None => domain::organizations::create_organization(&t.db, &t.ctx, form).await,
        Some(id) => domain::organizations::update_organization(&t.db, &t.ctx, OrganizationId(id), form).await,
    }
}
