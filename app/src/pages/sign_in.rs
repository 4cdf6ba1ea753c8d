//! Sign-in: email and password, then the second factor where the role needs one. Errors
//! never say whether the account exists.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use types::Lang;

use super::{ErrorAlert, Field, Public};
use crate::api::session::{SignIn as SignInFn, TotpEnrolment, VerifyTotp};
use crate::islands::{island_ui, SaveForm, Submission};
use crate::{use_ui, Ui};

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

/// The password, then, for the roles that need one, the second factor: a code of the
/// authenticator app (enrolled here on the first sign-in, with recovery codes shown once).
#[island]
fn SignInForm(lang: Lang) -> impl IntoView {
    let ui = island_ui(lang);
    let action = Submission::<SignInFn>::new();
    let error = action.error();
    let value = action.value();
    // Signed in with the password alone: home.
    Effect::new(move |_| {
        if let Some(Ok(None)) = value.get() {
            let _ = window().location().assign("/");
        }
    });
    let step = move || value.get().and_then(Result::ok).flatten();
    view! {
        <Show when=move || step().is_none() fallback=move || view! { <SecondStep ui enrol=step().is_some_and(|s| s.enrol)/> }>
            <ErrorAlert error/>
            <SaveForm action>
                <Field id="email" name="email" label="field.email" kind="email" error required=true maxlength=254 autocomplete="username"/>
                <Field id="password" name="password" label="field.password" kind="password" error required=true maxlength=200 autocomplete="current-password"/>
                <button type="submit" class="btn btn-primary" id="sign-in-submit" disabled=move || action.pending().get()>
                    {ui.t("sign_in.submit")}
                </button>
            </SaveForm>
        </Show>
    }
}

/// The second step of signing in.
#[component]
fn SecondStep(ui: Ui, enrol: bool) -> impl IntoView {
    let verify = Submission::<VerifyTotp>::new();
    let error = verify.error();
    let enrolment = Submission::<TotpEnrolment>::new();
    if enrol {
        Effect::new(move |_| enrolment.post(&[]));
    }
    let done = verify.value();
    // Signed in; after an enrolment the recovery codes are shown first.
    Effect::new(move |_| {
        if done.get().is_some_and(|r| r.is_ok_and(|codes| codes.is_empty())) {
            let _ = window().location().assign("/");
        }
    });
    let codes = move || done.get().and_then(Result::ok).filter(|c| !c.is_empty());
    view! {
        <h2 class="h4" id="totp-title">{ui.t("sign_in.totp_title")}</h2>
        <Show when=move || codes().is_none() fallback=move || view! {
            <h3 class="h5 mt-4">{ui.t("sign_in.recovery_title")}</h3>
            <p>{ui.t("sign_in.recovery_intro")}</p>
            <ul class="list-unstyled" id="recovery-codes">
                {codes().unwrap_or_default().into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
            <a class="btn btn-primary" href="/" id="recovery-continue">{ui.t("sign_in.continue")}</a>
        }>
            {if enrol {
                view! {
                    <p id="totp-enrol">{ui.t("sign_in.totp_enrol")}</p>
                    <ErrorAlert error=enrolment.error()/>
                    {move || enrolment.value().get().and_then(Result::ok).map(|e| {
                        let grouped = e.secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
                        view! {
                            // Drawn by this server from the account's own secret.
                            <div class="mb-3" style="max-width: 220px" inner_html=e.qr_svg></div>
                            <p>{ui.t("sign_in.totp_secret")} ": " <code id="totp-secret">{grouped}</code></p>
                            <p class="mb-4"><a href=e.otpauth_uri>{ui.t("sign_in.totp_open_app")}</a></p>
                        }
                    })}
                }.into_any()
            } else {
                view! { <p>{ui.t("sign_in.totp_intro")}</p> }.into_any()
            }}
            <ErrorAlert error/>
            <SaveForm action=verify>
                <Field id="totp-code" name="code" label="sign_in.totp_code" error required=true maxlength=20 autocomplete="one-time-code"/>
                <button type="submit" class="btn btn-primary" id="totp-submit" disabled=move || verify.pending().get()>
                    {ui.t("sign_in.totp_submit")}
                </button>
            </SaveForm>
        </Show>
    }
}
