//! Web components that council websites embed with one script tag (`widgets/loader.js`
//! defines the custom elements and loads this wasm on first use). They run on pages we do
//! not control: everything lives in the element's shadow root, text goes in as text
//! (never as HTML), and the only requests go to the widget's own origin, without cookies.

pub mod finder;
mod dom;
