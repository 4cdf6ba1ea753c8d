//! A social case (presa in carico) of a person. Tenant-owned, special-category data:
//! only `domain::cases` reads or writes it, and every access is audited.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "social_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub person_id: i64,
    /// Target area code (`types::directory::AREAS`).
    pub area: String,
    /// `open` or `closed` (closed exactly when `closed_on` is set).
    pub status: String,
    pub opened_on: Date,
    pub closed_on: Option<Date>,
    pub closing_reason: Option<String>,
    /// Also a `case_member` with `responsible`; kept here for the worker's list.
    pub responsible_id: i64,
    /// The front-desk contact the case came from.
    pub contact_id: Option<i64>,
    /// Counts saves (optimistic concurrency).
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
