//! The facility manager's page: free places, hours, contacts and description of the one
//! facility they keep — nothing else. Built for a phone: one column, big inputs, the
//! numeric keypad for places. Saving, even unchanged, confirms the entry.

use leptos::prelude::*;
use types::directory::StaffFacilityOut;
use types::Lang;

use super::{ErrorAlert, FieldMessage, SignedIn};
use crate::api::directory::{my_facility, UpdateMyFacility};
use crate::islands::{island_ui, SaveForm, Submission};
use crate::use_ui;

#[component]
pub fn MyFacility() -> impl IntoView {
    let ui = use_ui();
    let facility = Resource::new(|| (), |_| my_facility());
    view! {
        <SignedIn>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match facility.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(f) => view! { <MyFacilityForm lang=ui.lang() facility=f/> }.into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// The entry and its form; after a save, the entry as saved.
#[island]
fn MyFacilityForm(lang: Lang, facility: StaffFacilityOut) -> impl IntoView {
    let ui = island_ui(lang);
    let save = Submission::<UpdateMyFacility>::new();
    let error = save.error();
    let invalid = move |field: &'static str| move || error.get().and_then(|e| e.field(field)).is_some().to_string();
    let saved = move || save.value().get().and_then(Result::ok);
    let p = facility.facility;
    let verified_at = p.verified_at.clone();
    let verified = move || {
        saved()
            .and_then(|f| f.facility.verified_at)
            .or_else(|| verified_at.clone())
            .map(|v| v.replace('T', " ").chars().take(16).collect::<String>())
            .unwrap_or_else(|| ui.t("facilities.never"))
    };
    let hours_text = p.hours.to_text(lang);
    view! {
        <h1 class="h3">{p.name.clone()}</h1>
        <p class="text-muted">{format!("{}, {}", p.address, p.comune.name)}</p>
        <p id="verified-at">{ui.t("facilities.verified_at")} ": " {verified}</p>
        {move || saved().map(|_| view! {
            <div class="alert alert-success" role="status">{ui.t("my_facility.saved")}</div>
        })}
        <ErrorAlert error/>
        <SaveForm action=save>
            <div class="form-group mb-4">
                <label for="places_free" class="active">{ui.t("field.places_free")}</label>
                <input type="number" id="places_free" name="places_free" class="form-control" min="0" inputmode="numeric"
                    value=p.places.free.map(|n| n.to_string()).unwrap_or_default()
                    aria-invalid=invalid("places_free") aria-describedby="places_free-error"/>
                <small class="form-text">{p.places.authorised.map(|a| ui.tf("my_facility.of_authorised", &[("n", &a.to_string())]))}</small>
                <FieldMessage error field="places_free"/>
            </div>
            <div class="form-group mb-4">
                <label for="hours" class="active">{ui.t("field.hours")}</label>
                <textarea id="hours" name="hours" class="form-control" rows="5"
                    aria-invalid=invalid("hours") aria-describedby="hours-help hours-error">{hours_text}</textarea>
                <small class="form-text" id="hours-help">{ui.t("my_facility.hours_help")}</small>
                <FieldMessage error field="hours"/>
            </div>
            <div class="form-group mb-4">
                <label for="phone" class="active">{ui.t("field.phone")}</label>
                <input type="tel" id="phone" name="phone" class="form-control" autocomplete="tel" maxlength="40"
                    value=p.phone.clone().unwrap_or_default() aria-invalid=invalid("phone") aria-describedby="phone-error"/>
                <FieldMessage error field="phone"/>
            </div>
            <div class="form-group mb-4">
                <label for="email" class="active">{ui.t("field.email")}</label>
                <input type="email" id="email" name="email" class="form-control" maxlength="254"
                    value=p.email.clone().unwrap_or_default() aria-invalid=invalid("email") aria-describedby="email-error"/>
                <FieldMessage error field="email"/>
            </div>
            <div class="form-group mb-4">
                <label for="website" class="active">{ui.t("field.website")}</label>
                <input type="url" id="website" name="website" class="form-control" maxlength="300"
                    value=p.website.clone().unwrap_or_default() aria-invalid=invalid("website") aria-describedby="website-error"/>
                <FieldMessage error field="website"/>
            </div>
            <div class="form-group mb-4">
                <label for="description" class="active">{ui.t("field.description")}</label>
                <textarea id="description" name="description" class="form-control" rows="5" maxlength="4000"
                    aria-invalid=invalid("description") aria-describedby="description-error">{p.description.clone().unwrap_or_default()}</textarea>
                <FieldMessage error field="description"/>
            </div>
            <button type="submit" class="btn btn-primary w-100">{ui.t("my_facility.save")}</button>
        </SaveForm>
    }
}
