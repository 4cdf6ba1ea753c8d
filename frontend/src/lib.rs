//! Brings the islands of the server-rendered staff app to life in the browser (Leptos
//! islands: only `#[island]` components hydrate). Kept tiny so wasm-only dependencies
//! stay out of `app`.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Referenced so the islands' exports are linked into this cdylib.
    #[allow(unused_imports)]
    use app::*;
    leptos::mount::hydrate_islands();
    // The marker tells tests (and anyone debugging) that the page is interactive.
    if let Some(main) = leptos::prelude::document().get_element_by_id("main") {
        let _ = main.set_attribute("data-hydrated", "true");
    }
}
