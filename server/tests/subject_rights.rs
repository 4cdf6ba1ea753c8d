//! The rights of the person the data are about: the export holds everything (restricted
//! sections for a holder of that grant) and is recorded; a person never taken in charge can be erased; one
//! who was is anonymised — identity and free text gone, coded facts kept; tenant admins
//! only. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp};
use serde_json::json;
use types::Role;

async fn export_erase_and_anonymise(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let admin_email = app.user(bs, Role::TenantAdmin).await;
    let admin_id = domain::users::user_by_email(&app.db, &admin_email).await.unwrap().0;
    let mut admin = app.signed_in(&admin_email).await;
    let mut worker = app.signed_in(&app.user(bs, Role::SocialWorker).await).await;
    let base = format!("/api/v1/t/{slug}");

    let person = json!({"first_name": "Marta", "last_name": "Zanetti", "tax_code": "MRTMTT25D09F205Z",
        "address": "Via Milano 3", "phone": "030 123456"});
    let pe = worker.post(&format!("{base}/persons"), person).await;
    let pid = pe.body["id"].as_i64().unwrap();
    let c = worker.post(&format!("{base}/cases"), json!({"person_id": pid, "area": "anziani"})).await;
    let case = format!("{base}/cases/{}", c.body["id"]);
    let needs = json!({"version": 0, "entries": [{"need": "housing", "notes": "Sfratto in via Milano 3"}]});
    assert_eq!(worker.put(&format!("{case}/sections/needs"), needs).await.status, StatusCode::OK);
    let grant = json!({"responsible_id": admin_id, "members": [{"user_id": admin_id, "restricted": true}]});
    assert_eq!(admin.put(&format!("{case}/access"), grant).await.status, StatusCode::OK);
    let court = json!({"version": 0, "entries": [{"court": "guardianship_judge", "measure": "support_administrator"}]});
    assert_eq!(admin.put(&format!("{case}/sections/court"), court).await.status, StatusCode::OK);
    let plan = json!({"goals": "Trovare casa entro marzo"});
    assert_eq!(admin.post(&format!("{case}/plans"), plan).await.status, StatusCode::CREATED);
    let cost = json!({"kind": "contributi_economici", "started_on": "2026-02-01", "cost": "300",
        "description": "Affitto di Marta"});
    assert_eq!(admin.post(&format!("{case}/interventions"), cost).await.status, StatusCode::CREATED);
    // A pending transfer carries a copy of the person; a referral words the request.
    let (_, other_slug) = app.municipality_of(p, "Comune di Rezzato", None).await;
    let transfer = json!({"to_tenant": other_slug, "sections": ["needs"], "reason": "Marta va a vivere dalla figlia"});
    assert_eq!(admin.post(&format!("{case}/transfers"), transfer).await.status, StatusCode::CREATED);

    // The export: everything, restricted sections included, and the accesses; workers may not.
    let export = format!("{base}/persons/{pid}/export");
    assert_eq!(worker.get(&export).await.status, StatusCode::FORBIDDEN);
    let r = admin.get(&export).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["person"]["tax_code"], "MRTMTT25D09F205Z");
    let sections: Vec<&str> =
        r.body["cases"][0]["sections"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert_eq!(sections, ["needs", "court"]);
    // Another admin of the tenant, without the restricted grant on this case: no court section.
    let mut second_admin = app.signed_in(&app.user(bs, Role::TenantAdmin).await).await;
    let r = second_admin.get(&export).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let sections: Vec<&str> =
        r.body["cases"][0]["sections"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert_eq!(sections, ["needs"]);
    assert!(!r.text.contains("guardianship_judge"), "{}", r.text);
    assert_eq!(r.body["cases"][0]["work"]["total_cost_cents"], 30_000);
    assert!(!r.body["accesses"].as_array().unwrap().is_empty());
    assert_eq!(r.body["cases"][0]["handovers"]["transfers"][0]["to_tenant"], "Comune di Rezzato");
    let page = admin.page(&format!("/persons/{pid}/export")).await;
    assert!(page.text.contains("Dati personali di Zanetti Marta") && page.text.contains("Sfratto"), "{}", page.text);

    // Someone taken in charge is not erased, but anonymised.
    let erase = format!("{base}/persons/{pid}/erasure");
    assert_eq!(worker.post(&erase, json!({"mode": "anonymise"})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(Reply::fields(&admin.post(&erase, json!({"mode": "forget"})).await), ["mode"]);
    let r = admin.post(&erase, json!({"mode": "erase"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("anonimizzare"), "{}", r.text);
    assert_eq!(admin.post(&erase, json!({"mode": "anonymise"})).await.status, StatusCode::NO_CONTENT);
    let r = admin.get(&export).await;
    let text = r.text.clone();
    for gone in
        ["Marta", "Zanetti", "MRTMTT25D09F205Z", "Via Milano", "030 123456", "Sfratto", "Trovare casa", "Affitto"]
    {
        assert!(!text.contains(gone), "{gone} is still there: {text}");
    }
    // Nor in the copy the other comune would have received.
    let owner = app.owner_connection().await;
    let copies = "SELECT COUNT(*) FROM case_transfer WHERE payload IS NOT NULL OR reason LIKE '%Marta%'";
    assert_eq!(common::scalar_i64(&owner, copies).await, 0);
    // … and the proposal, its copy gone, is withdrawn: the other comune cannot accept it.
    let pending = "SELECT COUNT(*) FROM case_transfer WHERE status = 'pending'";
    assert_eq!(common::scalar_i64(&owner, pending).await, 0);
    // The coded facts stay for the statistics.
    assert_eq!(r.body["cases"][0]["sections"][0]["entries"][0]["need"], "housing");
    assert_eq!(r.body["cases"][0]["area"], "anziani");
    assert_eq!(r.body["cases"][0]["work"]["total_cost_cents"], 30_000);
    // The section's history is anonymised too.
    let r = admin.get(&format!("{case}/sections/needs/history")).await;
    assert!(!r.text.contains("Sfratto"), "{}", r.text);

    // A person never taken in charge can be erased; the server function asks for a confirmation.
    let other =
        worker.post(&format!("{base}/persons"), json!({"first_name": "Errore", "last_name": "Digitazione"})).await;
    let oid = other.body["id"].as_i64().unwrap();
    let r = admin.server_fn("/sf/erase_person", &format!("id={oid}&mode=erase")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = admin.server_fn("/sf/erase_person", &format!("id={oid}&mode=erase&confirm=on")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(admin.get(&format!("{base}/persons/{oid}")).await.status, StatusCode::NOT_FOUND);

    // Both recorded, and the chain holds.
    assert!(domain::audit::verify(&app.db, bs, None).await.unwrap().broken.is_none());
    let tx = domain::tenancy::TenantTx::for_operator(&app.db, bs).await.unwrap();
    let mut trail = domain::audit::trail(&tx, "person", pid).await.unwrap();
    trail.extend(domain::audit::trail(&tx, "person", oid).await.unwrap());
    tx.commit().await.unwrap();
    let sections: Vec<&str> = trail.iter().filter_map(|e| e.section.as_deref()).collect();
    for s in ["subject_access", "anonymisation", "erasure"] {
        assert!(sections.contains(&s), "{s} in {sections:?}");
    }
}

on_both!(export_erase_and_anonymise);
