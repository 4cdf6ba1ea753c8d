//! Wasm-safe shared vocabulary: typed ids, roles, tenant kinds, DTOs (`XIn` / `XOut`),
//! stable error codes and the translation catalogues. Used by the server, the hydrated
//! staff app and (later) the widgets, so it depends on serde only.

pub mod benefits;
pub mod cases;
pub mod contacts;
pub mod directory;
pub mod dto;
pub mod embed;
pub mod error;
pub mod fiscal;
pub mod i18n;
pub mod ids;
pub mod persons;
pub mod plans;
pub mod referrals;
pub mod roles;
pub mod theme;

pub use error::{ApiError, ErrorCode, FieldError};
pub use i18n::Lang;
pub use ids::*;
pub use roles::{Role, TenantKind};
