//! A staff user. Users are global; what they may do comes from memberships.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Stored lower-cased and trimmed.
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    /// argon2id PHC string; `None` until the user sets a password.
    pub password_hash: Option<String>,
    /// Preferred language code (`it`, `en`).
    pub lang: String,
    pub active: bool,
    /// May edit the deployment's shared catalogue of national measures (with a province
    /// admin role; `openwelfare catalogue-keeper`).
    pub keeps_shared_catalogue: bool,
    /// The enrolled authenticator's TOTP secret (base32); `None` until enrolled.
    pub totp_secret: Option<String>,
    /// The secret being enrolled, until a first code confirms it.
    pub totp_pending_secret: Option<String>,
    /// The time step of the last code used: no code works twice.
    pub totp_last_step: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
