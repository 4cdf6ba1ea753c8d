//! Every tenant-scoped route and server function, called by a member of another
//! tenant with the first tenant's objects, answers 404 and shows none of its data; and
//! called by a member of the same tenant who may not see the case record's objects (a
//! social worker who is not on the case, an operator it was not referred to), answers as
//! for objects that do not exist and writes nothing.
//! Routes come from the OpenAPI route table and server functions from the registry that
//! `#[staff_fn]` derives from their declared scopes,
//! so a route added later is covered automatically, or fails here until it declares how.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp};
use serde_json::json;
use types::{Role, TenantId};

/// Objects of tenant A the test can name in paths, by path parameter.
#[derive(Clone)]
struct Fixture {
    slug: String,
    district_id: i64,
    membership_id: i64,
    invitation_id: i64,
    facility_id: i64,
    organization_id: i64,
    contact_id: i64,
    person_id: i64,
    case_id: i64,
    plan_id: i64,
    intervention_id: i64,
    referral_id: i64,
    transfer_id: i64,
    operator_id: i64,
    benefit_id: i64,
}

const SECRET: &str = "Quartiere Riservato di A";

/// Tenant A with one object of each kind, the case record's opened by A's admin (its
/// responsible worker, so no other worker of A is on the case); A's admin is returned
/// signed in.
async fn tenant_a(app: &TestApp, p: TenantId) -> (TenantId, Fixture, common::Client) {
    let (a, a_slug) = app.municipality_of(p, "Comune A", Some("017029")).await;
    let a_admin_email = app.user(a, Role::TenantAdmin).await;
    let mut a_admin = app.signed_in(&a_admin_email).await;
    let d = a_admin.post(&format!("/api/v1/t/{a_slug}/districts"), json!({"name": SECRET})).await;
    assert_eq!(d.status, StatusCode::CREATED);
    let members = a_admin.get(&format!("/api/v1/t/{a_slug}/members")).await;
    let invited = json!({"email": "invitata@example.it", "display_name": SECRET, "role": "front_desk"});
    let inv = a_admin.post(&format!("/api/v1/t/{a_slug}/members"), invited).await;
    assert_eq!(inv.status, StatusCode::ACCEPTED, "{:?}", inv.body);
    let facility = json!({"name": SECRET, "facility_type": "cdd", "areas": ["disabili"], "setting": "day",
                          "address": "Via Segreta 1", "comune": "017029"});
    let f = a_admin.post(&format!("/api/v1/t/{a_slug}/facilities"), facility).await;
    assert_eq!(f.status, StatusCode::CREATED, "{:?}", f.body);
    let o = a_admin
        .post(&format!("/api/v1/t/{a_slug}/organizations"), json!({"name": SECRET, "legal_status": "private"}))
        .await;
    assert_eq!(o.status, StatusCode::CREATED, "{:?}", o.body);
    let contact = json!({"channel": "phone", "area": "anziani", "age_band": "65+", "gender": "female",
        "citizenship": "italian", "request_type": "interventi_domiciliari", "outcome": "pending",
        "district_id": d.body["id"]});
    let c = a_admin.post(&format!("/api/v1/t/{a_slug}/contacts"), contact).await;
    assert_eq!(c.status, StatusCode::CREATED, "{:?}", c.body);
    let person = json!({"first_name": "Persona", "last_name": SECRET, "tax_code": "MRTMTT25D09F205Z"});
    let pe = a_admin.post(&format!("/api/v1/t/{a_slug}/persons"), person).await;
    assert_eq!(pe.status, StatusCode::CREATED, "{:?}", pe.body);
    let a_admin_id = domain::users::user_by_email(&app.db, &a_admin_email).await.unwrap();
    let case = json!({"person_id": pe.body["id"], "area": "anziani", "responsible_id": a_admin_id});
    let ca = a_admin.post(&format!("/api/v1/t/{a_slug}/cases"), case).await;
    assert_eq!(ca.status, StatusCode::CREATED, "{:?}", ca.body);
    let housing = json!({"version": 0, "entries": [{"notes": SECRET}]});
    let r = a_admin.put(&format!("/api/v1/t/{a_slug}/cases/{}/sections/housing", ca.body["id"]), housing).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let case_uri = format!("/api/v1/t/{a_slug}/cases/{}", ca.body["id"]);
    let plan = a_admin.post(&format!("{case_uri}/plans"), json!({"goals": SECRET})).await;
    assert_eq!(plan.status, StatusCode::CREATED, "{:?}", plan.body);
    let intervention = json!({"kind": "prevenzione", "started_on": "2026-01-01", "description": SECRET});
    let iv = a_admin.post(&format!("{case_uri}/interventions"), intervention).await;
    assert_eq!(iv.status, StatusCode::CREATED, "{:?}", iv.body);
    // A referral to A's operator, and a transfer to a third municipality (B, the
    // intruder, is no party to either).
    let operator = app.user(a, Role::ThirdSector).await;
    let operator_id = domain::users::user_by_email(&app.db, &operator).await.unwrap().0;
    let referral = json!({"organization_id": o.body["id"], "user_id": operator_id, "sections": ["housing"],
        "reason": SECRET});
    let re = a_admin.post(&format!("{case_uri}/referrals"), referral).await;
    assert_eq!(re.status, StatusCode::CREATED, "{:?}", re.body);
    let (_, c_slug) = app.municipality_of(p, "Comune C", None).await;
    let transfer = json!({"to_tenant": c_slug, "sections": ["housing"], "reason": SECRET});
    let tr = a_admin.post(&format!("{case_uri}/transfers"), transfer).await;
    assert_eq!(tr.status, StatusCode::CREATED, "{:?}", tr.body);
    // A's own benefits catalogue: a rule and a draft entry.
    let rules = r#"{"benefits": [{"id": "segreto", "eligible_if": {"fact": "isee", "op": "<=", "value": 1}}]}"#;
    let tests = r#"{"tests": []}"#;
    let form = serde_urlencoded::to_string([("shared", "false"), ("version", "0"), ("draft", rules), ("tests", tests)]);
    let r = a_admin.server_fn("/sf/save_benefit_rules", &form.unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let entry = serde_urlencoded::to_string([
        ("shared", "false"),
        ("version", "0"),
        ("code", "segreto"),
        ("level", "municipality"),
        ("category", "housing"),
        ("name_it", SECRET),
        ("summary_it", SECRET),
        ("who_it", SECRET),
        ("amount_it", SECRET),
        ("how_to_apply_it", SECRET),
        ("legal_reference", SECRET),
    ]);
    let be = a_admin.server_fn("/sf/save_benefit_entry", &entry.unwrap()).await;
    assert_eq!(be.status, StatusCode::OK, "{}", be.text);
    let a_tenant = a;
    let fixture = Fixture {
        slug: a_slug.clone(),
        district_id: d.body["id"].as_i64().unwrap(),
        membership_id: members.body["items"][0]["id"].as_i64().unwrap(),
        invitation_id: inv.body["id"].as_i64().unwrap(),
        facility_id: f.body["facility"]["id"].as_i64().unwrap(),
        organization_id: o.body["id"].as_i64().unwrap(),
        contact_id: c.body["id"].as_i64().unwrap(),
        person_id: pe.body["id"].as_i64().unwrap(),
        case_id: ca.body["id"].as_i64().unwrap(),
        plan_id: plan.body["id"].as_i64().unwrap(),
        intervention_id: iv.body["id"].as_i64().unwrap(),
        referral_id: re.body["id"].as_i64().unwrap(),
        transfer_id: tr.body["id"].as_i64().unwrap(),
        operator_id,
        benefit_id: be.body["id"].as_i64().unwrap(),
    };
    (a_tenant, fixture, a_admin)
}

/// What A holds, table by table (every tenant table, from the list the choke point and
/// row-level security are built from), read as the owner.
async fn holdings(app: &TestApp, slug: &str) -> Vec<(&'static str, i64)> {
    let owner = app.owner_connection().await;
    let a_id = app.tenant_id_of(slug).await;
    let mut counts = Vec::new();
    for table in domain::tenancy::TENANT_TABLES {
        let sql = format!("SELECT COUNT(*) FROM {} WHERE tenant_id = {a_id}", table.name);
        counts.push((table.name, common::scalar_i64(&owner, &sql).await));
    }
    counts
}

async fn cross_tenant_access_answers_404(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (_, a, mut a_admin) = tenant_a(&app, p).await;
    let (b, b_slug) = app.municipality_of(p, "Comune B", Some("017161")).await;

    // The intruder must change none of what A holds.
    let before = holdings(&app, &a.slug).await;

    // B's admin: the most privileged local role in another tenant.
    let mut intruder = app.signed_in(&app.user(b, Role::TenantAdmin).await).await;
    // B also has a district with the same id space, so ids alone prove nothing.
    intruder.post(&format!("/api/v1/t/{b_slug}/districts"), json!({"name": "Quartiere di B"})).await;

    let doc = server::api_doc();
    let mut checked = 0;
    for (path, item) in &doc.paths.paths {
        // The public directory is open by design; it is checked below for drafts.
        if !path.contains("{tenant}") || path.starts_with("/api/public/") || path.starts_with("/api/hsds/") {
            continue;
        }
        let uri = fill(path, &a);
        let methods = [
            ("get", item.get.is_some()),
            ("post", item.post.is_some()),
            ("put", item.put.is_some()),
            ("delete", item.delete.is_some()),
            ("patch", item.patch.is_some()),
        ];
        for (method, present) in methods {
            if !present {
                continue;
            }
            let body = json!({"name": "x", "role": "social_worker", "email": "x@example.it", "display_name": "X",
                              "istat_code": "017029", "comuni": ["017029"]});
            let r = match method {
                "get" => intruder.get(&uri).await,
                "post" => intruder.post(&uri, body).await,
                "put" => intruder.put(&uri, body).await,
                "delete" => intruder.delete(&uri).await,
                _ => panic!("{method} {path}: add the method to this test"),
            };
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {uri} answered {} {:?}", r.status, r.body);
            assert_eq!(r.body["code"], "not_found", "{method} {uri}");
            assert!(!r.text.contains(SECRET), "{method} {uri} leaked data");
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} tenant routes found");

    // Server functions act in the session's tenant; B's session names A's objects.
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    for path in &registered {
        let scope = app::api::registered_at(path).map(|f| f.scope).unwrap_or_else(|| {
            panic!("server function {path} is not declared with #[staff_fn] (app::api::registered)")
        });
        if scope != app::api::FnScope::Tenant {
            continue;
        }
        let form = server_fn_form(path, &a);
        let r = intruder.server_fn(path, &form).await;
        assert!(!r.text.contains(SECRET), "{path} leaked A's data: {}", r.text);
        if form.starts_with("id=") {
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
        } else {
            assert!(r.status != StatusCode::INTERNAL_SERVER_ERROR, "{path}: {}", r.text);
        }
    }
    assert_eq!(holdings(&app, &a.slug).await, before, "the intruder changed A's rows");
    // A contact placed in A's district is refused on that field, not saved in B.
    let form = format!(
        "channel=phone&area=anziani&age_band=65%2B&gender=female&citizenship=italian\
         &request_type=prevenzione&outcome=pending&district_id={}",
        a.district_id
    );
    let r = intruder.server_fn("/sf/log_contact", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("district_id"), "{}", r.text);
    // Switching into A is itself refused, and A's objects are intact.
    let r = intruder.put("/api/v1/session/tenant", json!({"tenant": a.slug})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = intruder.server_fn("/sf/switch_tenant", &format!("tenant={}", a.slug)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let still = a_admin.get(&format!("/api/v1/t/{}/districts/{}", a.slug, a.district_id)).await;
    assert_eq!(still.body["name"], SECRET);
    assert_eq!(
        a_admin.get(&format!("/api/v1/t/{}/members", a.slug)).await.body["total"],
        2,
        "the admin and the operator"
    );
    // A's facility is a draft: the public directory shows nothing of it, by list or by id.
    let mut anonymous = app.client();
    for uri in [
        format!("/api/public/v1/{}/facilities", a.slug),
        format!("/api/public/v1/{}/facilities/{}", a.slug, a.facility_id),
        format!("/api/public/v1/{}/facilities.geojson", a.slug),
    ] {
        let r = anonymous.get(&uri).await;
        assert!(!r.text.contains(SECRET), "{uri} leaked a draft");
    }
    let still = a_admin.get(&format!("/api/v1/t/{}/facilities/{}", a.slug, a.facility_id)).await;
    assert_eq!(still.body["facility"]["name"], SECRET);
    let still = a_admin.server_fn("/sf/benefit_entry", &format!("id={}&shared=false", a.benefit_id)).await;
    assert_eq!((still.body["name_it"].as_str(), still.body["status"].as_str()), (Some(SECRET), Some("draft")));
}

/// The form each tenant server function is called with, naming A's objects; a server
/// function added later fails here until it says how it is called.
fn server_fn_form(path: &str, a: &Fixture) -> String {
    match path.trim_start_matches("/sf/") {
        "delete_district" => format!("id={}", a.district_id),
        "rename_district" => format!("id={}&name=Rinominato&code=", a.district_id),
        "get_settings" => String::new(),
        "update_settings" => "contact_email=&website=&stale_after_days=30&embed_origins=".into(),
        "remove_member" => format!("id={}", a.membership_id),
        "revoke_invitation" => format!("id={}", a.invitation_id),
        "pending_invitations" => String::new(),
        "tenant_tree" => String::new(),
        "list_members" | "list_districts" => "page=1".into(),
        "membership_changes" => String::new(),
        "search_comuni" => "q=bre".into(),
        "create_district" => "name=Nuovo&code=".into(),
        "add_member" => "email=nuovo%40example.it&display_name=Nuovo&role=social_worker".into(),
        "create_municipality" => "istat_code=017029".into(),
        "create_zone" => "name=Ambito&comuni=017029".into(),
        "search_facilities" => "page=1&filters[status]=all".into(),
        "staff_filter_options" => String::new(),
        "facility_detail" => format!("id={}", a.facility_id),
        "set_facility_state" => format!("id={}&published=true", a.facility_id),
        "my_facility" => String::new(),
        // Multipart only: a form body is refused before anything is read.
        "import_facilities" | "upload_logo" => "file=x".into(),
        "remove_logo" => String::new(),
        "save_facility" => format!(
            "id={}&form[name]=Preso&form[facility_type]=cdd&form[areas][disabili]=on&form[setting]=day\
             &form[address]=Via+1&form[comune]=017029&form[hours]=",
            a.facility_id
        ),
        "update_my_facility" => "places_free=1&hours=".into(),
        "invite_facility_manager" => format!("id={}&email=x%40example.it&display_name=X", a.facility_id),
        "list_organizations" => "page=1".into(),
        "organization_detail" => format!("id={}", a.organization_id),
        "save_organization" => format!("id={}&name=Presa&legal_status=private", a.organization_id),
        "facility_choices" => format!("id={}", a.facility_id),
        "list_contacts" => "page=1".into(),
        "contact_form_options" => String::new(),
        "search_persons" => "q=Riservato".into(),
        "person_detail" => format!("id={}", a.person_id),
        "save_person" => format!("id={}&version=1&first_name=Preso&last_name=Preso", a.person_id),
        "contact_detail" => format!("id={}", a.contact_id),
        "search_cases" => "q=Riservato".into(),
        "case_workers" => String::new(),
        "case_page" | "case_work" => format!("id={}", a.case_id),
        "case_section" => format!("id={}&section=housing", a.case_id),
        "save_case_section" => {
            format!("id={}&section=housing&version=1&entries%5B0%5D%5Bnotes%5D=Preso", a.case_id)
        }
        "edit_case" => format!("id={}&version=1&area=anziani&opened_on=2026-01-01", a.case_id),
        "set_case_access" => format!("id={}&responsible_id=1", a.case_id),
        "person_household" => format!("id={}", a.person_id),
        "person_export" => format!("id={}", a.person_id),
        "erase_person" => format!("id={}&mode=anonymise&confirm=on", a.person_id),
        "add_household_member" => format!("id={}&first_name=A&last_name=B&relationship=child", a.person_id),
        "remove_household_member" => format!("id={}&member_id=1", a.person_id),
        "case_audit" => format!("id={}", a.case_id),
        "add_assessment" => format!("id={}&problems=x&summary=y", a.case_id),
        "save_plan" => format!("id={}&plan_id={}&version=1&goals=Preso", a.case_id, a.plan_id),
        "review_plan" => format!("id={}&plan_id={}&notes=Preso", a.case_id, a.plan_id),
        "record_intervention" => format!("id={}&kind=prevenzione&started_on=2026-01-01", a.case_id),
        "reviews_due" => String::new(),
        "received_referrals" | "incoming_transfers" => String::new(),
        "refer_case" => format!(
            "id={}&organization_id={}&user_id={}&sections%5B0%5D=housing&reason=Preso",
            a.case_id, a.organization_id, a.operator_id
        ),
        "end_referral" => format!("id={}&referral_id={}", a.case_id, a.referral_id),
        "propose_transfer" => format!("id={}&to_tenant={}&sections%5B0%5D=housing&reason=Preso", a.case_id, a.slug),
        // Named by id in B's session: not B's to decide (B's operator and admin see none).
        "decide_referral" => format!("referral_id={}&decision=accept", a.referral_id),
        "decide_transfer" => format!("transfer_id={}&decision=accept&responsible_id=1", a.transfer_id),
        // Names A's person and contact: refused, nothing opened in B.
        "open_case" => format!("person_id={}&area=anziani&contact_id={}", a.person_id, a.contact_id),
        // The intruder may log in its own tenant; it names A's district, which is refused.
        "log_contact" => format!(
            "channel=phone&area=anziani&age_band=65%2B&gender=female&citizenship=italian\
             &request_type=prevenzione&outcome=pending&district_id={}",
            a.district_id
        ),
        // B's own catalogue: A's rules and entries are not in it.
        "benefit_catalogue" => "shared=false".into(),
        "save_benefit_rules" => "shared=false&version=0&draft=%7B%7D&tests=%7B%7D".into(),
        "publish_benefit_rules" => "shared=false&version=1".into(),
        "benefit_entry" => format!("id={}&shared=false", a.benefit_id),
        "save_benefit_entry" => format!(
            "id={}&shared=false&version=1&code=segreto&level=municipality&category=housing&name_it=Preso\
             &summary_it=x&who_it=x&amount_it=x&how_to_apply_it=x&legal_reference=x",
            a.benefit_id
        ),
        "set_benefit_status" => format!("id={}&shared=false&status=retired", a.benefit_id),
        other => panic!("server function {other}: add its cross-tenant arguments to this test"),
    }
}

/// Replaces path parameters with tenant A's objects; an unknown parameter fails the test
/// until a fixture for it is added above.
fn fill(path: &str, a: &Fixture) -> String {
    let mut out = String::new();
    for segment in path.split('/').skip(1) {
        out.push('/');
        match segment {
            "{tenant}" => out.push_str(&a.slug),
            "{district_id}" => out.push_str(&a.district_id.to_string()),
            "{membership_id}" => out.push_str(&a.membership_id.to_string()),
            "{invitation_id}" => out.push_str(&a.invitation_id.to_string()),
            "{facility_id}" => out.push_str(&a.facility_id.to_string()),
            "{organization_id}" => out.push_str(&a.organization_id.to_string()),
            "{contact_id}" => out.push_str(&a.contact_id.to_string()),
            "{person_id}" => out.push_str(&a.person_id.to_string()),
            "{case_id}" => out.push_str(&a.case_id.to_string()),
            "{section}" => out.push_str("housing"),
            "{plan_id}" => out.push_str(&a.plan_id.to_string()),
            "{intervention_id}" => out.push_str(&a.intervention_id.to_string()),
            "{referral_id}" => out.push_str(&a.referral_id.to_string()),
            "{transfer_id}" => out.push_str(&a.transfer_id.to_string()),
            s if s.starts_with('{') => panic!("{path}: no cross-tenant fixture for {s}"),
            s => out.push_str(s),
        }
    }
    out
}

on_both!(cross_tenant_access_answers_404);

/// No id of the case record is this large in the test database: the "missing" objects.
const MISSING: i64 = 999_999;

impl Fixture {
    /// The same fixture with the case record's objects replaced by ids that do not exist.
    fn with_missing_case_record(&self) -> Fixture {
        Fixture {
            person_id: MISSING,
            case_id: MISSING,
            plan_id: MISSING,
            intervention_id: MISSING,
            referral_id: MISSING,
            transfer_id: MISSING,
            ..self.clone()
        }
    }
}

/// A member of tenant A who is not on A's case (a social worker, an operator the case was
/// not referred to) names its person, case, plan, intervention, referral or transfer in
/// every route and server function: each answers exactly as for an id that does not
/// exist (404, or 403 when the role may not do that at all), shows none of it, and writes
/// nothing. Routes and server functions come from the same tables as above, so one added
/// later is covered too.
async fn invisible_objects_of_the_same_tenant_answer_as_missing(app: TestApp) {
    app.load_comuni().await;
    let p = app.province("Provincia di Prova", "017").await;
    let (a_tenant, a, _a_admin) = tenant_a(&app, p).await;
    let missing = a.with_missing_case_record();
    let worker = app.signed_in(&app.user(a_tenant, Role::SocialWorker).await).await;
    let operator = app.signed_in(&app.user(a_tenant, Role::ThirdSector).await).await;
    let before = holdings(&app, &a.slug).await;
    let owner = app.owner_connection().await;
    let other = format!("SELECT COUNT(*) FROM audit_entry WHERE tenant_id = {} AND action <> 'refused'", a_tenant.0);
    let audited_before = common::scalar_i64(&owner, &other).await;
    let doc = server::api_doc();
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    let mut checked = 0;
    for (who, mut caller) in [("social worker", worker), ("operator", operator)] {
        for (path, item) in &doc.paths.paths {
            if !path.contains("{tenant}") || path.starts_with("/api/public/") || path.starts_with("/api/hsds/") {
                continue;
            }
            let (uri, uri_missing) = (fill(path, &a), fill(path, &missing));
            if uri == uri_missing {
                continue; // names nothing of the case record
            }
            let body = json!({"version": 1, "entries": [], "goals": "Preso", "first_name": "Preso",
                              "last_name": "Preso", "area": "anziani", "mode": "anonymise", "decision": "accept"});
            for (method, present) in [
                ("get", item.get.is_some()),
                ("post", item.post.is_some()),
                ("put", item.put.is_some()),
                ("delete", item.delete.is_some()),
            ] {
                if !present {
                    continue;
                }
                let mut call = async |uri: &str| match method {
                    "get" => caller.get(uri).await,
                    "post" => caller.post(uri, body.clone()).await,
                    "put" => caller.put(uri, body.clone()).await,
                    _ => caller.delete(uri).await,
                };
                let (seen, absent) = (call(&uri).await, call(&uri_missing).await);
                assert!(!seen.text.contains(SECRET), "{who}: {method} {uri} leaked the case record");
                assert_eq!(
                    (seen.status, &seen.body["code"]),
                    (absent.status, &absent.body["code"]),
                    "{who}: {method} {uri} answers otherwise than for a missing object: {:?}",
                    seen.body
                );
                assert!(
                    [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&seen.status),
                    "{who}: {method} {uri} answered {} {:?}",
                    seen.status,
                    seen.body
                );
                checked += 1;
            }
        }
        for path in &registered {
            if app::api::registered_at(path).map(|f| f.scope) != Some(app::api::FnScope::Tenant) {
                continue;
            }
            let (form, form_missing) = (server_fn_form(path, &a), server_fn_form(path, &missing));
            if form == form_missing {
                continue;
            }
            let (seen, absent) = (caller.server_fn(path, &form).await, caller.server_fn(path, &form_missing).await);
            assert!(!seen.text.contains(SECRET), "{who}: {path} leaked the case record: {}", seen.text);
            assert_eq!(seen.status, absent.status, "{who}: {path}: {} / {}", seen.text, absent.text);
            assert!(
                [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&seen.status),
                "{who}: {path} answered {} {}",
                seen.status,
                seen.text
            );
            checked += 1;
        }
        // Ids in a body, not the path: a case opened for A's person, and that person put in a
        // household the worker keeps, are refused as for a missing person.
        let base = format!("/api/v1/t/{}", a.slug);
        for person in [a.person_id, MISSING] {
            let r = caller.post(&format!("{base}/cases"), json!({"person_id": person, "area": "anziani"})).await;
            assert!([StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&r.status), "{who}: {:?}", r.body);
            assert!(!r.text.contains(SECRET));
            let r = caller
                .server_fn("/sf/open_case", &format!("person_id={person}&area=anziani&contact_id={}", a.contact_id))
                .await;
            assert!([StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&r.status), "{who}: {}", r.text);
        }
    }
    assert!(checked >= 40, "only {checked} calls name the case record");
    let without_audit = |h: Vec<(&'static str, i64)>| h.into_iter().filter(|(t, _)| *t != "audit_entry").collect();
    let (after, before): (Vec<_>, Vec<_>) = (without_audit(holdings(&app, &a.slug).await), without_audit(before));
    assert_eq!(after, before, "a member who may not see the case record changed it");

    // Though every one of those transactions rolled back, each refusal stands in A's audit
    // log: the case's and the person's, by both callers, and nothing else was written.
    let refused = |object: &str, id: i64| {
        format!(
            "SELECT COUNT(DISTINCT user_id) FROM audit_entry WHERE tenant_id = {} AND action = 'refused' \
             AND object_type = '{object}' AND object_id = {id}",
            a_tenant.0
        )
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while common::scalar_i64(&owner, &refused("case", a.case_id)).await < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(common::scalar_i64(&owner, &refused("case", a.case_id)).await, 2);
    assert!(common::scalar_i64(&owner, &refused("person", a.person_id)).await >= 1);
    assert_eq!(common::scalar_i64(&owner, &other).await, audited_before, "a refused call wrote other entries");
    assert!(domain::audit::verify(&app.db, a_tenant, None).await.unwrap().broken.is_none());

    // A worker's own person (nobody has taken them in charge): A's person cannot join
    // their household, the same refusal as for a missing person.
    let mut worker = app.signed_in(&app.user(a_tenant, Role::SocialWorker).await).await;
    let base = format!("/api/v1/t/{}", a.slug);
    let own = worker.post(&format!("{base}/persons"), json!({"first_name": "Gino", "last_name": "Proprio"})).await;
    assert_eq!(own.status, StatusCode::CREATED, "{:?}", own.body);
    let household = format!("{base}/persons/{}/household", own.body["id"]);
    for member in [a.person_id, MISSING] {
        let r = worker.put(&household, json!({"members": [{"member_id": member, "relationship": "child"}]})).await;
        assert_eq!(Reply::fields(&r), ["members.0.member_id"], "{:?}", r.body);
    }
}

on_both!(invisible_objects_of_the_same_tenant_answer_as_missing);
