//! The current tenant's own administration: districts, members, settings and logo, and
//! (province admins) the tenant tree with its comuni and zones.

use serde::{Deserialize, Serialize};
use types::dto::{
    ComuneOut, DistrictOut, MemberOut, MembershipChangeOut, Page, TenantNodeOut, TenantOut, TenantSettingsOut,
};
#[cfg(feature = "ssr")]
use types::{DistrictId, MembershipId};

use super::UiError;
use app_macros::staff_fn;
#[cfg(feature = "ssr")]
use domain::AppError;

#[staff_fn]
pub async fn list_districts(t: Tenant, page: u64) -> Result<Page<DistrictOut>, UiError> {
    domain::districts::list_districts(&t.db, &t.ctx, page).await
}

#[staff_fn]
pub async fn create_district(t: Tenant, name: String, code: Option<String>) -> Result<DistrictOut, UiError> {
    domain::districts::create_district(&t.db, &t.ctx, types::dto::DistrictIn { name, code }).await
}

#[staff_fn]
pub async fn rename_district(t: Tenant, id: i64, name: String, code: Option<String>) -> Result<DistrictOut, UiError> {
    domain::districts::update_district(&t.db, &t.ctx, DistrictId(id), types::dto::DistrictIn { name, code }).await
}

#[staff_fn]
pub async fn delete_district(t: Tenant, id: i64) -> Result<(), UiError> {
    domain::districts::delete_district(&t.db, &t.ctx, DistrictId(id)).await
}

#[staff_fn]
pub async fn list_members(t: Tenant, page: u64) -> Result<Page<MemberOut>, UiError> {
    domain::users::list_members(&t.db, &t.ctx, page).await
}

#[staff_fn]
pub async fn membership_changes(t: Tenant) -> Result<Vec<MembershipChangeOut>, UiError> {
    domain::users::membership_changes(&t.db, &t.ctx).await
}

/// Invites someone (by e-mail); they become a member when they accept.
#[staff_fn]
pub async fn add_member(
    t: Tenant,
    email: String,
    display_name: String,
    role: String,
) -> Result<types::dto::InvitationOut, UiError> {
    let role = types::Role::from_code(&role).ok_or_else(|| AppError::field("role", "validation.invalid"))?;
    let input = types::dto::MemberIn { email, display_name, role, facility_id: None };
    domain::invitations::invite(&t.db, &t.ctx, input, &super::session::link_base()).await
}

/// The invitations the tenant sent that are still open (or expired, to revoke).
#[staff_fn]
pub async fn pending_invitations(t: Tenant) -> Result<Vec<types::dto::InvitationOut>, UiError> {
    domain::invitations::pending(&t.db, &t.ctx).await
}

#[staff_fn]
pub async fn revoke_invitation(t: Tenant, id: i64) -> Result<(), UiError> {
    domain::invitations::revoke(&t.db, &t.ctx, types::InvitationId(id)).await
}

#[staff_fn]
pub async fn remove_member(t: Tenant, id: i64) -> Result<(), UiError> {
    domain::users::remove_member(&t.db, &t.ctx, MembershipId(id)).await
}

/// The configured public origin (`OW_PUBLIC_ORIGIN`), put in the context by the server:
/// the origin of the widget snippet on the settings page.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct PublicOrigin(pub String);

/// The origin council sites reach this server at: the configured public origin, else the
/// `Host` the browser used, over https when a proxy in front says so.
#[cfg(feature = "ssr")]
fn request_origin() -> String {
    use leptos::prelude::use_context;
    if let Some(PublicOrigin(origin)) = use_context::<PublicOrigin>().filter(|o| !o.0.is_empty()) {
        return origin.trim_end_matches('/').to_string();
    }
    let Some(parts) = use_context::<http::request::Parts>() else { return String::new() };
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let host = header("host").unwrap_or_default();
    let scheme = if header("x-forwarded-proto").as_deref() == Some("https") { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// The settings page: the tenant's settings and the origin its widgets come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub settings: TenantSettingsOut,
    /// This server as the browser reached it (`https://welfare.example.it`).
    pub widget_origin: String,
}

#[staff_fn]
pub async fn get_settings(t: Tenant) -> Result<SettingsView, UiError> {
    let settings = domain::tenants::settings(&t.db, &t.ctx).await?;
    Ok(SettingsView { settings, widget_origin: request_origin() })
}

/// The settings form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SettingsForm {
    pub contact_email: Option<String>,
    pub website: Option<String>,
    pub stale_after_days: Option<String>,
    /// One origin per line.
    pub embed_origins: Option<String>,
    pub brand_colour: Option<String>,
}

#[cfg(feature = "ssr")]
impl SettingsForm {
    fn into_input(self) -> domain::Result<types::dto::TenantSettingsIn> {
        let mut v = domain::validate::Validator::new();
        let stale_after_days = v.optional_number("stale_after_days", self.stale_after_days.as_deref());
        v.finish()?;
        Ok(types::dto::TenantSettingsIn {
            contact_email: self.contact_email,
            website: self.website,
            stale_after_days,
            embed_origins: self.embed_origins.map(|text| text.lines().map(str::to_string).collect()),
            brand_colour: self.brand_colour,
        })
    }
}

#[staff_fn]
pub async fn update_settings(t: Tenant, #[server(flatten)] form: SettingsForm) -> Result<TenantSettingsOut, UiError> {
    domain::tenants::update_settings(&t.db, &t.ctx, form.into_input()?).await
}

/// The widgets' logo of the current tenant: an image file (field `file`) as multipart
/// form data.
#[staff_fn(multipart = "validation.logo_type")]
pub async fn upload_logo(t: Tenant, data: leptos::server_fn::codec::MultipartData) -> Result<(), UiError> {
    // Who may change the logo is known before a byte of the file is read.
    t.ctx.require(domain::authz::Permission::ManageSettings)?;
    let unreadable = || AppError::field("file", "validation.logo_type");
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
    domain::theme::set_logo(&t.db, &t.ctx, file).await.map_err(|e| match e {
        // The form calls the field `file`.
        AppError::Validation(mut issues) => {
            issues.iter_mut().for_each(|i| i.field = "file".into());
            AppError::Validation(issues)
        }
        e => e,
    })
}

#[staff_fn]
pub async fn remove_logo(t: Tenant) -> Result<(), UiError> {
    domain::theme::remove_logo(&t.db, &t.ctx).await
}

#[staff_fn]
pub async fn tenant_tree(t: Tenant) -> Result<TenantNodeOut, UiError> {
    domain::tenants::tenant_tree(&t.db, &t.ctx).await
}

#[staff_fn]
pub async fn search_comuni(t: Tenant, q: String) -> Result<Vec<ComuneOut>, UiError> {
    domain::tenants::search_comuni(&t.db, &t.ctx, &q, Some(15)).await
}

#[staff_fn]
pub async fn create_municipality(t: Tenant, istat_code: String) -> Result<TenantOut, UiError> {
    domain::tenants::create_municipality(&t.db, &t.ctx, types::dto::MunicipalityIn { istat_code }).await
}

#[staff_fn]
pub async fn create_zone(t: Tenant, name: String, comuni: String) -> Result<TenantOut, UiError> {
    // The form sends the ISTAT codes as one comma-separated field.
    let comuni = comuni.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect();
    domain::tenants::create_zone(&t.db, &t.ctx, types::dto::ZoneIn { name, comuni }).await
}
