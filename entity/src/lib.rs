//! sea-orm entities only: the shape of each table, no queries and no rules.
//! One module per table, named as the table. Tenant-owned tables carry `tenant_id` and
//! are listed once in `domain::tenancy` (`tenant_tables!`); its scoped helpers are the
//! only way the application reads or writes them.

pub mod assessment;
pub mod audit_entry;
pub mod benefit;
pub mod benefit_rulebook;
pub mod care_plan;
pub mod case_member;
pub mod case_referral;
pub mod case_section;
pub mod case_section_change;
pub mod case_transfer;
pub mod comune;
pub mod contact;
pub mod district;
pub mod facility;
pub mod facility_change;
pub mod facility_type;
pub mod household_member;
pub mod intervention;
pub mod invitation;
pub mod login_throttle;
pub mod membership;
pub mod organization;
pub mod outbox_message;
pub mod password_reset;
pub mod person;
pub mod plan_event;
pub mod recovery_code;
pub mod social_case;
pub mod tenant;
pub mod tenant_logo;
pub mod user_account;
pub mod zone_comune;
