//! A benefit of the catalogue as a citizen reads it; its rule is the benefit `code` of
//! the owner's rulebook. Owner `None`: shared by the deployment (national measures).
//! Texts in Italian, with English where given.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub code: String,
    /// `types::benefits::LEVELS`.
    pub level: String,
    /// `types::benefits::CATEGORIES`.
    pub category: String,
    /// `draft`, `published` or `retired`.
    pub status: String,
    /// Some figure could not be confirmed on an official source.
    pub to_verify: bool,
    /// The year the figures in the texts and rules refer to.
    pub figures_year: Option<i32>,
    pub name_it: String,
    pub name_en: Option<String>,
    pub summary_it: String,
    pub summary_en: Option<String>,
    pub who_it: String,
    pub who_en: Option<String>,
    pub amount_it: String,
    pub amount_en: Option<String>,
    pub how_to_apply_it: String,
    pub how_to_apply_en: Option<String>,
    pub apply_url: Option<String>,
    pub legal_reference: String,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
