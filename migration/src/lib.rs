//! Schema migrations, one file per change (`mYYYYMMDD_NNNNNN_<what>.rs`, listed in
//! `Migrator` below), each with its `down`. Never edit an applied migration: add one.
//! Seeds and reference data are loaded by CLI commands, not here.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_reference;
mod m20261123_000002_tenancy;
mod m20261123_000003_row_level_security;
mod m20261124_000004_directory;
mod m20261125_000005_embedding;
mod m20261126_000006_theme;
mod m20261127_000007_front_desk_audit;
mod m20261128_000008_person;
mod m20261129_000009_case;
mod m20261130_000010_plan;
mod m20261201_000011_handover;
mod m20261202_000012_indexes_at_scale;
mod m20261203_000013_benefits;
mod m20261204_000014_audit_append_only;
mod m20261205_000015_audit_keyed;
mod m20261206_000016_row_security_shared_tables;
mod m20261207_000017_catalogue_keeper;
mod m20261208_000018_outbox;
mod m20261209_000019_invitation;
mod m20261210_000020_second_factor;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_reference::Migration),
            Box::new(m20261123_000002_tenancy::Migration),
            Box::new(m20261123_000003_row_level_security::Migration),
            Box::new(m20261124_000004_directory::Migration),
            Box::new(m20261125_000005_embedding::Migration),
            Box::new(m20261126_000006_theme::Migration),
            Box::new(m20261127_000007_front_desk_audit::Migration),
            Box::new(m20261128_000008_person::Migration),
            Box::new(m20261129_000009_case::Migration),
            Box::new(m20261130_000010_plan::Migration),
            Box::new(m20261201_000011_handover::Migration),
            Box::new(m20261202_000012_indexes_at_scale::Migration),
            Box::new(m20261203_000013_benefits::Migration),
            Box::new(m20261204_000014_audit_append_only::Migration),
            Box::new(m20261205_000015_audit_keyed::Migration),
            Box::new(m20261206_000016_row_security_shared_tables::Migration),
            Box::new(m20261207_000017_catalogue_keeper::Migration),
            Box::new(m20261208_000018_outbox::Migration),
            Box::new(m20261209_000019_invitation::Migration),
            Box::new(m20261210_000020_second_factor::Migration),
        ]
    }
}
