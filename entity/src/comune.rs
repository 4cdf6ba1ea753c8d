//! Reference data: the ISTAT list of comuni with 2023 population (not tenant-owned).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "comune")]
pub struct Model {
    /// 6-digit ISTAT code, the key every dataset joins on.
    #[sea_orm(primary_key, auto_increment = false)]
    pub istat_code: String,
    pub name: String,
    /// Code of the province / metropolitan city (ISTAT "unità territoriale sovracomunale").
    pub province_code: String,
    pub province_name: String,
    pub province_sigla: String,
    pub region_code: String,
    pub region_name: String,
    pub cadastral_code: String,
    pub population_2023: Option<i32>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
