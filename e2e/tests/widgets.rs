//! The service finder widget on the sample council website (another origin, strict CSP):
//! first results, a keyboard search for a real RSA, filters, an unknown tenant, and no
//! request to any other host, no console error, no cookie.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

#[test]
fn service_finder_on_a_council_site() {
    let server = e2e::DemoServer::start().unwrap();
    let site = e2e::SampleSite::start(&server.base_url).unwrap();
    e2e::run_script_with("widgets.mjs", &server.base_url, &[("SITE_URL", &site.url)]).unwrap();
}
