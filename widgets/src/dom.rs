//! Small helpers over web-sys: elements with attributes and text, and a cookie-less GET.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, Request, RequestCredentials, RequestInit, RequestMode, Response};

/// `<tag attr=value …>text</tag>`; the text is a text node, never parsed as HTML.
pub fn el(doc: &Document, tag: &str, attrs: &[(&str, &str)], text: Option<&str>) -> Result<Element, JsValue> {
    let e = doc.create_element(tag)?;
    for (name, value) in attrs {
        e.set_attribute(name, value)?;
    }
    if let Some(text) = text {
        e.set_text_content(Some(text));
    }
    Ok(e)
}

/// Appends `children` to `parent`.
pub fn append(parent: &Element, children: &[&Element]) -> Result<(), JsValue> {
    for child in children {
        parent.append_child(child)?;
    }
    Ok(())
}

/// What a GET answered: its status and body, or `None` when nothing came back (offline,
/// blocked, server down).
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// GET `url` as JSON, in `lang`, with no cookies or credentials.
pub async fn get(url: &str, lang: &str) -> Option<Answer> {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    let request = Request::new_with_str_and_init(url, &init).ok()?;
    // Both headers are CORS-safelisted: no preflight.
    request.headers().set("Accept", "application/json").ok()?;
    request.headers().set("Accept-Language", lang).ok()?;
    let window = web_sys::window()?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request)).await.ok()?.dyn_into().ok()?;
    let body = JsFuture::from(response.text().ok()?).await.ok()?.as_string().unwrap_or_default();
    Some(Answer { status: response.status(), body })
}
