//! What the services share lives on the database handle, not in the process: two
//! servers in one process keep their own directory generation and SQLite writers'
//! queue; and "today" is the handle's clock, which a test can fix and move.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;
use types::Role;

#[tokio::test]
async fn two_apps_in_one_process_share_no_state() {
    let (a, b) = (TestApp::sqlite().await, TestApp::sqlite().await);
    let p = a.province("Provincia di Prova", "017").await;
    let (t, slug) = a.municipality(p, "Comune A").await;
    let mut admin = a.signed_in(&a.user(t, Role::TenantAdmin).await).await;
    let (before_a, before_b) = (a.db.data_generation(), b.db.data_generation());
    let r = admin.post(&format!("/api/v1/t/{slug}/districts"), json!({"name": "Centro"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(a.db.data_generation() > before_a, "A's directory generation moved");
    assert_eq!(b.db.data_generation(), before_b, "B's did not");

    // A transaction holding A's turn to write does not hold B's.
    let bp = b.province("Provincia di Prova", "017").await;
    let held = domain::TenantTx::for_operator(&a.db, t).await.unwrap();
    let other = tokio::time::timeout(Duration::from_secs(5), domain::TenantTx::for_operator(&b.db, bp)).await;
    assert!(other.is_ok(), "B waited for A's writer");
    other.unwrap().unwrap().commit().await.unwrap();
    // While A's own writers still queue behind it.
    let queued = tokio::time::timeout(Duration::from_millis(300), domain::TenantTx::for_operator(&a.db, t)).await;
    assert!(queued.is_err(), "A's second writer went ahead of the first");
    held.commit().await.unwrap();
}

async fn the_clock_decides_what_today_is(app: TestApp) {
    let (app, clock) = app.at_fixed_time("2026-03-02T11:00:00Z");
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let worker_email = app.user(bs, Role::SocialWorker).await;
    let mut worker = app.signed_in(&worker_email).await;
    let base = format!("/api/v1/t/{slug}");
    let pe = worker.post(&format!("{base}/persons"), json!({"first_name": "Anna", "last_name": "Rossi"})).await;
    let c = worker.post(&format!("{base}/cases"), json!({"person_id": pe.body["id"], "area": "anziani"})).await;
    assert_eq!(c.status, StatusCode::CREATED, "{:?}", c.body);
    assert_eq!(c.body["opened_on"], "2026-03-02");
    let case = c.body["id"].as_i64().unwrap();
    // A review on 1 April is in the future on 2 March…
    let plan = json!({"goals": "Autonomia", "next_review_on": "2026-04-01"});
    let r = worker.post(&format!("{base}/cases/{case}/plans"), plan).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let due = worker.server_fn("/sf/reviews_due", "").await;
    assert_eq!(due.body, json!([]), "a month away is not due yet");

    // …and overdue on 2 April, when the front desk's today and the rules' date are too.
    clock.set(chrono::DateTime::parse_from_rfc3339("2026-04-02T08:00:00Z").unwrap().into());
    // A month later the worker signs in again (no session lasts over a working day).
    let mut worker = app.signed_in(&worker_email).await;
    let due = worker.server_fn("/sf/reviews_due", "").await;
    assert_eq!(due.body[0]["next_review_on"], "2026-04-01", "{}", due.text);
    assert_eq!(due.body[0]["overdue"], true);
    let late = json!({"goals": "Autonomia", "next_review_on": "2026-04-01"});
    let r = worker.post(&format!("{base}/cases/{case}/plans"), late).await;
    assert_eq!(common::Reply::fields(&r), ["next_review_on"], "1 April is past on 2 April");
    let mut desk = app.signed_in(&app.user(bs, Role::FrontDesk).await).await;
    let contact = json!({"channel": "phone", "area": "anziani", "age_band": "65+", "gender": "female",
        "citizenship": "italian", "request_type": "interventi_domiciliari", "outcome": "pending"});
    let r = desk.post(&format!("{base}/contacts"), contact).await;
    assert_eq!(r.body["contacted_on"], "2026-04-02", "{:?}", r.body);
    let r = app.client().post(&format!("/api/public/v1/{slug}/benefits/evaluate"), json!({"answers": {}})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["date"], "2026-04-02");
}

on_both!(the_clock_decides_what_today_is);
