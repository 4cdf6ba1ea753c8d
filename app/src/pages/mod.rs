//! One file per page, plus the small pieces pages share.

pub mod benefits;
pub mod case_work;
pub mod cases;
pub mod checker;
pub mod contacts;
pub mod directory;
pub mod districts;
pub mod facilities;
pub mod facility_form;
pub mod handovers;
pub mod home;
pub mod import;
pub mod invitations;
pub mod my_facility;
pub mod organizations;
pub mod password;
pub mod persons;
pub mod settings;
pub mod sign_in;
pub mod subject_rights;
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

/// A public index of tenants, each linked to `<base>/<slug>`.
pub fn tenant_links(
    list: Vec<types::directory::PublicTenantOut>,
    id: &'static str,
    base: &'static str,
) -> impl IntoView {
    let ui = use_ui();
    view! {
        <ul class="list-unstyled" id=id>
            {list.into_iter().map(|t| view! {
                <li class="mb-2">
                    <a href=format!("{base}/{}", t.slug)>{t.name}</a>
                    " " <span class="text-muted small">{ui.t(&t.kind.label_key())}</span>
                </li>
            }).collect_view()}
        </ul>
    }
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

/// The message for one field of a failed action; `id` is what inputs point at with
/// `aria-describedby`.
#[component]
pub fn FieldMessage(
    error: Signal<Option<UiError>>,
    field: &'static str,
    #[prop(optional)] id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("{field}-error"));
    move || {
        error.get().and_then(|e| e.field(field)).map(|msg| {
            view! { <div class="invalid-feedback d-block" id=id.clone()>{msg}</div> }
        })
    }
}

/// Inside a `PostForm`: the message of the server's refusal for the input `field`
/// (`{field}-error`, which the input points at), keeping its `aria-invalid` in step.
pub fn refusal_message(field: &'static str) -> impl IntoView {
    refusal_message_of(field, field)
}

/// `refusal_message` for a field whose input has another id (`input`).
pub fn refusal_message_of(field: &'static str, input: &'static str) -> impl IntoView {
    view! { <crate::islands::FieldError field=field.to_string() id=format!("{field}-error") input=input.to_string()/> }
}

/// Inside a `PostForm`: the `aria-invalid` of the input `field` as the server draws it.
pub fn refused(field: &str) -> String {
    crate::islands::refused_field(field).is_some().to_string()
}

/// A labelled form input with its error message, in Bootstrap Italia's markup. The
/// input is marked `aria-invalid` and points at its message when the server rejects it.
#[component]
pub fn Field(
    /// Element id (also the base of the message's id).
    id: &'static str,
    /// Form field name, as the server function's argument.
    name: &'static str,
    /// Translation key of the label.
    label: &'static str,
    /// The refusal of an island's form; without it, the field is drawn by the server inside
    /// a `PostForm`, whose refusal it shows.
    #[prop(optional, into)]
    error: Option<Signal<Option<UiError>>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] minlength: Option<u32>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] placeholder: Option<&'static str>,
    /// Extra classes of the wrapper (grid columns).
    #[prop(default = "")]
    class: &'static str,
) -> impl IntoView {
    let ui = use_ui();
    let message_id = format!("{id}-error");
    let (invalid, message) = match error {
        Some(error) => (
            Signal::derive(move || error.get().and_then(|e| e.field(name)).is_some()),
            view! { <FieldMessage error field=name id=message_id.clone()/> }.into_any(),
        ),
        None => (
            Signal::stored(crate::islands::refused_field(name).is_some()),
            view! { <crate::islands::FieldError field=name.to_string() id=message_id.clone() input=id.to_string()/> }
                .into_any(),
        ),
    };
    view! {
        <div class=format!("form-group mb-4 {class}")>
            <label for=id class="active">{move || ui.t(label)}</label>
            <input type=kind id=id name=name class="form-control" required=required
                maxlength=maxlength minlength=minlength autocomplete=autocomplete value=value placeholder=placeholder
                aria-invalid=move || invalid.get().to_string()
                aria-describedby=message_id.clone()/>
            {message}
        </div>
    }
}

/// A table that scrolls inside itself when it is wider than the screen (a phone), as a
/// named region the keyboard can reach and scroll (WCAG 2.1.1); `label` is the key of its
/// name, usually its caption's.
#[component]
pub fn Scrolls(label: &'static str, children: Children) -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="table-responsive" tabindex="0" role="region" aria-label=move || ui.t(label)>{children()}</div>
    }
}

/// Page links for a paginated list at `path` (`?page=n`, after the other parameters of
/// `query` so filters survive); nothing for a single page.
#[component]
pub fn Pagination(
    path: &'static str,
    page: u64,
    pages: u64,
    #[prop(optional, into)] query: Option<String>,
) -> impl IntoView {
    let ui = use_ui();
    let prefix = query.filter(|q| !q.is_empty()).map(|q| format!("{q}&")).unwrap_or_default();
    (pages > 1).then(|| {
        view! {
            <nav class="pagination-wrapper" aria-label=ui.t("common.pagination")>
                <ul class="pagination">
                    {(1..=pages).map(|n| view! {
                        <li class="page-item">
                            <a class="page-link" href=format!("{path}?{prefix}page={n}") aria-current=(n == page).then_some("page")>{n}</a>
                        </li>
                    }).collect_view()}
                </ul>
            </nav>
        }
    })
}

/// A search form's target-area filter (`name="area"`), "all" first; `current` is the
/// code in the URL.
#[component]
pub fn AreaFilter(id: &'static str, #[prop(into)] current: Signal<Option<String>>) -> impl IntoView {
    let ui = use_ui();
    view! {
        <label for=id class="active">{move || ui.t("field.area")}</label>
        <select id=id name="area" class="form-select">
            <option value="">{move || ui.t("common.all")}</option>
            {types::directory::AREAS.iter().map(|a| {
                let selected = move || current.get().as_deref() == Some(*a);
                view! { <option value=*a selected=selected>{move || ui.t(&types::directory::area_key(a))}</option> }
            }).collect_view()}
        </select>
    }
}

/// A search form's facility-type filter (`name="type"`), "all" first, from the type list.
#[component]
pub fn TypeFilter(id: &'static str, #[prop(into)] current: Signal<Option<String>>) -> impl IntoView {
    let ui = use_ui();
    let types = Resource::new(|| (), |_| crate::api::directory::facility_types());
    view! {
        <label for=id class="active">{move || ui.t("field.facility_type")}</label>
        <select id=id name="type" class="form-select">
            <option value="">{move || ui.t("common.all")}</option>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    types.await.unwrap_or_default().into_iter().map(|t| {
                        let code = t.code.clone();
                        let selected = move || current.get().as_deref() == Some(code.as_str());
                        view! { <option value=t.code.clone() selected=selected>{t.label.clone()}</option> }
                    }).collect_view()
                })}
            </Suspense>
        </select>
    }
}

/// Percent-encodes a query value (space as `+`).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The current `?page=` of the URL (1 when absent or invalid).
pub fn page_param() -> impl Fn() -> u64 + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || query.read().get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).max(1)
}

/// How a status reads at a glance, in Bootstrap Italia's badge colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Open, accepted, published.
    Good,
    /// Waiting for someone: pending, a draft.
    Waiting,
    /// Over: closed, declined, ended, retired.
    Done,
}

/// A status as a badge, `label` already in the page's language.
pub fn status_badge(tone: Tone, label: String) -> impl IntoView {
    let class = match tone {
        Tone::Good => "badge bg-success",
        Tone::Waiting => "badge bg-warning text-dark",
        Tone::Done => "badge bg-secondary",
    };
    view! { <span class=class>{label}</span> }
}

/// What a paginated list says besides its items: when it is empty (a key), and how many
/// it holds (a key with `{n}`); `None` for neither.
#[derive(Clone, Copy, Debug)]
pub struct ListTexts {
    pub none: Option<&'static str>,
    pub count: Option<&'static str>,
}

/// A loaded list that is not paginated: the error; or the message `none` when it is empty;
/// or the items as `items` draws them.
pub fn listed<T>(
    loaded: Result<Vec<T>, UiError>,
    none: &'static str,
    items: impl FnOnce(Vec<T>) -> AnyView,
) -> AnyView {
    let ui = use_ui();
    match loaded {
        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
        Ok(rows) if rows.is_empty() => view! { <p role="status">{ui.t(none)}</p> }.into_any(),
        Ok(rows) => items(rows),
    }
}

/// A loaded page of a list: the error; or the empty message; or the count, the items as
/// `items` draws them and the page links at `path` (after the filters in `query`).
pub fn paged<T>(
    loaded: Result<types::dto::Page<T>, UiError>,
    texts: ListTexts,
    path: &'static str,
    query: String,
    items: impl FnOnce(Vec<T>) -> AnyView,
) -> AnyView {
    let ui = use_ui();
    match loaded {
        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
        Ok(list) if list.items.is_empty() && texts.none.is_some() => {
            view! { <p role="status">{texts.none.map(|key| ui.t(key))}</p> }.into_any()
        }
        Ok(list) => {
            let (page, pages) = (list.page, list.pages());
            let count = texts.count.map(|key| ui.tn(key, list.total as i64));
            view! {
                {count.map(|count| view! { <p role="status">{count}</p> })}
                {items(list.items)}
                <Pagination path page pages query/>
            }
            .into_any()
        }
    }
}

/// The filters of a list that stand in the URL, as a query string for its page links.
pub fn filter_query(keys: &[&str], get: impl Fn(&str) -> Option<String>) -> String {
    keys.iter().filter_map(|k| get(k).map(|v| format!("{k}={}", urlencode(&v)))).collect::<Vec<_>>().join("&")
}
