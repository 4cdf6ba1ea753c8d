//! The staff app in a real browser: sign in, tenant home, tenant switch, English,
//! sign out, a province admin activating a comune and building a zone, a tenant admin's
//! district form with a refused duplicate; all through hydrated, interactive controls.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

#[test]
fn sign_in_switch_tenant_language_and_sign_out() {
    let server = e2e::DemoServer::start().unwrap();
    e2e::run_script("staff.mjs", &server.base_url).unwrap();
}

#[test]
fn a_reset_link_keeps_its_token_out_of_every_request() {
    let server = e2e::DemoServer::start().unwrap();
    let link = server.cli(&["reset-password", "--email", "sportello@demo.openwelfare.it"]).unwrap();
    let link = link.trim();
    assert!(link.contains("/reset-password#token="), "{link}");
    e2e::run_script_with("reset.mjs", &server.base_url, &[("RESET_LINK", link)]).unwrap();
}
