//! Social cases: the worker's list (filters in the URL, a name search in the request
//! body), opening a case for a person (from a front-desk contact, pre-filled), the case
//! page and one page per section of the record, drawn from the section's description
//! in `types::cases` with its history underneath. Restricted sections show a lock
//! instead of a link unless the worker was granted them. Every look is audited.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use types::cases::{
    code_key, section, CaseOut, CaseStatus, CaseSummary, Entry, FieldKind, SectionDef, CLOSING_REASONS,
};
use types::directory::{area_key, AREAS};
use types::{Lang, Role};

use super::case_work::work_view;
use super::handovers::handovers_view;
use super::{filter_query, paged, status_badge, ErrorAlert, FieldMessage, ListTexts, Scrolls, SignedIn, Tone};
use crate::api::cases::{
    case_audit, case_page, case_section, case_workers, search_cases, CaseSection, EditCase, OpenCase, SaveCaseSection,
    SearchCases, SetCaseAccess,
};
use crate::api::contacts::contact_form_options;
use crate::api::persons::person_detail;
use crate::api::UiError;
use crate::islands::{go_after, island_ui, read_again, FieldError, FormError, Post, PostForm, SaveForm, Submission};
use crate::use_ui;

fn case_badge(status: &str) -> impl IntoView {
    let tone = if CaseStatus::from_code(status) == Some(CaseStatus::Open) { Tone::Good } else { Tone::Done };
    status_badge(tone, use_ui().t(&code_key("status", status)))
}

fn case_table(items: Vec<CaseSummary>) -> impl IntoView {
    let ui = use_ui();
    view! {
        <Scrolls label="cases.title"><table class="table" id="cases">
                <caption class="visually-hidden">{ui.t("cases.title")}</caption>
                <thead><tr>
                    <th scope="col">{ui.t("field.person_name")}</th>
                    <th scope="col">{ui.t("field.area")}</th>
                    <th scope="col">{ui.t("cases.status")}</th>
                    <th scope="col">{ui.t("cases.opened_on")}</th>
                    <th scope="col">{ui.t("cases.responsible")}</th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|c| view! {
                        <tr>
                            <td><a href=format!("/cases/{}", c.id)>{c.person_name}</a></td>
                            <td>{ui.t(&area_key(&c.area))}</td>
                            <td>{case_badge(&c.status)}</td>
                            <td>{ui.date(&c.opened_on)}</td>
                            <td>{c.responsible_name}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Scrolls>
    }
}

/// `/cases`: the cases open to the worker, newest first.
#[component]
pub fn Cases() -> impl IntoView {
    let ui = use_ui();
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.trim().is_empty());
    let page = move || get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).max(1);
    let mine = move || get("mine").is_some_and(|m| m == "true" || m == "on");
    let district = move || get("district").and_then(|d| d.parse::<i64>().ok());
    let list = Resource::new(
        move || (get("status"), get("area"), mine(), district(), page()),
        |(status, area, mine, district, page)| search_cases(None, status, area, Some(mine), None, district, Some(page)),
    );
    let districts = Resource::new(|| (), |_| contact_form_options());
    let search = Submission::<SearchCases>::new();
    view! {
        <SignedIn>
            <h1 class="h2 mb-3">{move || ui.t("cases.title")}</h1>
            <SaveForm action=search attr:id="case-search" attr:role="search" attr:class="row g-3 mb-3">
                <div class="col-md-8 form-group">
                    <label for="cs-q" class="active">{move || ui.t("persons.q")}</label>
                    <input type="search" id="cs-q" name="q" class="form-control" autocomplete="off" required/>
                </div>
                <div class="col-md-4 d-flex align-items-end">
                    <button type="submit" class="btn btn-outline-primary">{move || ui.t("action.search")}</button>
                </div>
            </SaveForm>
            {move || search.value().get().map(|answer| match answer {
                Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                Ok(page) if page.items.is_empty() => view! { <p role="status">{ui.t("cases.none")}</p> }.into_any(),
                Ok(page) => case_table(page.items).into_any(),
            })}
            <form method="get" action="/cases" class="row g-3 mb-4" aria-label=move || ui.t("cases.filters")>
                <div class="col-sm-4 form-group">
                    <label for="cs-status" class="active">{move || ui.t("cases.status")}</label>
                    <select id="cs-status" name="status" class="form-select">
                        <option value="">{move || ui.t("common.all")}</option>
                        {CaseStatus::CODES.iter().map(|s| view! {
                            <option value=*s selected=move || get("status").as_deref() == Some(*s)>{move || ui.t(&code_key("status", s))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="col-sm-4 form-group">
                    <super::AreaFilter id="cs-area" current=Signal::derive(move || get("area"))/>
                </div>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let districts = districts.await.map(|o| o.districts).unwrap_or_default();
                        (!districts.is_empty()).then(|| view! {
                            <div class="col-sm-4 form-group">
                                <label for="cs-district" class="active">{ui.t("field.district")}</label>
                                <select id="cs-district" name="district" class="form-select">
                                    <option value="">{ui.t("common.all")}</option>
                                    {districts.into_iter().map(|d| {
                                        let selected = district() == Some(d.id.0);
                                        view! { <option value=d.id.to_string() selected=selected>{d.name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                        })
                    })}
                </Suspense>
                <div class="col-sm-2 d-flex align-items-end">
                    <div class="form-check">
                        <input class="form-check-input" type="checkbox" id="cs-mine" name="mine" value="true" checked=mine/>
                        <label class="form-check-label" for="cs-mine">{move || ui.t("cases.mine")}</label>
                    </div>
                </div>
                <div class="col-sm-2 d-flex align-items-end">
                    <button type="submit" class="btn btn-outline-primary">{move || ui.t("action.filter")}</button>
                </div>
            </form>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let texts = ListTexts { none: Some("cases.none"), count: Some("cases.count") };
                    let filter = filter_query(&["status", "area", "mine", "district"], get);
                    paged(list.await, texts, "/cases", filter, |items| case_table(items).into_any())
                })}
            </Suspense>
        </SignedIn>
    }
}

/// `/cases/new?person=…[&contact=…&area=…]`: opens a case for a person.
#[component]
pub fn NewCase() -> impl IntoView {
    let ui = use_ui();
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).filter(|v| !v.trim().is_empty());
    let person_id = get("person").and_then(|p| p.parse::<i64>().ok());
    let contact_id = get("contact").and_then(|p| p.parse::<i64>().ok());
    let area = StoredValue::new(get("area").unwrap_or_default());
    let person = Resource::new(
        move || person_id,
        |id| async move {
            match id {
                Some(id) => person_detail(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let admin = move || ui.session().and_then(|s| s.current).is_some_and(|m| m.role == Role::TenantAdmin);
    let workers = Resource::new(|| (), |_| case_workers());
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t("cases.new")}</h1>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let person = match person.await {
                        Err(e) => return view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(None) => return view! { <p><a href="/persons">{ui.t("cases.pick_person")}</a></p> }.into_any(),
                        Ok(Some(p)) => p,
                    };
                    let workers = if admin() { workers.await.unwrap_or_default() } else { vec![] };
                    let area = area.get_value();
                    view! {
                        <p class="lead">{format!("{} {}", person.last_name, person.first_name)}
                            {person.tax_code.map(|c| format!(" · {c}"))}</p>
                        <OpenCaseForm lang=ui.lang() person=person.id.0 contact=contact_id area workers admin=admin()/>
                    }.into_any()
                })}
            </Suspense>
        </SignedIn>
    }
}

/// The new case's form; then the case's page.
#[island]
fn OpenCaseForm(
    lang: Lang,
    person: i64,
    contact: Option<i64>,
    area: String,
    workers: Vec<types::cases::CaseMemberOut>,
    admin: bool,
) -> impl IntoView {
    let ui = island_ui(lang);
    let open = Submission::<OpenCase>::new();
    let error = open.error();
    go_after(open, |case| format!("/cases/{}", case.id));
    view! {
                        <ErrorAlert error/>
                        <SaveForm action=open attr:id="case-form">
                            <input type="hidden" name="person_id" value=person.to_string()/>
                            {contact.map(|c| view! { <input type="hidden" name="contact_id" value=c.to_string()/> })}
                            <div class="row">
                                <div class="form-group mb-4 col-md-6">
                                    <label for="area" class="active">{ui.t("field.area")}</label>
                                    <select id="area" name="area" class="form-select" required aria-describedby="area-error">
                                        <option value="">{ui.t("common.choose")}</option>
                                        {AREAS.iter().map(|a| view! {
                                            <option value=*a selected=area == *a>{ui.t(&area_key(a))}</option>
                                        }).collect_view()}
                                    </select>
                                    <FieldMessage error field="area"/>
                                </div>
                                <super::Field id="opened_on" name="opened_on" label="cases.opened_on" kind="date" error class="col-md-6"/>
                            </div>
                            {admin.then(|| view! {
                                <div class="form-group mb-4">
                                    <label for="responsible_id" class="active">{ui.t("cases.responsible")}</label>
                                    <select id="responsible_id" name="responsible_id" class="form-select" aria-describedby="responsible_id-error">
                                        <option value="">{ui.t("common.choose")}</option>
                                        {workers.iter().map(|w| view! {
                                            <option value=w.user_id.to_string()>{w.name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                    <FieldMessage error field="responsible_id"/>
                                </div>
                            })}
                            <button type="submit" class="btn btn-primary">{ui.t("cases.open")}</button>
                        </SaveForm>
    }
}

/// `/cases/:id`: the case, who works on it, and its sections.
#[component]
pub fn CasePage() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok()).unwrap_or_default();
    // One call, one round trip, one transaction: the case, and what its workers or
    // admins need. An operator it was referred to gets the case and its named sections.
    let case = Resource::new(id, case_page);
    view! {
        <SignedIn>
            <p><a href="/cases">{move || ui.t("cases.back")}</a></p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match case.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(page) => case_view(page).into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// The case page's content, drawn by the server: each of its forms loads the page again
/// after a success (a refused one keeps what was typed).
fn case_view(page: types::cases::CasePage) -> impl IntoView {
    let ui = use_ui();
    let (c, workers, choices) = (page.case, page.workers, page.choices.unwrap_or_default());
    let work = page.work.zip(page.handovers);
    let p = &c.person;
    let title = format!("{} {}", p.last_name, p.first_name);
    let facts = [
        (ui.t("field.tax_code"), p.tax_code.clone().unwrap_or_else(|| ui.t("persons.missing_tax_code"))),
        (ui.t("field.birth_date"), p.birth_date.as_deref().map(|d| ui.date(d)).unwrap_or_default()),
        (ui.t("field.area"), ui.t(&area_key(&c.area))),
        (ui.t("cases.opened_on"), ui.date(&c.opened_on)),
    ];
    let closed = c.closed_on.clone().map(|d| {
        let reason = c.closing_reason.as_deref().map(|r| ui.t(&code_key("closing_reason", r))).unwrap_or_default();
        format!("{} · {reason}", ui.date(&d))
    });
    let sections = c.sections.iter().map(|s| {
        let label = ui.t(&format!("case.section.{}", s.code));
        let updated = match (&s.updated_at, &s.updated_by_name) {
            (Some(at), Some(by)) => ui.tf("cases.updated", &[("at", &ui.date_time(at)), ("by", by)]),
            _ => ui.t("cases.empty_section"),
        };
        let link = if s.readable {
            view! { <a href=format!("/cases/{}/sections/{}", c.id, s.code)>{label}</a> }.into_any()
        } else {
            view! { <span>{label}" "<span class="badge bg-warning text-dark">{ui.t("cases.restricted")}</span></span> }.into_any()
        };
        view! { <li class="list-group-item d-flex justify-content-between flex-wrap gap-2">{link}<small>{updated}</small></li> }
    }).collect_view();
    let members = c
        .members
        .iter()
        .map(|m| {
            let role = if m.responsible { ui.t("cases.responsible") } else { ui.t("cases.member") };
            let restricted = m.restricted.then(|| format!(" · {}", ui.t("cases.restricted_granted")));
            view! { <li>{m.name.clone()}" — "{role}{restricted}</li> }
        })
        .collect_view();
    let access_form = c.can_manage_access.then(|| {
        let responsible = c.members.iter().find(|m| m.responsible).map(|m| m.user_id);
        let members = c.members.clone();
        let member = move |u: types::UserId| members.iter().find(|m| m.user_id == u).cloned();
        view! {
            <details class="mb-4" id="case-access">
                <summary class="h5">{ui.t("cases.access")}</summary>
                <PostForm to={Post::to::<SetCaseAccess>()} id="access-form">
                    <FormError lang=ui.lang()/>
                    <input type="hidden" name="id" value=c.id.to_string()/>
                    <div class="form-group mb-3">
                        <label for="responsible_id" class="active">{ui.t("cases.responsible")}</label>
                        <select id="responsible_id" name="responsible_id" class="form-select">
                            {workers.iter().map(|w| view! {
                                <option value=w.user_id.to_string() selected=responsible == Some(w.user_id)>{w.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <Scrolls label="cases.access_help"><table class="table">
                        <caption>{ui.t("cases.access_help")}</caption>
                        <thead><tr>
                            <th scope="col">{ui.t("cases.worker")}</th>
                            <th scope="col">{ui.t("cases.member")}</th>
                            <th scope="col">{ui.t("cases.restricted_granted")}</th>
                        </tr></thead>
                        <tbody>
                            {workers.iter().enumerate().map(|(i, w)| {
                                let m = member(w.user_id);
                                let (id_a, id_r) = (format!("acc-{i}"), format!("res-{i}"));
                                view! {
                                    <tr>
                                        <th scope="row">{w.name.clone()}</th>
                                        <td><input type="checkbox" class="form-check-input" id=id_a.clone()
                                            name=format!("members[{i}][user_id]") value=w.user_id.to_string() checked=m.is_some()
                                            aria-label=format!("{} — {}", w.name, ui.t("cases.member"))/></td>
                                        <td><input type="checkbox" class="form-check-input" id=id_r.clone()
                                            name=format!("members[{i}][restricted]") checked=m.is_some_and(|m| m.restricted)
                                            aria-label=format!("{} — {}", w.name, ui.t("cases.restricted_granted"))/></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></Scrolls>
                    <button type="submit" class="btn btn-outline-primary">{ui.t("action.save")}</button>
                </PostForm>
            </details>
        }
    });
    view! {
        <div class="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-3">
            <h1 class="h2 m-0" id="case-title">{title}</h1>
            {case_badge(&c.status)}
        </div>
        <dl class="row">
            {facts.into_iter().map(|(k, v)| view! { <dt class="col-sm-3">{k}</dt><dd class="col-sm-9">{v}</dd> }).collect_view()}
            {closed.map(|d| view! { <dt class="col-sm-3">{ui.t("cases.closed_on")}</dt><dd class="col-sm-9">{d}</dd> })}
        </dl>
        <p class="d-flex flex-wrap gap-3">
            {c.is_worker.then(|| view! { <a href=format!("/persons/{}", c.person.id)>{ui.t("cases.person_record")}</a> })}
            {c.can_manage_access.then(|| view! { <a href=format!("/cases/{}/audit", c.id) id="audit-link">{ui.t("cases.audit")}</a> })}
        </p>
        <h2 class="h4">{ui.t("cases.record")}</h2>
        <ul class="list-group mb-4" id="case-sections">{sections}</ul>
        {work.map(|(work, handovers)| {
            let readable = c.sections.iter().filter(|s| s.readable).map(|s| s.code.clone()).collect();
            view! {
                {work_view(c.id.0, work)}
                {handovers_view(c.id.0, readable, handovers, choices)}
            }
        })}
        <h2 class="h4 mt-4">{ui.t("cases.workers")}</h2>
        <ul id="case-members">{members}</ul>
        {access_form}
        {c.is_worker.then(|| edit_view(&c))}
    }
}

/// Changing the case's area and dates, or closing it (its workers).
fn edit_view(c: &CaseOut) -> impl IntoView {
    let ui = use_ui();
    let (id, version, area) = (c.id.to_string(), c.version.to_string(), c.area.clone());
    let (opened_on, closed_on, reason) =
        (c.opened_on.clone(), c.closed_on.clone().unwrap_or_default(), c.closing_reason.clone());
    view! {
        <details class="mb-4" id="case-edit">
            <summary class="h5">{ui.t("cases.edit")}</summary>
            <PostForm to={Post::to::<EditCase>()} id="case-edit-form">
                <FormError lang=ui.lang()/>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="version" value=version/>
                <div class="row">
                    <div class="form-group mb-4 col-md-6">
                        <label for="edit-area" class="active">{ui.t("field.area")}</label>
                        <select id="edit-area" name="area" class="form-select">
                            {AREAS.iter().map(|a| view! { <option value=*a selected=area == *a>{ui.t(&area_key(a))}</option> }).collect_view()}
                        </select>
                    </div>
                    <super::Field id="edit-opened_on" name="opened_on" label="cases.opened_on" kind="date"
                        value=opened_on class="col-md-6"/>
                </div>
                <div class="row">
                    <super::Field id="edit-closed_on" name="closed_on" label="cases.closed_on" kind="date"
                        value=closed_on class="col-md-6"/>
                    <div class="form-group mb-4 col-md-6">
                        <label for="closing_reason" class="active">{ui.t("cases.closing_reason")}</label>
                        <select id="closing_reason" name="closing_reason" class="form-select" aria-describedby="closing_reason-error"
                            aria-invalid=crate::islands::refused_field("closing_reason").is_some().to_string()>
                            <option value="">{ui.t("common.choose")}</option>
                            {CLOSING_REASONS.iter().map(|r| view! {
                                <option value=*r selected=reason.as_deref() == Some(*r)>{ui.t(&code_key("closing_reason", r))}</option>
                            }).collect_view()}
                        </select>
                        <FieldError field="closing_reason".to_string() id="closing_reason-error".to_string()
                            input="closing_reason".to_string()/>
                    </div>
                </div>
                <button type="submit" class="btn btn-outline-primary">{ui.t("action.save")}</button>
            </PostForm>
        </details>
    }
}

/// `/cases/:id/sections/:section`: one section's form and its history.
#[component]
pub fn SectionPage() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok()).unwrap_or_default();
    let code = move || params.read().get("section").unwrap_or_default();
    let current = Resource::new(move || (id(), code()), |(id, code)| case_section(id, code));
    view! {
        <SignedIn>
            <p><a href=move || format!("/cases/{}", id())>{move || ui.t("cases.back_to_case")}</a></p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    if section(&code()).is_none() {
                        return view! { <div class="alert alert-warning" role="alert">{ui.t("error.not_found")}</div> }.into_any();
                    }
                    match current.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(data) => view! { <SectionEditor lang=ui.lang() case_id=id() data/> }.into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// A section's form and history; both are read again after a save.
#[island]
fn SectionEditor(lang: Lang, case_id: i64, data: crate::api::cases::SectionView) -> impl IntoView {
    island_ui(lang);
    let code = data.section.code.clone();
    let Some(def) = section(&code) else { return ().into_any() };
    let data = RwSignal::new(data);
    let save = Submission::<SaveCaseSection>::new();
    let error = save.error();
    let saved = save.successes();
    let fields = move || vec![("id", case_id.to_string()), ("section", code.clone())];
    read_again::<CaseSection>(move || saved.get(), fields, move |fresh| data.set(fresh));
    (move || section_view(case_id, def, data.get(), save, error)).into_any()
}

fn section_view(
    case_id: i64,
    def: &'static SectionDef,
    data: crate::api::cases::SectionView,
    save: Submission<SaveCaseSection>,
    error: Signal<Option<UiError>>,
) -> impl IntoView {
    let ui = use_ui();
    let mut entries = data.section.entries.clone();
    // A repeated section offers one blank entry to add; a single one always has its form.
    if def.repeated || entries.is_empty() {
        entries.push(Entry::new());
    }
    let saved =
        move || {
            save.succeeded().get().then(|| view! {
        <div class="alert alert-success" role="status" id="section-saved">{ui.t("cases.section_saved")}</div>
    })
        };
    let history = data
        .history
        .iter()
        .map(|h| {
            let fields = h.fields.iter().map(|f| ui.t(&def.field_key(f))).collect::<Vec<_>>().join(", ");
            let at = ui.date_time(&h.changed_at);
            view! { <li>{format!("v{} · {at} · {} — {fields}", h.version, h.changed_by_name)}</li> }
        })
        .collect_view();
    view! {
        <h1 class="h2 mb-4" id="section-title">{ui.t(&def.label_key())}</h1>
        {saved}
        <ErrorAlert error/>
        <SaveForm action=save attr:id="section-form">
            <input type="hidden" name="id" value=case_id.to_string()/>
            <input type="hidden" name="section" value=def.code/>
            <input type="hidden" name="version" value=data.section.version.to_string()/>
            {entries.into_iter().enumerate().map(|(i, entry)| entry_fields(def, i, entry, error)).collect_view()}
            <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
        </SaveForm>
        <h2 class="h4 mt-5">{ui.t("cases.history")}</h2>
        <ul id="section-history">{history}</ul>
    }
}

fn entry_fields(def: &'static SectionDef, i: usize, entry: Entry, error: Signal<Option<UiError>>) -> impl IntoView {
    let ui = use_ui();
    let legend = if def.repeated {
        if entry.is_empty() {
            ui.t("cases.new_entry")
        } else {
            ui.tf("cases.entry", &[("n", &(i + 1).to_string())])
        }
    } else {
        ui.t(&def.label_key())
    };
    let remove = (def.repeated && !entry.is_empty()).then(|| {
        let id = format!("e{i}-remove");
        view! {
            <div class="form-check mb-3">
                <input class="form-check-input" type="checkbox" id=id.clone() name=format!("entries[{i}][_remove]")/>
                <label class="form-check-label" for=id>{ui.t("cases.remove_entry")}</label>
            </div>
        }
    });
    view! {
        <fieldset class="mb-4 border-bottom pb-2">
            <legend class="h5">{legend}</legend>
            <div class="row">
                {def.fields.iter().map(|f| {
                    let id = format!("e{i}-{}", f.name);
                    let name = format!("entries[{i}][{}]", f.name);
                    let key = format!("entries.{i}.{}", f.name);
                    let message_id = format!("{id}-error");
                    let value = entry.get(f.name).cloned().unwrap_or_default();
                    let message = {
                        let key = key.clone();
                        move || error.get().and_then(|e| e.field(&key))
                    };
                    let invalid = { let message = message.clone(); move || message().is_some().to_string() };
                    let label = ui.t(&def.field_key(f.name));
                    let input = match f.kind {
                        FieldKind::Notes => view! {
                            <textarea id=id.clone() name=name class="form-control" rows="3" maxlength="4000"
                                aria-invalid=invalid aria-describedby=message_id.clone()>{value}</textarea>
                        }.into_any(),
                        FieldKind::Code(list, codes) => view! {
                            <select id=id.clone() name=name class="form-select" aria-invalid=invalid aria-describedby=message_id.clone()>
                                <option value="">{ui.t("common.choose")}</option>
                                {codes.iter().map(|c| view! {
                                    <option value=*c selected=value == *c>{ui.t(&code_key(list, c))}</option>
                                }).collect_view()}
                            </select>
                        }.into_any(),
                        kind => {
                            let (input_type, mode) = match kind {
                                FieldKind::Date { .. } => ("date", None),
                                FieldKind::Count => ("number", Some("numeric")),
                                FieldKind::Money => ("text", Some("decimal")),
                                _ => ("text", None),
                            };
                            view! {
                                <input type=input_type id=id.clone() name=name class="form-control" value=value inputmode=mode
                                    min=(kind == FieldKind::Count).then_some("0") max=(kind == FieldKind::Count).then_some("99")
                                    maxlength=(kind == FieldKind::Text).then_some("200")
                                    aria-invalid=invalid aria-describedby=message_id.clone()/>
                            }.into_any()
                        }
                    };
                    let wide = matches!(f.kind, FieldKind::Notes);
                    view! {
                        <div class=if wide { "form-group mb-3 col-12" } else { "form-group mb-3 col-md-6" }>
                            <label for=id class="active">{label}</label>
                            {input}
                            {move || message().map(|m| view! { <div class="invalid-feedback d-block" id=message_id.clone()>{m}</div> })}
                        </div>
                    }
                }).collect_view()}
            </div>
            {remove}
        </fieldset>
    }
}

/// `/cases/:id/audit`: who did what to the case and its person (tenant admins).
#[component]
pub fn CaseAudit() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok()).unwrap_or_default();
    let trail = Resource::new(id, case_audit);
    view! {
        <SignedIn>
            <p><a href=move || format!("/cases/{}", id())>{move || ui.t("cases.back_to_case")}</a></p>
            <h1 class="h2 mb-3">{move || ui.t("cases.audit")}</h1>
            <p>{move || ui.t("cases.audit_intro")}</p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match trail.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(entries) => view! {
                            <Scrolls label="cases.audit"><table class="table table-sm" id="audit-trail">
                                    <caption class="visually-hidden">{ui.t("cases.audit")}</caption>
                                    <thead><tr>
                                        <th scope="col">"#"</th>
                                        <th scope="col">{ui.t("cases.audit_when")}</th>
                                        <th scope="col">{ui.t("cases.audit_who")}</th>
                                        <th scope="col">{ui.t("cases.audit_what")}</th>
                                        <th scope="col">{ui.t("cases.audit_where")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {entries.into_iter().map(|e| {
                                            let place = match &e.section {
                                                Some(s) if section(s).is_some() => ui.t(&format!("case.section.{s}")),
                                                Some(s) => ui.t(&format!("cases.audit_part.{s}")),
                                                None => ui.t(&format!("cases.audit_object.{}", e.object)),
                                            };
                                            view! {
                                                <tr>
                                                    <td>{e.seq}</td>
                                                    <td>{ui.date_time(&e.at)}</td>
                                                    <td>{e.user_name}</td>
                                                    <td>{ui.t(&format!("cases.audit_action.{}", e.action))}</td>
                                                    <td>{place}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </Scrolls>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}
