//! A case referred to a third-sector operator: named sections, opened to them once they
//! accept.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_referral")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub case_id: i64,
    pub organization_id: i64,
    /// The operator (a third-sector user of the tenant).
    pub user_id: i64,
    /// Section codes, comma-separated.
    pub sections: String,
    pub reason: String,
    /// `pending`, `accepted`, `declined` or `ended`.
    pub status: String,
    pub sent_by: Option<i64>,
    pub sent_at: DateTimeUtc,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
