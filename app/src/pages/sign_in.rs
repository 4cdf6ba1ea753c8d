//! Sign-in: email and password. Errors never say whether the account exists.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_navigate;

use super::{action_error, ErrorAlert, Field, Public};
use crate::api::session::SignIn as SignInFn;
use crate::use_ui;

#[component]
pub fn SignIn() -> impl IntoView {
    let ui = use_ui();
    let action = ServerAction::<SignInFn>::new();
    let error = action_error(action);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            ui.reload();
            navigate("/", Default::default());
        }
    });
    view! {
        <Public>
        {move || ui.session().map(|_| view! { <Redirect path="/"/> })}
        <div class="row justify-content-center">
            <div class="col-12 col-md-8 col-lg-5">
                <h1 class="h2 mb-4">{move || ui.t("sign_in.title")}</h1>
                <ErrorAlert error/>
                <ActionForm action>
                    <Field id="email" name="email" label="field.email" kind="email" error required=true maxlength=254 autocomplete="username"/>
                    <Field id="password" name="password" label="field.password" kind="password" error required=true maxlength=200 autocomplete="current-password"/>
                    <button type="submit" class="btn btn-primary" id="sign-in-submit" disabled=move || action.pending().get()>
                        {move || ui.t("sign_in.submit")}
                    </button>
                </ActionForm>
                <p class="mt-4 small text-muted">{move || ui.t("sign_in.forgot")}</p>
            </div>
        </div>
        </Public>
    }
}
