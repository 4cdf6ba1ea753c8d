//! The current content of one section of a case's record (JSON entries, validated
//! against `types::cases::SECTIONS`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_section")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub case_id: i64,
    /// A section code of `types::cases::SECTIONS`.
    pub section: String,
    /// JSON: a list of entries, each a map of field → canonical text.
    pub content: String,
    pub version: i32,
    pub updated_by: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
