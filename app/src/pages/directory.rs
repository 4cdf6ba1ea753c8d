//! The public directory: no login, server-rendered (search engines and screen readers
//! get the whole page), Italian or English. `/directory` lists the tenants that publish,
//! `/directory/<tenant>` searches a tenant and everything beneath it, and
//! `/directory/<tenant>/<id>` is one facility's page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};
use types::directory::{accreditation_key, area_key, setting_key, FacilityOut};

use super::{tenant_links, AreaFilter, Pagination, Public, TypeFilter};
use crate::api::public::{public_facility, public_search, public_tenants};
use crate::use_ui;

const ATTRIBUTION: &str = "directory.attribution";

#[component]
pub fn DirectoryIndex() -> impl IntoView {
    let ui = use_ui();
    let tenants = Resource::new(|| (), |_| public_tenants());
    view! {
        <Public>
            <Title text=move || ui.t("directory.title")/>
            <h1 class="h2 mb-4">{move || ui.t("directory.title")}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    tenant_links(tenants.await.unwrap_or_default(), "directory-tenants", "/directory")
                })}
            </Suspense>
        </Public>
    }
}

#[component]
pub fn DirectorySearch() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let query = use_query_map();
    let tenant = move || params.read().get("tenant").unwrap_or_default();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.trim().is_empty());
    let page = move || get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).max(1);
    let free = move || get("free_places").is_some_and(|v| v == "true");
    let results = Resource::new(
        move || (tenant(), get("q"), get("area"), get("type"), free(), page()),
        |(tenant, q, area, facility_type, free, page)| public_search(tenant, q, area, facility_type, Some(free), page),
    );
    let url_query = move || {
        let mut parts = Vec::new();
        for k in ["q", "area", "type", "free_places"] {
            if let Some(v) = get(k) {
                parts.push(format!("{k}={}", v.replace(' ', "+").replace('&', "%26")));
            }
        }
        parts.join("&")
    };
    view! {
        <Public>
            <Title text=move || ui.t("directory.title")/>
            <Meta name="description" content=move || ui.t("directory.description")/>
            <h1 class="h2 mb-3">{move || ui.t("directory.title")}</h1>
            <p class="lead">{move || ui.t("directory.description")}</p>
            <form method="get" class="row g-3 mb-4" role="search" aria-label=move || ui.t("directory.search")>
                <div class="col-md-5 form-group">
                    <label for="d-q" class="active">{move || ui.t("directory.q")}</label>
                    <input type="search" id="d-q" name="q" class="form-control" value=move || get("q").unwrap_or_default()/>
                </div>
                <div class="col-md-3 form-group">
                    <AreaFilter id="d-area" current=Signal::derive(move || get("area"))/>
                </div>
                <div class="col-md-4 form-group">
                    <TypeFilter id="d-type" current=Signal::derive(move || get("type"))/>
                </div>
                <div class="col-12 d-flex gap-3 align-items-center">
                    <div class="form-check m-0">
                        <input type="checkbox" id="d-free" name="free_places" value="true" checked=free/>
                        <label for="d-free">{move || ui.t("directory.free_places")}</label>
                    </div>
                    <button type="submit" class="btn btn-primary">{move || ui.t("action.search")}</button>
                </div>
            </form>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(found) => {
                            let slug = tenant();
                            let (current, pages) = (found.page, found.total_pages);
                            view! {
                                <p role="status" aria-live="polite" id="directory-count">
                                    {ui.tn("directory.count", found.total_items as i64)}
                                </p>
                                <ul class="list-unstyled" id="directory-results">
                                    {found.items.into_iter().map(|f| view! { <ResultCard f slug=slug.clone()/> }).collect_view()}
                                </ul>
                                <Pagination path="" page=current pages query=url_query()/>
                                <p class="small text-muted mt-4">{ui.t(ATTRIBUTION)}</p>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Public>
    }
}

fn places_text(f: &FacilityOut, ui: crate::Ui) -> Option<String> {
    match (f.places.free, f.places.authorised) {
        (Some(free), _) => Some(ui.tf("directory.places_free", &[("n", &free.to_string())])),
        (None, Some(a)) => Some(ui.tf("directory.places_authorised", &[("n", &a.to_string())])),
        _ => None,
    }
}

#[component]
fn ResultCard(f: FacilityOut, slug: String) -> impl IntoView {
    let ui = use_ui();
    let places = places_text(&f, ui);
    view! {
        <li class="card card-bg mb-3">
            <div class="card-body">
                <h2 class="h5 card-title">
                    <a href=format!("/directory/{slug}/{}", f.id)>{f.name.clone()}</a>
                </h2>
                <p class="card-text mb-1">{f.facility_type.label.clone()} " · " {ui.t(&setting_key(&f.setting))}</p>
                <p class="card-text mb-1">{format!("{}, {}", f.address, f.comune.name)}</p>
                {places.map(|p| view! { <p class="card-text mb-0">{p}</p> })}
            </div>
        </li>
    }
}

#[component]
pub fn DirectoryFacility() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        (p.get("tenant").unwrap_or_default(), p.get("id").and_then(|i| i.parse::<i64>().ok()).unwrap_or(0))
    };
    let facility = Resource::new(key, |(tenant, id)| public_facility(tenant, id));
    view! {
        <Public>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match facility.await {
                        Err(e) => {
                            #[cfg(feature = "ssr")]
                            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                                response.set_status(http::StatusCode::NOT_FOUND);
                            }
                            view! { <h1>{ui.t("page.not_found.title")}</h1><p>{e.message(ui.lang())}</p> }.into_any()
                        }
                        Ok(f) => view! { <FacilityDetails f/> }.into_any(),
                    }
                })}
            </Suspense>
        </Public>
    }
}

#[component]
fn FacilityDetails(f: FacilityOut) -> impl IntoView {
    let ui = use_ui();
    let description = f.description.clone().unwrap_or_else(|| format!("{} – {}", f.facility_type.label, f.comune.name));
    let row = move |key: &'static str, value: Option<String>| {
        value
            .filter(|v| !v.is_empty())
            .map(|v| view! { <dt class="col-sm-4">{ui.t(key)}</dt><dd class="col-sm-8">{v}</dd> })
    };
    let areas = f.areas.iter().map(|a| ui.t(&area_key(a))).collect::<Vec<_>>().join(", ");
    let hours = f.hours.to_text(ui.lang());
    let places = places_text(&f, ui);
    let back = format!("/directory/{}", f.tenant.slug);
    view! {
        <Title text=f.name.clone()/>
        <Meta name="description" content=description/>
        <p><a href=back>{ui.t("directory.back")}</a></p>
        <article>
            <h1 class="h2">{f.name.clone()}</h1>
            <p class="lead">{f.facility_type.label.clone()} " · " {ui.t(&setting_key(&f.setting))}</p>
            {places.map(|p| view! { <p class="fw-semibold" id="places">{p}</p> })}
            {f.description.clone().map(|d| view! { <p>{d}</p> })}
            <dl class="row">
                {row("field.address", Some(format!("{}, {} {} ({})", f.address, f.postal_code.clone().unwrap_or_default(), f.comune.name, f.comune.province)))}
                {row("field.area", Some(areas))}
                {row("field.eligibility", f.eligibility.clone())}
                {row("field.how_to_access", f.how_to_access.clone())}
                {row("field.fees", f.fees.clone())}
                {row("field.phone", f.phone.clone())}
                {row("field.email", f.email.clone())}
                {row("field.website", f.website.clone())}
                {row("field.accessibility", f.accessibility.clone())}
                {row("field.organization", f.organization.as_ref().map(|o| o.name.clone()))}
                {row("field.accreditation", f.accreditation.as_deref().map(|a| ui.t(&accreditation_key(a))))}
                {row("facilities.verified_at", f.verified_at.as_ref().map(|v| ui.date(v)))}
            </dl>
            {(!hours.is_empty()).then(|| view! {
                <h2 class="h4">{ui.t("field.hours")}</h2>
                <pre class="font-sans-serif" style="font-family: inherit; white-space: pre-wrap;">{hours}</pre>
            })}
        </article>
        <p class="small text-muted mt-4">{ui.t(ATTRIBUTION)}</p>
    }
}
