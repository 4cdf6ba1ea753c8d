//! Invitations as their addressee sees them: the ones addressed to the signed-in user, to
//! accept or decline; and the e-mailed link, with which a new address creates its account.

use leptos::prelude::*;
use types::Lang;

use super::{listed, ErrorAlert, Field, FieldMessage, Public, SignedIn};
use crate::api::invitations::{
    my_invitations, AcceptInvitation, CreateInvitedAccount, DeclineInvitation, InvitationPreview,
};
use crate::islands::{island_ui, After, FormError, Post, PostForm, SaveForm, Submission};
use crate::use_ui;

#[component]
pub fn Invitations() -> impl IntoView {
    let ui = use_ui();
    let mine = Resource::new(|| (), |_| my_invitations());
    let query = leptos_router::hooks::use_query_map();
    let accepted = query.read_untracked().get("accepted").is_some();
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t("invitations.title")}</h1>
            {accepted.then(|| view! {
                <div class="alert alert-success" role="status">
                    {ui.t("invitations.accepted")} " " <a href="/">{ui.t("nav.home")}</a>
                </div>
            })}
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    listed(mine.await, "invitations.none", |rows| view! {
                            <ul class="list-group" id="my-invitations">
                                {rows.into_iter().map(|i| {
                                    let role = ui.t(&i.role.label_key());
                                    let text = types::i18n::tf(ui.lang(), "invitations.role", &[("tenant", &i.tenant_name), ("role", &role)]);
                                    view! {
                                        <li class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2">
                                            <span>{text}</span>
                                            {invitation_answer(i.id.0)}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any())
                })}
            </Suspense>
        </SignedIn>
    }
}

/// Accept or decline; an accepted invitation brings the page back with a welcome (`?accepted`).
fn invitation_answer(id: i64) -> impl IntoView {
    let ui = use_ui();
    let answer = move |to: Post, then: After, label: &'static str, class: &'static str| {
        view! {
            <PostForm to then>
                <FormError lang=ui.lang()/>
                <input type="hidden" name="id" value=id.to_string()/>
                <button type="submit" class=format!("btn btn-sm {class}")>{ui.t(label)}</button>
            </PostForm>
        }
    };
    view! {
        <div class="d-flex gap-2">
            {answer(Post::to::<AcceptInvitation>(), After::Go("/invitations?accepted".into()), "action.accept", "btn-primary")}
            {answer(Post::to::<DeclineInvitation>(), After::Reload, "action.decline", "btn-outline-secondary")}
        </div>
    }
}

/// The e-mailed link (`/invitation#token=…`).
#[component]
pub fn InvitationLink() -> impl IntoView {
    let ui = use_ui();
    view! {
        <Public>
        <div class="row justify-content-center">
            <div class="col-12 col-md-8 col-lg-6">
                <h1 class="h2 mb-4">{move || ui.t("invitation.title")}</h1>
                <InvitationLinkForm lang=ui.lang()/>
            </div>
        </div>
        </Public>
    }
}

/// The token travels in the link's fragment, as a reset link's does (see
/// `password::take_fragment_token`): read here, sent in a body, taken off the address bar.
#[island]
fn InvitationLinkForm(lang: Lang) -> impl IntoView {
    let ui = island_ui(lang);
    let preview = Submission::<InvitationPreview>::new();
    let create = Submission::<CreateInvitedAccount>::new();
    let preview_error = preview.error();
    let error = create.error();
    let token = RwSignal::new(String::new());
    Effect::new(move |_| {
        let t = super::password::take_fragment_token();
        token.set(t.clone());
        preview.post(&[("token", &t)]);
    });
    let created = move || create.succeeded().get();
    view! {
        <ErrorAlert error=preview_error/>
        <FieldMessage error=preview_error field="token"/>
        <ErrorAlert error/>
        <FieldMessage error field="token"/>
        {move || preview.value().get().and_then(Result::ok).map(|p| {
            let role = ui.t(&p.role.label_key());
            let intro = types::i18n::tf(ui.lang(), "invitation.for", &[("tenant", &p.tenant_name), ("role", &role)]);
            let body = if p.has_account {
                view! {
                    <p id="invitation-has-account">{ui.t("invitation.has_account")}</p>
                    <a class="btn btn-primary" href="/sign-in">{ui.t("invitation.sign_in")}</a>
                }.into_any()
            } else {
                let name = StoredValue::new(p.display_name.clone());
                view! {
                    <Show when=created fallback=move || view! {
                        <p class="mb-4">{ui.t("invitation.create")}</p>
                        <SaveForm action=create>
                            <input type="hidden" name="token" prop:value=move || token.get()/>
                            <Field id="display_name" name="display_name" label="field.display_name" error required=true maxlength=120 value=name.get_value() autocomplete="name"/>
                            <Field id="new_password" name="new_password" label="field.new_password" kind="password" error required=true minlength=10 maxlength=200 autocomplete="new-password"/>
                            <button type="submit" class="btn btn-primary" id="invitation-submit">{ui.t("invitation.submit")}</button>
                        </SaveForm>
                    }>
                        <div class="alert alert-success" role="status" id="invitation-created">
                            {ui.t("invitation.created")} " " <a href="/sign-in">{ui.t("sign_in.title")}</a>
                        </div>
                    </Show>
                }.into_any()
            };
            view! { <p class="lead" id="invitation-for">{intro}</p> {body} }
        })}
    }
}
