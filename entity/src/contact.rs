//! A contact logged at the front desk (sportello sociale). Tenant-owned; anonymous.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contact")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub contacted_on: Date,
    /// Codes of `types::contacts`.
    pub channel: String,
    pub district_id: Option<i64>,
    pub area: String,
    pub age_band: String,
    pub gender: String,
    pub citizenship: String,
    pub country: Option<String>,
    pub request_type: String,
    pub outcome: String,
    pub recorded_by: Option<i64>,
    /// The person the contact was about, once known (otherwise anonymous).
    pub person_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
