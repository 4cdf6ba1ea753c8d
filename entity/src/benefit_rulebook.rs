//! One owner's benefit rules (`eligibility::Rulebook` JSON) and their test cases: the
//! draft being edited and the copy published to citizens. Owner `None`: the deployment's
//! shared catalogue (national measures).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit_rulebook")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub draft: String,
    pub tests: String,
    pub published: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    pub published_by: Option<i64>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
