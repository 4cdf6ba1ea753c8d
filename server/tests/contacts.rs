//! The front desk's contact log and the audit log behind it: a contact logged in one
//! request, every mistake on its field, who may see the log, and the hash chain that
//! records every look and change — verified, and caught when someone alters or removes
//! an entry in the database. Each on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use common::TestApp;
use domain::audit::{self, BreakReason};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use types::{Role, TenantId};

fn fields(r: &common::Reply) -> Vec<String> {
    r.body["fields"]
        .as_array()
        .map_or_else(Vec::new, |a| a.iter().map(|f| f["field"].as_str().unwrap().to_string()).collect())
}

/// A phone call about home care for an older woman: what the sportello types.
fn call() -> Value {
    json!({
        "channel": "phone", "area": "anziani", "age_band": "65+", "gender": "female",
        "citizenship": "italian", "request_type": "interventi_domiciliari", "outcome": "referred_social_service",
    })
}

async fn front_desk_logs_contacts(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let (_, other_slug) = app.municipality_of(p, "Comune di Rezzato", Some("017161")).await;
    let mut desk = app.signed_in(&app.user(bs, Role::FrontDesk).await).await;
    let base = format!("/api/v1/t/{slug}/contacts");

    // Today, by default; the recorder is who is signed in.
    let r = desk.post(&base, call()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["contacted_on"], app.db.today().format("%Y-%m-%d").to_string());
    assert!(!r.body["recorded_by_name"].as_str().unwrap().is_empty());
    // A foreign citizen's country is kept; an Italian's is not.
    let mut visit = call();
    visit["channel"] = json!("in_person");
    visit["citizenship"] = json!("foreign");
    visit["country"] = json!("Marocco");
    visit["contacted_on"] = json!("2026-10-05");
    visit["area"] = json!("famiglia_minori");
    let r = desk.post(&base, visit).await;
    assert_eq!(r.body["country"], "Marocco");
    let mut italian = call();
    italian["country"] = json!("Italia");
    assert_eq!(desk.post(&base, italian).await.body["country"], Value::Null);

    // Every mistake on its field at once, in the user's language; nothing saved.
    let before = desk.get(&base).await.body["total"].as_u64().unwrap();
    desk.put("/api/v1/session/lang", json!({"lang": "en"})).await;
    let bad = json!({"contacted_on": "2999-01-01", "channel": "pigeon", "area": "", "age_band": "200",
                     "gender": "x", "citizenship": "", "request_type": "teleport", "outcome": "",
                     "district_id": 999999});
    let r = desk.post(&base, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut got = fields(&r);
    got.sort();
    assert_eq!(
        got,
        [
            "age_band",
            "area",
            "channel",
            "citizenship",
            "contacted_on",
            "district_id",
            "gender",
            "outcome",
            "request_type"
        ]
    );
    assert!(r.text.contains("future"), "English messages: {}", r.text);
    desk.put("/api/v1/session/lang", json!({"lang": "it"})).await;
    let r = desk.post(&base, json!({"contacted_on": "5 ottobre"})).await;
    assert!(fields(&r).contains(&"contacted_on".to_string()));
    assert!(r.text.contains("AAAA-MM-GG"), "{}", r.text);
    assert_eq!(desk.get(&base).await.body["total"].as_u64().unwrap(), before, "nothing saved");

    // The log: newest first, by period, channel and area.
    let list = desk.get(&base).await;
    assert_eq!(list.body["total"], 3);
    assert_eq!(list.body["items"][2]["contacted_on"], "2026-10-05", "oldest last");
    assert_eq!(desk.get(&format!("{base}?channel=in_person")).await.body["total"], 1);
    assert_eq!(desk.get(&format!("{base}?area=anziani&from=2026-11-01")).await.body["total"], 2);
    assert_eq!(desk.get(&format!("{base}?to=2026-10-31")).await.body["total"], 1);
    assert_eq!(fields(&desk.get(&format!("{base}?from=ieri")).await), ["from"]);

    // A correction.
    let mut fixed = call();
    fixed["outcome"] = json!("information_given");
    let r = desk.put(&format!("{base}/{id}"), fixed).await;
    assert_eq!(r.body["outcome"], "information_given");
    assert_eq!(desk.get(&format!("{base}/{id}")).await.body["outcome"], "information_given");

    // The staff pages: the log and the form, and the form's server function.
    let page = desk.page("/contacts").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("id=\"contacts\""), "{}", page.text);
    let form = desk.page("/contacts/new").await;
    assert!(
        form.text.contains("name=\"channel\"") && form.text.contains(&app.db.today().format("%Y-%m-%d").to_string()),
        "{}",
        form.text
    );
    let typed = "contacted_on=&channel=email&area=disabili&age_band=26-35&gender=male&citizenship=not_stated\
                 &country=&request_type=contributi_economici&outcome=pending&district_id=";
    let r = desk.server_fn("/sf/log_contact", typed).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["channel"], "email");
    let r = desk.server_fn("/sf/log_contact", "channel=email&district_id=tre").await;
    assert!(fields(&r).contains(&"district_id".to_string()), "{}", r.text);

    // Who may: local front-line roles; a facility manager and province roles may not.
    let mut worker = app.signed_in(&app.user(bs, Role::SocialWorker).await).await;
    assert_eq!(worker.get(&base).await.status, StatusCode::OK);
    let mut manager = app.signed_in(&app.user(bs, Role::FacilityManager).await).await;
    assert_eq!(manager.get(&base).await.status, StatusCode::FORBIDDEN);
    let mut province = app.signed_in(&app.user(p, Role::ProvinceAdmin).await).await;
    assert_eq!(province.get(&base).await.status, StatusCode::FORBIDDEN);
    assert_eq!(province.post(&base, call()).await.status, StatusCode::FORBIDDEN);
    // Another comune's log is not found, even for this front desk.
    assert_eq!(desk.get(&format!("/api/v1/t/{other_slug}/contacts")).await.status, StatusCode::NOT_FOUND);

    // Every write and look went into Brescia's audit log, in order, and the chain holds.
    let report = audit::verify(&app.db, bs, None).await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
    let actions = audit_actions(&app, bs).await;
    let creates = actions.iter().filter(|a| a.starts_with("create contact ")).count();
    assert_eq!(creates, 4, "{actions:?}");
    assert!(actions.contains(&format!("update contact {id}")) && actions.contains(&format!("read contact {id}")));
    assert!(actions.iter().filter(|a| a.as_str() == "list contact").count() >= 6, "{actions:?}");
    // Refused requests left no entry: no create without its contact.
    assert_eq!(report.entries as usize, actions.len());
}

/// `action object [id]` of every audit entry of a tenant, oldest first.
async fn audit_actions(app: &TestApp, tenant: TenantId) -> Vec<String> {
    let tx = domain::tenancy::TenantTx::for_operator(&app.db, tenant).await.unwrap();
    let mut rows = tx.select::<entity::audit_entry::Entity>().all(tx.conn()).await.unwrap();
    tx.commit().await.unwrap();
    rows.sort_by_key(|e| e.seq);
    rows.iter()
        .map(|e| match e.object_id {
            Some(id) => format!("{} {} {id}", e.action, e.object_type),
            None => format!("{} {}", e.action, e.object_type),
        })
        .collect()
}

async fn audit_chain_catches_tampering(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let (rz, rz_slug) = app.municipality_of(p, "Comune di Rezzato", Some("017161")).await;
    let mut desk = app.signed_in(&app.user(bs, Role::FrontDesk).await).await;
    let mut rz_desk = app.signed_in(&app.user(rz, Role::FrontDesk).await).await;
    for _ in 0..3 {
        assert_eq!(desk.post(&format!("/api/v1/t/{slug}/contacts"), call()).await.status, StatusCode::CREATED);
    }
    rz_desk.post(&format!("/api/v1/t/{rz_slug}/contacts"), call()).await;
    let intact = audit::verify(&app.db, bs, None).await.unwrap();
    assert_eq!((intact.entries, intact.broken.clone()), (3, None));
    assert_eq!(intact.head.len(), 64);
    // A checkpoint of every chain's head, as `serve` writes outside the database.
    let checkpoint = audit::checkpoint(&app.db).await.unwrap();
    assert!(checkpoint.is_genuine(app.db.audit_key()));

    // The application cannot rewrite history: on PostgreSQL no policy lets it, on SQLite
    // triggers refuse it.
    if app.is_postgres() {
        let tx = domain::tenancy::TenantTx::for_operator(&app.db, bs).await.unwrap();
        let changed = tx.conn().execute_unprepared("UPDATE audit_entry SET action = 'read'").await.unwrap();
        let removed = tx.conn().execute_unprepared("DELETE FROM audit_entry").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((changed.rows_affected(), removed.rows_affected()), (0, 0));
    } else {
        for sql in ["UPDATE audit_entry SET action = 'read'", "DELETE FROM audit_entry"] {
            let refused = app.db.execute_unprepared(sql).await.unwrap_err();
            assert!(refused.to_string().contains("append-only"), "{sql}: {refused}");
        }
    }
    assert_eq!(audit::verify(&app.db, bs, None).await.unwrap().entries, 3);

    // Someone with the database in hand changes an entry (on SQLite, after dropping the
    // triggers): its hash no longer matches.
    let owner = app.owner_connection().await;
    if !app.is_postgres() {
        owner
            .execute_unprepared("DROP TRIGGER audit_entry_no_update; DROP TRIGGER audit_entry_no_delete")
            .await
            .unwrap();
    }
    let entry = |seq: i64| format!("tenant_id = {} AND seq = {seq}", bs.0);
    owner.execute_unprepared(&format!("UPDATE audit_entry SET user_id = NULL WHERE {}", entry(2))).await.unwrap();
    let report = audit::verify(&app.db, bs, None).await.unwrap();
    let broken = report.broken.unwrap();
    assert_eq!((broken.position, broken.reason, report.entries), (2, BreakReason::Content, 1));
    // Rewriting its hash too breaks the next entry's link.
    let forged = "f".repeat(64);
    owner.execute_unprepared(&format!("UPDATE audit_entry SET hash = '{forged}' WHERE {}", entry(2))).await.unwrap();
    let broken = audit::verify(&app.db, bs, None).await.unwrap().broken.unwrap();
    assert!(matches!((broken.position, broken.reason), (2, BreakReason::Content)), "{broken:?}");
    // A removed entry leaves a gap in the numbering.
    owner.execute_unprepared(&format!("DELETE FROM audit_entry WHERE {}", entry(2))).await.unwrap();
    let broken = audit::verify(&app.db, bs, None).await.unwrap().broken.unwrap();
    assert_eq!((broken.position, broken.reason), (2, BreakReason::Numbering));
    // Other tenants' chains are their own and stay intact.
    let all = audit::verify_all(&app.db, &[]).await.unwrap();
    let rezzato = all.iter().find(|r| r.tenant == rz_slug).unwrap();
    assert_eq!((rezzato.entries, rezzato.broken.is_none()), (1, true));
    assert!(all.iter().find(|r| r.tenant == slug).unwrap().broken.is_some());

    // Removing a whole chain (or its newest entries) leaves a valid shorter one: only the
    // checkpoint tells, and names where the missing part begins.
    owner.execute_unprepared(&format!("DELETE FROM audit_entry WHERE tenant_id = {}", rz.0)).await.unwrap();
    let unheld = audit::verify_all(&app.db, &[]).await.unwrap();
    assert!(unheld.iter().find(|r| r.tenant == rz_slug).unwrap().broken.is_none());
    let held = audit::verify_all(&app.db, std::slice::from_ref(&checkpoint)).await.unwrap();
    let rezzato = held.iter().find(|r| r.tenant == rz_slug).unwrap();
    let broken = rezzato.broken.clone().unwrap();
    assert_eq!((broken.position, broken.reason, rezzato.checkpoint), (1, BreakReason::Truncated, Some(checkpoint.at)));
}

on_both!(front_desk_logs_contacts, audit_chain_catches_tampering);
