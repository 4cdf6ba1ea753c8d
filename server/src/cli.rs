//! Command-line commands of the `openwelfare` binary.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use domain::{auth, db, demo, reference, tenants, users};
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use types::{Role, TenantId, TenantKind};

use crate::config::Config;
use crate::sessions::AnyStore;
use crate::state::AppState;

#[derive(Parser)]
#[command(name = "openwelfare", about = "OpenWelfare: social services for Italian municipalities and provinces")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the staff app and the API.
    Serve {
        /// Listen address (default from config: 127.0.0.1:3000).
        #[arg(long)]
        addr: Option<std::net::SocketAddr>,
    },
    /// Database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Load (or refresh) the ISTAT comuni and population reference data.
    LoadReference,
    /// Load the demo deployment (Brescia and Bologna); prints the demo logins.
    SeedDemo,
    /// Create the first province admin (and the province tenant if missing).
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// ISTAT code of the province (3 digits, e.g. 017 for Brescia).
        #[arg(long)]
        province: String,
        /// Tenant name (default: "Provincia di <name>").
        #[arg(long)]
        province_name: Option<String>,
    },
    /// Print a one-time link for a user to set a new password.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
pub enum MigrateAction {
    /// Apply pending migrations (and create the session table).
    Up,
    /// Revert the last migration.
    Down,
    /// List applied and pending migrations.
    Status,
}

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    let conn = db::connect(&config.database_url).await.context("cannot open the database")?;
    match cli.command {
        Command::Serve { addr } => serve(conn, config, addr).await,
        Command::Migrate { action } => migrate(&conn, action).await,
        Command::LoadReference => {
            let n = reference::load_comuni(&conn).await?;
            println!("{n} comuni loaded.");
            Ok(())
        }
        Command::SeedDemo => seed_demo(&conn, &config).await,
        Command::CreateAdmin { email, name, province, province_name } => {
            create_admin(&conn, &config, &email, &name, &province, province_name).await
        }
        Command::ResetPassword { email } => {
            let token = auth::issue_password_token_for_email(&conn, &email).await.map_err(|e| match e {
                domain::AppError::NotFound => anyhow::anyhow!("no account with that email"),
                e => anyhow::anyhow!(e),
            })?;
            println!("{}", set_password_url(&config, &token));
            Ok(())
        }
    }
}

fn base_url(config: &Config) -> String {
    if config.public_origin.is_empty() {
        format!("http://{}", config.addr)
    } else {
        config.public_origin.trim_end_matches('/').to_string()
    }
}

fn set_password_url(config: &Config, token: &str) -> String {
    format!("{}/reset-password?token={token}", base_url(config))
}

async fn ensure_migrated(conn: &DatabaseConnection) -> anyhow::Result<()> {
    let pending = db::pending_migrations(conn).await?;
    if !pending.is_empty() {
        bail!(
            "the database has {} pending migration(s) ({}). Run `openwelfare migrate up` first.",
            pending.len(),
            pending.join(", ")
        );
    }
    Ok(())
}

async fn serve(conn: DatabaseConnection, mut config: Config, addr: Option<std::net::SocketAddr>) -> anyhow::Result<()> {
    ensure_migrated(&conn).await?;
    if let Some(addr) = addr {
        config.addr = addr;
    }
    let store = AnyStore::for_db(&conn);
    // Expired sessions are deleted in the background by every node (idempotent).
    tokio::spawn(tower_sessions::session_store::ExpiredDeletion::continuously_delete_expired(
        store,
        tokio::time::Duration::from_secs(600),
    ));
    let addr = config.addr;
    let state = AppState::new(conn, config);
    let app = crate::app_router(state);
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, "serving");
    println!("OpenWelfare listening on http://{addr}");
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn migrate(conn: &DatabaseConnection, action: MigrateAction) -> anyhow::Result<()> {
    match action {
        MigrateAction::Up => {
            Migrator::up(conn, None).await?;
            AnyStore::for_db(conn).migrate().await.context("cannot create the session table")?;
            println!("Migrations applied.");
        }
        MigrateAction::Down => {
            Migrator::down(conn, Some(1)).await?;
            println!("Last migration reverted.");
        }
        MigrateAction::Status => {
            let applied = Migrator::get_applied_migrations(conn).await?;
            let pending = Migrator::get_pending_migrations(conn).await?;
            for m in applied {
                println!("applied  {}", m.name());
            }
            for m in pending {
                println!("pending  {}", m.name());
            }
        }
    }
    Ok(())
}

async fn seed_demo(conn: &DatabaseConnection, config: &Config) -> anyhow::Result<()> {
    ensure_migrated(conn).await?;
    let logins = demo::seed_demo(conn).await?;
    let base = base_url(config);
    println!("Demo data loaded. Open {base}/ and sign in with one of these (password: {}):", demo::DEMO_PASSWORD);
    for l in logins {
        println!("  {:<42} {:<22} {}", l.email, types::i18n::t(types::Lang::It, &l.role.label_key()), l.tenant);
    }
    println!("API documentation: {base}/api/docs");
    Ok(())
}

async fn create_admin(
    conn: &DatabaseConnection,
    config: &Config,
    email: &str,
    name: &str,
    province: &str,
    province_name: Option<String>,
) -> anyhow::Result<()> {
    ensure_migrated(conn).await?;
    if !reference::comuni_loaded(conn).await? {
        reference::load_comuni(conn).await?;
    }
    let comune = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::comune::Entity::find().filter(entity::comune::Column::ProvinceCode.eq(province)).one(conn).await?
    };
    let Some(comune) = comune else { bail!("no province with ISTAT code {province}") };
    let name_of_tenant = province_name.unwrap_or_else(|| format!("Provincia di {}", comune.province_name));
    let tenant = tenants::create_root(conn, TenantKind::Province, &name_of_tenant, province).await?;
    let user = users::ensure_user(conn, email, name, None).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    users::grant(conn, user, TenantId(tenant.id), Role::ProvinceAdmin).await?;
    let token = auth::issue_password_token(conn, user).await?;
    println!("{} is province admin of {}.", email.trim(), tenant.name);
    println!("Set the password within {} hours at:\n  {}", auth::TOKEN_HOURS, set_password_url(config, &token));
    Ok(())
}
