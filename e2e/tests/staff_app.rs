//! The staff app in a real browser: sign in, tenant home, tenant switch, English,
//! sign out, and hydration (the controls that do this only work once hydrated).

#[test]
fn sign_in_switch_tenant_language_and_sign_out() {
    let server = e2e::DemoServer::start().unwrap();
    e2e::run_script("staff.mjs", &server.base_url).unwrap();
}
