//! Command-line commands of the `openwelfare` binary.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use domain::Db;
use domain::{auth, db, demo, import, reference, tenants, users};
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
    /// Name the account that keeps the deployment's shared catalogue of national measures
    /// (it edits it from a province where it is admin), or, with `--revoke`, no longer.
    CatalogueKeeper {
        #[arg(long)]
        email: String,
        #[arg(long)]
        revoke: bool,
    },
    /// Forget an account's authenticator app and recovery codes (a lost phone): it enrols
    /// a new one at its next sign-in.
    SecondFactorReset {
        #[arg(long)]
        email: String,
    },
    /// Print a one-time link for a user to set a new password.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// Load the synthetic data of `cargo xtask bench`; prints the province slug.
    #[command(hide = true)]
    SeedBench {
        #[arg(long, default_value_t = 50)]
        tenants: usize,
        #[arg(long, default_value_t = 1000)]
        per_tenant: usize,
    },
    /// Load the case-record benchmark's tenant (`cargo xtask bench`); prints its slug and
    /// writes the signing-in worker's case ids, one per line, to `ids_file`.
    SeedBenchCases {
        #[arg(long, default_value_t = 100_000)]
        cases: usize,
        #[arg(long, default_value_t = 10)]
        per_case: usize,
        #[arg(long)]
        ids_file: std::path::PathBuf,
    },
    /// Serve the sample council website that embeds the widgets (another origin).
    SampleSite {
        #[arg(long, default_value = "127.0.0.1:3001")]
        addr: std::net::SocketAddr,
        /// Origin of the OpenWelfare server the widgets come from.
        #[arg(long, default_value = "http://127.0.0.1:3000")]
        widget_origin: String,
        /// Slug of the tenant whose directory the finder searches.
        #[arg(long, default_value = "provincia-di-brescia")]
        tenant: String,
        /// Slug of the tenant whose benefits the checker offers (page `/aiuti`).
        #[arg(long, default_value = "comune-di-brescia")]
        benefits_tenant: String,
    },
    /// Import data from files.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// The audit log of personal data.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
}

#[derive(Subcommand)]
pub enum AuditAction {
    /// Check every tenant's chain (or one tenant's) against the audit key and the
    /// checkpoints, and name the first changed, removed or missing entry; exits with
    /// status 1 when a chain is broken or a checkpoint is not genuine.
    Verify {
        /// Only this tenant (slug).
        #[arg(long)]
        tenant: Option<String>,
        /// The checkpoints' folder (default: the configured one).
        #[arg(long)]
        checkpoints: Option<std::path::PathBuf>,
    },
    /// Write a signed checkpoint of every chain's head now (`serve` also writes one
    /// every `OW_AUDIT_CHECKPOINT_MINUTES`).
    Checkpoint {
        /// The folder (default: the configured one).
        #[arg(long)]
        checkpoints: Option<std::path::PathBuf>,
    },
    /// Create a new audit key in FILE (never overwrites): for a deployment, before its
    /// first start.
    NewKey { file: std::path::PathBuf },
}

#[derive(Subcommand)]
pub enum ImportWhat {
    /// Facilities from a CSV file (UTF-8 or Windows-1252; `,` `;` or tab). Checks only
    /// (dry run) unless `--apply`; re-running updates by the source's facility code.
    Facilities {
        /// The CSV file.
        file: std::path::PathBuf,
        /// Tenant slug receiving the rows (rows go to the tenant beneath it that covers their comune).
        #[arg(long)]
        tenant: String,
        /// Email of the admin the import is recorded under (needs facility management rights).
        #[arg(long = "as")]
        as_user: String,
        /// A known mapping: lombardia-rsa, lombardia-cdi or lombardia-offerta-sociale.
        #[arg(long)]
        preset: Option<String>,
        /// `field=COLUMN,field=COLUMN` pairs (see `domain::import::TARGETS`).
        #[arg(long)]
        mapping: Option<String>,
        /// Facility type code of every row (default: the preset's).
        #[arg(long = "type")]
        facility_type: Option<String>,
        /// Short source name used in the keys (default: the preset's, else `csv`).
        #[arg(long)]
        source: Option<String>,
        /// Publish new entries.
        #[arg(long)]
        publish: bool,
        /// Leave out rows outside the tenant's territory.
        #[arg(long)]
        skip_outside: bool,
        /// Write the changes (otherwise only report).
        #[arg(long)]
        apply: bool,
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
    // The sample site needs no database.
    if let Command::SampleSite { addr, widget_origin, tenant, benefits_tenant } = &cli.command {
        return crate::sample_site::serve(*addr, widget_origin, tenant, benefits_tenant).await;
    }
    if let Command::Audit { action: AuditAction::NewKey { file } } = &cli.command {
        crate::audit_files::write_key(file, &domain::audit::AuditKey::generate())?;
        println!("audit key written to {}: set OW_AUDIT_KEY_FILE to it and keep a copy apart", file.display());
        return Ok(());
    }
    let key = crate::audit_files::load_key(&config)?;
    let conn = db::connect(&config.database_url, key).await.context("cannot open the database")?;
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
        Command::Import { what } => import(&conn, what).await,
        Command::Audit { action: AuditAction::Verify { tenant, checkpoints } } => {
            let dir = checkpoints.unwrap_or_else(|| crate::audit_files::checkpoint_dir(&config));
            audit_verify(&conn, tenant.as_deref(), &dir).await
        }
        Command::Audit { action: AuditAction::Checkpoint { checkpoints } } => {
            let dir = checkpoints.unwrap_or_else(|| crate::audit_files::checkpoint_dir(&config));
            ensure_migrated(&conn).await?;
            let path = crate::audit_files::write_checkpoint(&conn, &dir).await?;
            println!("checkpoint written to {}", path.display());
            Ok(())
        }
        Command::Audit { action: AuditAction::NewKey { .. } } => Ok(()),
        Command::SampleSite { .. } => Ok(()),
        Command::SeedBench { tenants, per_tenant } => {
            ensure_migrated(&conn).await?;
            println!("{}", domain::bench_data::seed(&conn, tenants, per_tenant).await?);
            Ok(())
        }
        Command::SeedBenchCases { cases, per_case, ids_file } => {
            ensure_migrated(&conn).await?;
            let (slug, ids) = domain::bench_data::seed_cases(&conn, cases, per_case).await?;
            let lines: Vec<String> = ids.iter().map(i64::to_string).collect();
            std::fs::write(&ids_file, lines.join("\n"))?;
            println!("{slug}");
            Ok(())
        }
        Command::CatalogueKeeper { email, revoke } => {
            domain::users::set_catalogue_keeper(&conn, &email, !revoke).await.map_err(|e| match e {
                domain::AppError::NotFound => anyhow::anyhow!("no account with that email"),
                e => anyhow::anyhow!(e),
            })?;
            let now = if revoke { "no longer keeps" } else { "keeps" };
            println!("{email} {now} the shared catalogue");
            Ok(())
        }
        Command::SecondFactorReset { email } => {
            domain::second_factor::reset(&conn, &email).await.map_err(|e| match e {
                domain::AppError::NotFound => anyhow::anyhow!("no account with that email"),
                e => anyhow::anyhow!(e),
            })?;
            println!("{email} enrols a new authenticator at its next sign-in");
            Ok(())
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

/// The token goes in the fragment, which browsers never send to a server nor in a `Referer`.
fn set_password_url(config: &Config, token: &str) -> String {
    format!("{}/reset-password#token={token}", config.link_base())
}

async fn ensure_migrated(conn: &Db) -> anyhow::Result<()> {
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

/// The national benefits ship with the product: installed once, then kept by staff.
async fn install_catalogue(conn: &Db) -> anyhow::Result<()> {
    if domain::benefits::install_national(conn).await? {
        println!("National benefits catalogue installed.");
    }
    Ok(())
}

async fn serve(conn: Db, mut config: Config, addr: Option<std::net::SocketAddr>) -> anyhow::Result<()> {
    ensure_migrated(&conn).await?;
    install_catalogue(&conn).await?;
    if let Some(addr) = addr {
        config.addr = addr;
    }
    let store = AnyStore::for_db(&conn);
    // Expired sessions are deleted in the background by every node (idempotent).
    tokio::spawn(tower_sessions::session_store::ExpiredDeletion::continuously_delete_expired(
        store,
        tokio::time::Duration::from_secs(600),
    ));
    crate::audit_files::spawn_checkpoints(
        conn.clone(),
        crate::audit_files::checkpoint_dir(&config),
        config.audit_checkpoint_minutes,
    );
    match crate::mailer::Mailer::from_config(&config)? {
        Some(mailer) => mailer.spawn(conn.clone(), std::time::Duration::from_secs(5)),
        None => tracing::warn!("OW_SMTP_URL is not set: e-mail waits in the outbox, unsent"),
    }
    let addr = config.addr;
    let state = AppState::new(conn, config);
    let app = crate::app_router(state);
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, "serving");
    println!("OpenWelfare listening on http://{addr}");
    // The client's address feeds the rate limit of public evaluations.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
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

async fn migrate(conn: &Db, action: MigrateAction) -> anyhow::Result<()> {
    match action {
        MigrateAction::Up => {
            db::migrate_up(conn).await?;
            AnyStore::for_db(conn).migrate().await.context("cannot create the session table")?;
            println!("Migrations applied.");
            install_catalogue(conn).await?;
        }
        MigrateAction::Down => {
            db::migrate_down_one(conn).await?;
            println!("Last migration reverted.");
        }
        MigrateAction::Status => {
            for (name, applied) in db::migration_status(conn).await? {
                println!("{}  {name}", if applied { "applied " } else { "pending " });
            }
        }
    }
    Ok(())
}

async fn seed_demo(conn: &Db, config: &Config) -> anyhow::Result<()> {
    ensure_migrated(conn).await?;
    let logins = demo::seed_demo(conn).await?;
    let base = config.link_base();
    println!("Demo data loaded. Open {base}/ and sign in with one of these (password: {}):", demo::DEMO_PASSWORD);
    for l in logins {
        println!("  {:<42} {:<22} {}", l.email, types::i18n::t(types::Lang::It, &l.role.label_key()), l.tenant);
    }
    println!("API documentation: {base}/api/docs");
    Ok(())
}

async fn import(conn: &Db, what: ImportWhat) -> anyhow::Result<()> {
    let ImportWhat::Facilities {
        file,
        tenant,
        as_user,
        preset,
        mapping,
        facility_type,
        source,
        publish,
        skip_outside,
        apply,
    } = what;
    ensure_migrated(conn).await?;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let lang = types::Lang::It;
    let explain = |e: domain::AppError| anyhow::anyhow!(describe(&e, lang));
    let opts = import::options(
        preset.as_deref(),
        mapping.as_deref(),
        facility_type.as_deref(),
        source.as_deref(),
        apply,
        Some(publish),
        Some(skip_outside),
    )
    .map_err(explain)?;
    let user = users::user_by_email(conn, &as_user).await.map_err(|_| anyhow::anyhow!("no account {as_user}"))?;
    let ctx = domain::TenantContext::resolve(conn, user, &tenant)
        .await
        .map_err(|_| anyhow::anyhow!("{as_user} has no role in tenant {tenant}"))?;
    let mut progress = |done: u64, total: u64| {
        if done.is_multiple_of(100) || done == total {
            eprintln!("  {done}/{total}");
        }
    };
    let report = import::import_facilities(conn, &ctx, &bytes, &opts, lang, &mut progress).await.map_err(explain)?;
    println!(
        "{} rows: {} new, {} updated, {} unchanged, {} outside the territory.",
        report.rows, report.created, report.updated, report.unchanged, report.skipped
    );
    for t in &report.by_tenant {
        println!("  {:<40} {}", t.slug, t.rows);
    }
    for i in &report.issues {
        println!("  line {:>5}  {:<28} {}", i.line, i.field, i.message);
    }
    if !report.issues.is_empty() {
        bail!("{} problems: nothing was imported", report.issues.len());
    }
    println!("{}", if report.applied { "Imported." } else { "Dry run: nothing written (add --apply)." });
    Ok(())
}

/// A domain error as a sentence with its field problems, for the terminal.
fn describe(e: &domain::AppError, lang: types::Lang) -> String {
    let api = e.to_api(lang);
    let mut out = api.message;
    for f in api.fields {
        out.push_str(&format!("\n  {}: {}", f.field, f.message));
    }
    out
}

async fn create_admin(
    conn: &Db,
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
    let Some(official) = reference::province_name(conn, province).await? else {
        bail!("no province with ISTAT code {province}")
    };
    let name_of_tenant = province_name.unwrap_or_else(|| format!("Provincia di {official}"));
    let tenant = tenants::create_root(conn, TenantKind::Province, &name_of_tenant, province).await?;
    let user = users::ensure_user(conn, email, name, None).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    users::grant(conn, user, TenantId(tenant.id), Role::ProvinceAdmin).await?;
    let token = auth::issue_password_token(conn, user).await?;
    println!("{} is province admin of {}.", email.trim(), tenant.name);
    println!("Set the password within {} hours at:\n  {}", auth::TOKEN_HOURS, set_password_url(config, &token));
    Ok(())
}

async fn audit_verify(conn: &Db, tenant: Option<&str>, dir: &std::path::Path) -> anyhow::Result<()> {
    use domain::audit;
    let (checkpoints, bad) = crate::audit_files::read_checkpoints(dir, conn.audit_key())?;
    println!("{} checkpoint(s) in {}", checkpoints.len(), dir.display());
    for file in &bad {
        println!("NOT GENUINE checkpoint {file}: unreadable, or not signed with this deployment's key");
    }
    let reports = match tenant {
        Some(slug) => vec![audit::verify_slug(conn, slug, &checkpoints).await.map_err(|e| match e {
            domain::AppError::NotFound => anyhow::anyhow!("no tenant {slug}"),
            e => anyhow::anyhow!(e),
        })?],
        None => audit::verify_all(conn, &checkpoints).await?,
    };
    let mut broken = 0;
    for r in &reports {
        let held = r.checkpoint.map_or(String::from("no checkpoint yet"), |at| format!("checkpoint of {at}"));
        match &r.broken {
            None => println!("{}: ok, {} entries, head {} ({held})", r.tenant, r.entries, r.head),
            Some(b) => {
                broken += 1;
                println!(
                    "{}: BROKEN at entry {} (id {}): {}; the {} entries before it are intact ({held})",
                    r.tenant,
                    b.position,
                    b.entry_id.map_or("-".to_string(), |i| i.to_string()),
                    b.reason.describe(),
                    r.entries
                );
            }
        }
    }
    if broken > 0 || !bad.is_empty() {
        anyhow::bail!("{broken} audit chain(s) broken, {} checkpoint(s) not genuine", bad.len());
    }
    Ok(())
}
