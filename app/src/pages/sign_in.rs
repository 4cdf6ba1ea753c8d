//! Sign-in: email and password. Errors never say whether the account exists.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_navigate;

use super::{action_error, ErrorAlert, FieldMessage, Public};
use crate::api::SignIn as SignInFn;
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
                    <div class="form-group mb-4">
                        <label for="email" class="active">{move || ui.t("field.email")}</label>
                        <input type="email" id="email" name="email" class="form-control" autocomplete="username" required maxlength="254"/>
                        <FieldMessage error field="email"/>
                    </div>
                    <div class="form-group mb-4">
                        <label for="password" class="active">{move || ui.t("field.password")}</label>
                        <input type="password" id="password" name="password" class="form-control" autocomplete="current-password" required maxlength="200"/>
                        <FieldMessage error field="password"/>
                    </div>
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
