//! A tenant: region, province, social zone (ambito) or municipality, in one tree.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tenant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parent_id: Option<i64>,
    /// `region`, `province`, `zone` or `municipality` (see `types::TenantKind`).
    pub kind: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// ISTAT code: the comune's for a municipality, the province's (3 digits) for a province.
    pub istat_code: Option<String>,
    pub contact_email: Option<String>,
    pub website: Option<String>,
    /// Directory entries not verified for this many days are flagged "to verify".
    pub stale_after_days: i32,
    /// Web origins (`https://www.comune.example.it`) that embed the widgets, one per line.
    pub embed_origins: String,
    /// The widgets' main colour (`#rrggbb`, 4.5:1 at least against white), if set.
    pub brand_colour: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
