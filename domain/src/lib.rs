//! Server-only services, one module per capability; each takes the [`Db`] handle and a
//! `TenantContext` (or, for sign-in, public reads and the CLI, the handle alone).
//!
//! - The ground floor: `db` (the handle: pool, SQLite writers' queue, directory write
//!   generation, clock), `clock`, `error` (the one error type), `validate`, `authz`
//!   (which role may do what) and `tenancy` (the choke point every tenant-owned read and
//!   write goes through), then `audit` (the hash-chained log of personal data).
//! - The case record, bottom to top: `case_access` (who may open a case, a new case's
//!   rows), then `cases`, `plans`, `referrals`, `transfers`, `persons`, `households`,
//!   then `case_page` and `subject_rights`, which read them all. Imports run one way.
//! - The directory: `facilities`, `organizations`, `districts`, `import`, `hsds`,
//!   `public_directory` (the in-memory public search); `tenants`, `users`, `auth`, `theme`.
//! - `benefits` (the catalogue around the `eligibility` engine); `reference` (ISTAT data),
//!   `boundaries`; `demo`, `demo_caseload` and `bench_data` load data for the demo and
//!   the benchmarks.

pub mod audit;
pub mod auth;
pub mod authz;
pub mod bench_data;
pub mod benefits;
pub mod boundaries;
pub mod case_access;
pub mod case_page;
pub mod cases;
pub mod clock;
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
pub mod invitations;
pub mod organizations;
pub mod outbox;
pub mod persons;
pub mod plans;
pub mod public_directory;
pub mod reference;
pub mod referrals;
pub mod second_factor;
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

pub use db::Db;
pub use sea_orm::DatabaseConnection;
pub use tenancy::{TenantContext, TenantTx};
