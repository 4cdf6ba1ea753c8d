//! Passwords: change your own; set one with a one-time token.

use leptos::prelude::*;
use types::Lang;

use super::{ErrorAlert, Field, FieldMessage, Public, SignedIn};
use crate::api::session::{
    ChangePassword as ChangePasswordFn, RequestPasswordReset as RequestPasswordResetFn,
    ResetPassword as ResetPasswordFn,
};
use crate::islands::{island_ui, After, FormError, Post, PostForm, SaveForm, Submission, Then};
use crate::use_ui;

#[component]
pub fn ChangePassword() -> impl IntoView {
    let ui = use_ui();
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t("password.change_title")}</h1>
            {change_password_form()}
        </SignedIn>
    }
}

fn change_password_form() -> impl IntoView {
    let ui = use_ui();
    let then = After::say(ui.t("password.changed"));
    view! {
        <PostForm to={Post::to::<ChangePasswordFn>()} then>
            <FormError lang=ui.lang()/>
            <Field id="current_password" name="current_password" label="field.current_password" kind="password" required=true autocomplete="current-password"/>
            <Field id="new_password" name="new_password" label="field.new_password" kind="password" required=true minlength=10 maxlength=200 autocomplete="new-password"/>
            <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
        </PostForm>
    }
}

#[component]
pub fn ResetPassword() -> impl IntoView {
    let ui = use_ui();
    view! {
        <Public>
        <h1 class="h2 mb-4">{move || ui.t("password.reset_title")}</h1>
        <ResetPasswordForm lang=ui.lang()/>
        </Public>
    }
}

/// "I forgot my password": the link goes by e-mail; the page says the same whether or not
/// the address has an account.
#[component]
pub fn ForgotPassword() -> impl IntoView {
    let ui = use_ui();
    view! {
        <Public>
        <div class="row justify-content-center">
            <div class="col-12 col-md-8 col-lg-5">
                <h1 class="h2 mb-4">{move || ui.t("password.forgot_title")}</h1>
                <p>{move || ui.t("password.forgot_intro")}</p>
                {forgot_password_form()}
            </div>
        </div>
        </Public>
    }
}

fn forgot_password_form() -> impl IntoView {
    let ui = use_ui();
    let then = After::Say { text: ui.t("password.forgot_sent"), id: Some("forgot-sent".into()), form: Then::Hide };
    view! {
        <PostForm to={Post::to::<RequestPasswordResetFn>()} then>
            <FormError lang=ui.lang()/>
            <Field id="email" name="email" label="field.email" kind="email" required=true maxlength=254 autocomplete="username"/>
            <button type="submit" class="btn btn-primary" id="forgot-submit">{ui.t("password.forgot_send")}</button>
        </PostForm>
    }
}

/// The link's token travels in its fragment (`/reset-password#token=…`), which the browser
/// never sends to the server, to a proxy's log or in a `Referer`: the island reads it, puts
/// it in the form and takes it off the address bar and the history.
#[island]
fn ResetPasswordForm(lang: Lang) -> impl IntoView {
    let ui = island_ui(lang);
    let action = Submission::<ResetPasswordFn>::new();
    let error = action.error();
    let done = move || action.succeeded().get();
    let token = RwSignal::new(String::new());
    Effect::new(move |_| token.set(take_fragment_token()));
    view! {
        <ErrorAlert error/>
        <FieldMessage error field="token"/>
        <Show when=done fallback=move || view! {
            <SaveForm action>
                <input type="hidden" name="token" prop:value=move || token.get()/>
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

/// The `token` of the page's fragment, removed from the address bar (in the browser only).
pub(super) fn take_fragment_token() -> String {
    #[cfg(feature = "hydrate")]
    {
        let window = leptos::prelude::window();
        let hash = window.location().hash().unwrap_or_default();
        let token = hash.trim_start_matches('#').split('&').find_map(|kv| kv.strip_prefix("token=")).unwrap_or("");
        if !token.is_empty() {
            if let (Ok(history), Ok(path)) = (window.history(), window.location().pathname()) {
                let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
            }
        }
        token.to_string()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}
