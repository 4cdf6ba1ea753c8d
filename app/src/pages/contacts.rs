//! The front desk (sportello sociale): a form to log a contact in a few clicks — today,
//! in person and the tenant's choices preselected where one is the usual answer, every
//! choice a radio or a select so the keyboard and a phone both serve — and the log of
//! contacts, filtered by period, channel and area.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use types::contacts::{code_key, ContactOut, AGE_BANDS, CHANNELS, CITIZENSHIPS, GENDERS, OUTCOMES, REQUEST_TYPES};
use types::directory::{area_key, AREAS};
use types::Role;

use super::{filter_query, paged, refusal_message, refused, ListTexts, Scrolls, SignedIn};
use crate::api::contacts::{contact_form_options, list_contacts, LogContact};
use crate::islands::{After, FieldError, FormError, Post, PostForm, Then};
use crate::use_ui;

/// The label of an age band (`65+` → "65+ anni").
fn age_band_label(band: &str) -> String {
    let ui = use_ui();
    if band == "unknown" {
        ui.t(&code_key("age_band", band))
    } else {
        types::i18n::tf(ui.lang(), "contact.age_band.years", &[("band", band)])
    }
}

#[component]
pub fn Contacts() -> impl IntoView {
    let ui = use_ui();
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.trim().is_empty());
    let page = move || get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).max(1);
    let list = Resource::new(
        move || (get("from"), get("to"), get("channel"), get("area"), page()),
        |(from, to, channel, area, page)| list_contacts(from, to, channel, area, page),
    );
    view! {
        <SignedIn>
            <div class="d-flex justify-content-between align-items-center mb-3 flex-wrap gap-2">
                <h1 class="h2 m-0">{move || ui.t("contacts.title")}</h1>
                <a class="btn btn-primary" href="/contacts/new">{move || ui.t("contacts.new")}</a>
            </div>
            <p>{move || ui.t("contacts.intro")}</p>
            <form method="get" action="/contacts" class="row g-3 mb-4" role="search" aria-label=move || ui.t("contacts.title")>
                <div class="col-sm-6 col-lg-3 form-group">
                    <label for="c-from" class="active">{move || ui.t("contacts.from")}</label>
                    <input type="date" id="c-from" name="from" class="form-control" value=move || get("from").unwrap_or_default()/>
                </div>
                <div class="col-sm-6 col-lg-3 form-group">
                    <label for="c-to" class="active">{move || ui.t("contacts.to")}</label>
                    <input type="date" id="c-to" name="to" class="form-control" value=move || get("to").unwrap_or_default()/>
                </div>
                <div class="col-sm-6 col-lg-2 form-group">
                    <label for="c-channel" class="active">{move || ui.t("field.channel")}</label>
                    <select id="c-channel" name="channel" class="form-select">
                        <option value="">{move || ui.t("common.all")}</option>
                        {CHANNELS.iter().map(|c| view! {
                            <option value=*c selected=move || get("channel").as_deref() == Some(*c)>{move || ui.t(&code_key("channel", c))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="col-sm-6 col-lg-2 form-group">
                    <label for="c-area" class="active">{move || ui.t("field.area")}</label>
                    <select id="c-area" name="area" class="form-select">
                        <option value="">{move || ui.t("common.all")}</option>
                        {AREAS.iter().map(|a| view! {
                            <option value=*a selected=move || get("area").as_deref() == Some(*a)>{move || ui.t(&area_key(a))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="col-lg-2 d-flex align-items-end">
                    <button type="submit" class="btn btn-outline-primary">{move || ui.t("action.search")}</button>
                </div>
            </form>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let texts = ListTexts { none: Some("contacts.none"), count: Some("contacts.count") };
                    let filter = filter_query(&["from", "to", "channel", "area"], get);
                    paged(list.await, texts, "/contacts", filter, |items| view! {
                                <Scrolls label="contacts.title"><table class="table" id="contacts">
                                        <caption class="visually-hidden">{ui.t("contacts.title")}</caption>
                                        <thead><tr>
                                            <th scope="col">{ui.t("field.contacted_on")}</th>
                                            <th scope="col">{ui.t("field.channel")}</th>
                                            <th scope="col">{ui.t("field.area")}</th>
                                            <th scope="col">{ui.t("field.request_type")}</th>
                                            <th scope="col">{ui.t("field.age_band")}</th>
                                            <th scope="col">{ui.t("field.outcome")}</th>
                                            <th scope="col">{ui.t("contacts.recorded_by")}</th>
                                        </tr></thead>
                                        <tbody>{items.into_iter().map(row).collect_view()}</tbody>
                                    </table>
                                </Scrolls>
                    }.into_any())
                })}
            </Suspense>
        </SignedIn>
    }
}

fn row(c: ContactOut) -> impl IntoView {
    let ui = use_ui();
    let district = c.district_name.map(|d| format!(" · {d}")).unwrap_or_default();
    // Social workers and admins can take the person in charge from here, pre-filled.
    let may_open =
        ui.session().and_then(|s| s.current).is_some_and(|m| matches!(m.role, Role::TenantAdmin | Role::SocialWorker));
    let open = (may_open && c.person_id.is_none()).then(|| {
        view! {
            <br/><a href=format!("/persons/new?contact={}", c.id)>{ui.t("cases.open_from_contact")}</a>
        }
    });
    view! {
        <tr>
            <td>{ui.date(&c.contacted_on)}</td>
            <td>{ui.t(&code_key("channel", &c.channel))}</td>
            <td>{ui.t(&area_key(&c.area))}{district}</td>
            <td>{ui.t(&code_key("request_type", &c.request_type))}</td>
            <td>{age_band_label(&c.age_band)}</td>
            <td>{ui.t(&code_key("outcome", &c.outcome))}{open}</td>
            <td>{c.recorded_by_name}</td>
        </tr>
    }
}

/// A group of radio buttons for one code list, in a fieldset with its legend.
#[component]
fn Radios(
    name: &'static str,
    legend: &'static str,
    list: &'static [&'static str],
    #[prop(optional)] checked: Option<&'static str>,
) -> impl IntoView {
    let ui = use_ui();
    let message_id = format!("{name}-error");
    view! {
        <fieldset class="mb-4" aria-describedby=message_id.clone()>
            <legend class="h6 fw-semibold">{move || ui.t(legend)}</legend>
            <div class="d-flex flex-wrap gap-3">
                {list.iter().map(|code| {
                    let id = format!("{name}-{code}");
                    view! {
                        <div class="form-check form-check-inline m-0">
                            <input class="form-check-input" type="radio" name=name id=id.clone() value=*code checked=checked == Some(*code)/>
                            <label class="form-check-label" for=id>{move || ui.t(&code_key(name, code))}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
            <FieldError field=name.to_string() id=format!("{name}-error")/>
        </fieldset>
    }
}

/// A labelled select of one code list, with a first empty choice.
#[component]
fn CodeSelect(name: &'static str, label: &'static str, options: Vec<(String, String)>) -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="form-group mb-4">
            <label for=name class="active">{move || ui.t(label)}</label>
            <select id=name name=name class="form-select" aria-invalid=refused(name) aria-describedby=format!("{name}-error")>
                <option value="">{move || ui.t("common.choose")}</option>
                {options.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
            </select>
            {refusal_message(name)}
        </div>
    }
}

#[component]
pub fn ContactForm() -> impl IntoView {
    let ui = use_ui();
    let form_options = Resource::new(|| (), |_| contact_form_options());
    view! {
        <SignedIn>
            <p><a href="/contacts">{move || ui.t("contacts.back")}</a></p>
            <h1 class="h2 mb-3">{move || ui.t("contacts.new")}</h1>
            <p>{move || ui.t("contacts.intro")}</p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match form_options.await {
                    Ok(o) => {
                        let districts = o.districts.into_iter().map(|d| (d.id.0.to_string(), d.name)).collect();
                        contact_log_form(o.today, districts).into_any()
                    }
                    Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                }
            })}
            </Suspense>
        </SignedIn>
    }
}

/// The contact form, starting from `today`; `districts` by id and name.
/// After each contact saved (not after a refusal, which keeps the answers) the form goes
/// back to its defaults for the next one.
fn contact_log_form(today: String, districts: Vec<(String, String)>) -> impl IntoView {
    let ui = use_ui();
    let options = move |list: &'static [&'static str], key: fn(&str) -> String| {
        list.iter().map(|c| (c.to_string(), ui.t(&key(c)))).collect::<Vec<_>>()
    };
    let then = After::Say { text: ui.t("contacts.saved"), id: Some("contact-saved".into()), form: Then::Reset };
    view! {
        <PostForm to={Post::to::<LogContact>()} then id="contact-form">
            <FormError lang=ui.lang()/>
            <div class="row">
                <div class="col-md-4 form-group mb-4">
                    <label for="contacted_on" class="active">{ui.t("field.contacted_on")}</label>
                    <input type="date" id="contacted_on" name="contacted_on" class="form-control" value=today.clone() max=today
                        aria-describedby="contacted_on-error" aria-invalid=refused("contacted_on")/>
                    {refusal_message("contacted_on")}
                </div>
                <div class="col-md-8">
                    <Radios name="channel" legend="field.channel" list=&CHANNELS checked="in_person"/>
                </div>
            </div>
            <div class="row">
                <div class="col-md-6">
                    <CodeSelect name="area" label="field.area" options=options(&AREAS, area_key)/>
                </div>
                <div class="col-md-6">
                    <CodeSelect name="request_type" label="field.request_type"
                        options=options(&REQUEST_TYPES, |c| code_key("request_type", c))/>
                </div>
            </div>
            <div class="row">
                <div class="col-md-4">
                    <CodeSelect name="age_band" label="field.age_band"
                        options=AGE_BANDS.iter().map(|b| (b.to_string(), age_band_label(b))).collect()/>
                </div>
                <div class="col-md-8">
                    <Radios name="gender" legend="field.gender" list=&GENDERS/>
                </div>
            </div>
            <div class="row">
                <div class="col-md-6">
                    <Radios name="citizenship" legend="field.citizenship" list=&CITIZENSHIPS checked="italian"/>
                </div>
                <div class="col-md-6 form-group mb-4">
                    <label for="country" class="active">{ui.t("field.country")}</label>
                    <input type="text" id="country" name="country" class="form-control" maxlength="60"
                        autocomplete="off" aria-describedby="country-error" aria-invalid=refused("country")/>
                    {refusal_message("country")}
                </div>
            </div>
            <div class="row">
                <div class="col-md-6">
                    <CodeSelect name="outcome" label="field.outcome"
                        options=options(&OUTCOMES, |c| code_key("outcome", c))/>
                </div>
                <div class="col-md-6">
                    {(!districts.is_empty()).then(|| view! {
                        <CodeSelect name="district_id" label="field.district" options=districts/>
                    })}
                </div>
            </div>
            <button type="submit" class="btn btn-primary">{ui.t("contacts.save_and_new")}</button>
        </PostForm>
    }
}
