//! Hydrates the server-rendered staff app in the browser. Kept tiny so wasm-only
//! dependencies stay out of `app`.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
