//! Every migration goes down and up again cleanly, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database};

async fn round_trip(url: &str) {
    let db = domain::db::connect(url, domain::audit::AuditKey::generate()).await.unwrap();
    Migrator::up(db.conn(), None).await.unwrap();
    let all = Migrator::migrations().len();
    assert_eq!(Migrator::get_applied_migrations(&db).await.unwrap().len(), all);
    Migrator::down(db.conn(), None).await.unwrap();
    assert_eq!(Migrator::get_pending_migrations(&db).await.unwrap().len(), all);
    assert!(!domain::db::pending_migrations(&db).await.unwrap().is_empty());
    Migrator::up(db.conn(), None).await.unwrap();
    assert!(domain::db::pending_migrations(&db).await.unwrap().is_empty());
}

#[tokio::test]
async fn migrations_round_trip_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("ow_mig_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    round_trip(&format!("sqlite://{}/m.sqlite?mode=rwc", dir.display())).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn migrations_round_trip_on_postgres() {
    let Ok(admin_url) = std::env::var("OW_TEST_POSTGRES_URL") else {
        assert!(std::env::var_os("OW_REQUIRE_POSTGRES").is_none(), "OW_REQUIRE_POSTGRES without OW_TEST_POSTGRES_URL");
        eprintln!("OW_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    let name = format!("ow_t_mig_{}", std::process::id());
    let admin = Database::connect(&admin_url).await.unwrap();
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}")).await.unwrap();
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
    let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    round_trip(&format!("{base}/{name}")).await;
}
