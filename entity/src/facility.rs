//! A facility: an HSDS service at a location, with its places. Tenant-owned.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "facility")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub organization_id: Option<i64>,
    pub name: String,
    pub facility_type: String,
    /// Area codes between commas: `,anziani,disabili,`.
    pub areas: String,
    pub setting: String,
    pub description: Option<String>,
    pub eligibility: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub how_to_access: Option<String>,
    pub fees: Option<String>,
    /// JSON of `types::directory::OpeningHours`.
    pub hours: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// ISO 639-1 codes separated by commas.
    pub languages: String,
    pub accessibility: Option<String>,
    pub address: String,
    pub postal_code: Option<String>,
    pub comune_istat: String,
    pub district_id: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub places_authorised: Option<i32>,
    pub places_accredited: Option<i32>,
    pub places_free: Option<i32>,
    pub places_updated_at: Option<DateTimeUtc>,
    pub accreditation: Option<String>,
    pub accreditation_act: Option<String>,
    pub published: bool,
    pub archived_at: Option<DateTimeUtc>,
    pub verified_at: Option<DateTimeUtc>,
    pub source_key: Option<String>,
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
