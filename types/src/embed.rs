//! What a council adds to its website to embed the widgets: the snippet and the
//! Content-Security-Policy that lets them run. One text for the admin's settings page,
//! the README and the sample council site.

/// The HTML to paste: the loader, the service finder and the map for `tenant`.
pub fn snippet(widget_origin: &str, tenant: &str, lang: &str) -> String {
    format!(
        "<script type=\"module\" src=\"{widget_origin}/widgets/v1/openwelfare.js\"></script>\n\
         <ow-service-finder tenant=\"{tenant}\" lang=\"{lang}\"></ow-service-finder>\n\
         <ow-map tenant=\"{tenant}\" lang=\"{lang}\"></ow-map>"
    )
}

/// What the widgets need from a council page's Content-Security-Policy: its scripts,
/// data, styles, images and fonts may come from the widget origin, WebAssembly may
/// compile, and the map may start its worker (MapLibre starts a worker from another
/// origin through a `blob:` URL that imports it; a module worker's imports count as
/// worker scripts). To be merged into the site's own policy (each list keeps the site's
/// sources).
pub fn csp_directives(widget_origin: &str) -> String {
    format!(
        "script-src 'self' {widget_origin} 'wasm-unsafe-eval'; worker-src 'self' {widget_origin} blob:; \
         connect-src 'self' {widget_origin}; style-src 'self' {widget_origin}; \
         img-src 'self' {widget_origin} data: blob:; font-src 'self' {widget_origin}"
    )
}

/// A complete strict policy with those directives: what the sample council site sends.
pub fn content_security_policy(widget_origin: &str) -> String {
    format!(
        "default-src 'self'; {}; object-src 'none'; base-uri 'self'; frame-ancestors 'self'",
        csp_directives(widget_origin)
    )
}
