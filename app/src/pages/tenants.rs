//! The province's tenant tree, and creating municipalities from the ISTAT list with a
//! search-as-you-type field.

use leptos::prelude::*;
use types::dto::{ComuneOut, TenantNodeOut};
use types::{Lang, Role};

use super::{ErrorAlert, Field, FieldMessage, SignedIn};
use crate::api::tenant::{tenant_tree, CreateMunicipality, CreateZone, SearchComuni, TenantTree};
use crate::islands::{ask, island_ui, SaveForm, Submission};
use crate::{use_ui, Ui};

fn node_view(ui: Ui, node: TenantNodeOut) -> AnyView {
    let kind = ui.t(&node.tenant.kind.label_key());
    let comuni = node.comuni.len();
    view! {
        <li>
            <span class="fw-semibold">{node.tenant.name}</span>
            " " <span class="badge bg-secondary">{kind}</span>
            {(comuni > 0).then(|| view! { <span class="small text-muted ms-2">{ui.tn("tenants.comuni_count", comuni as i64)}</span> })}
            {(!node.children.is_empty()).then(|| view! {
                <ul>{node.children.into_iter().map(|c| node_view(ui, c)).collect_view()}</ul>
            })}
        </li>
    }
    .into_any()
}

#[component]
pub fn Tenants() -> impl IntoView {
    let ui = use_ui();
    let tree = Resource::new(|| (), |_| tenant_tree());
    // The analyst reads the tree; only the province admin creates tenants.
    let admin = move || ui.session().and_then(|s| s.current).is_some_and(|m| m.role == Role::ProvinceAdmin);
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t("tenants.title")}</h1>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match tree.await {
                        Err(e) => view! { <div class="alert alert-warning">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(root) if admin() => view! { <TenantAdmin lang=ui.lang() tree=root/> }.into_any(),
                        Ok(root) => view! { <ul class="tenant-tree" id="tenant-tree">{node_view(ui, root)}</ul> }.into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// The tree, the comuni found by what is typed (each to activate or to add to a new
/// zone), and the zone being put together. The tree is read again after each creation.
#[island]
fn TenantAdmin(lang: Lang, tree: TenantNodeOut) -> impl IntoView {
    let ui = island_ui(lang);
    let tree = RwSignal::new(tree);
    let create = Submission::<CreateMunicipality>::new();
    let create_zone = Submission::<CreateZone>::new();
    // Comuni picked for a new zone: (ISTAT code, name).
    let draft = RwSignal::new(Vec::<(String, String)>::new());
    let zone_error = create_zone.error();
    let draft_codes = move || draft.read().iter().map(|(c, _)| c.clone()).collect::<Vec<_>>().join(",");
    let query = RwSignal::new(String::new());
    let matches = RwSignal::new(Vec::<ComuneOut>::new());
    // Only the answer to the latest query is shown.
    let asked = StoredValue::new(0u64);
    let search = move |q: String| {
        let n = asked.get_value() + 1;
        asked.set_value(n);
        let show = move |found: Vec<ComuneOut>| {
            if asked.get_value() == n {
                matches.set(found);
            }
        };
        if q.trim().chars().count() < 2 {
            show(vec![]);
        } else {
            ask::<SearchComuni>(&[("q", &q)], move |found| show(found.unwrap_or_default()));
        }
    };
    // After a creation: the tree again, and the search again (a comune just activated
    // shows as such).
    let reread = move || {
        ask::<TenantTree>(&[], move |fresh| {
            if let Ok(t) = fresh {
                tree.set(t);
            }
        });
        search(query.get_untracked());
    };
    Effect::new(move |_| {
        if create.succeeded().get() {
            reread();
        }
    });
    Effect::new(move |_| {
        if create_zone.succeeded().get() {
            draft.set(vec![]);
            reread();
        }
    });
    let error = create.error();
    view! {
        <ul class="tenant-tree" id="tenant-tree">{move || node_view(ui, tree.get())}</ul>
        <h2 class="h4 mt-5 mb-4">{ui.t("tenants.add_municipality")}</h2>
        <ErrorAlert error/>
        {move || create.value().get().and_then(Result::ok).map(|t| view! {
            <div class="alert alert-success" role="status">{types::i18n::tf(ui.lang(), "tenants.created", &[("name", &t.name)])}</div>
        })}
        <div class="form-group">
            <label for="comune-search" class="active">{ui.t("tenants.search_comune")}</label>
            <input type="search" id="comune-search" class="form-control" autocomplete="off"
                aria-describedby="comune-search-help" aria-controls="comune-results"
                on:input=move |ev| {
                    let q = event_target_value(&ev);
                    query.set(q.clone());
                    search(q);
                }/>
            <small id="comune-search-help" class="form-text">{ui.t("tenants.search_help")}</small>
            <FieldMessage error field="istat_code"/>
        </div>
        <ul class="list-group" id="comune-results" aria-live="polite">
            {move || matches.get().into_iter().map(|c| {
                let code = c.istat_code.clone();
                let pick = (c.istat_code.clone(), c.name.clone());
                let picked = { let code = code.clone(); move || draft.read().iter().any(|(c, _)| *c == code) };
                let population = c.population_2023.map(|p| ui.tn("tenants.population", p as i64)).unwrap_or_default();
                view! {
                    <li class="list-group-item d-flex justify-content-between align-items-center">
                        <span>{c.name.clone()} " (" {c.istat_code.clone()} ") " <small class="text-muted">{population}</small></span>
                        <span class="d-flex gap-2">
                        <button type="button" class="btn btn-outline-primary btn-xs" disabled=picked
                            on:click=move |_| draft.update(|d| d.push(pick.clone()))>
                            {ui.t("tenants.add_to_zone")}
                        </button>
                        {match c.tenant_slug {
                            Some(_) => view! { <span class="badge bg-success">{ui.t("tenants.already_tenant")}</span> }.into_any(),
                            None => view! {
                                <button type="button" class="btn btn-primary btn-xs"
                                    on:click=move |_| { create.post(&[("istat_code", &code)]); }>
                                    {ui.t("tenants.create")}
                                </button>
                            }.into_any(),
                        }}
                        </span>
                    </li>
                }
            }).collect_view()}
        </ul>
        <h2 class="h4 mt-5 mb-4">{ui.t("tenants.add_zone")}</h2>
        <p class="small">{ui.t("tenants.zone_help")}</p>
        <ErrorAlert error=zone_error/>
        {move || create_zone.value().get().and_then(Result::ok).map(|t| view! {
            <div class="alert alert-success" role="status">{types::i18n::tf(ui.lang(), "tenants.created", &[("name", &t.name)])}</div>
        })}
        <SaveForm action=create_zone>
            <Field id="zone-name" name="name" label="field.name" error=zone_error required=true maxlength=200 placeholder="Ambito 4 – Valle Trompia"/>
            <input type="hidden" name="comuni" prop:value=draft_codes/>
            <ul class="list-inline" id="zone-draft">
                {move || draft.get().into_iter().map(|(code, name)| view! {
                    <li class="list-inline-item">
                        <span class="chip chip-simple">
                            <span class="chip-label">{name.clone()}</span>
                            <button type="button" class="btn btn-link btn-xs" aria-label=format!("{} {name}", ui.t("action.remove"))
                                on:click=move |_| draft.update(|d| d.retain(|(c, _)| *c != code))>"×"</button>
                        </span>
                    </li>
                }).collect_view()}
            </ul>
            <FieldMessage error=zone_error field="comuni"/>
            <button type="submit" class="btn btn-primary" disabled=move || draft.read().is_empty()>{ui.t("tenants.create_zone")}</button>
        </SaveForm>
    }
}
