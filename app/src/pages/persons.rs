//! Persons of the case record: a search (by name words or codice fiscale, sent in the
//! request body, never in the URL) and the person's form. A possible duplicate is shown as
//! a warning with a box to confirm that this is someone else; an edit made on an old copy
//! is refused with the reason. Every look is in the audit log.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use types::contacts::{code_key, CITIZENSHIPS};
use types::persons::PersonOut;
use types::Lang;

use super::{refusal_message_of, refused, ErrorAlert, Field, FieldMessage, Scrolls, SignedIn};
use crate::api::contacts::{contact_detail, contact_form_options};
use crate::api::persons::{
    person_detail, person_household, AddHouseholdMember, RemoveHouseholdMember, SavePerson, SearchPersons,
};
use crate::islands::{island_ui, FormError, Post, PostForm, SaveForm, ShownOnConflict, Submission};
use crate::use_ui;

#[component]
pub fn Persons() -> impl IntoView {
    let ui = use_ui();
    view! {
        <SignedIn>
            <div class="d-flex justify-content-between align-items-center mb-3 flex-wrap gap-2">
                <h1 class="h2 m-0">{move || ui.t("persons.title")}</h1>
                <a class="btn btn-primary" href="/persons/new">{move || ui.t("persons.new")}</a>
            </div>
            <PersonSearch lang=ui.lang()/>
        </SignedIn>
    }
}

/// The search form and what it finds (a POST: what is typed stays out of URLs).
#[island]
fn PersonSearch(lang: Lang) -> impl IntoView {
    let ui = island_ui(lang);
    let search = Submission::<SearchPersons>::new();
    view! {
            <SaveForm action=search attr:id="person-search" attr:role="search" attr:class="row g-3 mb-4">
                <div class="col-md-8 form-group">
                    <label for="p-q" class="active">{ui.t("persons.q")}</label>
                    <input type="search" id="p-q" name="q" class="form-control" autocomplete="off" required/>
                </div>
                <div class="col-md-4 d-flex align-items-end">
                    <button type="submit" class="btn btn-outline-primary">{ui.t("action.search")}</button>
                </div>
            </SaveForm>
            {move || search.value().get().map(|answer| match answer {
                Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                Ok(page) if page.items.is_empty() => view! { <p role="status">{ui.t("persons.none")}</p> }.into_any(),
                Ok(page) => view! {
                    <p role="status">{ui.tn("persons.count", page.total as i64)}</p>
                    <Scrolls label="persons.title"><table class="table" id="persons">
                        <caption class="visually-hidden">{ui.t("persons.title")}</caption>
                        <thead><tr>
                            <th scope="col">{ui.t("field.person_name")}</th>
                            <th scope="col">{ui.t("field.tax_code")}</th>
                            <th scope="col">{ui.t("field.birth_date")}</th>
                        </tr></thead>
                        <tbody>{page.items.into_iter().map(row).collect_view()}</tbody>
                    </table></Scrolls>
                }.into_any(),
            })}
    }
}

fn row(p: PersonOut) -> impl IntoView {
    let ui = use_ui();
    let code = match p.tax_code {
        Some(code) => view! { <span>{code}</span> }.into_any(),
        None => view! { <span class="badge bg-warning text-dark">{ui.t("persons.missing_tax_code")}</span> }.into_any(),
    };
    view! {
        <tr>
            <td><a href=format!("/persons/{}", p.id)>{format!("{} {}", p.last_name, p.first_name)}</a></td>
            <td>{code}</td>
            <td>{p.birth_date.as_deref().map(|d| ui.date(d)).unwrap_or_default()}</td>
        </tr>
    }
}

/// `/persons/new` and `/persons/:id`; `?contact=…` comes from a front-desk contact: the
/// new person starts from what the contact recorded, and the case opened next is linked
/// to it.
#[component]
pub fn PersonEditor() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let contact_id = use_query_map().read_untracked().get("contact").and_then(|c| c.parse::<i64>().ok());
    let contact = Resource::new(
        move || contact_id,
        |id| async move {
            match id {
                Some(id) => contact_detail(id).await.ok(),
                None => None,
            }
        },
    );
    let districts =
        Resource::new(|| (), |_| async move { contact_form_options().await.map(|o| o.districts).unwrap_or_default() });
    let household = Resource::new(id, |id| async move {
        match id {
            Some(id) => person_household(id).await.map(Some),
            None => Ok(None),
        }
    });
    // The person's cases (those the worker may open).
    let cases = Resource::new(id, |id| async move {
        match id {
            Some(id) => {
                crate::api::cases::search_cases(None, None, None, None, Some(id), None, None).await.map(|p| p.items)
            }
            None => Ok(vec![]),
        }
    });
    let current = Resource::new(id, |id| async move {
        match id {
            Some(id) => person_detail(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <SignedIn>
            <p><a href="/persons">{move || ui.t("persons.back")}</a></p>
            <h1 class="h2 mb-4">{move || ui.t(if id().is_some() { "persons.edit" } else { "persons.new" })}</h1>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(person) => {
                            let contact = contact.await;
                            // The next step: the case, with the contact's area.
                            let case_from = contact.as_ref().map(|c| format!("&contact={}&area={}", c.id, c.area)).unwrap_or_default();
                            let prefill = if person.is_none() { contact } else { None };
                            let districts = districts.await;
                            view! { <PersonForm lang=ui.lang() id=id() person prefill districts case_from/> }.into_any()
                        }
                    }
                })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let cases = cases.await.unwrap_or_default();
                    (!cases.is_empty()).then(|| view! {
                        <section class="mt-5" id="person-cases">
                            <h2 class="h4">{ui.t("cases.of_person")}</h2>
                            <ul class="list-group">
                                {cases.into_iter().map(|c| view! {
                                    <li class="list-group-item">
                                        <a href=format!("/cases/{}", c.id)>{ui.t(&types::directory::area_key(&c.area))}</a>
                                        {format!(" · {} · {}", ui.date(&c.opened_on), ui.t(&types::cases::code_key("status", &c.status)))}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })
                })}
            </Suspense>
            {move || {
                let admin = ui.session().and_then(|s| s.current).is_some_and(|m| m.role == types::Role::TenantAdmin);
                id().filter(|_| admin).map(|person| view! { <super::subject_rights::SubjectRights person/> })
            }}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let members = household.await.ok().flatten()?;
                    Some(household_view(id()?, members))
                })}
            </Suspense>
        </SignedIn>
    }
}

fn household_view(person: i64, members: Vec<types::persons::HouseholdMemberOut>) -> impl IntoView {
    use types::persons::relationship_key;
    let ui = use_ui();
    let list = if members.is_empty() {
        view! { <p>{ui.t("household.none")}</p> }.into_any()
    } else {
        view! {
            <ul class="list-group mb-3" id="household">
                {members.into_iter().map(|m| {
                    let living = if m.cohabiting { ui.t("household.cohabiting") } else { ui.t("household.not_cohabiting") };
                    let name = m.name.clone();
                    view! {
                        <li class="list-group-item d-flex justify-content-between align-items-center flex-wrap gap-2">
                            <span>
                                <a href=format!("/persons/{}", m.member_id)>{m.name.clone()}</a>
                                {format!(" · {} · {living}", ui.t(&relationship_key(&m.relationship)))}
                            </span>
                            {remove_household_form(person, m.member_id.0, name)}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }.into_any()
    };
    view! {
        <section class="mt-5" id="household-section">
            <h2 class="h4">{ui.t("household.title")}</h2>
            {list}
            {add_household_form(person)}
        </section>
    }
}

fn remove_household_form(person: i64, member: i64, name: String) -> impl IntoView {
    let ui = use_ui();
    let label = format!("{} — {}", ui.t("household.remove"), name);
    view! {
        <PostForm to={Post::to::<RemoveHouseholdMember>()}>
            <FormError lang=ui.lang()/>
            <input type="hidden" name="id" value=person.to_string()/>
            <input type="hidden" name="member_id" value=member.to_string()/>
            <button type="submit" class="btn btn-sm btn-outline-danger" aria-label=label>{ui.t("action.remove")}</button>
        </PostForm>
    }
}

/// A new person, recorded and added to `person`'s household in one go.
fn add_household_form(person: i64) -> impl IntoView {
    use types::persons::{relationship_key, RELATIONSHIPS};
    let ui = use_ui();
    view! {
            <details>
                <summary class="h6">{ui.t("household.add")}</summary>
                <PostForm to={Post::to::<AddHouseholdMember>()} id="household-form">
                    <FormError lang=ui.lang()/>
                    <input type="hidden" name="id" value=person.to_string()/>
                    <div class="row">
                        <Field id="hm-last_name" name="last_name" label="field.last_name" required=true maxlength=80 class="col-md-6"/>
                        <Field id="hm-first_name" name="first_name" label="field.first_name" required=true maxlength=80 class="col-md-6"/>
                        <Field id="hm-tax_code" name="tax_code" label="field.tax_code" maxlength=16 class="col-md-4"/>
                        <Field id="hm-birth_date" name="birth_date" label="field.birth_date" kind="date" class="col-md-4"/>
                        <div class="form-group mb-4 col-md-4">
                            <label for="hm-sex" class="active">{ui.t("field.sex")}</label>
                            <select id="hm-sex" name="sex" class="form-select">
                                <option value="">{ui.t("contact.gender.not_stated")}</option>
                                <option value="F">{ui.t("contact.gender.female")}</option>
                                <option value="M">{ui.t("contact.gender.male")}</option>
                            </select>
                        </div>
                        <div class="form-group mb-4 col-md-6">
                            <label for="hm-relationship" class="active">{ui.t("household.relationship")}</label>
                            <select id="hm-relationship" name="relationship" class="form-select" aria-describedby="relationship-error"
                                aria-invalid=refused("relationship")>
                                <option value="">{ui.t("common.choose")}</option>
                                {RELATIONSHIPS.iter().map(|r| view! { <option value=*r>{ui.t(&relationship_key(r))}</option> }).collect_view()}
                            </select>
                            {refusal_message_of("relationship", "hm-relationship")}
                        </div>
                        <div class="col-md-6 d-flex align-items-center">
                            <div class="form-check">
                                <input class="form-check-input" type="checkbox" id="hm-cohabiting" name="cohabiting" checked=true/>
                                <label class="form-check-label" for="hm-cohabiting">{ui.t("household.cohabiting")}</label>
                            </div>
                        </div>
                    </div>
                    <ShownOnConflict>
                        <div class="form-check mb-4">
                            <input class="form-check-input" type="checkbox" id="hm-confirm" name="confirm_duplicate"/>
                            <label class="form-check-label" for="hm-confirm">{ui.t("persons.confirm_duplicate")}</label>
                        </div>
                    </ShownOnConflict>
                    <button type="submit" class="btn btn-outline-primary">{ui.t("household.add")}</button>
                </PostForm>
            </details>
    }
}

/// The person's form; `case_from` is what the next step, opening a case, carries from a
/// front-desk contact (`&contact=…&area=…`).
#[island]
fn PersonForm(
    lang: Lang,
    id: Option<i64>,
    person: Option<PersonOut>,
    prefill: Option<types::contacts::ContactOut>,
    districts: Vec<types::dto::DistrictOut>,
    case_from: String,
) -> impl IntoView {
    let ui = island_ui(lang);
    let save = Submission::<SavePerson>::new();
    let error = save.error();
    // A new person refused as a conflict is a possible duplicate (an edit's conflict is a
    // stale version, said by the error itself).
    let duplicate = move || id.is_none() && error.get().is_some_and(|e| e.0.code == types::ErrorCode::Conflict);
    let open_case = move |person: i64| format!("/cases/new?person={person}{case_from}");
    let p = person;
    let text = |pick: fn(&PersonOut) -> Option<String>| p.as_ref().and_then(pick).unwrap_or_default();
    // A contact gives sex, citizenship, country and district to start from.
    let from_contact = |pick: fn(&types::contacts::ContactOut) -> Option<String>| prefill.as_ref().and_then(pick);
    let sex = p
        .as_ref()
        .and_then(|p| p.sex.clone())
        .or_else(|| {
            from_contact(|c| match c.gender.as_str() {
                "female" => Some("F".into()),
                "male" => Some("M".into()),
                _ => None,
            })
        })
        .unwrap_or_default();
    let citizenship = p
        .as_ref()
        .map(|p| p.citizenship.clone())
        .or_else(|| from_contact(|c| Some(c.citizenship.clone())))
        .unwrap_or_else(|| "italian".into());
    let district = p.as_ref().and_then(|p| p.district_id).or_else(|| prefill.as_ref().and_then(|c| c.district_id));
    // The saved copy's version is what the next edit starts from.
    let version = RwSignal::new(p.as_ref().map(|p| p.version));
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            version.set(Some(saved.version));
        }
    });
    let (last_name, first_name) = (text(|p| Some(p.last_name.clone())), text(|p| Some(p.first_name.clone())));
    let (tax_code, birth_date, birth_place) =
        (text(|p| p.tax_code.clone()), text(|p| p.birth_date.clone()), text(|p| p.birth_place.clone()));
    let country =
        p.as_ref().and_then(|p| p.country.clone()).or_else(|| from_contact(|c| c.country.clone())).unwrap_or_default();
    let address = text(|p| p.address.clone());
    let (phone, email) = (text(|p| p.phone.clone()), text(|p| p.email.clone()));
    let open_case_now = open_case.clone();
    view! {
        {move || save.value().get().and_then(Result::ok).map(|p| view! {
            <div class="alert alert-success" role="status" id="person-saved">
                {ui.t("persons.saved")} " "
                <a href=format!("/persons/{}", p.id)>{format!("{} {}", p.last_name, p.first_name)}</a>
                " · " <a href=open_case(p.id.0) id="open-case">{ui.t("cases.new")}</a>
            </div>
        })}
        {move || id.filter(|_| save.value().get().is_none()).map(|pid| view! {
            <p><a class="btn btn-outline-primary" href=open_case_now(pid) id="open-case">{ui.t("cases.new")}</a></p>
        })}
        <ErrorAlert error/>
        <SaveForm action=save attr:id="person-form">
            {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string()/> })}
            {version.get_untracked().is_some().then(|| view! {
                <input type="hidden" name="version" prop:value=move || version.get().map(|v| v.to_string()).unwrap_or_default()/>
            })}
            <div class="row">
                <Field id="last_name" name="last_name" label="field.last_name" error required=true maxlength=80 class="col-md-6"
                    value=last_name/>
                <Field id="first_name" name="first_name" label="field.first_name" error required=true maxlength=80 class="col-md-6"
                    value=first_name/>
            </div>
            <div class="row">
                <Field id="tax_code" name="tax_code" label="field.tax_code" error maxlength=16 class="col-md-4"
                    value=tax_code/>
                <Field id="birth_date" name="birth_date" label="field.birth_date" kind="date" error class="col-md-4"
                    value=birth_date/>
                <Field id="birth_place" name="birth_place" label="field.birth_place" error maxlength=80 class="col-md-4"
                    value=birth_place/>
            </div>
            <div class="row">
                <div class="form-group mb-4 col-md-4">
                    <label for="sex" class="active">{ui.t("field.sex")}</label>
                    <select id="sex" name="sex" class="form-select" aria-describedby="sex-error">
                        <option value="">{ui.t("contact.gender.not_stated")}</option>
                        <option value="F" selected=sex == "F">{ui.t("contact.gender.female")}</option>
                        <option value="M" selected=sex == "M">{ui.t("contact.gender.male")}</option>
                    </select>
                    <FieldMessage error field="sex"/>
                </div>
                <div class="form-group mb-4 col-md-4">
                    <label for="citizenship" class="active">{ui.t("field.citizenship")}</label>
                    <select id="citizenship" name="citizenship" class="form-select" aria-describedby="citizenship-error">
                        {CITIZENSHIPS.iter().map(|c| view! {
                            <option value=*c selected=citizenship == *c>{ui.t(&code_key("citizenship", c))}</option>
                        }).collect_view()}
                    </select>
                    <FieldMessage error field="citizenship"/>
                </div>
                <Field id="country" name="country" label="field.country" error maxlength=60 class="col-md-4"
                    value=country/>
            </div>
            <div class="row">
                <Field id="address" name="address" label="field.address" error maxlength=200 class="col-md-6"
                    value=address/>
                {(!districts.is_empty()).then(|| view! {
                    <div class="form-group mb-4 col-md-6">
                        <label for="district_id" class="active">{ui.t("field.district")}</label>
                        <select id="district_id" name="district_id" class="form-select" aria-describedby="district_id-error">
                            <option value="">{ui.t("common.choose")}</option>
                            {districts.iter().map(|d| view! {
                                <option value=d.id.to_string() selected=district == Some(d.id)>{d.name.clone()}</option>
                            }).collect_view()}
                        </select>
                        <FieldMessage error field="district_id"/>
                    </div>
                })}
            </div>
            <div class="row">
                <Field id="phone" name="phone" label="field.phone" kind="tel" error maxlength=40 class="col-md-3"
                    value=phone/>
                <Field id="email" name="email" label="field.email" kind="email" error maxlength=254 class="col-md-3"
                    value=email/>
            </div>
            <Show when=duplicate>
                <div class="form-check mb-4">
                    <input class="form-check-input" type="checkbox" id="confirm_duplicate" name="confirm_duplicate"/>
                    <label class="form-check-label" for="confirm_duplicate">{ui.t("persons.confirm_duplicate")}</label>
                </div>
            </Show>
            <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
        </SaveForm>
    }
}
