//! The staff web app: Leptos components rendered on the server and hydrated in the
//! browser (`frontend`), with server functions in `api`. Pages live in `pages`, one file
//! each; `layout` holds the Bootstrap Italia header and the page frame. Every text goes
//! through `Ui::t` and the catalogues in `types/locales`.

#![recursion_limit = "512"]

pub mod api;
mod layout;
mod pages;
#[cfg(feature = "ssr")]
pub mod session;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use types::Lang;

use crate::api::SessionView;

/// The HTML document around the app (server side).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="it">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/assets/bootstrap-italia/css/bootstrap-italia.min.css"/>
                <link rel="stylesheet" href="/assets/app.css"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// What every component can read: the session view and a way to reload it.
#[derive(Clone, Copy)]
pub struct Ui {
    view: Signal<Option<SessionView>>,
    refresh: RwSignal<u32>,
}

impl Ui {
    pub fn lang(&self) -> Lang {
        self.view.get().map(|v| v.lang).unwrap_or_default()
    }

    /// The text of `key` in the current language.
    pub fn t(&self, key: &str) -> String {
        types::i18n::t(self.lang(), key)
    }

    pub fn session(&self) -> Option<types::dto::SessionOut> {
        self.view.get().and_then(|v| v.session)
    }

    /// Reloads the session (after sign-in, tenant or language change).
    pub fn reload(&self) {
        self.refresh.update(|n| *n += 1);
    }
}

pub fn use_ui() -> Ui {
    expect_context::<Ui>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let refresh = RwSignal::new(0u32);
    let session = Resource::new(move || refresh.get(), |_| api::get_session());
    let view = Signal::derive(move || session.get().and_then(Result::ok));
    provide_context(Ui { view, refresh });

    view! {
        <Title text="OpenWelfare"/>
        <Router>
            <Transition fallback=|| ()>
                <layout::Layout>
                    <Routes fallback=pages::NotFound>
                        <Route path=path!("/") view=pages::home::Home ssr=SsrMode::Async/>
                        <Route path=path!("/sign-in") view=pages::sign_in::SignIn ssr=SsrMode::Async/>
                        <Route path=path!("/reset-password") view=pages::password::ResetPassword ssr=SsrMode::Async/>
                        <Route path=path!("/password") view=pages::password::ChangePassword ssr=SsrMode::Async/>
                        <Route path=path!("/districts") view=pages::districts::Districts ssr=SsrMode::Async/>
                        <Route path=path!("/users") view=pages::users::Users ssr=SsrMode::Async/>
                        <Route path=path!("/tenants") view=pages::tenants::Tenants ssr=SsrMode::Async/>
                    </Routes>
                </layout::Layout>
            </Transition>
        </Router>
    }
}
