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

/// A strict policy for the council's page: scripts only from itself and the widget
/// origin, no inline script, WebAssembly allowed to compile, data and styles from the
/// widget origin.
pub fn content_security_policy(widget_origin: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {widget_origin} 'wasm-unsafe-eval'; \
         connect-src 'self' {widget_origin}; style-src 'self' {widget_origin}; \
         img-src 'self' {widget_origin} data:; font-src 'self' {widget_origin}; \
         object-src 'none'; base-uri 'self'; frame-ancestors 'self'"
    )
}
