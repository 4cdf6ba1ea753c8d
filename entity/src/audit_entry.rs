//! One entry of a tenant's audit log: who did what to which object (and section), when.
//! Append-only and hash-chained per tenant (see `domain::audit`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// 1, 2, 3, … within the tenant.
    pub seq: i64,
    pub at: DateTimeUtc,
    pub user_id: Option<i64>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    pub section: Option<String>,
    /// For a list or a check: the ids of the objects it showed, comma-separated.
    pub object_ids: Option<String>,
    /// The previous entry's `hash` (64 zeros for the first).
    pub prev_hash: String,
    /// HMAC-SHA256 (hex), under the deployment's audit key, of this entry's fields and `prev_hash`.
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
