//! Request (`XIn`) and response (`XOut`) bodies. Never the database models.

use serde::{Deserialize, Serialize};

use crate::{DistrictId, FacilityId, InvitationId, Lang, MembershipId, Role, TenantId, TenantKind, UserId};

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
    /// Path of the current tenant's emblem for the header: its own logo or its nearest
    /// ancestor's (`None`: no logo up the tree).
    #[serde(default)]
    pub emblem: Option<String>,
}

/// The answer to a correct password when a second factor is asked for: the session is
/// pending until `POST /api/v1/session/totp` completes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SecondFactorOut {
    /// Always `totp`.
    pub second_factor: String,
    /// Present (`true`) when the account has no authenticator yet: `GET
    /// /api/v1/session/totp/enrolment` gives the secret to add to one, and the first code
    /// confirms it. An enrolled account's answer is exactly `{"second_factor": "totp"}`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enrol: bool,
}

/// What `POST /api/v1/session` answers: the session, or the second factor it waits for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(untagged)]
pub enum SignInOut {
    SecondFactor(SecondFactorOut),
    Session(SessionOut),
}

/// A code of the authenticator, or a recovery code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TotpIn {
    pub code: String,
}

/// The authenticator to enrol: its secret (base32), the `otpauth://` address, and that
/// address as a QR code (SVG) for the phone's camera.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TotpEnrolmentOut {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr_svg: String,
}

/// A completed sign-in; after an enrolment, with the recovery codes (shown this once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TotpDoneOut {
    #[serde(flatten)]
    pub session: SessionOut,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_codes: Vec<String>,
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

/// Invite someone to the current tenant: an invitation goes to the address by e-mail.
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

/// An invitation sent by the current tenant, open until its addressee accepts or declines
/// it, an admin revokes it or it expires. The same whether or not the address has an
/// account: nothing of the account shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationOut {
    pub id: InvitationId,
    pub email: String,
    /// The name the inviting admin gave.
    pub display_name: String,
    pub role: Role,
    pub facility_id: Option<FacilityId>,
    pub created_at: String,
    pub expires_at: String,
    /// Past `expires_at`: it can only be revoked (and sent again).
    pub expired: bool,
}

/// An open invitation addressed to the signed-in user's address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyInvitationOut {
    pub id: InvitationId,
    pub tenant_name: String,
    pub role: Role,
    pub expires_at: String,
}

/// What the link of an invitation e-mail is for, shown to whoever holds its token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationPreviewOut {
    pub tenant_name: String,
    pub role: Role,
    pub display_name: String,
    /// The address already has an account: sign in and accept from the invitations page.
    pub has_account: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationTokenIn {
    pub token: String,
}

/// A new account created from an invitation's link, with its password; the invitation is
/// accepted in the same step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitedAccountIn {
    pub token: String,
    pub display_name: String,
    pub new_password: String,
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
