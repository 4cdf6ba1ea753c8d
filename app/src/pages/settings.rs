//! The current tenant's settings: what it is, the contacts its admin keeps, and how its
//! widgets are embedded and look (colour, logo).

use leptos::prelude::*;

use super::{refusal_message, refusal_message_of, refused, Field, SignedIn};
use crate::api::tenant::{get_settings, RemoveLogo, SettingsView, UpdateSettings, UploadLogo};
use crate::islands::{After, FormError, Post, PostForm};
use crate::use_ui;

#[component]
pub fn Settings() -> impl IntoView {
    let ui = use_ui();
    let settings = Resource::new(|| (), |_| get_settings());
    view! {
        <SignedIn>
            <h1 class="h2 mb-4">{move || ui.t("settings.title")}</h1>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(e) => view! { <div class="alert alert-warning">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(SettingsView { settings: s, widget_origin }) => {
                            let snippet = types::embed::snippet(&widget_origin, &s.tenant.slug, ui.lang().code());
                            let csp = types::embed::csp_directives(&widget_origin);
                            let form = SettingsFields {
                                contact_email: s.contact_email.clone().unwrap_or_default(),
                                website: s.website.clone().unwrap_or_default(),
                                stale_after_days: s.stale_after_days,
                                embed_origins: s.embed_origins.join("\n"),
                                brand_colour: s.brand_colour.clone().unwrap_or_default(),
                            };
                            view! {
                            <dl class="row">
                                <dt class="col-sm-3">{ui.t("field.name")}</dt>
                                <dd class="col-sm-9">{s.tenant.name.clone()}</dd>
                                <dt class="col-sm-3">{ui.t("settings.kind")}</dt>
                                <dd class="col-sm-9">{ui.t(&s.tenant.kind.label_key())}</dd>
                                <dt class="col-sm-3">{ui.t("settings.istat_code")}</dt>
                                <dd class="col-sm-9">{s.tenant.istat_code.clone().unwrap_or_else(|| "—".into())}</dd>
                            </dl>
                            {settings_form(form)}
                            <h3 class="h5 mt-5" id="logo-title">{ui.t("settings.logo")}</h3>
                            {logo_form(s.logo.clone())}
                            <h3 class="h5 mt-5" id="embed-snippet-title">{ui.t("settings.embed_snippet")}</h3>
                            <pre class="bg-light p-3 snippet" aria-labelledby="embed-snippet-title"><code id="embed-snippet">{snippet}</code></pre>
                            <h3 class="h5 mt-4" id="embed-csp-title">{ui.t("settings.embed_csp")}</h3>
                            <pre class="bg-light p-3 text-wrap" aria-labelledby="embed-csp-title"><code id="embed-csp">{csp}</code></pre>
                        }.into_any()
                        }
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// The settings as the form starts from them.
#[derive(Clone, Debug, PartialEq)]
struct SettingsFields {
    contact_email: String,
    website: String,
    stale_after_days: i32,
    /// One origin per line.
    embed_origins: String,
    brand_colour: String,
}

fn settings_form(form: SettingsFields) -> impl IntoView {
    let ui = use_ui();
    view! {
        <PostForm to={Post::to::<UpdateSettings>()} then=After::say(ui.t("settings.saved"))>
            <FormError lang=ui.lang()/>
            <Field id="contact_email" name="contact_email" label="settings.contact_email" kind="email" maxlength=254 value=form.contact_email/>
            <Field id="website" name="website" label="settings.website" kind="url" maxlength=300 placeholder="https://" value=form.website/>
            <div class="form-group mb-4">
                <label for="stale_after_days" class="active">{ui.t("settings.stale_after_days")}</label>
                <input type="number" id="stale_after_days" name="stale_after_days" class="form-control"
                    min="1" max="3650" inputmode="numeric" value=form.stale_after_days.to_string()
                    aria-invalid=refused("stale_after_days")
                    aria-describedby="stale_after_days-help stale_after_days-error"/>
                <small class="form-text" id="stale_after_days-help">{ui.t("settings.stale_after_days_help")}</small>
                {refusal_message("stale_after_days")}
            </div>
            <h2 class="h4 mt-5">{ui.t("settings.embed_title")}</h2>
            <div class="form-group mb-4">
                <label for="embed_origins" class="active">{ui.t("settings.embed_origins")}</label>
                <textarea id="embed_origins" name="embed_origins" class="form-control" rows="4"
                    placeholder="https://www.comune.example.it"
                    aria-invalid=refused("embed_origins")
                    aria-describedby="embed_origins-help embed_origins-error">{form.embed_origins}</textarea>
                <small class="form-text" id="embed_origins-help">{ui.t("settings.embed_origins_help")}</small>
                {refusal_message("embed_origins")}
            </div>
            <div class="form-group mb-4">
                <label for="brand_colour" class="active">{ui.t("settings.brand_colour")}</label>
                <input type="text" id="brand_colour" name="brand_colour" class="form-control" maxlength="7"
                    placeholder="#0066cc" value=form.brand_colour
                    aria-invalid=refused("brand_colour")
                    aria-describedby="brand_colour-help brand_colour-error"/>
                <small class="form-text" id="brand_colour-help">{ui.t("settings.brand_colour_help")}</small>
                {refusal_message("brand_colour")}
            </div>
            <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
        </PostForm>
    }
}

/// The widgets' logo: the current one (its URL) with a button to remove it, and the
/// upload form; the page reloads after either.
fn logo_form(logo: Option<String>) -> impl IntoView {
    let ui = use_ui();
    view! {
        {logo.map(|src| view! {
            <p><img src=src alt=ui.t("settings.logo_current") id="logo-current" height="64"/></p>
            <PostForm to={Post::to::<RemoveLogo>()}>
                <button type="submit" class="btn btn-outline-primary btn-sm mb-3">{ui.t("settings.logo_remove")}</button>
            </PostForm>
        })}
        <PostForm to={Post::to::<UploadLogo>()} id="logo-form" enctype="multipart/form-data" labelledby="logo-title">
            <div class="form-group mb-3">
                <label for="logo-file" class="active">{ui.t("settings.logo_file")}</label>
                <input type="file" id="logo-file" name="file" class="form-control" required
                    accept="image/png,image/jpeg,image/webp" aria-describedby="logo-help file-error"
                    aria-invalid=refused("file")/>
                <small class="form-text" id="logo-help">{ui.t("settings.logo_help")}</small>
                {refusal_message_of("file", "logo-file")}
            </div>
            <button type="submit" class="btn btn-primary">{ui.t("settings.logo_upload")}</button>
        </PostForm>
    }
}
