//! A member of a person's household (nucleo), itself a person of the tenant.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "household_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// Whose household.
    pub person_id: i64,
    pub member_id: i64,
    /// How the member relates to the person (`types::persons::RELATIONSHIPS`).
    pub relationship: String,
    pub cohabiting: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
