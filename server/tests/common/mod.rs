//! Test harness: a fresh database per test (SQLite file, or a new PostgreSQL database
//! used through a non-superuser role so row-level security is in force), the real
//! router, builders for tenants and users, and a cookie-keeping client.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use domain::audit::AuditKey;
use domain::{tenants, users, DatabaseConnection, Db};
use http_body_util::BodyExt;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::Value;
use server::config::Config;
use server::sessions::AnyStore;
use server::AppState;
use tower::ServiceExt;
use types::{Role, TenantId, TenantKind};

pub const PASSWORD: &str = "correct-horse-battery";
/// The authenticator secret of the test accounts that need a second factor (base32).
pub const TOTP_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// Runs each named `async fn(TestApp)` on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::common::TestApp::sqlite().await).await
            }
            #[tokio::test]
            async fn postgres() {
                match $crate::common::TestApp::postgres().await {
                    Some(app) => super::$name(app).await,
                    None => eprintln!("OW_TEST_POSTGRES_URL not set: PostgreSQL run skipped"),
                }
            }
        }
    )*};
}

pub struct TestApp {
    pub db: Db,
    pub router: Router,
    /// The database URL the app serves from.
    url: String,
    /// Kept alive for the test's duration (SQLite file).
    _dir: Option<TempDir>,
}

/// A temporary folder removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}_{}_{}_{nanos}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

pub fn config(database_url: &str) -> Config {
    Config { database_url: database_url.to_string(), ..Config::default() }
}

async fn migrate(db: &DatabaseConnection) {
    Migrator::up(db, None).await.unwrap();
    AnyStore::for_db(db).migrate().await.unwrap();
}

/// The role the application connects as on PostgreSQL in tests: not a superuser and not
/// the tables' owner, like production.
pub const APP_ROLE: &str = "ow_app_test";

impl TestApp {
    pub async fn sqlite() -> TestApp {
        let dir = TempDir(std::env::temp_dir().join(unique("ow_test")));
        std::fs::create_dir_all(&dir.0).unwrap();
        let url = format!("sqlite://{}/test.sqlite?mode=rwc", dir.0.display());
        let db = domain::db::connect(&url, AuditKey::generate()).await.unwrap();
        migrate(&db).await;
        let router = server::app_router(AppState::new(db.clone(), config(&url)));
        TestApp { db, router, url, _dir: Some(dir) }
    }

    /// A fresh database on the server of `OW_TEST_POSTGRES_URL`, migrated as the admin
    /// user, then used through `APP_ROLE`.
    pub async fn postgres() -> Option<TestApp> {
        let admin_url = postgres_url()?;
        let name = unique("ow_t");
        let admin = Database::connect(&admin_url).await.unwrap();
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
        let _ = admin
            .execute_unprepared(&format!(
                "DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
            ))
            .await;
        admin.close().await.unwrap();

        let db_url = replace_db(&admin_url, &name);
        let owner = domain::db::connect(&db_url, AuditKey::generate()).await.unwrap();
        migrate(&owner).await;
        owner
            .execute_unprepared(&format!(
                "GRANT USAGE ON SCHEMA public, tower_sessions TO {APP_ROLE};
                 GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, tower_sessions TO {APP_ROLE};
                 GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};"
            ))
            .await
            .unwrap();
        owner.conn().clone().close().await.unwrap();

        let app_url = replace_user(&db_url, APP_ROLE);
        let db = domain::db::connect(&app_url, AuditKey::generate()).await.unwrap();
        let router = server::app_router(AppState::new(db.clone(), config(&app_url)));
        Some(TestApp { db, router, url: app_url, _dir: None })
    }

    /// The same database served with a clock fixed at `now` (RFC 3339), which the test
    /// moves with `FixedClock::set`.
    pub fn at_fixed_time(self, now: &str) -> (TestApp, std::sync::Arc<domain::clock::FixedClock>) {
        let now = chrono::DateTime::parse_from_rfc3339(now).unwrap().with_timezone(&chrono::Utc);
        let clock = std::sync::Arc::new(domain::clock::FixedClock::at(now));
        let db = Db::with_clock(self.db.conn().clone(), clock.clone(), self.db.audit_key().clone());
        let router = server::app_router(AppState::new(db.clone(), config(&self.url)));
        (TestApp { db, router, ..self }, clock)
    }

    /// A connection as the tables' owner (on PostgreSQL the test admin, who is not held
    /// by row-level security): what someone tampering with the database would use.
    pub async fn owner_connection(&self) -> Db {
        if !self.is_postgres() {
            return self.db.clone();
        }
        let name = self
            .db
            .query_one(Statement::from_string(sea_orm::DbBackend::Postgres, "SELECT current_database()"))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<String>(0)
            .unwrap();
        let admin_url = std::env::var("OW_TEST_POSTGRES_URL").unwrap();
        domain::db::connect(&replace_db(&admin_url, &name), self.db.audit_key().clone()).await.unwrap()
    }

    pub fn is_postgres(&self) -> bool {
        self.db.get_database_backend() == sea_orm::DbBackend::Postgres
    }

    /// A province tenant (ISTAT code of Brescia unless another root exists).
    pub async fn province(&self, name: &str, istat: &str) -> TenantId {
        TenantId(tenants::create_root(&self.db, TenantKind::Province, name, istat).await.unwrap().id)
    }

    /// A municipality tenant directly below `parent` (without reference data).
    pub async fn municipality(&self, parent: TenantId, name: &str) -> (TenantId, String) {
        self.municipality_of(parent, name, None).await
    }

    /// A municipality tenant for the comune `istat` (its facilities must be there).
    pub async fn municipality_of(&self, parent: TenantId, name: &str, istat: Option<&str>) -> (TenantId, String) {
        use sea_orm::{ActiveModelTrait, Set};
        let slug = domain::tenants::slugify(&unique(name));
        let t = entity::tenant::ActiveModel {
            parent_id: Set(Some(parent.0)),
            kind: Set("municipality".into()),
            slug: Set(slug.clone()),
            name: Set(name.to_string()),
            istat_code: Set(istat.map(str::to_string)),
            contact_email: Set(None),
            website: Set(None),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap();
        (TenantId(t.id), slug)
    }

    /// Loads the ISTAT comuni (facilities reference them).
    pub async fn load_comuni(&self) {
        domain::reference::load_comuni(&self.db).await.unwrap();
    }

    pub async fn slug_of(&self, tenant: TenantId) -> String {
        use sea_orm::EntityTrait;
        entity::tenant::Entity::find_by_id(tenant.0).one(&self.db).await.unwrap().unwrap().slug
    }

    pub async fn tenant_id_of(&self, slug: &str) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let t =
            entity::tenant::Entity::find().filter(entity::tenant::Column::Slug.eq(slug)).one(&self.db).await.unwrap();
        t.unwrap().id
    }

    /// A user with `role` in `tenant`; returns the email (password: `PASSWORD`).
    pub async fn user(&self, tenant: TenantId, role: Role) -> String {
        let email = format!("{}@test.openwelfare.it", unique("u"));
        let id = users::ensure_user(&self.db, &email, "Utente di prova", Some(PASSWORD)).await.unwrap();
        users::grant(&self.db, id, tenant, role).await.unwrap();
        if role.needs_second_factor() {
            domain::second_factor::enrol_with_secret(&self.db, &email, TOTP_SECRET).await.unwrap();
        }
        email
    }

    /// The next code of `email`'s authenticator that the server takes: the current time
    /// step's, or (a code already used in it) the next one's, waiting for it if need be.
    pub async fn totp_code(&self, email: &str, secret: &str) -> String {
        use domain::second_factor::{code_for_step, step_of, STEP_SECS};
        use sea_orm::EntityTrait;
        let account = users::user_by_email(&self.db, email).await.unwrap();
        let last = entity::user_account::Entity::find_by_id(account.0)
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
            .totp_last_step
            .unwrap_or(0);
        for _ in 0..6 {
            let now = step_of(self.db.now().timestamp());
            let step = now.max(last + 1);
            if step <= now + 1 {
                return code_for_step(secret, step).unwrap();
            }
            tokio::time::sleep(std::time::Duration::from_secs(STEP_SECS as u64 / 3)).await;
        }
        panic!("{email}: every code of this time step is used (a fixed clock must be moved on)")
    }

    /// Signs `client` in as `email` with `password`, through the second factor when the
    /// account is asked for one (enrolling it on the way if it has none): the last answer.
    pub async fn sign_in(&self, client: &mut Client, email: &str, password: &str) -> Reply {
        let r = client.post("/api/v1/session", serde_json::json!({"email": email, "password": password})).await;
        if r.status != StatusCode::OK || r.body["second_factor"] != "totp" {
            return r;
        }
        let secret = if r.body["enrol"] == true {
            let e = client.get("/api/v1/session/totp/enrolment").await;
            assert_eq!(e.status, StatusCode::OK, "enrolment: {:?}", e.body);
            e.body["secret"].as_str().unwrap().to_string()
        } else {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            let account = entity::user_account::Entity::find()
                .filter(entity::user_account::Column::Email.eq(email.trim().to_lowercase()))
                .one(&self.db)
                .await
                .unwrap()
                .unwrap();
            account.totp_secret.unwrap()
        };
        let code = self.totp_code(email, &secret).await;
        client.post("/api/v1/session/totp", serde_json::json!({"code": code})).await
    }

    /// A client of another node on the same database, configured with `public_origin`.
    pub fn client_via(&self, public_origin: &str) -> Client {
        let config = Config { public_origin: public_origin.to_string(), ..config("") };
        let router = server::app_router(AppState::new(self.db.clone(), config));
        Client { router, cookie: None, lang: None }
    }

    /// A client of a router built here from its own state (to look at that state).
    pub fn client_of(&self, state: AppState) -> Client {
        Client { router: server::app_router(state), cookie: None, lang: None }
    }

    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookie: None, lang: None }
    }

    /// The token of the newest invitation e-mailed to `email` (from the outbox).
    pub async fn invitation_token(&self, email: &str) -> String {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let mail = entity::outbox_message::Entity::find()
            .filter(entity::outbox_message::Column::ToAddress.eq(email.to_lowercase()))
            .filter(entity::outbox_message::Column::Kind.eq("invitation"))
            .order_by_desc(entity::outbox_message::Column::Id)
            .one(&self.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no invitation to {email}"));
        let token = mail.body_text.split("/invitation#token=").nth(1).expect("a link with a token");
        token.chars().take_while(char::is_ascii_hexdigit).collect()
    }

    /// Accepts the newest invitation to the new address `email` by creating its account
    /// (password `PASSWORD`), and signs it in.
    pub async fn accept_as_new(&self, email: &str) -> Client {
        let token = self.invitation_token(email).await;
        let body = serde_json::json!({"token": token, "display_name": "Persona invitata", "new_password": PASSWORD});
        let r = self.client().post("/api/v1/invitations/account", body).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
        self.signed_in(email).await
    }

    /// A client signed in as `email` (through the second factor where it is asked for).
    pub async fn signed_in(&self, email: &str) -> Client {
        let mut c = self.client();
        let r = self.sign_in(&mut c, email, PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "sign-in failed: {:?}", r.body);
        assert!(r.body["user"].is_object(), "not signed in: {:?}", r.body);
        c
    }
}

fn replace_db(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

fn replace_user(url: &str, user: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    format!("postgres://{user}@{host}")
}

/// `OW_TEST_POSTGRES_URL`, or `None` to skip the PostgreSQL half; where the run requires
/// it (`OW_REQUIRE_POSTGRES`, set by CI) a missing URL fails instead of skipping.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("OW_TEST_POSTGRES_URL").ok();
    assert!(
        url.is_some() || std::env::var_os("OW_REQUIRE_POSTGRES").is_none(),
        "OW_REQUIRE_POSTGRES is set but OW_TEST_POSTGRES_URL is not: the PostgreSQL half would be skipped"
    );
    url
}

/// The response as a test sees it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub text: String,
    pub set_cookie: Option<String>,
    pub headers: axum::http::HeaderMap,
}

impl Reply {
    /// The fields a validation error names, sorted.
    pub fn fields(&self) -> Vec<String> {
        let mut out: Vec<String> = self.body["fields"]
            .as_array()
            .map_or_else(Vec::new, |a| a.iter().map(|f| f["field"].as_str().unwrap().to_string()).collect());
        out.sort();
        out
    }
}

/// A client that keeps the session cookie, like a browser on our own origin.
/// How long one request of a test may take, on a loaded machine.
const REQUEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookie: Option<String>,
    pub lang: Option<&'static str>,
}

impl Client {
    pub async fn request(&mut self, method: Method, uri: &str, body: Option<Body>, content_type: &str) -> Reply {
        let mut req = Request::builder().method(method).uri(uri).header(header::HOST, "127.0.0.1:3000");
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, content_type).header(header::ORIGIN, "http://127.0.0.1:3000");
        }
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        if let Some(l) = self.lang {
            req = req.header(header::ACCEPT_LANGUAGE, l);
        }
        self.send(req.body(body.unwrap_or_else(Body::empty)).unwrap()).await
    }

    pub async fn send(&mut self, req: Request<Body>) -> Reply {
        // A request that never answers fails its test, naming itself, instead of holding
        // the whole run until CI gives up.
        let what = format!("{} {}", req.method(), req.uri());
        let answer = tokio::time::timeout(REQUEST_LIMIT, async {
            let res = self.router.clone().oneshot(req).await.unwrap();
            let (parts, body) = res.into_parts();
            (parts, body.collect().await.unwrap().to_bytes())
        });
        let (res, bytes) = answer.await.unwrap_or_else(|_| panic!("{what}: no answer within {REQUEST_LIMIT:?}"));
        let status = res.status;
        let headers = res.headers.clone();
        let set_cookie = res.headers.get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string());
        if let Some(sc) = &set_cookie {
            let pair = sc.split(';').next().unwrap().to_string();
            // An expired cookie (sign-out) clears it.
            self.cookie = if sc.contains("Max-Age=0") { None } else { Some(pair) };
        }
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, body, text, set_cookie, headers }
    }

    /// A page, requested like a browser does (redirects are real 302s then).
    pub async fn page(&mut self, uri: &str) -> Reply {
        let mut req =
            Request::builder().uri(uri).header(header::HOST, "127.0.0.1:3000").header(header::ACCEPT, "text/html");
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn get(&mut self, uri: &str) -> Reply {
        self.request(Method::GET, uri, None, "").await
    }

    pub async fn post(&mut self, uri: &str, json: Value) -> Reply {
        self.request(Method::POST, uri, Some(Body::from(json.to_string())), "application/json").await
    }

    /// A raw body (CSV uploads).
    pub async fn post_bytes(&mut self, uri: &str, body: Vec<u8>, content_type: &str) -> Reply {
        self.request(Method::POST, uri, Some(Body::from(body)), content_type).await
    }

    pub async fn put(&mut self, uri: &str, json: Value) -> Reply {
        self.request(Method::PUT, uri, Some(Body::from(json.to_string())), "application/json").await
    }

    pub async fn delete(&mut self, uri: &str) -> Reply {
        self.request(Method::DELETE, uri, Some(Body::empty()), "application/json").await
    }

    /// Calls a server function of the staff app with form-encoded arguments.
    pub async fn server_fn(&mut self, path: &str, form: &str) -> Reply {
        self.request(Method::POST, path, Some(Body::from(form.to_string())), "application/x-www-form-urlencoded").await
    }
}

/// Runs a statement on a connection and returns the first column of the first row.
pub async fn scalar_i64(db: &impl ConnectionTrait, sql: &str) -> i64 {
    let row = db.query_one(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}
