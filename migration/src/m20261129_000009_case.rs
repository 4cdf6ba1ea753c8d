//! The social case (presa in carico) and its record (cartella sociale): who works on
//! it, its sections with their history, the person's household, and the link from a
//! front-desk contact to a person. All tenant-owned, special-category data under RLS.
//!
//! `case_member` is the one list of who may open a case: the responsible worker and the
//! others given access (`restricted` grants the judicial and other-service sections).
//! Each save of a section bumps its `version` and appends its new content to
//! `case_section_change`, so the history shows who changed what, when.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenant {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Contact {
    Table,
    PersonId,
}

#[derive(DeriveIden)]
enum SocialCase {
    Table,
    Id,
    TenantId,
    PersonId,
    Area,
    Status,
    OpenedOn,
    ClosedOn,
    ClosingReason,
    ResponsibleId,
    ContactId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseMember {
    Table,
    Id,
    TenantId,
    CaseId,
    UserId,
    Responsible,
    Restricted,
    GrantedBy,
    GrantedAt,
}

#[derive(DeriveIden)]
enum CaseSection {
    Table,
    Id,
    TenantId,
    CaseId,
    Section,
    Content,
    Version,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseSectionChange {
    Table,
    Id,
    TenantId,
    CaseId,
    Section,
    Version,
    Content,
    ChangedBy,
    ChangedAt,
}

#[derive(DeriveIden)]
enum HouseholdMember {
    Table,
    Id,
    TenantId,
    PersonId,
    MemberId,
    Relationship,
    Cohabiting,
}

fn tenant_fk<T: IntoIden + 'static>(table: T, column: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(Tenant::Table, Tenant::Id).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SocialCase::Table)
                .col(ColumnDef::new(SocialCase::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(SocialCase::TenantId).big_integer().not_null())
                .col(ColumnDef::new(SocialCase::PersonId).big_integer().not_null())
                .col(ColumnDef::new(SocialCase::Area).string_len(20).not_null())
                .col(ColumnDef::new(SocialCase::Status).string_len(10).not_null())
                .col(ColumnDef::new(SocialCase::OpenedOn).date().not_null())
                .col(ColumnDef::new(SocialCase::ClosedOn).date())
                .col(ColumnDef::new(SocialCase::ClosingReason).string_len(20))
                .col(ColumnDef::new(SocialCase::ResponsibleId).big_integer().not_null())
                .col(ColumnDef::new(SocialCase::ContactId).big_integer())
                .col(ColumnDef::new(SocialCase::Version).integer().not_null().default(1))
                .col(ColumnDef::new(SocialCase::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(SocialCase::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut tenant_fk(SocialCase::Table, SocialCase::TenantId))
                .foreign_key(
                    ForeignKey::create().from(SocialCase::Table, SocialCase::PersonId).to(Person::Table, Person::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SocialCase::Table, SocialCase::ResponsibleId)
                        .to(UserAccount::Table, UserAccount::Id),
                )
                .to_owned(),
        )
        .await?;
        // The worker's list (mine, by status) and a person's cases.
        for (name, cols) in [
            ("social_case_responsible", vec![SocialCase::TenantId, SocialCase::ResponsibleId, SocialCase::Status]),
            ("social_case_status", vec![SocialCase::TenantId, SocialCase::Status, SocialCase::Area]),
            ("social_case_person", vec![SocialCase::TenantId, SocialCase::PersonId]),
        ] {
            let mut index = Index::create().name(name).table(SocialCase::Table).to_owned();
            for c in cols {
                index.col(c);
            }
            m.create_index(index).await?;
        }

        m.create_table(
            Table::create()
                .table(CaseMember::Table)
                .col(ColumnDef::new(CaseMember::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(CaseMember::TenantId).big_integer().not_null())
                .col(ColumnDef::new(CaseMember::CaseId).big_integer().not_null())
                .col(ColumnDef::new(CaseMember::UserId).big_integer().not_null())
                .col(ColumnDef::new(CaseMember::Responsible).boolean().not_null())
                .col(ColumnDef::new(CaseMember::Restricted).boolean().not_null())
                .col(ColumnDef::new(CaseMember::GrantedBy).big_integer())
                .col(ColumnDef::new(CaseMember::GrantedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut tenant_fk(CaseMember::Table, CaseMember::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseMember::Table, CaseMember::CaseId)
                        .to(SocialCase::Table, SocialCase::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseMember::Table, CaseMember::UserId)
                        .to(UserAccount::Table, UserAccount::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_member_unique")
                .table(CaseMember::Table)
                .col(CaseMember::CaseId)
                .col(CaseMember::UserId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_member_user")
                .table(CaseMember::Table)
                .col(CaseMember::TenantId)
                .col(CaseMember::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CaseSection::Table)
                .col(ColumnDef::new(CaseSection::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(CaseSection::TenantId).big_integer().not_null())
                .col(ColumnDef::new(CaseSection::CaseId).big_integer().not_null())
                .col(ColumnDef::new(CaseSection::Section).string_len(20).not_null())
                .col(ColumnDef::new(CaseSection::Content).text().not_null())
                .col(ColumnDef::new(CaseSection::Version).integer().not_null())
                .col(ColumnDef::new(CaseSection::UpdatedBy).big_integer())
                .col(ColumnDef::new(CaseSection::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut tenant_fk(CaseSection::Table, CaseSection::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseSection::Table, CaseSection::CaseId)
                        .to(SocialCase::Table, SocialCase::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One row per section: two first saves racing cannot both insert.
        m.create_index(
            Index::create()
                .name("case_section_unique")
                .table(CaseSection::Table)
                .col(CaseSection::CaseId)
                .col(CaseSection::Section)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CaseSectionChange::Table)
                .col(ColumnDef::new(CaseSectionChange::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(CaseSectionChange::TenantId).big_integer().not_null())
                .col(ColumnDef::new(CaseSectionChange::CaseId).big_integer().not_null())
                .col(ColumnDef::new(CaseSectionChange::Section).string_len(20).not_null())
                .col(ColumnDef::new(CaseSectionChange::Version).integer().not_null())
                .col(ColumnDef::new(CaseSectionChange::Content).text().not_null())
                .col(ColumnDef::new(CaseSectionChange::ChangedBy).big_integer())
                .col(ColumnDef::new(CaseSectionChange::ChangedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut tenant_fk(CaseSectionChange::Table, CaseSectionChange::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseSectionChange::Table, CaseSectionChange::CaseId)
                        .to(SocialCase::Table, SocialCase::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_section_change_unique")
                .table(CaseSectionChange::Table)
                .col(CaseSectionChange::CaseId)
                .col(CaseSectionChange::Section)
                .col(CaseSectionChange::Version)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(HouseholdMember::Table)
                .col(ColumnDef::new(HouseholdMember::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(HouseholdMember::TenantId).big_integer().not_null())
                .col(ColumnDef::new(HouseholdMember::PersonId).big_integer().not_null())
                .col(ColumnDef::new(HouseholdMember::MemberId).big_integer().not_null())
                .col(ColumnDef::new(HouseholdMember::Relationship).string_len(20).not_null())
                .col(ColumnDef::new(HouseholdMember::Cohabiting).boolean().not_null())
                .foreign_key(&mut tenant_fk(HouseholdMember::Table, HouseholdMember::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(HouseholdMember::Table, HouseholdMember::PersonId)
                        .to(Person::Table, Person::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(HouseholdMember::Table, HouseholdMember::MemberId)
                        .to(Person::Table, Person::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("household_member_unique")
                .table(HouseholdMember::Table)
                .col(HouseholdMember::PersonId)
                .col(HouseholdMember::MemberId)
                .unique()
                .to_owned(),
        )
        .await?;

        // A contact may name the person it was about (SQLite cannot add a foreign key to
        // an existing table; `domain::persons` clears it when a person is erased).
        m.alter_table(
            Table::alter().table(Contact::Table).add_column(ColumnDef::new(Contact::PersonId).big_integer()).to_owned(),
        )
        .await?;

        if m.get_database_backend() == DbBackend::Postgres {
            let own = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint";
            for table in ["social_case", "case_member", "case_section", "case_section_change", "household_member"] {
                m.get_connection()
                    .execute_unprepared(&format!(
                        "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                         ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                         CREATE POLICY tenant_isolation ON {table} USING ({own}) WITH CHECK ({own});"
                    ))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Contact::Table).drop_column(Contact::PersonId).to_owned()).await?;
        for table in [
            HouseholdMember::Table.into_iden(),
            CaseSectionChange::Table.into_iden(),
            CaseSection::Table.into_iden(),
            CaseMember::Table.into_iden(),
            SocialCase::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
