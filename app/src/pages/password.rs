//! Passwords: change your own; set one with a one-time token.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{action_error, ErrorAlert, Field, FieldMessage, Public, SignedIn};
use crate::api::session::{ChangePassword as ChangePasswordFn, ResetPassword as ResetPasswordFn};
use crate::use_ui;

#[component]
pub fn ChangePassword() -> impl IntoView {
    let ui = use_ui();
    let action = ServerAction::<ChangePasswordFn>::new();
    let error = action_error(action);
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t("password.change_title")}</h1>
            <ErrorAlert error/>
            <Show when=done>
                <div class="alert alert-success" role="status">{move || ui.t("password.changed")}</div>
            </Show>
            <ActionForm action>
                <Field id="current_password" name="current_password" label="field.current_password" kind="password" error required=true autocomplete="current-password"/>
                <Field id="new_password" name="new_password" label="field.new_password" kind="password" error required=true minlength=10 maxlength=200 autocomplete="new-password"/>
                <button type="submit" class="btn btn-primary">{move || ui.t("action.save")}</button>
            </ActionForm>
        </SignedIn>
    }
}

#[component]
pub fn ResetPassword() -> impl IntoView {
    let ui = use_ui();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<ResetPasswordFn>::new();
    let error = action_error(action);
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Public>
        <h1 class="h2 mb-4">{move || ui.t("password.reset_title")}</h1>
        <ErrorAlert error/>
        <FieldMessage error field="token"/>
        <Show when=done fallback=move || view! {
            <ActionForm action>
                <input type="hidden" name="token" prop:value=token/>
                <Field id="new_password" name="new_password" label="field.new_password" kind="password" error required=true minlength=10 maxlength=200 autocomplete="new-password"/>
                <button type="submit" class="btn btn-primary">{move || ui.t("action.save")}</button>
            </ActionForm>
        }>
            <div class="alert alert-success" role="status">
                {move || ui.t("password.reset_done")} " " <a href="/sign-in">{move || ui.t("sign_in.title")}</a>
            </div>
        </Show>
        </Public>
    }
}
