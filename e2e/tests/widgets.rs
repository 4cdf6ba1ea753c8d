//! The widgets on the sample council website (another origin, strict CSP): the service
//! finder (first results, a keyboard search for a real RSA, filters, near me, an unknown
//! tenant), the map (clusters and points drawn, area filter, popups from the list and
//! from the map, the finder choosing on the map) and the benefits checker (a household
//! from the keyboard, the browser's results equal to the server's, "what if", no request
//! carrying the answers); for all, no request to any other host, no console error, no
//! cookie and no axe-core WCAG 2.1 A/AA violation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

#[test]
fn widgets_on_a_council_site() {
    let server = e2e::DemoServer::start().unwrap();
    let site = e2e::SampleSite::start(&server.base_url).unwrap();
    let env = [("SITE_URL", site.url.as_str())];
    let finder = e2e::run_script_with("widgets.mjs", &server.base_url, &env);
    let map = e2e::run_script_with("map.mjs", &server.base_url, &env);
    let benefits = e2e::run_script_with("benefits.mjs", &server.base_url, &env);
    finder.unwrap();
    map.unwrap();
    benefits.unwrap();
}
