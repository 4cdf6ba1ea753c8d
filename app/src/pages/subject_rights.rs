//! The person's rights, for tenant admins: a readable page of everything held about the
//! person (printable; the same document as JSON from the API), and erasure or
//! anonymisation with a confirmation.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use types::cases::{code_key, section, Entry, FieldKind};
use types::directory::area_key;
use types::persons::{relationship_key, CaseExport, PersonExport};
use types::plans::{funding_key, status_key};

use super::{refusal_message_of, refused, Scrolls, SignedIn};
use crate::api::persons::{person_export, ErasePerson};
use crate::islands::{After, FormError, Post, PostForm};
use crate::use_ui;

/// `/persons/:id/export`: everything held about the person.
#[component]
pub fn PersonExportPage() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok()).unwrap_or_default();
    let export = Resource::new(id, person_export);
    view! {
        <SignedIn>
            <p><a href=move || format!("/persons/{}", id())>{move || ui.t("persons.back")}</a></p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match export.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(x) => export_view(x).into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

fn entry_view(code: &str, entry: Entry) -> impl IntoView {
    let ui = use_ui();
    let def = section(code);
    let items = entry
        .into_iter()
        .map(|(k, v)| {
            let label = def.map(|d| ui.t(&d.field_key(&k))).unwrap_or_else(|| k.clone());
            let value = match def.and_then(|d| d.field(&k)).map(|f| f.kind) {
                Some(FieldKind::Code(list, _)) => ui.t(&code_key(list, &v)),
                _ => v,
            };
            view! { <dt class="col-sm-4">{label}</dt><dd class="col-sm-8">{value}</dd> }
        })
        .collect_view();
    view! { <dl class="row border-bottom mb-2">{items}</dl> }
}

fn case_view(c: CaseExport) -> impl IntoView {
    let ui = use_ui();
    let title = ui.tf("export.case", &[("area", &ui.t(&area_key(&c.area))), ("date", &ui.date(&c.opened_on))]);
    let closed = c.closed_on.map(|d| format!(" · {} {}", ui.t("cases.closed_on"), ui.date(&d)));
    let sections = c
        .sections
        .into_iter()
        .map(|s| {
            let code = s.code.clone();
            view! {
                <h4 class="h6 mt-3">{ui.t(&format!("case.section.{}", s.code))}</h4>
                {s.entries.into_iter().map(|e| entry_view(&code, e)).collect_view()}
            }
        })
        .collect_view();
    let assessments = c
        .work
        .assessments
        .into_iter()
        .map(|a| {
            view! {
                <li>{format!("{} — {} — {}", ui.date(&a.assessed_on), a.problems, a.summary)}</li>
            }
        })
        .collect_view();
    let plans = c
        .work
        .plans
        .into_iter()
        .map(|p| {
            view! {
                <li>{format!("{} — {} — {}", ui.date(&p.started_on), ui.t(&status_key(&p.status)), p.goals)}</li>
            }
        })
        .collect_view();
    let interventions = c
        .work
        .interventions
        .into_iter()
        .map(|i| {
            view! {
                <li>{format!(
                    "{} — {} — {} — {}",
                    ui.date(&i.started_on),
                    ui.t(&code_key_request(&i.kind)),
                    types::i18n::euros(ui.lang(), i.cost_cents),
                    i.funding.as_deref().map(|f| ui.t(&funding_key(f))).unwrap_or_default()
                )}</li>
            }
        })
        .collect_view();
    view! {
        <section class="mb-5">
            <h3 class="h5">{title}{closed}</h3>
            <p>{format!("{}: {}", ui.t("cases.responsible"), c.responsible_name)}</p>
            {sections}
            <h4 class="h6 mt-3">{ui.t("work.assessments")}</h4><ul>{assessments}</ul>
            <h4 class="h6">{ui.t("work.plans")}</h4><ul>{plans}</ul>
            <h4 class="h6">{ui.t("work.interventions")}</h4><ul>{interventions}</ul>
            <p>{format!("{}: {}", ui.t("work.total"), types::i18n::euros(ui.lang(), c.work.total_cost_cents))}</p>
        </section>
    }
}

fn code_key_request(code: &str) -> String {
    types::contacts::code_key("request_type", code)
}

fn export_view(x: PersonExport) -> impl IntoView {
    let ui = use_ui();
    let p = &x.person;
    let name = format!("{} {}", p.last_name, p.first_name);
    let facts = [
        ("field.tax_code", p.tax_code.clone()),
        ("field.birth_date", p.birth_date.as_deref().map(|d| ui.date(d))),
        ("field.birth_place", p.birth_place.clone()),
        ("field.sex", p.sex.clone()),
        ("field.country", p.country.clone()),
        ("field.address", p.address.clone()),
        ("field.phone", p.phone.clone()),
        ("field.email", p.email.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| view! { <dt class="col-sm-3">{ui.t(k)}</dt><dd class="col-sm-9">{v}</dd> }))
    .collect_view();
    let household = x
        .household
        .into_iter()
        .map(|m| {
            view! {
                <li>{format!("{} — {}", m.name, ui.t(&relationship_key(&m.relationship)))}</li>
            }
        })
        .collect_view();
    let json =
        ui.session().and_then(|s| s.current).map(|m| format!("/api/v1/t/{}/persons/{}/export", m.tenant.slug, p.id));
    let contacts = x.contacts.into_iter().map(|c| view! {
        <li>{format!("{} — {}", ui.date(&c.contacted_on), ui.t(&types::contacts::code_key("request_type", &c.request_type)))}</li>
    }).collect_view();
    let accesses = x
        .accesses
        .into_iter()
        .map(|a| {
            view! {
                <tr>
                    <td>{ui.date_time(&a.at)}</td>
                    <td>{a.user_name}</td>
                    <td>{ui.t(&format!("cases.audit_action.{}", a.action))}</td>
                    <td>{ui.t(&format!("cases.audit_object.{}", a.object))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1 class="h2" id="export-title">{ui.tf("export.title", &[("name", &name)])}</h1>
        <p>{ui.tf("export.intro", &[("tenant", &x.tenant), ("at", &ui.date_time(&x.exported_at))])}</p>
        {json.map(|href| view! { <p><a href=href download="dati-personali.json" id="export-json">{ui.t("export.json")}</a></p> })}
        <h2 class="h4">{ui.t("export.person")}</h2>
        <dl class="row">{facts}</dl>
        <h2 class="h4">{ui.t("household.title")}</h2>
        <ul>{household}</ul>
        <h2 class="h4">{ui.t("cases.title")}</h2>
        {x.cases.into_iter().map(case_view).collect_view()}
        <h2 class="h4">{ui.t("contacts.title")}</h2>
        <ul>{contacts}</ul>
        <h2 class="h4">{ui.t("cases.audit")}</h2>
        <Scrolls label="cases.audit"><table class="table table-sm">
                <caption class="visually-hidden">{ui.t("cases.audit")}</caption>
                <thead><tr>
                    <th scope="col">{ui.t("cases.audit_when")}</th>
                    <th scope="col">{ui.t("cases.audit_who")}</th>
                    <th scope="col">{ui.t("cases.audit_what")}</th>
                    <th scope="col">{ui.t("cases.audit_where")}</th>
                </tr></thead>
                <tbody>{accesses}</tbody>
            </table>
        </Scrolls>
    }
}

/// On the person's page, for tenant admins: the export and the erasure.
#[component]
pub fn SubjectRights(person: i64) -> impl IntoView {
    let ui = use_ui();
    view! {
        <section class="mt-5" id="subject-rights">
            <h2 class="h4">{move || ui.t("export.rights")}</h2>
            <p><a href=format!("/persons/{person}/export") id="export-link">{move || ui.t("export.open")}</a></p>
            {erase_form(person)}
        </section>
    }
}

/// Erasure or anonymisation, confirmed; then back to the list of persons.
fn erase_form(person: i64) -> impl IntoView {
    let ui = use_ui();
    view! {
            <details>
                <summary class="h6">{move || ui.t("export.erase")}</summary>
                <p>{move || ui.t("export.erase_help")}</p>
                <PostForm to={Post::to::<ErasePerson>()} then=After::Go("/persons".into()) id="erase-form">
                    <FormError lang=ui.lang()/>
                    <input type="hidden" name="id" value=person.to_string()/>
                    <div class="form-group mb-3">
                        <label for="erase-mode" class="active">{move || ui.t("export.mode")}</label>
                        <select id="erase-mode" name="mode" class="form-select">
                            <option value="anonymise">{move || ui.t("export.mode.anonymise")}</option>
                            <option value="erase">{move || ui.t("export.mode.erase")}</option>
                        </select>
                    </div>
                    <div class="form-check mb-3">
                        <input class="form-check-input" type="checkbox" id="erase-confirm" name="confirm" aria-describedby="confirm-error"
                            aria-invalid=refused("confirm")/>
                        <label class="form-check-label" for="erase-confirm">{move || ui.t("export.confirm")}</label>
                        {refusal_message_of("confirm", "erase-confirm")}
                    </div>
                    <button type="submit" class="btn btn-danger">{move || ui.t("export.erase")}</button>
                </PostForm>
            </details>
    }
}
