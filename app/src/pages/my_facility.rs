//! The facility manager's page: free places, hours, contacts and description of the one
//! facility they keep — nothing else. Built for a phone: one column, big inputs, the
//! numeric keypad for places. Saving, even unchanged, confirms the entry.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use types::directory::StaffFacilityOut;

use super::{refusal_message, refused, SignedIn};
use crate::api::directory::{my_facility, UpdateMyFacility};
use crate::islands::{After, FormError, Post, PostForm};
use crate::use_ui;

#[component]
pub fn MyFacility() -> impl IntoView {
    let ui = use_ui();
    let facility = Resource::new(|| (), |_| my_facility());
    let query = use_query_map();
    let saved = move || query.read_untracked().get("saved").is_some();
    view! {
        <SignedIn>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match facility.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(f) => my_facility_form(f, saved()).into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// The entry and its form; after a save, the page again, with the entry as saved and a
/// thank-you (`?saved`).
fn my_facility_form(facility: StaffFacilityOut, saved: bool) -> impl IntoView {
    let ui = use_ui();
    let p = facility.facility;
    let verified = p.verified_at.as_deref().map(|v| ui.date_time(v)).unwrap_or_else(|| ui.t("facilities.never"));
    let hours_text = p.hours.to_text(ui.lang());
    view! {
        <h1 class="h3">{p.name.clone()}</h1>
        <p class="text-muted">{format!("{}, {}", p.address, p.comune.name)}</p>
        <p id="verified-at">{ui.t("facilities.verified_at")} ": " {verified}</p>
        {saved.then(|| view! {
            <div class="alert alert-success" role="status">{ui.t("my_facility.saved")}</div>
        })}
        <PostForm to={Post::to::<UpdateMyFacility>()} then=After::Go("/my-facility?saved".into())>
            <FormError lang=ui.lang()/>
            <div class="form-group mb-4">
                <label for="places_free" class="active">{ui.t("field.places_free")}</label>
                <input type="number" id="places_free" name="places_free" class="form-control" min="0" inputmode="numeric"
                    value=p.places.free.map(|n| n.to_string()).unwrap_or_default()
                    aria-invalid=refused("places_free") aria-describedby="places_free-error"/>
                <small class="form-text">{p.places.authorised.map(|a| ui.tf("my_facility.of_authorised", &[("n", &a.to_string())]))}</small>
                {refusal_message("places_free")}
            </div>
            <div class="form-group mb-4">
                <label for="hours" class="active">{ui.t("field.hours")}</label>
                <textarea id="hours" name="hours" class="form-control" rows="5"
                    aria-invalid=refused("hours") aria-describedby="hours-help hours-error">{hours_text}</textarea>
                <small class="form-text" id="hours-help">{ui.t("my_facility.hours_help")}</small>
                {refusal_message("hours")}
            </div>
            <div class="form-group mb-4">
                <label for="phone" class="active">{ui.t("field.phone")}</label>
                <input type="tel" id="phone" name="phone" class="form-control" autocomplete="tel" maxlength="40"
                    value=p.phone.clone().unwrap_or_default() aria-invalid=refused("phone") aria-describedby="phone-error"/>
                {refusal_message("phone")}
            </div>
            <div class="form-group mb-4">
                <label for="email" class="active">{ui.t("field.email")}</label>
                <input type="email" id="email" name="email" class="form-control" maxlength="254"
                    value=p.email.clone().unwrap_or_default() aria-invalid=refused("email") aria-describedby="email-error"/>
                {refusal_message("email")}
            </div>
            <div class="form-group mb-4">
                <label for="website" class="active">{ui.t("field.website")}</label>
                <input type="url" id="website" name="website" class="form-control" maxlength="300"
                    value=p.website.clone().unwrap_or_default() aria-invalid=refused("website") aria-describedby="website-error"/>
                {refusal_message("website")}
            </div>
            <div class="form-group mb-4">
                <label for="description" class="active">{ui.t("field.description")}</label>
                <textarea id="description" name="description" class="form-control" rows="5" maxlength="4000"
                    aria-invalid=refused("description") aria-describedby="description-error">{p.description.clone().unwrap_or_default()}</textarea>
                {refusal_message("description")}
            </div>
            <button type="submit" class="btn btn-primary w-100">{ui.t("my_facility.save")}</button>
        </PostForm>
    }
}
