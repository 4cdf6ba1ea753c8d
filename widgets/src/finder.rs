//! `<ow-service-finder tenant="…" lang="it|en" area="…">`: search the public directory of
//! a tenant (a province or zone covers the tenants beneath it) by words, area, type, comune
//! and free places, or nearest first ("near me", the browser's position, asked only on
//! click); results with address, places and, folded, hours and contacts, linked to the
//! public facility page.
//!
//! The host element tells tests and host pages how it is doing: `data-state` is
//! `loading`, `ready` or `error`, and `data-count` the number of results.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use types::directory::{FacilityOut, PublicFiltersOut, SearchPage};
use types::i18n::{t, tf, tn};
use types::Lang;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement, HtmlSelectElement, ShadowRoot};

use crate::dom::{append, apply_theme, area_field, clicked_id, el, get};

/// Results shown per search (the public API's page).
const PER_PAGE: u32 = 20;

struct Finder {
    host: HtmlElement,
    doc: Document,
    origin: String,
    tenant: String,
    lang: Lang,
    q: HtmlInputElement,
    area: HtmlSelectElement,
    facility_type: HtmlSelectElement,
    comune: HtmlSelectElement,
    free: HtmlInputElement,
    near_me: Element,
    /// The visitor's position, once they asked for "near me" (never stored anywhere).
    near: RefCell<Option<(f64, f64)>>,
    /// Number of the latest search: an older answer arriving late is dropped.
    latest: Cell<u32>,
    status: Element,
    results: Element,
}

/// Radius of a "near me" search.
const NEAR_ME_KM: u32 = 25;

/// Builds the finder in `root` (the host's shadow root) and runs a first search.
/// `origin` is the widget's origin (API and links); `css` the URL of its stylesheet.
#[wasm_bindgen]
pub fn mount_finder(host: HtmlElement, root: ShadowRoot, origin: String, css: String) -> Result<(), JsValue> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let lang = host.get_attribute("lang").as_deref().and_then(Lang::from_code).unwrap_or(Lang::It);
    let tenant = host.get_attribute("tenant").unwrap_or_default();
    let tx = |key: &str| t(lang, key);

    let style = el(&doc, "link", &[("rel", "stylesheet"), ("href", &css)], None)?;
    let section =
        el(&doc, "section", &[("class", "ow-finder"), ("aria-labelledby", "ow-title"), ("lang", lang.code())], None)?;
    let title = el(&doc, "h2", &[("id", "ow-title")], Some(&tx("widget.finder.title")))?;
    let form = el(&doc, "form", &[("role", "search"), ("aria-labelledby", "ow-title")], None)?;

    let q_label = el(&doc, "label", &[("for", "ow-q")], Some(&tx("widget.q")))?;
    let q: HtmlInputElement =
        el(&doc, "input", &[("id", "ow-q"), ("type", "search"), ("name", "q"), ("autocomplete", "off")], None)?
            .dyn_into()?;
    let q_field = el(&doc, "div", &[("class", "ow-field ow-field-wide")], None)?;
    append(&q_field, &[&q_label, &q])?;

    let preset = host.get_attribute("area").unwrap_or_default();
    let (area_field, area) = area_field(&doc, lang, "ow-area", &preset)?;

    let (type_field, facility_type) =
        select_field(&doc, "ow-type", &tx("field.facility_type"), &tx("widget.all_types"))?;
    let (comune_field, comune) = select_field(&doc, "ow-comune", &tx("field.comune"), &tx("widget.all_comuni"))?;

    let free: HtmlInputElement =
        el(&doc, "input", &[("id", "ow-free"), ("type", "checkbox"), ("name", "free_places")], None)?.dyn_into()?;
    let free_label = el(&doc, "label", &[("for", "ow-free")], Some(&tx("widget.free_places")))?;
    let free_field = el(&doc, "div", &[("class", "ow-check")], None)?;
    append(&free_field, &[&free, &free_label])?;

    let button = el(&doc, "button", &[("type", "submit")], Some(&tx("action.search")))?;
    // Asks for the position only when pressed; pressed again, forgets it.
    let near_me = el(
        &doc,
        "button",
        &[("type", "button"), ("class", "ow-secondary"), ("aria-pressed", "false")],
        Some(&tx("widget.near_me")),
    )?;
    let buttons = el(&doc, "div", &[("class", "ow-buttons")], None)?;
    append(&buttons, &[&button, &near_me])?;
    append(&form, &[&q_field, &area_field, &type_field, &comune_field, &free_field, &buttons])?;

    // Announced by screen readers when it changes: the number of results, or the problem.
    let status = el(&doc, "p", &[("class", "ow-status"), ("role", "status"), ("aria-live", "polite")], None)?;
    let results = el(&doc, "ul", &[("class", "ow-results")], None)?;
    append(&section, &[&title, &form, &status, &results])?;
    root.append_child(&style)?;
    root.append_child(&section)?;

    let finder = Rc::new(Finder {
        host,
        doc,
        origin,
        tenant,
        lang,
        q,
        area,
        facility_type,
        comune,
        free,
        near_me: near_me.clone(),
        near: RefCell::new(None),
        latest: Cell::new(0),
        status,
        results,
    });
    let on_submit = {
        let finder = finder.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            let finder = finder.clone();
            wasm_bindgen_futures::spawn_local(async move { finder.search().await });
        })
    };
    form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())?;
    let on_near_me = {
        let finder = finder.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| finder.clone().toggle_near_me())
    };
    near_me.add_event_listener_with_callback("click", on_near_me.as_ref().unchecked_ref())?;
    // "Show on the map" of any result: tells the map of the page (one listener for all).
    let on_show = {
        let host = finder.host.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            if let Some(id) = clicked_id(&event, "data-show") {
                let init = web_sys::CustomEventInit::new();
                init.set_bubbles(true);
                init.set_composed(true);
                let detail = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&detail, &"id".into(), &JsValue::from_f64(id as f64));
                init.set_detail(&detail);
                if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(crate::SELECT_EVENT, &init) {
                    let _ = host.dispatch_event(&event);
                }
            }
        })
    };
    finder.results.add_event_listener_with_callback("click", on_show.as_ref().unchecked_ref())?;
    // The listeners live as long as the element.
    on_submit.forget();
    on_near_me.forget();
    on_show.forget();
    let themed = finder.clone();
    wasm_bindgen_futures::spawn_local(async move {
        apply_theme(&themed.doc, &themed.host, &title, &themed.origin, &themed.tenant, themed.lang).await;
    });
    wasm_bindgen_futures::spawn_local(async move {
        finder.load_filters().await;
        finder.search().await;
    });
    Ok(())
}

/// A labelled `<select>` with a first "all" option.
fn select_field(doc: &Document, id: &str, label: &str, all: &str) -> Result<(Element, HtmlSelectElement), JsValue> {
    let label = el(doc, "label", &[("for", id)], Some(label))?;
    let select: HtmlSelectElement = el(doc, "select", &[("id", id)], None)?.dyn_into()?;
    let any = el(doc, "option", &[("value", "")], Some(all))?;
    select.append_child(&any)?;
    let field = el(doc, "div", &[("class", "ow-field")], None)?;
    append(&field, &[&label, &select])?;
    Ok((field, select))
}

impl Finder {
    fn set_state(&self, state: &str, count: Option<u64>) {
        let _ = self.host.set_attribute("data-state", state);
        match count {
            Some(n) => {
                let _ = self.host.set_attribute("data-count", &n.to_string());
            }
            None => {
                let _ = self.host.remove_attribute("data-count");
            }
        }
    }

    /// The facility types and comuni that occur in the directory, as choices.
    async fn load_filters(&self) {
        let url = format!("{}/api/public/v1/{}/filters", self.origin, encode(&self.tenant));
        let Some(answer) = get(&url, self.lang.code()).await.filter(|a| a.status == 200) else { return };
        let Ok(filters) = serde_json::from_str::<PublicFiltersOut>(&answer.body) else { return };
        for t in &filters.facility_types {
            if let Ok(option) = el(&self.doc, "option", &[("value", &t.code)], Some(&t.label)) {
                let _ = self.facility_type.append_child(&option);
            }
        }
        for c in &filters.comuni {
            if let Ok(option) = el(&self.doc, "option", &[("value", &c.istat_code)], Some(&c.name)) {
                let _ = self.comune.append_child(&option);
            }
        }
    }

    /// "Near me": asks the browser for the position (its own prompt), then searches
    /// nearest first; pressed again, searches everywhere again.
    fn toggle_near_me(self: Rc<Self>) {
        if self.near.borrow_mut().take().is_some() {
            let _ = self.near_me.set_attribute("aria-pressed", "false");
            wasm_bindgen_futures::spawn_local(async move { self.search().await });
            return;
        }
        let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
            self.status.set_text_content(Some(&t(self.lang, "widget.error.position")));
            return;
        };
        self.status.set_text_content(Some(&t(self.lang, "widget.locating")));
        let found = {
            let finder = self.clone();
            Closure::once_into_js(move |position: JsValue| {
                let coord = |name: &str| {
                    js_sys::Reflect::get(&position, &"coords".into())
                        .and_then(|c| js_sys::Reflect::get(&c, &name.into()))
                        .ok()
                        .and_then(|v| v.as_f64())
                };
                if let (Some(lat), Some(lon)) = (coord("latitude"), coord("longitude")) {
                    *finder.near.borrow_mut() = Some((lat, lon));
                    let _ = finder.near_me.set_attribute("aria-pressed", "true");
                }
                wasm_bindgen_futures::spawn_local(async move { finder.search().await });
            })
        };
        let refused = {
            let finder = self.clone();
            Closure::once_into_js(move |_: JsValue| {
                finder.status.set_text_content(Some(&t(finder.lang, "widget.error.position")));
            })
        };
        if geolocation
            .get_current_position_with_error_callback(found.unchecked_ref(), Some(refused.unchecked_ref()))
            .is_err()
        {
            self.status.set_text_content(Some(&t(self.lang, "widget.error.position")));
        }
    }

    fn url(&self) -> String {
        let params = web_sys::UrlSearchParams::new().ok();
        if let Some(p) = &params {
            let q = self.q.value();
            if !q.trim().is_empty() {
                p.append("q", q.trim());
            }
            let area = self.area.value();
            if !area.is_empty() {
                p.append("area", &area);
            }
            for (name, select) in [("type", &self.facility_type), ("comune", &self.comune)] {
                let value = select.value();
                if !value.is_empty() {
                    p.append(name, &value);
                }
            }
            if self.free.checked() {
                p.append("free_places", "true");
            }
            // About a kilometre is enough to sort by distance, and less than that is
            // more than the visitor's address needs to tell the server (and its logs).
            if let Some((lat, lon)) = *self.near.borrow() {
                p.append("near", &format!("{lat:.2},{lon:.2}"));
                p.append("radius_km", &NEAR_ME_KM.to_string());
            }
            p.append("per_page", &PER_PAGE.to_string());
        }
        let query = params.map(|p| String::from(p.to_string())).unwrap_or_default();
        format!("{}/api/public/v1/{}/facilities?{query}", self.origin, encode(&self.tenant))
    }

    async fn search(&self) {
        let number = self.latest.get().wrapping_add(1);
        self.latest.set(number);
        self.set_state("loading", None);
        self.status.set_text_content(Some(&t(self.lang, "widget.searching")));
        let answer = get(&self.url(), self.lang.code()).await;
        if self.latest.get() != number {
            return;
        }
        let outcome = match answer {
            None => Err(t(self.lang, "widget.error.network")),
            Some(a) if a.status == 404 => Err(t(self.lang, "widget.error.tenant")),
            Some(a) if a.status == 200 => serde_json::from_str::<SearchPage<FacilityOut>>(&a.body)
                .map_err(|_| t(self.lang, "widget.error.network")),
            // A refused filter: the API's own message, already in the asked language.
            Some(a) => Err(serde_json::from_str::<types::ApiError>(&a.body)
                .map(|e| e.message)
                .unwrap_or_else(|_| t(self.lang, "widget.error.network"))),
        };
        self.results.set_text_content(None);
        match outcome {
            Err(message) => {
                self.status.set_text_content(Some(&message));
                self.set_state("error", None);
            }
            Ok(page) => {
                let summary = match page.total_items {
                    0 => t(self.lang, "widget.none"),
                    n if n > page.items.len() as u64 => tf(
                        self.lang,
                        "widget.count_more",
                        &[("n", &n.to_string()), ("shown", &page.items.len().to_string())],
                    ),
                    n => tn(self.lang, "widget.count", n as i64, &[]),
                };
                self.status.set_text_content(Some(&summary));
                for f in &page.items {
                    if let Ok(item) = self.item(f) {
                        let _ = self.results.append_child(&item);
                    }
                }
                self.set_state("ready", Some(page.total_items));
            }
        }
    }

    /// One result: name (a link to its public page), type, address, contacts, places.
    fn item(&self, f: &FacilityOut) -> Result<Element, JsValue> {
        let doc = &self.doc;
        let li = el(doc, "li", &[("class", "ow-item")], None)?;
        let href = format!("{}/directory/{}/{}", self.origin, encode(&f.tenant.slug), f.id);
        let name = el(doc, "h3", &[], None)?;
        let link = el(doc, "a", &[("href", &href), ("target", "_blank"), ("rel", "noopener")], Some(&f.name))?;
        name.append_child(&link)?;
        let kind = el(doc, "p", &[("class", "ow-kind")], Some(&f.facility_type.label))?;
        let place = format!("{}, {}", f.address, f.comune.name);
        let address = el(doc, "p", &[], Some(&place))?;
        append(&li, &[&name, &kind, &address])?;
        if let Some(km) = f.distance_km {
            let text = tf(self.lang, "widget.distance", &[("km", &format!("{km:.1}"))]);
            append(&li, &[&el(doc, "p", &[], Some(&text))?])?;
        }
        if let Some(free) = f.places.free {
            let text = tf(self.lang, "widget.places_free", &[("n", &free.to_string())]);
            append(&li, &[&el(doc, "p", &[("class", "ow-places")], Some(&text))?])?;
        }
        append(&li, &[&self.details(f)?])?;
        // With a map on the same page, the result can be shown on it.
        let map_on_page = self.doc.query_selector("ow-map").ok().flatten().is_some();
        if map_on_page && f.latitude.is_some() && f.longitude.is_some() {
            let button = el(
                doc,
                "button",
                &[
                    ("type", "button"),
                    ("class", "ow-secondary ow-on-map"),
                    ("data-show", &f.id.0.to_string()),
                    // Which one, for a screen reader going from button to button.
                    ("aria-label", &tf(self.lang, "widget.show_on_map_named", &[("name", &f.name)])),
                ],
                Some(&t(self.lang, "widget.show_on_map")),
            )?;
            append(&li, &[&button])?;
        }
        Ok(li)
    }

    /// Hours, contacts and places, folded under the result.
    fn details(&self, f: &FacilityOut) -> Result<Element, JsValue> {
        let doc = &self.doc;
        let lang = self.lang;
        let details = el(doc, "details", &[], None)?;
        let summary = el(doc, "summary", &[], Some(&t(lang, "widget.details")))?;
        let list = el(doc, "dl", &[], None)?;
        let row = |label: &str, value: Element| -> Result<(), JsValue> {
            let dt = el(doc, "dt", &[], Some(label))?;
            let dd = el(doc, "dd", &[], None)?;
            dd.append_child(&value)?;
            append(&list, &[&dt, &dd])
        };
        let hours = f.hours.to_text(lang);
        if !hours.trim().is_empty() {
            row(&t(lang, "field.hours"), el(doc, "span", &[("class", "ow-hours")], Some(&hours))?)?;
        }
        if let Some(phone) = &f.phone {
            let tel: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
            row(&t(lang, "field.phone"), el(doc, "a", &[("href", &format!("tel:{tel}"))], Some(phone))?)?;
        }
        if let Some(email) = &f.email {
            row(&t(lang, "field.email"), el(doc, "a", &[("href", &format!("mailto:{email}"))], Some(email))?)?;
        }
        if let Some(site) = f.website.as_ref().filter(|w| w.starts_with("https://") || w.starts_with("http://")) {
            row(&t(lang, "field.website"), el(doc, "a", &[("href", site), ("rel", "noopener")], Some(site))?)?;
        }
        if let Some(n) = f.places.authorised {
            row(&t(lang, "widget.places_authorised"), el(doc, "span", &[], Some(&n.to_string()))?)?;
        }
        if let Some(o) = &f.organization {
            row(&t(lang, "field.organization"), el(doc, "span", &[], Some(&o.name))?)?;
        }
        append(&details, &[&summary, &list])?;
        Ok(details)
    }
}

/// Percent-encodes a path segment.
fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}
