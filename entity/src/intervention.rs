//! An intervention delivered on a case, with its cost.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "intervention")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub case_id: i64,
    pub plan_id: Option<i64>,
    /// A Nomenclatore macro-area (`types::plans::INTERVENTION_TYPES`).
    pub kind: String,
    pub description: Option<String>,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    /// Quantity × 100 (12,5 hours is 1250).
    pub quantity_hundredths: Option<i64>,
    pub unit: Option<String>,
    pub cost_cents: i64,
    pub funding: Option<String>,
    pub provider_facility_id: Option<i64>,
    pub provider_name: Option<String>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
