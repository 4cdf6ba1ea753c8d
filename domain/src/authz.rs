//! Which role may do what: one table, checked through `TenantContext::require`.

use types::{Role, TenantKind};

/// An action that needs a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// See the tenant's home and basic information.
    ViewTenant,
    /// Add, change and remove users and their roles in this tenant.
    ManageUsers,
    /// Add, rename and remove districts (municipality tenants only).
    ManageDistricts,
    /// Change the tenant's settings (contacts, website).
    ManageSettings,
    /// Create municipality and zone tenants under a province/region.
    ManageTenants,
    /// See the directory of this tenant and beneath it, drafts included (staff only:
    /// directory data are public by nature, so every staff role may).
    ViewDirectory,
    /// Create, edit, publish, archive and import facilities and their organisations.
    ManageFacilities,
    /// Log contacts at the front desk and read the contact log (anonymous records, but
    /// about people: local front-line roles only, never province roles).
    LogContacts,
    /// Record and read persons of the social case record (special-category data, every
    /// access audited): social workers and tenant admins of a comune or zone.
    ManagePersons,
    /// Open cases and work on the cases one is a member of (docs/ARCHITECTURE.md §4); which case and
    /// which section is decided per case by `case_access::CaseGrant`.
    WorkCases,
    /// See the cases referred to oneself, accept or decline them, and open the sections
    /// named by an accepted referral (accredited third-sector operators).
    ReceiveReferrals,
    /// Decide who works on a case and who sees its restricted sections; decide on cases
    /// other tenants propose to transfer here.
    ManageCaseAccess,
    /// Export everything about a person, erase or anonymise them (GDPR arts. 15–20).
    DataSubjectRights,
    /// Edit, test and publish this tenant's benefits and their rules.
    ManageBenefits,
    /// Edit, test and publish the deployment's shared catalogue (national measures): a
    /// province admin whose account keeps it (`TenantContext::require` checks that too).
    ManageSharedBenefits,
}

impl Permission {
    /// The case data a permission guards (a refusal of it is audited), if any.
    pub fn guarded_object(self) -> Option<&'static str> {
        match self {
            Permission::ManagePersons | Permission::DataSubjectRights => Some("person"),
            Permission::WorkCases | Permission::ReceiveReferrals | Permission::ManageCaseAccess => Some("case"),
            _ => None,
        }
    }

    pub fn granted_to(self, role: Role, kind: TenantKind) -> bool {
        use Role::*;
        match self {
            Permission::ViewTenant => true,
            Permission::ManageUsers | Permission::ManageSettings => matches!(role, ProvinceAdmin | TenantAdmin),
            Permission::ManageDistricts => {
                kind == TenantKind::Municipality && matches!(role, ProvinceAdmin | TenantAdmin)
            }
            Permission::ManageTenants => kind.is_root() && role == ProvinceAdmin,
            Permission::ViewDirectory => true,
            Permission::ManageFacilities => matches!(role, ProvinceAdmin | TenantAdmin),
            Permission::LogContacts => !kind.is_root() && matches!(role, TenantAdmin | SocialWorker | FrontDesk),
            Permission::ManagePersons | Permission::WorkCases => {
                !kind.is_root() && matches!(role, TenantAdmin | SocialWorker)
            }
            Permission::ReceiveReferrals => !kind.is_root() && role == ThirdSector,
            Permission::ManageCaseAccess | Permission::DataSubjectRights => !kind.is_root() && role == TenantAdmin,
            Permission::ManageBenefits => matches!(role, ProvinceAdmin | TenantAdmin),
            Permission::ManageSharedBenefits => kind.is_root() && role == ProvinceAdmin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_privilege() {
        assert!(!Permission::ManageUsers.granted_to(Role::SocialWorker, TenantKind::Municipality));
        assert!(!Permission::ManageUsers.granted_to(Role::ProvinceAnalyst, TenantKind::Municipality));
        assert!(Permission::ManageUsers.granted_to(Role::TenantAdmin, TenantKind::Municipality));
        assert!(!Permission::ManageDistricts.granted_to(Role::TenantAdmin, TenantKind::Zone));
        assert!(Permission::ManageTenants.granted_to(Role::ProvinceAdmin, TenantKind::Province));
        assert!(!Permission::ManageTenants.granted_to(Role::ProvinceAdmin, TenantKind::Municipality));
        assert!(!Permission::ManageTenants.granted_to(Role::TenantAdmin, TenantKind::Province));
        assert!(Permission::ManageFacilities.granted_to(Role::ProvinceAdmin, TenantKind::Municipality));
        assert!(!Permission::ManageFacilities.granted_to(Role::ProvinceAnalyst, TenantKind::Municipality));
        assert!(!Permission::ManageFacilities.granted_to(Role::FacilityManager, TenantKind::Municipality));
        assert!(!Permission::ManageFacilities.granted_to(Role::SocialWorker, TenantKind::Municipality));
        assert!(Permission::LogContacts.granted_to(Role::FrontDesk, TenantKind::Municipality));
        assert!(Permission::LogContacts.granted_to(Role::SocialWorker, TenantKind::Zone));
        assert!(!Permission::LogContacts.granted_to(Role::ProvinceAdmin, TenantKind::Municipality));
        assert!(!Permission::LogContacts.granted_to(Role::ProvinceAnalyst, TenantKind::Municipality));
        assert!(!Permission::LogContacts.granted_to(Role::FacilityManager, TenantKind::Municipality));
        assert!(!Permission::LogContacts.granted_to(Role::ThirdSector, TenantKind::Municipality));
        assert!(Permission::ManagePersons.granted_to(Role::SocialWorker, TenantKind::Municipality));
        assert!(!Permission::ManagePersons.granted_to(Role::FrontDesk, TenantKind::Municipality));
        assert!(!Permission::ManagePersons.granted_to(Role::ProvinceAdmin, TenantKind::Municipality));
        assert!(Permission::WorkCases.granted_to(Role::SocialWorker, TenantKind::Zone));
        assert!(!Permission::WorkCases.granted_to(Role::FrontDesk, TenantKind::Municipality));
        assert!(!Permission::WorkCases.granted_to(Role::ProvinceAnalyst, TenantKind::Municipality));
        assert!(!Permission::ManageCaseAccess.granted_to(Role::SocialWorker, TenantKind::Municipality));
        assert!(Permission::ManageCaseAccess.granted_to(Role::TenantAdmin, TenantKind::Municipality));
        assert!(Permission::ReceiveReferrals.granted_to(Role::ThirdSector, TenantKind::Municipality));
        assert!(!Permission::ReceiveReferrals.granted_to(Role::SocialWorker, TenantKind::Municipality));
        assert!(!Permission::WorkCases.granted_to(Role::ThirdSector, TenantKind::Municipality));
        assert!(Permission::ManageBenefits.granted_to(Role::TenantAdmin, TenantKind::Municipality));
        assert!(!Permission::ManageBenefits.granted_to(Role::SocialWorker, TenantKind::Municipality));
        assert!(!Permission::ManageBenefits.granted_to(Role::ProvinceAnalyst, TenantKind::Province));
        assert!(Permission::ManageSharedBenefits.granted_to(Role::ProvinceAdmin, TenantKind::Province));
        assert!(!Permission::ManageSharedBenefits.granted_to(Role::ProvinceAdmin, TenantKind::Municipality));
        assert!(!Permission::ManageSharedBenefits.granted_to(Role::TenantAdmin, TenantKind::Municipality));
    }
}
