//! Who may open a case: its responsible worker and the others given access.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub case_id: i64,
    pub user_id: i64,
    pub responsible: bool,
    /// May read and edit the restricted sections (judicial acts, court, other services).
    pub restricted: bool,
    pub granted_by: Option<i64>,
    pub granted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
