//! Sessions live in the database (tower-sessions' sqlx store on the same pool as
//! sea-orm), so any `serve` node can continue any session. The keys live in `app::session`.

use async_trait::async_trait;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

pub use app::session::{
    after_code, after_password, current_tenant, lang, pending_user, restamp, sign_in, user, LANG, TENANT, USER,
};

/// The store for whichever database the deployment uses.
#[derive(Clone, Debug)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl AnyStore {
    pub fn for_db(db: &DatabaseConnection) -> AnyStore {
        match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                AnyStore::Postgres(PostgresStore::new(db.get_postgres_connection_pool().clone()))
            }
            _ => AnyStore::Sqlite(SqliteStore::new(db.get_sqlite_connection_pool().clone())),
        }
    }

    /// Creates the session table (idempotent; run by `openwelfare migrate up`).
    pub async fn migrate(&self) -> Result<(), sea_orm::sqlx::Error> {
        match self {
            AnyStore::Sqlite(s) => s.migrate().await,
            AnyStore::Postgres(s) => s.migrate().await,
        }
    }
}

#[async_trait]
impl SessionStore for AnyStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.create(record).await,
            AnyStore::Postgres(s) => s.create(record).await,
        }
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.save(record).await,
            AnyStore::Postgres(s) => s.save(record).await,
        }
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            AnyStore::Sqlite(s) => s.load(id).await,
            AnyStore::Postgres(s) => s.load(id).await,
        }
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.delete(id).await,
            AnyStore::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for AnyStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.delete_expired().await,
            AnyStore::Postgres(s) => s.delete_expired().await,
        }
    }
}
