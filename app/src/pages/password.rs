//! Passwords: change your own; set one with a one-time token.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use types::Lang;

use super::{ErrorAlert, Field, FieldMessage, Public, SignedIn};
use crate::api::session::{ChangePassword as ChangePasswordFn, ResetPassword as ResetPasswordFn};
use crate::islands::{island_ui, SaveForm, Submission};
use crate::use_ui;

#[component]
pub fn ChangePassword() -> impl IntoView {
    let ui = use_ui();
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t("password.change_title")}</h1>
            <ChangePasswordForm lang=ui.lang()/>
        </SignedIn>
    }
}

#[island]
fn ChangePasswordForm(lang: Lang) -> impl IntoView {
    let ui = island_ui(lang);
    let action = Submission::<ChangePasswordFn>::new();
    let error = action.error();
    let done = move || action.succeeded().get();
    view! {
        <ErrorAlert error/>
        <Show when=done>
            <div class="alert alert-success" role="status">{ui.t("password.changed")}</div>
        </Show>
        <SaveForm action>
            <Field id="current_password" name="current_password" label="field.current_password" kind="password" error required=true autocomplete="current-password"/>
            <Field id="new_password" name="new_password" label="field.new_password" kind="password" error required=true minlength=10 maxlength=200 autocomplete="new-password"/>
            <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
        </SaveForm>
    }
}

#[component]
pub fn ResetPassword() -> impl IntoView {
    let ui = use_ui();
    let query = use_query_map();
    let token = query.read_untracked().get("token").unwrap_or_default();
    view! {
        <Public>
        <h1 class="h2 mb-4">{move || ui.t("password.reset_title")}</h1>
        <ResetPasswordForm lang=ui.lang() token=token.clone()/>
        </Public>
    }
}

#[island]
fn ResetPasswordForm(lang: Lang, token: String) -> impl IntoView {
    let ui = island_ui(lang);
    let action = Submission::<ResetPasswordFn>::new();
    let error = action.error();
    let done = move || action.succeeded().get();
    let token = StoredValue::new(token);
    view! {
        <ErrorAlert error/>
        <FieldMessage error field="token"/>
        <Show when=done fallback=move || view! {
            <SaveForm action>
                <input type="hidden" name="token" value=token.get_value()/>
                <Field id="new_password" name="new_password" label="field.new_password" kind="password" error required=true minlength=10 maxlength=200 autocomplete="new-password"/>
                <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
            </SaveForm>
        }>
            <div class="alert alert-success" role="status">
                {ui.t("password.reset_done")} " " <a href="/sign-in">{ui.t("sign_in.title")}</a>
            </div>
        </Show>
    }
}
