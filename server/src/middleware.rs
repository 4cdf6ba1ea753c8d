//! Request middleware: language choice, the Origin check on state-changing requests,
//! the translation of error bodies and the security headers of every response.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::AppError;
use tower_sessions::Session;
use types::Lang;

use crate::error::{ApiFailure, PendingError};
use crate::extract::RequestLang;
use crate::sessions;
use crate::state::AppState;

/// Picks the language: the session's choice, else `Accept-Language`, else Italian.
pub async fn language(mut req: Request, next: Next) -> Response {
    let from_session = match req.extensions().get::<Session>() {
        Some(session) => sessions::lang(session).await,
        None => None,
    };
    let lang = from_session
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    req.extensions_mut().insert(RequestLang(lang));
    next.run(req).await
}

/// CSRF defence in depth (cookies are also SameSite=Lax): a state-changing request
/// must come from our own origin. Browsers always send `Origin` (or `Sec-Fetch-Site`)
/// on such requests; a request with neither is not from a browser and carries no
/// ambient cookie risk.
pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || is_stateless_public(req.uri().path()) {
        return next.run(req).await;
    }
    if origin_allowed(req.headers(), &state.config.public_origin) {
        next.run(req).await
    } else {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "state-changing request from a foreign origin");
        ApiFailure(AppError::BadOrigin).into_response()
    }
}

/// Public POSTs that change nothing and read no session (the benefits evaluation): any
/// site may call them, so the Origin check does not apply.
fn is_stateless_public(path: &str) -> bool {
    path.starts_with("/api/public/v1/") && path.ends_with("/benefits/evaluate")
}

fn origin_allowed(headers: &HeaderMap, public_origin: &str) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match header("origin") {
        Some(origin) => {
            let own = if public_origin.is_empty() {
                // Without a configured origin, accept the request's own host.
                let Some(host) = header("host") else { return false };
                origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host)
            } else {
                origin == public_origin.trim_end_matches('/')
            };
            own
        }
        None => !matches!(header("sec-fetch-site"), Some("cross-site") | Some("same-site")),
    }
}

/// server_fn answers 500 for errors raised before our code runs (malformed or missing
/// arguments). Our own errors already carry their status and message; this gives the
/// framework's the status their code says and a translated message, so a client
/// mistake is never a 500.
pub async fn server_fn_errors(req: Request, next: Next) -> Response {
    let lang = req.extensions().get::<RequestLang>().map_or(Lang::It, |l| l.0);
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
    let Ok(mut error) = serde_json::from_slice::<types::ApiError>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if error.message.is_empty() {
        error.message = types::i18n::t(lang, error.code.message_key());
    }
    parts.status = StatusCode::from_u16(error.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(serde_json::to_vec(&error).unwrap_or_default()))
}

/// Server functions that take multipart form data get nothing else: the framework's
/// decoder panics on a body without a multipart boundary, so such a request is answered
/// here with a field error instead.
pub async fn multipart_only(req: Request, next: Next) -> Response {
    if let Some(key) = app::api::registered_at(req.uri().path()).and_then(|f| f.multipart) {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let boundary_ok = content_type.trim_start().to_ascii_lowercase().starts_with("multipart/form-data")
            && content_type
                .split(';')
                .filter_map(|p| p.trim().strip_prefix("boundary="))
                .any(|b| !b.trim_matches('"').is_empty());
        if !boundary_ok {
            return crate::error::ApiFailure(domain::AppError::field("file", key)).into_response();
        }
    }
    next.run(req).await
}

/// The largest body a request may carry, besides uploads (and the public API's own,
/// smaller limit): a staff form, a rulebook, a JSON document.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Every body has a size limit: uploads (the facility import, a logo) the import's, the
/// rest [`MAX_BODY_BYTES`]. A declared length over it is refused before anything is read,
/// with a 413 in the client's language; a body that grows past it is cut off there.
pub async fn limit_bodies(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let upload = app::api::registered_at(path).is_some_and(|f| f.multipart.is_some())
        || path.ends_with("/facilities/import")
        || path.ends_with("/logo");
    // Multipart framing around a file of the largest size.
    let limit = if upload { domain::import::MAX_UPLOAD_BYTES + 64 * 1024 } else { MAX_BODY_BYTES };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return ApiFailure(AppError::TooLarge).into_response();
    }
    let (parts, body) = req.into_parts();
    let body = if upload {
        // Streamed to the upload's reader, which answers a cut-off file as unreadable.
        Body::new(http_body_util::Limited::new(body, limit))
    } else {
        // Read here, so that going over is a 413 whoever reads it (a server function's
        // own reading would make it a 500).
        match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => Body::from(bytes),
            Err(e) if is_length_limit(&e) => return ApiFailure(AppError::TooLarge).into_response(),
            Err(_) => return ApiFailure(AppError::field("body", "validation.invalid")).into_response(),
        }
    };
    next.run(Request::from_parts(parts, body)).await
}

/// The error of reading a body that went over its limit.
pub fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Sign-in attempts are limited per client address and for the node as a whole, before
/// any password is hashed: anonymous callers cannot queue work without end. (Per account
/// there is the lockout of `domain::auth`.)
pub async fn limit_sign_ins(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    // Asking for a reset link sends an e-mail, creating an invited account hashes a
    // password, a second-factor code is a guess: limited like a sign-in.
    let limited = [
        "/api/v1/session",
        "/sf/sign_in",
        "/api/v1/password-reset-request",
        "/sf/request_password_reset",
        "/api/v1/invitations/account",
        "/sf/create_invited_account",
        "/api/v1/session/totp",
        "/sf/verify_totp",
    ];
    let signing_in = req.method() == Method::POST && limited.contains(&path);
    if signing_in {
        let client = crate::extract::client_ip(req.extensions(), req.headers(), &state.config);
        // An unknown address (only in tests) has no bucket of its own; the node's still counts.
        let per_client = client.is_none_or(|c| state.sign_ins_per_client.allow(Some(c)));
        if !per_client || !state.sign_ins.allow(None) {
            return ApiFailure(AppError::TooManyRequests).into_response();
        }
    }
    next.run(req).await
}

/// Writes the translated JSON body of every error response (see `error.rs`).
pub async fn translate_errors(req: Request, next: Next) -> Response {
    let lang = req.extensions().get::<RequestLang>().map_or(Lang::It, |l| l.0);
    let mut response = next.run(req).await;
    if let Some(PendingError(err)) = response.extensions_mut().remove::<PendingError>() {
        let body = serde_json::to_vec(&err.to_api(lang)).unwrap_or_default();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
        headers.remove(header::CONTENT_LENGTH);
        *response.body_mut() = Body::from(body);
    }
    response
}

/// Headers every response carries: no MIME sniffing, no referrer outside this origin, no
/// framing, HSTS when served over HTTPS, and a Content-Security-Policy (pages rendered by
/// Leptos set their own, with the page's nonce; anything else gets it without one).
/// Whatever does not say how it may be cached is not stored: staff pages, server
/// functions and the staff API carry personal data.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let static_file = ["/assets/", "/pkg/", "/widgets/"].iter().any(|p| path.starts_with(p));
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, header::HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, header::HeaderValue::from_static("DENY"));
    if state.config.served_over_https() {
        h.insert(header::STRICT_TRANSPORT_SECURITY, header::HeaderValue::from_static("max-age=31536000"));
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(policy) = header::HeaderValue::from_str(&app::csp::policy(None)) {
            h.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    if !static_file && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    }
    response
}

/// Headers of the widget files under `/widgets/v1/`, which council sites load from their
/// own origin: readable cross-origin (module scripts and wasm are fetched in CORS mode),
/// and cached for good except the loader, whose URL stays the same across releases.
pub async fn widget_headers(req: Request, next: Next) -> Response {
    let loader = req.uri().path().ends_with("/openwelfare.js");
    let mut response = next.run(req).await;
    let ok = response.status().is_success();
    let h = response.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
    h.insert("cross-origin-resource-policy", header::HeaderValue::from_static("cross-origin"));
    // A missing file must not be remembered as missing for a year.
    let cache = match (ok, loader) {
        (false, _) => "no-store",
        (true, true) => "public, max-age=300",
        (true, false) => "public, max-age=31536000, immutable",
    };
    h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static(cache));
    h.insert(header::VARY, header::HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn origins() {
        let own = headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]);
        assert!(origin_allowed(&own, ""));
        let forged = headers(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")]);
        assert!(!origin_allowed(&forged, ""));
        let configured = headers(&[("origin", "https://welfare.example.it")]);
        assert!(origin_allowed(&configured, "https://welfare.example.it/"));
        assert!(!origin_allowed(&own, "https://welfare.example.it"));
        assert!(origin_allowed(&headers(&[]), ""));
        assert!(!origin_allowed(&headers(&[("sec-fetch-site", "cross-site")]), ""));
        assert!(!origin_allowed(&headers(&[("host", "a"), ("origin", "null")]), ""));
    }
}
