//! Small helpers over web-sys: elements with attributes and text, and a cookie-less GET.

use types::directory::{area_key, AREAS};
use types::i18n::t;
use types::theme::{contrast, parse_hex, PublicThemeOut, MIN_CONTRAST};
use types::Lang;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlSelectElement, Request, RequestCredentials, RequestInit, RequestMode, Response};

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

/// The labelled target-area choice ("all areas" first), with `preset` chosen.
pub fn area_field(doc: &Document, lang: Lang, id: &str, preset: &str) -> Result<(Element, HtmlSelectElement), JsValue> {
    let label = el(doc, "label", &[("for", id)], Some(&t(lang, "field.area")))?;
    let select: HtmlSelectElement = el(doc, "select", &[("id", id), ("name", "area")], None)?.dyn_into()?;
    append(&select, &[&el(doc, "option", &[("value", "")], Some(&t(lang, "widget.all_areas")))?])?;
    for code in AREAS {
        let option = el(doc, "option", &[("value", code)], Some(&t(lang, &area_key(code))))?;
        if code == preset {
            option.set_attribute("selected", "")?;
        }
        select.append_child(&option)?;
    }
    let field = el(doc, "div", &[("class", "ow-field")], None)?;
    append(&field, &[&label, &select])?;
    Ok((field, select))
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

/// The number in attribute `attr` of the button an event happened on (or inside), for
/// one listener serving a whole list.
pub fn clicked_id(event: &web_sys::Event, attr: &str) -> Option<i64> {
    let target: Element = event.target()?.dyn_into().ok()?;
    let button = target.closest(&format!("button[{attr}]")).ok()??;
    button.get_attribute(attr)?.parse().ok()
}

/// The tenant's default look: its colour as `--ow-tenant-primary` on the host (a council
/// page's own `--ow-primary` wins, see `common.css`) and its logo at the start of
/// `heading`. Nothing changes when the theme cannot be read.
pub async fn apply_theme(
    doc: &Document,
    host: &web_sys::HtmlElement,
    heading: &Element,
    origin: &str,
    tenant: &str,
    lang: Lang,
) {
    let url = format!("{origin}/api/public/v1/{}/theme", String::from(js_sys::encode_uri_component(tenant)));
    let Some(answer) = get(&url, lang.code()).await.filter(|a| a.status == 200) else { return };
    let Ok(theme) = serde_json::from_str::<PublicThemeOut>(&answer.body) else { return };
    // Checked again here: text in this colour must stay readable on white.
    let readable = theme.primary.as_deref().and_then(parse_hex).is_some_and(|c| contrast(c, [255; 3]) >= MIN_CONTRAST);
    if let (true, Some(colour)) = (readable, &theme.primary) {
        let _ = host.style().set_property("--ow-tenant-primary", colour);
    }
    if let Some(path) = theme.logo.filter(|p| p.starts_with('/')) {
        let src = format!("{origin}{path}");
        if let Ok(logo) = el(doc, "img", &[("src", &src), ("alt", &theme.name), ("class", "ow-logo")], None) {
            let _ = heading.insert_before(&logo, heading.first_child().as_ref());
        }
    }
}
