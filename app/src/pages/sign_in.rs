//! Sign-in: email and password. Errors never say whether the account exists.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use types::Lang;

use super::{ErrorAlert, Field, Public};
use crate::api::session::SignIn as SignInFn;
use crate::islands::{go_after, island_ui, SaveForm, Submission};
use crate::use_ui;

#[component]
pub fn SignIn() -> impl IntoView {
    let ui = use_ui();
    view! {
        <Public>
        {move || ui.session().map(|_| view! { <Redirect path="/"/> })}
        <div class="row justify-content-center">
            <div class="col-12 col-md-8 col-lg-5">
                <h1 class="h2 mb-4">{move || ui.t("sign_in.title")}</h1>
                <SignInForm lang=ui.lang()/>
                <p class="mt-4"><a href="/forgot-password" id="forgot-password">{move || ui.t("sign_in.forgot")}</a></p>
            </div>
        </div>
        </Public>
    }
}

#[island]
fn SignInForm(lang: Lang) -> impl IntoView {
    let ui = island_ui(lang);
    let action = Submission::<SignInFn>::new();
    let error = action.error();
    go_after(action, |_| "/".to_string());
    view! {
        <ErrorAlert error/>
        <SaveForm action>
            <Field id="email" name="email" label="field.email" kind="email" error required=true maxlength=254 autocomplete="username"/>
            <Field id="password" name="password" label="field.password" kind="password" error required=true maxlength=200 autocomplete="current-password"/>
            <button type="submit" class="btn btn-primary" id="sign-in-submit" disabled=move || action.pending().get()>
                {ui.t("sign_in.submit")}
            </button>
        </SaveForm>
    }
}
