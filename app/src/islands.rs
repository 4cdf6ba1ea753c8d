//! What the islands share. The server renders every page; in the browser only the
//! `#[island]` components — forms, buttons, the header's switches — come alive, each on
//! its own (Leptos islands). An island sees none of the page's context, so it takes what it
//! shows as props (its language first, `island_ui`), and after a successful save it loads
//! the page again, which the server renders with the new data (`reload_after`, `go_after`).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use types::Lang;

use crate::api::session::SessionView;
use crate::api::UiError;
use crate::Ui;

/// The `Ui` of an island, in `lang`, provided to what it renders.
pub fn island_ui(lang: Lang) -> Ui {
    let ui = Ui::fixed(SessionView { session: None, lang });
    provide_context(ui);
    ui
}

/// After `action` succeeds, the page is loaded again.
pub fn reload_after<I, O>(action: ServerAction<I>)
where
    I: ServerFn<Output = O, Error = UiError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action.value().get().is_some_and(|r| r.is_ok()) {
            let _ = window().location().reload();
        }
    });
}

/// After `action` succeeds, the browser goes to `to(output)`.
pub fn go_after<I, O>(action: ServerAction<I>, to: impl Fn(&O) -> String + 'static)
where
    I: ServerFn<Output = O, Error = UiError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(out)) = action.value().get() {
            let _ = window().location().assign(&to(&out));
        }
    });
}

/// The app's `ActionForm`: a form that posts to `action`'s server function, so it works
/// before the page is interactive, and once it is dispatches the action instead. Only the
/// reading of the fields is particular to each server function; the form itself is built
/// by one function (`posting_form`), so the app's many forms do not each carry their own
/// copy of it in the browser's bundle.
#[component]
pub fn SaveForm<I>(
    action: ServerAction<I>,
    /// The `<form>` element, for a caller that resets it.
    #[prop(optional)]
    node_ref: Option<NodeRef<leptos::html::Form>>,
    children: Children,
) -> impl IntoView
where
    I: serde::de::DeserializeOwned + ServerFn + Clone + Send + Sync + 'static,
    I::Output: Send + Sync + 'static,
    I::Error: Send + Sync + 'static,
{
    use leptos::form::FromFormData;
    let dispatch = move |ev: &leptos::web_sys::SubmitEvent| match I::from_event(ev) {
        Ok(input) => {
            action.dispatch(input);
            true
        }
        Err(_) => false,
    };
    posting_form(I::url(), Box::new(dispatch), node_ref.unwrap_or_default(), children)
}

/// A `<form>` posting to `url`; submitting it calls `dispatch` instead once the page is
/// interactive (a form `dispatch` cannot read is posted as it is).
fn posting_form(
    url: &'static str,
    dispatch: Box<dyn Fn(&leptos::web_sys::SubmitEvent) -> bool + Send + Sync>,
    node_ref: NodeRef<leptos::html::Form>,
    children: Children,
) -> AnyView {
    let on_submit = move |ev: leptos::web_sys::SubmitEvent| {
        if !ev.default_prevented() && dispatch(&ev) {
            ev.prevent_default();
        }
    };
    view! { <form action=url method="post" on:submit=on_submit node_ref=node_ref>{children()}</form> }.into_any()
}

/// `data` read again with `fetch` each time `saved` changes (a count of successful
/// saves, `pages::successes`), not when the island starts: what it starts from came
/// with the page.
pub fn read_again<T, Fut>(data: RwSignal<T>, saved: impl Fn() -> u32 + 'static, fetch: impl Fn() -> Fut + 'static)
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, UiError>> + 'static,
{
    Effect::new(move |before: Option<u32>| {
        let now = saved();
        if before.is_some_and(|b| b != now) {
            let fresh = fetch();
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = fresh.await {
                    data.set(fresh);
                }
            });
        }
        now
    });
}
