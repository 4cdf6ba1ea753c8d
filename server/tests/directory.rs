//! The facility directory: staff editing and its permissions, field history, the CSV
//! importer on the real Regione Lombardia register, and the public API's filters,
//! distance ordering, caching and errors — each on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{scalar_i64, Client, TestApp};
use serde_json::{json, Value};
use types::{Role, TenantId, TenantKind};

const RSA: &[u8] = include_bytes!("../../reference-data/lombardia-rsa/lombardia-rsa.csv");

fn day_centre() -> Value {
    json!({
        "name": "CDD Il Girasole",
        "facility_type": "cdd",
        "areas": ["disabili"],
        "setting": "day",
        "description": "Centro diurno per persone con disabilità grave.",
        "age_min": 18,
        "age_max": 65,
        "hours": {"weekly": [{"weekday": 1, "opens": "08:30", "closes": "16:30"}],
                  "exceptions": [{"date": "2026-12-25", "closed": true}]},
        "phone": "030 1234567",
        "email": "Info@Girasole.example.it",
        "languages": ["it", "en"],
        "address": "Via Milano 10",
        "postal_code": "25126",
        "comune": "017029",
        "latitude": 45.5436,
        "longitude": 10.2011,
        "places_authorised": 30,
        "places_accredited": 30,
        "places_free": 2,
        "accreditation": "accredited"
    })
}

fn fields(r: &common::Reply) -> Vec<String> {
    r.body["fields"]
        .as_array()
        .map_or_else(Vec::new, |a| a.iter().map(|f| f["field"].as_str().unwrap().to_string()).collect())
}

async fn staff_edit_history_and_publication(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, bs_slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let p_slug = app.slug_of(p).await;
    let mut admin = app.signed_in(&app.user(bs, Role::TenantAdmin).await).await;
    let base = format!("/api/v1/t/{bs_slug}/facilities");

    let created = admin.post(&base, day_centre()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.body["facility"]["id"].as_i64().unwrap();
    assert_eq!(created.body["published"], false);
    assert_eq!(created.body["stale"], false);
    assert_eq!(created.body["facility"]["email"], "info@girasole.example.it");
    assert_eq!(created.body["facility"]["comune"]["name"], "Brescia");
    assert_eq!(created.body["facility"]["places"]["occupied"], 28);
    assert_eq!(created.body["facility"]["facility_type"]["label"], "Centro diurno disabili (CDD)");

    // A draft is not public.
    let mut public = app.client();
    let list = public.get(&format!("/api/public/v1/{bs_slug}/facilities")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["total_items"], 0);
    assert_eq!(public.get(&format!("/api/public/v1/{bs_slug}/facilities/{id}")).await.status, StatusCode::NOT_FOUND);

    // Published: visible in the municipality's and the province's directory.
    let r = admin.put(&format!("{base}/{id}/state"), json!({"published": true})).await;
    assert_eq!(r.body["published"], true);
    let list = public.get(&format!("/api/public/v1/{bs_slug}/facilities")).await;
    assert_eq!(list.body["total_items"], 1);
    let list = public.get(&format!("/api/public/v1/{p_slug}/facilities?q=girasole")).await;
    assert_eq!(list.body["items"][0]["id"], id);
    let one = public.get(&format!("/api/public/v1/{bs_slug}/facilities/{id}")).await;
    assert_eq!(one.body["hours"]["weekly"][0]["opens"], "08:30");
    assert!(one.body.get("published").is_none(), "editorial state is staff-only");

    // Edits are recorded field by field, with who made them.
    let mut changed = day_centre();
    changed["name"] = json!("CDD Il Girasole – sede di Via Milano");
    changed["places_free"] = json!(0);
    let r = admin.put(&format!("{base}/{id}"), changed).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["facility"]["places"]["free"], 0);
    let history = admin.get(&format!("{base}/{id}/history")).await;
    let rows = history.body.as_array().unwrap();
    let name_change = rows.iter().find(|c| c["field"] == "name").expect("name change recorded");
    assert_eq!(name_change["old_value"], "CDD Il Girasole");
    assert_eq!(name_change["new_value"], "CDD Il Girasole – sede di Via Milano");
    assert_eq!(name_change["changed_by"], "Utente di prova");
    assert!(rows.iter().any(|c| c["field"] == "places_free" && c["old_value"] == "2" && c["new_value"] == "0"));
    assert!(rows.iter().any(|c| c["field"] == "published" && c["new_value"] == "true"));
    assert!(rows.iter().any(|c| c["field"] == "created"));

    // Other staff roles read the directory but cannot change it.
    let mut worker = app.signed_in(&app.user(bs, Role::SocialWorker).await).await;
    assert_eq!(worker.get(&base).await.body["total_items"], 1);
    assert_eq!(worker.put(&format!("{base}/{id}"), day_centre()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(worker.post(&base, day_centre()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(worker.get(&format!("{base}/{id}/history")).await.status, StatusCode::FORBIDDEN);
    // Province staff see it from the province, drafts included, and may edit it in place.
    let mut province_admin = app.signed_in(&app.user(p, Role::ProvinceAdmin).await).await;
    let all = province_admin.get(&format!("/api/v1/t/{p_slug}/facilities?status=all")).await;
    assert_eq!(all.body["total_items"], 1);
    assert_eq!(all.body["items"][0]["facility"]["tenant"]["slug"], bs_slug.as_str());
    let r = province_admin.put(&format!("{base}/{id}"), day_centre()).await;
    assert_eq!(r.status, StatusCode::OK);

    // Exports of the filtered list.
    let csv = admin.get(&format!("{base}/export.csv?q=girasole")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text.starts_with('\u{feff}'), "CSV starts with a BOM for Excel");
    assert!(csv.text.contains("Nome;Tipologia;"), "{}", csv.text);
    assert!(csv.text.contains("CDD Il Girasole"));
    let none = admin.get(&format!("{base}/export.csv?q=nessuna")).await;
    assert_eq!(none.text.lines().count(), 1, "header only");
    let req = Request::builder()
        .uri(format!("{base}/export.xlsx"))
        .header(header::COOKIE, admin.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().contains(".xlsx"));
    let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip file");
    assert_eq!(admin.get(&format!("{base}/export.csv?per_page=0")).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Archived: gone from the public directory and from the default staff list.
    admin.put(&format!("{base}/{id}/state"), json!({"archived": true})).await;
    assert_eq!(public.get(&format!("/api/public/v1/{bs_slug}/facilities/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(admin.get(&base).await.body["total_items"], 0);
    assert_eq!(admin.get(&format!("{base}?status=archived")).await.body["total_items"], 1);
}

async fn staff_form_creates_and_edits(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, _slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let mut admin = app.signed_in(&app.user(bs, Role::TenantAdmin).await).await;
    // The editor page is its own route, not a facility called "new".
    let page = admin.page("/facilities/new").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("name=\"form[name]\""), "no form on /facilities/new");
    let form = "form[name]=Sportello+sociale+di+Brescia&form[facility_type]=sportello_sociale\
        &form[areas][multiutenza]=on&form[areas][anziani]=on&form[setting]=service_point\
        &form[hours]=lun-ven+9-12%0Agio+14-17&form[address]=Piazza+della+Loggia+1&form[comune]=017029\
        &form[latitude]=45%2C5397&form[longitude]=10.2196&form[languages]=it%2C+en&form[places_free]=";
    let r = admin.server_fn("/sf/save_facility", form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.body["facility"]["id"].as_i64().unwrap();
    assert_eq!(r.body["facility"]["areas"], json!(["anziani", "multiutenza"]));
    assert_eq!(r.body["facility"]["latitude"], 45.5397);
    assert_eq!(r.body["facility"]["hours"]["weekly"].as_array().unwrap().len(), 6);
    assert_eq!(r.body["facility"]["languages"], json!(["it", "en"]));
    // Typing mistakes come back on their fields, all at once.
    let bad = format!("id={id}&{}", form.replace("45%2C5397", "nord").replace("lun-ven+9-12", "lunedi+mattina"));
    let r = admin.server_fn("/sf/save_facility", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(fields(&r), ["latitude", "hours"]);
    // A correct edit is saved and recorded.
    let edit = format!("id={id}&{}", form.replace("Sportello+sociale+di+Brescia", "Sportello+sociale+-+Loggia"));
    let r = admin.server_fn("/sf/save_facility", &edit).await;
    assert_eq!(r.body["facility"]["name"], "Sportello sociale - Loggia");
    let page = admin.page(&format!("/facilities/{id}/edit")).await;
    assert!(page.text.contains("Sportello sociale - Loggia"));
}

async fn bad_facility_input_is_refused_field_by_field(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, bs_slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let mut admin = app.signed_in(&app.user(bs, Role::TenantAdmin).await).await;
    let base = format!("/api/v1/t/{bs_slug}/facilities");
    let mut bad = day_centre();
    bad["name"] = json!("  ");
    bad["facility_type"] = json!("casa-di-cura");
    bad["areas"] = json!(["anziani", "astronauti"]);
    bad["latitude"] = json!(100.0);
    bad["places_authorised"] = json!(-1);
    bad["places_free"] = json!(5);
    bad["hours"] = json!({"weekly": [{"weekday": 8, "opens": "25:00", "closes": "10:00"}]});
    bad["postal_code"] = json!("2512");
    bad["website"] = json!("javascript:alert(1)");
    let r = admin.post(&base, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let f = fields(&r);
    for expected in
        ["name", "facility_type", "areas", "latitude", "places_authorised", "hours", "postal_code", "website"]
    {
        assert!(f.contains(&expected.to_string()), "{expected} missing from {f:?}");
    }
    let lat = r.body["fields"].as_array().unwrap().iter().find(|x| x["field"] == "latitude").unwrap();
    // In the signed-in user's language (Italian by default).
    assert_eq!(lat["message"], "Latitudine non valida: un numero tra -90 e 90.");

    // A comune outside the tenant, or unknown.
    let mut elsewhere = day_centre();
    elsewhere["comune"] = json!("017161");
    let r = admin.post(&base, elsewhere).await;
    assert_eq!(fields(&r), ["comune"]);
    let mut unknown = day_centre();
    unknown["comune"] = json!("999999");
    assert_eq!(fields(&admin.post(&base, unknown).await), ["comune"]);
    // Nothing was stored by any of these.
    assert_eq!(admin.get(&base).await.body["total_items"], 0);
    // Malformed JSON and wrong types: 422, never 500.
    let r = admin.request(Method::POST, &base, Some(Body::from("{\"name\": 3")), "application/json").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin.post(&base, json!({"name": "x", "latitude": "north"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The Provincia di Brescia as in the demo: Ambito 1 (Brescia, Collebeato) and the
/// municipality tenants of Gussago and Rezzato; returns (province slug, admin client).
async fn brescia(app: &TestApp) -> (String, Client) {
    app.load_comuni().await;
    let p = app.province("Provincia di Brescia", "017").await;
    let email = app.user(p, Role::ProvinceAdmin).await;
    let user = domain::users::user_by_email(&app.db, &email).await.unwrap();
    let slug = app.slug_of(p).await;
    let ctx = domain::TenantContext::resolve(&app.db, user, &slug).await.unwrap();
    let zone =
        types::dto::ZoneIn { name: "Ambito 1 – Brescia".into(), comuni: vec!["017029".into(), "017057".into()] };
    domain::tenants::create_zone(&app.db, &ctx, zone).await.unwrap();
    for istat in ["017081", "017161"] {
        let m = types::dto::MunicipalityIn { istat_code: istat.into() };
        domain::tenants::create_municipality(&app.db, &ctx, m).await.unwrap();
    }
    (slug, app.signed_in(&email).await)
}

async fn tenant_slug(app: &TestApp, kind: TenantKind, istat: &str) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::tenant::Entity::find()
        .filter(entity::tenant::Column::Kind.eq(kind.code()))
        .filter(entity::tenant::Column::IstatCode.eq(istat))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .slug
}

async fn importer_reads_the_real_register(app: TestApp) {
    let (slug, mut admin) = brescia(&app).await;
    let import = format!("/api/v1/t/{slug}/facilities/import?preset=lombardia-rsa");

    // Rows of other provinces are reported, and then nothing is written.
    let r = admin.post_bytes(&import, RSA.to_vec(), "text/csv").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["rows"], 740);
    assert_eq!(r.body["applied"], false);
    assert_eq!(r.body["issues"].as_array().unwrap().len(), 740 - 105);
    assert_eq!(r.body["issues"][0]["line"], 2);
    assert_eq!(r.body["issues"][0]["field"], "COD_ISTAT_COMUNE_UBICAZIONE");
    // Dry run of Brescia's part.
    let r = admin.post_bytes(&format!("{import}&skip_outside=true"), RSA.to_vec(), "text/csv").await;
    assert_eq!((r.body["created"].as_u64(), r.body["skipped"].as_u64()), (Some(105), Some(635)));
    assert_eq!(r.body["applied"], false);
    let everything = format!("/api/v1/t/{slug}/facilities?status=all");
    assert_eq!(admin.get(&everything).await.body["total_items"], 0, "a dry run writes nothing");

    // For real: once, then again with nothing to change.
    let apply = format!("{import}&skip_outside=true&dry_run=false");
    let r = admin.post_bytes(&apply, RSA.to_vec(), "text/csv").await;
    assert_eq!(r.body["applied"], true, "{:?}", r.body);
    assert_eq!(r.body["created"], 105);
    let per_tenant: Vec<(String, u64)> = r.body["by_tenant"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["slug"].as_str().unwrap().to_string(), t["rows"].as_u64().unwrap()))
        .collect();
    let gussago = tenant_slug(&app, TenantKind::Municipality, "017081").await;
    let rezzato = tenant_slug(&app, TenantKind::Municipality, "017161").await;
    assert!(per_tenant.contains(&(gussago.clone(), 1)), "{per_tenant:?}");
    assert!(per_tenant.contains(&(rezzato.clone(), 2)), "{per_tenant:?}");
    // Brescia city has no municipality tenant here: its 15 RSA and Collebeato's one go to their ambito.
    assert!(per_tenant.iter().any(|(s, n)| s.starts_with("ambito-1") && *n == 16), "{per_tenant:?}");
    assert_eq!(per_tenant.iter().map(|(_, n)| n).sum::<u64>(), 105);
    let again = admin.post_bytes(&apply, RSA.to_vec(), "text/csv").await;
    assert_eq!((again.body["created"].as_u64(), again.body["unchanged"].as_u64()), (Some(0), Some(105)));

    // A known row, as the public sees it.
    let mut public = app.client();
    let r = public.get(&format!("/api/public/v1/{slug}/facilities?q=richiedei")).await;
    assert_eq!(r.body["total_items"], 1);
    let f = &r.body["items"][0];
    assert_eq!(f["name"], "RSA - FONDAZIONE \"OSPEDALE E CASA DI RIPOSO NOBILE PAOLO RICHIEDEI\"");
    assert_eq!(f["tenant"]["slug"], gussago.as_str());
    assert_eq!(f["comune"]["name"], "Gussago");
    assert_eq!(f["postal_code"], "25064");
    assert_eq!(f["places"]["authorised"], 113);
    assert_eq!(f["places"]["accredited"], 94);
    assert_eq!(f["accreditation"], "accredited");
    assert_eq!(f["latitude"], 45.58965);
    assert_eq!(f["organization"]["name"], "IL GABBIANO SOCIETA' COOPERATIVA SOCIALE ONLUS");
    assert_eq!(f["organization"]["legal_status"], "private");
    let r = public.get(&format!("/api/public/v1/{rezzato}/facilities?q=almici")).await;
    assert_eq!(r.body["items"][0]["organization"]["name"], "AZIENDA SPECIALE \"EVARISTO ALMICI\"");
    assert_eq!(r.body["items"][0]["organization"]["legal_status"], "public");
}

const OFFERTA_SOCIALE: &[u8] =
    include_bytes!("../../reference-data/lombardia-offerta-sociale/lombardia-offerta-sociale.csv");

/// Regione Lombardia's social units: two kinds in one file, comuni by name and province.
async fn importer_reads_the_social_units_register(app: TestApp) {
    let (slug, mut admin) = brescia(&app).await;
    let import = format!("/api/v1/t/{slug}/facilities/import?preset=lombardia-offerta-sociale&skip_outside=true");
    let r = admin.post_bytes(&format!("{import}&dry_run=false"), OFFERTA_SOCIALE.to_vec(), "text/csv").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["applied"], true, "{:?}", r.body["issues"]);
    assert_eq!((r.body["created"].as_u64(), r.body["skipped"].as_u64()), (Some(29), Some(170)));

    let mut public = app.client();
    let count = |r: &common::Reply| r.body["total_items"].as_u64().unwrap();
    let day = public.get(&format!("/api/public/v1/{slug}/facilities?type=centro_diurno_anziani&per_page=100")).await;
    let flats = public.get(&format!("/api/public/v1/{slug}/facilities?type=casa_albergo&per_page=100")).await;
    assert_eq!((count(&day), count(&flats)), (16, 13));
    assert!(day.body["items"].as_array().unwrap().iter().all(|f| f["setting"] == "day"));
    // "QUINZANO D'OGLIO" is found by name; the website and e-mail read as links.
    let r = public.get(&format!("/api/public/v1/{slug}/facilities?q=villa%20lina")).await;
    assert_eq!(count(&r), 1, "{:?}", r.body);
    assert_eq!(r.body["items"][0]["comune"]["name"], "Quinzano d'Oglio");
    assert_eq!(r.body["items"][0]["places"]["authorised"], 14, "{:?}", r.body["items"][0]);
    let r = public.get(&format!("/api/public/v1/{slug}/facilities?q=casa%20relais")).await;
    assert_eq!(r.body["items"][0]["website"], "https://www.korian.it/SERVIZI");
    assert_eq!(r.body["items"][0]["email"], "customerservice@korian.it");

    // A comune the province does not have is said on its column, and nothing is written.
    let text = String::from_utf8(OFFERTA_SOCIALE.to_vec()).unwrap().replacen(",BEDIZZOLE,", ",BEDIZOLE,", 1);
    let r = admin.post_bytes(&import, text.into_bytes(), "text/csv").await;
    let issues = r.body["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0]["field"], "COMUNE_DI_UBICAZIONE");
    assert!(issues[0]["message"].as_str().unwrap().contains("Nessun comune"), "{issues:?}");
    // An unknown kind of unit likewise.
    let text =
        String::from_utf8(OFFERTA_SOCIALE.to_vec()).unwrap().replacen("CENTRO DIURNI ANZIANI", "CENTRO ESTIVO", 1);
    let r = admin.post_bytes(&import, text.into_bytes(), "text/csv").await;
    assert_eq!(r.body["issues"][0]["field"], "UNITA_OFFERTE_SOCIALI", "{:?}", r.body);
}

/// A multipart body as a browser sends it from the import form.
fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (Vec<u8>, String) {
    let boundary = "----owtestboundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rsa.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// The lines of the import page's answer, as `app::api::directory::ImportEvent`s.
fn import_events(r: &common::Reply) -> Vec<app::api::directory::ImportEvent> {
    assert!(r.text.is_ascii(), "lines are plain ASCII: {}", r.text);
    r.text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

async fn staff_import_page_checks_then_imports(app: TestApp) {
    use app::api::directory::ImportEvent;
    let (_, mut admin) = brescia(&app).await;
    let fields = [("preset", "lombardia-rsa"), ("skip_outside", "true"), ("mode", "check")];
    let (body, content_type) = multipart(&fields, RSA);
    let r = admin.request(Method::POST, "/sf/import_facilities", Some(Body::from(body)), &content_type).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let events = import_events(&r);
    // Progress as the rows go (about a hundred steps, ending at the last row), then the report.
    let steps: Vec<(u64, u64)> = events
        .iter()
        .filter_map(|e| match e {
            ImportEvent::Progress { done, total } => Some((*done, *total)),
            _ => None,
        })
        .collect();
    assert!((50..=120).contains(&steps.len()), "{} progress lines", steps.len());
    assert!(steps.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(steps.last(), Some(&(105, 105)), "the rows of the province");
    let Some(ImportEvent::Done(report)) = events.last() else { panic!("no report: {}", r.text) };
    assert_eq!((report.created, report.applied), (105, false));
    let fields = [("preset", "lombardia-rsa"), ("skip_outside", "true"), ("mode", "apply"), ("publish", "true")];
    let (body, content_type) = multipart(&fields, RSA);
    let r = admin.request(Method::POST, "/sf/import_facilities", Some(Body::from(body)), &content_type).await;
    let Some(ImportEvent::Done(report)) = import_events(&r).pop() else { panic!("no report: {}", r.text) };
    assert_eq!((report.created, report.applied), (105, true));
    // Bad options answer at once on their field; a bad file once it is read, in the stream.
    let (body, content_type) = multipart(&[("preset", "sconosciuto")], RSA);
    let r = admin.request(Method::POST, "/sf/import_facilities", Some(Body::from(body)), &content_type).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("preset"), "{}", r.text);
    let (body, content_type) = multipart(&[("preset", "lombardia-rsa")], b"");
    let r = admin.request(Method::POST, "/sf/import_facilities", Some(Body::from(body)), &content_type).await;
    let Some(ImportEvent::Failed(e)) = import_events(&r).pop() else { panic!("no error: {}", r.text) };
    assert_eq!(e.fields[0].field, "file");
    assert_eq!(e.fields[0].message, "Il file è vuoto.");
    // A form body instead of multipart is refused, not a crash.
    let r = admin.server_fn("/sf/import_facilities", "file=x").await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.text);
}

async fn importer_handles_other_files_and_refuses_bad_ones(app: TestApp) {
    let (slug, mut admin) = brescia(&app).await;
    let mapping = "code=Codice,name=Denominazione,address=Indirizzo,comune=Istat,latitude=Lat,longitude=Lon,places_authorised=Posti";
    let url = |extra: &str| format!("/api/v1/t/{slug}/facilities/import?type=cdd&source=test&mapping={mapping}{extra}");

    // Windows-1252, semicolons, quoted fields with separators inside, decimal commas.
    let mut csv: Vec<u8> = b"Codice;Denominazione;Indirizzo;Istat;Lat;Lon;Posti\r\n".to_vec();
    csv.extend_from_slice(b"A1;\"CDD Citt\xe0 di Gussago; sede\";Via Roma 1;017081;45,5871;10,1572;30\r\n");
    csv.extend_from_slice(b"A2;CDD Rezzato;\"Via Garibaldi, 4\";17161;45,51;10,31;\r\n");
    let r = admin.post_bytes(&url("&dry_run=false&publish=true"), csv, "text/csv").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["applied"], true, "{:?}", r.body);
    let mut public = app.client();
    let found = public.get(&format!("/api/public/v1/{slug}/facilities?type=cdd")).await;
    let names: Vec<&str> =
        found.body["items"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["CDD Città di Gussago; sede", "CDD Rezzato"]);
    assert_eq!(found.body["items"][0]["latitude"], 45.5871);

    // Row problems: every one reported with its line and column; nothing written.
    let bad = "Codice,Denominazione,Indirizzo,Istat,Lat,Lon,Posti\n\
               B1,Uno,Via A,017081,45.5,10.1,-3\n\
               B2,Due,Via B,017081,nord,10.1,5\n\
               B1,Tre,Via C,017081,45.5,10.1,5\n\
               B4,,Via D,017081,45.5,10.1,5\n";
    let r = admin.post_bytes(&url("&dry_run=false"), bad.as_bytes().to_vec(), "text/csv").await;
    assert_eq!(r.body["applied"], false);
    let issues: Vec<(u64, String)> = r.body["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["line"].as_u64().unwrap(), i["field"].as_str().unwrap().to_string()))
        .collect();
    for expected in [(2, "Posti"), (3, "Lat"), (4, "Codice"), (5, "Denominazione")] {
        assert!(issues.contains(&(expected.0, expected.1.to_string())), "{expected:?} not in {issues:?}");
    }
    assert_eq!(public.get(&format!("/api/public/v1/{slug}/facilities?type=cdd")).await.body["total_items"], 2);

    // Structural problems: a clear 422 naming the field.
    let r = admin.post_bytes(&url(""), b"Codice;Nome\nX;Y\n".to_vec(), "text/csv").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fields(&r).contains(&"name".to_string()), "{:?}", r.body);
    assert!(r.text.contains("Nel file manca la colonna «Denominazione»."), "{}", r.text);
    let utf16: Vec<u8> = "Codice,Nome\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let r = admin.post_bytes(&url(""), utf16, "text/csv").await;
    assert_eq!((r.status, fields(&r)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["file".to_string()]));
    let r = admin.post_bytes(&url(""), Vec::new(), "text/csv").await;
    assert_eq!(fields(&r), ["file"]);
    let r = admin
        .post_bytes(&format!("/api/v1/t/{slug}/facilities/import?mapping=colour=X"), b"a\n".to_vec(), "text/csv")
        .await;
    assert_eq!(fields(&r), ["mapping"]);
    // Only admins import.
    let p = TenantId(scalar_i64(&app.db, "SELECT min(id) FROM tenant").await);
    let mut analyst = app.signed_in(&app.user(p, Role::ProvinceAnalyst).await).await;
    let r = analyst.post_bytes(&url(""), b"a\n".to_vec(), "text/csv").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn public_search_filters_distance_and_caching(app: TestApp) {
    let (slug, mut admin) = brescia(&app).await;
    let apply = format!("/api/v1/t/{slug}/facilities/import?preset=lombardia-rsa&skip_outside=true&dry_run=false");
    assert_eq!(admin.post_bytes(&apply, RSA.to_vec(), "text/csv").await.body["created"], 105);
    let mut c = app.client();
    let search = |q: &str| format!("/api/public/v1/{slug}/facilities?{q}");

    assert_eq!(c.get(&search("")).await.body["total_items"], 105);
    assert_eq!(c.get(&search("")).await.body["items"].as_array().unwrap().len(), 20);
    assert_eq!(c.get(&search("per_page=100&page=2")).await.body["items"].as_array().unwrap().len(), 5);
    assert_eq!(c.get(&search("comune=017029")).await.body["total_items"], 15);
    assert_eq!(c.get(&search("area=anziani&type=rsa&setting=residential")).await.body["total_items"], 105);
    assert_eq!(c.get(&search("area=disabili")).await.body["total_items"], 0);
    assert_eq!(c.get(&search("free_places=true")).await.body["total_items"], 0);
    assert_eq!(c.get(&search("q=KOS%20care")).await.body["total_items"].as_u64().map(|n| n > 0), Some(true));

    // Near Piazza della Loggia: nearest first, all within the radius.
    let near = c.get(&search("near=45.5397,10.2196&radius_km=3&per_page=100")).await;
    let d: Vec<f64> =
        near.body["items"].as_array().unwrap().iter().map(|f| f["distance_km"].as_f64().unwrap()).collect();
    assert!(!d.is_empty());
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "not sorted: {d:?}");
    assert!(d.iter().all(|x| *x <= 3.0), "{d:?}");
    assert_eq!(near.body["total_items"].as_u64(), Some(d.len() as u64));
    let wider = c.get(&search("near=45.5397,10.2196&radius_km=30")).await;
    assert!(wider.body["total_items"].as_u64() > near.body["total_items"].as_u64());

    // Bad parameters: field-level 422s, never 500.
    c.lang = Some("en");
    for (q, field) in [
        ("radius_km=10000&near=45.5,10.2", "radius_km"),
        ("per_page=1000000", "per_page"),
        ("page=0", "page"),
        ("near=abc", "near"),
        ("near=95,10", "near"),
        ("area=astronauti", "area"),
        ("type=castello", "type"),
        ("comune=999999", "comune"),
    ] {
        let r = c.get(&search(q)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(fields(&r), [field], "{q}");
    }
    assert_eq!(c.get(&search("free_places=maybe")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.get("/api/public/v1/no-such-tenant/facilities").await.status, StatusCode::NOT_FOUND);

    // The choices of a search form: the types and comuni that occur.
    let filters = c.get(&format!("/api/public/v1/{slug}/filters")).await;
    assert_eq!(filters.body["facility_types"].as_array().unwrap().len(), 1);
    assert_eq!(filters.body["facility_types"][0]["code"], "rsa");
    let comuni = filters.body["comuni"].as_array().unwrap();
    assert!(comuni.iter().any(|c| c["istat_code"] == "017029" && c["name"] == "Brescia"));
    let names: Vec<&str> = comuni.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "by name, once each: {names:?}");
    assert_eq!(c.get("/api/public/v1/no-such-tenant/filters").await.status, StatusCode::NOT_FOUND);

    // GeoJSON for maps: every published facility with coordinates, lon/lat order.
    let geo = c.get(&format!("/api/public/v1/{slug}/facilities.geojson")).await;
    assert_eq!(geo.body["type"], "FeatureCollection");
    let features = geo.body["features"].as_array().unwrap();
    assert_eq!(features.len(), 105);
    let lon = features[0]["geometry"]["coordinates"][0].as_f64().unwrap();
    assert!((9.0..11.5).contains(&lon), "{lon}");
    assert_eq!(features[0]["properties"]["area"], "anziani", "the first area colours the point");

    // The basemap of the territory: the province of Brescia and its 205 comuni.
    let borders = c.get(&format!("/api/public/v1/{slug}/boundaries.geojson")).await;
    assert_eq!(borders.status, StatusCode::OK);
    let kinds = |kind: &str| {
        borders.body["features"].as_array().unwrap().iter().filter(|f| f["properties"]["kind"] == kind).count()
    };
    assert_eq!((kinds("province"), kinds("comune")), (1, 205));
    assert!(borders.body["attribution"].as_str().unwrap().contains("ISTAT"));
    assert_eq!(borders.body["bbox"].as_array().unwrap().len(), 4);
    // A comune's directory is drawn on its province.
    let rezzato = tenant_slug(&app, TenantKind::Municipality, "017161").await;
    let borders = c.get(&format!("/api/public/v1/{rezzato}/boundaries.geojson")).await;
    assert_eq!(borders.body["features"][0]["properties"]["istat"], "017");
    assert_eq!(c.get("/api/public/v1/no-such-tenant/boundaries.geojson").await.status, StatusCode::NOT_FOUND);

    // Tenants that publish: the municipalities, their ambito and the province.
    let tenants = c.get("/api/public/v1/tenants").await;
    let slugs: Vec<&str> = tenants.body.as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
    assert!(slugs.contains(&slug.as_str()));
    assert!(slugs.contains(&tenant_slug(&app, TenantKind::Municipality, "017161").await.as_str()));

    // The public pages, server-rendered: search, one facility, a missing one.
    let mut visitor = app.client();
    let page = visitor.page(&format!("/directory/{slug}?q=almici")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("1 struttura trovata"), "{}", page.text);
    assert!(page.text.contains("RSA - EVARISTO ALMICI"));
    let id = c.get(&search("q=almici")).await.body["items"][0]["id"].as_i64().unwrap();
    let page = visitor.page(&format!("/directory/{slug}/{id}")).await;
    assert!(page.text.contains("<title>RSA - EVARISTO ALMICI</title>"), "{}", page.text);
    assert!(page.text.contains("Posti autorizzati: 56"));
    assert!(page.text.contains("AZIENDA SPECIALE"));
    let missing = visitor.page(&format!("/directory/{slug}/999999")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let req = Request::builder()
        .uri(format!("/directory/{slug}?area=anziani"))
        .header(header::ACCEPT, "text/html")
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.8")
        .body(Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    let body = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
    let html = String::from_utf8_lossy(&body);
    assert!(html.contains("105 facilities found"));
    assert!(html.contains("<html lang=\"en\""), "the page declares its language");
    assert!(visitor.page(&format!("/directory/{slug}")).await.text.contains("<html lang=\"it\""));

    // CORS for any origin, ETag revalidation.
    let req = Request::builder()
        .uri(search("q=rezzato"))
        .header(header::ORIGIN, "https://www.comune.rezzato.bs.it")
        .body(Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let etag = res.headers()[header::ETAG].to_str().unwrap().to_string();
    let req =
        Request::builder().uri(search("q=rezzato")).header(header::IF_NONE_MATCH, &etag).body(Body::empty()).unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert!(res.headers().get(header::SET_COOKIE).is_none(), "public answers set no cookie");
    // Every public route is documented.
    let doc = c.get("/api/openapi.json").await;
    for path in [
        "/api/public/v1/tenants",
        "/api/public/v1/{tenant}/facilities",
        "/api/public/v1/{tenant}/facilities/{facility_id}",
        "/api/public/v1/{tenant}/facilities.geojson",
        "/api/public/v1/{tenant}/filters",
        "/api/public/v1/{tenant}/boundaries.geojson",
        "/api/public/v1/{tenant}/theme",
        "/api/public/v1/{tenant}/logo",
    ] {
        assert!(doc.body["paths"][path].is_object(), "{path} not in OpenAPI");
    }
}

async fn facility_manager_self_service_and_freshness(app: TestApp) {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let admin_email = app.user(bs, Role::TenantAdmin).await;
    let mut admin = app.signed_in(&admin_email).await;
    let base = format!("/api/v1/t/{slug}/facilities");
    let mine = admin.post(&base, day_centre()).await.body["facility"]["id"].as_i64().unwrap();
    let mut other = day_centre();
    other["name"] = json!("CSE Arcobaleno");
    let theirs = admin.post(&base, other).await.body["facility"]["id"].as_i64().unwrap();

    // A facility manager must be given a facility of this tenant.
    let r = admin
        .post(
            &format!("/api/v1/t/{slug}/members"),
            json!({"email": "nuovo@example.it", "display_name": "Nuovo",
            "role": "facility_manager"}),
        )
        .await;
    assert_eq!(fields(&r), ["facility_id"]);
    let r = admin
        .post(
            &format!("/api/v1/t/{slug}/members"),
            json!({"email": "nuovo@example.it", "display_name": "Nuovo",
            "role": "facility_manager", "facility_id": 999_999}),
        )
        .await;
    assert_eq!(fields(&r), ["facility_id"]);
    let r = admin
        .post(
            &format!("/api/v1/t/{slug}/members"),
            json!({"email": "nuovo@example.it", "display_name": "Nuovo",
            "role": "facility_manager", "facility_id": mine}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    assert_eq!(r.body["facility_id"], mine);
    // Accepted through the e-mailed link, the invitation makes them that facility's manager.
    let mut invited = app.accept_as_new("nuovo@example.it").await;
    assert_eq!(invited.get(&format!("/api/v1/t/{slug}/my-facility")).await.body["facility"]["id"], mine);

    let manager_email = app.user(bs, Role::FacilityManager).await;
    let admin_id = domain::users::user_by_email(&app.db, &admin_email).await.unwrap();
    let admin_ctx = domain::TenantContext::resolve(&app.db, admin_id, &slug).await.unwrap();
    let manager_id = domain::users::user_by_email(&app.db, &manager_email).await.unwrap();
    domain::users::set_managed_facility(&app.db, &admin_ctx, manager_id, types::FacilityId(mine)).await.unwrap();
    let mut manager = app.signed_in(&manager_email).await;
    assert_eq!(manager.get(&format!("/api/v1/t/{slug}/my-facility")).await.body["facility"]["id"], mine);

    // Free places, hours, contacts, description: yes. A name sent along is ignored.
    let update = json!({"places_free": 5, "phone": "030 7654321", "description": "Aperto anche ad agosto.",
        "hours": {"weekly": [{"weekday": 6, "opens": "09:00", "closes": "12:00"}]}, "name": "Rinominato"});
    let r = manager.put(&format!("{base}/{mine}/self-service"), update.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["facility"]["places"]["free"], 5);
    assert_eq!(r.body["facility"]["name"], "CDD Il Girasole");
    assert_eq!(r.body["facility"]["latitude"], 45.5436);
    assert_eq!(r.body["facility"]["hours"]["weekly"][0]["weekday"], 6);
    // Nothing else, and no other facility.
    assert_eq!(manager.put(&format!("{base}/{theirs}/self-service"), update).await.status, StatusCode::FORBIDDEN);
    assert_eq!(manager.put(&format!("{base}/{mine}"), day_centre()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(manager.post(&base, day_centre()).await.status, StatusCode::FORBIDDEN);
    let r = manager.put(&format!("{base}/{mine}/state"), json!({"published": true})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = manager.put(&format!("{base}/{mine}/self-service"), json!({"places_free": -2})).await;
    assert_eq!(fields(&r), ["places_free"]);
    // The phone form: hours as text; a bad line is reported on the field.
    let r = manager.server_fn("/sf/update_my_facility", "places_free=3&hours=lun-ven+8%3A30-12%3A30%0Asab+9-12").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = manager.server_fn("/sf/update_my_facility", "places_free=3&hours=funday+9-12").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Riga 1 degli orari"), "{}", r.text);
    let r = manager.server_fn("/sf/update_my_facility", "places_free=tre&hours=").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Every save is in the history under the manager's name.
    let history = admin.get(&format!("{base}/{mine}/history")).await;
    assert!(history.body.as_array().unwrap().iter().any(|c| c["field"] == "places_free" && c["new_value"] == "3"));

    // Freshness: an entry last verified long ago is flagged and listed "to verify".
    let tx = app.db.begin().await.unwrap();
    if app.is_postgres() {
        tx.execute_unprepared(&format!("SELECT set_config('app.tenant_id', '{}', true)", bs.0)).await.unwrap();
    }
    let old = "UPDATE facility SET verified_at = '2020-01-01 00:00:00+00:00' WHERE id = ";
    tx.execute_unprepared(&format!("{old}{theirs}")).await.unwrap();
    tx.commit().await.unwrap();
    let stale = admin.get(&format!("{base}?stale=true")).await;
    assert_eq!(stale.body["total_items"], 1);
    assert_eq!(stale.body["items"][0]["facility"]["id"], theirs);
    assert_eq!(stale.body["items"][0]["stale"], true);
    assert_eq!(admin.get(&format!("{base}/{mine}")).await.body["stale"], false);
}

/// The official HSDS 3.0 schemas shipped in `reference-data/`, with their relative `$ref`s
/// resolved offline (each file registered under one base URI).
struct Hsds {
    dir: std::path::PathBuf,
    resources: Vec<(String, jsonschema::Resource)>,
}

const HSDS_BASE: &str = "https://hsds.invalid/schema/";

impl Hsds {
    fn load() -> Hsds {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference-data/openreferral-hsds-3.0/schema");
        let mut resources = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") && !path.ends_with("openapi.json") {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                let schema = Self::with_id(&path, &format!("{HSDS_BASE}{name}"));
                resources.push((format!("{HSDS_BASE}{name}"), jsonschema::Draft::Draft202012.create_resource(schema)));
            }
        }
        Hsds { dir, resources }
    }

    fn with_id(path: &std::path::Path, id: &str) -> Value {
        let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        schema["$id"] = json!(id);
        schema
    }

    /// Problems of `instance` against `file` (relative to `schema/`), as text.
    fn problems(&self, file: &str, instance: &Value) -> Vec<String> {
        let schema = Self::with_id(&self.dir.join(file), &format!("{HSDS_BASE}{file}"));
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .with_resources(self.resources.clone().into_iter())
            .build(&schema)
            .unwrap();
        validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path)).collect()
    }

    fn assert_valid(&self, file: &str, instance: &Value) {
        let problems = self.problems(file, instance);
        assert!(problems.is_empty(), "not valid against {file}: {problems:#?}\n{instance:#}");
    }

    /// The paging envelope of HSDS list responses (openapi.json `Page` + `contents`).
    fn assert_page(&self, page: &Value, item_schema: &str) {
        for (field, kind) in [
            ("total_items", "u64"),
            ("total_pages", "u64"),
            ("page_number", "u64"),
            ("size", "u64"),
            ("first_page", "bool"),
            ("last_page", "bool"),
            ("empty", "bool"),
        ] {
            let ok = if kind == "u64" { page[field].is_u64() } else { page[field].is_boolean() };
            assert!(ok, "paging field {field} missing or mistyped in {page:#}");
        }
        let contents = page["contents"].as_array().expect("contents");
        assert_eq!(page["size"].as_u64(), Some(contents.len() as u64));
        for item in contents {
            self.assert_valid(item_schema, item);
        }
    }
}

async fn hsds_responses_validate_against_the_official_schemas(app: TestApp) {
    let (slug, mut admin) = brescia(&app).await;
    let apply = format!("/api/v1/t/{slug}/facilities/import?preset=lombardia-rsa&skip_outside=true&dry_run=false");
    assert_eq!(admin.post_bytes(&apply, RSA.to_vec(), "text/csv").await.body["created"], 105);
    // One richer entry: hours, phone, languages, ages, free places.
    let gussago = tenant_slug(&app, TenantKind::Municipality, "017081").await;
    let mut cdd = day_centre();
    cdd["comune"] = json!("017081");
    let r = admin.post(&format!("/api/v1/t/{gussago}/facilities"), cdd).await;
    let cdd_id = r.body["facility"]["id"].as_i64().unwrap();
    admin.put(&format!("/api/v1/t/{gussago}/facilities/{cdd_id}/state"), json!({"published": true})).await;

    let hsds = Hsds::load();
    let mut c = app.client();
    let base = format!("/api/hsds/v3/{slug}");
    let root = c.get(&format!("{base}/")).await;
    assert_eq!(root.body["version"], "3.0");
    assert!(root.body["profile"].as_str().unwrap().starts_with("urn:openwelfare:hsds:profile:it"));

    let services = c.get(&format!("{base}/services?per_page=50")).await;
    assert_eq!(services.status, StatusCode::OK, "{:?}", services.body);
    assert_eq!(services.body["total_items"], 106);
    assert_eq!(services.body["total_pages"], 3);
    hsds.assert_page(&services.body, "compiled/service_list.json");
    let last = c.get(&format!("{base}/services?per_page=50&page=3")).await;
    assert_eq!((last.body["last_page"].as_bool(), last.body["size"].as_u64()), (Some(true), Some(6)));

    // The full service, for an imported RSA and for the richer entry.
    let found = c.get(&format!("{base}/services?search=girasole")).await;
    let girasole = found.body["contents"][0]["id"].as_str().unwrap().to_string();
    let full = c.get(&format!("{base}/services/{girasole}")).await;
    hsds.assert_valid("compiled/service_with_definitions.json", &full.body);
    hsds.assert_valid("service.json", &full.body);
    assert_eq!(full.body["schedules"][0]["byday"], "MO");
    assert_eq!(full.body["schedules"][0]["opens_at"], "08:30");
    assert_eq!(full.body["it_places"]["free"], 2);
    assert_eq!(full.body["it_facility_type"], "cdd");
    let rsa = c.get(&format!("{base}/services?search=richiedei")).await;
    let rsa_id = rsa.body["contents"][0]["id"].as_str().unwrap().to_string();
    let rsa_full = c.get(&format!("{base}/services/{rsa_id}")).await;
    hsds.assert_valid("compiled/service_with_definitions.json", &rsa_full.body);
    assert_eq!(rsa_full.body["it_places"]["authorised"], 113);
    assert_eq!(rsa_full.body["organization"]["name"], "IL GABBIANO SOCIETA' COOPERATIVA SOCIALE ONLUS");
    let address = &rsa_full.body["service_at_locations"][0]["location"]["addresses"][0];
    assert_eq!((address["city"].as_str(), address["state_province"].as_str()), (Some("Gussago"), Some("BS")));

    let orgs = c.get(&format!("{base}/organizations?per_page=100")).await;
    hsds.assert_page(&orgs.body, "compiled/organization_list.json");
    let org_id = orgs.body["contents"][0]["id"].as_str().unwrap().to_string();
    let org = c.get(&format!("{base}/organizations/{org_id}")).await;
    hsds.assert_valid("organization.json", &org.body);

    let sals = c.get(&format!("{base}/service_at_locations")).await;
    hsds.assert_page(&sals.body, "compiled/service_at_location_list.json");
    let sal_id = sals.body["contents"][0]["id"].as_str().unwrap().to_string();
    let sal = c.get(&format!("{base}/service_at_locations/{sal_id}")).await;
    hsds.assert_valid("service_at_location.json", &sal.body);

    let taxonomies = c.get(&format!("{base}/taxonomies")).await;
    hsds.assert_page(&taxonomies.body, "taxonomy.json");
    let terms = c.get(&format!("{base}/taxonomy_terms")).await;
    hsds.assert_page(&terms.body, "taxonomy_term.json");
    // Filtering by a term: the RSA type.
    let rsa_term =
        terms.body["contents"].as_array().unwrap().iter().find(|t| t["code"] == "rsa").unwrap()["id"].clone();
    let by_term = c.get(&format!("{base}/services?taxonomy_term_id={}", rsa_term.as_str().unwrap())).await;
    assert_eq!(by_term.body["total_items"], 105);

    // The validator is not a rubber stamp: a wrong status or a null field fails.
    let mut broken = full.body.clone();
    broken["status"] = json!("open");
    assert!(!hsds.problems("compiled/service_with_definitions.json", &broken).is_empty());
    broken["status"] = json!("active");
    broken["description"] = Value::Null;
    assert!(!hsds.problems("compiled/service_with_definitions.json", &broken).is_empty());

    // Unknown ids and terms: 404 and a field error, never 500.
    assert_eq!(c.get(&format!("{base}/services/not-a-uuid")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get(&format!("{base}/services/{org_id}")).await.status, StatusCode::NOT_FOUND);
    let r = c.get(&format!("{base}/services?taxonomy_term_id=ac148810-d857-441c-9679-408f346de14b")).await;
    assert_eq!(fields(&r), ["taxonomy_term_id"]);
    assert_eq!(fields(&c.get(&format!("{base}/services?per_page=1000000")).await), ["per_page"]);
    assert_eq!(c.get("/api/hsds/v3/no-such-tenant/services").await.status, StatusCode::NOT_FOUND);
}

/// The public search answers from memory (`domain::public_directory`); the staff list
/// reads the database. For published entries both must give the same answer.
async fn public_answers_match_the_database(app: TestApp) {
    let (slug, mut admin) = brescia(&app).await;
    let apply = format!("/api/v1/t/{slug}/facilities/import?preset=lombardia-rsa&skip_outside=true&dry_run=false");
    assert_eq!(admin.post_bytes(&apply, RSA.to_vec(), "text/csv").await.body["created"], 105);
    let zone = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let kind = entity::tenant::Column::Kind.eq(TenantKind::Zone.code());
        entity::tenant::Entity::find().filter(kind).one(&app.db).await.unwrap().unwrap().slug
    };
    let rezzato = tenant_slug(&app, TenantKind::Municipality, "017161").await;
    // A draft and a free place somewhere: neither list may differ on them.
    let mut centre = day_centre();
    centre["comune"] = json!("017161");
    (centre["latitude"], centre["longitude"]) = (json!(45.5174), json!(10.3125));
    let draft = admin.post(&format!("/api/v1/t/{rezzato}/facilities"), centre).await;
    assert_eq!(draft.status, StatusCode::CREATED, "{:?}", draft.body);
    let mut c = app.client();

    let items = |r: &common::Reply| -> Vec<Value> { r.body["items"].as_array().unwrap().clone() };
    let queries = [
        "",
        "per_page=7&page=3",
        "q=fondazione",
        "q=casa%20riposo&per_page=100",
        "comune=017029",
        "area=anziani&type=rsa&setting=residential&per_page=50&page=2",
        "near=45.5397,10.2196&radius_km=3",
        "near=45.5397,10.2196&radius_km=25&per_page=10&page=2",
        "near=45.60,10.50&radius_km=200&per_page=100",
        "near=45.5397,10.2196&radius_km=15&q=rsa",
        "free_places=true",
        // The word index: short words, several words, words rarer than the box, nothing.
        "q=fo",
        "q=casa%20ri&per_page=5&page=2",
        "q=almici&near=45.60,10.50&radius_km=200",
        "q=zzzz&near=45.5397,10.2196&radius_km=25",
        "near=45.5397,10.2196&radius_km=25&per_page=5&page=40",
        "q=fondazione&near=45.5397,10.2196&radius_km=40&per_page=3&page=4",
    ];
    for tenant in [&slug, &zone, &rezzato] {
        for q in queries {
            let public = c.get(&format!("/api/public/v1/{tenant}/facilities?{q}")).await;
            let staff = admin.get(&format!("/api/v1/t/{tenant}/facilities?status=published&{q}")).await;
            assert_eq!(public.status, StatusCode::OK, "{tenant} {q}: {:?}", public.body);
            assert_eq!(staff.status, StatusCode::OK, "{tenant} {q}: {:?}", staff.body);
            assert_eq!(public.body["total_items"], staff.body["total_items"], "{tenant} {q}");
            // Whole entries, distances included.
            let staff: Vec<Value> = items(&staff).into_iter().map(|f| f["facility"].clone()).collect();
            assert_eq!(items(&public), staff, "{tenant} {q}");
        }
    }
    // Each slug covers its own subtree: Rezzato is in the province, not in ambito 1.
    let total = |r: common::Reply| r.body["total_items"].as_u64().unwrap();
    assert_eq!(total(c.get(&format!("/api/public/v1/{rezzato}/facilities")).await), 2);
    assert_eq!(total(c.get(&format!("/api/public/v1/{zone}/facilities")).await), 16);
    assert_eq!(total(c.get(&format!("/api/public/v1/{slug}/facilities")).await), 105);

    // A change through this node shows at once, in both languages.
    let first = c.get(&format!("/api/public/v1/{rezzato}/facilities")).await.body["items"][0].clone();
    let id = first["id"].as_i64().unwrap();
    let r = admin.put(&format!("/api/v1/t/{rezzato}/facilities/{id}/state"), json!({"published": false})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(total(c.get(&format!("/api/public/v1/{rezzato}/facilities")).await), 1);
    assert_eq!(c.get(&format!("/api/public/v1/{rezzato}/facilities/{id}")).await.status, StatusCode::NOT_FOUND);
    let draft_id = draft.body["facility"]["id"].as_i64().unwrap();
    let r = admin.put(&format!("/api/v1/t/{rezzato}/facilities/{draft_id}/state"), json!({"published": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let shown = c.get(&format!("/api/public/v1/{rezzato}/facilities/{draft_id}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.body["facility_type"]["label"], "Centro diurno disabili (CDD)");
    c.lang = Some("en");
    let shown = c.get(&format!("/api/public/v1/{rezzato}/facilities/{draft_id}")).await;
    assert_eq!(shown.body["facility_type"]["label"], "Day centre for disabled people (CDD)");
    // Another tenant's slug does not reach it.
    assert_eq!(c.get(&format!("/api/public/v1/{zone}/facilities/{draft_id}")).await.status, StatusCode::NOT_FOUND);
}

/// Admins keep the organisations that manage facilities; facilities choose theirs and a
/// district in the form; the freshness window is a tenant setting.
async fn organizations_districts_and_freshness_window(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let (other, other_slug) = app.municipality_of(p, "Comune di Rezzato", Some("017161")).await;
    let mut admin = app.signed_in(&app.user(bs, Role::TenantAdmin).await).await;
    let orgs = format!("/api/v1/t/{slug}/organizations");

    // Every mistake on its field, in the user's language.
    let bad = json!({"name": " ", "tax_code": "RSSMRA80A01H501X", "vat_number": "01148190548",
                     "legal_status": "mixed", "email": "nope", "website": "rondine.example.it"});
    let r = admin.post(&orgs, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert_eq!(fields(&r), ["name", "tax_code", "vat_number", "legal_status", "email", "website"]);
    assert!(r.body["fields"][2]["message"].as_str().unwrap().starts_with("Partita IVA non valida"), "{:?}", r.body);

    let rondine = json!({"name": "Cooperativa Sociale La Rondine", "tax_code": "01148190547",
                         "vat_number": "IT 01148190547", "legal_status": "private", "email": "Info@Rondine.example.it"});
    let r = admin.post(&orgs, rondine).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let org = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["vat_number"], "01148190547");
    assert_eq!(r.body["email"], "info@rondine.example.it");
    assert_eq!(admin.get(&format!("{orgs}?q=rondine")).await.body["total"], 1);
    assert_eq!(admin.get(&format!("{orgs}?q=0114819")).await.body["total"], 1);
    assert_eq!(admin.get(&format!("{orgs}?q=gabbiano")).await.body["total"], 0);
    let district = admin.post(&format!("/api/v1/t/{slug}/districts"), json!({"name": "Centro storico"})).await;
    let district = district.body["id"].as_i64().unwrap();

    // The form offers them, and saves the choice.
    let page = admin.page("/facilities/new").await;
    assert!(page.text.contains("Cooperativa Sociale La Rondine") && page.text.contains("Centro storico"));
    let form = format!(
        "form[name]=CDD+Il+Girasole&form[facility_type]=cdd&form[areas][disabili]=on&form[setting]=day\
         &form[hours]=&form[address]=Via+Milano+10&form[comune]=017029&form[organization_id]={org}&form[district_id]={district}"
    );
    let r = admin.server_fn("/sf/save_facility", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let facility = r.body["facility"]["id"].as_i64().unwrap();
    assert_eq!(r.body["facility"]["organization"]["name"], "Cooperativa Sociale La Rondine");
    assert_eq!(r.body["facility"]["district"]["name"], "Centro storico");
    let staff_search = |q: &str| format!("/api/v1/t/{slug}/facilities?q={q}");
    assert_eq!(admin.get(&staff_search("rondine")).await.body["total_items"], 1);
    // The staff list filters by setting, comune and district too.
    let options = admin.server_fn("/sf/staff_filter_options", "").await;
    assert_eq!(options.body["comuni"], json!([{"istat_code": "017029", "name": "Brescia", "province": "BS"}]));
    assert_eq!(options.body["districts"], json!([{"id": district, "name": "Centro storico"}]));
    for (filter, expected) in [
        (format!("filters[district]={district}"), 1),
        ("filters[comune]=017029&filters[setting]=day".to_string(), 1),
        ("filters[setting]=residential".to_string(), 0),
    ] {
        let r = admin.server_fn("/sf/search_facilities", &format!("page=1&{filter}")).await;
        assert_eq!(r.body["total_items"], expected, "{filter}: {}", r.text);
    }
    let list = admin.page(&format!("/facilities?district={district}&setting=day")).await;
    assert!(list.text.contains("CDD Il Girasole") && list.text.contains("id=\"f-district\""), "{}", list.text);
    // Another tenant's organisation, or a made-up id, is refused on its field.
    let mut other_admin = app.signed_in(&app.user(other, Role::TenantAdmin).await).await;
    let theirs = other_admin
        .post(&format!("/api/v1/t/{other_slug}/organizations"), json!({"name": "Altra", "legal_status": "public"}))
        .await;
    let theirs = theirs.body["id"].as_i64().unwrap();
    for choice in [theirs.to_string(), "abc".to_string()] {
        let bad = format!(
            "id={facility}&{}",
            form.replace(&format!("organization_id]={org}"), &format!("organization_id]={choice}"))
        );
        let r = admin.server_fn("/sf/save_facility", &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{choice}: {}", r.text);
        assert_eq!(fields(&r), ["organization_id"], "{choice}");
    }

    // A renamed organisation is found under its new name.
    let renamed = json!({"name": "Cooperativa Il Gabbiano", "legal_status": "private"});
    let r = admin.put(&format!("{orgs}/{org}"), renamed).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["tax_code"], Value::Null, "a full replacement");
    assert_eq!(admin.get(&staff_search("gabbiano")).await.body["total_items"], 1);
    assert_eq!(admin.get(&staff_search("rondine")).await.body["total_items"], 0);
    let r = admin.server_fn("/sf/save_organization", &format!("id={org}&name=&legal_status=private")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r), ["name"]);
    assert!(admin.page("/organizations").await.text.contains("Cooperativa Il Gabbiano"));
    assert!(admin.page(&format!("/organizations/{org}/edit")).await.text.contains("Cooperativa Il Gabbiano"));

    // Other roles read them but do not change them.
    let mut worker = app.signed_in(&app.user(bs, Role::SocialWorker).await).await;
    assert_eq!(worker.get(&orgs).await.status, StatusCode::OK);
    let r = worker.post(&orgs, json!({"name": "Nuova", "legal_status": "private"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = worker.put(&format!("{orgs}/{org}"), json!({"name": "Presa", "legal_status": "private"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The freshness window: an entry confirmed 10 days ago is current with the default
    // 180 days, and "to verify" once the tenant shortens the window to 7.
    let ten_days_ago = (chrono::Utc::now() - chrono::Duration::days(10)).format("%Y-%m-%d %H:%M:%S+00:00");
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let tx = app.db.begin().await.unwrap();
    if app.is_postgres() {
        tx.execute_unprepared(&format!("SELECT set_config('app.tenant_id', '{}', true)", bs.0)).await.unwrap();
    }
    let sql = format!("UPDATE facility SET verified_at = '{ten_days_ago}' WHERE id = {facility}");
    tx.execute_unprepared(&sql).await.unwrap();
    tx.commit().await.unwrap();
    let stale = format!("/api/v1/t/{slug}/facilities?stale=true");
    assert_eq!(admin.get(&stale).await.body["total_items"], 0);
    let settings = format!("/api/v1/t/{slug}/settings");
    assert_eq!(admin.get(&settings).await.body["stale_after_days"], 180);
    let r = admin.put(&settings, json!({"stale_after_days": 0})).await;
    assert_eq!(fields(&r), ["stale_after_days"]);
    let r = admin.server_fn("/sf/update_settings", "contact_email=&website=&stale_after_days=sette").await;
    assert_eq!(fields(&r), ["stale_after_days"]);
    let r = admin.server_fn("/sf/update_settings", "contact_email=&website=&stale_after_days=7").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["stale_after_days"], 7);
    assert_eq!(admin.get(&stale).await.body["total_items"], 1);
    // Other settings leave the window alone.
    let r = admin.put(&settings, json!({"website": "https://www.comune.brescia.it"})).await;
    assert_eq!(r.body["stale_after_days"], 7);
    assert!(admin.page("/settings").await.text.contains("name=\"stale_after_days\""));

    // The council sites that embed the widgets: normalised, once each; a path is refused.
    let sites = json!({"embed_origins": ["https://www.Comune.Brescia.it/", "http://127.0.0.1:3001", "https://www.comune.brescia.it"]});
    let r = admin.put(&settings, sites).await;
    assert_eq!(
        r.body["embed_origins"],
        json!(["https://www.comune.brescia.it", "http://127.0.0.1:3001"]),
        "{:?}",
        r.body
    );
    let r = admin.put(&settings, json!({"embed_origins": ["https://www.comune.brescia.it/servizi-sociali"]})).await;
    assert_eq!(fields(&r), ["embed_origins"]);
    assert!(r.text.contains("servizi-sociali"), "the message names the wrong line: {}", r.text);
    assert_eq!(admin.get(&settings).await.body["embed_origins"].as_array().unwrap().len(), 2, "nothing lost");
    // The page shows them with the snippet and the policy to copy.
    let page = admin.page("/settings").await;
    assert!(page.text.contains("https://www.comune.brescia.it\nhttp://127.0.0.1:3001"), "{}", page.text);
    assert!(
        page.text.contains(&format!("tenant=&quot;{slug}&quot;")) || page.text.contains(&format!("tenant=\"{slug}\""))
    );
    assert!(page.text.contains("/widgets/v1/openwelfare.js") && page.text.contains("wasm-unsafe-eval"));
}

/// A write through another node (here: straight into the database, so this node's
/// write generation does not move) reaches the public directory through its periodic
/// check; until then the old snapshot answers.
async fn public_directory_sees_writes_of_other_nodes(app: TestApp) {
    use domain::public_directory::PublicDirectory;
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let (slug, mut admin) = brescia(&app).await;
    let apply = format!("/api/v1/t/{slug}/facilities/import?preset=lombardia-rsa&skip_outside=true&dry_run=false");
    assert_eq!(admin.post_bytes(&apply, RSA.to_vec(), "text/csv").await.body["created"], 105);
    let gussago = tenant_slug(&app, TenantKind::Municipality, "017081").await;
    let gussago_id = app.tenant_id_of(&gussago).await;

    // Checks as often as asked; no forced rebuild.
    let directory = PublicDirectory::with_intervals(
        app.db.clone(),
        std::time::Duration::ZERO,
        std::time::Duration::from_secs(3600),
    );
    let search = types::directory::FacilitySearch { q: Some("richiedei".into()), ..Default::default() };
    let found = directory.search(&slug, &search, types::Lang::It).await.unwrap();
    assert_eq!(found.total_items, 1);
    let id = found.items[0].id.0;

    let tx = app.db.begin().await.unwrap();
    if app.is_postgres() {
        tx.execute_unprepared(&format!("SELECT set_config('app.tenant_id', '{gussago_id}', true)")).await.unwrap();
    }
    // In the form the application writes it (RFC 3339), so SQLite's text MAX sees it last.
    let later = (chrono::Utc::now() + chrono::Duration::seconds(1)).to_rfc3339();
    let sql = format!(
        "UPDATE facility SET name = 'RSA Richiedei (rinnovata)', search_text = 'rsa richiedei rinnovata gussago', \
         updated_at = '{later}' WHERE id = {id}"
    );
    tx.execute_unprepared(&sql).await.unwrap();
    tx.commit().await.unwrap();

    // The first search after the write starts the check; answers follow within moments.
    let mut name = String::new();
    for _ in 0..200 {
        let found = directory.search(&slug, &search, types::Lang::It).await.unwrap();
        name = found.items[0].name.clone();
        if name == "RSA Richiedei (rinnovata)" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(name, "RSA Richiedei (rinnovata)");
}

/// The widgets' default look: a colour with enough contrast and a logo (PNG, JPEG or
/// WebP; an SVG is refused), each inherited by the tenants beneath that have none.
async fn widget_theme_colour_and_logo(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let p_slug = app.slug_of(p).await;
    let (bs, slug) = app.municipality_of(p, "Comune di Brescia", Some("017029")).await;
    let mut province = app.signed_in(&app.user(p, Role::ProvinceAdmin).await).await;
    let mut comune = app.signed_in(&app.user(bs, Role::TenantAdmin).await).await;
    let mut visitor = app.client();
    let theme = format!("/api/public/v1/{slug}/theme");
    let none = domain::theme::public_theme(&app.db, &slug).await.unwrap();
    assert_eq!((none.name.as_str(), none.primary, none.logo), ("Comune di Brescia", None, None));

    // A light colour would leave white text and links unreadable: refused on its field.
    let settings = format!("/api/v1/t/{p_slug}/settings");
    let r = province.put(&settings, json!({"brand_colour": "#66aaff"})).await;
    assert_eq!(fields(&r), ["brand_colour"]);
    assert!(r.text.contains("4.5:1") || r.text.contains("4,5:1"), "{}", r.text);
    let r = province.put(&settings, json!({"brand_colour": "blu"})).await;
    assert_eq!(fields(&r), ["brand_colour"]);
    let r = province.put(&settings, json!({"brand_colour": "#00586E"})).await;
    assert_eq!(r.body["brand_colour"], "#00586e", "{:?}", r.body);

    // The logo: the file itself as the body; its first bytes say what it is.
    let png = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../domain/demo-assets/demo-logo.png")).unwrap();
    let logo = format!("/api/v1/t/{p_slug}/logo");
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec();
    let r = province.request(Method::PUT, &logo, Some(Body::from(svg)), "image/png").await;
    assert_eq!(fields(&r), ["logo"]);
    let huge = [png.clone(), vec![0; 300 * 1024]].concat();
    let r = province.request(Method::PUT, &logo, Some(Body::from(huge)), "image/png").await;
    assert_eq!(fields(&r), ["logo"]);
    let r = province.request(Method::PUT, &logo, Some(Body::from(png.clone())), "image/png").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    // A comune admin cannot change the province's look.
    let r = comune.request(Method::PUT, &logo, Some(Body::from(png.clone())), "image/png").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The comune has none of its own: its widgets show the province's.
    let t = visitor.get(&theme).await.body;
    assert_eq!(t["primary"], "#00586e");
    assert_eq!(t["name"], "Provincia di Prova", "the logo's text alternative names its owner");
    let src = t["logo"].as_str().unwrap().to_string();
    assert!(src.starts_with(&format!("/api/public/v1/{slug}/logo?v=")), "{src}");
    let req = Request::get(&src).body(Body::empty()).unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let body = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
    assert_eq!(body.as_ref(), png.as_slice());

    // Its own colour wins; clearing it brings back the province's.
    let own = format!("/api/v1/t/{slug}/settings");
    comune.put(&own, json!({"brand_colour": "#7a1f1f"})).await;
    // (Public answers are cached for a few seconds: asked past the cache.)
    assert_eq!(domain::theme::public_theme(&app.db, &slug).await.unwrap().primary.as_deref(), Some("#7a1f1f"));
    comune.put(&own, json!({"brand_colour": ""})).await;
    assert_eq!(domain::theme::public_theme(&app.db, &slug).await.unwrap().primary.as_deref(), Some("#00586e"));
    // Other settings leave the colour alone.
    let r = province.put(&settings, json!({"website": "https://www.provincia.brescia.it"})).await;
    assert_eq!(r.body["brand_colour"], "#00586e");
    assert!(r.body["logo"].as_str().unwrap().starts_with(&format!("/api/public/v1/{p_slug}/logo?v=")));

    // The settings page: the colour field and the current logo; the snippet names the
    // configured public origin, not the address this request came through.
    let mut proxied = app.client_via("https://welfare.example.it");
    proxied.cookie = province.cookie.clone();
    let page = proxied.page("/settings").await;
    assert!(page.text.contains("name=\"brand_colour\"") && page.text.contains("id=\"logo-current\""));
    assert!(page.text.contains("https://welfare.example.it/widgets/v1/openwelfare.js"), "{}", page.text);
    let r = province.delete(&logo).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(domain::theme::public_theme(&app.db, &slug).await.unwrap().logo.is_none());
    assert_eq!(visitor.get(&format!("/api/public/v1/{slug}/logo")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(visitor.get("/api/public/v1/no-such-tenant/theme").await.status, StatusCode::NOT_FOUND);
}

on_both!(widget_theme_colour_and_logo);
on_both!(public_directory_sees_writes_of_other_nodes);
on_both!(organizations_districts_and_freshness_window);
on_both!(public_answers_match_the_database);
on_both!(importer_reads_the_social_units_register);
on_both!(hsds_responses_validate_against_the_official_schemas);
on_both!(facility_manager_self_service_and_freshness);
on_both!(staff_form_creates_and_edits);
on_both!(staff_import_page_checks_then_imports);
on_both!(staff_edit_history_and_publication);
on_both!(bad_facility_input_is_refused_field_by_field);
on_both!(importer_reads_the_real_register);
on_both!(importer_handles_other_files_and_refuses_bad_ones);
on_both!(public_search_filters_distance_and_caching);

/// The public answer cache keys on the parameters as parsed: junk parameters, or the same
/// ones in another order, reuse one entry instead of filling the cache (and bypassing it).
async fn public_cache_keys_on_parsed_parameters(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (_, slug) = app.municipality(p, "Comune di Brescia").await;
    let state = server::state::AppState::new(app.db.clone(), common::config(""));
    let mut public = app.client_of(state.clone());
    // An answer is kept from its second asking: a search at a new position is not kept.
    let once = format!("/api/public/v1/{slug}/facilities?near=45.1,10.1");
    assert_eq!(public.get(&once).await.status, StatusCode::OK);
    assert_eq!(state.public_cache.entry_count(), 0);
    assert_eq!(public.get(&once).await.status, StatusCode::OK);
    assert_eq!(state.public_cache.entry_count(), 1);
    for i in 0..50 {
        let r = public.get(&format!("/api/public/v1/{slug}/facilities?q=casa&junk{i}=x")).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        let r = public.get(&format!("/api/public/v1/facility-types?cache_buster={i}")).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let r = public.get(&format!("/api/public/v1/{slug}/facilities?page=1&q=casa")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(state.public_cache.entry_count() <= 3, "{} entries", state.public_cache.entry_count());
}

on_both!(public_cache_keys_on_parsed_parameters);
