//! Web components that council websites embed with one script tag (`widgets/loader.js`
//! defines the custom elements and loads this wasm on first use): `finder` is
//! `<ow-service-finder>`, `map` is `<ow-map>` (driving MapLibre through `maplibre`),
//! `benefits` is `<ow-benefits-checker>`, `dom` holds the DOM helpers they share and
//! `bench` the in-browser benchmark of the rules engine. They run on pages we do
//! not control: everything lives in the element's shadow root, text goes in as text
//! (never as HTML), and the only requests go to the widget's own origin, without cookies.

#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "benefits")]
pub mod benefits;
#[cfg(any(feature = "finder", feature = "map", feature = "benefits"))]
mod dom;
#[cfg(feature = "finder")]
pub mod finder;
#[cfg(feature = "map")]
pub mod map;
#[cfg(feature = "map")]
mod maplibre;

/// The event a finder sends when a visitor asks to see a facility on the map of the page.
pub const SELECT_EVENT: &str = "ow-facility-select";
