//! An organisation managing facilities (HSDS `organization`). Tenant-owned.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    pub tax_code: Option<String>,
    pub vat_number: Option<String>,
    /// `public` or `private`.
    pub legal_status: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// `source:code` of an imported organisation.
    pub source_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
