//! The route table. `api()` is the index of the HTTP API: every route is declared here
//! with its OpenAPI description, so `/api/openapi.json` and the cross-tenant test both
//! see every route. `app_router` adds the staff web app, static assets and middleware.

pub mod benefits;
pub mod cases;
pub mod contacts;
pub mod demo_mail;
pub mod directory;
pub mod docs;
pub mod health;
pub mod hsds;
pub mod invitations;
pub mod persons;
pub mod plans;
pub mod public;
pub mod referrals;
pub mod session;
pub mod tenant;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderName, Method};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiFailure;
use crate::middleware::{
    check_origin, language, limit_bodies, limit_sign_ins, multipart_only, security_headers, server_fn_errors,
    translate_errors, widget_headers,
};
use crate::sessions::AnyStore;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "OpenWelfare API", description = "API of the OpenWelfare staff application. \
        Tenant-scoped routes live under /api/v1/t/{tenant}/ and answer 404 for tenants the caller \
        does not belong to. Errors are JSON {code, message, fields} in the caller's language."),
    tags((name = "health"), (name = "session"), (name = "tenants"), (name = "users"), (name = "districts"),
        (name = "directory", description = "Staff editing of the facility directory"),
        (name = "public", description = "The public facility directory: no login, published entries, CORS open"),
        (name = "hsds", description = "The public directory as Open Referral HSDS 3.0 with the Italian profile \
            (docs/hsds-profile-it.md); ids are UUIDs"))
)]
struct ApiDoc;

/// Every API route with its OpenAPI description.
pub fn api() -> OpenApiRouter<AppState> {
    use self::cases as ca;
    use self::contacts as c;
    use self::directory as d;
    use self::invitations as inv;
    use self::persons as pe;
    use self::plans as pl;
    use self::referrals as re;
    use self::session as s;
    use self::tenant as t;
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(s::get_session, s::sign_in, s::sign_out))
        .routes(routes!(s::totp_enrolment))
        .routes(routes!(s::complete_totp))
        .routes(routes!(s::switch_tenant))
        .routes(routes!(s::set_language))
        .routes(routes!(s::change_password))
        .routes(routes!(s::reset_password))
        .routes(routes!(s::request_password_reset))
        .routes(routes!(t::list_districts, t::create_district))
        .routes(routes!(t::get_district, t::update_district, t::delete_district))
        .routes(routes!(t::list_members, t::add_member))
        .routes(routes!(t::membership_changes))
        .routes(routes!(inv::list_invitations))
        .routes(routes!(inv::revoke_invitation))
        .routes(routes!(inv::my_invitations))
        .routes(routes!(inv::accept_invitation))
        .routes(routes!(inv::decline_invitation))
        .routes(routes!(inv::preview_invitation))
        .routes(routes!(inv::create_invited_account))
        .routes(routes!(t::change_role, t::remove_member))
        .routes(routes!(t::get_settings, t::update_settings))
        .routes(routes!(t::set_logo, t::remove_logo))
        .routes(routes!(t::tenant_tree))
        .routes(routes!(t::search_comuni))
        .routes(routes!(t::create_municipality))
        .routes(routes!(t::create_zone))
        .routes(routes!(d::list_facilities, d::create_facility))
        .routes(routes!(d::get_facility, d::update_facility))
        .routes(routes!(d::set_facility_state))
        .routes(routes!(d::facility_history))
        .routes(routes!(d::self_service))
        .routes(routes!(d::my_facility))
        .routes(routes!(d::import_facilities))
        .routes(routes!(d::export_csv))
        .routes(routes!(d::export_xlsx))
        .routes(routes!(d::list_organizations, d::create_organization))
        .routes(routes!(d::get_organization, d::update_organization))
        .routes(routes!(c::list_contacts, c::log_contact))
        .routes(routes!(c::get_contact, c::update_contact))
        .routes(routes!(pe::list_persons, pe::create_person))
        .routes(routes!(pe::search_persons))
        .routes(routes!(pe::get_person, pe::update_person))
        .routes(routes!(pe::get_household, pe::set_household))
        .routes(routes!(pe::export_person))
        .routes(routes!(pe::erase_person))
        .routes(routes!(ca::list_cases, ca::create_case))
        .routes(routes!(ca::search_cases))
        .routes(routes!(ca::get_case, ca::update_case))
        .routes(routes!(ca::set_case_access))
        .routes(routes!(ca::get_section, ca::save_section))
        .routes(routes!(ca::section_history))
        .routes(routes!(ca::case_audit))
        .routes(routes!(pl::case_work))
        .routes(routes!(pl::add_assessment))
        .routes(routes!(pl::create_plan))
        .routes(routes!(pl::update_plan))
        .routes(routes!(pl::review_plan))
        .routes(routes!(pl::record_intervention))
        .routes(routes!(pl::update_intervention))
        .routes(routes!(pl::reviews_due))
        .routes(routes!(re::handover_choices))
        .routes(routes!(re::case_handovers, re::refer_case))
        .routes(routes!(re::end_referral))
        .routes(routes!(re::propose_transfer))
        .routes(routes!(re::received_referrals))
        .routes(routes!(re::decide_referral))
        .routes(routes!(re::incoming_transfers))
        .routes(routes!(re::decide_transfer))
}

/// The public directory API (also in the OpenAPI document; CORS open for GET).
pub fn public_api() -> OpenApiRouter<AppState> {
    use self::benefits as b;
    use self::hsds as h;
    use self::public as p;
    OpenApiRouter::new()
        .routes(routes!(p::public_tenants))
        .routes(routes!(p::public_facility_types))
        .routes(routes!(p::public_filters))
        .routes(routes!(p::public_facilities))
        .routes(routes!(p::public_facility))
        .routes(routes!(p::public_geojson))
        .routes(routes!(p::public_boundaries))
        .routes(routes!(p::public_theme))
        .routes(routes!(p::public_logo))
        .routes(routes!(b::public_benefits))
        .routes(routes!(b::evaluate_benefits))
        .routes(routes!(h::hsds_root))
        .routes(routes!(h::hsds_services))
        .routes(routes!(h::hsds_service))
        .routes(routes!(h::hsds_organizations))
        .routes(routes!(h::hsds_organization))
        .routes(routes!(h::hsds_service_at_locations))
        .routes(routes!(h::hsds_service_at_location))
        .routes(routes!(h::hsds_taxonomies))
        .routes(routes!(h::hsds_taxonomy_terms))
}

/// The OpenAPI document generated from the route tables.
pub fn api_doc() -> utoipa::openapi::OpenApi {
    api().merge(public_api()).split_for_parts().1
}

async fn not_found() -> ApiFailure {
    ApiFailure(domain::AppError::NotFound)
}

/// The whole application: API, staff web app, assets, middleware.
pub fn app_router(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        // POST: the stateless benefits evaluation, callable from any site.
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers([header::IF_NONE_MATCH, header::ACCEPT_LANGUAGE, header::CONTENT_TYPE])
        .expose_headers([header::ETAG, HeaderName::from_static("x-data-attribution")]);
    let public = public_api().layer(cors).layer(DefaultBodyLimit::max(benefits::EVALUATE_MAX_BYTES));
    let (api, doc) = api().merge(public).split_for_parts();
    let doc = std::sync::Arc::new(doc);
    let leptos_options = state.leptos.clone();
    let site_root = std::path::PathBuf::from(&state.config.site_root);

    let store = AnyStore::for_db(&state.db);
    let sessions = SessionManagerLayer::new(store)
        .with_name("ow_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies || state.config.served_over_https())
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::minutes(
            state.config.session_minutes,
        )));

    // Pages and server functions (leptos registers both routes) get the pool, the public
    // directory and the public origin in their context; `app` cannot see `AppState`.
    let ctx_db = state.db.clone();
    let ctx_directory = state.directory.clone();
    let ctx_origin = app::api::tenant::PublicOrigin(state.config.public_origin.clone());
    let ctx_links = app::api::session::LinkBase(state.config.link_base());
    let ctx_stylesheets = state.stylesheets.clone();
    let pages = Router::new().leptos_routes_with_context(
        &state,
        page_routes(),
        move || {
            provide_context(ctx_db.clone());
            provide_context(ctx_directory.clone());
            provide_context(ctx_origin.clone());
            provide_context(ctx_links.clone());
            provide_context(ctx_stylesheets.clone());
        },
        move || app::shell(leptos_options.clone()),
    );

    Router::new()
        // Bodies are bounded by `limit_bodies` (uploads larger than axum's default); the
        // public API keeps its own, smaller limit, set inside.
        .merge(api.layer(DefaultBodyLimit::disable()))
        .route("/api/openapi.json", get(move || async move { axum::Json(doc.as_ref().clone()) }))
        .route("/api/docs", get(docs::page))
        .merge(pages)
        .merge(demo_mail_routes(&state))
        // `cargo xtask dist` writes a brotli and a gzip copy beside each file.
        .merge(
            Router::new()
                .nest_service("/pkg", ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip())
                .nest_service(
                    "/assets",
                    ServeDir::new(site_root.join("assets")).precompressed_br().precompressed_gzip(),
                )
                .layer(from_fn(crate::static_files::cache_headers)),
        )
        .merge(
            Router::new()
                .nest_service(
                    "/widgets/v1",
                    ServeDir::new(site_root.join("widgets/v1")).precompressed_br().precompressed_gzip(),
                )
                .layer(from_fn(widget_headers)),
        )
        .fallback(not_found)
        // First `layer` is innermost: errors of the Origin check get translated too.
        .layer(from_fn_with_state(state.clone(), check_origin))
        .layer(from_fn(multipart_only))
        .layer(from_fn(limit_bodies))
        .layer(from_fn_with_state(state.clone(), limit_sign_ins))
        .layer(from_fn(translate_errors))
        .layer(from_fn(server_fn_errors))
        .layer(from_fn(language))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), security_headers))
        // Spans carry method and path only: query strings can hold search terms or
        // one-time tokens, which must not reach the logs.
        .layer(TraceLayer::new_for_http().make_span_with(
            |req: &Request| tracing::info_span!("request", method = %req.method(), path = %req.uri().path()),
        ))
        .with_state(state)
}

/// `/demo/mail` and `/demo/mail.json`, only in the demo (see `demo_mail`).
fn demo_mail_routes(state: &AppState) -> Router<AppState> {
    if !state.config.shows_demo_mail() {
        return Router::new();
    }
    Router::new().route("/demo/mail", get(demo_mail::page)).route("/demo/mail.json", get(demo_mail::json))
}

/// The staff app's pages, listed once per process. Listing runs the app with resources
/// held back by a process-wide switch (leptos_server's `SuppressResourceLoad`): a page
/// being rendered at that moment on another router of the same process (the tests build
/// one per test) would wait forever for a resource that never loads.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}
