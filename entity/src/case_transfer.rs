//! A case proposed to another tenant. The row belongs to the sending tenant and is seen
//! by the receiving one (`to_tenant_id`): the one table two tenants share.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_transfer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The sending tenant.
    pub tenant_id: i64,
    pub to_tenant_id: i64,
    /// The sending tenant's case.
    pub case_id: i64,
    pub area: String,
    /// Section codes, comma-separated.
    pub sections: String,
    pub reason: String,
    /// JSON `domain::transfers::Payload` while pending: the person and the named
    /// sections. Dropped once the receiving tenant decides.
    pub payload: Option<String>,
    /// `pending`, `accepted` or `declined`.
    pub status: String,
    pub sent_by: Option<i64>,
    pub sent_at: DateTimeUtc,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    /// The receiving tenant's new case.
    pub new_case_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
