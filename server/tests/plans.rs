//! The work on a case: assessment, PAI with its status history and reviews (and the
//! reviews due on the worker's home), interventions with their cost and the case's total;
//! bad input on its fields, concurrent edits refused, rows of another case out of reach,
//! every access audited. Each on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::{Reply, TestApp};
use serde_json::json;
use types::{Lang, Role};

fn days_from_today(n: i64) -> String {
    (domain::clock::italian_date(Utc::now()) + Duration::days(n)).format("%Y-%m-%d").to_string()
}

async fn assessment_plan_and_interventions(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let email = app.user(bs, Role::SocialWorker).await;
    let mut worker = app.signed_in(&email).await;
    let mut outsider = app.signed_in(&app.user(bs, Role::SocialWorker).await).await;
    let base = format!("/api/v1/t/{slug}");
    let mut case_ids = vec![];
    for name in ["Rossi", "Verdi"] {
        let pe = worker.post(&format!("{base}/persons"), json!({"first_name": "Anna", "last_name": name})).await;
        let c = worker.post(&format!("{base}/cases"), json!({"person_id": pe.body["id"], "area": "anziani"})).await;
        assert_eq!(c.status, StatusCode::CREATED, "{:?}", c.body);
        case_ids.push(c.body["id"].as_i64().unwrap());
    }
    let one = format!("{base}/cases/{}", case_ids[0]);
    let other = format!("{base}/cases/{}", case_ids[1]);

    // Assessment.
    let r = worker.post(&format!("{one}/assessments"), json!({"problems": " ", "assessed_on": "2999-01-01"})).await;
    assert_eq!(Reply::fields(&r), ["assessed_on", "problems", "summary"]);
    let assessment = json!({"problems": "Non esce di casa; difficoltà nell'igiene personale",
        "resources": "Figlia presente nel fine settimana", "summary": "Parziale non autosufficienza",
        "proposals": "Assistenza domiciliare tre volte a settimana"});
    let r = worker.post(&format!("{one}/assessments"), assessment).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["author_name"], "Utente di prova");

    // PAI: a review in the past is refused; created "avviato", with its first status event.
    let plan = json!({"goals": "Restare a casa in sicurezza", "planned": "SAD 3 volte a settimana",
        "responsibilities": "Assistente sociale: verifica mensile; figlia: spesa", "next_review_on": days_from_today(-1)});
    assert_eq!(Reply::fields(&worker.post(&format!("{one}/plans"), plan.clone()).await), ["next_review_on"]);
    let mut plan = plan;
    plan["next_review_on"] = json!(days_from_today(7));
    let r = worker.post(&format!("{one}/plans"), plan.clone()).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::CREATED, Some("avviato")), "{:?}", r.body);
    let plan_id = r.body["id"].as_i64().unwrap();
    // The review falls due within two weeks: on the worker's home, not on anyone else's.
    let due = worker.get(&format!("{base}/reviews-due")).await;
    assert_eq!(due.body[0]["plan_id"], plan_id, "{:?}", due.body);
    assert_eq!(due.body[0]["person_name"], "Rossi Anna");
    assert_eq!(outsider.get(&format!("{base}/reviews-due")).await.body, json!([]));

    // Status changes are kept; a stale copy is refused.
    let mut edit = plan.clone();
    edit["status"] = json!("in_corso");
    edit["version"] = json!(1);
    let r = worker.put(&format!("{one}/plans/{plan_id}"), edit.clone()).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("in_corso")), "{:?}", r.body);
    assert_eq!(worker.put(&format!("{one}/plans/{plan_id}"), edit.clone()).await.status, StatusCode::CONFLICT);
    edit["status"] = json!("archiviato");
    edit["version"] = json!(2);
    assert_eq!(Reply::fields(&worker.put(&format!("{one}/plans/{plan_id}"), edit.clone()).await), ["status"]);
    edit["status"] = json!("sospeso");
    edit["status_note"] = json!("Ricovero ospedaliero");
    let r = worker.put(&format!("{one}/plans/{plan_id}"), edit).await;
    let statuses: Vec<&str> =
        r.body["events"].as_array().unwrap().iter().filter_map(|e| e["status"].as_str()).collect();
    assert_eq!(statuses, ["sospeso", "in_corso", "avviato"], "{:?}", r.body);
    assert_eq!(r.body["events"][0]["note"], "Ricovero ospedaliero");
    // A suspended plan's review is not due.
    assert_eq!(worker.get(&format!("{base}/reviews-due")).await.body, json!([]));
    // A review: dated, noted, next one not in the past.
    let review = json!({"notes": "Situazione stabile", "next_review_on": days_from_today(-3)});
    let r = worker.post(&format!("{one}/plans/{plan_id}/reviews"), review).await;
    assert_eq!(Reply::fields(&r), ["next_review_on"]);
    let review = json!({"notes": "Situazione stabile", "next_review_on": days_from_today(60)});
    let r = worker.post(&format!("{one}/plans/{plan_id}/reviews"), review).await;
    assert_eq!((r.status, r.body["events"][0]["kind"].as_str()), (StatusCode::CREATED, Some("review")));
    assert_eq!(r.body["next_review_on"], days_from_today(60));

    // Interventions: bad input on its fields, nothing saved.
    let bad = json!({"kind": "teleportation", "started_on": "2026-03-01", "ended_on": "2026-02-01",
        "cost": "-120", "quantity": "dieci", "funding": "lottery"});
    let r = worker.post(&format!("{one}/interventions"), bad).await;
    assert_eq!(Reply::fields(&r), ["cost", "ended_on", "funding", "kind", "quantity", "unit"]);
    assert!(r.text.contains("precedente alla data di inizio"), "{}", r.text);
    let sad = json!({"kind": "interventi_domiciliari", "description": "Igiene personale", "started_on": "2026-03-01",
        "quantity": "12,5", "unit": "hours", "cost": "281,25", "funding": "fna", "provider_name": "Coop. La Rete",
        "plan_id": plan_id});
    let r = worker.post(&format!("{one}/interventions"), sad.clone()).await;
    assert_eq!((r.status, r.body["quantity"].as_str()), (StatusCode::CREATED, Some("12.50")), "{:?}", r.body);
    let intervention_id = r.body["id"].as_i64().unwrap();
    let contributo = json!({"kind": "contributi_economici", "started_on": "2026-04-01", "cost": "1.500",
        "funding": "municipal"});
    assert_eq!(worker.post(&format!("{one}/interventions"), contributo).await.status, StatusCode::CREATED);
    // Another case's plan cannot be named.
    let mut stray = sad.clone();
    stray["plan_id"] = json!(plan_id);
    assert_eq!(Reply::fields(&worker.post(&format!("{other}/interventions"), stray).await), ["plan_id"]);
    // Ending it; a stale copy is refused.
    let mut end = sad.clone();
    end["ended_on"] = json!("2026-06-30");
    end["version"] = json!(1);
    let r = worker.put(&format!("{one}/interventions/{intervention_id}"), end.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(worker.put(&format!("{one}/interventions/{intervention_id}"), end).await.status, StatusCode::CONFLICT);

    // The case's work and its total: 281,25 + 1.500 €.
    let r = worker.get(&format!("{one}/work")).await;
    assert_eq!(r.body["total_cost_cents"], 178_125, "{:?}", r.body);
    assert_eq!(r.body["interventions"].as_array().unwrap().len(), 2);
    assert_eq!(r.body["assessments"][0]["summary"], "Parziale non autosufficienza");

    // The pages and server functions: the case page shows the work and its total; the
    // home page the review due.
    let form = format!("id={}&kind=prevenzione&started_on=2026-05-01&cost=0%2C75&quantity=&unit=", case_ids[0]);
    assert_eq!(worker.server_fn("/sf/record_intervention", &form).await.status, StatusCode::OK);
    let form = format!("id={}&kind=prevenzione&started_on=2026-05-01&cost=-1", case_ids[0]);
    let r = worker.server_fn("/sf/record_intervention", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let form = format!("id={}&goals=Secondo+progetto&next_review_on={}", case_ids[0], days_from_today(3));
    let r = worker.server_fn("/sf/save_plan", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let page = worker.page(&format!("/cases/{}", case_ids[0])).await;
    assert!(
        page.text.contains("1.782,00\u{a0}€") && page.text.contains("Parziale non autosufficienza"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Sospeso") && page.text.contains("Ricovero ospedaliero"), "the plan's history shows");
    let home = worker.page("/").await;
    let review_on = types::i18n::date(Lang::It, &days_from_today(3));
    assert!(home.text.contains("reviews-due") && home.text.contains(&review_on), "{}", home.text);

    // Rows of another case are out of reach through this one; the outsider sees nothing.
    assert_eq!(worker.put(&format!("{other}/plans/{plan_id}"), plan.clone()).await.status, StatusCode::NOT_FOUND);
    let r = worker.put(&format!("{other}/interventions/{intervention_id}"), sad.clone()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(outsider.get(&format!("{one}/work")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(outsider.post(&format!("{one}/assessments"), json!({})).await.status, StatusCode::NOT_FOUND);

    // A closed case is read-only.
    let close = json!({"area": "anziani", "opened_on": days_from_today(0), "closed_on": days_from_today(0),
        "closing_reason": "deceased", "version": 1});
    assert_eq!(worker.put(&other, close).await.status, StatusCode::OK);
    let r = worker.post(&format!("{other}/assessments"), json!({"problems": "x", "summary": "y"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Audited under the case, and the chain holds.
    assert!(domain::audit::verify(&app.db, bs, None).await.unwrap().broken.is_none());
    let tx = domain::tenancy::TenantTx::for_operator(&app.db, bs).await.unwrap();
    let trail = domain::audit::trail(&tx, "case", case_ids[0]).await.unwrap();
    tx.commit().await.unwrap();
    let sections: Vec<(String, String)> =
        trail.iter().map(|e| (e.action.clone(), e.section.clone().unwrap_or_default())).collect();
    for expected in [
        ("create", "assessment"),
        ("create", "plan"),
        ("update", "plan"),
        ("create", "interventions"),
        ("update", "interventions"),
        ("read", "work"),
    ] {
        assert!(sections.contains(&(expected.0.to_string(), expected.1.to_string())), "{expected:?} in {sections:?}");
    }
}

on_both!(assessment_plan_and_interventions);
