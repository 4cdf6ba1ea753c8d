//! The staff forms are read in one place each (`…Form::into_input`), with one way to read
//! a number or a choice: a choice from a list that is not an id (a district, a plan) and
//! a word where a number goes are refused on their field, on every form, and nothing is
//! saved. Each on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp};
use serde_json::json;
use types::Role;

async fn a_bad_choice_is_a_field_error_on_every_form(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (t, slug) = app.municipality(p, "Comune A").await;
    let mut worker = app.signed_in(&app.user(t, Role::SocialWorker).await).await;
    let mut desk = app.signed_in(&app.user(t, Role::FrontDesk).await).await;
    let mut admin = app.signed_in(&app.user(t, Role::TenantAdmin).await).await;
    let base = format!("/api/v1/t/{slug}");

    // The person form: before, a district that was not an id was dropped silently.
    let r = worker.server_fn("/sf/save_person", "first_name=Anna&last_name=Bianchi&district_id=centro").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(Reply::fields(&r), ["district_id"]);
    assert_eq!(worker.server_fn("/sf/search_persons", "q=bianchi").await.body["total"], 0, "nothing saved");
    let r = worker.server_fn("/sf/save_person", "first_name=Anna&last_name=Bianchi&district_id=").await;
    assert_eq!(r.status, StatusCode::OK, "a blank choice is no choice: {}", r.text);
    let person = r.body["id"].as_i64().unwrap();
    let r = worker
        .server_fn("/sf/save_person", &format!("id={person}&version=uno&first_name=Anna&last_name=Bianchi"))
        .await;
    assert_eq!(Reply::fields(&r), ["version"], "{}", r.text);

    // The intervention form: before, a plan that was not an id was dropped silently.
    let c = worker.post(&format!("{base}/cases"), json!({"person_id": person, "area": "anziani"})).await;
    assert_eq!(c.status, StatusCode::CREATED, "{:?}", c.body);
    let case = c.body["id"].as_i64().unwrap();
    let form = format!("id={case}&kind=prevenzione&started_on=2026-01-01&plan_id=primo");
    let r = worker.server_fn("/sf/record_intervention", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(Reply::fields(&r), ["plan_id"]);
    let work = worker.get(&format!("{base}/cases/{case}/work")).await;
    assert_eq!(work.body["interventions"], json!([]), "nothing saved");

    // The contact form refused it already, and still does.
    let form = "channel=phone&area=anziani&age_band=65%2B&gender=female&citizenship=italian\
                &request_type=prevenzione&outcome=pending&district_id=centro";
    let r = desk.server_fn("/sf/log_contact", form).await;
    assert_eq!(Reply::fields(&r), ["district_id"], "{}", r.text);
    assert_eq!(desk.get(&format!("{base}/contacts")).await.body["total"], 0);

    // A word for a number, on the settings form.
    let r = admin.server_fn("/sf/update_settings", "stale_after_days=trenta").await;
    assert_eq!(Reply::fields(&r), ["stale_after_days"], "{}", r.text);
}

on_both!(a_bad_choice_is_a_field_error_on_every_form);
