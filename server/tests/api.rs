//! Integration tests through the real router, each on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{scalar_i64, TestApp, PASSWORD};
use serde_json::json;
use types::{Role, TenantId};

async fn health_and_readiness(app: TestApp) {
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    let ready = c.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK, "{:?}", ready.body);
    let doc = c.get("/api/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["paths"]["/api/v1/t/{tenant}/districts"].is_object());
    let docs = c.get("/api/docs").await;
    assert!(docs.text.contains("/assets/swagger-ui/swagger-ui-bundle.js"));
}

async fn sign_in_errors_never_reveal_accounts(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let email = app.user(p, Role::ProvinceAdmin).await;
    let mut c = app.client();
    let wrong = c.post("/api/v1/session", json!({"email": email, "password": "wrong-password"})).await;
    let unknown = c.post("/api/v1/session", json!({"email": "nobody@example.it", "password": "wrong-password"})).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.body["code"], "bad_credentials");
    assert_eq!(wrong.body["message"], "Email o password non corrette.");
    assert_eq!(c.get("/api/v1/session").await.status, StatusCode::UNAUTHORIZED);
}

async fn bad_input_gets_clear_translated_errors(app: TestApp) {
    let mut c = app.client();
    c.lang = Some("en-GB,en;q=0.9");
    // Malformed JSON.
    let r = c.request(Method::POST, "/api/v1/session", Some(Body::from("{nope")), "application/json").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["code"], "validation");
    assert_eq!(r.body["message"], "Some fields are not valid: please correct them and try again.");
    // Missing fields, field by field.
    let r = c.post("/api/v1/session", json!({"email": "", "password": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> =
        r.body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_string()).collect();
    assert_eq!(fields, ["email", "password"]);
    assert_eq!(r.body["fields"][0]["message"], "This field is required.");
    // Over-long input is a failed login, not a crash.
    let r = c.post("/api/v1/session", json!({"email": "a".repeat(100_000), "password": "b".repeat(100_000)})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Unknown tenant slug and unknown routes: 404 JSON.
    let p = app.province("Provincia di Prova", "017").await;
    let mut admin = app.signed_in(&app.user(p, Role::ProvinceAdmin).await).await;
    // Signed in, the session's language (the user's, Italian) wins over the browser's.
    assert_eq!(admin.get("/api/v1/t/no-such-tenant/districts").await.body["message"], "Non trovato.");
    assert_eq!(admin.put("/api/v1/session/lang", json!({"lang": "en"})).await.status, StatusCode::NO_CONTENT);
    let r = admin.get("/api/v1/t/no-such-tenant/districts").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["message"], "Not found.");
    assert_eq!(admin.get("/api/v1/t/x/districts/not-a-number").await.status, StatusCode::NOT_FOUND);
    assert_eq!(admin.get("/no/such/page/at/all.json").await.status, StatusCode::NOT_FOUND);
    // A wrong type in a body field.
    let r = admin.put("/api/v1/session/lang", json!({"lang": 42})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin.put("/api/v1/session/lang", json!({"lang": "klingon"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["fields"][0]["field"], "lang");
}

async fn forged_origin_is_refused(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let email = app.user(p, Role::ProvinceAdmin).await;
    let mut c = app.client();
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"email": email, "password": PASSWORD}).to_string()))
        .unwrap();
    let r = c.send(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.body["code"], "bad_origin");
    assert_eq!(r.body["message"], "Richiesta rifiutata: proviene da un altro sito.");
    assert!(r.set_cookie.is_none(), "no session for a refused request");
}

async fn sign_in_rotates_the_session_and_signs_out(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let email = app.user(p, Role::ProvinceAdmin).await;
    let mut c = app.client();
    // An anonymous session (language choice) exists before signing in.
    assert_eq!(c.put("/api/v1/session/lang", json!({"lang": "en"})).await.status, StatusCode::NO_CONTENT);
    let before = c.cookie.clone().expect("anonymous session cookie");
    let r = app.sign_in(&mut c, &email.to_uppercase(), PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK);
    let cookie = r.set_cookie.unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert_ne!(c.cookie.clone().unwrap(), before, "session id must change at sign-in");
    assert_eq!(r.body["user"]["lang"], "it");
    assert_eq!(r.body["current"]["role"], "province_admin");
    let me = c.get("/api/v1/session").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(c.delete("/api/v1/session").await.status, StatusCode::NO_CONTENT);
    assert_eq!(c.get("/api/v1/session").await.status, StatusCode::UNAUTHORIZED);
}

async fn repeated_failures_lock_out(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let email = app.user(p, Role::ProvinceAdmin).await;
    let mut c = app.client();
    for _ in 0..5 {
        let r = c.post("/api/v1/session", json!({"email": email, "password": "wrong-password"})).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Locked now, even with the right password; unknown emails behave the same.
    let r = c.post("/api/v1/session", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.body["code"], "too_many_attempts");
    for _ in 0..5 {
        c.post("/api/v1/session", json!({"email": "ghost@example.it", "password": "x"})).await;
    }
    let r = c.post("/api/v1/session", json!({"email": "ghost@example.it", "password": "x"})).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

/// 50 sign-ins at once: each wrong guess counts (the counter moves in one statement, not
/// read and written back), none is a server error, and the right password still gets in
/// for everyone at once.
async fn parallel_sign_ins_all_count(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let guessed = app.user(p, Role::ProvinceAdmin).await;
    let statuses = in_parallel(&app, 50, &guessed, "wrong-password").await;
    for status in &statuses {
        assert!(
            *status == StatusCode::UNAUTHORIZED || *status == StatusCode::TOO_MANY_REQUESTS,
            "a parallel guess answered {status}"
        );
    }
    assert_eq!(
        scalar_i64(&app.db, "SELECT CAST(MAX(failures) AS BIGINT) FROM login_throttle").await,
        50,
        "every guess counts"
    );
    let r = app.client().post("/api/v1/session", json!({"email": guessed, "password": PASSWORD})).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);

    let rightful = app.user(p, Role::ProvinceAdmin).await;
    let statuses = in_parallel(&app, 50, &rightful, PASSWORD).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
}

/// `n` sign-ins as `email` with `password`, all at once; their statuses.
async fn in_parallel(app: &TestApp, n: usize, email: &str, password: &str) -> Vec<StatusCode> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let mut c = app.client();
        let body = json!({"email": email, "password": password});
        set.spawn(async move { c.post("/api/v1/session", body).await.status });
    }
    set.join_all().await
}

async fn passwords_change_and_reset(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let email = app.user(p, Role::ProvinceAdmin).await;
    let mut c = app.signed_in(&email).await;
    let r = c
        .post("/api/v1/session/password", json!({"current_password": "nope", "new_password": "another-long-one"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["fields"][0]["field"], "current_password");
    let r = c.post("/api/v1/session/password", json!({"current_password": PASSWORD, "new_password": "short"})).await;
    assert_eq!(r.body["fields"][0]["field"], "new_password");
    let r = c
        .post("/api/v1/session/password", json!({"current_password": PASSWORD, "new_password": "another-long-one"}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    let token = domain::auth::issue_password_token_for_email(&app.db, &email).await.unwrap();
    let mut anon = app.client();
    let r = anon.post("/api/v1/password-reset", json!({"token": token, "new_password": "reset-via-token-1"})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // One-time: the same token fails the second time.
    let r = anon.post("/api/v1/password-reset", json!({"token": token, "new_password": "reset-via-token-2"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["fields"][0]["field"], "token");
    let r = anon.post("/api/v1/session", json!({"email": email, "password": "reset-via-token-1"})).await;
    assert_eq!(r.status, StatusCode::OK);
}

/// Roles that read case data or manage users sign in with a second factor (TOTP, RFC
/// 6238): enrolled on the first sign-in, with ten single-use recovery codes; a pending
/// session signs no one in; no code works twice; wrong codes lock the account like wrong
/// passwords, counted even in parallel. Roles without case data sign in with the password.
async fn second_factor_guards_case_data_roles(app: TestApp) {
    use domain::second_factor::{code_for_step, step_of};
    let p = app.province("Provincia di Prova", "017").await;
    let (t, slug) = app.municipality(p, "Comune di Rezzato").await;
    let email = format!("nuova.{}@test.openwelfare.it", t.0);
    let id = domain::users::ensure_user(&app.db, &email, "Nuova", Some(PASSWORD)).await.unwrap();
    domain::users::grant(&app.db, id, t, Role::SocialWorker).await.unwrap();
    let mut c = app.client();
    let r = c.post("/api/v1/session", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!({"second_factor": "totp", "enrol": true})));
    assert_eq!(c.get("/api/v1/session").await.status, StatusCode::UNAUTHORIZED, "pending is not signed in");
    assert_eq!(c.get(&format!("/api/v1/t/{slug}/persons")).await.status, StatusCode::UNAUTHORIZED);
    let e = c.get("/api/v1/session/totp/enrolment").await;
    assert_eq!(e.status, StatusCode::OK, "{:?}", e.body);
    let secret = e.body["secret"].as_str().unwrap().to_string();
    assert!(e.body["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/OpenWelfare:"), "{:?}", e.body);
    assert!(e.body["qr_svg"].as_str().unwrap().contains("<svg"), "a QR code to scan");
    assert_eq!(
        c.get("/api/v1/session/totp/enrolment").await.body["secret"],
        secret.as_str(),
        "asked twice, one secret"
    );
    let now = || step_of(app.db.now().timestamp());
    let right = code_for_step(&secret, now()).unwrap();
    let wrong = if right == "123456" { "654321" } else { "123456" };
    let r = c.post("/api/v1/session/totp", json!({"code": wrong})).await;
    assert_eq!(common::Reply::fields(&r), ["code"], "{:?}", r.body);
    let r = c.post("/api/v1/session/totp", json!({"code": right})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["user"]["email"], email.as_str());
    let recovery: Vec<String> =
        r.body["recovery_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(c.get(&format!("/api/v1/t/{slug}/persons")).await.status, StatusCode::OK);

    // Enrolled: the code is asked for, and the one just used does not work again.
    assert_eq!(c.delete("/api/v1/session").await.status, StatusCode::NO_CONTENT);
    let r = c.post("/api/v1/session", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.body, json!({"second_factor": "totp"}));
    assert_eq!(c.get("/api/v1/session/totp/enrolment").await.status, StatusCode::CONFLICT);
    let r = c.post("/api/v1/session/totp", json!({"code": right})).await;
    assert!(r.text.contains("già stato usato"), "{:?}", r.body);
    // A recovery code stands in once (in capitals, with a space, all the same).
    let r = c.post("/api/v1/session/totp", json!({"code": recovery[0].to_uppercase().replace('-', " ")})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(c.delete("/api/v1/session").await.status, StatusCode::NO_CONTENT);
    c.post("/api/v1/session", json!({"email": email, "password": PASSWORD})).await;
    let r = c.post("/api/v1/session/totp", json!({"code": recovery[0]})).await;
    assert_eq!(common::Reply::fields(&r), ["code"], "a recovery code works once: {:?}", r.body);
    // No second step without the password.
    let mut stranger = app.client();
    let r = stranger.post("/api/v1/session/totp", json!({"code": recovery[1]})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Fifty wrong codes at once all count: the account is locked, the right code too waits.
    let tries = (0..50).map(|i| {
        let mut c = c.clone();
        async move { c.post("/api/v1/session/totp", json!({"code": format!("{:06}", 900_000 + i)})).await.status }
    });
    let statuses = futures::future::join_all(tries).await;
    assert!(statuses.iter().all(|s| s.is_client_error()), "{statuses:?}");
    let r = c.post("/api/v1/session/totp", json!({"code": recovery[1]})).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{:?}", r.body);

    // The staff app's sign-in takes the same two steps.
    let worker = app.user(t, Role::SocialWorker).await;
    let mut s = app.client();
    let r = s.server_fn("/sf/sign_in", &format!("email={}&password={PASSWORD}", worker.replace('@', "%40"))).await;
    assert_eq!(r.body, json!({"second_factor": "totp"}), "{}", r.text);
    let code = app.totp_code(&worker, common::TOTP_SECRET).await;
    let r = s.server_fn("/sf/verify_totp", &format!("code={code}")).await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!([])), "{}", r.text);
    assert_eq!(s.page("/").await.status, StatusCode::OK);

    // Forgetting the authenticator (a lost phone) ends its sessions; the next sign-in enrols.
    domain::second_factor::reset(&app.db, &worker).await.unwrap();
    assert_eq!(s.get("/api/v1/session").await.status, StatusCode::UNAUTHORIZED);
    let r = s.post("/api/v1/session", json!({"email": worker, "password": PASSWORD})).await;
    assert_eq!(r.body, json!({"second_factor": "totp", "enrol": true}));

    // A province analyst reads no case data and manages nobody: the password suffices.
    let analyst = app.user(p, Role::ProvinceAnalyst).await;
    let r = app.client().post("/api/v1/session", json!({"email": analyst, "password": PASSWORD})).await;
    assert!(r.body["user"].is_object(), "{:?}", r.body);
    // A facility manager's session, opened with the password alone, ends when the account
    // is given a role that reads case data: the next sign-in enrols.
    let manager = app.user(t, Role::FacilityManager).await;
    let mut m = app.signed_in(&manager).await;
    assert_eq!(m.get("/api/v1/session").await.status, StatusCode::OK);
    let manager_id = domain::users::user_by_email(&app.db, &manager).await.unwrap();
    domain::users::grant(&app.db, manager_id, t, Role::SocialWorker).await.unwrap();
    assert_eq!(m.get("/api/v1/session").await.status, StatusCode::UNAUTHORIZED);
    let r = m.post("/api/v1/session", json!({"email": manager, "password": PASSWORD})).await;
    assert_eq!(r.body, json!({"second_factor": "totp", "enrol": true}));
}

/// A changed password ends the user's other sessions (this one goes on), a reset one
/// ends them all, and no session outlives a working day however active it is.
async fn password_changes_end_other_sessions(app: TestApp) {
    let (app, clock) = app.at_fixed_time("2026-03-02T08:00:00Z");
    let p = app.province("Provincia di Prova", "017").await;
    let email = app.user(p, Role::ProvinceAdmin).await;
    let (mut here, mut elsewhere) = (app.signed_in(&email).await, app.signed_in(&email).await);
    let r = here
        .post("/api/v1/session/password", json!({"current_password": PASSWORD, "new_password": "another-long-one"}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(here.get("/api/v1/session").await.status, StatusCode::OK, "the changing session goes on");
    assert_eq!(elsewhere.get("/api/v1/session").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(elsewhere.server_fn("/sf/list_districts", "page=1").await.status, StatusCode::UNAUTHORIZED);

    let token = domain::auth::issue_password_token_for_email(&app.db, &email).await.unwrap();
    let r =
        app.client().post("/api/v1/password-reset", json!({"token": token, "new_password": "reset-via-token-1"})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(here.get("/api/v1/session").await.status, StatusCode::UNAUTHORIZED, "a reset ends every session");

    // Half a minute on: the two sign-ins above spent this step's codes and the next one's.
    clock.set(chrono::DateTime::parse_from_rfc3339("2026-03-02T08:00:30Z").unwrap().into());
    let mut c = app.client();
    let r = app.sign_in(&mut c, &email, "reset-via-token-1").await;
    assert_eq!(r.status, StatusCode::OK);
    clock.set(chrono::DateTime::parse_from_rfc3339("2026-03-02T19:59:00Z").unwrap().into());
    assert_eq!(c.get("/api/v1/session").await.status, StatusCode::OK);
    clock.set(chrono::DateTime::parse_from_rfc3339("2026-03-02T20:01:00Z").unwrap().into());
    assert_eq!(c.get("/api/v1/session").await.status, StatusCode::UNAUTHORIZED, "twelve hours at most");
}

/// A reset link works for one hour, once (of ten uses at the same time exactly one
/// wins), and a newer link revokes the older ones.
async fn reset_links_are_short_lived_and_single_use(app: TestApp) {
    let (app, clock) = app.at_fixed_time("2026-03-02T08:00:00Z");
    let p = app.province("Provincia di Prova", "017").await;
    let email = app.user(p, Role::ProvinceAdmin).await;
    let reset = |token: String, password: &'static str| {
        let mut c = app.client();
        async move { c.post("/api/v1/password-reset", json!({"token": token, "new_password": password})).await.status }
    };
    let older = domain::auth::issue_password_token_for_email(&app.db, &email).await.unwrap();
    let newer = domain::auth::issue_password_token_for_email(&app.db, &email).await.unwrap();
    assert_eq!(reset(older, "reset-via-token-1").await, StatusCode::UNPROCESSABLE_ENTITY, "revoked by the newer");
    clock.set(chrono::DateTime::parse_from_rfc3339("2026-03-02T09:01:00Z").unwrap().into());
    assert_eq!(reset(newer, "reset-via-token-1").await, StatusCode::UNPROCESSABLE_ENTITY, "over an hour old");

    let token = domain::auth::issue_password_token_for_email(&app.db, &email).await.unwrap();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..10 {
        set.spawn(reset(token.clone(), "reset-via-token-2"));
    }
    let statuses = set.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::NO_CONTENT).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::NO_CONTENT || *s == StatusCode::UNPROCESSABLE_ENTITY));
}

/// A page number from a request is bounded where lists read it: a huge or overflowing one
/// is a field error (it used to overflow the offset and panic), a 60 KB search text an
/// answer.
async fn huge_pages_and_long_searches_are_not_server_errors(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (t, slug) = app.municipality(p, "Comune di Brescia").await;
    let mut admin = app.signed_in(&app.user(t, Role::TenantAdmin).await).await;
    let mut worker = app.signed_in(&app.user(t, Role::SocialWorker).await).await;
    for list in ["persons", "cases", "districts", "members"] {
        for page in ["100001", "9223372036854775807", "18446744073709551615", "99999999999999999999999"] {
            let c = if list == "districts" || list == "members" { &mut admin } else { &mut worker };
            let r = c.get(&format!("/api/v1/t/{slug}/{list}?page={page}")).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{list} page {page}: {:?}", r.body);
        }
    }
    let r = admin.server_fn("/sf/list_districts", "page=18446744073709551615").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(common::Reply::fields(&r), ["page"]);
    let r = worker.get(&format!("/api/v1/t/{slug}/persons?page=100000")).await;
    assert_eq!(r.status, StatusCode::OK, "the last allowed page is just empty");
    for list in ["persons", "cases"] {
        let r = worker.get(&format!("/api/v1/t/{slug}/{list}?q={}", "a".repeat(60_000))).await;
        assert_eq!(r.status, StatusCode::OK, "{list}");
    }
}

async fn districts_are_managed_by_the_tenant_admin(app: TestApp) {
    let p = app.province("Provincia di Prova", "037").await;
    let (t, slug) = app.municipality(p, "Comune di Bologna").await;
    let mut admin = app.signed_in(&app.user(t, Role::TenantAdmin).await).await;
    let base = format!("/api/v1/t/{slug}/districts");
    let r = admin.post(&base, json!({"name": "Navile", "code": "Q2"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let r = admin.post(&base, json!({"name": "Navile"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.body["message"], "Esiste già un quartiere con questo nome.");
    let r = admin.post(&base, json!({"name": "  ", "code": "x".repeat(30)})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["fields"].as_array().unwrap().len(), 2);
    let r = admin.put(&format!("{base}/{id}"), json!({"name": "Navile (Bolognina)"})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(admin.get(&base).await.body["items"][0]["name"], "Navile (Bolognina)");
    for n in 0..25 {
        assert_eq!(admin.post(&base, json!({"name": format!("Zona {n:02}")})).await.status, StatusCode::CREATED);
    }
    let page2 = admin.get(&format!("{base}?page=2")).await;
    assert_eq!((page2.body["total"].as_u64(), page2.body["items"].as_array().unwrap().len()), (Some(26), 6));
    // A social worker can read but not change them.
    let mut worker = app.signed_in(&app.user(t, Role::SocialWorker).await).await;
    assert_eq!(worker.get(&base).await.status, StatusCode::OK);
    assert_eq!(worker.post(&base, json!({"name": "Porto"})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.delete(&format!("{base}/{id}")).await.status, StatusCode::NO_CONTENT);
    assert_eq!(admin.get(&format!("{base}/{id}")).await.status, StatusCode::NOT_FOUND);
}

async fn members_are_added_listed_and_paginated(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (t, slug) = app.municipality(p, "Comune di Rezzato").await;
    let admin_email = app.user(t, Role::TenantAdmin).await;
    let mut admin = app.signed_in(&admin_email).await;
    let base = format!("/api/v1/t/{slug}/members");
    // Adding someone sends an invitation; the admin sees the address and no token.
    let r = admin
        .post(
            &base,
            json!({"email": "Nuova.Collega@Comune.it", "display_name": "Nuova Collega", "role": "social_worker"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    assert_eq!(r.body["email"], "nuova.collega@comune.it");
    let mut keys: Vec<_> = r.body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["created_at", "display_name", "email", "expired", "expires_at", "facility_id", "id", "role"]);
    let r =
        admin.post(&base, json!({"email": "nuova.collega@comune.it", "display_name": "X", "role": "front_desk"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = admin.post(&base, json!({"email": "p@comune.it", "display_name": "P", "role": "province_admin"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["fields"][0]["field"], "role");
    for i in 0..21 {
        app.user(t, if i % 2 == 0 { Role::FrontDesk } else { Role::SocialWorker }).await;
    }
    // Nobody is a member before accepting.
    let page1 = admin.get(&base).await;
    assert_eq!(page1.body["total"], 22);
    assert_eq!(page1.body["items"].as_array().unwrap().len(), 20);
    let page2 = admin.get(&format!("{base}?page=2")).await;
    assert_eq!(page2.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(admin.get(&format!("{base}?page=abc")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let pending = admin.get(&format!("/api/v1/t/{slug}/invitations")).await;
    assert_eq!(pending.body.as_array().unwrap().len(), 1, "{:?}", pending.body);

    // The new colleague opens the e-mailed link and creates the account with a password.
    let token = app.invitation_token("nuova.collega@comune.it").await;
    let mut anon = app.client();
    let r = anon.post("/api/v1/invitations/preview", json!({"token": token})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        (r.body["tenant_name"].as_str(), r.body["has_account"].as_bool()),
        (Some("Comune di Rezzato"), Some(false))
    );
    let account = |token: &str, password: &str| json!({"token": token, "display_name": "Nuova Collega", "new_password": password});
    let r = anon.post("/api/v1/invitations/account", account(&token, "corta")).await;
    assert_eq!(common::Reply::fields(&r), ["new_password"], "{:?}", r.body);
    let r = anon.post("/api/v1/invitations/account", account(&"0".repeat(64), "benvenuta-2026")).await;
    assert_eq!(common::Reply::fields(&r), ["token"], "{:?}", r.body);
    let r = anon.post("/api/v1/invitations/account", account(&token, "benvenuta-2026")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    // The link works once.
    let r = anon.post("/api/v1/invitations/account", account(&token, "benvenuta-2026")).await;
    assert_eq!(common::Reply::fields(&r), ["token"], "{:?}", r.body);
    assert_eq!(
        anon.post("/api/v1/session", json!({"email": "nuova.collega@comune.it", "password": "benvenuta-2026"}))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(admin.get(&base).await.body["total"], 23);
    assert_eq!(admin.get(&format!("/api/v1/t/{slug}/invitations")).await.body, json!([]));
    // Only admins manage users; nobody removes their own role.
    let mut worker = app.signed_in(&app.user(t, Role::SocialWorker).await).await;
    assert_eq!(worker.get(&base).await.status, StatusCode::FORBIDDEN);
    assert_eq!(worker.get(&format!("/api/v1/t/{slug}/invitations")).await.status, StatusCode::FORBIDDEN);
    let everyone: Vec<_> = [&page1, &page2].iter().flat_map(|p| p.body["items"].as_array().unwrap().clone()).collect();
    let own = everyone.iter().find(|m| m["email"] == admin_email.as_str()).unwrap()["id"].as_i64().unwrap();
    assert_eq!(admin.delete(&format!("{base}/{own}")).await.status, StatusCode::CONFLICT);
}

/// An address that already has an account (here, of another comune) is invited like any
/// other: the admin is told nothing of it, and nothing is attached until its holder signs
/// in and accepts. Revoked and declined invitations are gone; fifty acceptances at once
/// make one membership.
async fn invitations_attach_nothing_until_accepted(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (a, a_slug) = app.municipality(p, "Comune di Rezzato").await;
    let (b, _) = app.municipality(p, "Comune di Gussago").await;
    let mut admin = app.signed_in(&app.user(a, Role::TenantAdmin).await).await;
    let members = format!("/api/v1/t/{a_slug}/members");
    let elsewhere = app.user(b, Role::SocialWorker).await;
    let invite = |email: &str| json!({"email": email, "display_name": "Nome dato", "role": "front_desk"});
    let fresh = admin.post(&members, invite("mai.vista@example.it")).await;
    let known = admin.post(&members, invite(&elsewhere)).await;
    assert_eq!((fresh.status, known.status), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    let shape = |r: &common::Reply| {
        let mut v = r.body.clone();
        for k in ["id", "email", "created_at", "expires_at"] {
            v.as_object_mut().unwrap().remove(k);
        }
        v
    };
    assert_eq!(shape(&fresh), shape(&known), "the answer tells whether the address has an account");
    assert!(!known.text.contains("Utente di prova"), "the account's name leaked: {}", known.text);
    assert!(admin.get(&members).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["email"] != elsewhere.as_str()));

    // The link says the address has an account: it cannot create another.
    let token = app.invitation_token(&elsewhere).await;
    let mut anon = app.client();
    assert_eq!(anon.post("/api/v1/invitations/preview", json!({"token": token})).await.body["has_account"], true);
    let body = json!({"token": token, "display_name": "Intruso", "new_password": "una-password-lunga"});
    assert_eq!(anon.post("/api/v1/invitations/account", body).await.status, StatusCode::CONFLICT);

    // Another user sees none of it and cannot accept it.
    let mut other = app.signed_in(&app.user(b, Role::SocialWorker).await).await;
    assert_eq!(other.get("/api/v1/invitations").await.body, json!([]));
    let mut holder = app.signed_in(&elsewhere).await;
    let mine = holder.get("/api/v1/invitations").await;
    assert_eq!(mine.body[0]["tenant_name"], "Comune di Rezzato", "{:?}", mine.body);
    let id = mine.body[0]["id"].as_i64().unwrap();
    assert_eq!(other.post(&format!("/api/v1/invitations/{id}/accept"), json!({})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.delete(&format!("/api/v1/invitations/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(holder.get("/api/v1/session").await.body["memberships"].as_array().unwrap().len(), 1);

    // Fifty acceptances at once: one membership.
    let tries = (0..50).map(|_| {
        let mut c = holder.clone();
        async move { c.post(&format!("/api/v1/invitations/{id}/accept"), json!({})).await.status }
    });
    let statuses = futures::future::join_all(tries).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::NO_CONTENT).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::NO_CONTENT || *s == StatusCode::NOT_FOUND), "{statuses:?}");
    assert_eq!(holder.get("/api/v1/session").await.body["memberships"].as_array().unwrap().len(), 2);
    let sql = format!("SELECT COUNT(*) FROM membership WHERE tenant_id = {}", a.0);
    assert_eq!(common::scalar_i64(&app.owner_connection().await, &sql).await, 2, "the admin and the new member");

    // Declined and revoked invitations are gone; a revoked link opens nothing.
    let second = app.user(b, Role::FrontDesk).await;
    assert_eq!(admin.post(&members, invite(&second)).await.status, StatusCode::ACCEPTED);
    let mut second_client = app.signed_in(&second).await;
    let id = second_client.get("/api/v1/invitations").await.body[0]["id"].as_i64().unwrap();
    assert_eq!(second_client.delete(&format!("/api/v1/invitations/{id}")).await.status, StatusCode::NO_CONTENT);
    let pending = admin.get(&format!("/api/v1/t/{a_slug}/invitations")).await;
    let open: Vec<_> =
        pending.body.as_array().unwrap().iter().map(|i| i["email"].as_str().unwrap().to_string()).collect();
    assert_eq!(open, ["mai.vista@example.it"]);
    let revoked = pending.body[0]["id"].as_i64().unwrap();
    let fresh_token = app.invitation_token("mai.vista@example.it").await;
    assert_eq!(admin.delete(&format!("/api/v1/t/{a_slug}/invitations/{revoked}")).await.status, StatusCode::NO_CONTENT);
    let r = anon.post("/api/v1/invitations/preview", json!({"token": fresh_token})).await;
    assert_eq!(common::Reply::fields(&r), ["token"], "{:?}", r.body);

    // The chain holds each step: sent, accepted (the inviter's membership), declined, revoked.
    let owner = app.owner_connection().await;
    let count = |what: &str| format!("SELECT COUNT(*) FROM audit_entry WHERE tenant_id = {} AND {what}", a.0);
    assert_eq!(common::scalar_i64(&owner, &count("object_type = 'invitation' AND action = 'create'")).await, 3);
    assert_eq!(common::scalar_i64(&owner, &count("object_type = 'invitation' AND action = 'update'")).await, 1);
    assert_eq!(common::scalar_i64(&owner, &count("object_type = 'invitation' AND action = 'delete'")).await, 2);
    assert_eq!(common::scalar_i64(&owner, &count("object_type = 'membership' AND action = 'create'")).await, 1);
}

async fn province_admin_builds_the_tree_from_istat(app: TestApp) {
    domain::reference::load_comuni(&app.db).await.unwrap();
    let p = app.province("Provincia di Brescia", "017").await;
    let slug = app.slug_of(p).await;
    let mut admin = app.signed_in(&app.user(p, Role::ProvinceAdmin).await).await;
    let base = format!("/api/v1/t/{slug}");
    let found = admin.get(&format!("{base}/comuni?q=rezz")).await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.body[0]["name"], "Rezzato");
    assert_eq!(found.body[0]["istat_code"], "017161");
    // A comune of another province is refused.
    let r = admin.post(&format!("{base}/municipalities"), json!({"istat_code": "037006"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post(&format!("{base}/zones"), json!({"name": "Ambito 3 – Brescia Est", "comuni": ["017161", "017023"]}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["kind"], "zone");
    let r = admin.post(&format!("{base}/municipalities"), json!({"istat_code": "017161"})).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["name"], "Comune di Rezzato");
    assert_eq!(
        admin.post(&format!("{base}/municipalities"), json!({"istat_code": "017161"})).await.status,
        StatusCode::CONFLICT
    );
    let tree = admin.get(&format!("{base}/tree")).await;
    let zone = &tree.body["children"][0];
    assert_eq!(zone["tenant"]["kind"], "zone");
    assert_eq!(zone["comuni"], json!(["017023", "017161"]));
    assert_eq!(zone["children"][0]["tenant"]["name"], "Comune di Rezzato");
    assert_eq!(found.body[0]["tenant_slug"], serde_json::Value::Null);
    assert!(admin.get(&format!("{base}/comuni?q=rezz")).await.body[0]["tenant_slug"].is_string());
    // The province admin reaches the new municipality (tenant switch) and administers it.
    let muni_slug = zone["children"][0]["tenant"]["slug"].as_str().unwrap().to_string();
    let r = admin.put("/api/v1/session/tenant", json!({"tenant": muni_slug})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["current"]["tenant"]["name"], "Comune di Rezzato");
    assert!(r.body["memberships"].as_array().unwrap().len() >= 3);
}

async fn switching_tenant_keeps_to_memberships(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (a, a_slug) = app.municipality(p, "Comune di Brescia").await;
    let (b, b_slug) = app.municipality(p, "Comune di Rezzato").await;
    let (_, c_slug) = app.municipality(p, "Comune di Gussago").await;
    let email = app.user(a, Role::SocialWorker).await;
    let user = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::user_account::Entity::find()
            .filter(entity::user_account::Column::Email.eq(email.clone()))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    domain::users::grant(&app.db, types::UserId(user), b, Role::SocialWorker).await.unwrap();
    let mut c = app.signed_in(&email).await;
    let me = c.get("/api/v1/session").await;
    assert_eq!(me.body["memberships"].as_array().unwrap().len(), 2);
    assert_eq!(me.body["current"]["tenant"]["slug"], a_slug.as_str());
    let r = c.put("/api/v1/session/tenant", json!({"tenant": b_slug})).await;
    assert_eq!(r.body["current"]["tenant"]["slug"], b_slug.as_str());
    let r = c.put("/api/v1/session/tenant", json!({"tenant": c_slug})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/api/v1/session").await.body["current"]["tenant"]["slug"], b_slug.as_str());
}

async fn pages_render_on_the_server(app: TestApp) {
    let mut c = app.client();
    // Signed out: every page sends to the sign-in page, which renders in Italian.
    let r = c.page("/").await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let r = c.page("/sign-in").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("<h1 class=\"h2 mb-4\">Accedi"), "{}", r.text);
    assert!(r.text.contains("/assets/bootstrap-italia/css/bootstrap-italia.min.css"));
    assert!(r.text.contains("/pkg/frontend.js"), "hydration script missing");
    assert_eq!(c.page("/no-such-page").await.status, StatusCode::NOT_FOUND);
    // Signed in: the tenant's name and the user's home.
    let p = app.province("Provincia di Prova", "037").await;
    let (t, _) = app.municipality(p, "Comune di Bologna").await;
    let mut admin = app.signed_in(&app.user(t, Role::TenantAdmin).await).await;
    let r = admin.page("/").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("Comune di Bologna"), "{}", r.text);
    assert!(r.text.contains("home-role"), "{}", r.text);
    let r = admin.page("/districts").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("Nessun quartiere registrato."), "{}", r.text);
}

async fn server_fn_bad_arguments_are_not_500(app: TestApp) {
    let p = app.province("Provincia di Prova", "037").await;
    let (t, _) = app.municipality(p, "Comune di Bologna").await;
    let mut admin = app.signed_in(&app.user(t, Role::TenantAdmin).await).await;
    let r = admin.server_fn("/sf/delete_district", "id=not-a-number").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["message"], "Alcuni campi non sono validi: correggili e riprova.");
    let r = admin.server_fn("/sf/create_district", "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = admin.server_fn("/sf/create_district", "name=&code=").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["fields"][0]["field"], "name");
    let r = admin.server_fn("/sf/create_district", &format!("name={}", "x".repeat(200))).await;
    assert_eq!(r.body["fields"][0]["message"], "Al massimo 120 caratteri.");
    let r = admin.server_fn("/sf/create_district", "name=Navile&code=Q2").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut anon = app.client();
    let r = anon.server_fn("/sf/list_districts", "page=1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// Separation of duties: an account with a province role never gets a role that reads
/// case data below it (added by the province or by the comune), nor the other way round;
/// from the province only a comune's first admin is appointed; every change is in the
/// comune's audit chain and on its users page.
async fn province_roles_never_reach_case_data(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (t, slug) = app.municipality(p, "Comune di Rezzato").await;
    let province_email = app.user(p, Role::ProvinceAdmin).await;
    let mut province = app.signed_in(&province_email).await;
    let members = format!("/api/v1/t/{slug}/members");
    let invitations = format!("/api/v1/t/{slug}/invitations");
    let add = |email: &str, role: &str| json!({"email": email, "display_name": "Persona", "role": role});
    // `client` accepts its newest invitation: the answer.
    async fn accept_newest(client: &mut common::Client) -> common::Reply {
        let mine = client.get("/api/v1/invitations").await;
        let id = mine.body.as_array().and_then(|a| a.last()).map(|i| i["id"].as_i64().unwrap()).expect("an invitation");
        client.post(&format!("/api/v1/invitations/{id}/accept"), json!({})).await
    }
    let separation = |r: &common::Reply| {
        r.status == StatusCode::CONFLICT
            && r.body["message"].as_str().unwrap_or_default().contains("separazione dei compiti")
    };

    // The province admin cannot make itself the comune's admin: the invitation goes out
    // like any other, and its acceptance is refused.
    let r = province.post(&members, add(&province_email, "tenant_admin")).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    let own_invitation = r.body["id"].as_i64().unwrap();
    let r = accept_newest(&mut province).await;
    assert!(separation(&r), "{:?}", r.body);
    // Onboarding: it appoints the first admin, and nothing else; one invitation at a time.
    let r = province.post(&members, add("sindaca@rezzato.it", "social_worker")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    let r = province.post(&members, add("prima.admin@rezzato.it", "tenant_admin")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert_eq!(province.delete(&format!("{invitations}/{own_invitation}")).await.status, StatusCode::NO_CONTENT);
    let r = province.post(&members, add("prima.admin@rezzato.it", "tenant_admin")).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    let mut first = app.accept_as_new("prima.admin@rezzato.it").await;
    let listed = first.get(&members).await;
    assert_eq!(listed.status, StatusCode::OK, "the first admin manages the comune: {:?}", listed.body);
    let first_admin = listed.body["items"][0]["id"].as_i64().unwrap();
    let r = province.post(&members, add("seconda.admin@rezzato.it", "tenant_admin")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert!(r.body["message"].as_str().unwrap().contains("ha già un amministratore"), "{:?}", r.body);
    let r = province.put(&format!("{members}/{first_admin}"), json!({"role": "front_desk"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    assert_eq!(province.delete(&format!("{members}/{first_admin}")).await.status, StatusCode::FORBIDDEN);

    // The comune's own admin cannot give a case-data role to the province's account either.
    let admin_email = app.user(t, Role::TenantAdmin).await;
    let mut admin = app.signed_in(&admin_email).await;
    for role in ["social_worker", "front_desk", "third_sector", "tenant_admin"] {
        let r = admin.post(&members, add(&province_email, role)).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{role}: {:?}", r.body);
        let r = accept_newest(&mut province).await;
        assert!(separation(&r), "{role}: {:?}", r.body);
        let id = admin.get(&invitations).await.body[0]["id"].as_i64().unwrap();
        assert_eq!(admin.delete(&format!("{invitations}/{id}")).await.status, StatusCode::NO_CONTENT);
    }
    // Nor the province give a province role to an account that works on the comune's cases.
    let worker_email = app.user(t, Role::SocialWorker).await;
    let mut worker = app.signed_in(&worker_email).await;
    let province_members = format!("/api/v1/t/{}/members", app.slug_of(p).await);
    let province_invitations = format!("/api/v1/t/{}/invitations", app.slug_of(p).await);
    for role in ["province_admin", "province_analyst"] {
        let r = province.post(&province_members, add(&worker_email, role)).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{role}: {:?}", r.body);
        let r = accept_newest(&mut worker).await;
        assert!(separation(&r), "{role}: {:?}", r.body);
        let id = province.get(&province_invitations).await.body[0]["id"].as_i64().unwrap();
        assert_eq!(province.delete(&format!("{province_invitations}/{id}")).await.status, StatusCode::NO_CONTENT);
    }
    // An analyst is a province role too; a colleague without one is added, changed, removed.
    let analyst_email = app.user(p, Role::ProvinceAnalyst).await;
    let mut analyst = app.signed_in(&analyst_email).await;
    assert_eq!(admin.post(&members, add(&analyst_email, "front_desk")).await.status, StatusCode::ACCEPTED);
    let r = accept_newest(&mut analyst).await;
    assert!(separation(&r), "{:?}", r.body);
    let r = admin.post(&members, add("collega@rezzato.it", "front_desk")).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    app.accept_as_new("collega@rezzato.it").await;
    let listed = admin.get(&members).await;
    let colleague = listed.body["items"].as_array().unwrap().iter().find(|m| m["email"] == "collega@rezzato.it");
    let colleague = colleague.expect("the colleague is a member")["id"].as_i64().unwrap();
    assert_eq!(
        admin.put(&format!("{members}/{colleague}"), json!({"role": "social_worker"})).await.status,
        StatusCode::OK
    );
    assert_eq!(admin.delete(&format!("{members}/{colleague}")).await.status, StatusCode::NO_CONTENT);

    // Every change is in the comune's chain, shown to its admins, newest first.
    let r = admin.get(&format!("{members}/changes")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let seen: Vec<(&str, &str)> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["action"].as_str().unwrap(), c["role"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        seen,
        [
            ("delete", "social_worker"),
            ("update", "social_worker"),
            ("create", "front_desk"),
            ("create", "tenant_admin")
        ]
    );
    assert_eq!(r.body[3]["by_name"], "Utente di prova");
    assert_eq!(worker.get(&format!("{members}/changes")).await.status, StatusCode::FORBIDDEN);
    let page = admin.page("/users").await;
    assert!(page.text.contains("membership-changes") && page.text.contains("Ruolo cambiato"), "{}", page.text);
    let owner = app.owner_connection().await;
    let sql = format!("SELECT COUNT(*) FROM audit_entry WHERE tenant_id = {} AND object_type = 'membership'", t.0);
    assert_eq!(common::scalar_i64(&owner, &sql).await, 4);
}

/// Every response says what the browser may do with it: a page's scripts run only from
/// this origin or with the page's nonce, nothing frames it, nothing personal is stored;
/// over HTTPS, HSTS and `Secure` cookies.
async fn responses_carry_security_headers(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (t, _) = app.municipality(p, "Comune di Rezzato").await;
    let mut admin = app.signed_in(&app.user(t, Role::TenantAdmin).await).await;
    let mut anonymous = app.client();
    for (uri, signed_in) in [("/sign-in", false), ("/", true), ("/users", true), ("/directory", false)] {
        let r = if signed_in { admin.page(uri).await } else { anonymous.page(uri).await };
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        let header = |name: &str| r.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let csp = header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("'unsafe-inline' 'wasm"), "{uri}: {csp}");
        let nonce = csp.split("'nonce-").nth(1).and_then(|n| n.split('\'').next()).unwrap_or_default().to_string();
        assert!(nonce.len() >= 16, "{uri}: no nonce in {csp}");
        // Every script element of the page is from this origin or carries the nonce.
        for tag in r.text.split("<script").skip(1).map(|t| t.split('>').next().unwrap_or_default()) {
            let own_src = tag.contains("src=\"/");
            assert!(
                own_src || tag.contains(&format!("nonce=\"{nonce}\"")),
                "{uri}: <script{tag}> runs without the nonce"
            );
        }
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("referrer-policy"), "same-origin");
        assert_eq!(header("cache-control"), "no-store", "{uri}");
        assert!(header("strict-transport-security").is_empty(), "no HSTS over plain HTTP");
    }
    // Two pages, two nonces.
    let nonce_of = |r: &common::Reply| r.headers["content-security-policy"].to_str().unwrap().to_string();
    assert_ne!(nonce_of(&admin.page("/users").await), nonce_of(&admin.page("/users").await));
    let r = admin.get("/api/v1/session").await;
    assert_eq!(r.headers["cache-control"], "no-store");
    assert_eq!(r.headers["x-content-type-options"], "nosniff");

    let mut tls = app.client_via("https://welfare.example.it");
    let r = tls.page("/sign-in").await;
    assert_eq!(r.headers["strict-transport-security"], "max-age=31536000");
    // A session cookie (the language choice makes one) is Secure there, without being told.
    let req = axum::http::Request::put("/api/v1/session/lang")
        .header("host", "welfare.example.it")
        .header("origin", "https://welfare.example.it")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(r#"{"lang": "en"}"#))
        .unwrap();
    let r = tls.send(req).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let cookie = r.set_cookie.expect("session cookie");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
}

/// Every body has a limit and going over it is the client's 413, in its language, never a
/// 500 or a dropped connection; an upload is checked against the caller's permission
/// before its body is read, and a large facility file still imports.
/// The built files (here a site laid out as `cargo xtask dist` lays it out): the page links
/// to the build's names; each file goes precompressed as the browser accepts (brotli first),
/// is kept for a year when its name or `?v=` says which build it is, revalidated otherwise;
/// a missing one is not remembered.
async fn built_files_go_compressed_and_are_kept(app: TestApp) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let site = std::env::temp_dir().join(format!("ow-site-{}-{now}", std::process::id()));
    let write = |path: &str, text: &str| {
        let path = site.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("assets.txt", "hydrate = frontend-00aa\nbootstrap_italia_css = 12ab\napp_css = 34cd\n");
    write("pkg/frontend-00aa.js", "plain js");
    write("pkg/frontend-00aa_bg.wasm", "plain wasm");
    write("pkg/frontend-00aa_bg.wasm.br", "brotli wasm");
    write("pkg/frontend-00aa_bg.wasm.gz", "gzip wasm");
    write("assets/app.css", "plain css");
    write("assets/app.css.gz", "gzip css");
    let config = server::config::Config { site_root: site.display().to_string(), ..common::config("") };
    let mut c = app.client_of(server::state::AppState::new(app.db.clone(), config));

    let page = c.page("/sign-in").await;
    assert_eq!(page.headers["cache-control"], "no-store");
    for link in ["/pkg/frontend-00aa.js", "/pkg/frontend-00aa_bg.wasm", "/assets/app.css?v=34cd", "min.css?v=12ab"] {
        assert!(page.text.contains(link), "the page does not link to {link}");
    }
    let fetch = |uri: &'static str, accept: &'static str| {
        Request::get(uri).header(header::ACCEPT_ENCODING, accept).body(Body::empty()).unwrap()
    };
    let header_of = |r: &common::Reply, name: header::HeaderName| {
        r.headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    };
    const KEPT: &str = "public, max-age=31536000, immutable";
    for (accept, encoding, body) in
        [("gzip, deflate, br", "br", "brotli wasm"), ("gzip", "gzip", "gzip wasm"), ("identity", "", "plain wasm")]
    {
        let r = c.send(fetch("/pkg/frontend-00aa_bg.wasm", accept)).await;
        assert_eq!(r.status, StatusCode::OK, "{accept}");
        assert_eq!(header_of(&r, header::CONTENT_ENCODING), encoding, "{accept}");
        assert_eq!(r.text, body, "{accept}");
        assert_eq!(header_of(&r, header::CACHE_CONTROL), KEPT);
        assert!(header_of(&r, header::VARY).to_lowercase().contains("accept-encoding"), "{accept}");
    }
    let css = c.send(fetch("/assets/app.css?v=34cd", "br, gzip")).await;
    assert_eq!((header_of(&css, header::CONTENT_ENCODING).as_str(), css.text.as_str()), ("gzip", "gzip css"));
    assert_eq!(header_of(&css, header::CACHE_CONTROL), KEPT);
    let unversioned = c.send(fetch("/assets/app.css", "gzip")).await;
    assert_eq!(header_of(&unversioned, header::CACHE_CONTROL), "no-cache");
    let missing = c.send(fetch("/pkg/frontend-ffff_bg.wasm", "br")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(header_of(&missing, header::CACHE_CONTROL), "no-store");
    let _ = std::fs::remove_dir_all(&site);
}

async fn bodies_have_limits(app: TestApp) {
    let p = app.province("Provincia di Prova", "017").await;
    let (t, slug) = app.municipality(p, "Comune di Brescia").await;
    let mut admin = app.signed_in(&app.user(t, Role::TenantAdmin).await).await;
    let three_mb = "a".repeat(3 * 1024 * 1024);
    let r = admin.server_fn("/sf/create_district", &format!("name={three_mb}")).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", &r.text[..r.text.len().min(200)]);
    assert_eq!(r.body["code"], "too_large");
    assert_eq!(r.body["message"], "I dati inviati sono troppo grandi per questa operazione.");
    let r = admin.post(&format!("/api/v1/t/{slug}/districts"), json!({"name": three_mb})).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A facility file of 3 MB (18,000 rows) goes through the import, as a dry run.
    let mut csv = String::from("name,address,comune\n");
    let mut n = 0;
    while csv.len() < 3 * 1024 * 1024 {
        csv.push_str(&format!("Centro diurno numero {n} della rete,Via Roma {n},017029\n"));
        n += 1;
    }
    let import = format!(
        "/api/v1/t/{slug}/facilities/import?type=cdd&source=test&mapping=name=name,address=address,comune=comune"
    );
    let r = admin.post_bytes(&import, csv.clone().into_bytes(), "text/csv").await;
    assert!(r.status == StatusCode::OK || r.status == StatusCode::UNPROCESSABLE_ENTITY, "{} {:?}", r.status, r.body);
    assert_ne!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Someone who may not import is refused before the file is read.
    let mut worker = app.signed_in(&app.user(t, Role::SocialWorker).await).await;
    let r = worker.post_bytes(&import, csv.into_bytes(), "text/csv").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let boundary = "XyZ";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nname\r\n--{boundary}--\r\n");
    let r = worker
        .post_bytes("/sf/import_facilities", body.into_bytes(), &format!("multipart/form-data; boundary={boundary}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // Over the upload limit itself: 413 before anything is read.
    let huge = vec![b'a'; domain::import::MAX_UPLOAD_BYTES + 128 * 1024];
    let r = admin.post_bytes(&import, huge, "text/csv").await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// Sign-ins are limited per client address before any password is checked; behind a
/// proxy the address comes from the header it is configured to write (its last entry),
/// and that header is a client's claim, ignored, when nobody configured it.
async fn sign_ins_are_limited_per_client_address(app: TestApp) {
    let config = server::config::Config { client_ip_header: "X-Forwarded-For".into(), ..common::config("") };
    let mut proxied = app.client_of(server::state::AppState::new(app.db.clone(), config));
    let attempt = |forwarded: &str, n: u32| {
        axum::http::Request::post("/api/v1/session")
            .header("host", "127.0.0.1:3000")
            .header("origin", "http://127.0.0.1:3000")
            .header("content-type", "application/json")
            .header("x-forwarded-for", forwarded)
            .body(axum::body::Body::from(
                json!({"email": format!("nessuno{n}@example.it"), "password": "x"}).to_string(),
            ))
            .unwrap()
    };
    // The burst is spent with requests for reset links (the same bucket, and no password to
    // hash: a burst of sign-ins takes long enough in a debug build for the bucket to refill).
    let ask_reset = |forwarded: &str| {
        axum::http::Request::post("/api/v1/password-reset-request")
            .header("host", "127.0.0.1:3000")
            .header("origin", "http://127.0.0.1:3000")
            .header("content-type", "application/json")
            .header("x-forwarded-for", forwarded)
            .body(axum::body::Body::from(json!({"email": ""}).to_string()))
            .unwrap()
    };
    let burst = server::state::SIGN_INS_PER_CLIENT_BURST;
    for n in 0..burst {
        let r = proxied.send(ask_reset("10.0.0.7, 203.0.113.9")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {n}: {:?}", r.body);
    }
    let r = proxied.send(attempt("10.0.0.8, 203.0.113.9", burst)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the proxy's entry counts, not the client's");
    assert_eq!(r.body["code"], "too_many_requests");
    let r = proxied.send(attempt("203.0.113.10", burst + 1)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "another address is not held back");
    // Not configured: the same header, from one claimed address, changes nothing (the
    // peer's address is used; here it is unknown, so only the node's limit applies).
    let mut direct = app.client();
    for n in 0..burst + 5 {
        let r = direct.send(attempt("198.51.100.1", 100 + n)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    }
}

on_both!(
    pages_render_on_the_server,
    server_fn_bad_arguments_are_not_500,
    health_and_readiness,
    sign_in_errors_never_reveal_accounts,
    bad_input_gets_clear_translated_errors,
    forged_origin_is_refused,
    sign_in_rotates_the_session_and_signs_out,
    repeated_failures_lock_out,
    parallel_sign_ins_all_count,
    passwords_change_and_reset,
    second_factor_guards_case_data_roles,
    password_changes_end_other_sessions,
    reset_links_are_short_lived_and_single_use,
    huge_pages_and_long_searches_are_not_server_errors,
    districts_are_managed_by_the_tenant_admin,
    members_are_added_listed_and_paginated,
    invitations_attach_nothing_until_accepted,
    province_admin_builds_the_tree_from_istat,
    switching_tenant_keeps_to_memberships,
    province_roles_never_reach_case_data,
    responses_carry_security_headers,
    built_files_go_compressed_and_are_kept,
    bodies_have_limits,
    sign_ins_are_limited_per_client_address,
);

/// PostgreSQL only: with the application's tenant filter deliberately left out, row-level
/// security still shows no other tenant's rows.
#[tokio::test]
async fn row_level_security_is_the_backstop() {
    let Some(app) = TestApp::postgres().await else {
        eprintln!("OW_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement, TransactionTrait};
    let p = app.province("Provincia di Prova", "037").await;
    let (a, _) = app.municipality(p, "Comune A").await;
    let (b, _) = app.municipality(p, "Comune B").await;
    for (t, name) in [(a, "Quartiere di A"), (b, "Quartiere di B")] {
        let email = app.user(t, Role::TenantAdmin).await;
        let mut c = app.signed_in(&email).await;
        let slug = app.slug_of(t).await;
        let r = c.post(&format!("/api/v1/t/{slug}/districts"), json!({"name": name})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    // No tenant set: an unfiltered query sees nothing.
    assert_eq!(scalar_i64(&app.db, "SELECT count(*) FROM district").await, 0);
    let all = entity::district::Entity::find().all(&app.db).await.unwrap();
    assert!(all.is_empty(), "unfiltered query leaked {all:?}");
    // Tenant A set for the transaction: an unfiltered query sees only A's row.
    let tx = app.db.begin().await.unwrap();
    tx.execute_unprepared(&format!("SELECT set_config('app.tenant_id', '{}', true)", a.0)).await.unwrap();
    let rows = entity::district::Entity::find().all(&tx).await.unwrap();
    assert_eq!(rows.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["Quartiere di A"]);
    // Writing a row for another tenant is refused by the policy.
    let sneak =
        tx.execute_unprepared(&format!("INSERT INTO district (tenant_id, name) VALUES ({}, 'intruso')", b.0)).await;
    assert!(sneak.is_err(), "RLS must refuse a row for another tenant");
    tx.rollback().await.unwrap();
    // Every tenant table has the policy, forced on the owner too.
    let unguarded: Vec<_> = domain::tenancy::TENANT_TABLES.iter().filter(|t| !t.row_security).collect();
    assert!(unguarded.is_empty(), "tenant tables without row-level security: {unguarded:?}");
    let guarded = domain::tenancy::TENANT_TABLES.iter().map(|t| t.name);
    let tables: Vec<&str> = guarded
        .chain(domain::tenancy::CATALOGUE_TABLES.iter().copied())
        .chain(domain::tenancy::PUBLICLY_READ_TABLES.iter().copied())
        .collect();
    for table in &tables {
        let sql = format!(
            "SELECT count(*) FROM pg_class WHERE relname = '{table}' AND relrowsecurity AND relforcerowsecurity"
        );
        assert_eq!(scalar_i64(&app.db, &sql).await, 1, "{table} has no forced row-level security");
        // No policy lets a row be written wider than its owner: every one that admits
        // writes checks the tenant (or, for the shared catalogue, the deployment's right).
        let policies = app
            .db
            .query_all(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT policyname::text, cmd::text, coalesce(qual, ''), coalesce(with_check, '') \
                     FROM pg_policies WHERE tablename = '{table}'"
                ),
            ))
            .await
            .unwrap();
        assert!(!policies.is_empty(), "{table} has no policy");
        for row in policies {
            let (name, cmd, using, check): (String, String, String, String) = (
                row.try_get_by_index(0).unwrap(),
                row.try_get_by_index(1).unwrap(),
                row.try_get_by_index(2).unwrap(),
                row.try_get_by_index(3).unwrap(),
            );
            let owner = |e: &str| e.contains("app.tenant_id") || e.contains("app.shared_catalogue");
            match cmd.as_str() {
                "SELECT" => {}
                "INSERT" => assert!(owner(&check), "{table}.{name}: WITH CHECK ({check})"),
                "DELETE" => assert!(owner(&using), "{table}.{name}: USING ({using})"),
                _ => assert!(owner(&using) && owner(&check), "{table}.{name}: {cmd} USING ({using}) CHECK ({check})"),
            }
        }
    }
    // Memberships, invitations, logos and a zone's comuni: anyone reads, only the owner writes.
    let outsider = app.user(p, Role::ProvinceAnalyst).await;
    let outsider = scalar_i64(&app.db, &format!("SELECT id FROM user_account WHERE email = '{outsider}'")).await;
    let insert = |table: &str, tenant: TenantId| {
        match table {
        "membership" => format!(
            "INSERT INTO membership (tenant_id, user_id, role, created_at) VALUES ({}, {outsider}, 'tenant_admin', now())",
            tenant.0
        ),
        "tenant_logo" => format!(
            "INSERT INTO tenant_logo (tenant_id, content_type, bytes, hash, updated_at) \
             VALUES ({}, 'image/png', ''::bytea, 'x', now())",
            tenant.0
        ),
        "invitation" => format!(
            "INSERT INTO invitation (tenant_id, email, display_name, role, invited_by, from_above, token_hash, \
             created_at, expires_at) VALUES ({0}, 'x@example.it', 'X', 'tenant_admin', {outsider}, false, 'h{0}', now(), now())",
            tenant.0
        ),
        _ => format!("INSERT INTO zone_comune (tenant_id, istat_code) VALUES ({}, '999999')", tenant.0),
    }
    };
    for table in ["membership", "invitation", "tenant_logo", "zone_comune"] {
        let tx = app.db.begin().await.unwrap();
        tx.execute_unprepared(&format!("SELECT set_config('app.tenant_id', '{}', true)", a.0)).await.unwrap();
        let refused_by_policy = |r: Result<sea_orm::ExecResult, sea_orm::DbErr>| {
            r.err().is_some_and(|e| e.to_string().contains("row-level security"))
        };
        let sneak = tx.execute_unprepared(&insert(table, b)).await;
        assert!(refused_by_policy(sneak), "{table}: a row for another tenant must be refused");
        tx.rollback().await.unwrap();
        let unbound = app.db.execute_unprepared(&insert(table, a)).await;
        assert!(refused_by_policy(unbound), "{table}: a write outside the owner's transaction must be refused");
        let deleted = app.db.execute_unprepared(&format!("DELETE FROM {table}")).await.unwrap();
        assert_eq!(deleted.rows_affected(), 0, "{table}: deleted outside the owner's transaction");
    }
    assert!(scalar_i64(&app.db, "SELECT count(*) FROM membership").await > 0, "memberships are readable");
    // And the list is whole: every table keyed by tenant is in it.
    let keyed = app
        .db
        .query_all(Statement::from_string(
            DbBackend::Postgres,
            "SELECT table_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND column_name = 'tenant_id'",
        ))
        .await
        .unwrap();
    for row in keyed {
        let table: String = row.try_get_by_index(0).unwrap();
        let listed = domain::tenancy::TENANT_TABLES.iter().any(|t| t.name == table)
            || domain::tenancy::CATALOGUE_TABLES.contains(&table.as_str())
            || domain::tenancy::PUBLICLY_READ_TABLES.contains(&table.as_str());
        assert!(listed, "{table} has a tenant_id but is not in domain::tenancy's tables");
    }
}
