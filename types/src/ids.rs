//! Typed ids: a `TenantId` can never be passed where a `UserId` is expected.

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id! {
    /// A tenant: region, province, social zone (ambito) or municipality.
    TenantId,
    /// A staff user (users are global; roles come from memberships).
    UserId,
    /// A user's role in one tenant.
    MembershipId,
    /// An invitation to join a tenant, open until accepted, declined, revoked or expired.
    InvitationId,
    /// A district (quartiere) of a municipality tenant.
    DistrictId,
    /// A facility of the directory (an HSDS service at a location).
    FacilityId,
    /// An organisation managing facilities.
    OrganizationId,
    /// A contact logged at the front desk (sportello sociale).
    ContactId,
    /// A person of the social case record.
    PersonId,
    /// A social case (presa in carico) of a person.
    CaseId,
    /// A social assessment of a case.
    AssessmentId,
    /// An individual plan (PAI) of a case.
    PlanId,
    /// An intervention delivered on a case.
    InterventionId,
    /// A referral of a case to a third-sector operator.
    ReferralId,
    /// A proposal to hand a case over to another tenant.
    TransferId,
}
