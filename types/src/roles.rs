//! Roles and tenant kinds, with the stable codes stored in the database.

use serde::{Deserialize, Serialize};

/// What a user may do in one tenant (see docs/ARCHITECTURE.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    ProvinceAdmin,
    ProvinceAnalyst,
    TenantAdmin,
    SocialWorker,
    FrontDesk,
    FacilityManager,
    ThirdSector,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::ProvinceAdmin,
        Role::ProvinceAnalyst,
        Role::TenantAdmin,
        Role::SocialWorker,
        Role::FrontDesk,
        Role::FacilityManager,
        Role::ThirdSector,
    ];
    /// Roles held in a municipality or zone tenant.
    pub const LOCAL: [Role; 5] =
        [Role::TenantAdmin, Role::SocialWorker, Role::FrontDesk, Role::FacilityManager, Role::ThirdSector];

    /// The code stored in the database and used in forms.
    pub fn code(self) -> &'static str {
        match self {
            Role::ProvinceAdmin => "province_admin",
            Role::ProvinceAnalyst => "province_analyst",
            Role::TenantAdmin => "tenant_admin",
            Role::SocialWorker => "social_worker",
            Role::FrontDesk => "front_desk",
            Role::FacilityManager => "facility_manager",
            Role::ThirdSector => "third_sector",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Province roles live in a province/region tenant and reach its descendants.
    pub fn is_province_role(self) -> bool {
        matches!(self, Role::ProvinceAdmin | Role::ProvinceAnalyst)
    }

    /// Local roles that read something of the people served: the case record (admins,
    /// social workers, operators a case is referred to) or the front-desk log. Never held
    /// by an account with a province role above (separation of duties).
    pub fn reads_case_data(self) -> bool {
        matches!(self, Role::TenantAdmin | Role::SocialWorker | Role::FrontDesk | Role::ThirdSector)
    }

    /// Signing in asks for a second factor (TOTP): the role reads case data or manages users.
    pub fn needs_second_factor(self) -> bool {
        self.reads_case_data() || matches!(self, Role::ProvinceAdmin | Role::TenantAdmin)
    }

    /// Translation key of the role's name.
    pub fn label_key(self) -> String {
        format!("role.{}", self.code())
    }
}

/// The level of a tenant in the tree region/province → zone → municipality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TenantKind {
    Region,
    Province,
    /// A social zone (ambito territoriale sociale) grouping municipalities.
    Zone,
    Municipality,
}

impl TenantKind {
    pub const ALL: [TenantKind; 4] =
        [TenantKind::Region, TenantKind::Province, TenantKind::Zone, TenantKind::Municipality];

    pub fn code(self) -> &'static str {
        match self {
            TenantKind::Region => "region",
            TenantKind::Province => "province",
            TenantKind::Zone => "zone",
            TenantKind::Municipality => "municipality",
        }
    }

    pub fn from_code(code: &str) -> Option<TenantKind> {
        TenantKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Roots of the tree (they administer, never own case data).
    pub fn is_root(self) -> bool {
        matches!(self, TenantKind::Region | TenantKind::Province)
    }

    pub fn label_key(self) -> String {
        format!("tenant_kind.{}", self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        for k in TenantKind::ALL {
            assert_eq!(TenantKind::from_code(k.code()), Some(k));
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
