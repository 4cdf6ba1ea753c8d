//! One file per page, plus the small pieces pages share.

pub mod districts;
pub mod home;
pub mod password;
pub mod settings;
pub mod sign_in;
pub mod tenants;
pub mod users;

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::UiError;
use crate::use_ui;

#[component]
pub fn NotFound() -> impl IntoView {
    let ui = use_ui();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Public>
            <h1>{move || ui.t("page.not_found.title")}</h1>
            <p><a href="/">{move || ui.t("nav.home")}</a></p>
        </Public>
    }
}

/// Renders `children` for a signed-in user; sends anyone else to the sign-in page.
#[component]
pub fn SignedIn(children: ChildrenFn) -> impl IntoView {
    let ui = use_ui();
    view! {
        <Transition fallback=|| ()>
            {
                let children = children.clone();
                // Redirect only once the session is known to be absent, not while loading.
                move || match ui.signed_in() {
                    Some(true) => children().into_any(),
                    Some(false) => view! { <Redirect path="/sign-in"/> }.into_any(),
                    None => ().into_any(),
                }
            }
        </Transition>
    }
}

/// A page anyone may see; waits for the session so it renders in the user's language.
#[component]
pub fn Public(children: ChildrenFn) -> impl IntoView {
    view! { <Transition fallback=|| ()>{children()}</Transition> }
}

/// The general message of a failed action, as an alert.
#[component]
pub fn ErrorAlert(error: Signal<Option<UiError>>) -> impl IntoView {
    let ui = use_ui();
    move || {
        error.get().map(|e| {
            view! { <div class="alert alert-danger" role="alert">{e.message(ui.lang())}</div> }
        })
    }
}

/// The message for one field of a failed action, tied to its input by id.
#[component]
pub fn FieldMessage(error: Signal<Option<UiError>>, field: &'static str) -> impl IntoView {
    move || {
        error.get().and_then(|e| e.field(field)).map(|msg| {
            view! { <div class="invalid-feedback d-block" id=format!("{field}-error")>{msg}</div> }
        })
    }
}

/// The error of an action's last result, if it failed.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<UiError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = UiError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}
