//! The page frame: the Bootstrap Italia header with the tenant's name, the tenant
//! switcher, the language switch and sign-out; the navigation for the role; the footer.

use leptos::prelude::*;
use leptos_meta::Html;
use types::{Lang, Role, TenantKind};

use crate::api::session::{SetLanguage, SignOut, SwitchTenant};
use crate::islands::{go_after, island_ui, After, Post, PostForm, Submission};
use crate::use_ui;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let ui = use_ui();
    view! {
        <Transition fallback=|| ()>
            // The page's language for screen readers and search engines (WCAG 3.1.1).
            <Html {..} lang=move || ui.lang().code()/>
            <div class="skiplinks">
                <a class="visually-hidden-focusable" href="#main">{move || ui.t("nav.skip_to_content")}</a>
            </div>
        </Transition>
        // Everything that reads the session waits for it (Transition), so the server
        // renders it in the user's language and state.
        <header class="it-header-wrapper">
            <Transition fallback=|| ()>
                {view! { <SlimHeader/> }.into_any()}
                <div class="it-nav-wrapper">
                    {view! { <CenterHeader/> }.into_any()}
                    {view! { <NavBar/> }.into_any()}
                </div>
            </Transition>
        </header>
        <main id="main" class="container my-4" data-hydrated="false">
            {children()}
        </main>
        <footer class="it-footer mt-5">
            <div class="it-footer-small-prints clearfix">
                <div class="container">
                    <Transition fallback=|| ()>
                        <p class="py-3 mb-0 text-white small">{move || ui.t("footer.text")}</p>
                    </Transition>
                </div>
            </div>
        </footer>
    }
}

/// Bootstrap Italia's header band: `wrapper > container > row > col-12 > content`.
#[component]
fn HeaderBand(wrapper: &'static str, content: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class=wrapper>
            <div class="container">
                <div class="row">
                    <div class="col-12">
                        <div class=content>{children()}</div>
                    </div>
                </div>
            </div>
        </div>
    }
}

#[component]
fn SlimHeader() -> impl IntoView {
    let ui = use_ui();
    view! {
        <HeaderBand wrapper="it-header-slim-wrapper" content="it-header-slim-wrapper-content">
            <span class="navbar-brand d-none d-md-inline">{move || ui.session().and_then(|s| s.current).map(|m| ui.t(&m.tenant.kind.label_key())).unwrap_or_else(|| "OpenWelfare".into())}</span>
            <div class="it-header-slim-right-zone" role="navigation" aria-label=move || ui.t("nav.language")>
                {language_switch(ui.lang())}
                {move || ui.session().map(|s| view! {
                    <span class="text-white small ms-3 d-none d-md-inline" id="current-user">{s.user.display_name}</span>
                    // On a phone the password link is in the menu: the band keeps one row.
                    <a class="btn btn-link btn-sm text-white d-none d-lg-inline-block" href="/password">{ui.t("nav.password")}</a>
                    {sign_out_button()}
                })}
            </div>
        </HeaderBand>
    }
}

/// The two language buttons; the page is drawn again in the chosen one.
fn language_switch(lang: Lang) -> impl IntoView {
    let button = move |to: Lang, label: &'static str| {
        view! {
            <PostForm to={Post::to::<SetLanguage>()} class="d-inline">
                <input type="hidden" name="lang" value=to.code()/>
                <button type="submit" class="btn btn-link btn-sm text-white" lang=to.code()
                    aria-pressed=(lang == to).to_string()>
                    {label}
                </button>
            </PostForm>
        }
    };
    view! { {button(Lang::It, "ITA")} {button(Lang::En, "ENG")} }
}

fn sign_out_button() -> impl IntoView {
    let ui = use_ui();
    view! {
        <PostForm to={Post::to::<SignOut>()} then=After::Go("/sign-in".into()) class="d-inline">
            <button type="submit" class="btn btn-primary btn-sm ms-2" id="sign-out">{ui.t("nav.sign_out")}</button>
        </PostForm>
    }
}

#[component]
fn CenterHeader() -> impl IntoView {
    let ui = use_ui();
    view! {
        <HeaderBand wrapper="it-header-center-wrapper" content="it-header-center-content-wrapper">
            <div class="it-brand-wrapper">
                <a href="/">
                    // The tenant's emblem where Bootstrap Italia puts the administration's;
                    // the product's own when no tenant up the tree has a logo.
                    <img class="icon" alt="" src=move || ui.session().and_then(|s| s.emblem).unwrap_or_else(|| "/assets/emblem.svg".into())/>
                    <div class="it-brand-text">
                        <div class="it-brand-title" id="tenant-name">
                            {move || ui.session().and_then(|s| s.current).map(|m| m.tenant.name).unwrap_or_else(|| "OpenWelfare".into())}
                        </div>
                        <div class="it-brand-tagline d-none d-md-block">{move || ui.t("app.tagline")}</div>
                    </div>
                </a>
            </div>
            <div class="it-right-zone">
                {move || ui.session().filter(|s| s.memberships.len() > 1).map(|s| {
                    let current = s.current.as_ref().map(|m| m.tenant.slug.clone()).unwrap_or_default();
                    let tenants = s.memberships.into_iter().map(|m| (m.tenant.slug, m.tenant.name)).collect();
                    view! { <TenantSwitch lang=ui.lang() tenants current/> }
                })}
            </div>
        </HeaderBand>
    }
}

/// The tenants the user acts in, by slug and name; choosing one opens its home page.
#[island]
fn TenantSwitch(lang: Lang, tenants: Vec<(String, String)>, current: String) -> impl IntoView {
    let ui = island_ui(lang);
    let switch = Submission::<SwitchTenant>::new();
    go_after(switch, |_| "/".to_string());
    view! {
        <div class="select-wrapper tenant-switch">
            <label for="tenant-switch" class="text-white">{ui.t("nav.switch_tenant")}</label>
            <select id="tenant-switch"
                on:change=move |ev| { switch.post(&[("tenant", &event_target_value(&ev))]); }>
                {tenants.into_iter().map(|(slug, name)| {
                    let selected = slug == current;
                    view! { <option value=slug selected=selected>{name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn NavBar() -> impl IntoView {
    let ui = use_ui();
    let links = move || {
        let Some(current) = ui.session().and_then(|s| s.current) else {
            return vec![("/directory", "nav.directory"), ("/checker", "nav.checker")];
        };
        let admin = matches!(current.role, Role::TenantAdmin | Role::ProvinceAdmin);
        let mut links = vec![("/", "nav.home"), ("/facilities", "nav.facilities"), ("/directory", "nav.directory")];
        if current.role == Role::FacilityManager {
            links.push(("/my-facility", "nav.my_facility"));
        }
        if !current.tenant.kind.is_root()
            && matches!(current.role, Role::TenantAdmin | Role::SocialWorker | Role::FrontDesk)
        {
            links.push(("/contacts", "nav.contacts"));
        }
        if !current.tenant.kind.is_root() && matches!(current.role, Role::TenantAdmin | Role::SocialWorker) {
            links.push(("/cases", "nav.cases"));
            links.push(("/persons", "nav.persons"));
        }
        if !current.tenant.kind.is_root() && current.role == Role::ThirdSector {
            links.push(("/referrals", "nav.referrals"));
        }
        if !current.tenant.kind.is_root() && current.role == Role::TenantAdmin {
            links.push(("/transfers", "nav.transfers"));
        }
        if current.tenant.kind.is_root() && current.role.is_province_role() {
            links.push(("/tenants", "nav.tenants"));
        }
        if admin {
            links.push(("/facilities?stale=true", "nav.to_verify"));
            links.push(("/organizations", "nav.organizations"));
            links.push(("/users", "nav.users"));
            links.push(("/benefits", "nav.benefits"));
        }
        if current.tenant.kind == TenantKind::Municipality {
            links.push(("/districts", "nav.districts"));
        }
        links.push(("/settings", "nav.settings"));
        links
    };
    view! {
        <div class="it-header-navbar-wrapper">
            <div class="container">
                <div class="row">
                    <div class="col-12">
                        <nav class="navbar navbar-expand-lg" aria-label=move || ui.t("nav.main")>
                            <MainMenu open=ui.t("nav.menu_open") close=ui.t("nav.menu_close")>
                                <ul class="navbar-nav">
                                    {move || links().into_iter().map(|(href, key)| view! {
                                        <li class="nav-item"><a class="nav-link" href=href>{ui.t(key)}</a></li>
                                    }).collect_view()}
                                    {move || ui.session().is_some().then(|| view! {
                                        <li class="nav-item d-lg-none"><a class="nav-link" href="/password">{ui.t("nav.password")}</a></li>
                                    })}
                                </ul>
                            </MainMenu>
                        </nav>
                    </div>
                </div>
            </div>
        </div>
    }
}

/// Bootstrap Italia's `it-burger` and `it-close-big` icons, inline: the sprite holding them
/// weighs 27 KB and browsers fetched it again on every page.
const BURGER: &str = "M22 5v1H2V5h20zM2 12.5h20v-1H2v1zM2 19h20v-1H2v1z";
const CLOSE: &str = "m12.7 12 6.7 6.6-.8.8-6.6-6.7-6.6 6.7-.8-.8 6.7-6.6-6.7-6.6.8-.8 6.6 6.7 6.6-6.7.8.8-6.7 6.6z";

/// Bootstrap Italia's collapsible navigation: a row of links on a desktop; on a phone, a
/// menu button that opens them in a side panel (closed by its close button, the overlay or
/// Escape, giving the focus back to the menu button).
#[island]
fn MainMenu(open: String, close: String, children: Children) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let toggler = NodeRef::<leptos::html::Button>::new();
    let closer = NodeRef::<leptos::html::Button>::new();
    // Once the panel is drawn: the focus moves into it (as in a dialog), and back to the
    // menu button when it closes.
    Effect::new(move |was_open: Option<bool>| {
        let open = expanded.get();
        let target = if open {
            closer.get()
        } else if was_open == Some(true) {
            toggler.get()
        } else {
            None
        };
        if let Some(button) = target {
            let _ = button.focus();
        }
        open
    });
    let _escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && expanded.get_untracked() {
            expanded.set(false);
        }
    });
    let hide = move || expanded.set(false);
    let show = move |_| expanded.set(true);
    view! {
        <button class="custom-navbar-toggler" type="button" node_ref=toggler aria-controls="main-nav"
            aria-expanded=move || expanded.get().to_string() on:click=show>
            <svg class="icon icon-white" viewBox="0 0 24 24" aria-hidden="true"><path d=BURGER/></svg>
            <span class="visually-hidden">{open}</span>
        </button>
        <div class="navbar-collapsable" id="main-nav" class:expanded=expanded>
            <div class="overlay" on:click=move |_| hide()></div>
            <div class="close-div">
                <button class="btn close-menu" type="button" node_ref=closer on:click=move |_| hide()>
                    <span class="visually-hidden">{close}</span>
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d=CLOSE/></svg>
                </button>
            </div>
            <div class="menu-wrapper">{children()}</div>
        </div>
    }
}
