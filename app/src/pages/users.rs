//! Users of the current tenant: a paginated list and a form to add one.

use leptos::prelude::*;
use types::Role;

use super::{listed, page_param, paged, refusal_message, refused, Field, ListTexts, Scrolls, SignedIn};
use crate::api::tenant::{
    list_members, membership_changes, pending_invitations, AddMember, RemoveMember, RevokeInvitation,
};
use crate::islands::{After, FormError, Post, PostForm, Then};
use crate::use_ui;

#[component]
pub fn Users() -> impl IntoView {
    let ui = use_ui();
    let page = page_param();
    let members = Resource::new(page, list_members);
    let changes = Resource::new(|| (), |_| membership_changes());
    let invitations = Resource::new(|| (), |_| pending_invitations());
    let root = move || ui.session().and_then(|s| s.current).is_some_and(|m| m.tenant.kind.is_root());
    // From the province, only a comune's first admin is appointed, and nobody is removed
    // (separation of duties: the rest is the comune's admin's).
    let from_above = move || ui.session().and_then(|s| s.current).is_some_and(|m| m.role.is_province_role() && !root());
    let roles = move || {
        let roles: &[Role] = match (root(), from_above()) {
            (true, _) => &[Role::ProvinceAdmin, Role::ProvinceAnalyst],
            (false, true) => &[Role::TenantAdmin],
            (false, false) => &Role::LOCAL,
        };
        roles.to_vec()
    };
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t("users.title")}</h1>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let texts = ListTexts { none: None, count: Some("users.count") };
                    paged(members.await, texts, "/users", String::new(), |items| view! {
                                <Scrolls label="users.title"><table class="table" id="members">
                                    <thead><tr>
                                        <th scope="col">{ui.t("field.display_name")}</th>
                                        <th scope="col">{ui.t("field.email")}</th>
                                        <th scope="col">{ui.t("field.role")}</th>
                                        <th scope="col"><span class="visually-hidden">{ui.t("common.actions")}</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {items.into_iter().map(|m| {
                                            let id = m.id.0;
                                            view! { <tr>
                                                <td>{m.display_name}</td>
                                                <td>{m.email}</td>
                                                <td>{ui.t(&m.role.label_key())}</td>
                                                <td class="text-end">{(!from_above()).then(|| view! { {remove_member_button(id)} })}</td>
                                            </tr> }
                                        }).collect_view()}
                                    </tbody>
                                </table></Scrolls>
                    }.into_any())
                })}
            </Suspense>
            <h2 class="h4 mt-5 mb-3">{move || ui.t("users.invitations")}</h2>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    listed(invitations.await, "users.no_invitations", |rows| view! {
                            <Scrolls label="users.invitations"><table class="table table-sm" id="invitations">
                                    <thead><tr>
                                        <th scope="col">{ui.t("field.display_name")}</th>
                                        <th scope="col">{ui.t("field.email")}</th>
                                        <th scope="col">{ui.t("field.role")}</th>
                                        <th scope="col">{ui.t("users.invitation_expires")}</th>
                                        <th scope="col"><span class="visually-hidden">{ui.t("common.actions")}</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|i| view! { <tr>
                                            <td>{i.display_name}</td>
                                            <td>{i.email}</td>
                                            <td>{ui.t(&i.role.label_key())}</td>
                                            <td>
                                                {ui.date(&i.expires_at)}
                                                {i.expired.then(|| view! { <span class="badge bg-secondary ms-2">{ui.t("users.invitation_expired")}</span> })}
                                            </td>
                                            <td class="text-end">{revoke_invitation_button(i.id.0)}</td>
                                        </tr> }).collect_view()}
                                    </tbody>
                                </table>
                            </Scrolls>
                        }.into_any())
                })}
            </Suspense>
            <h2 class="h4 mt-5 mb-4">{move || ui.t("users.add")}</h2>
            {add_member_form(roles())}
            <h2 class="h4 mt-5 mb-3">{move || ui.t("users.changes")}</h2>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    listed(changes.await, "users.no_changes", |rows| view! {
                            <Scrolls label="users.changes"><table class="table table-sm" id="membership-changes">
                                    <thead><tr>
                                        <th scope="col">{ui.t("cases.audit_when")}</th>
                                        <th scope="col">{ui.t("cases.audit_who")}</th>
                                        <th scope="col">{ui.t("cases.audit_what")}</th>
                                        <th scope="col">{ui.t("field.display_name")}</th>
                                        <th scope="col">{ui.t("field.role")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|c| view! { <tr>
                                            <td>{ui.date_time(&c.at)}</td>
                                            <td>{c.by_name}</td>
                                            <td>{ui.t(&format!("users.change.{}", c.action))}</td>
                                            <td>{c.member_name}</td>
                                            <td>{c.role.map(|r| ui.t(&r.label_key()))}</td>
                                        </tr> }).collect_view()}
                                    </tbody>
                                </table>
                            </Scrolls>
                        }.into_any())
                })}
            </Suspense>
        </SignedIn>
    }
}

/// Invites a member: the answer names the address only, whether or not it has an account.
fn add_member_form(roles: Vec<Role>) -> impl IntoView {
    let ui = use_ui();
    let then = After::Say { text: ui.t("users.invitation_sent"), id: Some("invitation-sent".into()), form: Then::Keep };
    view! {
        <PostForm to={Post::to::<AddMember>()} then>
            <FormError lang=ui.lang()/>
            <div class="row">
                <Field id="display_name" name="display_name" label="field.display_name" required=true maxlength=120 class="col-md-4"/>
                <Field id="member-email" name="email" label="field.email" kind="email" required=true maxlength=254 class="col-md-4"/>
                <div class="select-wrapper col-md-4">
                    <label for="role">{ui.t("field.role")}</label>
                    <select id="role" name="role" aria-invalid=refused("role") aria-describedby="role-error">
                        {roles.into_iter().map(|r| view! { <option value=r.code()>{ui.t(&r.label_key())}</option> }).collect_view()}
                    </select>
                    {refusal_message("role")}
                </div>
            </div>
            <button type="submit" class="btn btn-primary mt-3">{ui.t("action.add")}</button>
        </PostForm>
    }
}

fn remove_member_button(id: i64) -> impl IntoView {
    let ui = use_ui();
    view! {
        <PostForm to={Post::to::<RemoveMember>()}>
            <FormError lang=ui.lang()/>
            <input type="hidden" name="id" value=id.to_string()/>
            <button type="submit" class="btn btn-outline-danger btn-xs">{ui.t("action.remove")}</button>
        </PostForm>
    }
}

fn revoke_invitation_button(id: i64) -> impl IntoView {
    let ui = use_ui();
    view! {
        <PostForm to={Post::to::<RevokeInvitation>()}>
            <FormError lang=ui.lang()/>
            <input type="hidden" name="id" value=id.to_string()/>
            <button type="submit" class="btn btn-outline-danger btn-xs">{ui.t("action.revoke")}</button>
        </PostForm>
    }
}
