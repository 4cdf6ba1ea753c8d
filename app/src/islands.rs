//! What the islands share. The server renders every page; in the browser only the
//! `#[island]` components — forms, buttons, the header's switches — come alive, each on
//! its own (Leptos islands). An island sees none of the page's context, so it takes what it
//! shows as props (its language first, `island_ui`).
//!
//! Most forms are a `PostForm`: its fields are rendered by the server and stay out of the
//! bundle; the island only posts them, shows the server's refusal on its fields
//! (`FormError`, `FieldError`, `ShownOnConflict`, islands inside it) and, after a success,
//! loads the page again, goes elsewhere or says so in place (`After`). Only forms that
//! change in the browser as they are filled in (search, sign-in, the rules editor…) are
//! islands of their own, posting through a `Submission`.
//!
//! A form posts to its server function through a `Submission`, not Leptos' `ServerAction`:
//! the browser sends the form as it stands — the very request it sends before the page is
//! interactive — and reads only the answer. A server function then costs the bundle at
//! most the decoding of its output, where a page reads it: no copy of its input's encoding
//! and decoding, no action machinery per function (the app has some eighty).

use std::marker::PhantomData;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;
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

/// Posts to the server function `I` from the browser and holds its last answer.
pub struct Submission<I> {
    channel: Channel,
    input: PhantomData<fn() -> I>,
}

impl<I> Clone for Submission<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I> Copy for Submission<I> {}

/// A submission's state, the same for every server function: its answer is kept as the
/// text the server sent and decoded only where a page reads it (`Submission::value`), so
/// a function whose result nobody reads brings no decoding into the bundle.
#[derive(Clone, Copy)]
struct Channel {
    url: &'static str,
    pending: RwSignal<bool>,
    answer: RwSignal<Option<Result<String, UiError>>>,
    /// The successful answers so far.
    saved: RwSignal<u32>,
}

impl<I: ServerFn<Error = UiError>> Submission<I> {
    pub fn new() -> Self {
        let channel = Channel {
            url: I::PATH,
            pending: RwSignal::new(false),
            answer: RwSignal::new(returned_error(I::PATH).map(Err)),
            saved: RwSignal::new(0),
        };
        Submission { channel, input: PhantomData }
    }

    /// The last answer, once there is one.
    pub fn value(&self) -> Signal<Option<Result<I::Output, UiError>>>
    where
        I::Output: DeserializeOwned + Send + Sync + 'static,
    {
        let answer = self.channel.answer;
        Signal::derive(move || {
            answer.with(|a| {
                a.as_ref().map(|r| match r {
                    Ok(text) => serde_json::from_str(text).map_err(|_| transport::broken_answer()),
                    Err(e) => Err(e.clone()),
                })
            })
        })
    }

    /// Whether a submission is on its way.
    pub fn pending(&self) -> Signal<bool> {
        self.channel.pending.into()
    }

    /// How many submissions succeeded, to read again what they changed (and only then).
    pub fn successes(&self) -> Signal<u32> {
        self.channel.saved.into()
    }

    /// Whether the last answer was a success (without reading what it said).
    pub fn succeeded(&self) -> Signal<bool> {
        let answer = self.channel.answer;
        Signal::derive(move || answer.with(|a| matches!(a, Some(Ok(_)))))
    }

    /// The error of the last answer, if it was one.
    pub fn error(&self) -> Signal<Option<UiError>> {
        let answer = self.channel.answer;
        Signal::derive(move || answer.with(|a| a.as_ref().and_then(|r| r.as_ref().err().cloned())))
    }

    /// Posts `fields` as a form would (for a button that is not in a form).
    pub fn post(&self, fields: &[(&str, &str)]) {
        self.channel.send(Body::Fields(encode(fields)));
    }
}

impl<I: ServerFn<Error = UiError>> Default for Submission<I> {
    fn default() -> Self {
        Self::new()
    }
}

impl Channel {
    fn send(self, body: Body) {
        self.pending.set(true);
        transport::send(
            self.url,
            body,
            Box::new(move |answer| {
                if answer.is_ok() {
                    self.saved.update(|n| *n += 1);
                }
                self.answer.set(Some(answer));
                self.pending.set(false);
            }),
        );
    }
}

/// `fields` as `application/x-www-form-urlencoded`.
fn encode(fields: &[(&str, &str)]) -> String {
    let pairs = fields.iter().map(|(k, v)| format!("{}={}", crate::pages::urlencode(k), crate::pages::urlencode(v)));
    pairs.collect::<Vec<_>>().join("&")
}

/// Asks the server function `I` with `fields` from the browser and gives `done` its
/// answer, through the one request every form uses (not Leptos' server-function client,
/// which would bring its own into the bundle).
pub fn ask<I>(fields: &[(&str, &str)], done: impl FnOnce(Result<I::Output, UiError>) + 'static)
where
    I: ServerFn<Error = UiError>,
    I::Output: DeserializeOwned,
{
    let read = move |answer: Result<String, UiError>| {
        done(answer.and_then(|text| serde_json::from_str(&text).map_err(|_| transport::broken_answer())))
    };
    transport::send(I::PATH, Body::Fields(encode(fields)), Box::new(read));
}

/// A form posted without JavaScript comes back to its page with the error in the URL
/// (`?__path=…&__err=…`); the server shows it on the form that sent it.
#[cfg(feature = "ssr")]
fn returned_error(path: &str) -> Option<UiError> {
    use leptos::server_fn::error::ServerFnUrlError;
    let returned = use_context::<leptos::server::ServerActionError>()?;
    (returned.path() == path).then(|| ServerFnUrlError::<UiError>::decode_err(returned.err()))
}

#[cfg(not(feature = "ssr"))]
fn returned_error(_path: &str) -> Option<UiError> {
    None
}

/// What a submission sends.
enum Body {
    /// A form, as the browser encodes it (`multipart/form-data` when it has files).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    Form(leptos::web_sys::HtmlFormElement),
    /// Fields already encoded as `application/x-www-form-urlencoded`.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    Fields(String),
}

/// The request itself, the same for every server function (so it is in the bundle once).
mod transport {
    use super::Body;
    use crate::api::UiError;
    use types::{ApiError, ErrorCode};

    pub(super) type Done = Box<dyn FnOnce(Result<String, UiError>)>;

    fn error(code: ErrorCode) -> UiError {
        UiError(ApiError { code, message: String::new(), fields: vec![] })
    }

    /// An answer that is not what the server function returns.
    pub(super) fn broken_answer() -> UiError {
        error(ErrorCode::Internal)
    }

    /// Posts `body` to `url` and gives `done` the answer's text, or its error.
    #[cfg(feature = "hydrate")]
    pub(super) fn send(url: &str, body: Body, done: Done) {
        let url = url.to_string();
        leptos::task::spawn_local(async move { done(post(&url, body).await) });
    }

    #[cfg(not(feature = "hydrate"))]
    pub(super) fn send(_url: &str, _body: Body, _done: Done) {}

    #[cfg(feature = "hydrate")]
    async fn post(url: &str, body: Body) -> Result<String, UiError> {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;
        use web_sys::{FormData, Headers, RequestInit, Response, UrlSearchParams};

        let unavailable = |_| error(ErrorCode::Unavailable);
        let headers = Headers::new().map_err(unavailable)?;
        // The server answers a request that accepts JSON with the function's result (a
        // form posted without JavaScript gets a redirect back instead).
        headers.set("Accept", "application/json").map_err(unavailable)?;
        let body: wasm_bindgen::JsValue = match body {
            Body::Form(form) => {
                let data = FormData::new_with_form(&form).map_err(unavailable)?;
                if form.enctype() == "multipart/form-data" {
                    data.into()
                } else {
                    UrlSearchParams::new_with_str_sequence_sequence(&data).map_err(unavailable)?.into()
                }
            }
            Body::Fields(text) => {
                headers.set("Content-Type", "application/x-www-form-urlencoded").map_err(unavailable)?;
                text.into()
            }
        };
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&body);
        let answer =
            JsFuture::from(leptos::prelude::window().fetch_with_str_and_init(url, &init)).await.map_err(unavailable)?;
        let answer: Response = answer.dyn_into().map_err(unavailable)?;
        let text = JsFuture::from(answer.text().map_err(unavailable)?).await.map_err(unavailable)?;
        let text = text.as_string().unwrap_or_default();
        if answer.ok() {
            Ok(text)
        } else {
            // A server function's error is the API's error body (`UiError`).
            Err(serde_json::from_str::<UiError>(&text).unwrap_or_else(|_| error(ErrorCode::Unavailable)))
        }
    }
}

/// After `submission` succeeds, the browser goes to `to(output)`.
pub fn go_after<I>(submission: Submission<I>, to: impl Fn(&I::Output) -> String + 'static)
where
    I: ServerFn<Error = UiError>,
    I::Output: DeserializeOwned + Send + Sync + 'static,
{
    let value = submission.value();
    Effect::new(move |_| {
        value.with(|v| {
            if let Some(Ok(out)) = v {
                let _ = window().location().assign(&to(out));
            }
        })
    });
}

/// The app's form: it posts to `action`'s server function, so it works before the page is
/// interactive, and once it is sends the same request with `fetch` and stays on the page.
/// The form itself is built by one function (`posting_form`), so the app's many forms do
/// not each carry their own copy of it in the browser's bundle.
#[component]
pub fn SaveForm<I>(
    action: Submission<I>,
    /// The `<form>` element, for a caller that resets it.
    #[prop(optional)]
    node_ref: Option<NodeRef<leptos::html::Form>>,
    children: Children,
) -> impl IntoView
where
    I: ServerFn<Error = UiError> + 'static,
{
    let channel = action.channel;
    let submit = move |form| channel.send(Body::Form(form));
    posting_form(channel.url, Box::new(submit), node_ref.unwrap_or_default(), children)
}

/// A `<form>` posting to `url`; submitting it calls `submit` instead once the page is
/// interactive.
fn posting_form(
    url: &'static str,
    submit: Box<dyn Fn(leptos::web_sys::HtmlFormElement) + Send + Sync>,
    node_ref: NodeRef<leptos::html::Form>,
    children: Children,
) -> AnyView {
    let on_submit = move |ev: leptos::web_sys::SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        if let Some(form) = node_ref.get_untracked() {
            ev.prevent_default();
            submit(form);
        }
    };
    view! { <form action=url method="post" on:submit=on_submit node_ref=node_ref>{children()}</form> }.into_any()
}

/// Reads the server function `I` again with `fields` each time `saved` changes (a count of
/// successful saves, `Submission::successes`), not when the island starts: what it starts
/// from came with the page. `apply` takes what it answered.
pub fn read_again<I>(
    saved: impl Fn() -> u32 + 'static,
    fields: impl Fn() -> Vec<(&'static str, String)> + 'static,
    apply: impl Fn(I::Output) + 'static,
) where
    I: ServerFn<Error = UiError> + 'static,
    I::Output: DeserializeOwned + Send + Sync + 'static,
{
    let reader = Submission::<I>::new();
    Effect::new(move |before: Option<u32>| {
        let now = saved();
        if before.is_some_and(|b| b != now) {
            let fields = fields();
            reader.post(&fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>());
        }
        now
    });
    let answer = reader.channel.answer;
    Effect::new(move |_| {
        answer.with(|a| {
            if let Some(Ok(text)) = a {
                if let Ok(fresh) = serde_json::from_str::<I::Output>(text) {
                    apply(fresh);
                }
            }
        })
    });
}

/// Where a `PostForm` posts: its server function's address, and the error a submission
/// without JavaScript came back with (shown by the server on the form's fields).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Post {
    url: String,
    returned: Option<UiError>,
}

impl Post {
    pub fn to<I: ServerFn<Error = UiError>>() -> Self {
        Post { url: I::PATH.to_string(), returned: returned_error(I::PATH) }
    }
}

/// The last refusal heard by the `PostForm` around it.
#[derive(Clone, Copy)]
struct Refusal(RwSignal<Option<UiError>>);

/// What the server says of `field` in the refusal the `PostForm` around it last heard
/// (for an input's `aria-invalid` as the server draws it).
pub fn refused_field(field: &str) -> Option<String> {
    use_context::<Refusal>().and_then(|r| r.0.with_untracked(|e| e.as_ref().and_then(|e| e.field(field))))
}

/// What a `PostForm` does after a success.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum After {
    /// Loads the page again, which the server draws with the new data.
    #[default]
    Reload,
    /// Goes to this address.
    Go(String),
    /// Stays and says `text` above the form (an element with `id`, when named), its
    /// `{name}` placeholders filled with what the form sent; the form then is `form`.
    Say { text: String, id: Option<String>, form: Then },
}

/// What becomes of a form that said it was saved.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Then {
    /// It stays as it was sent.
    #[default]
    Keep,
    /// It goes back to its first values, for the next entry.
    Reset,
    /// It goes away: a request that is not made twice.
    Hide,
}

impl After {
    /// Says `text` after a success and keeps the form.
    pub fn say(text: String) -> Self {
        After::Say { text, id: None, form: Then::Keep }
    }
}

/// A form drawn by the server (its `children`) posting to `to`: it works before the page
/// is interactive; once it is, it posts with `fetch`, does `then` after a success (loads
/// the page again, unless told otherwise) and, after a refusal, keeps what was typed and
/// tells `FormError` and `FieldError`.
#[island]
pub fn PostForm(
    to: Post,
    #[prop(optional)] then: Option<After>,
    #[prop(optional, into)] id: Option<String>,
    #[prop(optional, into)] class: Option<String>,
    #[prop(optional, into)] enctype: Option<String>,
    /// The id of the heading that names the form.
    #[prop(optional, into)]
    labelledby: Option<String>,
    children: Children,
) -> impl IntoView {
    let refusal = RwSignal::new(to.returned);
    let saved = RwSignal::new(false);
    let said_now = RwSignal::new(String::new());
    provide_context(Refusal(refusal));
    let node_ref = NodeRef::<leptos::html::Form>::new();
    let url = to.url.clone();
    let then = then.unwrap_or_default();
    let (said, hide) = match &then {
        After::Say { id, form, .. } => (Some(id.clone()), *form == Then::Hide),
        _ => (None, false),
    };
    let on_submit = move |ev: leptos::web_sys::SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        if let Some(form) = node_ref.get_untracked() {
            ev.prevent_default();
            let then = then.clone();
            let sent = form.clone();
            let done = move |answer: Result<String, UiError>| match answer {
                Ok(_) => {
                    refusal.set(None);
                    let location = window().location();
                    let _ = match then {
                        After::Reload => location.reload(),
                        After::Go(to) => location.assign(&to),
                        After::Say { text, form, .. } => {
                            said_now.set(filled(&text, &sent));
                            if form == Then::Reset {
                                sent.reset();
                            }
                            Ok(())
                        }
                    };
                    saved.set(true);
                }
                Err(e) => {
                    saved.set(false);
                    refusal.set(Some(e));
                }
            };
            transport::send(&url, Body::Form(form), Box::new(done));
        }
    };
    let said = said.map(|id| {
        move || {
            saved
                .get()
                .then(|| view! { <div class="alert alert-success" role="status" id=id.clone()>{said_now.get()}</div> })
        }
    });
    view! {
        {said}
        <form action=to.url method="post" id=id class=class enctype=enctype aria-labelledby=labelledby hidden=move || hide && saved.get()
            on:submit=on_submit node_ref=node_ref>{children()}</form>
    }
}

/// `text` with each `{name}` replaced by the value of the field `name` of `form`.
fn filled(text: &str, form: &leptos::web_sys::HtmlFormElement) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        match after.split_once('}') {
            Some((name, tail)) => {
                out.push_str(&field_value(form, name));
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(feature = "hydrate")]
fn field_value(form: &leptos::web_sys::HtmlFormElement, name: &str) -> String {
    leptos::web_sys::FormData::new_with_form(form).ok().and_then(|d| d.get(name).as_string()).unwrap_or_default()
}

#[cfg(not(feature = "hydrate"))]
fn field_value(_form: &leptos::web_sys::HtmlFormElement, _name: &str) -> String {
    String::new()
}

/// The general message of the refusal its `PostForm` heard, as an alert.
#[island]
pub fn FormError(lang: Lang) -> impl IntoView {
    let refusal = use_context::<Refusal>();
    move || {
        refusal.and_then(|r| r.0.get()).map(|e| {
            view! { <div class="alert alert-danger" role="alert">{e.message(lang)}</div> }
        })
    }
}

/// The message for `field` in the refusal its `PostForm` heard, with the id `id` its input
/// points at (`aria-describedby`); the input `input`, when named, is marked `aria-invalid`.
#[island]
pub fn FieldError(field: String, id: String, #[prop(optional)] input: Option<String>) -> impl IntoView {
    let refusal = use_context::<Refusal>();
    let message = move || refusal.and_then(|r| r.0.with(|e| e.as_ref().and_then(|e| e.field(&field))));
    if let Some(input) = input {
        let message = message.clone();
        // The input is the server's; the island only keeps its state in step.
        Effect::new(move |_| {
            let invalid = message().is_some();
            if let Some(el) = document().get_element_by_id(&input) {
                let _ = el.set_attribute("aria-invalid", if invalid { "true" } else { "false" });
            }
        });
    }
    move || message().map(|m| view! { <div class="invalid-feedback d-block" id=id.clone()>{m}</div> })
}

/// What must be confirmed after the server found a conflict (a likely duplicate): drawn
/// by the server, shown once the `PostForm` around it hears one.
#[island]
pub fn ShownOnConflict(children: Children) -> impl IntoView {
    let refusal = use_context::<Refusal>();
    let conflict = move || {
        refusal.is_some_and(|r| r.0.with(|e| e.as_ref().is_some_and(|e| e.0.code == types::ErrorCode::Conflict)))
    };
    view! { <div hidden=move || !conflict()>{children()}</div> }
}
