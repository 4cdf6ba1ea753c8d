//! Organisations that manage the tenant's facilities (enti gestori): a searchable list
//! and a form to add or correct one. Facilities pick their organisation from this list.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use types::directory::{legal_status_key, OrganizationOut, LEGAL_STATUSES};

use super::{paged, refusal_message_of, refused, urlencode, Field, ListTexts, Scrolls, SignedIn};
use crate::api::directory::{list_organizations, organization_detail, SaveOrganization};
use crate::islands::{After, FormError, Post, PostForm, Then};
use crate::use_ui;

/// Tenant and province admins change organisations; everyone else reads them.
fn can_manage() -> bool {
    use_ui()
        .session()
        .and_then(|s| s.current)
        .is_some_and(|m| matches!(m.role, types::Role::TenantAdmin | types::Role::ProvinceAdmin))
}

#[component]
pub fn Organizations() -> impl IntoView {
    let ui = use_ui();
    let query = use_query_map();
    let q = move || query.read().get("q").filter(|v| !v.trim().is_empty());
    let page = move || query.read().get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).max(1);
    let list = Resource::new(move || (q(), page()), |(q, page)| list_organizations(q, page));
    view! {
        <SignedIn>
            <div class="d-flex justify-content-between align-items-center mb-4">
                <h1 class="h2 m-0">{move || ui.t("organizations.title")}</h1>
                {move || can_manage().then(|| view! {
                    <a class="btn btn-primary" href="/organizations/new">{ui.t("organizations.new")}</a>
                })}
            </div>
            <form method="get" action="/organizations" class="row g-3 mb-4" role="search" aria-label=move || ui.t("organizations.search")>
                <div class="col-md-8 form-group">
                    <label for="o-q" class="active">{move || ui.t("organizations.q")}</label>
                    <input type="search" id="o-q" name="q" class="form-control" value=move || q().unwrap_or_default()/>
                </div>
                <div class="col-md-4 d-flex align-items-end">
                    <button type="submit" class="btn btn-outline-primary">{move || ui.t("action.search")}</button>
                </div>
            </form>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let texts = ListTexts { none: Some("organizations.empty"), count: Some("organizations.count") };
                    let filter = q().map(|q| format!("q={}", urlencode(&q))).unwrap_or_default();
                    paged(list.await, texts, "/organizations", filter, |items| view! {
                                <Scrolls label="organizations.title"><table class="table" id="organizations">
                                    <caption class="visually-hidden">{ui.t("organizations.title")}</caption>
                                    <thead><tr>
                                        <th scope="col">{ui.t("field.name")}</th>
                                        <th scope="col">{ui.t("field.tax_code")}</th>
                                        <th scope="col">{ui.t("field.vat_number")}</th>
                                        <th scope="col">{ui.t("field.legal_status")}</th>
                                        <th scope="col">{ui.t("field.contacts")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {items.into_iter().map(|o| row(o, can_manage())).collect_view()}
                                    </tbody>
                                </table></Scrolls>
                    }.into_any())
                })}
            </Suspense>
        </SignedIn>
    }
}

fn row(o: OrganizationOut, editable: bool) -> impl IntoView {
    let ui = use_ui();
    let contacts =
        [o.email.clone(), o.phone.clone(), o.website.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    view! {
        <tr>
            <td>
                {if editable {
                    view! { <a href=format!("/organizations/{}/edit", o.id)>{o.name.clone()}</a> }.into_any()
                } else {
                    o.name.clone().into_any()
                }}
            </td>
            <td>{o.tax_code.clone().unwrap_or_default()}</td>
            <td>{o.vat_number.clone().unwrap_or_default()}</td>
            <td>{ui.t(&legal_status_key(&o.legal_status))}</td>
            <td>{contacts}</td>
        </tr>
    }
}

/// `/organizations/new` and `/organizations/:id/edit`.
#[component]
pub fn OrganizationEditor() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let current = Resource::new(id, |id| async move {
        match id {
            Some(id) => organization_detail(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t(if id().is_some() { "organizations.edit" } else { "organizations.new" })}</h1>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(o) => organization_form(o, id()).into_any(),
                    }
                })}
            </Suspense>
            <p class="mt-4"><a href="/organizations">{move || ui.t("organizations.back")}</a></p>
        </SignedIn>
    }
}

/// The organisation's form; a new one goes away once saved, so that it is not saved twice.
fn organization_form(current: Option<OrganizationOut>, id: Option<i64>) -> impl IntoView {
    let ui = use_ui();
    let then = After::Say {
        text: ui.t("organizations.saved"),
        id: None,
        form: if id.is_none() { Then::Hide } else { Then::Keep },
    };
    let o = current;
    let text = |pick: fn(&OrganizationOut) -> Option<String>| o.as_ref().and_then(pick).unwrap_or_default();
    let status = o.as_ref().map(|o| o.legal_status.clone()).unwrap_or_else(|| "private".into());
    let (name, tax_code, vat_number) =
        (text(|o| Some(o.name.clone())), text(|o| o.tax_code.clone()), text(|o| o.vat_number.clone()));
    let (email, phone, website) = (text(|o| o.email.clone()), text(|o| o.phone.clone()), text(|o| o.website.clone()));
    view! {
        <PostForm to={Post::to::<SaveOrganization>()} then>
            <FormError lang=ui.lang()/>
            {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string()/> })}
            <div class="row">
                <Field id="org-name" name="name" label="field.name" required=true maxlength=200 class="col-md-8"
                    value=name/>
                <div class="form-group mb-4 col-md-4">
                    <label for="org-legal_status" class="active">{ui.t("field.legal_status")}</label>
                    <select id="org-legal_status" name="legal_status" class="form-select" aria-describedby="legal_status-error"
                        aria-invalid=refused("legal_status")>
                        {LEGAL_STATUSES.into_iter().map(|code| view! {
                            <option value=code selected=status == code>{ui.t(&legal_status_key(code))}</option>
                        }).collect_view()}
                    </select>
                    {refusal_message_of("legal_status", "org-legal_status")}
                </div>
            </div>
            <div class="row">
                <Field id="org-tax_code" name="tax_code" label="field.tax_code" maxlength=20 class="col-md-6"
                    value=tax_code/>
                <Field id="org-vat_number" name="vat_number" label="field.vat_number" maxlength=20 class="col-md-6"
                    value=vat_number/>
            </div>
            <div class="row">
                <Field id="org-email" name="email" label="field.email" kind="email" maxlength=254 class="col-md-4"
                    value=email/>
                <Field id="org-phone" name="phone" label="field.phone" kind="tel" maxlength=40 class="col-md-4"
                    value=phone/>
                <Field id="org-website" name="website" label="field.website" kind="url" maxlength=300 class="col-md-4"
                    placeholder="https://" value=website/>
            </div>
            <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
        </PostForm>
    }
}
