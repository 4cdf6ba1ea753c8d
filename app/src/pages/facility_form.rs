//! Create or edit a facility (tenant and province admins). A plain form: it works
//! before the page is interactive, and every rejected field keeps what was typed.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use types::directory::{accreditation_key, area_key, setting_key, StaffFacilityOut, ACCREDITATIONS, AREAS, SETTINGS};

use serde::{Deserialize, Serialize};
use types::Lang;

use super::{ErrorAlert, FieldMessage, SignedIn};
use crate::api::directory::{facility_choices, facility_detail, facility_types, FacilityFormOptions, SaveFacility};
use crate::islands::{island_ui, SaveForm, Submission};
use crate::use_ui;

#[component]
pub fn FacilityEditor() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let current = Resource::new(id, |id| async move {
        match id {
            Some(id) => facility_detail(id).await.map(|d| Some(d.facility)),
            None => Ok(None),
        }
    });
    let types = Resource::new(|| (), |_| facility_types());
    let choices = Resource::new(id, facility_choices);
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t(if id().is_some() { "facilities.edit" } else { "facilities.new" })}</h1>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let types = types.await.unwrap_or_default();
                    let mut choices = choices.await.unwrap_or_default();
                    match current.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(f) => {
                            let values = starting_values(f, &mut choices);
                            view! { <FacilityForm lang=ui.lang() id=id() values types choices/> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// What the form starts from: the entry as it is, or a new one in the tenant's own
/// comune. The entry's own organisation and district join `choices` if missing.
fn starting_values(f: Option<StaffFacilityOut>, choices: &mut FacilityFormOptions) -> Values {
    let ui = use_ui();
    let f = f.map(|f| f.facility);
    // The entry's own organisation and district are always among the choices, so a
    // save never drops them (even if the lists could not be loaded).
    if let Some(o) = f.as_ref().and_then(|f| f.organization.clone()) {
        if !choices.organizations.iter().any(|x| x.id == o.id) {
            choices.organizations.insert(0, o);
        }
    }
    if let Some(d) = f.as_ref().and_then(|f| f.district.clone()) {
        if !choices.districts.iter().any(|x| x.id == d.id) {
            choices.districts.insert(0, types::dto::DistrictOut { id: d.id, name: d.name, code: None });
        }
    }
    let get =
        |pick: fn(&types::directory::FacilityOut) -> Option<String>| f.as_ref().and_then(pick).unwrap_or_default();
    let num = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    let dec = |n: Option<f64>| n.map(|n| n.to_string()).unwrap_or_default();
    // A new entry starts in the tenant's own comune.
    let own_comune = ui.session().and_then(|s| s.current).and_then(|m| m.tenant.istat_code).unwrap_or_default();
    let places = f.as_ref().map(|f| f.places.clone()).unwrap_or_default();
    Values {
        name: get(|f| Some(f.name.clone())),
        facility_type: get(|f| Some(f.facility_type.code.clone())),
        setting: get(|f| Some(f.setting.clone())),
        areas: f.as_ref().map(|f| f.areas.clone()).unwrap_or_default(),
        description: get(|f| f.description.clone()),
        eligibility: get(|f| f.eligibility.clone()),
        age_min: num(f.as_ref().and_then(|f| f.age_min)),
        age_max: num(f.as_ref().and_then(|f| f.age_max)),
        languages: get(|f| Some(f.languages.join(", "))),
        how_to_access: get(|f| f.how_to_access.clone()),
        fees: get(|f| f.fees.clone()),
        hours: f.as_ref().map(|f| f.hours.to_text(ui.lang())).unwrap_or_default(),
        phone: get(|f| f.phone.clone()),
        email: get(|f| f.email.clone()),
        website: get(|f| f.website.clone()),
        accessibility: get(|f| f.accessibility.clone()),
        address: get(|f| Some(f.address.clone())),
        postal_code: get(|f| f.postal_code.clone()),
        comune: f.as_ref().map(|f| f.comune.istat_code.clone()).unwrap_or(own_comune),
        latitude: dec(f.as_ref().and_then(|f| f.latitude)),
        longitude: dec(f.as_ref().and_then(|f| f.longitude)),
        places_authorised: num(places.authorised),
        places_accredited: num(places.accredited),
        places_free: num(places.free),
        accreditation: get(|f| f.accreditation.clone()),
        accreditation_act: get(|f| f.accreditation_act.clone()),
        organization_id: f.as_ref().and_then(|f| f.organization.as_ref()).map(|o| o.id.0),
        district_id: f.as_ref().and_then(|f| f.district.as_ref()).map(|d| d.id.0),
    }
}

#[island]
fn FacilityForm(
    lang: Lang,
    id: Option<i64>,
    values: Values,
    types: Vec<types::directory::FacilityTypeOut>,
    choices: FacilityFormOptions,
) -> impl IntoView {
    let ui = island_ui(lang);
    let save = Submission::<SaveFacility>::new();
    let error = save.error();
    let v = values;
    let invalid = move |field: &'static str| move || error.get().and_then(|e| e.field(field)).is_some().to_string();
    let input =
        move |field: &'static str, label: &'static str, kind: &'static str, value: String, class: &'static str| {
            let id = format!("form-{field}");
            view! {
                <div class=format!("form-group mb-4 {class}")>
                    <label for=id.clone() class="active">{ui.t(label)}</label>
                    <input type=kind id=id.clone() name=format!("form[{field}]") class="form-control" value=value
                        aria-invalid=invalid(field) aria-describedby=format!("{field}-error")/>
                    <FieldMessage error field/>
                </div>
            }
        };
    let area_text = move |field: &'static str, label: &'static str, value: String| {
        let id = format!("form-{field}");
        view! {
            <div class="form-group mb-4">
                <label for=id.clone() class="active">{ui.t(label)}</label>
                <textarea id=id.clone() name=format!("form[{field}]") class="form-control" rows="3"
                    aria-invalid=invalid(field) aria-describedby=format!("{field}-error")>{value}</textarea>
                <FieldMessage error field/>
            </div>
        }
    };
    view! {
        {move || save.value().get().and_then(Result::ok).map(|f| view! {
            <div class="alert alert-success" role="status">
                {ui.t("facilities.saved")} " "
                <a href=format!("/facilities/{}", f.facility.id)>{f.facility.name.clone()}</a>
            </div>
        })}
        <ErrorAlert error/>
        <SaveForm action=save>
            {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string()/> })}
            <div class="row">
                {input("name", "field.name", "text", v.name.clone(), "col-md-6")}
                <div class="form-group mb-4 col-md-3">
                    <label for="form-facility_type" class="active">{ui.t("field.facility_type")}</label>
                    <select id="form-facility_type" name="form[facility_type]" class="form-select"
                        aria-invalid=invalid("facility_type") aria-describedby="facility_type-error">
                        {types.clone().into_iter().map(|t| {
                            let selected = t.code == v.facility_type;
                            view! { <option value=t.code.clone() selected=selected>{t.label}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessage error field="facility_type"/>
                </div>
                <div class="form-group mb-4 col-md-3">
                    <label for="form-setting" class="active">{ui.t("field.setting")}</label>
                    <select id="form-setting" name="form[setting]" class="form-select">
                        {SETTINGS.iter().map(|s| view! {
                            <option value=*s selected=v.setting == *s>{ui.t(&setting_key(s))}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="row">
                <div class="form-group mb-4 col-md-8">
                    <label for="form-organization_id" class="active">{ui.t("field.organization")}</label>
                    <select id="form-organization_id" name="form[organization_id]" class="form-select"
                        aria-invalid=invalid("organization_id") aria-describedby="organization_id-help organization_id-error">
                        <option value="">"–"</option>
                        {choices.organizations.iter().map(|o| view! {
                            <option value=o.id.0.to_string() selected=v.organization_id == Some(o.id.0)>{o.name.clone()}</option>
                        }).collect_view()}
                    </select>
                    <small class="form-text" id="organization_id-help">
                        <a href="/organizations">{ui.t("facilities.manage_organizations")}</a>
                    </small>
                    <FieldMessage error field="organization_id"/>
                </div>
                <div class="form-group mb-4 col-md-4">
                    <label for="form-district_id" class="active">{ui.t("field.district")}</label>
                    <select id="form-district_id" name="form[district_id]" class="form-select"
                        aria-invalid=invalid("district_id") aria-describedby="district_id-error">
                        <option value="">"–"</option>
                        {choices.districts.iter().map(|d| view! {
                            <option value=d.id.0.to_string() selected=v.district_id == Some(d.id.0)>{d.name.clone()}</option>
                        }).collect_view()}
                    </select>
                    <FieldMessage error field="district_id"/>
                </div>
            </div>
            <fieldset class="mb-4" aria-describedby="areas-error">
                <legend class="h6">{ui.t("field.area")}</legend>
                {AREAS.iter().map(|a| {
                    let id = format!("form-area-{a}");
                    view! {
                        <div class="form-check form-check-inline">
                            <input type="checkbox" id=id.clone() name=format!("form[areas][{a}]") value="on" checked=v.areas.iter().any(|x| x == a)/>
                            <label for=id>{ui.t(&area_key(a))}</label>
                        </div>
                    }
                }).collect_view()}
                <FieldMessage error field="areas"/>
            </fieldset>
            {area_text("description", "field.description", v.description.clone())}
            {area_text("eligibility", "field.eligibility", v.eligibility.clone())}
            <div class="row">
                {input("age_min", "field.age_min", "number", v.age_min.clone(), "col-md-3")}
                {input("age_max", "field.age_max", "number", v.age_max.clone(), "col-md-3")}
                {input("languages", "field.languages", "text", v.languages.clone(), "col-md-6")}
            </div>
            {area_text("how_to_access", "field.how_to_access", v.how_to_access.clone())}
            {area_text("fees", "field.fees", v.fees.clone())}
            <div class="form-group mb-4">
                <label for="form-hours" class="active">{ui.t("field.hours")}</label>
                <textarea id="form-hours" name="form[hours]" class="form-control" rows="4"
                    aria-invalid=invalid("hours") aria-describedby="hours-help hours-error">{v.hours.clone()}</textarea>
                <small class="form-text" id="hours-help">{ui.t("my_facility.hours_help")}</small>
                <FieldMessage error field="hours"/>
            </div>
            <div class="row">
                {input("phone", "field.phone", "tel", v.phone.clone(), "col-md-4")}
                {input("email", "field.email", "email", v.email.clone(), "col-md-4")}
                {input("website", "field.website", "url", v.website.clone(), "col-md-4")}
            </div>
            {area_text("accessibility", "field.accessibility", v.accessibility.clone())}
            <div class="row">
                {input("address", "field.address", "text", v.address.clone(), "col-md-6")}
                {input("postal_code", "field.postal_code", "text", v.postal_code.clone(), "col-md-2")}
                {input("comune", "field.comune_istat", "text", v.comune.clone(), "col-md-4")}
            </div>
            <div class="row">
                {input("latitude", "field.latitude", "text", v.latitude.clone(), "col-md-6")}
                {input("longitude", "field.longitude", "text", v.longitude.clone(), "col-md-6")}
            </div>
            <div class="row">
                {input("places_authorised", "field.places_authorised", "number", v.places_authorised.clone(), "col-md-4")}
                {input("places_accredited", "field.places_accredited", "number", v.places_accredited.clone(), "col-md-4")}
                {input("places_free", "field.places_free", "number", v.places_free.clone(), "col-md-4")}
            </div>
            <div class="row">
                <div class="form-group mb-4 col-md-4">
                    <label for="form-accreditation" class="active">{ui.t("field.accreditation")}</label>
                    <select id="form-accreditation" name="form[accreditation]" class="form-select">
                        <option value="">"–"</option>
                        {ACCREDITATIONS.iter().map(|a| view! {
                            <option value=*a selected=v.accreditation == *a>{ui.t(&accreditation_key(a))}</option>
                        }).collect_view()}
                    </select>
                </div>
                {input("accreditation_act", "field.accreditation_act", "text", v.accreditation_act.clone(), "col-md-8")}
            </div>
            <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
        </SaveForm>
    }
}

/// The form's initial values as text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Values {
    name: String,
    facility_type: String,
    setting: String,
    areas: Vec<String>,
    description: String,
    eligibility: String,
    age_min: String,
    age_max: String,
    languages: String,
    how_to_access: String,
    fees: String,
    hours: String,
    phone: String,
    email: String,
    website: String,
    accessibility: String,
    address: String,
    postal_code: String,
    comune: String,
    latitude: String,
    longitude: String,
    places_authorised: String,
    places_accredited: String,
    places_free: String,
    accreditation: String,
    accreditation_act: String,
    organization_id: Option<i64>,
    district_id: Option<i64>,
}
