//! Server functions of the staff app, under `/sf/<name>`. Each stays thin: resolve the
//! session (and the current tenant through `TenantContext::resolve`), call `domain`,
//! return a DTO. Errors carry their real HTTP status and a translated body.

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use types::directory::{FacilityChangeOut, FacilityTypeOut, ImportReport, SearchPage, StaffFacilityOut};
use types::dto::{
    ComuneOut, DistrictOut, MemberCreatedOut, MemberOut, Page, SessionOut, TenantNodeOut, TenantOut, TenantSettingsOut,
};
use types::{ApiError, ErrorCode, Lang};

/// What the layout needs on every page: the session (if signed in) and the language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub session: Option<SessionOut>,
    pub lang: Lang,
}

/// The error of every server function: the API's error body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UiError(pub ApiError);

impl FromServerFnError for UiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let code = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => ErrorCode::Validation,
            ServerFnErrorErr::Request(_) => ErrorCode::Unavailable,
            _ => ErrorCode::Internal,
        };
        // The message is filled in by the client in its language (`UiError::message`).
        UiError(ApiError { code, message: String::new(), fields: vec![] })
    }
}

impl UiError {
    /// The general message, in `lang` when the server sent none.
    pub fn message(&self, lang: Lang) -> String {
        if self.0.message.is_empty() {
            types::i18n::t(lang, self.0.code.message_key())
        } else {
            self.0.message.clone()
        }
    }

    pub fn field(&self, name: &str) -> Option<String> {
        self.0.field(name).map(str::to_string)
    }
}

/// The configured public origin (`OW_PUBLIC_ORIGIN`), put in the context by the server:
/// the origin of the widget snippet on the settings page.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct PublicOrigin(pub String);

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! Server-side plumbing shared by the server functions.
    use domain::{AppError, DatabaseConnection, TenantContext};
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;
    use tower_sessions::Session;
    use types::{Lang, UserId};

    use super::{PublicOrigin, UiError};
    use crate::session;

    pub fn db() -> Result<DatabaseConnection, UiError> {
        use_context::<DatabaseConnection>()
            .ok_or_else(|| fail(AppError::Internal("no database in context".into()), Lang::It))
    }

    pub fn directory() -> Result<domain::public_directory::PublicDirectory, UiError> {
        use_context::<domain::public_directory::PublicDirectory>()
            .ok_or_else(|| fail(AppError::Internal("no public directory in context".into()), Lang::It))
    }

    pub async fn session() -> Result<Session, UiError> {
        leptos_axum::extract::<Session>().await.map_err(|e| fail(AppError::Internal(format!("session: {e}")), Lang::It))
    }

    /// The session's language, else the browser's, else Italian.
    pub async fn lang(session: &Session) -> Lang {
        if let Some(lang) = session::lang(session).await {
            return lang;
        }
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or_default()
    }

    /// The origin council sites reach this server at: the configured public origin, else
    /// the `Host` the browser used, over https when a proxy in front says so.
    pub fn request_origin() -> String {
        if let Some(PublicOrigin(origin)) = use_context::<PublicOrigin>().filter(|o| !o.0.is_empty()) {
            return origin.trim_end_matches('/').to_string();
        }
        let Some(parts) = use_context::<http::request::Parts>() else { return String::new() };
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let host = header("host").unwrap_or_default();
        let scheme = if header("x-forwarded-proto").as_deref() == Some("https") { "https" } else { "http" };
        format!("{scheme}://{host}")
    }

    /// Turns a domain error into the client's error, with its HTTP status.
    pub fn fail(err: AppError, lang: Lang) -> UiError {
        match &err {
            AppError::Internal(cause) => tracing::error!(%cause, "internal error in a server function"),
            AppError::Unavailable(cause) => tracing::warn!(%cause, "unavailable"),
            _ => {}
        }
        if let Some(response) = use_context::<ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(err.code().status()) {
                response.set_status(status);
            }
        }
        UiError(err.to_api(lang))
    }

    pub fn session_error(err: tower_sessions::session::Error, lang: Lang) -> UiError {
        fail(AppError::Internal(format!("session: {err}")), lang)
    }

    /// The signed-in user (401 otherwise).
    pub async fn user() -> Result<(DatabaseConnection, Session, UserId, Lang), UiError> {
        let db = db()?;
        let session = session().await?;
        let lang = lang(&session).await;
        let user = session::user(&session).await.ok_or_else(|| fail(AppError::Unauthenticated, lang))?;
        Ok((db, session, user, lang))
    }

    /// The signed-in user acting in the session's current tenant, through the choke point.
    pub async fn tenant() -> Result<(DatabaseConnection, TenantContext, Lang), UiError> {
        let (db, session, user, lang) = user().await?;
        let slug = session::current_tenant(&session).await.ok_or_else(|| fail(AppError::NotFound, lang))?;
        let ctx = TenantContext::resolve(&db, user, &slug).await.map_err(|e| fail(e, lang))?;
        Ok((db, ctx, lang))
    }
}

/// The session and language for the layout (never fails for signed-out visitors).
#[server(prefix = "/sf", endpoint = "session")]
pub async fn get_session() -> Result<SessionView, UiError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    let lang = ssr::lang(&session).await;
    let Some(user) = crate::session::user(&session).await else {
        return Ok(SessionView { session: None, lang });
    };
    let current = crate::session::current_tenant(&session).await;
    match domain::auth::session_out(&db, user, current.as_deref()).await {
        Ok(out) => Ok(SessionView { session: Some(out), lang }),
        // The account was deactivated: the session is over.
        Err(domain::AppError::Unauthenticated) => {
            session.flush().await.map_err(|e| ssr::session_error(e, lang))?;
            Ok(SessionView { session: None, lang })
        }
        Err(e) => Err(ssr::fail(e, lang)),
    }
}

#[server(prefix = "/sf", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), UiError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    let lang = ssr::lang(&session).await;
    let user = domain::auth::sign_in(&db, &email, &password).await.map_err(|e| ssr::fail(e, lang))?;
    let out = domain::auth::session_out(&db, user, None).await.map_err(|e| ssr::fail(e, lang))?;
    let lang = crate::session::lang(&session).await.unwrap_or(out.user.lang);
    let tenant = out.current.as_ref().map(|m| m.tenant.slug.as_str());
    crate::session::sign_in(&session, user, lang, tenant).await.map_err(|e| ssr::session_error(e, lang))?;
    Ok(())
}

#[server(prefix = "/sf", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), UiError> {
    let session = ssr::session().await?;
    session.flush().await.map_err(|e| ssr::session_error(e, Lang::It))
}

#[server(prefix = "/sf", endpoint = "switch_tenant")]
pub async fn switch_tenant(tenant: String) -> Result<(), UiError> {
    let (db, session, user, lang) = ssr::user().await?;
    let ctx = domain::TenantContext::resolve(&db, user, &tenant).await.map_err(|e| ssr::fail(e, lang))?;
    session.insert(crate::session::TENANT, ctx.tenant().slug.clone()).await.map_err(|e| ssr::session_error(e, lang))
}

#[server(prefix = "/sf", endpoint = "set_language")]
pub async fn set_language(lang: String) -> Result<(), UiError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    let current = ssr::lang(&session).await;
    let lang = Lang::from_code(&lang)
        .ok_or_else(|| ssr::fail(domain::AppError::field("lang", "validation.invalid"), current))?;
    session.insert(crate::session::LANG, lang).await.map_err(|e| ssr::session_error(e, lang))?;
    if let Some(user) = crate::session::user(&session).await {
        domain::auth::set_language(&db, user, lang).await.map_err(|e| ssr::fail(e, lang))?;
    }
    Ok(())
}

#[server(prefix = "/sf", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), UiError> {
    let (db, _, user, lang) = ssr::user().await?;
    domain::auth::change_password(&db, user, &current_password, &new_password).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "reset_password")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), UiError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    let lang = ssr::lang(&session).await;
    domain::auth::reset_password(&db, &token, &new_password).await.map(|_| ()).map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "list_districts")]
pub async fn list_districts(page: u64) -> Result<Page<DistrictOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::districts::list_districts(&db, &ctx, page).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "create_district")]
pub async fn create_district(name: String, code: Option<String>) -> Result<DistrictOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::dto::DistrictIn { name, code };
    domain::districts::create_district(&db, &ctx, input).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "rename_district")]
pub async fn rename_district(id: i64, name: String, code: Option<String>) -> Result<DistrictOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::dto::DistrictIn { name, code };
    domain::districts::update_district(&db, &ctx, types::DistrictId(id), input).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "delete_district")]
pub async fn delete_district(id: i64) -> Result<(), UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::districts::delete_district(&db, &ctx, types::DistrictId(id)).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "list_members")]
pub async fn list_members(page: u64) -> Result<Page<MemberOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::users::list_members(&db, &ctx, page).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "add_member")]
pub async fn add_member(email: String, display_name: String, role: String) -> Result<MemberCreatedOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let role = types::Role::from_code(&role)
        .ok_or_else(|| ssr::fail(domain::AppError::field("role", "validation.invalid"), lang))?;
    let input = types::dto::MemberIn { email, display_name, role, facility_id: None };
    domain::users::add_member(&db, &ctx, input).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "remove_member")]
pub async fn remove_member(id: i64) -> Result<(), UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::users::remove_member(&db, &ctx, types::MembershipId(id)).await.map_err(|e| ssr::fail(e, lang))
}

/// The settings page: the tenant's settings and the origin its widgets come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub settings: TenantSettingsOut,
    /// This server as the browser reached it (`https://welfare.example.it`).
    pub widget_origin: String,
}

#[server(prefix = "/sf", endpoint = "get_settings")]
pub async fn get_settings() -> Result<SettingsView, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let settings = domain::tenants::settings(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))?;
    Ok(SettingsView { settings, widget_origin: ssr::request_origin() })
}

#[server(prefix = "/sf", endpoint = "update_settings")]
pub async fn update_settings(
    contact_email: Option<String>,
    website: Option<String>,
    stale_after_days: Option<String>,
    /// One origin per line.
    embed_origins: Option<String>,
    brand_colour: Option<String>,
) -> Result<TenantSettingsOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let stale_after_days = match stale_after_days.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => Some(d.parse::<i32>().map_err(|_| {
            let issue =
                domain::error::FieldIssue { field: "stale_after_days".into(), key: "validation.number", args: vec![] };
            ssr::fail(domain::AppError::Validation(vec![issue]), lang)
        })?),
    };
    let embed_origins = embed_origins.map(|text| text.lines().map(str::to_string).collect());
    let input = types::dto::TenantSettingsIn { contact_email, website, stale_after_days, embed_origins, brand_colour };
    domain::tenants::update_settings(&db, &ctx, input).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "tenant_tree")]
pub async fn tenant_tree() -> Result<TenantNodeOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::tenants::tenant_tree(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "search_comuni")]
pub async fn search_comuni(q: String) -> Result<Vec<ComuneOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::tenants::search_comuni(&db, &ctx, &q, Some(15)).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "create_municipality")]
pub async fn create_municipality(istat_code: String) -> Result<TenantOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::dto::MunicipalityIn { istat_code };
    domain::tenants::create_municipality(&db, &ctx, input).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "create_zone")]
pub async fn create_zone(name: String, comuni: String) -> Result<TenantOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    // The form sends the ISTAT codes as one comma-separated field.
    let comuni = comuni.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect();
    let input = types::dto::ZoneIn { name, comuni };
    domain::tenants::create_zone(&db, &ctx, input).await.map_err(|e| ssr::fail(e, lang))
}

/// A facility as the staff page shows it: the entry, its history when the user may see
/// it (admins of its tenant or of a province above), and whether they may change it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilityView {
    pub facility: StaffFacilityOut,
    pub history: Option<Vec<FacilityChangeOut>>,
    pub can_manage: bool,
}

/// Staff search of the directory of the current tenant and those beneath it.
#[server(prefix = "/sf", endpoint = "search_facilities")]
pub async fn search_facilities(filters: StaffFilters, page: u64) -> Result<SearchPage<StaffFacilityOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
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
    domain::facilities::search_staff(&db, &ctx, &search, lang).await.map_err(|e| ssr::fail(e, lang))
}

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

/// The comuni and districts the staff list can be filtered by.
#[server(prefix = "/sf", endpoint = "staff_filter_options")]
pub async fn staff_filter_options() -> Result<types::directory::StaffFilterOptionsOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::facilities::staff_filter_options(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))
}

/// The context of the facility's own tenant, reached from the session's tenant (a
/// province admin acts on a comune's entry through their province role).
#[cfg(feature = "ssr")]
async fn facility_context(
    id: i64,
) -> Result<(domain::DatabaseConnection, domain::TenantContext, StaffFacilityOut, Lang), UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let f = domain::facilities::get_facility(&db, &ctx, types::FacilityId(id), lang)
        .await
        .map_err(|e| ssr::fail(e, lang))?;
    let own = domain::TenantContext::resolve(&db, ctx.user(), &f.facility.tenant.slug)
        .await
        .map_err(|e| ssr::fail(e, lang))?;
    Ok((db, own, f, lang))
}

#[server(prefix = "/sf", endpoint = "facility_detail")]
pub async fn facility_detail(id: i64) -> Result<FacilityView, UiError> {
    let (db, own, facility, lang) = facility_context(id).await?;
    let can_manage = own.require(domain::authz::Permission::ManageFacilities).is_ok();
    let history = if can_manage {
        Some(
            domain::facilities::facility_history(&db, &own, facility.facility.id)
                .await
                .map_err(|e| ssr::fail(e, lang))?,
        )
    } else {
        None
    };
    Ok(FacilityView { facility, history, can_manage })
}

#[server(prefix = "/sf", endpoint = "set_facility_state")]
pub async fn set_facility_state(
    id: i64,
    published: Option<bool>,
    archived: Option<bool>,
) -> Result<StaffFacilityOut, UiError> {
    let (db, own, f, lang) = facility_context(id).await?;
    let input = types::directory::FacilityStateIn { published, archived };
    domain::facilities::set_state(&db, &own, f.facility.id, input, lang).await.map_err(|e| ssr::fail(e, lang))
}

/// The staff form of a facility, as typed: numbers and hours are read here so each
/// mistake is reported on its own field. `areas[<code>]` checkboxes arrive as a map.
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
    fn into_input(self) -> Result<types::directory::FacilityIn, domain::AppError> {
        use domain::error::FieldIssue;
        let mut issues = Vec::new();
        fn blank(s: Option<String>) -> Option<String> {
            s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
        }
        let mut int = |field: &'static str, v: Option<String>| -> Option<i32> {
            let v = blank(v)?;
            v.parse()
                .map_err(|_| issues.push(FieldIssue { field: field.into(), key: "validation.number", args: vec![] }))
                .ok()
        };
        let age_min = int("age_min", self.age_min);
        let age_max = int("age_max", self.age_max);
        let places_authorised = int("places_authorised", self.places_authorised);
        let places_accredited = int("places_accredited", self.places_accredited);
        let places_free = int("places_free", self.places_free);
        let mut dec = |field: &'static str, v: Option<String>| -> Option<f64> {
            let v = blank(v)?.replace(',', ".");
            v.parse()
                .map_err(|_| issues.push(FieldIssue { field: field.into(), key: "validation.number", args: vec![] }))
                .ok()
        };
        let latitude = dec("latitude", self.latitude);
        let longitude = dec("longitude", self.longitude);
        // Chosen from a list: anything else is an unknown choice, not a typing mistake.
        let mut id = |field: &'static str, v: Option<String>| -> Option<i64> {
            let v = blank(v)?;
            v.parse()
                .map_err(|_| {
                    issues.push(FieldIssue { field: field.into(), key: "validation.unknown_code", args: vec![] })
                })
                .ok()
        };
        let organization_id = id("organization_id", self.organization_id);
        let district_id = id("district_id", self.district_id);
        let hours = types::directory::OpeningHours::parse_text(&self.hours).unwrap_or_else(|line| {
            issues.push(FieldIssue {
                field: "hours".into(),
                key: "validation.hours_line",
                args: vec![("line", line.to_string())],
            });
            Default::default()
        });
        if !issues.is_empty() {
            return Err(domain::AppError::Validation(issues));
        }
        Ok(types::directory::FacilityIn {
            name: self.name,
            facility_type: self.facility_type,
            areas: self.areas.into_keys().collect(),
            setting: self.setting,
            organization_id: organization_id.map(types::OrganizationId),
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
#[server(prefix = "/sf", endpoint = "save_facility")]
pub async fn save_facility(id: Option<i64>, form: FacilityForm) -> Result<StaffFacilityOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = form.into_input().map_err(|e| ssr::fail(e, lang))?;
    match id {
        None => domain::facilities::create_facility(&db, &ctx, input, lang).await.map_err(|e| ssr::fail(e, lang)),
        Some(id) => {
            let (db, own, current, lang) = facility_context(id).await?;
            domain::facilities::update_facility(&db, &own, current.facility.id, input, lang)
                .await
                .map_err(|e| ssr::fail(e, lang))
        }
    }
}

/// What the facility form offers to choose from: the organisations and districts of the
/// facility's tenant (of the current tenant for a new one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FacilityFormOptions {
    pub organizations: Vec<types::directory::OrganizationOut>,
    pub districts: Vec<DistrictOut>,
}

#[server(prefix = "/sf", endpoint = "facility_choices")]
pub async fn facility_choices(id: Option<i64>) -> Result<FacilityFormOptions, UiError> {
    let (db, ctx, lang) = match id {
        None => ssr::tenant().await?,
        Some(id) => {
            let (db, own, _, lang) = facility_context(id).await?;
            (db, own, lang)
        }
    };
    let organizations = domain::organizations::all_organizations(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))?;
    let districts = domain::districts::all_districts(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))?;
    Ok(FacilityFormOptions { organizations, districts })
}

/// The front desk's contact log, newest first, filtered by period, channel and area.
#[server(prefix = "/sf", endpoint = "list_contacts")]
pub async fn list_contacts(
    from: Option<String>,
    to: Option<String>,
    channel: Option<String>,
    area: Option<String>,
    page: u64,
) -> Result<Page<types::contacts::ContactOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let search = types::contacts::ContactSearch { from, to, channel, area, page: Some(page) };
    domain::contacts::list_contacts(&db, &ctx, &search).await.map_err(|e| ssr::fail(e, lang))
}

/// Logs a contact at the front desk (the form's fields; empty ones are named in the errors).
#[server(prefix = "/sf", endpoint = "log_contact")]
#[allow(clippy::too_many_arguments)]
pub async fn log_contact(
    contacted_on: Option<String>,
    channel: Option<String>,
    district_id: Option<String>,
    area: Option<String>,
    age_band: Option<String>,
    gender: Option<String>,
    citizenship: Option<String>,
    country: Option<String>,
    request_type: Option<String>,
    outcome: Option<String>,
) -> Result<types::contacts::ContactOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let district_id = match district_id.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => Some(types::DistrictId(
            d.parse()
                .map_err(|_| ssr::fail(domain::AppError::field("district_id", "validation.unknown_code"), lang))?,
        )),
    };
    let input = types::contacts::ContactIn {
        contacted_on,
        channel: channel.unwrap_or_default(),
        district_id,
        area: area.unwrap_or_default(),
        age_band: age_band.unwrap_or_default(),
        gender: gender.unwrap_or_default(),
        citizenship: citizenship.unwrap_or_default(),
        country,
        request_type: request_type.unwrap_or_default(),
        outcome: outcome.unwrap_or_default(),
    };
    domain::contacts::log_contact(&db, &ctx, input).await.map_err(|e| ssr::fail(e, lang))
}

/// What the contact form starts from: today's date (the server's) and the districts a
/// contact can be placed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactFormStart {
    pub today: String,
    pub districts: Vec<DistrictOut>,
}

#[server(prefix = "/sf", endpoint = "contact_form_options")]
pub async fn contact_form_options() -> Result<ContactFormStart, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let districts = domain::districts::all_districts(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))?;
    Ok(ContactFormStart { today: domain::contacts::today(), districts })
}

/// One contact of the log (to open a case from it).
#[server(prefix = "/sf", endpoint = "contact_detail")]
pub async fn contact_detail(id: i64) -> Result<types::contacts::ContactOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::contacts::get_contact(&db, &ctx, types::ContactId(id)).await.map_err(|e| ssr::fail(e, lang))
}

/// Persons of the tenant matching `q` (words of the name, or a codice fiscale). A server
/// function is a POST: what the worker typed stays out of URLs.
#[server(prefix = "/sf", endpoint = "search_persons")]
pub async fn search_persons(q: Option<String>, page: Option<u64>) -> Result<Page<types::persons::PersonOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::persons::search_persons(&db, &ctx, q.as_deref(), page.unwrap_or(1)).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "person_detail")]
pub async fn person_detail(id: i64) -> Result<types::persons::PersonOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::persons::get_person(&db, &ctx, types::PersonId(id)).await.map_err(|e| ssr::fail(e, lang))
}

/// Creates (no `id`) or edits a person; `version` is the one the edit started from.
#[server(prefix = "/sf", endpoint = "save_person")]
#[allow(clippy::too_many_arguments)] // one argument per form field
pub async fn save_person(
    id: Option<i64>,
    version: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    tax_code: Option<String>,
    birth_date: Option<String>,
    birth_place: Option<String>,
    sex: Option<String>,
    citizenship: Option<String>,
    country: Option<String>,
    address: Option<String>,
    district_id: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    confirm_duplicate: Option<String>,
) -> Result<types::persons::PersonOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let form = types::persons::PersonIn {
        first_name: first_name.unwrap_or_default(),
        last_name: last_name.unwrap_or_default(),
        tax_code,
        birth_date,
        birth_place,
        sex,
        citizenship,
        country,
        address,
        district_id: district_id.and_then(|d| d.trim().parse().ok()).map(types::DistrictId),
        phone,
        email,
        confirm_duplicate: confirm_duplicate.is_some_and(|c| c == "on" || c == "true"),
        version: version.and_then(|v| v.trim().parse().ok()),
    };
    match id {
        None => domain::persons::create_person(&db, &ctx, form).await,
        Some(id) => domain::persons::update_person(&db, &ctx, types::PersonId(id), form).await,
    }
    .map_err(|e| ssr::fail(e, lang))
}

/// The cases open to the worker (all of the tenant's for a tenant admin), filtered; `q`
/// (name words or codice fiscale) travels in the body.
#[server(prefix = "/sf", endpoint = "search_cases")]
pub async fn search_cases(
    q: Option<String>,
    status: Option<String>,
    area: Option<String>,
    mine: Option<bool>,
    person_id: Option<i64>,
    district_id: Option<i64>,
    page: Option<u64>,
) -> Result<Page<types::cases::CaseSummary>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let search = types::cases::CaseSearch {
        q,
        status,
        area,
        mine: mine.unwrap_or(false),
        person_id: person_id.map(types::PersonId),
        district_id: district_id.map(types::DistrictId),
        page,
    };
    domain::cases::search_cases(&db, &ctx, search).await.map_err(|e| ssr::fail(e, lang))
}

/// Everything the case page shows, in one call.
#[server(prefix = "/sf", endpoint = "case_page")]
pub async fn case_page(id: i64) -> Result<types::cases::CasePage, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::cases::case_page(&db, &ctx, types::CaseId(id)).await.map_err(|e| ssr::fail(e, lang))
}

/// Who may be responsible for a case or be given access to it.
#[server(prefix = "/sf", endpoint = "case_workers")]
pub async fn case_workers() -> Result<Vec<types::cases::CaseMemberOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::cases::workers(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))
}

/// Opens a case for a person, from a front-desk contact when `contact_id` is given.
#[server(prefix = "/sf", endpoint = "open_case")]
pub async fn open_case(
    person_id: Option<i64>,
    area: Option<String>,
    opened_on: Option<String>,
    responsible_id: Option<i64>,
    contact_id: Option<i64>,
) -> Result<types::cases::CaseOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::cases::CaseIn {
        person_id: person_id.map(types::PersonId),
        area: area.unwrap_or_default(),
        opened_on,
        responsible_id: responsible_id.map(types::UserId),
        contact_id: contact_id.map(types::ContactId),
    };
    domain::cases::create_case(&db, &ctx, input).await.map_err(|e| ssr::fail(e, lang))
}

/// Changes a case's area and dates, or closes it.
#[server(prefix = "/sf", endpoint = "edit_case")]
pub async fn edit_case(
    id: i64,
    version: Option<i32>,
    area: Option<String>,
    opened_on: Option<String>,
    closed_on: Option<String>,
    closing_reason: Option<String>,
) -> Result<types::cases::CaseOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::cases::CaseEdit {
        area: area.unwrap_or_default(),
        opened_on: opened_on.unwrap_or_default(),
        closed_on,
        closing_reason,
        version,
    };
    domain::cases::update_case(&db, &ctx, types::CaseId(id), input).await.map_err(|e| ssr::fail(e, lang))
}

/// One member row of the access form (`members[i][user_id]`, `members[i][restricted]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessRow {
    pub user_id: Option<i64>,
    /// A ticked box sends `on`.
    pub restricted: Option<String>,
}

/// Who works on a case and who sees its restricted sections (tenant admins).
#[server(prefix = "/sf", endpoint = "set_case_access")]
pub async fn set_case_access(
    id: i64,
    responsible_id: Option<i64>,
    #[server(default)] members: Vec<AccessRow>,
) -> Result<types::cases::CaseOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
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
    domain::cases::set_access(&db, &ctx, types::CaseId(id), input).await.map_err(|e| ssr::fail(e, lang))
}

/// Who did what to a case and its person (tenant admins).
#[server(prefix = "/sf", endpoint = "case_audit")]
pub async fn case_audit(id: i64) -> Result<Vec<types::cases::AuditEntryOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::cases::audit_trail(&db, &ctx, types::CaseId(id)).await.map_err(|e| ssr::fail(e, lang))
}

/// A section of a case's record with its history, newest save first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionView {
    pub section: types::cases::SectionOut,
    pub history: Vec<types::cases::SectionChange>,
}

#[server(prefix = "/sf", endpoint = "case_section")]
pub async fn case_section(id: i64, section: String) -> Result<SectionView, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let case = types::CaseId(id);
    let current = domain::cases::get_section(&db, &ctx, case, &section).await.map_err(|e| ssr::fail(e, lang))?;
    let history = domain::cases::section_history(&db, &ctx, case, &section).await.map_err(|e| ssr::fail(e, lang))?;
    Ok(SectionView { section: current, history })
}

/// Saves all entries of a section (`entries[i][field]`), as an edit of `version`.
#[server(prefix = "/sf", endpoint = "save_case_section")]
pub async fn save_case_section(
    id: i64,
    section: String,
    version: Option<i32>,
    #[server(default)] entries: Vec<types::cases::Entry>,
) -> Result<types::cases::SectionOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    // The form's "remove this entry" box: that entry is left out of the save.
    let entries = entries.into_iter().filter(|e| !e.contains_key("_remove")).collect();
    let input = types::cases::SectionIn { entries, version };
    domain::cases::save_section(&db, &ctx, types::CaseId(id), &section, input).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "add_assessment")]
pub async fn add_assessment(
    id: i64,
    assessed_on: Option<String>,
    problems: Option<String>,
    resources: Option<String>,
    summary: Option<String>,
    proposals: Option<String>,
) -> Result<types::plans::AssessmentOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::plans::AssessmentIn {
        assessed_on,
        problems: problems.unwrap_or_default(),
        resources: resources.unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        proposals: proposals.unwrap_or_default(),
    };
    domain::plans::add_assessment(&db, &ctx, types::CaseId(id), input).await.map_err(|e| ssr::fail(e, lang))
}

/// Agrees a plan (no `plan_id`) or changes one, its status included.
#[server(prefix = "/sf", endpoint = "save_plan")]
#[allow(clippy::too_many_arguments)] // one argument per form field
pub async fn save_plan(
    id: i64,
    plan_id: Option<i64>,
    version: Option<i32>,
    goals: Option<String>,
    planned: Option<String>,
    responsibilities: Option<String>,
    started_on: Option<String>,
    next_review_on: Option<String>,
    status: Option<String>,
    status_note: Option<String>,
) -> Result<types::plans::PlanOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::plans::PlanIn {
        goals: goals.unwrap_or_default(),
        planned: planned.unwrap_or_default(),
        responsibilities: responsibilities.unwrap_or_default(),
        started_on,
        next_review_on,
        status,
        status_note,
        version,
    };
    let case = types::CaseId(id);
    match plan_id {
        None => domain::plans::create_plan(&db, &ctx, case, input).await,
        Some(plan) => domain::plans::update_plan(&db, &ctx, case, types::PlanId(plan), input).await,
    }
    .map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "review_plan")]
pub async fn review_plan(
    id: i64,
    plan_id: i64,
    reviewed_on: Option<String>,
    notes: Option<String>,
    next_review_on: Option<String>,
) -> Result<types::plans::PlanOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::plans::ReviewIn { reviewed_on, notes: notes.unwrap_or_default(), next_review_on };
    domain::plans::review_plan(&db, &ctx, types::CaseId(id), types::PlanId(plan_id), input)
        .await
        .map_err(|e| ssr::fail(e, lang))
}

/// Records an intervention on case `id`; with `intervention_id` (and the `version` read),
/// corrects that one instead.
#[server(prefix = "/sf", endpoint = "record_intervention")]
#[allow(clippy::too_many_arguments)] // one argument per form field
pub async fn record_intervention(
    id: i64,
    intervention_id: Option<i64>,
    version: Option<i32>,
    kind: Option<String>,
    description: Option<String>,
    started_on: Option<String>,
    ended_on: Option<String>,
    quantity: Option<String>,
    unit: Option<String>,
    cost: Option<String>,
    funding: Option<String>,
    provider_name: Option<String>,
    plan_id: Option<String>,
) -> Result<types::plans::InterventionOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::plans::InterventionIn {
        kind: kind.unwrap_or_default(),
        description,
        started_on: started_on.unwrap_or_default(),
        ended_on,
        quantity,
        unit,
        cost,
        funding,
        provider_facility_id: None,
        provider_name,
        plan_id: plan_id.and_then(|p| p.trim().parse().ok()).map(types::PlanId),
        version,
    };
    let case = types::CaseId(id);
    match intervention_id {
        None => domain::plans::record_intervention(&db, &ctx, case, input).await,
        Some(i) => domain::plans::update_intervention(&db, &ctx, case, types::InterventionId(i), input).await,
    }
    .map_err(|e| ssr::fail(e, lang))
}

/// Plan reviews due on the worker's cases (their home page).
#[server(prefix = "/sf", endpoint = "reviews_due")]
pub async fn reviews_due() -> Result<Vec<types::plans::ReviewDue>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::plans::reviews_due(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))
}

/// Refers case `id` to a third-sector operator; `sections` are the ticked codes.
#[server(prefix = "/sf", endpoint = "refer_case")]
pub async fn refer_case(
    id: i64,
    organization_id: Option<i64>,
    user_id: Option<i64>,
    #[server(default)] sections: Vec<String>,
    reason: Option<String>,
) -> Result<types::referrals::ReferralOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::referrals::ReferralIn {
        organization_id: organization_id.map(types::OrganizationId),
        user_id: user_id.map(types::UserId),
        sections,
        reason: reason.unwrap_or_default(),
    };
    domain::referrals::refer(&db, &ctx, types::CaseId(id), input).await.map_err(|e| ssr::fail(e, lang))
}

/// Ends a referral of case `id`.
#[server(prefix = "/sf", endpoint = "end_referral")]
pub async fn end_referral(id: i64, referral_id: i64) -> Result<types::referrals::ReferralOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::referrals::end_referral(&db, &ctx, types::CaseId(id), types::ReferralId(referral_id))
        .await
        .map_err(|e| ssr::fail(e, lang))
}

/// Proposes case `id` to another tenant.
#[server(prefix = "/sf", endpoint = "propose_transfer")]
pub async fn propose_transfer(
    id: i64,
    to_tenant: Option<String>,
    #[server(default)] sections: Vec<String>,
    reason: Option<String>,
) -> Result<types::referrals::TransferOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let input = types::referrals::TransferIn {
        to_tenant: to_tenant.unwrap_or_default(),
        sections,
        reason: reason.unwrap_or_default(),
    };
    domain::transfers::propose_transfer(&db, &ctx, types::CaseId(id), input).await.map_err(|e| ssr::fail(e, lang))
}

/// The referrals made to the signed-in third-sector operator.
#[server(prefix = "/sf", endpoint = "received_referrals")]
pub async fn received_referrals() -> Result<Vec<types::referrals::ReferralOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::referrals::received_referrals(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))
}

/// The decision form: `decision` is `accept` or `decline`.
#[cfg(feature = "ssr")]
fn decision_in(
    decision: Option<String>,
    note: Option<String>,
    responsible_id: Option<i64>,
) -> types::referrals::DecisionIn {
    types::referrals::DecisionIn {
        accept: decision.as_deref() == Some("accept"),
        note,
        responsible_id: responsible_id.map(types::UserId),
    }
}

#[server(prefix = "/sf", endpoint = "decide_referral")]
pub async fn decide_referral(
    referral_id: i64,
    decision: Option<String>,
    note: Option<String>,
) -> Result<types::referrals::ReferralOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    if !matches!(decision.as_deref(), Some("accept" | "decline")) {
        return Err(ssr::fail(domain::AppError::field("decision", "validation.required"), lang));
    }
    domain::referrals::decide_referral(&db, &ctx, types::ReferralId(referral_id), decision_in(decision, note, None))
        .await
        .map_err(|e| ssr::fail(e, lang))
}

/// Cases other tenants propose to transfer here (tenant admins).
#[server(prefix = "/sf", endpoint = "incoming_transfers")]
pub async fn incoming_transfers() -> Result<Vec<types::referrals::TransferOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::transfers::incoming_transfers(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "decide_transfer")]
pub async fn decide_transfer(
    transfer_id: i64,
    decision: Option<String>,
    note: Option<String>,
    responsible_id: Option<i64>,
) -> Result<types::referrals::TransferOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    if !matches!(decision.as_deref(), Some("accept" | "decline")) {
        return Err(ssr::fail(domain::AppError::field("decision", "validation.required"), lang));
    }
    let input = decision_in(decision, note, responsible_id);
    domain::transfers::decide_transfer(&db, &ctx, types::TransferId(transfer_id), input)
        .await
        .map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "person_household")]
pub async fn person_household(id: i64) -> Result<Vec<types::persons::HouseholdMemberOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::households::household(&db, &ctx, types::PersonId(id)).await.map_err(|e| ssr::fail(e, lang))
}

/// Records a new person and adds them to the household of person `id`.
#[server(prefix = "/sf", endpoint = "add_household_member")]
#[allow(clippy::too_many_arguments)] // one argument per form field
pub async fn add_household_member(
    id: i64,
    first_name: Option<String>,
    last_name: Option<String>,
    tax_code: Option<String>,
    birth_date: Option<String>,
    sex: Option<String>,
    relationship: Option<String>,
    cohabiting: Option<String>,
    confirm_duplicate: Option<String>,
) -> Result<Vec<types::persons::HouseholdMemberOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let member = types::persons::PersonIn {
        first_name: first_name.unwrap_or_default(),
        last_name: last_name.unwrap_or_default(),
        tax_code,
        birth_date,
        sex,
        confirm_duplicate: confirm_duplicate.is_some(),
        ..Default::default()
    };
    let relationship = relationship.unwrap_or_default();
    domain::households::add_new_member(&db, &ctx, types::PersonId(id), member, &relationship, cohabiting.is_some())
        .await
        .map_err(|e| ssr::fail(e, lang))
}

/// Takes `member_id` out of the household of person `id`.
#[server(prefix = "/sf", endpoint = "remove_household_member")]
pub async fn remove_household_member(
    id: i64,
    member_id: i64,
) -> Result<Vec<types::persons::HouseholdMemberOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let person = types::PersonId(id);
    let current = domain::households::household(&db, &ctx, person).await.map_err(|e| ssr::fail(e, lang))?;
    let members = current
        .into_iter()
        .filter(|m| m.member_id.0 != member_id)
        .map(|m| types::persons::HouseholdMemberIn {
            member_id: Some(m.member_id),
            relationship: m.relationship,
            cohabiting: m.cohabiting,
        })
        .collect();
    let input = types::persons::HouseholdIn { members };
    domain::households::set_household(&db, &ctx, person, input).await.map_err(|e| ssr::fail(e, lang))
}

/// Everything held about a person (tenant admins).
#[server(prefix = "/sf", endpoint = "person_export")]
pub async fn person_export(id: i64) -> Result<types::persons::PersonExport, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::subject_rights::export_person(&db, &ctx, types::PersonId(id)).await.map_err(|e| ssr::fail(e, lang))
}

/// Erases or anonymises a person (tenant admins); `confirm` must be ticked.
#[server(prefix = "/sf", endpoint = "erase_person")]
pub async fn erase_person(id: i64, mode: Option<String>, confirm: Option<String>) -> Result<(), UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    if confirm.is_none() {
        return Err(ssr::fail(domain::AppError::field("confirm", "validation.required"), lang));
    }
    let input = types::persons::ErasureIn { mode: mode.unwrap_or_default() };
    domain::subject_rights::erase_person(&db, &ctx, types::PersonId(id), input).await.map_err(|e| ssr::fail(e, lang))
}

/// The current tenant's organisations, filtered by `q`, one page at a time.
#[server(prefix = "/sf", endpoint = "list_organizations")]
pub async fn list_organizations(
    q: Option<String>,
    page: u64,
) -> Result<Page<types::directory::OrganizationOut>, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::organizations::list_organizations(&db, &ctx, q.as_deref(), page).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "organization_detail")]
pub async fn organization_detail(id: i64) -> Result<types::directory::OrganizationOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::organizations::get_organization(&db, &ctx, types::OrganizationId(id)).await.map_err(|e| ssr::fail(e, lang))
}

/// Creates (no `id`) or edits an organisation of the current tenant.
#[server(prefix = "/sf", endpoint = "save_organization")]
#[allow(clippy::too_many_arguments)] // one argument per form field
pub async fn save_organization(
    id: Option<i64>,
    name: String,
    tax_code: Option<String>,
    vat_number: Option<String>,
    legal_status: String,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
) -> Result<types::directory::OrganizationOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    let form = types::directory::OrganizationIn { name, tax_code, vat_number, legal_status, email, phone, website };
    match id {
        None => domain::organizations::create_organization(&db, &ctx, form).await,
        Some(id) => domain::organizations::update_organization(&db, &ctx, types::OrganizationId(id), form).await,
    }
    .map_err(|e| ssr::fail(e, lang))
}

/// The current tenant's benefits catalogue (or, `shared`, the deployment's national one).
#[server(prefix = "/sf", endpoint = "benefit_catalogue")]
pub async fn benefit_catalogue(shared: bool) -> Result<types::benefits::CatalogueOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::benefits::staff::catalogue(&db, &ctx, shared, lang).await.map_err(|e| ssr::fail(e, lang))
}

/// Saves the draft rules and test cases and answers how they check.
#[server(prefix = "/sf", endpoint = "save_benefit_rules")]
pub async fn save_benefit_rules(
    shared: bool,
    version: i32,
    draft: String,
    tests: String,
) -> Result<types::benefits::RulebookCheck, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::benefits::staff::save_rulebook(&db, &ctx, shared, version, &draft, &tests, lang)
        .await
        .map_err(|e| ssr::fail(e, lang))
}

/// Publishes the saved draft (at `version`).
#[server(prefix = "/sf", endpoint = "publish_benefit_rules")]
pub async fn publish_benefit_rules(shared: bool, version: i32) -> Result<types::benefits::RulebookCheck, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::benefits::staff::publish_rulebook(&db, &ctx, shared, version, lang).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "benefit_entry")]
pub async fn benefit_entry(id: i64, shared: bool) -> Result<types::benefits::EntryOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::benefits::staff::entry(&db, &ctx, shared, id).await.map_err(|e| ssr::fail(e, lang))
}

/// Creates (no `id`) or edits a catalogue entry; the year arrives as typed and is read
/// here, so a word in it is reported on its field.
#[server(prefix = "/sf", endpoint = "save_benefit_entry")]
#[allow(clippy::too_many_arguments)] // one argument per form field
pub async fn save_benefit_entry(
    id: Option<i64>,
    shared: bool,
    version: i32,
    code: String,
    level: String,
    category: String,
    to_verify: Option<String>,
    figures_year: Option<String>,
    name_it: String,
    name_en: Option<String>,
    summary_it: String,
    summary_en: Option<String>,
    who_it: String,
    who_en: Option<String>,
    amount_it: String,
    amount_en: Option<String>,
    how_to_apply_it: String,
    how_to_apply_en: Option<String>,
    apply_url: Option<String>,
    legal_reference: String,
) -> Result<types::benefits::EntryOut, UiError> {
    use domain::AppError;
    let (db, ctx, lang) = ssr::tenant().await?;
    let figures_year = match figures_year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => None,
        Some(y) => {
            Some(y.parse::<i32>().map_err(|_| ssr::fail(AppError::field("figures_year", "validation.number"), lang))?)
        }
    };
    let input = types::benefits::EntryIn {
        code,
        level,
        category,
        to_verify: to_verify.is_some(),
        figures_year,
        name_it,
        name_en,
        summary_it,
        summary_en,
        who_it,
        who_en,
        amount_it,
        amount_en,
        how_to_apply_it,
        how_to_apply_en,
        apply_url,
        legal_reference,
    };
    domain::benefits::staff::save_entry(&db, &ctx, shared, id, version, input).await.map_err(|e| ssr::fail(e, lang))
}

/// Publishes, retires or sets back to draft one entry.
#[server(prefix = "/sf", endpoint = "set_benefit_status")]
pub async fn set_benefit_status(id: i64, shared: bool, status: String) -> Result<types::benefits::EntryOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::benefits::staff::set_entry_status(&db, &ctx, shared, id, &status).await.map_err(|e| ssr::fail(e, lang))
}

/// The facility the signed-in facility manager keeps.
#[server(prefix = "/sf", endpoint = "my_facility")]
pub async fn my_facility() -> Result<StaffFacilityOut, UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::facilities::my_facility(&db, &ctx, lang).await.map_err(|e| ssr::fail(e, lang))
}

/// The facility manager's form: numbers and hours arrive as typed, and are read here so
/// a mistake is reported on its field.
#[server(prefix = "/sf", endpoint = "update_my_facility")]
pub async fn update_my_facility(
    places_free: Option<String>,
    hours: String,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    description: Option<String>,
) -> Result<StaffFacilityOut, UiError> {
    use domain::AppError;
    let (db, ctx, lang) = ssr::tenant().await?;
    let id = ctx.managed_facility().ok_or_else(|| ssr::fail(AppError::NotFound, lang))?;
    let places_free = match places_free.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => {
            Some(p.parse::<i32>().map_err(|_| ssr::fail(AppError::field("places_free", "validation.number"), lang))?)
        }
    };
    let hours = types::directory::OpeningHours::parse_text(&hours).map_err(|line| {
        let issue = domain::error::FieldIssue {
            field: "hours".into(),
            key: "validation.hours_line",
            args: vec![("line", line.to_string())],
        };
        ssr::fail(AppError::Validation(vec![issue]), lang)
    })?;
    let input = types::directory::SelfServiceIn { places_free, hours, phone, email, website, description };
    domain::facilities::self_service_update(&db, &ctx, id, input, lang).await.map_err(|e| ssr::fail(e, lang))
}

/// Invites a facility manager for one facility (creates the account if new).
#[server(prefix = "/sf", endpoint = "invite_facility_manager")]
pub async fn invite_facility_manager(
    id: i64,
    email: String,
    display_name: String,
) -> Result<types::dto::MemberCreatedOut, UiError> {
    let (db, own, f, lang) = facility_context(id).await?;
    let input = types::dto::MemberIn {
        email,
        display_name,
        role: types::Role::FacilityManager,
        facility_id: Some(f.facility.id),
    };
    domain::users::add_member(&db, &own, input).await.map_err(|e| ssr::fail(e, lang))
}

#[server(prefix = "/sf", endpoint = "facility_types")]
pub async fn facility_types() -> Result<Vec<FacilityTypeOut>, UiError> {
    let db = ssr::db()?;
    let session = ssr::session().await?;
    let lang = ssr::lang(&session).await;
    domain::facilities::facility_types(&db, lang).await.map_err(|e| ssr::fail(e, lang))
}

/// Server functions whose input is multipart form data (guarded by the server: the
/// framework panics on any other body), with the message for a body that is not.
pub const MULTIPART_SERVER_FNS: &[(&str, &str)] =
    &[("/sf/import_facilities", "validation.csv"), ("/sf/upload_logo", "validation.logo_type")];

/// The widgets' logo of the current tenant: an image file (field `file`) as multipart
/// form data.
#[server(prefix = "/sf", endpoint = "upload_logo", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_logo(data: leptos::server_fn::codec::MultipartData) -> Result<(), UiError> {
    use domain::AppError;
    let (db, ctx, lang) = ssr::tenant().await?;
    let unreadable = || ssr::fail(AppError::field("file", "validation.logo_type"), lang);
    let mut parts = data.into_inner().ok_or_else(unreadable)?;
    let mut file = Vec::new();
    while let Some(mut part) = parts.next_field().await.map_err(|_| unreadable())? {
        let is_file = part.name() == Some("file");
        while let Some(chunk) = part.chunk().await.map_err(|_| unreadable())? {
            if is_file {
                file.extend_from_slice(&chunk);
                // Read no further than the limit the domain refuses anyway.
                if file.len() > domain::theme::MAX_LOGO_BYTES {
                    break;
                }
            }
        }
    }
    domain::theme::set_logo(&db, &ctx, file).await.map_err(|e| match e {
        // The form calls the field `file`.
        AppError::Validation(mut issues) => {
            issues.iter_mut().for_each(|i| i.field = "file".into());
            ssr::fail(AppError::Validation(issues), lang)
        }
        e => ssr::fail(e, lang),
    })
}

#[server(prefix = "/sf", endpoint = "remove_logo")]
pub async fn remove_logo() -> Result<(), UiError> {
    let (db, ctx, lang) = ssr::tenant().await?;
    domain::theme::remove_logo(&db, &ctx).await.map_err(|e| ssr::fail(e, lang))
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
#[server(
    prefix = "/sf",
    endpoint = "import_facilities",
    input = leptos::server_fn::codec::MultipartFormData,
    output = leptos::server_fn::codec::StreamingText
)]
pub async fn import_facilities(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<leptos::server_fn::codec::TextStream<UiError>, UiError> {
    use domain::AppError;
    use futures::StreamExt;
    /// Larger files go through `openwelfare import facilities`.
    const MAX_BYTES: usize = 20 * 1024 * 1024;
    let (db, ctx, lang) = ssr::tenant().await?;
    let unreadable = || ssr::fail(AppError::field("file", "validation.csv"), lang);
    let mut parts = data.into_inner().ok_or_else(unreadable)?;
    let mut fields = std::collections::HashMap::new();
    let mut file = Vec::new();
    while let Some(mut part) = parts.next_field().await.map_err(|_| unreadable())? {
        let name = part.name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = part.chunk().await.map_err(|_| unreadable())? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_BYTES {
                return Err(ssr::fail(AppError::field("file", "validation.file_too_large"), lang));
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
    )
    .map_err(|e| ssr::fail(e, lang))?;

    // The import runs on its own (a client that goes away does not cut it halfway);
    // its progress and outcome come back as lines.
    let (events, lines) = futures::channel::mpsc::unbounded::<String>();
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
                if let AppError::Internal(cause) = &e {
                    tracing::error!(%cause, "import failed");
                }
                ImportEvent::Failed(e.to_api(lang))
            }
        };
        let _ = events.unbounded_send(event.to_line());
    });
    Ok(leptos::server_fn::codec::TextStream::new(lines.map(Ok)))
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
#[server(prefix = "/sf", endpoint = "checker_tenants")]
pub async fn checker_tenants() -> Result<Vec<types::directory::PublicTenantOut>, UiError> {
    let db = ssr::db()?;
    let lang = ssr::lang(&ssr::session().await?).await;
    domain::benefits::checker_tenants(&db).await.map_err(|e| ssr::fail(e, lang))
}

/// `tenant`'s published benefits catalogue (no login).
#[server(prefix = "/sf", endpoint = "public_benefits")]
pub async fn public_benefits(tenant: String) -> Result<PublicBenefitsOut, UiError> {
    let db = ssr::db()?;
    let lang = ssr::lang(&ssr::session().await?).await;
    let c = domain::benefits::public_catalogue(&db, &tenant, lang).await.map_err(|e| ssr::fail(e, lang))?;
    Ok(PublicBenefitsOut {
        tenant: c.tenant,
        name: c.name,
        administrations: c.administrations.into_iter().map(|a| (a.name, a.benefits)).collect(),
    })
}

/// Tenants with a public directory (no login).
#[server(prefix = "/sf", endpoint = "public_tenants")]
pub async fn public_tenants() -> Result<Vec<types::directory::PublicTenantOut>, UiError> {
    let db = ssr::db()?;
    let lang = ssr::lang(&ssr::session().await?).await;
    domain::facilities::publishing_tenants(&db).await.map_err(|e| ssr::fail(e, lang))
}

/// A page of the public directory of `tenant` (no login; published entries).
#[server(prefix = "/sf", endpoint = "public_search")]
pub async fn public_search(
    tenant: String,
    q: Option<String>,
    area: Option<String>,
    facility_type: Option<String>,
    free_places: Option<bool>,
    page: u64,
) -> Result<SearchPage<types::directory::FacilityOut>, UiError> {
    let lang = ssr::lang(&ssr::session().await?).await;
    let search = types::directory::FacilitySearch {
        q,
        area,
        facility_type,
        free_places,
        page: Some(page),
        ..Default::default()
    };
    ssr::directory()?.search(&tenant, &search, lang).await.map_err(|e| ssr::fail(e, lang))
}

/// One published facility of `tenant`'s directory.
#[server(prefix = "/sf", endpoint = "public_facility")]
pub async fn public_facility(tenant: String, id: i64) -> Result<types::directory::FacilityOut, UiError> {
    let lang = ssr::lang(&ssr::session().await?).await;
    ssr::directory()?.facility(&tenant, types::FacilityId(id), lang).await.map_err(|e| ssr::fail(e, lang))
}

/// How each server function is scoped, for the cross-tenant test: every registered
/// server function must appear here, or that test fails.
pub const SERVER_FN_SCOPES: &[(&str, FnScope)] = &[
    ("/sf/session", FnScope::Public),
    ("/sf/sign_in", FnScope::Public),
    ("/sf/sign_out", FnScope::Public),
    ("/sf/set_language", FnScope::Public),
    ("/sf/reset_password", FnScope::Public),
    ("/sf/switch_tenant", FnScope::User),
    ("/sf/change_password", FnScope::User),
    ("/sf/list_districts", FnScope::Tenant),
    ("/sf/create_district", FnScope::Tenant),
    ("/sf/rename_district", FnScope::Tenant),
    ("/sf/delete_district", FnScope::Tenant),
    ("/sf/get_settings", FnScope::Tenant),
    ("/sf/update_settings", FnScope::Tenant),
    ("/sf/upload_logo", FnScope::Tenant),
    ("/sf/remove_logo", FnScope::Tenant),
    ("/sf/list_members", FnScope::Tenant),
    ("/sf/add_member", FnScope::Tenant),
    ("/sf/remove_member", FnScope::Tenant),
    ("/sf/tenant_tree", FnScope::Tenant),
    ("/sf/search_comuni", FnScope::Tenant),
    ("/sf/create_municipality", FnScope::Tenant),
    ("/sf/create_zone", FnScope::Tenant),
    ("/sf/search_facilities", FnScope::Tenant),
    ("/sf/staff_filter_options", FnScope::Tenant),
    ("/sf/facility_detail", FnScope::Tenant),
    ("/sf/set_facility_state", FnScope::Tenant),
    ("/sf/facility_types", FnScope::Public),
    ("/sf/public_tenants", FnScope::Public),
    ("/sf/import_facilities", FnScope::Tenant),
    ("/sf/public_search", FnScope::Public),
    ("/sf/public_facility", FnScope::Public),
    ("/sf/checker_tenants", FnScope::Public),
    ("/sf/public_benefits", FnScope::Public),
    ("/sf/my_facility", FnScope::Tenant),
    ("/sf/save_facility", FnScope::Tenant),
    ("/sf/update_my_facility", FnScope::Tenant),
    ("/sf/invite_facility_manager", FnScope::Tenant),
    ("/sf/facility_choices", FnScope::Tenant),
    ("/sf/list_organizations", FnScope::Tenant),
    ("/sf/organization_detail", FnScope::Tenant),
    ("/sf/save_organization", FnScope::Tenant),
    ("/sf/benefit_catalogue", FnScope::Tenant),
    ("/sf/save_benefit_rules", FnScope::Tenant),
    ("/sf/publish_benefit_rules", FnScope::Tenant),
    ("/sf/benefit_entry", FnScope::Tenant),
    ("/sf/save_benefit_entry", FnScope::Tenant),
    ("/sf/set_benefit_status", FnScope::Tenant),
    ("/sf/list_contacts", FnScope::Tenant),
    ("/sf/log_contact", FnScope::Tenant),
    ("/sf/contact_form_options", FnScope::Tenant),
    ("/sf/contact_detail", FnScope::Tenant),
    ("/sf/search_persons", FnScope::Tenant),
    ("/sf/person_household", FnScope::Tenant),
    ("/sf/person_export", FnScope::Tenant),
    ("/sf/erase_person", FnScope::Tenant),
    ("/sf/add_household_member", FnScope::Tenant),
    ("/sf/remove_household_member", FnScope::Tenant),
    ("/sf/person_detail", FnScope::Tenant),
    ("/sf/save_person", FnScope::Tenant),
    ("/sf/search_cases", FnScope::Tenant),
    ("/sf/case_page", FnScope::Tenant),
    ("/sf/case_workers", FnScope::Tenant),
    ("/sf/open_case", FnScope::Tenant),
    ("/sf/edit_case", FnScope::Tenant),
    ("/sf/set_case_access", FnScope::Tenant),
    ("/sf/case_section", FnScope::Tenant),
    ("/sf/save_case_section", FnScope::Tenant),
    ("/sf/case_audit", FnScope::Tenant),
    ("/sf/add_assessment", FnScope::Tenant),
    ("/sf/save_plan", FnScope::Tenant),
    ("/sf/review_plan", FnScope::Tenant),
    ("/sf/record_intervention", FnScope::Tenant),
    ("/sf/reviews_due", FnScope::Tenant),
    ("/sf/refer_case", FnScope::Tenant),
    ("/sf/end_referral", FnScope::Tenant),
    ("/sf/propose_transfer", FnScope::Tenant),
    ("/sf/received_referrals", FnScope::Tenant),
    ("/sf/decide_referral", FnScope::Tenant),
    ("/sf/incoming_transfers", FnScope::Tenant),
    ("/sf/decide_transfer", FnScope::Tenant),
];

/// Who may call a server function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FnScope {
    /// Anyone (sign-in, language, the session itself).
    Public,
    /// A signed-in user, in no particular tenant.
    User,
    /// A signed-in user acting in the session's current tenant.
    Tenant,
}
