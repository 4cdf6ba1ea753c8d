//! E-mail through the outbox to a real SMTP server (nodemailer's smtp-server, started by
//! the test as `tools/mail-sink.mjs`): the reset link asked for by someone who forgot
//! their password, the same answer for an unknown address, retries with backoff while the
//! SMTP server is down, and no message sent twice by parallel senders. Each on SQLite and
//! PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use std::io::BufRead;
use std::process::{Child, Command, Stdio};

use axum::http::StatusCode;
use common::TestApp;
use domain::clock::Clock;
use serde_json::{json, Value};
use server::mailer::Mailer;
use types::Role;

/// The SMTP sink on a free port, writing what it receives to a file.
struct Sink {
    child: Child,
    port: u16,
    file: std::path::PathBuf,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.file);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Sink {
    fn start() -> Sink {
        let node_modules = std::env::var("OW_NODE_MODULES")
            .expect("OW_NODE_MODULES is not set: run the tests with `cargo xtask test` (it installs smtp-server)");
        let port = free_port();
        let file = std::env::temp_dir().join(format!("ow_mail_{}_{port}.jsonl", std::process::id()));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/mail-sink.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .arg(port.to_string())
            .arg(&file)
            .env("OW_NODE_MODULES", node_modules)
            .stdout(Stdio::piped())
            .spawn()
            .expect("node");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "listening");
        Sink { child, port, file }
    }

    fn messages(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.file).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

fn mailer(port: u16) -> Mailer {
    let config = server::config::Config {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        mail_from: "OpenWelfare <noreply@test.openwelfare.it>".into(),
        ..server::config::Config::default()
    };
    Mailer::from_config(&config).unwrap().unwrap()
}

async fn outbox(app: &TestApp) -> Vec<entity::outbox_message::Model> {
    use sea_orm::{EntityTrait, QueryOrder};
    entity::outbox_message::Entity::find().order_by_asc(entity::outbox_message::Column::Id).all(&app.db).await.unwrap()
}

async fn a_forgotten_password_is_reset_by_email(app: TestApp) {
    let (app, clock) = app.at_fixed_time("2026-12-02T10:00:00Z");
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, _) = app.municipality(p, "Comune di Brescia").await;
    let email = app.user(bs, Role::FrontDesk).await;
    let ask = "/api/v1/password-reset-request";

    // The same answer whether or not the account exists; only the real one gets a message,
    // and asking again at once sends nothing more.
    let mut anyone = app.client();
    let known = anyone.post(ask, json!({"email": email.to_uppercase()})).await;
    let unknown = anyone.post(ask, json!({"email": "nessuno@test.openwelfare.it"})).await;
    assert_eq!((known.status, &known.text), (StatusCode::ACCEPTED, &unknown.text));
    assert_eq!(unknown.status, StatusCode::ACCEPTED);
    assert_eq!(anyone.post(ask, json!({"email": email})).await.status, StatusCode::ACCEPTED);
    let queued = outbox(&app).await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!((queued[0].to_address.as_str(), queued[0].kind.as_str()), (email.as_str(), "password_reset"));
    let r = anyone.post(ask, json!({"email": " "})).await;
    assert_eq!(common::Reply::fields(&r), ["email"]);

    // The SMTP server is down: the message waits 30 s, then is tried again.
    let closed = free_port();
    assert_eq!(mailer(closed).deliver_due(&app.db).await.unwrap(), 0);
    let waiting = &outbox(&app).await[0];
    assert_eq!((waiting.attempts, waiting.sent_at, waiting.claimed_until), (1, None, None));
    assert!(waiting.last_error.is_some());
    assert_eq!((waiting.next_attempt_at - clock.now()).num_seconds(), 30);

    let sink = Sink::start();
    let up = mailer(sink.port);
    assert_eq!(up.deliver_due(&app.db).await.unwrap(), 0, "not due yet");
    clock.set(clock.now() + chrono::Duration::seconds(31));
    assert_eq!(up.deliver_due(&app.db).await.unwrap(), 1);
    assert_eq!(up.deliver_due(&app.db).await.unwrap(), 0, "sent once");
    let sent = &outbox(&app).await[0];
    assert!(sent.sent_at.is_some() && sent.attempts == 2, "{sent:?}");

    // The message: to the address, the link with its token in the fragment.
    let received = sink.messages();
    assert_eq!(received.len(), 1, "{received:?}");
    let m = &received[0];
    assert_eq!((m["to"].as_str(), m["message_id"].as_str()), (Some(email.as_str()), Some(sent.message_id.as_str())));
    assert_eq!(m["subject"], "OpenWelfare: imposta una nuova password");
    let text = m["text"].as_str().unwrap();
    let token = text.split("/reset-password#token=").nth(1).unwrap().split_whitespace().next().unwrap();
    let r = anyone.post("/api/v1/password-reset", json!({"token": token, "new_password": "una-password-nuova"})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = anyone.post("/api/v1/session", json!({"email": email, "password": "una-password-nuova"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Fifty requests at once queue one message; parallel senders (two nodes) never send
    // it twice.
    clock.set(clock.now() + chrono::Duration::minutes(5));
    let asks: Vec<_> = (0..50)
        .map(|_| {
            let mut client = app.client();
            let email = email.clone();
            async move { client.post(ask, json!({"email": email})).await.status }
        })
        .collect();
    let statuses = futures::future::join_all(asks).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::ACCEPTED || *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert_eq!(outbox(&app).await.len(), 2);
    let senders: Vec<_> = (0..4).map(|_| up.deliver_due(&app.db)).collect();
    let sent: usize = futures::future::join_all(senders).await.into_iter().map(Result::unwrap).sum();
    assert_eq!((sent, sink.messages().len()), (1, 2));

    // The demo shows what its sink received, newest first; nothing else does, and never
    // over HTTPS.
    assert_eq!(anyone.get("/demo/mail.json").await.status, StatusCode::NOT_FOUND);
    let demo =
        server::config::Config { demo_mail_file: sink.file.display().to_string(), ..server::config::Config::default() };
    let mut viewer = app.client_of(server::AppState::new(app.db.clone(), demo.clone()));
    let r = viewer.get("/demo/mail.json").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let listed = r.body.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    let keys: Vec<&str> = listed[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["received_at", "subject", "text", "to"]);
    assert_eq!(listed[0]["to"], email.as_str());
    let page = viewer.page("/demo/mail").await;
    assert!(page.status == StatusCode::OK && page.text.contains("imposta una nuova password"), "{}", page.text);
    let deployed = server::config::Config { public_origin: "https://welfare.example.it".into(), ..demo };
    let mut outsider = app.client_of(server::AppState::new(app.db.clone(), deployed));
    assert_eq!(outsider.get("/demo/mail.json").await.status, StatusCode::NOT_FOUND);
}

on_both!(a_forgotten_password_is_reset_by_email);
