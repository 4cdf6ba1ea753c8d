//! The staff app in a real browser: sign in, tenant home, tenant switch, English,
//! sign out, a province admin activating a comune and building a zone, a tenant admin's
//! district form with a refused duplicate; all through hydrated, interactive controls.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

#[test]
fn sign_in_switch_tenant_language_and_sign_out() {
    let server = e2e::DemoServer::start().unwrap();
    e2e::run_script("staff.mjs", &server.base_url).unwrap();
}

/// Joining a comune: invited on the users page, by e-mail; a new address creates its
/// account through the link, an existing account accepts after signing in.
#[test]
fn a_colleague_joins_through_an_emailed_invitation() {
    let server = e2e::DemoServer::start().unwrap();
    e2e::run_script("invitation.mjs", &server.base_url).unwrap();
}

#[test]
fn a_forgotten_password_is_reset_through_the_emailed_link() {
    let server = e2e::DemoServer::start().unwrap();
    // The operator's CLI prints the same kind of link, token in the fragment.
    let link = server.cli(&["reset-password", "--email", "admin.brescia@demo.openwelfare.it"]).unwrap();
    assert!(link.trim().starts_with(&format!("{}/reset-password#token=", server.base_url)), "{link}");
    e2e::run_script("reset.mjs", &server.base_url).unwrap();
}

/// Every page of every role, and the public ones, at 1280 and 390 px: nothing overlaps,
/// nothing scrolls sideways, no console error, no axe violation; screenshots in
/// `target/artefacts/layout`.
#[test]
fn every_page_holds_its_layout_on_a_desktop_and_a_phone() {
    let server = e2e::DemoServer::start().unwrap();
    let artefacts = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/artefacts");
    e2e::run_script_with("layout.mjs", &server.base_url, &[("OW_ARTEFACTS", artefacts)]).unwrap();
}
