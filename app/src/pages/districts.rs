//! Districts (quartieri) of the current municipality: list, add, remove.

use leptos::prelude::*;

use super::{page_param, paged, Field, ListTexts, Scrolls, SignedIn};
use crate::api::tenant::{list_districts, CreateDistrict, DeleteDistrict, RenameDistrict};
use crate::islands::{FormError, Post, PostForm};
use crate::use_ui;

#[component]
pub fn Districts() -> impl IntoView {
    let ui = use_ui();
    let page = page_param();
    let districts = Resource::new(page, list_districts);
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t("districts.title")}</h1>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let texts = ListTexts { none: Some("districts.empty"), count: None };
                    paged(districts.await, texts, "/districts", String::new(), |items| view! {
                            <Scrolls label="districts.title"><table class="table" id="districts">
                                <caption class="visually-hidden">{ui.t("districts.title")}</caption>
                                <thead><tr>
                                    <th scope="col">{ui.t("field.name")}</th>
                                    <th scope="col">{ui.t("field.code")}</th>
                                    <th scope="col"><span class="visually-hidden">{ui.t("common.actions")}</span></th>
                                </tr></thead>
                                <tbody>
                                    {items.into_iter().map(|d| {
                                        let id = d.id.0;
                                        let code = d.code.clone().unwrap_or_default();
                                        view! { <tr>
                                            <td>{rename_district_form(id, d.name.clone(), code)}</td>
                                            <td>{d.code.unwrap_or_default()}</td>
                                            <td class="text-end">{delete_district_button(id, d.name)}</td>
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table></Scrolls>
                    }.into_any())
                })}
            </Suspense>
            <h2 class="h4 mt-5 mb-4">{move || ui.t("districts.add")}</h2>
            {add_district_form()}
        </SignedIn>
    }
}

fn add_district_form() -> impl IntoView {
    let ui = use_ui();
    view! {
        <PostForm to={Post::to::<CreateDistrict>()}>
            <FormError lang=ui.lang()/>
            <div class="row">
                <Field id="name" name="name" label="field.name" required=true maxlength=120 class="col-md-6"/>
                <Field id="code" name="code" label="field.code" maxlength=20 class="col-md-3"/>
                <div class="col-md-3">
                    <button type="submit" class="btn btn-primary">{ui.t("action.add")}</button>
                </div>
            </div>
        </PostForm>
    }
}

/// A district's name and code, edited in place.
fn rename_district_form(id: i64, name: String, code: String) -> impl IntoView {
    let ui = use_ui();
    view! {
        <details>
            <summary>{name.clone()}</summary>
            <PostForm to={Post::to::<RenameDistrict>()}>
                <FormError lang=ui.lang()/>
                <input type="hidden" name="id" value=id.to_string()/>
                <label class="visually-hidden" for=format!("rename-{id}")>{ui.t("field.name")}</label>
                <input type="text" id=format!("rename-{id}") name="name" class="form-control form-control-sm" value=name required maxlength="120"/>
                <label class="visually-hidden" for=format!("code-{id}")>{ui.t("field.code")}</label>
                <input type="text" id=format!("code-{id}") name="code" class="form-control form-control-sm" value=code maxlength="20"/>
                <button type="submit" class="btn btn-primary btn-xs mt-1">{ui.t("action.save")}</button>
            </PostForm>
        </details>
    }
}

fn delete_district_button(id: i64, name: String) -> impl IntoView {
    let ui = use_ui();
    let label = format!("{} {}", ui.t("action.delete"), name);
    view! {
        <PostForm to={Post::to::<DeleteDistrict>()}>
            <FormError lang=ui.lang()/>
            <input type="hidden" name="id" value=id.to_string()/>
            <button type="submit" class="btn btn-outline-danger btn-xs" aria-label=label>{ui.t("action.delete")}</button>
        </PostForm>
    }
}
