//! Social cases and the sections of their record: who may open which case and which
//! section (the role × section matrix), field errors, the version check on concurrent
//! edits, each section's history, the contact → case link, and the audit of every
//! access. Each on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp};
use serde_json::{json, Value};
use types::cases::SECTIONS;
use types::{Role, TenantId};

struct Staff {
    email: String,
    id: i64,
}

async fn staff(app: &TestApp, tenant: TenantId, role: Role) -> Staff {
    let email = app.user(tenant, role).await;
    let id = domain::users::user_by_email(&app.db, &email).await.unwrap().0;
    Staff { email, id }
}

/// A valid first entry for each section.
fn sample(section: &str) -> Value {
    match section {
        "housing" => json!({"tenure": "private_rent", "rooms": "2", "monthly_rent": "450"}),
        "socio_economic" => json!({"isee": "8.200,00", "isee_expiry": "2030-01-15", "work": "unemployed"}),
        "support_network" => json!({"kind": "family", "who": "Sorella", "state": "active"}),
        "needs" => json!({"need": "housing", "notes": "Sfratto esecutivo"}),
        "judicial" => json!({"act": "probation", "date": "2026-03-02", "authority": "Tribunale di Brescia"}),
        "court" => json!({"court": "juvenile_court", "measure": "inquiry", "date": "2026-02-10"}),
        "other_services" => json!({"service": "sert", "date": "2026-01-20", "summary": "Presa in carico congiunta"}),
        other => panic!("no sample for {other}"),
    }
}

async fn cases_and_their_record(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let responsible = staff(&app, bs, Role::SocialWorker).await;
    let colleague = staff(&app, bs, Role::SocialWorker).await;
    let outsider = staff(&app, bs, Role::SocialWorker).await;
    let admin = staff(&app, bs, Role::TenantAdmin).await;
    let desk = staff(&app, bs, Role::FrontDesk).await;
    let mut worker = app.signed_in(&responsible.email).await;
    let base = format!("/api/v1/t/{slug}");

    // A front-desk contact, then the person and the case from it.
    let mut front = app.signed_in(&desk.email).await;
    let contact = json!({"channel": "in_person", "area": "famiglia_minori", "age_band": "36-50", "gender": "female",
        "citizenship": "italian", "request_type": "contributi_economici", "outcome": "referred_social_service"});
    let c = front.post(&format!("{base}/contacts"), contact).await;
    assert_eq!(c.status, StatusCode::CREATED, "{:?}", c.body);
    let person = json!({"first_name": "Giulia", "last_name": "Ferrari", "birth_date": "1985-06-01", "sex": "F"});
    let pe = worker.post(&format!("{base}/persons"), person).await;
    assert_eq!(pe.status, StatusCode::CREATED, "{:?}", pe.body);
    let case = json!({"person_id": pe.body["id"], "area": "famiglia_minori", "contact_id": c.body["id"]});
    let r = worker.post(&format!("{base}/cases"), case).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!((r.body["status"].as_str(), r.body["person"]["last_name"].as_str()), (Some("open"), Some("Ferrari")));
    assert_eq!(r.body["members"][0]["user_id"], responsible.id);
    assert_eq!(r.body["members"][0]["responsible"], true);
    let c = front.get(&format!("{base}/contacts/{}", c.body["id"])).await;
    assert_eq!(c.body["outcome"], "case_opened", "the contact now says so");

    // Opening a case: field errors at once, nothing saved.
    let r = worker.post(&format!("{base}/cases"), json!({"area": "marte", "opened_on": "2999-01-01"})).await;
    assert_eq!(Reply::fields(&r), ["area", "opened_on", "person_id"]);
    let mut admin_c = app.signed_in(&admin.email).await;
    let r = admin_c.post(&format!("{base}/cases"), json!({"person_id": pe.body["id"], "area": "anziani"})).await;
    assert_eq!(Reply::fields(&r), ["responsible_id"], "a tenant admin names the responsible worker");
    let r = admin_c
        .post(
            &format!("{base}/cases"),
            json!({"person_id": pe.body["id"], "area": "anziani", "responsible_id": desk.id}),
        )
        .await;
    assert_eq!(Reply::fields(&r), ["responsible_id"], "the front desk cannot be responsible");
    assert_eq!(worker.get(&format!("{base}/cases")).await.body["total"], 1);

    // Sections: the responsible worker writes the ordinary ones; restricted ones need a grant.
    let one = format!("{base}/cases/{id}");
    for s in SECTIONS {
        let r =
            worker.put(&format!("{one}/sections/{}", s.code), json!({"version": 0, "entries": [sample(s.code)]})).await;
        let expected = if s.restricted { StatusCode::FORBIDDEN } else { StatusCode::OK };
        assert_eq!(r.status, expected, "{}: {:?}", s.code, r.body);
    }
    let r = worker.get(&format!("{one}/sections/socio_economic")).await;
    assert_eq!(r.body["entries"][0]["isee"], "8200.00", "amounts are stored in one form");
    assert_eq!(worker.get(&format!("{one}/sections/unknown")).await.status, StatusCode::NOT_FOUND);

    // Access: only a tenant admin decides it; the colleague gets the case, the
    // responsible worker the restricted sections.
    let access = json!({"responsible_id": responsible.id,
        "members": [{"user_id": responsible.id, "restricted": true}, {"user_id": colleague.id}]});
    assert_eq!(worker.put(&format!("{one}/access"), access.clone()).await.status, StatusCode::FORBIDDEN);
    let r = admin_c.put(&format!("{one}/access"), json!({"members": [{"user_id": desk.id}, {}]})).await;
    assert_eq!(Reply::fields(&r), ["members.0.user_id", "members.1.user_id", "responsible_id"]);
    let r = admin_c.put(&format!("{one}/access"), access).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["members"].as_array().unwrap().len(), 2);

    // The role × section matrix: who reads what.
    let mut colleague_c = app.signed_in(&colleague.email).await;
    let mut outsider_c = app.signed_in(&outsider.email).await;
    let mut province = app.signed_in(&app.user(p, Role::ProvinceAdmin).await).await;
    let mut analyst = app.signed_in(&app.user(p, Role::ProvinceAnalyst).await).await;
    let mut manager = app.signed_in(&app.user(bs, Role::FacilityManager).await).await;
    let mut third = app.signed_in(&app.user(bs, Role::ThirdSector).await).await;
    for s in SECTIONS {
        let uri = format!("{one}/sections/{}", s.code);
        let ordinary = |granted: bool| {
            if s.restricted && !granted {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            }
        };
        let seen = [
            ("responsible (granted)", worker.get(&uri).await.status, ordinary(true)),
            ("colleague", colleague_c.get(&uri).await.status, ordinary(false)),
            ("tenant admin", admin_c.get(&uri).await.status, ordinary(false)),
            ("worker not on the case", outsider_c.get(&uri).await.status, StatusCode::NOT_FOUND),
            ("front desk", front.get(&uri).await.status, StatusCode::FORBIDDEN),
            ("facility manager", manager.get(&uri).await.status, StatusCode::FORBIDDEN),
            // Reaches cases referred to them only (tests/referrals.rs): this one is not.
            ("third sector", third.get(&uri).await.status, StatusCode::NOT_FOUND),
            ("province admin", province.get(&uri).await.status, StatusCode::FORBIDDEN),
            ("province analyst", analyst.get(&uri).await.status, StatusCode::FORBIDDEN),
        ];
        for (who, got, want) in seen {
            assert_eq!(got, want, "{who} reading {}", s.code);
        }
    }
    assert_eq!(outsider_c.get(&one).await.status, StatusCode::NOT_FOUND);
    // The person of a case: for those who work on it (and the tenant admin) only; a person
    // nobody has taken in charge yet is there for every worker to find.
    let person = format!("{base}/persons/{}", pe.body["id"]);
    assert_eq!(outsider_c.get(&person).await.status, StatusCode::NOT_FOUND);
    assert_eq!(outsider_c.post(&format!("{base}/persons/search"), json!({"q": "ferrari"})).await.body["total"], 0);
    assert_eq!(colleague_c.get(&person).await.status, StatusCode::OK);
    assert_eq!(admin_c.get(&person).await.status, StatusCode::OK);
    let newcomer = worker.post(&format!("{base}/persons"), json!({"first_name": "Nuovo", "last_name": "Arrivo"})).await;
    let r = outsider_c.get(&format!("{base}/persons/{}", newcomer.body["id"])).await;
    assert_eq!(r.status, StatusCode::OK, "not yet taken in charge: {:?}", r.body);
    assert_eq!(outsider_c.get(&format!("{base}/cases")).await.body["total"], 0, "not in their list either");
    assert_eq!(colleague_c.get(&format!("{base}/cases")).await.body["total"], 1);
    assert_eq!(province.get(&one).await.status, StatusCode::FORBIDDEN);
    let r = colleague_c.get(&one).await;
    let readable: Vec<bool> =
        r.body["sections"].as_array().unwrap().iter().map(|s| s["readable"].as_bool().unwrap()).collect();
    assert_eq!(readable, SECTIONS.iter().map(|s| !s.restricted).collect::<Vec<_>>());
    assert_eq!(r.body["can_manage_access"], false);
    // Granted now, the responsible worker records a court order.
    let r = worker.put(&format!("{one}/sections/court"), json!({"version": 0, "entries": [sample("court")]})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);

    // Concurrent edits: the second save from the same copy is refused, not merged.
    let needs = format!("{one}/sections/needs");
    let r = colleague_c
        .put(&needs, json!({"version": 1, "entries": [sample("needs"), {"need": "work", "notes": "Cerca lavoro"}]}))
        .await;
    assert_eq!((r.status, r.body["version"].as_i64()), (StatusCode::OK, Some(2)), "{:?}", r.body);
    let r = worker.put(&needs, json!({"version": 1, "entries": [{"need": "care"}]})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("ricarica"), "{}", r.text);
    assert_eq!(Reply::fields(&worker.put(&needs, json!({"entries": []})).await), ["version"]);
    // Bad entries: every problem on its field, nothing saved.
    let bad = json!({"version": 2, "entries": [{"need": "boredom"}, {"need": "work", "mood": "sad"}]});
    assert_eq!(Reply::fields(&worker.put(&needs, bad).await), ["entries.0.need", "entries.1.mood"]);
    let bad = json!({"version": 1, "entries": [{"monthly_income": "-10", "isee_expiry": "domani"}]});
    let r = worker.put(&format!("{one}/sections/socio_economic"), bad).await;
    assert_eq!(Reply::fields(&r), ["entries.0.isee_expiry", "entries.0.monthly_income"]);
    assert!(r.text.contains("Importo non valido"), "{}", r.text);
    assert_eq!(worker.get(&needs).await.body["entries"].as_array().unwrap().len(), 2);

    // History: who changed which fields, newest first.
    let r = worker.get(&format!("{needs}/history")).await;
    let versions: Vec<i64> = r.body.as_array().unwrap().iter().map(|c| c["version"].as_i64().unwrap()).collect();
    assert_eq!(versions, [2, 1]);
    assert_eq!(r.body[0]["fields"], json!(["need", "notes"]));
    assert_eq!(r.body[0]["changed_by_name"], "Utente di prova");
    assert_eq!(colleague_c.get(&format!("{one}/sections/court/history")).await.status, StatusCode::FORBIDDEN);

    // Closing: not before it opened, with a reason; a stale copy is refused.
    let r = worker
        .put(
            &one,
            json!({"area": "famiglia_minori", "opened_on": "2026-01-10", "closed_on": "2025-12-31",
                                    "version": 1}),
        )
        .await;
    assert_eq!(Reply::fields(&r), ["closed_on", "closing_reason"]);
    let close = json!({"area": "famiglia_minori", "opened_on": "2026-01-10", "closed_on": "2026-02-01",
                       "closing_reason": "goals_reached", "version": 1});
    let r = worker.put(&one, close.clone()).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("closed")), "{:?}", r.body);
    assert_eq!(worker.put(&one, close).await.status, StatusCode::CONFLICT);
    let r = worker.put(&needs, json!({"version": 2, "entries": [{"need": "care"}]})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a closed case's record stays as it was");
    assert!(r.text.contains("chiusa"), "{}", r.text);

    // The list: filters and search by name in the body.
    let r = worker.get(&format!("{base}/cases?status=closed&mine=true")).await;
    assert_eq!(
        (r.body["total"].as_u64(), r.body["items"][0]["person_name"].as_str()),
        (Some(1), Some("Ferrari Giulia"))
    );
    assert_eq!(worker.get(&format!("{base}/cases?status=open")).await.body["total"], 0);
    assert_eq!(Reply::fields(&worker.get(&format!("{base}/cases?status=sleeping")).await), ["status"]);
    assert_eq!(colleague_c.post(&format!("{base}/cases/search"), json!({"q": "ferrari"})).await.body["total"], 1);
    assert_eq!(colleague_c.post(&format!("{base}/cases/search"), json!({"q": "rossi"})).await.body["total"], 0);
    assert_eq!(colleague_c.get(&format!("{base}/cases?mine=true")).await.body["total"], 0);

    // The staff pages and their server functions (form bodies, as a browser sends them).
    let reopen = "opened_on=2026-01-10&area=famiglia_minori&closed_on=&closing_reason=&version=2";
    let r = worker.server_fn("/sf/edit_case", &format!("id={id}&{reopen}")).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("open")), "{}", r.text);
    let r = worker.page(&format!("/cases/{id}")).await;
    assert!(r.text.contains("Ferrari Giulia") && r.text.contains(&format!("/cases/{id}/sections/needs")), "{}", r.text);
    let r = worker.page(&format!("/cases/{id}/sections/needs")).await;
    assert!(r.text.contains("entries[2][need]") && r.text.contains("Cerca lavoro"), "two entries and a blank one");
    let form = "section=needs&version=2&entries%5B0%5D%5Bneed%5D=housing&entries%5B1%5D%5Bneed%5D=work\
                &entries%5B1%5D%5B_remove%5D=on&entries%5B2%5D%5Bneed%5D=care&entries%5B2%5D%5Bnotes%5D=";
    let r = worker.server_fn("/sf/save_case_section", &format!("id={id}&{form}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let needs_now: Vec<&str> =
        r.body["entries"].as_array().unwrap().iter().map(|e| e["need"].as_str().unwrap()).collect();
    assert_eq!(needs_now, ["housing", "care"], "the removed entry is gone");
    let bad = "section=needs&version=3&entries%5B0%5D%5Bneed%5D=boredom";
    let r = worker.server_fn("/sf/save_case_section", &format!("id={id}&{bad}")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("entries.0.need"), "{}", r.text);
    let r = worker.get(&format!("{base}/cases?person_id={}", pe.body["id"])).await;
    assert_eq!(r.body["total"], 1, "{:?}", r.body);
    let page = worker.page(&format!("/persons/{}", pe.body["id"])).await;
    assert!(page.text.contains("person-cases") && page.text.contains(&format!("/cases/{id}")), "{}", page.text);
    let r = worker.server_fn("/sf/search_cases", "q=ferrari").await;
    assert_eq!(r.body["total"], 1, "{}", r.text);
    assert_eq!(worker.page("/cases?status=open&mine=true").await.status, StatusCode::OK);
    assert_eq!(outsider_c.server_fn("/sf/case_detail", &format!("id={id}")).await.status, StatusCode::NOT_FOUND);

    // The tenant admin reads the case's trail (the person's entries too); workers may not.
    let r = admin_c.get(&format!("{one}/audit")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let trail = r.body.as_array().unwrap();
    assert!(trail.iter().any(|e| e["object"] == "person" && e["action"] == "create"));
    assert!(trail.iter().any(|e| e["section"] == "court" && e["action"] == "update"));
    assert_eq!(worker.get(&format!("{one}/audit")).await.status, StatusCode::FORBIDDEN);
    let page = admin_c.page(&format!("/cases/{id}/audit")).await;
    assert!(page.text.contains("Registro degli accessi") && page.text.contains("Rapporti con l"), "{}", page.text);

    // Every access is audited, section by section, and the chain holds.
    let report = domain::audit::verify(&app.db, bs, None).await.unwrap();
    assert!(report.broken.is_none());
    let tx = domain::tenancy::TenantTx::for_operator(&app.db, bs).await.unwrap();
    let trail = domain::audit::trail(&tx, "case", id).await.unwrap();
    tx.commit().await.unwrap();
    let has = |user: i64, action: &str, section: Option<&str>| {
        trail.iter().any(|e| e.user_id == Some(user) && e.action == action && e.section.as_deref() == section)
    };
    assert!(has(responsible.id, "create", None));
    assert!(has(responsible.id, "update", Some("housing")));
    assert!(has(responsible.id, "update", Some("court")));
    assert!(has(admin.id, "update", Some("access")));
    assert!(has(admin.id, "read", Some("housing")), "a tenant admin's look is recorded too");
    assert!(has(colleague.id, "read", Some("needs")));
    assert!(!has(outsider.id, "read", Some("needs")), "a refused read is no access");
    assert!(!has(colleague.id, "read", Some("court")));
}

on_both!(cases_and_their_record);
