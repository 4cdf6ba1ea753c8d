//! The built files every staff page loads (the hydrate bundle, the stylesheets, fonts and
//! icons) and the widgets' files: what the build named them (`site/assets.txt`, written by
//! `cargo xtask dist`) and how they are served — precompressed (brotli or gzip, whichever
//! the browser accepts), and kept by browsers for a year when their name or `?v=` says
//! which build they are, revalidated otherwise.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// What the build named: the hydrate bundle and the stylesheets' versions.
#[derive(Clone, Debug)]
pub struct Built {
    /// The bundle's file stem (`frontend-<hash>`), `frontend` without a build manifest.
    pub hydrate: String,
    pub stylesheets: app::Stylesheets,
}

impl Built {
    /// Reads `assets.txt` in `site_root`; without it (a site not built by `cargo xtask
    /// dist`, tests that render pages only), the plain names.
    pub fn read(site_root: &Path) -> Built {
        let manifest = std::fs::read_to_string(site_root.join("assets.txt")).unwrap_or_default();
        Built::parse(&manifest)
    }

    fn parse(manifest: &str) -> Built {
        let value = |key: &str| {
            manifest
                .lines()
                .filter_map(|l| l.split_once('='))
                .find(|(k, _)| k.trim() == key)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        };
        let mut stylesheets = app::Stylesheets::default();
        for (href, key) in stylesheets.0.iter_mut().zip(["bootstrap_italia_css", "app_css"]) {
            if let Some(v) = value(key) {
                href.push_str(&format!("?v={v}"));
            }
        }
        Built { hydrate: value("hydrate").unwrap_or_else(|| "frontend".into()), stylesheets }
    }
}

/// Whether the request names one build's file: a hashed bundle (`/pkg/frontend-<hash>…`)
/// or a versioned stylesheet (`?v=`).
fn names_a_build(req: &Request) -> bool {
    let path = req.uri().path();
    let hashed = path.rsplit('/').next().is_some_and(|f| f.starts_with("frontend-"));
    let versioned = req.uri().query().is_some_and(|q| q.split('&').any(|p| p.starts_with("v=")));
    hashed || versioned
}

/// `Cache-Control` of `/pkg` and `/assets`: a file of one build is kept for a year; any
/// other (fonts and icons the stylesheet names, the API's documentation) is revalidated
/// (`no-cache`: a 304 without body when unchanged); a missing file is not remembered.
pub async fn cache_headers(req: Request, next: Next) -> Response {
    let immutable = names_a_build(&req);
    let mut response = next.run(req).await;
    let cache = match (response.status().is_success(), immutable) {
        (false, _) => "no-store",
        (true, true) => "public, max-age=31536000, immutable",
        (true, false) => "no-cache",
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // The same address answers brotli, gzip or neither: a shared cache keeps them apart.
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_names_the_bundle_and_versions_the_stylesheets() {
        let built = Built::parse("# comment\nhydrate = frontend-00ff\nbootstrap_italia_css = 12ab\napp_css = 34cd\n");
        assert_eq!(built.hydrate, "frontend-00ff");
        assert_eq!(
            built.stylesheets.0,
            ["/assets/bootstrap-italia/css/bootstrap-italia.min.css?v=12ab", "/assets/app.css?v=34cd"]
        );
        let plain = Built::parse("");
        assert_eq!(plain.hydrate, "frontend");
        assert_eq!(plain.stylesheets.0, app::Stylesheets::default().0);
        // A manifest cannot put markup or a path into the page.
        assert_eq!(Built::parse("hydrate = ../x\"><script>").hydrate, "frontend");
    }

    #[test]
    fn only_files_of_one_build_are_kept_for_good() {
        let req = |uri: &str| Request::builder().uri(uri).body(axum::body::Body::empty()).unwrap();
        assert!(names_a_build(&req("/pkg/frontend-0123456789abcdef_bg.wasm")));
        assert!(names_a_build(&req("/assets/app.css?v=34cd")));
        assert!(!names_a_build(&req("/pkg/frontend.js")));
        assert!(!names_a_build(&req("/assets/bootstrap-italia/fonts/Titillium_Web/x.woff2")));
    }
}
