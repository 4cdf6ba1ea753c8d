//! An invitation to join a tenant, sent to an address and open until its addressee accepts
//! or declines it, an admin revokes it or it expires. Only the token's SHA-256 is stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// Normalised (lower case).
    pub email: String,
    /// The name the inviting admin gave; a new account starts with it.
    pub display_name: String,
    /// A `types::Role` code.
    pub role: String,
    /// For a facility manager: the facility (of this tenant).
    pub facility_id: Option<i64>,
    pub invited_by: i64,
    /// Sent by a province admin appointing a comune's first admin (onboarding): accepted
    /// only while the comune still has none.
    pub from_above: bool,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::tenant::Entity", from = "Column::TenantId", to = "super::tenant::Column::Id")]
    Tenant,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
