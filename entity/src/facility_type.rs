//! A kind of facility (RSA, CDD, asilo nido…): a deployment-wide vocabulary.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "facility_type")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub label_it: String,
    pub label_en: String,
    /// The usual target area (`types::directory::AREAS`).
    pub area: String,
    /// The usual setting (`types::directory::SETTINGS`).
    pub setting: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
