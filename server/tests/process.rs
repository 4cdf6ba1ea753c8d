//! The real `openwelfare` binary: refusing to serve an unmigrated database, readiness,
//! `audit verify` telling an intact chain from a forged one, and two `serve` processes on
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
fn audit_verify_reports_a_forged_entry() {
    let dir = std::env::temp_dir().join(format!("ow_audit_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("a.sqlite");
    let db = format!("sqlite://{}?mode=rwc", path.display());
    assert!(openwelfare(&db, &["migrate", "up"]).status().unwrap().success());
    let admin = ["create-admin", "--email", "a@example.it", "--name", "A", "--province", "017"];
    assert!(openwelfare(&db, &admin).stdout(Stdio::null()).status().unwrap().success());
    let out = openwelfare(&db, &["audit", "verify"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains(": ok, 0 entries"), "{text}");

    // An entry slipped into the database by hand does not chain.
    let forged = "INSERT INTO audit_entry (tenant_id, seq, at, user_id, action, object_type, prev_hash, hash) \
                  SELECT id, 1, '2026-11-24 10:00:00+00:00', NULL, 'read', 'contact', 'x', 'y' FROM tenant";
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sea_orm::ConnectionTrait;
        let conn = sea_orm::Database::connect(&db).await.unwrap();
        conn.execute_unprepared(forged).await.unwrap();
    });
    let out = openwelfare(&db, &["audit", "verify"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a broken chain fails the command");
    assert!(text.contains("BROKEN at entry 1"), "{text}");
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
