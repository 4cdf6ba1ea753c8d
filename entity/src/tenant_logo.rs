//! A tenant's logo, shown by the widgets on council sites (public, like the tenant's name).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tenant_logo")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    /// `image/png`, `image/jpeg` or `image/webp`, read from the file's first bytes.
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Of the bytes: the version in the logo's URL, so that a new logo is a new URL.
    pub hash: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
