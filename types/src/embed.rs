//! What a council adds to its website to embed the widgets: the snippet and the
//! Content-Security-Policy that lets them run. One text for the admin's settings page,
//! the README and the sample council site.

/// The two lines of HTML: the loader and the service finder for `tenant`.
pub fn snippet(widget_origin: &str, tenant: &str, lang: &str) -> String {
    format!(
        "<script type=\"module\" src=\"{widget_origin}/widgets/v1/openwelfare.js\"></script>\n\
         <ow-service-finder tenant=\"{tenant}\" lang=\"{lang}\"></ow-service-finder>"
    )
}

/// What the widgets need from a council page's Content-Security-Policy: its scripts,
/// data, styles, images and fonts may come from the widget origin, and WebAssembly may
/// compile. To be merged into the site's own policy (each list keeps the site's sources).
pub fn csp_directives(widget_origin: &str) -> String {
    format!(
        "script-src 'self' {widget_origin} 'wasm-unsafe-eval'; connect-src 'self' {widget_origin}; \
         style-src 'self' {widget_origin}; img-src 'self' {widget_origin} data:; font-src 'self' {widget_origin}"
    )
}

/// A complete strict policy with those directives: what the sample council site sends.
pub fn content_security_policy(widget_origin: &str) -> String {
    format!(
        "default-src 'self'; {}; object-src 'none'; base-uri 'self'; frame-ancestors 'self'",
        csp_directives(widget_origin)
    )
}
