//! Persons of the social case record: the codice fiscale checked against the stated birth
//! date and sex, a person without one flagged, duplicates warned about until confirmed,
//! concurrent edits detected, who may, and the audit of every access. Each on SQLite and
//! PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp};
use serde_json::{json, Value};
use types::Role;

/// The Agenzia delle Entrate's specimen: Matteo Moretti, born 9 April 1925.
fn moretti() -> Value {
    json!({"first_name": "Matteo", "last_name": "Moretti", "tax_code": "mrtmtt25d09f205z",
           "birth_date": "1925-04-09", "sex": "M", "citizenship": "italian",
           "address": "Via Milano 3", "phone": "030 123456"})
}

async fn persons_of_the_case_record(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let mut worker = app.signed_in(&app.user(bs, Role::SocialWorker).await).await;
    let base = format!("/api/v1/t/{slug}/persons");

    let r = worker.post(&base, moretti()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(
        (r.body["tax_code"].as_str(), r.body["missing_tax_code"].as_bool()),
        (Some("MRTMTT25D09F205Z"), Some(false))
    );
    // Without a codice fiscale: allowed, and flagged.
    let r = worker
        .post(
            &base,
            json!({"first_name": "Amina", "last_name": "Diallo", "citizenship": "foreign", "country": "Senegal"}),
        )
        .await;
    assert_eq!((r.status, r.body["missing_tax_code"].as_bool()), (StatusCode::CREATED, Some(true)));

    // The same codice fiscale, or the same name and birth date: a warning first.
    let r = worker.post(&base, moretti()).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("stesso codice fiscale"), "{}", r.text);
    let twin = json!({"first_name": "MATTEO", "last_name": "moretti", "birth_date": "1925-04-09"});
    assert_eq!(worker.post(&base, twin.clone()).await.status, StatusCode::CONFLICT);
    let mut confirmed = twin;
    confirmed["confirm_duplicate"] = json!(true);
    assert_eq!(worker.post(&base, confirmed).await.status, StatusCode::CREATED);

    // Bad input: every problem on its field, nothing saved.
    let before = worker.get(&base).await.body["total"].as_u64().unwrap();
    let r = worker.post(&base, json!({"first_name": " ", "tax_code": "MRTMTT25D09F205A", "email": "nope"})).await;
    assert_eq!(Reply::fields(&r), ["email", "first_name", "last_name", "tax_code"]);
    // A valid code that says another birth date and sex than the ones stated.
    let mut wrong = moretti();
    wrong["birth_date"] = json!("1925-04-10");
    wrong["sex"] = json!("F");
    wrong["confirm_duplicate"] = json!(true);
    let r = worker.post(&base, wrong).await;
    assert_eq!(Reply::fields(&r), ["birth_date", "sex"]);
    assert!(r.text.contains("codice fiscale"), "{}", r.text);
    let r =
        worker.post(&base, json!({"first_name": "A", "last_name": "B", "birth_date": "2999-01-01", "sex": "X"})).await;
    assert_eq!(Reply::fields(&r), ["birth_date", "sex"]);
    assert_eq!(worker.get(&base).await.body["total"].as_u64().unwrap(), before, "nothing saved");

    // Edits carry the version they started from; a stale one is refused, not merged.
    let one = format!("{base}/{id}");
    let mut edit = moretti();
    edit["address"] = json!("Via Brescia 1");
    edit["version"] = json!(1);
    let r = worker.put(&one, edit.clone()).await;
    assert_eq!((r.status, r.body["version"].as_i64()), (StatusCode::OK, Some(2)), "{:?}", r.body);
    let mut colleague = edit.clone();
    colleague["phone"] = json!("333 0000000");
    let r = worker.put(&one, colleague).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("ricarica"), "{}", r.text);
    edit.as_object_mut().unwrap().remove("version");
    assert_eq!(Reply::fields(&worker.put(&one, edit).await), ["version"]);
    let r = worker.get(&one).await;
    assert_eq!((r.body["address"].as_str(), r.body["phone"].as_str()), (Some("Via Brescia 1"), Some("030 123456")));

    // Search in the body, by name words or codice fiscale.
    let search = format!("{base}/search");
    assert_eq!(worker.post(&search, json!({"q": "moretti matteo"})).await.body["total"], 2);
    // Searches and reads are audited too; the trail below counts this one person's.
    assert_eq!(worker.post(&search, json!({"q": "MRTMTT25D09F205Z"})).await.body["total"], 1);
    assert_eq!(worker.post(&search, json!({"q": "diallo"})).await.body["items"][0]["country"], "Senegal");

    // The staff pages and their server functions (form bodies: nothing typed goes in a URL).
    assert_eq!(worker.page("/persons").await.status, StatusCode::OK);
    let page = worker.page(&format!("/persons/{id}")).await;
    assert!(page.text.contains("Via Brescia 1") && page.text.contains("name=\"version\""), "{}", page.text);
    let form = "first_name=Matteo&last_name=Moretti&tax_code=MRTMTT25D09F205Z&birth_date=1925-04-09&sex=M\
                &citizenship=italian";
    let r = worker.server_fn("/sf/save_person", form).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = worker.server_fn("/sf/save_person", &format!("{form}&confirm_duplicate=on")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = worker.server_fn("/sf/search_persons", "q=moretti").await;
    assert_eq!(r.body["total"], 3);
    let r =
        worker.server_fn("/sf/save_person", &format!("id={id}&version=1&first_name=Matteo&last_name=Moretti")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "an old copy: {}", r.text);

    // Who may: social workers and tenant admins; not the front desk, not province roles.
    let mut desk = app.signed_in(&app.user(bs, Role::FrontDesk).await).await;
    assert_eq!(desk.get(&one).await.status, StatusCode::FORBIDDEN);
    let mut province = app.signed_in(&app.user(p, Role::ProvinceAdmin).await).await;
    assert_eq!(province.get(&one).await.status, StatusCode::FORBIDDEN);
    assert_eq!(province.post(&search, json!({"q": "moretti"})).await.status, StatusCode::FORBIDDEN);
    let mut admin = app.signed_in(&app.user(bs, Role::TenantAdmin).await).await;
    assert_eq!(admin.get(&one).await.status, StatusCode::OK);

    // Every access is in the audit log, and the chain holds.
    let report = domain::audit::verify(&app.db, bs, None).await.unwrap();
    assert!(report.broken.is_none());
    let tx = domain::tenancy::TenantTx::for_operator(&app.db, bs).await.unwrap();
    let trail = domain::audit::trail(&tx, "person", id).await.unwrap();
    tx.commit().await.unwrap();
    let actions: Vec<&str> = trail.iter().rev().map(|e| e.action.as_str()).collect();
    // Reads: the API, the page (the person and their household), the admin.
    assert_eq!(actions, ["create", "update", "read", "read", "read", "read"], "{actions:?}");

    // Each duplicate warning stands in the log with the persons it matched, though nothing
    // was saved; each list names the persons it showed.
    let mut entries = Vec::new();
    for _ in 0..200 {
        let tx = domain::tenancy::TenantTx::for_operator(&app.db, bs).await.unwrap();
        entries = tx.select::<entity::audit_entry::Entity>().all(tx.conn()).await.unwrap();
        tx.commit().await.unwrap();
        let refused = entries.iter().filter(|e| e.action == "refused").count();
        if entries.iter().filter(|e| e.action == "check").count() >= 3 && refused >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let named = |e: &entity::audit_entry::Model| {
        e.object_ids.as_deref().unwrap_or_default().split(',').any(|i| i == id.to_string())
    };
    let checks: Vec<_> = entries.iter().filter(|e| e.action == "check").collect();
    assert_eq!(checks.len(), 3, "{checks:?}");
    assert!(checks.iter().all(|e| named(e) && e.object_type == "person" && e.user_id.is_some()), "{checks:?}");
    let by_tax_code = entries.iter().filter(|e| e.action == "list" && e.object_ids.as_deref() == Some(&id.to_string()));
    assert!(by_tax_code.count() >= 1, "the search by codice fiscale names the one person it showed");
    // The front desk's and the province's refused attempts on persons are there too.
    let refused: Vec<_> = entries.iter().filter(|e| e.action == "refused").collect();
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert!(refused.iter().all(|e| e.object_type == "person" && e.user_id.is_some()), "{refused:?}");
    assert!(domain::audit::verify(&app.db, bs, None).await.unwrap().broken.is_none());
}

async fn households(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let mut worker = app.signed_in(&app.user(bs, Role::SocialWorker).await).await;
    let base = format!("/api/v1/t/{slug}/persons");
    let mother = worker.post(&base, json!({"first_name": "Sara", "last_name": "Colombo"})).await.body["id"].clone();
    let son =
        worker.post(&base, json!({"first_name": "Luca", "last_name": "Colombo", "birth_date": "2012-05-04"})).await;
    let son = son.body["id"].clone();
    let household = format!("{base}/{mother}/household");

    // Bad input, each on its field: the person herself, twice the same, an unknown code.
    let bad = json!({"members": [{"member_id": mother, "relationship": "child"}, {"member_id": son, "relationship": "cousin"},
        {"member_id": son, "relationship": "child"}, {"member_id": 999_999, "relationship": "child"}]});
    assert_eq!(
        Reply::fields(&worker.put(&household, bad).await),
        ["members.0.member_id", "members.1.relationship", "members.2.member_id", "members.3.member_id"]
    );
    let r = worker
        .put(&household, json!({"members": [{"member_id": son, "relationship": "child", "cohabiting": true}]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = worker.get(&household).await;
    assert_eq!((r.body[0]["name"].as_str(), r.body[0]["cohabiting"].as_bool()), (Some("Colombo Luca"), Some(true)));

    // From the person's page: a new member recorded and added in one go; a wrong
    // relationship and a missing name come back together, and nothing is saved.
    let r = worker.server_fn("/sf/add_household_member", &format!("id={mother}&first_name=&relationship=aunt")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("first_name") && r.text.contains("relationship"), "{}", r.text);
    let form = format!("id={mother}&first_name=Marco&last_name=Colombo&relationship=spouse");
    let r = worker.server_fn("/sf/add_household_member", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    assert_eq!(r.body[1]["cohabiting"], false, "an unticked box");
    let page = worker.page(&format!("/persons/{mother}")).await;
    assert!(page.text.contains("Colombo Marco") && page.text.contains("Coniuge"), "{}", page.text);
    let r = worker.server_fn("/sf/remove_household_member", &format!("id={mother}&member_id={son}")).await;
    assert_eq!(r.body.as_array().unwrap().len(), 1, "{}", r.text);

    // Audited as the person's household.
    let tx = domain::tenancy::TenantTx::for_operator(&app.db, bs).await.unwrap();
    let trail = domain::audit::trail(&tx, "person", mother.as_i64().unwrap()).await.unwrap();
    tx.commit().await.unwrap();
    assert!(trail.iter().any(|e| e.action == "update" && e.section.as_deref() == Some("household")));
    assert!(trail.iter().any(|e| e.action == "read" && e.section.as_deref() == Some("household")));
}

on_both!(persons_of_the_case_record, households);
