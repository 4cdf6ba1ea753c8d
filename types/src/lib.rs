//! Wasm-safe shared vocabulary: typed ids (`ids`), roles and tenant kinds (`roles`), the
//! DTOs (`XIn` / `XOut`) and code lists of each capability (`dto` for tenancy and users,
//! `directory`, `contacts`, `persons`, `cases`, `plans`, `referrals`, `benefits`, `theme`,
//! `embed`), statuses as enums with stable codes (`coded_enum!`), stable error codes
//! (`error`) and the translation catalogues (`i18n`, texts in `locales/`). Used by the
//! server, the hydrated staff app and the widgets, so it depends on serde only.

/// An enum of stable codes — stored in the database, sent in forms and in the API — with
/// `ALL`, `CODES` (the codes in the same order), `code()` and `from_code()`, like `Role`.
macro_rules! coded_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The code stored in the database and used in forms.
            pub const fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|s| s.code() == code)
            }
        }
    };
}

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
