//! Server-only services. `tenancy` is the choke point every tenant-owned read and write
//! goes through; `authz` says which role may do what; the other modules are one capability
//! each and take a `TenantContext` (or, for sign-in and the CLI, the bare connection).

pub mod audit;
pub mod auth;
pub mod authz;
pub mod benefits;
pub mod boundaries;
pub mod cases;
pub mod contacts;
pub mod db;
pub mod demo;
pub mod demo_caseload;
pub mod districts;
pub mod error;
pub mod facilities;
pub mod households;
pub mod hsds;
pub mod import;
pub mod organizations;
pub mod persons;
pub mod plans;
pub mod public_directory;
pub mod reference;
pub mod referrals;
pub mod subject_rights;
pub mod tenancy;
pub mod tenants;
pub mod theme;
pub mod transfers;
pub mod users;
pub mod validate;

pub use error::{AppError, Result};
/// Rows per page of every paginated list.
pub const PER_PAGE: u64 = 20;

pub use sea_orm::DatabaseConnection;
pub use tenancy::{TenantContext, TenantTx};
