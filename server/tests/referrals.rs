//! Handing a case on. A referral gives a third-sector operator the named sections of a
//! case once they accept, and nothing else; ending it takes them back. A transfer carries
//! the person and the named sections to another tenant, which accepts (a new case with
//! the sections copied, the person found by codice fiscale) or declines; the copy held
//! meanwhile is dropped, only the addressee sees the proposal, and both tenants' audit
//! chains record the decision. Each on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use common::{scalar_i64, Reply, TestApp};
use serde_json::json;
use types::{Role, TenantId};

fn keys(r: &common::Reply) -> Vec<String> {
    r.body["fields"].as_array().map_or_else(Vec::new, |a| {
        a.iter().map(|f| format!("{}:{}", f["field"].as_str().unwrap(), f["message"].as_str().unwrap())).collect()
    })
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    domain::users::user_by_email(&app.db, email).await.unwrap().0
}

/// A person with a case of `worker`, with housing, needs and (by the admin, who grants
/// themselves nothing) no restricted section. Returns the case id.
async fn case_with_record(worker: &mut common::Client, base: &str, tax_code: &str) -> i64 {
    let person = json!({"first_name": "Marco", "last_name": "Bianchi", "tax_code": tax_code});
    let pe = worker.post(&format!("{base}/persons"), person).await;
    assert_eq!(pe.status, StatusCode::CREATED, "{:?}", pe.body);
    let r = worker.post(&format!("{base}/cases"), json!({"person_id": pe.body["id"], "area": "poverta"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let housing = json!({"version": 0, "entries": [{"tenure": "private_rent", "notes": "Sfratto a marzo"}]});
    assert_eq!(worker.put(&format!("{base}/cases/{id}/sections/housing"), housing).await.status, StatusCode::OK);
    let needs = json!({"version": 0, "entries": [{"need": "housing"}, {"need": "work", "notes": "Cerca lavoro"}]});
    assert_eq!(worker.put(&format!("{base}/cases/{id}/sections/needs"), needs).await.status, StatusCode::OK);
    let network = json!({"version": 0, "entries": [{"kind": "family", "who": "Fratello", "state": "active"}]});
    assert_eq!(
        worker.put(&format!("{base}/cases/{id}/sections/support_network"), network).await.status,
        StatusCode::OK
    );
    id
}

async fn referral_to_the_third_sector(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality(p, "Comune di Brescia").await;
    let worker_email = app.user(bs, Role::SocialWorker).await;
    let operator_email = app.user(bs, Role::ThirdSector).await;
    let other_operator_email = app.user(bs, Role::ThirdSector).await;
    let desk_email = app.user(bs, Role::FrontDesk).await;
    let (worker_id, operator_id) = (user_id(&app, &worker_email).await, user_id(&app, &operator_email).await);
    let admin_email = app.user(bs, Role::TenantAdmin).await;
    let mut worker = app.signed_in(&worker_email).await;
    let mut operator = app.signed_in(&operator_email).await;
    let mut other = app.signed_in(&other_operator_email).await;
    let mut admin = app.signed_in(&admin_email).await;
    let base = format!("/api/v1/t/{slug}");
    let org = admin
        .post(&format!("{base}/organizations"), json!({"name": "Coop. Il Ponte", "legal_status": "private"}))
        .await;
    assert_eq!(org.status, StatusCode::CREATED, "{:?}", org.body);
    let id = case_with_record(&mut worker, &base, "MRTMTT25D09F205Z").await;
    let case = format!("{base}/cases/{id}");

    // Before any referral the operator reaches nothing, and may not list cases.
    assert_eq!(operator.get(&case).await.status, StatusCode::NOT_FOUND);
    assert_eq!(operator.get(&format!("{base}/cases")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(operator.get(&format!("{base}/referrals")).await.body, json!([]));

    // Field errors: everything missing; a social worker is no operator; a restricted
    // section the sender cannot open is not theirs to share; unknown codes.
    let r = worker.post(&format!("{case}/referrals"), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(Reply::fields(&r), ["organization_id", "reason", "sections", "user_id"]);
    let bad = json!({"organization_id": org.body["id"], "user_id": worker_id, "sections": ["court"], "reason": "x"});
    let r = worker.post(&format!("{case}/referrals"), bad).await;
    assert_eq!(Reply::fields(&r), ["sections", "user_id"], "{:?}", r.body);
    assert!(keys(&r).iter().any(|k| k.starts_with("sections:Puoi condividere solo")), "{:?}", r.body);
    let bad = json!({"organization_id": 999_999, "user_id": operator_id, "sections": ["attic"], "reason": "x"});
    assert_eq!(Reply::fields(&worker.post(&format!("{case}/referrals"), bad).await), ["organization_id", "sections"]);

    // The referral: housing and needs, waiting for the operator.
    let referral = json!({"organization_id": org.body["id"], "user_id": operator_id,
        "sections": ["needs", "housing"], "reason": "Accompagnamento nella ricerca di un alloggio"});
    let r = worker.post(&format!("{case}/referrals"), referral.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!((r.body["status"].as_str(), r.body["sections"].clone()), (Some("pending"), json!(["housing", "needs"])));
    let referral_id = r.body["id"].as_i64().unwrap();
    let again = worker.post(&format!("{case}/referrals"), referral).await;
    assert_eq!(Reply::fields(&again), ["user_id"], "one open referral per operator");

    // Pending: the operator sees the request, not yet who it is about nor the case.
    let list = operator.get(&format!("{base}/referrals")).await;
    assert_eq!(list.body[0]["reason"], "Accompagnamento nella ricerca di un alloggio");
    assert!(list.body[0]["person_name"].is_null(), "{:?}", list.body);
    assert!(!list.text.contains("Bianchi"));
    assert_eq!(operator.get(&case).await.status, StatusCode::NOT_FOUND);
    // Another operator neither sees nor answers it; staff roles have no referral inbox.
    assert_eq!(other.get(&format!("{base}/referrals")).await.body, json!([]));
    let decide = format!("{base}/referrals/{referral_id}/decision");
    assert_eq!(other.post(&decide, json!({"accept": true})).await.status, StatusCode::NOT_FOUND);
    let mut desk = app.signed_in(&desk_email).await;
    assert_eq!(desk.get(&format!("{base}/referrals")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(worker.post(&decide, json!({"accept": true})).await.status, StatusCode::FORBIDDEN);

    // Accepted: the case and exactly the named sections, nothing of the work on it.
    let r = operator.post(&decide, json!({"accept": true, "note": "Presa visione"})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("accepted")), "{:?}", r.body);
    assert_eq!(r.body["person_name"], "Bianchi Marco");
    assert_eq!(operator.post(&decide, json!({"accept": false})).await.status, StatusCode::CONFLICT);
    let c = operator.get(&case).await;
    assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
    assert_eq!(c.body["is_worker"], false);
    let readable: Vec<&str> = c.body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["readable"] == true)
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(readable, ["housing", "needs"]);
    assert_eq!(operator.get(&format!("{case}/sections/housing")).await.status, StatusCode::OK);
    assert_eq!(operator.get(&format!("{case}/sections/support_network")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(operator.get(&format!("{case}/sections/court")).await.status, StatusCode::FORBIDDEN);
    let needs = json!({"version": 1, "entries": [{"need": "housing", "notes": "Visitati due alloggi"}]});
    assert_eq!(operator.put(&format!("{case}/sections/needs"), needs).await.status, StatusCode::OK);
    assert_eq!(operator.get(&format!("{case}/work")).await.status, StatusCode::FORBIDDEN);
    let assessment = json!({"problems": "x", "summary": "y"});
    assert_eq!(operator.post(&format!("{case}/assessments"), assessment).await.status, StatusCode::FORBIDDEN);
    assert_eq!(operator.get(&format!("{case}/referrals")).await.status, StatusCode::FORBIDDEN);
    let edit = json!({"version": 1, "area": "poverta", "opened_on": "2026-01-01"});
    assert_eq!(operator.put(&case, edit).await.status, StatusCode::FORBIDDEN);
    assert_eq!(operator.get(&format!("{base}/persons/{}", c.body["person"]["id"])).await.status, StatusCode::FORBIDDEN);
    // Their pages: the inbox names the person now; the case page shows the two sections.
    let page = operator.page("/referrals").await;
    assert!(page.text.contains("Bianchi Marco") && page.text.contains("Coop. Il Ponte"), "{}", page.text);
    let page = operator.page(&format!("/cases/{id}")).await;
    assert!(page.text.contains("Bianchi Marco"), "{}", page.text);
    assert!(page.text.contains(&format!("/cases/{id}/sections/needs")));
    assert!(!page.text.contains(&format!("/cases/{id}/sections/support_network")));
    assert!(!page.text.contains("new-assessment"), "no work forms for an operator");

    // The worker sees the referral with the operator's answer, and ends it.
    let h = worker.get(&format!("{case}/referrals")).await;
    assert_eq!(h.body["referrals"][0]["decision_note"], "Presa visione");
    let page = worker.page(&format!("/cases/{id}")).await;
    assert!(page.text.contains("Coop. Il Ponte") && page.text.contains("referral-form"), "{}", page.text);
    let r = worker.post(&format!("{case}/referrals/{referral_id}/end"), json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("ended")));
    assert_eq!(operator.get(&case).await.status, StatusCode::NOT_FOUND);
    assert_eq!(operator.get(&format!("{case}/sections/housing")).await.status, StatusCode::NOT_FOUND);
    let r = worker.post(&format!("{case}/referrals/{referral_id}/end"), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Every step is on the case's audit trail.
    let tx = domain::tenancy::TenantTx::for_operator(&app.db, bs).await.unwrap();
    let trail = domain::audit::trail(&tx, "case", id).await.unwrap();
    tx.commit().await.unwrap();
    let has = |user: i64, action: &str, section: &str| {
        trail.iter().any(|e| e.user_id == Some(user) && e.action == action && e.section.as_deref() == Some(section))
    };
    assert!(has(worker_id, "create", "referral"));
    assert!(has(operator_id, "update", "referral"));
    assert!(has(operator_id, "read", "housing"));
    assert!(has(operator_id, "update", "needs"));
    assert!(has(worker_id, "update", "referral"), "the end");
    assert!(domain::audit::verify(&app.db, bs, None).await.unwrap().broken.is_none());
}

async fn transfer_to_another_tenant(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (a, a_slug) = app.municipality(p, "Comune di Brescia").await;
    let (b, b_slug) = app.municipality(p, "Comune di Rezzato").await;
    let (c, c_slug) = app.municipality(p, "Comune di Botticino").await;
    let mut a_worker = app.signed_in(&app.user(a, Role::SocialWorker).await).await;
    let b_admin_email = app.user(b, Role::TenantAdmin).await;
    let b_admin_id = user_id(&app, &b_admin_email).await;
    let mut b_admin = app.signed_in(&b_admin_email).await;
    let b_worker_email = app.user(b, Role::SocialWorker).await;
    let b_worker_id = user_id(&app, &b_worker_email).await;
    let mut b_worker = app.signed_in(&b_worker_email).await;
    let mut c_admin = app.signed_in(&app.user(c, Role::TenantAdmin).await).await;
    let (a_base, b_base) = (format!("/api/v1/t/{a_slug}"), format!("/api/v1/t/{b_slug}"));
    let id = case_with_record(&mut a_worker, &a_base, "MRTMTT25D09F205Z").await;
    let case = format!("{a_base}/cases/{id}");
    // B already knows the person (same codice fiscale): the new case will be theirs.
    let known = json!({"first_name": "Marco", "last_name": "Bianchi", "tax_code": "MRTMTT25D09F205Z"});
    let known = b_worker.post(&format!("{b_base}/persons"), known).await;
    assert_eq!(known.status, StatusCode::CREATED, "{:?}", known.body);

    // The choices name the other municipalities, not the province nor oneself.
    let choices = a_worker.get(&format!("{a_base}/handover-choices")).await;
    let slugs: Vec<&str> =
        choices.body["tenants"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
    assert!(slugs.contains(&b_slug.as_str()) && slugs.contains(&c_slug.as_str()) && !slugs.contains(&a_slug.as_str()));
    // Field errors: no target, oneself, the province, a section one cannot open.
    let r = a_worker.post(&format!("{case}/transfers"), json!({})).await;
    assert_eq!(Reply::fields(&r), ["reason", "sections", "to_tenant"]);
    let province = app.slug_of(p).await;
    for target in [a_slug.as_str(), province.as_str(), "nowhere"] {
        let bad = json!({"to_tenant": target, "sections": ["housing"], "reason": "Trasferito"});
        assert_eq!(Reply::fields(&a_worker.post(&format!("{case}/transfers"), bad).await), ["to_tenant"], "{target}");
    }
    let bad = json!({"to_tenant": b_slug, "sections": ["judicial"], "reason": "Trasferito"});
    assert_eq!(Reply::fields(&a_worker.post(&format!("{case}/transfers"), bad).await), ["sections"]);

    // Proposed to B with housing and needs.
    let proposal =
        json!({"to_tenant": b_slug, "sections": ["housing", "needs"], "reason": "Residenza a Rezzato dal 1° dicembre"});
    let r = a_worker.post(&format!("{case}/transfers"), proposal.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["status"], "pending");
    let transfer_id = r.body["id"].as_i64().unwrap();
    assert_eq!(
        Reply::fields(&a_worker.post(&format!("{case}/transfers"), proposal).await),
        ["to_tenant"],
        "one at a time"
    );

    // Only B's admins see it; C, a bystander, sees nothing and cannot answer it.
    let list = b_admin.get(&format!("{b_base}/transfers")).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1, "{:?}", list.body);
    assert_eq!(list.body[0]["person"]["tax_code"], "MRTMTT25D09F205Z");
    assert!(list.body[0]["case_id"].is_null(), "B learns nothing of A's ids");
    assert_eq!(b_worker.get(&format!("{b_base}/transfers")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(c_admin.get(&format!("/api/v1/t/{c_slug}/transfers")).await.body, json!([]));
    let c_decide = format!("/api/v1/t/{c_slug}/transfers/{transfer_id}/decision");
    assert_eq!(c_admin.post(&c_decide, json!({"accept": false})).await.status, StatusCode::NOT_FOUND);
    let page = b_admin.page("/transfers").await;
    assert!(page.text.contains("Bianchi Marco") && page.text.contains("Residenza a Rezzato"), "{}", page.text);

    // Accepting needs the responsible worker; then B has a case with the two sections.
    let decide = format!("{b_base}/transfers/{transfer_id}/decision");
    assert_eq!(Reply::fields(&b_admin.post(&decide, json!({"accept": true})).await), ["responsible_id"]);
    let r = b_admin.post(&decide, json!({"accept": true, "responsible_id": b_worker_id, "note": "Accolto"})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["status"], "accepted");
    assert!(r.body["person"].is_null(), "the copy is gone once decided");
    let new_case = r.body["new_case_id"].as_i64().unwrap();
    assert_eq!(b_admin.post(&decide, json!({"accept": false})).await.status, StatusCode::CONFLICT);
    let nc = b_worker.get(&format!("{b_base}/cases/{new_case}")).await;
    assert_eq!(nc.status, StatusCode::OK, "{:?}", nc.body);
    assert_eq!(nc.body["person"]["id"], known.body["id"], "found by codice fiscale, not recorded twice");
    assert_eq!(nc.body["members"][0]["user_id"], b_worker_id);
    let housing = b_worker.get(&format!("{b_base}/cases/{new_case}/sections/housing")).await;
    assert_eq!(housing.body["entries"], json!([{"tenure": "private_rent", "notes": "Sfratto a marzo"}]));
    let needs = b_worker.get(&format!("{b_base}/cases/{new_case}/sections/needs")).await;
    assert_eq!(needs.body["entries"].as_array().unwrap().len(), 2);
    let network = b_worker.get(&format!("{b_base}/cases/{new_case}/sections/support_network")).await;
    assert_eq!(network.body["version"], 0, "not named, not copied");
    // A sees the answer on its case; nothing personal is left in the shared table.
    let h = a_worker.get(&format!("{case}/referrals")).await;
    assert_eq!(
        (h.body["transfers"][0]["status"].as_str(), h.body["transfers"][0]["decision_note"].as_str()),
        (Some("accepted"), Some("Accolto"))
    );
    assert!(h.body["transfers"][0]["new_case_id"].is_null(), "A learns nothing of B's ids");
    let owner = app.owner_connection().await;
    assert_eq!(scalar_i64(&owner, "SELECT count(*) FROM case_transfer WHERE payload IS NOT NULL").await, 0);

    // Declined by C: nothing opened there, the copy dropped.
    let to_c = json!({"to_tenant": c_slug, "sections": ["needs"], "reason": "Secondo tentativo"});
    let r = a_worker.post(&format!("{case}/transfers"), to_c).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let c_decide = format!("/api/v1/t/{c_slug}/transfers/{}/decision", r.body["id"]);
    let r = c_admin.post(&c_decide, json!({"accept": false, "note": "Non residente"})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("declined")), "{:?}", r.body);
    assert!(r.body["new_case_id"].is_null());
    assert_eq!(scalar_i64(&owner, "SELECT count(*) FROM case_transfer WHERE payload IS NOT NULL").await, 0);
    assert_eq!(scalar_i64(&owner, &format!("SELECT count(*) FROM social_case WHERE tenant_id = {}", c.0)).await, 0);

    // Both chains record the decision and still verify.
    let tx = domain::tenancy::TenantTx::for_operator(&app.db, a).await.unwrap();
    let trail = domain::audit::trail(&tx, "case", id).await.unwrap();
    tx.commit().await.unwrap();
    assert!(trail.iter().any(|e| e.action == "create" && e.section.as_deref() == Some("transfer")));
    assert!(trail.iter().any(|e| e.user_id == Some(b_admin_id) && e.section.as_deref() == Some("transfer")));
    for t in [a, b, c] {
        assert!(domain::audit::verify(&app.db, TenantId(t.0), None).await.unwrap().broken.is_none());
    }
}

on_both!(referral_to_the_third_sector, transfer_to_another_tenant);
