//! The home page, by role: what this user does here and where to start.

use leptos::prelude::*;
use types::Role;

use super::SignedIn;
use crate::use_ui;

#[component]
pub fn Home() -> impl IntoView {
    let ui = use_ui();
    view! {
        <SignedIn>
            {move || ui.session().map(|s| {
                let greeting = types::i18n::tf(ui.lang(), "home.greeting", &[("name", &s.user.display_name)]);
                let body = match &s.current {
                    None => ui.t("home.no_tenant"),
                    Some(m) => ui.t(&format!("home.role.{}", m.role.code())),
                };
                let role = s.current.as_ref().map(|m| ui.t(&m.role.label_key())).unwrap_or_default();
                let tenant = s.current.as_ref().map(|m| m.tenant.name.clone()).unwrap_or_default();
                let actions = s.current.as_ref().map(|m| match m.role {
                    Role::ProvinceAdmin if m.tenant.kind.is_root() => vec![("/tenants", "nav.tenants"), ("/users", "nav.users")],
                    Role::ProvinceAnalyst => vec![("/tenants", "nav.tenants")],
                    Role::TenantAdmin | Role::ProvinceAdmin => vec![("/facilities", "nav.facilities"), ("/facilities?stale=true", "nav.to_verify"), ("/users", "nav.users")],
                    Role::FacilityManager => vec![("/my-facility", "nav.my_facility")],
                    Role::SocialWorker => vec![("/cases?mine=true&status=open", "nav.cases"), ("/persons", "nav.persons"), ("/contacts/new", "contacts.new"), ("/contacts", "nav.contacts")],
                    Role::FrontDesk => vec![("/contacts/new", "contacts.new"), ("/contacts", "nav.contacts")],
                    _ => vec![],
                }).unwrap_or_default();
                view! {
                    <h1 class="h2" id="home-title">{greeting}</h1>
                    <p class="lead"><span class="badge bg-primary me-2" id="home-role">{role}</span>{tenant}</p>
                    <p>{body}</p>
                    <div class="d-flex flex-wrap gap-2">
                        {actions.into_iter().map(|(href, key)| view! {
                            <a class="btn btn-outline-primary" href=href>{ui.t(key)}</a>
                        }).collect_view()}
                    </div>
                }
            })}
        </SignedIn>
    }
}
