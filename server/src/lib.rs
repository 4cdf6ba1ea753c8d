//! The `openwelfare` server. `routes` holds the HTTP API (one module per capability; its
//! OpenAPI document is also the route index), `app_router` composes it with the Leptos
//! staff app and the middleware; `cli` holds the command-line commands.

#![recursion_limit = "512"]

pub mod audit_files;
pub mod cli;
pub mod config;
pub mod error;
pub mod export;
pub mod extract;
pub mod mailer;
pub mod middleware;
pub mod public_cache;
pub mod rate_limit;
pub mod routes;
pub mod sample_site;
pub mod sessions;
pub mod state;
pub mod static_files;

pub use routes::{api_doc, app_router};
pub use state::AppState;
