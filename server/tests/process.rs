//! The real `openwelfare` binary: refusing to serve an unmigrated database, readiness,
//! `audit verify` naming a changed or removed entry against the checkpoints, and two `serve` processes on
//! one PostgreSQL sharing sessions (a load balancer may
//! send consecutive requests of one user to different nodes).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_openwelfare");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn openwelfare(db: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("OW_DATABASE_URL", db).env("OW_LOG", "warn");
    if db.starts_with("postgres") {
        // SQLite keeps its audit key beside the database; one for the PostgreSQL nodes.
        let key = std::env::temp_dir().join(format!("ow_pg_audit_{}.key", std::process::id()));
        cmd.env("OW_AUDIT_KEY_FILE", key);
    }
    cmd
}

struct Server(Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(db: &str) -> Server {
    let port = free_port();
    let child =
        openwelfare(db, &["serve", "--addr", &format!("127.0.0.1:{port}")]).stdout(Stdio::null()).spawn().unwrap();
    let server = Server(child, port);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok((200, _, _)) = http(port, "GET", "/readyz", None, None) {
            return server;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("server on {port} not ready");
}

/// A minimal HTTP/1.1 client: (status, set-cookie, body).
fn http(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    json: Option<&str>,
) -> std::io::Result<(u16, Option<String>, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = json.unwrap_or("");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if json.is_some() {
        req += &format!("Content-Type: application/json\r\nOrigin: http://127.0.0.1:{port}\r\n");
    }
    if let Some(c) = cookie {
        req += &format!("Cookie: {c}\r\n");
    }
    req += "\r\n";
    req += body;
    s.write_all(req.as_bytes())?;
    let mut raw = String::new();
    s.read_to_string(&mut raw)?;
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .map(|l| l[11..].trim().split(';').next().unwrap_or("").to_string());
    Ok((status, cookie, rest.to_string()))
}

#[test]
fn serve_refuses_pending_migrations_and_reports_ready() {
    let dir = std::env::temp_dir().join(format!("ow_proc_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/p.sqlite?mode=rwc", dir.display());
    let out = openwelfare(&db, &["serve", "--addr", "127.0.0.1:0"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("openwelfare migrate up"), "{err}");

    assert!(openwelfare(&db, &["migrate", "up"]).status().unwrap().success());
    let status = openwelfare(&db, &["migrate", "status"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&status.stdout).contains("pending"));
    let server = serve(&db);
    let (code, _, body) = http(server.1, "GET", "/healthz", None, None).unwrap();
    assert_eq!(code, 200, "{body}");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn audit_verify_names_a_changed_or_removed_entry_against_the_checkpoints() {
    let dir = std::env::temp_dir().join(format!("ow_audit_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("a.sqlite");
    let db = format!("sqlite://{}?mode=rwc", path.display());
    let verify = || {
        let out = openwelfare(&db, &["audit", "verify"]).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string())
    };
    assert!(openwelfare(&db, &["migrate", "up"]).status().unwrap().success());
    let admin = ["create-admin", "--email", "a@example.it", "--name", "A", "--province", "017"];
    assert!(openwelfare(&db, &admin).stdout(Stdio::null()).status().unwrap().success());
    let (ok, text) = verify();
    assert!(ok && text.contains(": ok, 0 entries") && text.contains("0 checkpoint(s)"), "{text}");

    // The key was created beside the database, readable by its owner only.
    let key_file = dir.join("audit.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let key = domain::audit::AuditKey::from_hex(&std::fs::read_to_string(&key_file).unwrap()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sql = |statements: &'static str| {
        rt.block_on(async {
            use sea_orm::ConnectionTrait;
            let conn = sea_orm::Database::connect(&db).await.unwrap();
            conn.execute_unprepared(statements).await.unwrap();
        })
    };
    // Three entries, written as the application writes them.
    rt.block_on(async {
        let conn = domain::db::connect(&db, key.clone()).await.unwrap();
        let tx = domain::tenancy::TenantTx::for_operator(&conn, types::TenantId(1)).await.unwrap();
        for id in 1..=3 {
            let event = domain::audit::Event::on(domain::audit::Action::Read, "contact", id);
            domain::audit::record(&tx, None, event).await.unwrap();
        }
        tx.commit().await.unwrap();
    });
    let out = openwelfare(&db, &["audit", "checkpoint"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (ok, text) = verify();
    assert!(ok && text.contains(": ok, 3 entries") && text.contains("checkpoint of"), "{text}");

    // Changed with the database in hand: its MAC no longer matches (no key, no forgery).
    sql("DROP TRIGGER audit_entry_no_update; DROP TRIGGER audit_entry_no_delete;
         UPDATE audit_entry SET object_id = 9 WHERE seq = 2");
    let (ok, text) = verify();
    assert!(!ok && text.contains("BROKEN at entry 2") && text.contains("changed"), "{text}");
    sql("UPDATE audit_entry SET object_id = 2 WHERE seq = 2");
    assert!(verify().0);

    // The newest entry removed: the chain left is valid, the checkpoint names what is gone.
    sql("DELETE FROM audit_entry WHERE seq = 3");
    let (ok, text) = verify();
    assert!(!ok && text.contains("BROKEN at entry 3") && text.contains("removed"), "{text}");

    // A checkpoint edited to hide it is not genuine, and says so.
    let checkpoints = dir.join("audit-checkpoints");
    let file = std::fs::read_dir(&checkpoints).unwrap().next().unwrap().unwrap().path();
    let edited = std::fs::read_to_string(&file).unwrap().replace("\"entries\": 3", "\"entries\": 2");
    std::fs::write(&file, edited).unwrap();
    let (ok, text) = verify();
    assert!(!ok && text.contains("NOT GENUINE"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn two_nodes_share_sessions_on_postgres() {
    let Ok(admin_url) = std::env::var("OW_TEST_POSTGRES_URL") else {
        assert!(std::env::var_os("OW_REQUIRE_POSTGRES").is_none(), "OW_REQUIRE_POSTGRES without OW_TEST_POSTGRES_URL");
        eprintln!("OW_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    let name = format!("ow_nodes_{}", std::process::id());
    let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sea_orm::ConnectionTrait;
        let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}")).await.unwrap();
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
    });
    let db = format!("{base}/{name}");
    assert!(openwelfare(&db, &["migrate", "up"]).status().unwrap().success());
    let out = openwelfare(
        &db,
        &["create-admin", "--email", "admin@provincia.example.it", "--name", "Admin", "--province", "017"],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let link = String::from_utf8_lossy(&out.stdout).to_string();
    let token = link.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_string();

    let one = serve(&db);
    let two = serve(&db);
    let (code, _, _) = http(
        one.1,
        "POST",
        "/api/v1/password-reset",
        None,
        Some(&format!(r#"{{"token":"{token}","new_password":"una-password-lunga"}}"#)),
    )
    .unwrap();
    assert_eq!(code, 204);
    let (code, cookie, body) = http(
        one.1,
        "POST",
        "/api/v1/session",
        None,
        Some(r#"{"email":"admin@provincia.example.it","password":"una-password-lunga"}"#),
    )
    .unwrap();
    assert_eq!(code, 200, "{body}");
    assert!(body.contains(r#""enrol":true"#), "a province admin enrols a second factor: {body}");
    let pending = cookie.unwrap();
    // The second step on the other node: the pending session is in the shared store.
    let (code, _, body) = http(two.1, "GET", "/api/v1/session/totp/enrolment", Some(&pending), None).unwrap();
    assert_eq!(code, 200, "{body}");
    let secret = body.split(r#""secret":""#).nth(1).and_then(|s| s.split('"').next()).unwrap();
    let now = domain::second_factor::step_of(chrono::Utc::now().timestamp());
    let code_now = domain::second_factor::code_for_step(secret, now).unwrap();
    let (code, cookie, body) =
        http(two.1, "POST", "/api/v1/session/totp", Some(&pending), Some(&format!(r#"{{"code":"{code_now}"}}"#)))
            .unwrap();
    assert_eq!(code, 200, "{body}");
    let cookie = cookie.unwrap();
    // The other node knows the session.
    let (code, _, body) = http(two.1, "GET", "/api/v1/session", Some(&cookie), None).unwrap();
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("Provincia di Brescia"), "{body}");
    // Signing out on the second node ends it on the first.
    let (code, _, _) = http(two.1, "DELETE", "/api/v1/session", Some(&cookie), Some("")).unwrap();
    assert_eq!(code, 204);
    let (code, _, _) = http(one.1, "GET", "/api/v1/session", Some(&cookie), None).unwrap();
    assert_eq!(code, 401);
}
