//! The facility directory for staff: a filterable list of the current tenant's entries
//! and those beneath it (with the "to verify" view for stale entries), and a facility
//! page with its places, editorial state and field-level history.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use types::directory::{accreditation_key, area_key, setting_key, StaffFacilityOut, SETTINGS};

use super::{urlencode, AreaFilter, Field, Pagination, Scrolls, SignedIn, TypeFilter};
use crate::api::directory::{
    facility_detail, search_facilities, staff_filter_options, InviteFacilityManager, SetFacilityState, StaffFilters,
};
use crate::islands::{After, FormError, Post, PostForm};
use crate::use_ui;

/// The list's filters, as they stand in the URL (a plain GET form: works without JS).
fn filters_query(f: &StaffFilters) -> String {
    let district = f.district.map(|d| d.to_string());
    let mut parts = Vec::new();
    for (k, v) in [
        ("q", &f.q),
        ("area", &f.area),
        ("type", &f.facility_type),
        ("setting", &f.setting),
        ("comune", &f.comune),
        ("district", &district),
        ("status", &f.status),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}={}", urlencode(v)));
        }
    }
    if f.stale {
        parts.push("stale=true".into());
    }
    parts.join("&")
}

#[component]
pub fn Facilities() -> impl IntoView {
    let ui = use_ui();
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
        StaffFilters {
            q: get("q"),
            area: get("area"),
            facility_type: get("type"),
            setting: get("setting"),
            comune: get("comune"),
            district: get("district").and_then(|d| d.parse().ok()),
            status: get("status"),
            stale: get("stale").is_some_and(|v| v == "true"),
        }
    };
    let page = move || query.read().get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).max(1);
    let results = Resource::new(move || (filters(), page()), |(f, page)| search_facilities(f, page));
    let options = Resource::new(|| (), |_| staff_filter_options());
    let title = move || if filters().stale { ui.t("facilities.to_verify") } else { ui.t("facilities.title") };
    view! {
        <SignedIn>
            <div class="d-flex justify-content-between align-items-center mb-4">
                <h1 class="h2 m-0">{title}</h1>
                {move || ui.session().and_then(|s| s.current)
                    .filter(|m| matches!(m.role, types::Role::TenantAdmin | types::Role::ProvinceAdmin))
                    .map(|_| view! {
                        <div class="d-flex gap-2">
                            <a class="btn btn-outline-primary" href="/facilities/import">{ui.t("import.title")}</a>
                            <a class="btn btn-primary" href="/facilities/new">{ui.t("facilities.new")}</a>
                        </div>
                    })}
            </div>
            <form method="get" action="/facilities" class="row g-3 mb-4" role="search" aria-label=move || ui.t("facilities.search")>
                <div class="col-md-4 form-group">
                    <label for="f-q" class="active">{move || ui.t("facilities.q")}</label>
                    <input type="search" id="f-q" name="q" class="form-control" value=move || filters().q.unwrap_or_default()/>
                </div>
                <div class="col-md-3 form-group">
                    <AreaFilter id="f-area" current=Signal::derive(move || filters().area)/>
                </div>
                <div class="col-md-3 form-group">
                    <TypeFilter id="f-type" current=Signal::derive(move || filters().facility_type)/>
                </div>
                <div class="col-md-3 form-group">
                    <label for="f-setting" class="active">{move || ui.t("field.setting")}</label>
                    <select id="f-setting" name="setting" class="form-select">
                        <option value="">{move || ui.t("common.all")}</option>
                        {SETTINGS.iter().map(|code| {
                            let selected = move || filters().setting.as_deref() == Some(*code);
                            view! { <option value=*code selected=selected>{move || ui.t(&setting_key(code))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let options = options.await.unwrap_or_default();
                        view! {
                            <div class="col-md-3 form-group">
                                <label for="f-comune" class="active">{ui.t("field.comune")}</label>
                                <select id="f-comune" name="comune" class="form-select">
                                    <option value="">{ui.t("common.all")}</option>
                                    {options.comuni.into_iter().map(|c| {
                                        let code = c.istat_code.clone();
                                        let selected = move || filters().comune.as_deref() == Some(code.as_str());
                                        view! { <option value=c.istat_code.clone() selected=selected>{c.name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            {(!options.districts.is_empty()).then(|| view! {
                                <div class="col-md-3 form-group">
                                    <label for="f-district" class="active">{ui.t("field.district")}</label>
                                    <select id="f-district" name="district" class="form-select">
                                        <option value="">{ui.t("common.all")}</option>
                                        {options.districts.into_iter().map(|d| {
                                            let id = d.id.0;
                                            let selected = move || filters().district == Some(id);
                                            view! { <option value=id.to_string() selected=selected>{d.name.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                            })}
                        }
                    })}
                </Suspense>
                <div class="col-md-2 form-group">
                    <label for="f-status" class="active">{move || ui.t("field.status")}</label>
                    <select id="f-status" name="status" class="form-select">
                        {[("", "facilities.status.current"), ("published", "facilities.status.published"),
                          ("draft", "facilities.status.draft"), ("archived", "facilities.status.archived")]
                            .into_iter().map(|(code, key)| {
                                let selected = move || filters().status.as_deref().unwrap_or("") == code;
                                view! { <option value=code selected=selected>{move || ui.t(key)}</option> }
                            }).collect_view()}
                    </select>
                </div>
                <div class="col-12 d-flex gap-3 align-items-center">
                    <div class="form-check m-0">
                        <input type="checkbox" id="f-stale" name="stale" value="true" checked=move || filters().stale/>
                        <label for="f-stale">{move || ui.t("facilities.only_stale")}</label>
                    </div>
                    <button type="submit" class="btn btn-primary">{move || ui.t("action.search")}</button>
                </div>
            </form>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(page) => {
                            let query = filters_query(&filters());
                            let (current, pages, total) = (page.page, page.total_pages, page.total_items);
                            let slug = ui.session().and_then(|s| s.current).map(|m| m.tenant.slug).unwrap_or_default();
                            let export = |ext: &str| format!("/api/v1/t/{slug}/facilities/export.{ext}?{query}");
                            view! {
                                <div class="d-flex flex-wrap justify-content-between align-items-center">
                                    <p role="status" id="facility-count">{ui.tn("facilities.count", total as i64)}</p>
                                    <p class="d-flex gap-3">
                                        <a href=export("csv") download>{ui.t("facilities.export_csv")}</a>
                                        <a href=export("xlsx") download>{ui.t("facilities.export_xlsx")}</a>
                                    </p>
                                </div>
                                {(!page.items.is_empty()).then(|| view! {
                                    <Scrolls label="facilities.title"><table class="table" id="facilities">
                                            <caption class="visually-hidden">{ui.t("facilities.title")}</caption>
                                            <thead><tr>
                                                <th scope="col">{ui.t("field.name")}</th>
                                                <th scope="col">{ui.t("field.facility_type")}</th>
                                                <th scope="col">{ui.t("field.comune")}</th>
                                                <th scope="col">{ui.t("facilities.kept_by")}</th>
                                                <th scope="col" class="text-end">{ui.t("facilities.places")}</th>
                                                <th scope="col">{ui.t("field.status")}</th>
                                            </tr></thead>
                                            <tbody>
                                                {page.items.into_iter().map(|f| view! { <FacilityRow f/> }).collect_view()}
                                            </tbody>
                                        </table>
                                    </Scrolls>
                                })}
                                <Pagination path="/facilities" page=current pages query/>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

#[component]
fn StateBadges(f: StaffFacilityOut) -> impl IntoView {
    let ui = use_ui();
    let (class, key) = if f.archived {
        ("badge bg-secondary", "facilities.status.archived")
    } else if f.published {
        ("badge bg-success", "facilities.status.published")
    } else {
        ("badge bg-warning text-dark", "facilities.status.draft")
    };
    view! {
        <span class=class>{ui.t(key)}</span>
        {f.stale.then(|| view! { <span class="badge bg-danger ms-1">{ui.t("facilities.stale")}</span> })}
    }
}

#[component]
fn FacilityRow(f: StaffFacilityOut) -> impl IntoView {
    let p = &f.facility.places;
    let places = match (p.authorised, p.free) {
        (Some(a), Some(free)) => format!("{free} / {a}"),
        (Some(a), None) => format!("– / {a}"),
        _ => "–".into(),
    };
    view! {
        <tr>
            <td><a href=format!("/facilities/{}", f.facility.id)>{f.facility.name.clone()}</a></td>
            <td>{f.facility.facility_type.label.clone()}</td>
            <td>{f.facility.comune.name.clone()}</td>
            <td>{f.facility.tenant.name.clone()}</td>
            <td class="text-end">{places}</td>
            <td><StateBadges f=f.clone()/></td>
        </tr>
    }
}

#[component]
pub fn FacilityPage() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok()).unwrap_or(0);
    let detail = Resource::new(id, facility_detail);
    view! {
        <SignedIn>
            <p><a href="/facilities">{move || ui.t("facilities.back")}</a></p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(d) => {
                            let f = d.facility.facility.clone();
                            let id = f.id.0;
                            let row = |key: &'static str, value: Option<String>| value.filter(|v| !v.is_empty()).map(|v| view! {
                                <dt class="col-sm-4">{ui.t(key)}</dt><dd class="col-sm-8">{v}</dd>
                            });
                            let areas = f.areas.iter().map(|a| ui.t(&area_key(a))).collect::<Vec<_>>().join(", ");
                            let places = &f.places;
                            let num = |n: Option<i32>| n.map(|n| n.to_string());
                            let (published, archived) = (d.facility.published, d.facility.archived);
                            view! {
                                <h1 class="h2">{f.name.clone()}</h1>
                                <p><StateBadges f=d.facility.clone()/></p>
                                {d.can_manage.then(|| facility_state_buttons(id, published, archived))}
                                <dl class="row">
                                    {row("field.facility_type", Some(f.facility_type.label.clone()))}
                                    {row("field.area", Some(areas))}
                                    {row("field.setting", Some(ui.t(&setting_key(&f.setting))))}
                                    {row("facilities.kept_by", Some(f.tenant.name.clone()))}
                                    {row("field.organization", f.organization.as_ref().map(|o| o.name.clone()))}
                                    {row("field.address", Some(format!("{}, {} {}", f.address, f.postal_code.clone().unwrap_or_default(), f.comune.name)))}
                                    {row("field.district", f.district.as_ref().map(|d| d.name.clone()))}
                                    {row("field.places_authorised", num(places.authorised))}
                                    {row("field.places_accredited", num(places.accredited))}
                                    {row("field.places_free", num(places.free))}
                                    {row("field.accreditation", f.accreditation.as_deref().map(|a| ui.t(&accreditation_key(a))))}
                                    {row("field.description", f.description.clone())}
                                    {row("field.phone", f.phone.clone())}
                                    {row("field.email", f.email.clone())}
                                    {row("field.website", f.website.clone())}
                                    {row("facilities.verified_at", Some(f.verified_at.as_deref().map(|v| ui.date(v)).unwrap_or_else(|| ui.t("facilities.never"))))}
                                    {row("facilities.source", d.facility.source_key.clone())}
                                </dl>
                                {d.can_manage.then(|| view! {
                                    <h2 class="h4 mt-5">{ui.t("facilities.manager")}</h2>
                                    <p>{ui.t("facilities.invite_manager")}</p>
                                    {invite_manager_form(id)}
                                })}
                                {d.history.map(|rows| view! {
                                    <h2 class="h4 mt-5">{ui.t("facilities.history")}</h2>
                                    <Scrolls label="facilities.history"><table class="table table-sm" id="history">
                                            <thead><tr>
                                                <th scope="col">{ui.t("facilities.when")}</th>
                                                <th scope="col">{ui.t("facilities.who")}</th>
                                                <th scope="col">{ui.t("facilities.field")}</th>
                                                <th scope="col">{ui.t("facilities.old")}</th>
                                                <th scope="col">{ui.t("facilities.new_value")}</th>
                                            </tr></thead>
                                            <tbody>
                                                {rows.into_iter().map(|c| view! { <tr>
                                                    <td>{ui.date_time(&c.changed_at)}</td>
                                                    <td>{c.changed_by.unwrap_or_default()}</td>
                                                    <td><code>{c.field}</code></td>
                                                    <td>{c.old_value.unwrap_or_default()}</td>
                                                    <td>{c.new_value.unwrap_or_default()}</td>
                                                </tr> }).collect_view()}
                                            </tbody>
                                        </table>
                                    </Scrolls>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// Publish or withdraw, archive or restore; the page shows the new state and history.
fn facility_state_buttons(id: i64, published: bool, archived: bool) -> impl IntoView {
    let ui = use_ui();
    let state_form = move |field: &'static str, value: bool, label: &'static str, class: &'static str| {
        view! {
            <PostForm to={Post::to::<SetFacilityState>()}>
                <FormError lang=ui.lang()/>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name=field value=value.to_string()/>
                <button type="submit" class=format!("btn btn-sm {class}")>{ui.t(label)}</button>
            </PostForm>
        }
    };
    view! {
        <div class="d-flex flex-wrap gap-2 mb-4">
            <a class="btn btn-outline-primary btn-sm" href=format!("/facilities/{id}/edit")>{ui.t("facilities.edit")}</a>
            {(!archived).then(|| {
                state_form("published", !published, if published { "facilities.unpublish" } else { "facilities.publish" }, "btn-primary")
            })}
            {state_form("archived", !archived, if archived { "facilities.restore" } else { "facilities.archive" }, "btn-outline-secondary")}
        </div>
    }
}

fn invite_manager_form(id: i64) -> impl IntoView {
    let ui = use_ui();
    let then = After::say(ui.t("users.invitation_sent"));
    view! {
        <PostForm to={Post::to::<InviteFacilityManager>()} then>
            <FormError lang=ui.lang()/>
            <input type="hidden" name="id" value=id.to_string()/>
            <div class="row">
                <Field id="manager-name" name="display_name" label="field.display_name" required=true maxlength=120 class="col-md-5"/>
                <Field id="manager-email" name="email" label="field.email" kind="email" required=true maxlength=254 class="col-md-5"/>
                <div class="col-md-2">
                    <button type="submit" class="btn btn-outline-primary">{ui.t("facilities.invite")}</button>
                </div>
            </div>
        </PostForm>
    }
}
