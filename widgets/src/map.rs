//! `<ow-map tenant="…" lang="it|en" area="…">`: the published facilities of a tenant's
//! directory on a map, clustered and coloured by target area, with a popup per facility
//! and, beside it, the same facilities as a list of buttons (the way to the map for a
//! keyboard or a screen reader). Choosing a facility in a finder on the same page
//! (`ow-facility-select` event) shows it here.
//!
//! The basemap is only the province and comune boundaries the product serves
//! (`/boundaries.geojson`) and a font of its own: no tile or glyph server. The area filter
//! asks the server again, so clusters count only what is shown.
//!
//! The host element tells tests and host pages how it is doing: `data-state` (`loading`,
//! `ready`, `error`), `data-count` (facilities on the map), and after each render
//! `data-clusters`, `data-points` (what is drawn) and `data-rendered` (facilities inside
//! the drawn clusters and points), `data-cluster-at` (where the biggest cluster is drawn)
//! and `data-idle` (present while the map stands still);
//! `data-focused` is the facility whose popup is open.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

use serde::Deserialize;
use serde_json::json;
use types::directory::area_key;
use types::i18n::{t, tf, tn};
use types::Lang;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, HtmlSelectElement, ShadowRoot};

use crate::dom::{append, apply_theme, area_field, clicked_id, el, get};
use crate::maplibre::{js, Map, MapLibre, Popup};
use crate::SELECT_EVENT;

/// Point colours by area, each at least 3:1 against the land colour (WCAG 1.4.11).
const AREA_COLOURS: [(&str, &str); 7] = [
    ("famiglia_minori", "#0059b3"),
    ("disabili", "#7a3e9d"),
    ("dipendenze", "#995100"),
    ("anziani", "#00695c"),
    ("immigrati", "#b3261e"),
    ("poverta", "#455b71"),
    ("multiutenza", "#2e6b30"),
];
const OTHER_COLOUR: &str = "#1a1a1a";
const LAND: &str = "#f7f9fa";
/// Zoom when a single facility is shown.
const FOCUS_ZOOM: f64 = 14.0;
/// The font of the map's labels, as named in the style's `font-faces`.
const FONT: &str = "Titillium Web";

/// What the facilities GeoJSON holds per point (the rest stays in JavaScript).
#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize, Clone)]
struct Feature {
    geometry: Geometry,
    properties: Properties,
}

#[derive(Deserialize, Clone)]
struct Geometry {
    coordinates: (f64, f64),
}

#[derive(Deserialize, Clone)]
struct Properties {
    id: i64,
    name: String,
    tenant: String,
    type_label: String,
    address: String,
    comune: String,
    places_free: Option<i32>,
}

#[derive(Deserialize)]
struct Bounds {
    bbox: Option<[f64; 4]>,
}

struct MapWidget {
    host: HtmlElement,
    doc: Document,
    origin: String,
    tenant: String,
    lang: Lang,
    maplibre: MapLibre,
    area: HtmlSelectElement,
    status: Element,
    list: Element,
    canvas: Element,
    map: RefCell<Option<Map>>,
    features: RefCell<Vec<Feature>>,
    popup: RefCell<Option<Popup>>,
    /// Counts popups opened: a popup's `close` handler knows whether it is still the one.
    popups: Cell<u32>,
    /// The list button a popup was opened from: focus goes back there when it closes.
    opener: RefCell<Option<HtmlElement>>,
    /// Number of the latest load: an older answer arriving late is dropped.
    latest: Cell<u32>,
}

/// Asset URLs the loader passes in.
struct Assets {
    css: String,
    maplibre_css: String,
    font: String,
}

impl Assets {
    fn from_js(value: &JsValue) -> Assets {
        let get =
            |name: &str| js_sys::Reflect::get(value, &name.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        Assets { css: get("css"), maplibre_css: get("maplibreCss"), font: get("font") }
    }
}

/// Builds the map widget in `root` (the host's shadow root). `origin` is the widget's
/// origin (API and links), `assets` the URLs of its stylesheets and font, `maplibre`
/// the imported MapLibre GL JS module.
#[wasm_bindgen]
pub fn mount_map(
    host: HtmlElement,
    root: ShadowRoot,
    origin: String,
    assets: JsValue,
    maplibre: JsValue,
) -> Result<(), JsValue> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let lang = host.get_attribute("lang").as_deref().and_then(Lang::from_code).unwrap_or(Lang::It);
    let tenant = host.get_attribute("tenant").unwrap_or_default();
    let assets = Assets::from_js(&assets);
    let tx = |key: &str| t(lang, key);

    let maplibre_css = el(&doc, "link", &[("rel", "stylesheet"), ("href", &assets.maplibre_css)], None)?;
    let css = el(&doc, "link", &[("rel", "stylesheet"), ("href", &assets.css)], None)?;
    let section =
        el(&doc, "section", &[("class", "ow-map"), ("aria-labelledby", "ow-map-title"), ("lang", lang.code())], None)?;
    let title = el(&doc, "h2", &[("id", "ow-map-title")], Some(&tx("widget.map.title")))?;

    let preset = host.get_attribute("area").unwrap_or_default();
    let (filter, area) = area_field(&doc, lang, "ow-map-area", &preset)?;

    let status = el(&doc, "p", &[("class", "ow-status"), ("role", "status"), ("aria-live", "polite")], None)?;
    let canvas = el(&doc, "div", &[("class", "ow-map-canvas")], None)?;
    let legend = legend(&doc, lang)?;
    let list_title = el(&doc, "h3", &[("id", "ow-map-list-title")], Some(&tx("widget.map.list")))?;
    let list = el(&doc, "ul", &[("class", "ow-map-list"), ("aria-labelledby", "ow-map-list-title")], None)?;
    let list_box = el(&doc, "div", &[("class", "ow-map-side")], None)?;
    append(&list_box, &[&list_title, &list])?;
    let body = el(&doc, "div", &[("class", "ow-map-body")], None)?;
    let frame = el(&doc, "div", &[("class", "ow-map-frame")], None)?;
    append(&frame, &[&canvas, &legend])?;
    append(&body, &[&frame, &list_box])?;
    append(&section, &[&title, &filter, &status, &body])?;
    root.append_child(&maplibre_css)?;
    root.append_child(&css)?;
    root.append_child(&section)?;

    let widget = Rc::new(MapWidget {
        host,
        doc,
        origin,
        tenant,
        lang,
        maplibre: MapLibre::new(maplibre),
        area,
        status,
        list,
        canvas,
        map: RefCell::new(None),
        features: RefCell::new(Vec::new()),
        popup: RefCell::new(None),
        popups: Cell::new(0),
        opener: RefCell::new(None),
        latest: Cell::new(0),
    });
    widget.set_state("loading");
    widget.status.set_text_content(Some(&tx("widget.map.loading")));
    // Until the map exists a change of area would have nothing to redraw.
    widget.area.set_disabled(true);

    let on_area = {
        let widget = widget.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            let widget = widget.clone();
            wasm_bindgen_futures::spawn_local(async move {
                widget.load_points(None).await;
            })
        })
    };
    widget.area.add_event_listener_with_callback("change", on_area.as_ref().unchecked_ref())?;
    let on_list = {
        let widget = widget.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            if let Some(id) = clicked_id(&event, "data-focus") {
                widget.focus(id);
                let button = event
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|t| t.closest("button").ok().flatten());
                *widget.opener.borrow_mut() = button.and_then(|b| b.dyn_into().ok());
            }
        })
    };
    widget.list.add_event_listener_with_callback("click", on_list.as_ref().unchecked_ref())?;
    let on_select = {
        let widget = widget.clone();
        Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            let id = js_sys::Reflect::get(&event.detail(), &"id".into()).ok().and_then(|v| v.as_f64());
            if let Some(id) = id {
                let widget = widget.clone();
                wasm_bindgen_futures::spawn_local(async move { widget.select_from_outside(id as i64).await });
            }
        })
    };
    widget.doc.add_event_listener_with_callback(SELECT_EVENT, on_select.as_ref().unchecked_ref())?;
    // The listeners live as long as the element.
    on_area.forget();
    on_list.forget();
    on_select.forget();
    let themed = widget.clone();
    wasm_bindgen_futures::spawn_local(async move {
        apply_theme(&themed.doc, &themed.host, &title, &themed.origin, &themed.tenant, themed.lang).await;
    });
    wasm_bindgen_futures::spawn_local(async move { widget.start(assets.font).await });
    Ok(())
}

/// The colour key: a swatch and the area's name per colour.
fn legend(doc: &Document, lang: Lang) -> Result<Element, JsValue> {
    let legend = el(doc, "div", &[("class", "ow-legend")], None)?;
    let title =
        el(doc, "p", &[("class", "ow-legend-title"), ("id", "ow-legend-title")], Some(&t(lang, "widget.map.legend")))?;
    let list = el(doc, "ul", &[("aria-labelledby", "ow-legend-title")], None)?;
    for (code, colour) in AREA_COLOURS {
        let li = el(doc, "li", &[], None)?;
        let swatch =
            el(doc, "span", &[("class", "ow-swatch"), ("aria-hidden", "true"), ("data-colour", colour)], None)?;
        // A CSS custom property set through the CSSOM: allowed under a strict style-src.
        swatch.unchecked_ref::<HtmlElement>().style().set_property("--ow-swatch", colour)?;
        let name = el(doc, "span", &[], Some(&t(lang, &area_key(code))))?;
        append(&li, &[&swatch, &name])?;
        list.append_child(&li)?;
    }
    append(&legend, &[&title, &list])?;
    Ok(legend)
}

impl MapWidget {
    fn set_state(&self, state: &str) {
        let _ = self.host.set_attribute("data-state", state);
    }

    fn fail(&self, key: &str) {
        self.status.set_text_content(Some(&t(self.lang, key)));
        self.set_state("error");
    }

    fn api(&self, path: &str) -> String {
        format!("{}/api/public/v1/{}/{path}", self.origin, String::from(js_sys::encode_uri_component(&self.tenant)))
    }

    /// Boundaries and facilities first, then the map drawn from both.
    async fn start(self: Rc<Self>, font: String) {
        let number = self.next_load();
        let (boundaries, points) = futures_util::future::join(
            get(&self.api("boundaries.geojson"), self.lang.code()),
            get(&self.points_url(), self.lang.code()),
        )
        .await;
        let (Some(boundaries), Some(points)) = (boundaries, points) else { return self.fail("widget.error.network") };
        if boundaries.status == 404 || points.status == 404 {
            return self.fail("widget.error.tenant");
        }
        if boundaries.status != 200 || points.status != 200 {
            return self.fail("widget.error.network");
        }
        let Ok(collection) = serde_json::from_str::<Collection>(&points.body) else {
            return self.fail("widget.error.network");
        };
        let bbox = serde_json::from_str::<Bounds>(&boundaries.body).ok().and_then(|b| b.bbox);
        let (Ok(boundaries_js), Ok(points_js)) =
            (js_sys::JSON::parse(&boundaries.body), js_sys::JSON::parse(&points.body))
        else {
            return self.fail("widget.error.network");
        };
        if self.latest.get() != number {
            return;
        }
        *self.features.borrow_mut() = collection.features;
        self.area.set_disabled(false);
        match self.create_map(&font, boundaries_js, points_js, bbox) {
            Ok(map) => {
                *self.map.borrow_mut() = Some(map);
                self.show_list();
            }
            // No WebGL 2 here: the list still shows every facility, as links to their pages.
            Err(_) => {
                let _ = self.host.set_attribute("data-map", "unavailable");
                self.show_list();
                let note = el(
                    &self.doc,
                    "p",
                    &[("class", "ow-map-unavailable")],
                    Some(&t(self.lang, "widget.map.unavailable")),
                );
                if let Ok(note) = note {
                    self.canvas.set_text_content(None);
                    let _ = self.canvas.append_child(&note);
                }
                self.announce();
                self.set_state("ready");
            }
        }
    }

    fn next_load(&self) -> u32 {
        let number = self.latest.get().wrapping_add(1);
        self.latest.set(number);
        number
    }

    fn points_url(&self) -> String {
        let area = self.area.value();
        let query = if area.is_empty() {
            String::new()
        } else {
            format!("?area={}", String::from(js_sys::encode_uri_component(&area)))
        };
        self.api(&format!("facilities.geojson{query}"))
    }

    /// Reloads the facilities for the chosen area; then shows `focus`, if given.
    async fn load_points(self: &Rc<Self>, focus: Option<i64>) {
        let number = self.next_load();
        self.set_state("loading");
        let answer = get(&self.points_url(), self.lang.code()).await;
        if self.latest.get() != number {
            return;
        }
        let Some(answer) = answer.filter(|a| a.status == 200) else { return self.fail("widget.error.network") };
        let (Ok(collection), Ok(data)) =
            (serde_json::from_str::<Collection>(&answer.body), js_sys::JSON::parse(&answer.body))
        else {
            return self.fail("widget.error.network");
        };
        *self.features.borrow_mut() = collection.features;
        self.close_popup();
        self.show_list();
        match self.map.borrow().as_ref() {
            Some(map) => {
                if let Some(source) = map.get_source("facilities") {
                    source.set_data(&data);
                }
            }
            None => {
                self.announce();
                self.set_state("ready");
            }
        }
        match focus {
            Some(id) => self.focus(id),
            None => self.fit_points(),
        }
    }

    /// Frames every facility shown.
    fn fit_points(&self) {
        if let (Some(map), Some(b)) = (self.map.borrow().as_ref(), self.points_bbox()) {
            let bounds = js(&json!([[b[0], b[1]], [b[2], b[3]]]));
            map.fit_bounds(&bounds, &js(&json!({ "padding": 32, "maxZoom": FOCUS_ZOOM })));
        }
    }

    /// The status line: how many facilities the map shows.
    fn announce(&self) {
        let n = self.features.borrow().len();
        let text =
            if n == 0 { t(self.lang, "widget.map.none") } else { tn(self.lang, "widget.map.count", n as i64, &[]) };
        self.status.set_text_content(Some(&text));
        let _ = self.host.set_attribute("data-count", &n.to_string());
    }

    /// The list beside the map: one button per facility, which shows it on the map.
    fn show_list(&self) {
        self.list.set_text_content(None);
        for f in self.features.borrow().iter() {
            let Ok(li) = el(&self.doc, "li", &[], None) else { continue };
            let entry = if self.map.borrow().is_some() {
                let id = f.properties.id.to_string();
                el(&self.doc, "button", &[("type", "button"), ("data-focus", &id)], Some(&f.properties.name))
            } else {
                let page = self.page_of(&f.properties);
                el(
                    &self.doc,
                    "a",
                    &[("href", &page), ("target", "_blank"), ("rel", "noopener")],
                    Some(&f.properties.name),
                )
            };
            let Ok(entry) = entry else { continue };
            let place = el(&self.doc, "span", &[("class", "ow-map-place")], Some(&f.properties.comune));
            let _ = li.append_child(&entry);
            if let Ok(place) = place {
                let _ = li.append_child(&place);
            }
            let _ = self.list.append_child(&li);
        }
    }

    /// A finder on the page asked for `id`: shows it, clearing the area filter if that
    /// hides it, and brings the map into view.
    async fn select_from_outside(self: Rc<Self>, id: i64) {
        self.opener.borrow_mut().take();
        let shown = self.features.borrow().iter().any(|f| f.properties.id == id);
        if shown {
            self.focus(id);
        } else if !self.area.value().is_empty() {
            self.area.set_value("");
            self.load_points(Some(id)).await;
        }
    }

    /// Centres the map on facility `id` and opens its popup (focus moves into it).
    fn focus(self: &Rc<Self>, id: i64) {
        let Some(feature) = self.features.borrow().iter().find(|f| f.properties.id == id).cloned() else { return };
        let (lon, lat) = feature.geometry.coordinates;
        if let Some(map) = self.map.borrow().as_ref() {
            let zoom = map.get_zoom().max(FOCUS_ZOOM);
            // Not `essential`: with "reduce motion" set, MapLibre jumps instead of flying.
            map.fly_to(&js(&json!({ "center": [lon, lat], "zoom": zoom })));
        } else {
            return;
        }
        self.open_popup(&feature);
    }

    fn close_popup(&self) {
        // Taken first: `remove` runs the popup's close handler, which looks at this cell.
        let popup = self.popup.borrow_mut().take();
        if let Some(popup) = popup {
            popup.remove();
        }
    }

    /// The facility's name (a link to its public page), type, address and free places,
    /// inserted as text.
    fn open_popup(self: &Rc<Self>, feature: &Feature) {
        // The old popup's close handler must not undo the new one, nor move the focus.
        self.popups.set(self.popups.get().wrapping_add(1));
        self.close_popup();
        let Some(map) = self.map.borrow().as_ref().cloned() else { return };
        let Ok(content) = self.popup_content(&feature.properties) else { return };
        let options = js(&json!({ "maxWidth": "18rem", "focusAfterOpen": true, "closeButton": true }));
        let Ok(popup) = self.maplibre.popup(&options) else { return };
        let (lon, lat) = feature.geometry.coordinates;
        let popup = popup.set_lng_lat(&js(&json!([lon, lat]))).set_dom_content(&content).add_to(&map);
        let number = self.popups.get().wrapping_add(1);
        self.popups.set(number);
        let widget = self.clone();
        let on_close = Closure::once_into_js(move |_: JsValue| {
            if widget.popups.get() != number {
                return;
            }
            widget.popup.borrow_mut().take();
            let _ = widget.host.remove_attribute("data-focused");
            // Closed by the visitor: back to where they were in the list.
            if let Some(opener) = widget.opener.borrow_mut().take() {
                let _ = opener.focus();
            }
        });
        popup.on_popup("close", &on_close);
        let _ = self.host.set_attribute("data-focused", &feature.properties.id.to_string());
        *self.popup.borrow_mut() = Some(popup);
    }

    /// The facility's public page.
    fn page_of(&self, p: &Properties) -> String {
        format!("{}/directory/{}/{}", self.origin, String::from(js_sys::encode_uri_component(&p.tenant)), p.id)
    }

    fn popup_content(&self, p: &Properties) -> Result<Element, JsValue> {
        let doc = &self.doc;
        let content = el(doc, "div", &[("class", "ow-popup"), ("lang", self.lang.code())], None)?;
        let name = el(doc, "h3", &[], None)?;
        let link =
            el(doc, "a", &[("href", &self.page_of(p)), ("target", "_blank"), ("rel", "noopener")], Some(&p.name))?;
        name.append_child(&link)?;
        let kind = el(doc, "p", &[], Some(&p.type_label))?;
        let address = el(doc, "p", &[], Some(&format!("{}, {}", p.address, p.comune)))?;
        append(&content, &[&name, &kind, &address])?;
        if let Some(free) = p.places_free {
            let text = tf(self.lang, "widget.places_free", &[("n", &free.to_string())]);
            append(&content, &[&el(doc, "p", &[], Some(&text))?])?;
        }
        Ok(content)
    }

    /// The map, its layers and its handlers.
    fn create_map(
        self: &Rc<Self>,
        font: &str,
        boundaries: JsValue,
        points: JsValue,
        bbox: Option<[f64; 4]>,
    ) -> Result<Map, JsValue> {
        let lang = self.lang;
        let style = js(&style(font));
        let sources = js_sys::Reflect::get(&style, &"sources".into())?;
        js_sys::Reflect::set(&js_sys::Reflect::get(&sources, &"boundaries".into())?, &"data".into(), &boundaries)?;
        js_sys::Reflect::set(&js_sys::Reflect::get(&sources, &"facilities".into())?, &"data".into(), &points)?;
        // Whole facilities first, else the territory, else Italy.
        let bounds = self.points_bbox().or(bbox).unwrap_or([6.6, 36.6, 18.5, 47.1]);
        let options = js(&json!({
            "bounds": [[bounds[0], bounds[1]], [bounds[2], bounds[3]]],
            "fitBoundsOptions": { "padding": 32, "maxZoom": FOCUS_ZOOM },
            "attributionControl": false,
            "cooperativeGestures": true,
            "dragRotate": false,
            "pitchWithRotate": false,
            "locale": {
                "Map.Title": t(lang, "widget.map.label"),
                "NavigationControl.ZoomIn": t(lang, "widget.map.zoom_in"),
                "NavigationControl.ZoomOut": t(lang, "widget.map.zoom_out"),
                "NavigationControl.ResetBearing": t(lang, "widget.map.north"),
                "Popup.Close": t(lang, "widget.map.close"),
                "AttributionControl.ToggleAttribution": t(lang, "widget.map.sources"),
                "CooperativeGesturesHandler.WindowsHelpText": t(lang, "widget.map.ctrl_scroll"),
                "CooperativeGesturesHandler.MacHelpText": t(lang, "widget.map.cmd_scroll"),
                "CooperativeGesturesHandler.MobileHelpText": t(lang, "widget.map.two_fingers"),
            },
        }));
        js_sys::Reflect::set(&options, &"style".into(), &style)?;
        let map = self.maplibre.map(&self.canvas, &options)?;
        let navigation = self.maplibre.control("NavigationControl", &js(&json!({ "showCompass": false })))?;
        map.add_control(&navigation, "top-right");
        let attribution = self.maplibre.control("AttributionControl", &js(&json!({ "compact": false })))?;
        map.add_control(&attribution, "bottom-right");

        let on_point = {
            let widget = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                if let Some(id) = first_feature_number(&event, "id") {
                    let feature = widget.features.borrow().iter().find(|f| f.properties.id == id as i64).cloned();
                    if let Some(feature) = feature {
                        widget.opener.borrow_mut().take();
                        widget.open_popup(&feature);
                    }
                }
            })
        };
        map.on_layer("click", "ow-points", on_point.as_ref().unchecked_ref());
        let on_cluster = {
            let map = map.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let (Some(cluster), Some(lng_lat)) =
                    (first_feature_number(&event, "cluster_id"), js_sys::Reflect::get(&event, &"lngLat".into()).ok())
                else {
                    return;
                };
                let Some(source) = map.get_source("facilities") else { return };
                let map = map.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(zoom) =
                        wasm_bindgen_futures::JsFuture::from(source.get_cluster_expansion_zoom(cluster)).await
                    {
                        let options = js(&json!({ "zoom": zoom.as_f64().unwrap_or(FOCUS_ZOOM) }));
                        let _ = js_sys::Reflect::set(&options, &"center".into(), &lng_lat);
                        map.ease_to(&options);
                    }
                });
            })
        };
        map.on_layer("click", "ow-clusters", on_cluster.as_ref().unchecked_ref());
        // A hand over what can be clicked.
        for (event, cursor) in [("mouseenter", "pointer"), ("mouseleave", "")] {
            for layer in ["ow-points", "ow-clusters"] {
                let canvas = map.get_canvas();
                let set = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
                    let _ = canvas.style().set_property("cursor", cursor);
                });
                map.on_layer(event, layer, set.as_ref().unchecked_ref());
                set.forget();
            }
        }
        let on_idle = {
            let widget = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| widget.rendered())
        };
        map.on("idle", on_idle.as_ref().unchecked_ref());
        let host = self.host.clone();
        let on_move = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            let _ = host.remove_attribute("data-idle");
        });
        map.on("movestart", on_move.as_ref().unchecked_ref());
        on_move.forget();
        on_point.forget();
        on_cluster.forget();
        on_idle.forget();
        Ok(map)
    }

    /// West, south, east, north of the facilities shown.
    fn points_bbox(&self) -> Option<[f64; 4]> {
        let features = self.features.borrow();
        let first = features.first()?.geometry.coordinates;
        Some(features.iter().fold([first.0, first.1, first.0, first.1], |b, f| {
            let (lon, lat) = f.geometry.coordinates;
            [b[0].min(lon), b[1].min(lat), b[2].max(lon), b[3].max(lat)]
        }))
    }

    /// After a render: what is drawn, on the host, and the status line.
    fn rendered(&self) {
        let Some(map) = self.map.borrow().as_ref().cloned() else { return };
        let drawn = map.query_rendered_features(&js(&json!({ "layers": ["ow-clusters", "ow-points"] })));
        let (mut clusters, mut points, mut inside) = (HashSet::new(), HashSet::new(), 0u64);
        let mut biggest: Option<(f64, JsValue)> = None;
        for feature in drawn.iter() {
            let properties = js_sys::Reflect::get(&feature, &"properties".into()).unwrap_or(JsValue::NULL);
            let number = |name: &str| js_sys::Reflect::get(&properties, &name.into()).ok().and_then(|v| v.as_f64());
            // A feature near a tile edge is drawn in both tiles: count it once.
            if let Some(cluster) = number("cluster_id") {
                if clusters.insert(cluster as i64) {
                    let count = number("point_count").unwrap_or(0.0);
                    inside += count as u64;
                    if biggest.as_ref().is_none_or(|(n, _)| count > *n) {
                        biggest = Some((count, feature.clone()));
                    }
                }
            } else if let Some(id) = number("id") {
                if points.insert(id as i64) {
                    inside += 1;
                }
            }
        }
        let _ = self.host.set_attribute("data-clusters", &clusters.len().to_string());
        let _ = self.host.set_attribute("data-points", &points.len().to_string());
        let _ = self.host.set_attribute("data-rendered", &inside.to_string());
        // Where the biggest cluster is drawn (`x,y` in the map's box), so that a host
        // page or a test can point at it.
        let at = biggest.and_then(|(_, f)| {
            let coordinates =
                js_sys::Reflect::get(&js_sys::Reflect::get(&f, &"geometry".into()).ok()?, &"coordinates".into())
                    .ok()?;
            let point = map.project(&coordinates);
            let x = js_sys::Reflect::get(&point, &"x".into()).ok()?.as_f64()?;
            let y = js_sys::Reflect::get(&point, &"y".into()).ok()?.as_f64()?;
            Some(format!("{x:.0},{y:.0}"))
        });
        match at {
            Some(at) => self.host.set_attribute("data-cluster-at", &at),
            None => self.host.remove_attribute("data-cluster-at"),
        }
        .ok();
        let _ = self.host.set_attribute("data-idle", "");
        if self.host.get_attribute("data-state").as_deref() == Some("loading") {
            self.announce();
            self.set_state("ready");
        }
    }
}

/// `event.features[0].properties[name]` as a number.
fn first_feature_number(event: &JsValue, name: &str) -> Option<f64> {
    let features: js_sys::Array = js_sys::Reflect::get(event, &"features".into()).ok()?.dyn_into().ok()?;
    let properties = js_sys::Reflect::get(&features.get(0), &"properties".into()).ok()?;
    js_sys::Reflect::get(&properties, &name.into()).ok()?.as_f64()
}

/// The style: no tiles, no glyph server; land and comune borders from the boundaries,
/// the facilities clustered on top, labels in the widget's own font.
fn style(font: &str) -> serde_json::Value {
    let comune = json!(["==", ["get", "kind"], "comune"]);
    let mut colour = vec![json!("match"), json!(["get", "area"])];
    for (code, c) in AREA_COLOURS {
        colour.push(json!(code));
        colour.push(json!(c));
    }
    colour.push(json!(OTHER_COLOUR));
    json!({
        "version": 8,
        "font-faces": { FONT: font },
        "sources": {
            "boundaries": { "type": "geojson", "data": null, "attribution": "Confini © ISTAT, elaborazione Openpolis (CC BY 4.0)" },
            "facilities": {
                "type": "geojson", "data": null, "cluster": true, "clusterRadius": 40, "clusterMaxZoom": 13,
                "attribution": "Dati: Regione Lombardia, ISTAT (CC BY 4.0)",
            },
        },
        "layers": [
            { "id": "ow-sea", "type": "background", "paint": { "background-color": "#dde4ea" } },
            { "id": "ow-land", "type": "fill", "source": "boundaries", "filter": comune, "paint": { "fill-color": LAND } },
            { "id": "ow-comune-lines", "type": "line", "source": "boundaries", "filter": comune,
              "paint": { "line-color": "#a9b6c2", "line-width": 0.7 } },
            { "id": "ow-province-lines", "type": "line", "source": "boundaries", "filter": ["==", ["get", "kind"], "province"],
              "paint": { "line-color": "#455b71", "line-width": 1.6 } },
            { "id": "ow-comune-names", "type": "symbol", "source": "boundaries", "filter": comune, "minzoom": 10.5,
              "layout": { "text-field": ["get", "name"], "text-font": [FONT], "text-size": 13 },
              "paint": { "text-color": "#455b71", "text-halo-color": "#ffffff", "text-halo-width": 1.2 } },
            { "id": "ow-clusters", "type": "circle", "source": "facilities", "filter": ["has", "point_count"],
              "paint": {
                  "circle-color": "#17324d",
                  "circle-radius": ["step", ["get", "point_count"], 14, 10, 18, 50, 23],
                  "circle-stroke-color": "#ffffff", "circle-stroke-width": 2,
              } },
            { "id": "ow-cluster-count", "type": "symbol", "source": "facilities", "filter": ["has", "point_count"],
              "layout": { "text-field": ["get", "point_count_abbreviated"], "text-font": [FONT], "text-size": 14,
                          "text-allow-overlap": true, "text-ignore-placement": true },
              "paint": { "text-color": "#ffffff" } },
            { "id": "ow-points", "type": "circle", "source": "facilities", "filter": ["!", ["has", "point_count"]],
              "paint": { "circle-color": colour, "circle-radius": 8, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } },
        ],
    })
}
