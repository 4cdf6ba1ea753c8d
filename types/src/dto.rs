//! Request (`XIn`) and response (`XOut`) bodies. Never the database models.

use serde::{Deserialize, Serialize};

use crate::{DistrictId, FacilityId, Lang, MembershipId, Role, TenantId, TenantKind, UserId};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A page of results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// Sign-in form.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SignInIn {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChangePasswordIn {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasswordResetRequestIn {
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResetPasswordIn {
    pub token: String,
    pub new_password: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UserOut {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub lang: Lang,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TenantOut {
    pub id: TenantId,
    pub parent_id: Option<TenantId>,
    pub slug: String,
    pub name: String,
    pub kind: TenantKind,
    pub istat_code: Option<String>,
}

/// A tenant and the user's role in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MembershipOut {
    pub tenant: TenantOut,
    pub role: Role,
}

/// Who is signed in, where they act now, and where else they can.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionOut {
    pub user: UserOut,
    pub current: Option<MembershipOut>,
    pub memberships: Vec<MembershipOut>,
}

/// A node of the tenant tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TenantNodeOut {
    pub tenant: TenantOut,
    /// Comuni grouped by a zone (empty for other kinds).
    pub comuni: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<TenantNodeOut>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ComuneOut {
    pub istat_code: String,
    pub name: String,
    pub province_sigla: String,
    pub population_2023: Option<i32>,
    /// The municipality tenant for this comune, if there is one.
    pub tenant_slug: Option<String>,
}

/// Create a municipality tenant for a comune of the province.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MunicipalityIn {
    pub istat_code: String,
}

/// Create a social zone (ambito) grouping comuni of the province.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ZoneIn {
    pub name: String,
    pub comuni: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DistrictOut {
    pub id: DistrictId,
    pub name: String,
    pub code: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DistrictIn {
    pub name: String,
    #[serde(default)]
    pub code: Option<String>,
}

/// A user as a member of the current tenant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberOut {
    pub id: MembershipId,
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// False until the user has set a password.
    pub has_password: bool,
    /// A facility manager's facility.
    pub facility_id: Option<FacilityId>,
}

/// Add a user to the current tenant (creating the account if the email is new).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberIn {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Required for a facility manager: the facility (of this tenant) they keep up to date.
    #[serde(default)]
    pub facility_id: Option<FacilityId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberCreatedOut {
    pub member: MemberOut,
    /// A one-time token for the new user to set a password (shown once; email comes later).
    pub set_password_token: Option<String>,
}

/// A change to who holds which role in the tenant, from its audit chain: shown to its
/// admins, so an appointment made from the province is seen by the tenant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MembershipChangeOut {
    pub seq: i64,
    pub at: String,
    /// Who made the change.
    pub by_name: String,
    /// `create` (added), `update` (role changed), `delete` (removed).
    pub action: String,
    pub member_name: String,
    /// The role given, changed to or removed.
    pub role: Option<Role>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TenantSettingsIn {
    pub contact_email: Option<String>,
    pub website: Option<String>,
    /// Directory entries not verified for this many days are flagged "to verify"
    /// (1–3650); absent keeps the current value.
    #[serde(default)]
    pub stale_after_days: Option<i32>,
    /// Web origins of the council sites that embed the widgets (`https://host[:port]`);
    /// absent keeps the current list.
    #[serde(default)]
    pub embed_origins: Option<Vec<String>>,
    /// The widgets' main colour, `#rrggbb` with 4.5:1 at least against white; `""` clears
    /// it, absent keeps it.
    #[serde(default)]
    pub brand_colour: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TenantSettingsOut {
    pub tenant: TenantOut,
    pub contact_email: Option<String>,
    pub website: Option<String>,
    pub stale_after_days: i32,
    pub embed_origins: Vec<String>,
    pub brand_colour: Option<String>,
    /// Path of the logo the widgets show, with its version (`None`: no logo).
    pub logo: Option<String>,
}
