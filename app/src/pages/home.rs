//! The home page, by role: what this user does here and where to start.

use leptos::prelude::*;
use types::Role;

use super::SignedIn;
use crate::use_ui;

#[component]
pub fn Home() -> impl IntoView {
    let ui = use_ui();
    // Created with the page, not inside `SignedIn` (whose content is rebuilt when the
    // session loads): keyed on the tenant, a tenant switch reloads it.
    let desk = Resource::new(
        move || {
            ui.session()
                .and_then(|s| s.current)
                .filter(|m| !m.tenant.kind.is_root() && matches!(m.role, Role::SocialWorker | Role::TenantAdmin))
                .map(|m| m.tenant.slug)
        },
        |tenant| async move {
            tenant?;
            let reviews = crate::api::plans::reviews_due().await.unwrap_or_default();
            let cases =
                crate::api::cases::search_cases(None, Some("open".into()), None, Some(true), None, None, Some(1)).await;
            let contacts = crate::api::contacts::list_contacts(None, None, None, None, 1).await;
            Some(Desk {
                reviews,
                cases: cases.map(|p| p.items).unwrap_or_default(),
                contacts: contacts.map(|p| p.items).unwrap_or_default(),
            })
        },
    );
    let invitations =
        Resource::new(|| (), |_| async { crate::api::invitations::my_invitations().await.unwrap_or_default() });
    view! {
        <SignedIn>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let n = invitations.await.len();
                    (n > 0).then(|| view! {
                        <div class="alert alert-info" role="status" id="home-invitations">
                            {types::i18n::tf(ui.lang(), "home.invitations", &[("n", &n.to_string())])}
                            " " <a href="/invitations">{ui.t("nav.invitations")}</a>
                        </div>
                    })
                })}
            </Suspense>
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
                    Role::ThirdSector => vec![("/referrals", "nav.referrals")],
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
            <WorkerDesk desk/>
        </SignedIn>
    }
}

/// What a social worker's desk shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Desk {
    reviews: Vec<types::plans::ReviewDue>,
    cases: Vec<types::cases::CaseSummary>,
    contacts: Vec<types::contacts::ContactOut>,
}

/// A social worker's desk: plan reviews falling due, their open cases, the latest
/// contacts of the front desk.
#[component]
fn WorkerDesk(desk: Resource<Option<Desk>>) -> impl IntoView {
    let ui = use_ui();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Desk { reviews, cases, contacts } = desk.await?;
                Some(view! {
                    <div class="row mt-4">
                        <section class="col-lg-6 mb-4" id="reviews-due">
                            <h2 class="h4">{ui.t("home.reviews_due")}</h2>
                            {if reviews.is_empty() {
                                view! { <p>{ui.t("home.no_reviews")}</p> }.into_any()
                            } else {
                                view! { <ul class="list-group">{reviews.into_iter().map(|r| {
                                    let overdue = r.overdue.then(|| view! { <span class="badge bg-danger ms-2">{ui.t("home.overdue")}</span> });
                                    view! {
                                        <li class="list-group-item">
                                            <a href=format!("/cases/{}", r.case_id)>{r.person_name}</a>
                                            " · " {ui.date(&r.next_review_on)}{overdue}
                                        </li>
                                    }
                                }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                        <section class="col-lg-6 mb-4" id="my-cases">
                            <h2 class="h4">{ui.t("home.my_cases")}</h2>
                            {if cases.is_empty() {
                                view! { <p>{ui.t("cases.none")}</p> }.into_any()
                            } else {
                                view! { <ul class="list-group">{cases.into_iter().take(10).map(|c| view! {
                                    <li class="list-group-item">
                                        <a href=format!("/cases/{}", c.id)>{c.person_name}</a>
                                        " · " {ui.t(&types::directory::area_key(&c.area))}
                                    </li>
                                }).collect_view()}</ul> }.into_any()
                            }}
                            <p class="mt-2"><a href="/cases?mine=true&status=open">{ui.t("nav.cases")}</a></p>
                        </section>
                        <section class="col-12 mb-4" id="recent-contacts">
                            <h2 class="h4">{ui.t("contacts.title")}</h2>
                            {if contacts.is_empty() {
                                view! { <p>{ui.t("contacts.none")}</p> }.into_any()
                            } else {
                                view! { <ul class="list-group">{contacts.into_iter().take(5).map(|c| view! {
                                    <li class="list-group-item">
                                        {ui.date(&c.contacted_on)} " · " {ui.t(&types::contacts::code_key("request_type", &c.request_type))}
                                        " · " {ui.t(&types::contacts::code_key("outcome", &c.outcome))}
                                    </li>
                                }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                    </div>
                })
            })}
        </Suspense>
    }
}
