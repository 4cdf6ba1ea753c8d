//! A person of the social case record. Tenant-owned; special-category personal data:
//! only `domain::persons` reads or writes it, and every access is audited.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub first_name: String,
    pub last_name: String,
    /// Codice fiscale, upper case; `None` for a person without one (flagged).
    pub tax_code: Option<String>,
    pub birth_date: Option<Date>,
    pub birth_place: Option<String>,
    /// `F` or `M`, as the codice fiscale encodes it.
    pub sex: Option<String>,
    pub citizenship: String,
    pub country: Option<String>,
    pub address: Option<String>,
    pub district_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Counts saves (optimistic concurrency).
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
