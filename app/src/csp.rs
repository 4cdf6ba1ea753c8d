//! The Content-Security-Policy of every page (server side): scripts only from this origin
//! or inline with the response's nonce (the hydration script Leptos writes carries it),
//! wasm compiled by the browser, nothing framing the page, nothing posted elsewhere.

/// The policy; `nonce` is the page's (`None` for a response Leptos did not render).
pub fn policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(n) => format!("'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_string(),
    };
    // Styles: Bootstrap Italia and MapLibre set style attributes; scripts never run inline.
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Puts the policy with this page's nonce on the response being rendered.
pub fn set_for_page() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&policy(Some(&nonce))) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_inline_script_without_the_nonce() {
        let p = super::policy(Some("abc"));
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"), "{p}");
        assert!(!p.split(';').any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")));
        assert!(p.ends_with("frame-ancestors 'none'"));
    }
}
