//! The public benefits API. A tenant's catalogue holds the national measures, its
//! ancestors' and its own — published entries with published rules only, nobody
//! else's. The evaluation is stateless, gives the same results as the engine run on the
//! catalogue the widget downloads, answers impossible input field by field, refuses
//! huge bodies and rate-limits a client. Each on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{scalar_i64, Reply, TestApp};
use domain::benefits::{install, install_national, COMUNE_BRESCIA, EMILIA_ROMAGNA, LOMBARDIA};
use domain::tenancy::{CatalogueOwner, CatalogueTx};
use eligibility::catalogue::Catalogue;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, Set};
use serde_json::{json, Value};

fn owners(r: &Reply) -> Vec<Value> {
    r.body["administrations"].as_array().unwrap().iter().map(|a| a["owner"].clone()).collect()
}

fn codes(r: &Reply, owner: usize) -> Vec<String> {
    let list = r.body["administrations"][owner]["benefits"].as_array().unwrap();
    list.iter().map(|b| b["code"].as_str().unwrap().to_string()).collect()
}

/// A family of four in Brescia with a low ISEE, renting: several national measures fit.
fn family() -> Value {
    json!({
        "household": {
            "isee": 9000, "isee_current": true, "residence_comune": "017029",
            "residence_years_italy": 12, "residence_continuous_years": 12, "residence_years_comune": 6,
            "housing_tenure": "rent", "monthly_rent": 550, "family_income": 5000,
            "movable_assets": 2000, "real_estate_assets": 0
        },
        "members": [
            {"relationship": "applicant", "age": 38, "citizenship": "italian", "employment": "unemployed"},
            {"relationship": "spouse", "age": 36, "citizenship": "italian", "employment": "employed"},
            {"relationship": "child", "age": 7},
            {"relationship": "child", "birth_date": "2025-09-01", "in_nursery": true}
        ]
    })
}

async fn catalogue_of_a_tenant(app: TestApp) {
    let p = app.province("Provincia di Brescia", "017").await;
    let (bs, bs_slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let (_, other_slug) = app.municipality(p, "Comune di Rezzato").await;
    let q = app.province("Città metropolitana di Bologna", "237").await;
    let p_slug = app.slug_of(p).await;
    let q_slug = app.slug_of(q).await;
    assert!(install_national(&app.db).await.unwrap());
    assert!(!install_national(&app.db).await.unwrap(), "installed once, then kept");
    install(&app.db, CatalogueOwner::Tenant(p), &LOMBARDIA).await.unwrap();
    install(&app.db, CatalogueOwner::Tenant(bs), &COMUNE_BRESCIA).await.unwrap();
    install(&app.db, CatalogueOwner::Tenant(q), &EMILIA_ROMAGNA).await.unwrap();
    let mut citizen = app.client();

    // Brescia: national, the province's (Lombardy's), its own; each with its rules.
    let r = citizen.get(&format!("/api/public/v1/{bs_slug}/benefits")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(owners(&r), [Value::Null, json!(p_slug), json!(bs_slug)]);
    assert_eq!(r.body["administrations"][0]["name"], "Misure nazionali");
    let national = codes(&r, 0);
    for code in ["assegno_inclusione", "assegno_unico", "bonus_sociale_energia", "assegno_maternita_comuni"] {
        assert!(national.contains(&code.to_string()), "{code} in {national:?}");
    }
    assert!(r.body["administrations"][2]["rules"]["benefits"].is_array());
    let first = &r.body["administrations"][0]["benefits"][0];
    for field in ["name", "summary", "who", "amount", "how_to_apply", "legal_reference", "level", "category"] {
        assert!(first[field].as_str().is_some_and(|s| !s.is_empty()), "{field} of {first}");
    }
    // Another comune of the province: not Brescia's; the other province: its own only.
    let r = citizen.get(&format!("/api/public/v1/{other_slug}/benefits")).await;
    assert_eq!(owners(&r), [Value::Null, json!(p_slug)]);
    let r = citizen.get(&format!("/api/public/v1/{q_slug}/benefits")).await;
    assert_eq!(owners(&r), [Value::Null, json!(q_slug)]);
    assert_eq!(citizen.get("/api/public/v1/nessuno/benefits").await.status, StatusCode::NOT_FOUND);

    // In English where the texts are.
    citizen.lang = Some("en");
    let r = citizen.get(&format!("/api/public/v1/{bs_slug}/benefits")).await;
    assert_eq!(r.body["administrations"][0]["name"], "National measures");
    let auu =
        r.body["administrations"][0]["benefits"].as_array().unwrap().iter().find(|b| b["code"] == "assegno_unico");
    assert!(auu.unwrap()["name"].as_str().unwrap().contains("allowance"), "{auu:?}");
    citizen.lang = None;

    // A draft entry and a rulebook never published are not offered; the change shows at once.
    let tx = CatalogueTx::for_operator(&app.db, CatalogueOwner::Shared).await.unwrap();
    tx.update_many::<entity::benefit::Entity>()
        .set(entity::benefit::ActiveModel { status: Set("draft".into()), ..Default::default() })
        .filter(entity::benefit::Column::Code.eq("assegno_unico"))
        .exec(tx.conn())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let tx = CatalogueTx::for_operator(&app.db, CatalogueOwner::Tenant(bs)).await.unwrap();
    tx.update_many::<entity::benefit_rulebook::Entity>()
        .set(entity::benefit_rulebook::ActiveModel { published: Set(None), ..Default::default() })
        .exec(tx.conn())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let r = citizen.get(&format!("/api/public/v1/{bs_slug}/benefits")).await;
    assert_eq!(owners(&r), [Value::Null, json!(p_slug)]);
    assert!(!codes(&r, 0).contains(&"assegno_unico".to_string()));

    // One owner's transaction reaches its own rows only.
    let tx = CatalogueTx::for_operator(&app.db, CatalogueOwner::Tenant(q)).await.unwrap();
    let rows = tx.select::<entity::benefit::Entity>().all(tx.conn()).await.unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|b| b.tenant_id == Some(q.0)));
    tx.commit().await.unwrap();
    if app.is_postgres() {
        // Row-level security: a tenant's transaction cannot touch the shared catalogue
        // or another tenant's, whatever its SQL says.
        let tx = CatalogueTx::for_operator(&app.db, CatalogueOwner::Tenant(bs)).await.unwrap();
        let done = tx
            .conn()
            .execute_unprepared("UPDATE benefit SET to_verify = false WHERE tenant_id IS NULL OR tenant_id <> 0")
            .await
            .unwrap();
        let owner = app.owner_connection().await;
        let own = scalar_i64(&owner, &format!("SELECT count(*) FROM benefit WHERE tenant_id = {}", bs.0)).await;
        assert_eq!(done.rows_affected(), own as u64);
        tx.commit().await.unwrap();
    }
}

async fn evaluation(app: TestApp) {
    let p = app.province("Provincia di Brescia", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    install_national(&app.db).await.unwrap();
    install(&app.db, CatalogueOwner::Tenant(p), &LOMBARDIA).await.unwrap();
    install(&app.db, CatalogueOwner::Tenant(bs), &COMUNE_BRESCIA).await.unwrap();
    let mut other_system = app.client();
    let url = format!("/api/public/v1/{slug}/benefits/evaluate");
    let audit_before = scalar_i64(&app.db, "SELECT count(*) FROM audit_entry").await;

    let r = other_system.post(&url, json!({"date": "2026-03-02", "answers": family()})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["date"], "2026-03-02");
    let results = r.body["results"].as_array().unwrap();
    let auu = results.iter().find(|x| x["benefit"]["code"] == "assegno_unico").unwrap();
    assert_eq!(auu["status"], "eligible", "{auu}");
    assert!(auu["amount"].as_f64().unwrap() > 0.0 && auu["per"] == "month");
    assert!(auu["reasons"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(results.iter().any(|x| x["owner"] == json!(slug)), "the comune's own measures are evaluated");

    // The same as the engine on the catalogue the widget downloads.
    let catalogue = other_system.get(&format!("/api/public/v1/{slug}/benefits")).await;
    let loaded = serde_json::from_value::<Catalogue>(catalogue.body).unwrap().load().unwrap();
    let answers: eligibility::Answers = serde_json::from_value(family()).unwrap();
    let date = eligibility::Date::parse("2026-03-02").unwrap();
    let local = loaded.evaluate(&answers.check().unwrap(), date, eligibility::Lang::It).unwrap();
    assert_eq!(serde_json::to_value(local).unwrap(), r.body["results"]);

    // Nothing known: every benefit is "can't tell" or refused, and says what it needs.
    let r = other_system.post(&url, json!({"date": "2026-03-02", "answers": {}})).await;
    assert_eq!(r.status, StatusCode::OK);
    let results = r.body["results"].as_array().unwrap();
    assert!(results.iter().all(|x| x["status"] != "eligible"));
    assert!(results.iter().any(|x| x["missing"].as_array().is_some_and(|m| !m.is_empty())));

    // Impossible answers, by field, in the caller's language; nothing stored.
    let bad = json!({"answers": {
        "household": {"isee": -5, "colour": "blu", "housing_tenure": "castle"},
        "members": [{"age": 300}, {"birth_date": "2026-02-30"}]
    }});
    let r = other_system.post(&url, bad.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert_eq!(
        Reply::fields(&r),
        [
            "answers.household.colour",
            "answers.household.housing_tenure",
            "answers.household.isee",
            "answers.members.0.age",
            "answers.members.1.birth_date"
        ]
    );
    assert!(r.text.contains("Valore fuori dall'intervallo possibile"), "{}", r.text);
    other_system.lang = Some("en");
    let r = other_system.post(&url, bad).await;
    assert!(r.text.contains("Value outside the possible range"), "{}", r.text);
    other_system.lang = None;
    for (date, text) in [("2026-13-01", "AAAA-MM-GG"), ("1990-01-01", "non hanno valori per il 1990-01-01")] {
        let r = other_system.post(&url, json!({"date": date, "answers": family()})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{date}");
        assert_eq!(Reply::fields(&r), ["date"]);
        assert!(r.text.contains(text), "{}", r.text);
    }
    let r = other_system.post(&url, json!({"answers": {"members": []}})).await;
    assert_eq!(Reply::fields(&r), ["answers.members"]);
    let r = other_system.post_bytes(&url, b"{\"answers\": ".to_vec(), "application/json").await;
    assert_eq!((r.status, Reply::fields(&r)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["body".to_string()]));
    let huge = format!("{{\"answers\": {{\"household\": {{\"note\": \"{}\"}}}}}}", "x".repeat(64 * 1024));
    let r = other_system.post_bytes(&url, huge.into_bytes(), "application/json").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("troppo grande"), "{}", r.text);
    assert_eq!(
        other_system.post("/api/public/v1/nessuno/benefits/evaluate", json!({"answers": {}})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(scalar_i64(&app.db, "SELECT count(*) FROM audit_entry").await, audit_before);

    // Any site may call it (no cookies are involved); the preflight says so.
    let req = Request::builder()
        .method(Method::POST)
        .uri(&url)
        .header(header::ORIGIN, "https://portale.example.org")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"answers": {}}).to_string()))
        .unwrap();
    let r = other_system.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let req = Request::builder()
        .method(Method::OPTIONS)
        .uri(&url)
        .header(header::ORIGIN, "https://portale.example.org")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap();
    let r = other_system.send(req).await;
    assert!(r.status.is_success(), "{:?}", r.status);
}

#[tokio::test]
async fn catalogue_of_a_tenant_sqlite() {
    catalogue_of_a_tenant(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn catalogue_of_a_tenant_postgres() {
    if let Some(app) = TestApp::postgres().await {
        catalogue_of_a_tenant(app).await;
    }
}

#[tokio::test]
async fn evaluation_sqlite() {
    evaluation(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn evaluation_postgres() {
    if let Some(app) = TestApp::postgres().await {
        evaluation(app).await;
    }
}

/// A client gets its burst, then 429 with a translated message; the catalogue (cached
/// GETs) is not limited.
#[tokio::test]
async fn evaluations_are_rate_limited_per_client() {
    let app = TestApp::sqlite().await;
    let p = app.province("Provincia di Brescia", "017").await;
    let (_, slug) = app.municipality(p, "Comune di Brescia").await;
    install_national(&app.db).await.unwrap();
    let mut client = app.client();
    let url = format!("/api/public/v1/{slug}/benefits/evaluate");
    for _ in 0..server::state::EVALUATIONS_BURST {
        assert_eq!(client.post(&url, json!({"answers": {}})).await.status, StatusCode::OK);
    }
    let r = client.post(&url, json!({"answers": {}})).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.body["code"], "too_many_requests");
    assert!(r.text.contains("Troppe richieste"), "{}", r.text);
    assert_eq!(client.get(&format!("/api/public/v1/{slug}/benefits")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_catalogue_is_in_the_openapi_document() {
    let app = TestApp::sqlite().await;
    let doc = app.client().get("/api/openapi.json").await.body;
    assert!(doc["paths"]["/api/public/v1/{tenant}/benefits"]["get"].is_object());
    assert!(doc["paths"]["/api/public/v1/{tenant}/benefits/evaluate"]["post"].is_object());
}

/// A form body for a server function.
fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

/// The shipped Brescia rules with one more benefit, `bs_prova`: 100 € a month up to an
/// ISEE of 10 000 €.
fn rules_with_a_new_benefit() -> String {
    let mut rules: Value = serde_json::from_str(COMUNE_BRESCIA.rules).unwrap();
    rules["benefits"].as_array_mut().unwrap().push(json!({
        "id": "bs_prova", "eligible_if": {"fact": "isee", "op": "<=", "value": 10000},
        "amount": {"per": "month", "value": 100}
    }));
    serde_json::to_string_pretty(&rules).unwrap()
}

/// The shipped Brescia test cases plus `extra` cases.
fn tests_with(extra: &[Value]) -> String {
    let mut tests: Value = serde_json::from_str(COMUNE_BRESCIA.tests).unwrap();
    tests["tests"].as_array_mut().unwrap().extend(extra.iter().cloned());
    serde_json::to_string_pretty(&tests).unwrap()
}

fn prova_case(isee: u32, status: &str) -> Value {
    json!({"name": format!("Prova, ISEE {isee}"), "date": "2026-03-01",
           "answers": {"household": {"isee": isee}}, "expect": {"bs_prova": {"status": status}}})
}

fn public_codes(r: &Reply) -> Vec<String> {
    let mut all = vec![];
    for a in r.body["administrations"].as_array().unwrap() {
        all.extend(a["benefits"].as_array().unwrap().iter().map(|b| b["code"].as_str().unwrap().to_string()));
    }
    all
}

fn entry_form(id: Option<&str>, version: &str, code: &str, name: &str, year: &str) -> String {
    let mut pairs = vec![];
    if let Some(id) = id {
        pairs.push(("id", id));
    }
    pairs.extend([
        ("shared", "false"),
        ("version", version),
        ("code", code),
        ("level", "municipality"),
        ("category", "income_support"),
        ("to_verify", "true"),
        ("figures_year", year),
        ("name_it", name),
        ("name_en", "Trial grant"),
        ("summary_it", "Un contributo di prova."),
        ("summary_en", ""),
        ("who_it", "Famiglie con ISEE fino a 10 000 €."),
        ("amount_it", "100 € al mese."),
        ("how_to_apply_it", "Allo sportello sociale."),
        ("apply_url", "https://www.comune.brescia.it/prova"),
        ("legal_reference", "Delibera di prova"),
    ]);
    form(&pairs)
}

/// A tenant admin edits the rules and their test cases (a broken draft is saved and its
/// line named, never published), publishes them once every case passes, then writes,
/// publishes and retires an entry; citizens see each step at once. Stale editors,
/// other roles and the shared catalogue are refused; the province admin keeps that.
async fn staff_keep_their_catalogue(app: TestApp) {
    let p = app.province("Provincia di Brescia", "017").await;
    let (bs, bs_slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    install_national(&app.db).await.unwrap();
    install(&app.db, CatalogueOwner::Tenant(bs), &COMUNE_BRESCIA).await.unwrap();
    let mut admin = app.signed_in(&app.user(bs, types::Role::TenantAdmin).await).await;
    let mut citizen = app.client();
    let public = format!("/api/public/v1/{bs_slug}/benefits");

    let c = admin.server_fn("/sf/benefit_catalogue", "shared=false").await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.body["owner_name"], "Comune di Brescia");
    assert_eq!(c.body["can_manage_shared"], false);
    assert_eq!(c.body["rulebook"]["version"], 1);
    assert!(c.body["check"]["error"].is_null() && c.body["check"]["failures"].as_array().unwrap().is_empty());
    assert_eq!(c.body["entries"].as_array().unwrap().len(), 2);

    // A broken draft is kept, with its line; citizens still get the published rules.
    let broken = COMUNE_BRESCIA.rules.replacen("\"parameters\": {", "\"parameters\": {,", 1);
    let r = admin
        .server_fn(
            "/sf/save_benefit_rules",
            &form(&[("shared", "false"), ("version", "1"), ("draft", &broken), ("tests", COMUNE_BRESCIA.tests)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["version"], 2);
    assert!(r.body["error"].as_str().unwrap().starts_with("riga 2"), "{}", r.body["error"]);
    let c = admin.server_fn("/sf/benefit_catalogue", "shared=false").await;
    assert_eq!(c.body["rulebook"]["draft"], broken.as_str(), "the broken draft is not lost");
    assert_eq!(c.body["rulebook"]["unpublished_changes"], true);
    let r = admin.server_fn("/sf/publish_benefit_rules", "shared=false&version=2").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.fields(), ["draft"]);
    assert!(public_codes(&citizen.get(&public).await).contains(&"brescia_trasporto_sociale".to_string()));
    // An editor still on version 1 cannot overwrite version 2.
    let r = admin
        .server_fn(
            "/sf/save_benefit_rules",
            &form(&[
                ("shared", "false"),
                ("version", "1"),
                ("draft", COMUNE_BRESCIA.rules),
                ("tests", COMUNE_BRESCIA.tests),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    // A new benefit without cases, then with a wrong case: checked, not publishable.
    let rules = rules_with_a_new_benefit();
    let save = |version: &str, tests: &str| {
        form(&[("shared", "false"), ("version", version), ("draft", &rules), ("tests", tests)])
    };
    let r = admin.server_fn("/sf/save_benefit_rules", &save("2", COMUNE_BRESCIA.tests)).await;
    assert_eq!(r.body["untested"], json!(["bs_prova"]), "{}", r.text);
    let wrong = tests_with(&[prova_case(9000, "eligible"), prova_case(12000, "eligible")]);
    let r = admin.server_fn("/sf/save_benefit_rules", &save("3", &wrong)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let failures = r.body["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0]["test"], "Prova, ISEE 12000");
    assert!(failures[0]["message"].as_str().unwrap().starts_with("atteso «ammesso», risulta «non ammesso»"));
    assert_eq!(
        admin.server_fn("/sf/publish_benefit_rules", "shared=false&version=4").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let right =
        tests_with(&[prova_case(9000, "eligible"), prova_case(12000, "not_eligible"), prova_case(10000, "eligible")]);
    let r = admin.server_fn("/sf/save_benefit_rules", &save("4", &right)).await;
    assert!(
        r.body["failures"].as_array().unwrap().is_empty() && r.body["untested"].as_array().unwrap().is_empty(),
        "{}",
        r.text
    );
    let r = admin.server_fn("/sf/publish_benefit_rules", "shared=false&version=5").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // The entry: field errors in Italian, the typed text kept by the page; then a draft
    // citizens do not see until it is published, and no longer once retired.
    let r = admin.server_fn("/sf/save_benefit_entry", &entry_form(None, "0", "nessuna", "", "duemila")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.fields(), ["figures_year"]);
    let r = admin.server_fn("/sf/save_benefit_entry", &entry_form(None, "0", "nessuna", "", "2026")).await;
    assert_eq!(r.fields(), ["code", "name_it"], "{}", r.text);
    assert!(r.text.contains("Campo obbligatorio"), "{}", r.text);
    let r = admin
        .server_fn("/sf/save_benefit_entry", &entry_form(None, "0", "brescia_trasporto_sociale", "Doppione", "2026"))
        .await;
    assert_eq!(r.fields(), ["code"], "one entry per benefit: {}", r.text);
    let r = admin
        .server_fn("/sf/save_benefit_entry", &entry_form(None, "0", "bs_prova", "Contributo di prova", "2026"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "draft");
    assert_eq!(r.body["summary_en"], Value::Null, "a blank translation is absent");
    let id = r.body["id"].as_i64().unwrap().to_string();
    assert!(!public_codes(&citizen.get(&public).await).contains(&"bs_prova".to_string()));
    let r = admin.server_fn("/sf/set_benefit_status", &format!("id={id}&shared=false&status=published")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = citizen.get(&public).await;
    let prova =
        r.body["administrations"][1]["benefits"].as_array().unwrap().iter().find(|b| b["code"] == "bs_prova").cloned();
    assert_eq!(prova.unwrap()["name"], "Contributo di prova");
    let r = admin
        .server_fn("/sf/save_benefit_entry", &entry_form(Some(&id), "2", "bs_prova", "Contributo rinominato", "2026"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = admin
        .server_fn("/sf/save_benefit_entry", &entry_form(Some(&id), "2", "bs_prova", "Da una copia vecchia", "2026"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = admin.server_fn("/sf/set_benefit_status", &format!("id={id}&shared=false&status=sospesa")).await;
    assert_eq!(r.fields(), ["status"]);
    // The evaluation for other systems sees each change at once too.
    let evaluate = format!("/api/public/v1/{bs_slug}/benefits/evaluate");
    let poor = json!({"date": "2026-03-01", "answers": {"household": {"isee": 5000}}});
    let evaluated = |r: &Reply| -> Vec<String> {
        let results = r.body["results"].as_array().unwrap();
        results.iter().map(|b| b["benefit"]["code"].as_str().unwrap().to_string()).collect()
    };
    let r = citizen.post(&evaluate, poor.clone()).await;
    assert!(evaluated(&r).contains(&"bs_prova".to_string()), "evaluated: {:?}", evaluated(&r));
    admin.server_fn("/sf/set_benefit_status", &format!("id={id}&shared=false&status=retired")).await;
    assert!(!public_codes(&citizen.get(&public).await).contains(&"bs_prova".to_string()));
    let r = citizen.post(&evaluate, poor).await;
    assert!(!evaluated(&r).contains(&"bs_prova".to_string()), "a retired entry is evaluated no more");

    // Publishing rules that drop a published entry's benefit is refused.
    let r = admin
        .server_fn(
            "/sf/save_benefit_rules",
            &form(&[
                ("shared", "false"),
                ("version", "5"),
                ("draft", &rules.replace("brescia_trasporto_sociale", "altro")),
                ("tests", &right),
            ]),
        )
        .await;
    assert_eq!(r.body["orphaned"], json!(["brescia_trasporto_sociale"]), "{}", r.text);

    // Other roles, and the shared catalogue for a tenant admin: refused.
    let mut worker = app.signed_in(&app.user(bs, types::Role::SocialWorker).await).await;
    assert_eq!(worker.server_fn("/sf/benefit_catalogue", "shared=false").await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.server_fn("/sf/benefit_catalogue", "shared=true").await.status, StatusCode::FORBIDDEN);

    // A province admin alone does not keep the national catalogue: with several provinces
    // on one deployment, that is a duty the operator names.
    let province_admin = app.user(p, types::Role::ProvinceAdmin).await;
    let mut province = app.signed_in(&province_admin).await;
    let c = province.server_fn("/sf/benefit_catalogue", "shared=false").await;
    assert_eq!(c.body["can_manage_shared"], false, "{}", c.text);
    assert_eq!(province.server_fn("/sf/benefit_catalogue", "shared=true").await.status, StatusCode::FORBIDDEN);
    // The keeper does: retiring a measure removes it from every tenant's checker.
    domain::users::set_catalogue_keeper(&app.db, &province_admin, true).await.unwrap();
    let c = province.server_fn("/sf/benefit_catalogue", "shared=true").await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.body["can_manage_shared"], true);
    let assegno = c.body["entries"].as_array().unwrap().iter().find(|e| e["code"] == "assegno_unico").unwrap();
    let r =
        province.server_fn("/sf/set_benefit_status", &format!("id={}&shared=true&status=retired", assegno["id"])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!public_codes(&citizen.get(&public).await).contains(&"assegno_unico".to_string()));
    // Its own catalogue is empty (nothing installed) and names no Brescia entry.
    let c = province.server_fn("/sf/benefit_catalogue", "shared=false").await;
    assert_eq!(c.body["entries"], json!([]));
    assert_eq!(c.body["rulebook"]["version"], 0);
    // Brescia's entry, named by id in the province's own catalogue: not found.
    let r = province.server_fn("/sf/benefit_entry", &format!("id={id}&shared=false")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn staff_keep_their_catalogue_sqlite() {
    staff_keep_their_catalogue(TestApp::sqlite().await).await;
}

#[tokio::test]
async fn staff_keep_their_catalogue_postgres() {
    if let Some(app) = TestApp::postgres().await {
        staff_keep_their_catalogue(app).await;
    }
}
