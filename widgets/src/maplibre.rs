//! The few parts of MapLibre GL JS the map widget drives, bound through wasm-bindgen.
//! The library is an ES module the loader imports from the product's own assets and
//! hands over; its classes are constructed from that module object.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `maplibregl.Map`
    #[derive(Clone)]
    pub type Map;

    #[wasm_bindgen(method)]
    pub fn on(this: &Map, event: &str, handler: &js_sys::Function);
    /// `map.on(event, layerId, handler)`: events on the features of one layer.
    #[wasm_bindgen(method, js_name = on)]
    pub fn on_layer(this: &Map, event: &str, layer: &str, handler: &js_sys::Function);
    #[wasm_bindgen(method, js_name = getSource)]
    pub fn get_source(this: &Map, id: &str) -> Option<GeoJsonSource>;
    #[wasm_bindgen(method, js_name = flyTo)]
    pub fn fly_to(this: &Map, options: &JsValue);
    #[wasm_bindgen(method, js_name = easeTo)]
    pub fn ease_to(this: &Map, options: &JsValue);
    #[wasm_bindgen(method, js_name = fitBounds)]
    pub fn fit_bounds(this: &Map, bounds: &JsValue, options: &JsValue);
    #[wasm_bindgen(method, js_name = getZoom)]
    pub fn get_zoom(this: &Map) -> f64;
    #[wasm_bindgen(method, js_name = queryRenderedFeatures)]
    pub fn query_rendered_features(this: &Map, options: &JsValue) -> js_sys::Array;
    #[wasm_bindgen(method, js_name = addControl)]
    pub fn add_control(this: &Map, control: &JsValue, position: &str);
    /// Screen position (`{x, y}`, CSS pixels in the map's container) of a `[lon, lat]`.
    #[wasm_bindgen(method)]
    pub fn project(this: &Map, position: &JsValue) -> JsValue;
    #[wasm_bindgen(method, js_name = getCanvas)]
    pub fn get_canvas(this: &Map) -> web_sys::HtmlElement;

    /// A GeoJSON source (`map.getSource(id)`).
    #[derive(Clone)]
    pub type GeoJsonSource;

    #[wasm_bindgen(method, js_name = setData)]
    pub fn set_data(this: &GeoJsonSource, data: &JsValue);
    /// Resolves to the zoom at which a cluster breaks apart.
    #[wasm_bindgen(method, js_name = getClusterExpansionZoom)]
    pub fn get_cluster_expansion_zoom(this: &GeoJsonSource, cluster_id: f64) -> js_sys::Promise;

    /// `maplibregl.Popup`
    #[derive(Clone)]
    pub type Popup;

    #[wasm_bindgen(method, js_name = setLngLat)]
    pub fn set_lng_lat(this: &Popup, position: &JsValue) -> Popup;
    /// The content as a DOM node: text stays text, never parsed as HTML.
    #[wasm_bindgen(method, js_name = setDOMContent)]
    pub fn set_dom_content(this: &Popup, node: &web_sys::Node) -> Popup;
    #[wasm_bindgen(method, js_name = addTo)]
    pub fn add_to(this: &Popup, map: &Map) -> Popup;
    #[wasm_bindgen(method)]
    pub fn remove(this: &Popup) -> Popup;
    /// `popup.on(event, handler)` (`close` fires when it closes, by its button or `remove`).
    #[wasm_bindgen(method, js_name = on)]
    pub fn on_popup(this: &Popup, event: &str, handler: &JsValue);
}

/// The imported `maplibre-gl.mjs` module.
pub struct MapLibre(JsValue);

impl MapLibre {
    pub fn new(module: JsValue) -> MapLibre {
        MapLibre(module)
    }

    fn construct(&self, class: &str, options: &JsValue) -> Result<JsValue, JsValue> {
        let class: js_sys::Function = js_sys::Reflect::get(&self.0, &class.into())?.dyn_into()?;
        js_sys::Reflect::construct(&class, &js_sys::Array::of1(options))
    }

    /// A map in `container`; `options` as for `new maplibregl.Map` without the container.
    /// Fails when the browser has no WebGL 2.
    pub fn map(&self, container: &web_sys::Element, options: &JsValue) -> Result<Map, JsValue> {
        js_sys::Reflect::set(options, &"container".into(), container)?;
        Ok(self.construct("Map", options)?.unchecked_into())
    }

    pub fn popup(&self, options: &JsValue) -> Result<Popup, JsValue> {
        Ok(self.construct("Popup", options)?.unchecked_into())
    }

    /// `new maplibregl.<class>(options)` for a control (`NavigationControl`, …).
    pub fn control(&self, class: &str, options: &JsValue) -> Result<JsValue, JsValue> {
        self.construct(class, options)
    }
}

/// A JavaScript object from JSON (options, styles, GeoJSON).
pub fn js(value: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}
