//! `openwelfare sample-site`: a plausible council website ("Comune di Brescia — Servizi
//! sociali") on its own origin, embedding the widgets as a council would, under a strict
//! Content-Security-Policy. The demo serves it next to the product, and the browser tests
//! check the widgets on it.

use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;

const PAGE: &str = include_str!("../sample-site/index.html");
const BENEFITS_PAGE: &str = include_str!("../sample-site/benefits.html");
const CSS: &str = include_str!("../sample-site/council.css");

/// `tenant`: whose directory the finder and the map show; `benefits_tenant`: whose
/// benefits the checker offers (the comune's, with the region's and the national ones).
pub fn router(widget_origin: &str, tenant: &str, benefits_tenant: &str) -> Router {
    let page = PAGE.replace("{{WIDGET_ORIGIN}}", widget_origin).replace("{{TENANT}}", tenant);
    let benefits =
        BENEFITS_PAGE.replace("{{WIDGET_ORIGIN}}", widget_origin).replace("{{BENEFITS_TENANT}}", benefits_tenant);
    let csp = HeaderValue::from_str(&types::embed::content_security_policy(widget_origin))
        .unwrap_or(HeaderValue::from_static("default-src 'self'"));
    Router::new()
        .route("/", get(move || async move { Html(page) }))
        .route("/aiuti", get(move || async move { Html(benefits) }))
        .route(
            "/council.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response() }),
        )
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, csp))
}

pub async fn serve(
    addr: std::net::SocketAddr,
    widget_origin: &str,
    tenant: &str,
    benefits_tenant: &str,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("Sample council site on http://{addr} (widgets from {widget_origin})");
    axum::serve(listener, router(widget_origin.trim_end_matches('/'), tenant, benefits_tenant)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
    use axum::body::Body;
    use axum::http::{header, Request};
    use tower::ServiceExt;

    #[tokio::test]
    async fn the_page_embeds_the_widgets_under_a_strict_policy() {
        let app = super::router("http://127.0.0.1:3000", "provincia-di-brescia", "comune-di-brescia");
        let res = app.clone().oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
        let csp = res.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
        assert!(csp.contains("script-src 'self' http://127.0.0.1:3000 'wasm-unsafe-eval';"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{csp}");
        let body = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
        let page = String::from_utf8_lossy(&body);
        assert!(page.contains(r#"<script type="module" src="http://127.0.0.1:3000/widgets/v1/openwelfare.js">"#));
        assert!(page.contains(r#"<ow-service-finder tenant="provincia-di-brescia" lang="it">"#));
        assert!(page.contains(r#"<ow-map tenant="provincia-di-brescia" lang="it">"#));
        assert!(csp.contains("worker-src 'self' http://127.0.0.1:3000 blob:"), "the map's worker: {csp}");
        assert!(!page.contains("<script>"), "no inline script");
        let res = app.oneshot(Request::get("/aiuti").body(Body::empty()).unwrap()).await.unwrap();
        assert!(res.headers().contains_key(header::CONTENT_SECURITY_POLICY));
        let body = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
        let page = String::from_utf8_lossy(&body);
        assert!(page.contains(r#"<ow-benefits-checker tenant="comune-di-brescia" lang="it">"#));
    }
}
