//! Indexes for a tenant with 100 000 cases (`cargo xtask bench cases`):
//! - the case list, a worker's own cases or all of them, by status and area, newest
//!   first, counted and sorted from the index;
//! - the per-user indexes lead with the user: led by the tenant, SQLite (which keeps no
//!   statistics unless analysed) took them for a case's members and referrals and read the
//!   whole tenant instead of the case's few rows.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SocialCase {
    Table,
    TenantId,
    ResponsibleId,
    Status,
    Area,
    OpenedOn,
}

#[derive(DeriveIden)]
enum CaseMember {
    Table,
    TenantId,
    UserId,
}

#[derive(DeriveIden)]
enum CaseReferral {
    Table,
    TenantId,
    UserId,
    CaseId,
}

fn index<T: IntoIden + 'static>(name: &str, table: T, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut i = Index::create().name(name).table(table).to_owned();
    for c in cols {
        i.col(c);
    }
    i
}

fn drop<T: IntoIden + 'static>(name: &str, table: T) -> IndexDropStatement {
    Index::drop().name(name).table(table).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SocialCase as S;
        m.create_index(index(
            "social_case_mine_list",
            S::Table,
            vec![
                S::TenantId.into_iden(),
                S::ResponsibleId.into_iden(),
                S::Status.into_iden(),
                S::Area.into_iden(),
                S::OpenedOn.into_iden(),
            ],
        ))
        .await?;
        m.create_index(index(
            "social_case_list",
            S::Table,
            vec![S::TenantId.into_iden(), S::Status.into_iden(), S::Area.into_iden(), S::OpenedOn.into_iden()],
        ))
        .await?;
        m.drop_index(drop("social_case_status", S::Table)).await?;
        m.drop_index(drop("social_case_responsible", S::Table)).await?;
        // New names: on SQLite, dropping an index and creating one of the same name in
        // one migration fails ("already exists").
        m.create_index(index(
            "case_member_by_user",
            CaseMember::Table,
            vec![CaseMember::UserId.into_iden(), CaseMember::TenantId.into_iden()],
        ))
        .await?;
        m.drop_index(drop("case_member_user", CaseMember::Table)).await?;
        m.create_index(index(
            "case_referral_by_operator",
            CaseReferral::Table,
            vec![
                CaseReferral::UserId.into_iden(),
                CaseReferral::TenantId.into_iden(),
                CaseReferral::CaseId.into_iden(),
            ],
        ))
        .await?;
        m.drop_index(drop("case_referral_operator", CaseReferral::Table)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SocialCase as S;
        m.create_index(index(
            "case_referral_operator",
            CaseReferral::Table,
            vec![
                CaseReferral::TenantId.into_iden(),
                CaseReferral::UserId.into_iden(),
                CaseReferral::CaseId.into_iden(),
            ],
        ))
        .await?;
        m.drop_index(drop("case_referral_by_operator", CaseReferral::Table)).await?;
        m.create_index(index(
            "case_member_user",
            CaseMember::Table,
            vec![CaseMember::TenantId.into_iden(), CaseMember::UserId.into_iden()],
        ))
        .await?;
        m.drop_index(drop("case_member_by_user", CaseMember::Table)).await?;
        m.create_index(index(
            "social_case_status",
            S::Table,
            vec![S::TenantId.into_iden(), S::Status.into_iden(), S::Area.into_iden()],
        ))
        .await?;
        m.create_index(index(
            "social_case_responsible",
            S::Table,
            vec![S::TenantId.into_iden(), S::ResponsibleId.into_iden(), S::Status.into_iden()],
        ))
        .await?;
        m.drop_index(drop("social_case_mine_list", S::Table)).await?;
        m.drop_index(drop("social_case_list", S::Table)).await
    }
}
