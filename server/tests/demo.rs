//! The demo data: the synthetic caseload of the Comune di Bologna follows the published
//! Open Welfare 2014 tables, scaled down, quartiere by quartiere; Brescia gets a smaller
//! one; nobody in it has a real codice fiscale. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod common;

use common::{scalar_i64, TestApp};

async fn the_demo_caseload_follows_the_tables(app: TestApp) {
    domain::demo::seed_demo(&app.db).await.unwrap();
    // Read as the tables' owner: row-level security would hide every tenant's rows.
    let db = app.owner_connection().await;
    let navile = "(SELECT id FROM district WHERE name = 'Navile')";
    let q = |sql: String| {
        let db = &db;
        async move { scalar_i64(db, &sql).await }
    };
    // Navile: 2 840 PAI in 2014 → 142 cases; 1 748 of them women → 87 (largest remainders).
    let cases = format!(
        "SELECT COUNT(*) FROM social_case c JOIN person p ON p.id = c.person_id WHERE p.district_id = {navile}"
    );
    assert_eq!(q(cases.clone()).await, 142);
    assert_eq!(q(format!("{cases} AND p.sex = 'F'")).await, 87);
    // 1 286 of 2 840 in the elderly area → 64.3 → 64; 2 734 closed → 136.7 → 137.
    assert_eq!(q(format!("{cases} AND c.area = 'anziani'")).await, 64);
    assert_eq!(q(format!("{cases} AND c.status = 'closed'")).await, 137);
    // Nobody filed under the elderly area is a child.
    let young = format!("{cases} AND c.area = 'anziani' AND p.birth_date > '1970-01-01'");
    assert_eq!(q(young).await, 0);
    // Front desk: 5 720 contacts in Navile → 286, 586 of 5 720 by phone → 29.3 → 29.
    let contacts = format!("SELECT COUNT(*) FROM contact WHERE district_id = {navile}");
    assert_eq!(q(contacts.clone()).await, 286);
    assert_eq!(q(format!("{contacts} AND channel = 'phone'")).await, 29);
    // Every case has its responsible worker and plan; no real codice fiscale anywhere.
    let all = q("SELECT COUNT(*) FROM social_case".into()).await;
    assert_eq!(q("SELECT COUNT(*) FROM case_member WHERE responsible".into()).await, all);
    assert_eq!(q("SELECT COUNT(*) FROM care_plan".into()).await, all);
    assert_eq!(q("SELECT COUNT(*) FROM person WHERE tax_code IS NOT NULL".into()).await, 0);
    // Closed by today in Italy (the demo's clock), which runs ahead of the database's
    // UTC `CURRENT_DATE` late in the evening.
    let closed_later = format!("SELECT COUNT(*) FROM social_case WHERE closed_on > '{}'", app.db.today());
    assert_eq!(q(closed_later).await, 0);
    // Brescia's smaller caseload.
    let brescia = "(SELECT id FROM tenant WHERE istat_code = '017029' AND kind = 'municipality')";
    assert_eq!(q(format!("SELECT COUNT(*) FROM social_case WHERE tenant_id = {brescia}")).await, 40);

    // The third-sector operator of Brescia has one accepted referral.
    assert_eq!(q("SELECT COUNT(*) FROM case_referral WHERE status = 'accepted'".into()).await, 1);

    // Bologna's admin finds Navile's cases by district.
    // Every demo account has the authenticator written in the README.
    let unenrolled = "SELECT COUNT(*) FROM user_account WHERE email LIKE '%@demo.openwelfare.it' AND totp_secret IS DISTINCT FROM 'JBSWY3DPEHPK3PXP'";
    assert_eq!(
        q(unenrolled.replace("IS DISTINCT FROM", if app.is_postgres() { "IS DISTINCT FROM" } else { "IS NOT" })).await,
        0
    );
    let mut admin = app.client();
    let r = app.sign_in(&mut admin, "admin.bologna@demo.openwelfare.it", domain::demo::DEMO_PASSWORD).await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{:?}", r.body);
    let bologna = "(SELECT slug FROM tenant WHERE istat_code = '037006' AND kind = 'municipality')";
    let slug: String = {
        use sea_orm::ConnectionTrait;
        let row = db.query_one(sea_orm::Statement::from_string(db.get_database_backend(), format!("SELECT {bologna}")));
        row.await.unwrap().unwrap().try_get_by_index(0).unwrap()
    };
    let navile = q(format!("SELECT {navile}")).await;
    let r = admin.get(&format!("/api/v1/t/{slug}/cases?district_id={navile}")).await;
    assert_eq!(r.body["total"], 142, "{:?}", r.body);
}

on_both!(the_demo_caseload_follows_the_tables);
