//! The benefits checker as a page of the product's own public site, for citizens who
//! reach it directly: `/checker` lists the administrations, `/checker/<tenant>` is one
//! tenant's. Everything a citizen can read without answering — each benefit, who can get
//! it, how much, how to apply — is rendered on the server, so it is there without
//! JavaScript and for search engines. The questionnaire is the `<ow-benefits-checker>`
//! widget that councils embed: one checker, whose answers are evaluated in the browser
//! and never sent.

use eligibility::catalogue::{Entry, CATEGORIES};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
use types::benefits::category_key;

use super::{tenant_links, Public};
use crate::api::benefits::{checker_tenants, public_benefits};
use crate::use_ui;

/// The loader of the widgets, served by this server.
const WIDGETS: &str = "/widgets/v1/openwelfare.js";

#[component]
pub fn CheckerIndex() -> impl IntoView {
    let ui = use_ui();
    let tenants = Resource::new(|| (), |_| checker_tenants());
    view! {
        <Public>
            <Title text=move || ui.t("checker.page_title")/>
            <h1 class="h2 mb-3">{move || ui.t("checker.page_title")}</h1>
            <p class="lead">{move || ui.t("checker.page_choose")}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    tenant_links(tenants.await.unwrap_or_default(), "checker-tenants", "/checker")
                })}
            </Suspense>
        </Public>
    }
}

#[component]
pub fn CheckerPage() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let tenant = move || params.read().get("tenant").unwrap_or_default();
    let catalogue = Resource::new(tenant, public_benefits);
    view! {
        <Public>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match catalogue.await {
                        Err(e) => view! {
                            <h1 class="h2">{ui.t("checker.page_title")}</h1>
                            <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div>
                        }.into_any(),
                        Ok(c) => {
                            let title = ui.tf("checker.page_title_of", &[("name", c.name.as_str())]);
                            let lang = ui.lang().code();
                            view! {
                                <Title text=title.clone()/>
                                <Meta name="description" content=ui.t("checker.page_lead")/>
                                <script type="module" src=WIDGETS></script>
                                <h1 class="h2 mb-3">{title}</h1>
                                <p class="lead">{ui.t("checker.page_lead")}</p>
                                <ow-benefits-checker tenant=c.tenant.clone() lang=lang></ow-benefits-checker>
                                <noscript><p class="alert alert-info">{ui.t("checker.page_no_script")}</p></noscript>
                                <section class="mt-5" aria-labelledby="all-benefits-title" id="all-benefits">
                                    <h2 class="h3" id="all-benefits-title">{ui.t("checker.page_all")}</h2>
                                    <p>{ui.t("checker.page_all_help")}</p>
                                    {c.administrations.into_iter().map(|(name, entries)| administration(name, entries)).collect_view()}
                                </section>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Public>
    }
}

/// One administration's benefits, by category.
fn administration(name: String, entries: Vec<Entry>) -> impl IntoView {
    let ui = use_ui();
    let groups = CATEGORIES.iter().filter_map(|category| {
        let list: Vec<Entry> = entries.iter().filter(|e| e.category == *category).cloned().collect();
        (!list.is_empty()).then(|| {
            view! {
                <h4 class="h6 mt-3 text-uppercase">{ui.t(&category_key(category))}</h4>
                <ul class="list-unstyled">{list.into_iter().map(benefit).collect_view()}</ul>
            }
        })
    });
    view! {
        <h3 class="h4 mt-4">{name}</h3>
        {groups.collect_view()}
    }
}

fn benefit(e: Entry) -> impl IntoView {
    let ui = use_ui();
    let verify = match e.figures_year {
        Some(year) if e.to_verify => Some(ui.tf("checker.to_verify_year", &[("year", year.to_string().as_str())])),
        None if e.to_verify => Some(ui.t("checker.to_verify")),
        _ => None,
    };
    let row = |key: &str, value: String| view! { <dt>{ui.t(key)}</dt><dd>{value}</dd> };
    view! {
        <li class="mb-2" data-code=e.code.clone()>
            <details>
                <summary class="fw-semibold">{e.name.clone()}</summary>
                <p class="mt-2">{e.summary.clone()}</p>
                <dl>
                    {row("checker.who", e.who.clone())}
                    {row("checker.amount_text", e.amount.clone())}
                    {row("checker.apply", e.how_to_apply.clone())}
                    {row("checker.law", e.legal_reference.clone())}
                </dl>
                {e.apply_url.clone().map(|url| view! {
                    <p><a href=url rel="noopener">{ui.t("checker.link")}</a></p>
                })}
                {verify.map(|text| view! { <p class="small">{text}</p> })}
            </details>
        </li>
    }
}

#[cfg(test)]
mod tests {
    /// Office words a citizen should not meet (Designers Italia: plain, direct language;
    /// docs/TRANSLATION.md), and the formal "Lei": citizens are addressed with "tu".
    const JARGON: &[&str] = &[
        "nucleo",
        "componente",
        "richiedente",
        "istanza",
        "erogazion",
        "fruizion",
        "codesto",
        "suddett",
        "predett",
        "espletament",
        "qualora",
        "comodato",
        "in corso di validità",
        "titolo di godimento",
        "patrimonio mobiliare",
        "patrimonio immobiliare",
        " lei ",
        "la preghiamo",
        "la invitiamo",
    ];

    /// Every text a citizen reads in the checker, the widgets and the public directory: the
    /// catalogue's public keys, the questions (facts) and their answers (codes).
    fn citizen_texts() -> Vec<String> {
        let catalogue = include_str!("../../../types/locales/it.txt");
        let mut texts: Vec<String> = catalogue
            .lines()
            .filter_map(|l| l.split_once(" = "))
            .filter(|(k, _)| ["checker.", "widget.", "directory."].iter().any(|p| k.starts_with(p)))
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        use eligibility::facts::{Kind, FACTS};
        for f in FACTS {
            texts.push(format!("fact {}: {}", f.name, f.it));
            if let Kind::Code(codes) = f.kind {
                texts.extend(
                    codes
                        .iter()
                        .map(|c| format!("code {c}: {}", eligibility::explain::code_label(eligibility::Lang::It, c))),
                );
            }
        }
        texts
    }

    #[test]
    fn citizens_read_plain_words() {
        let found: Vec<String> = citizen_texts()
            .into_iter()
            .filter(|t| {
                let lower = format!(" {} ", t.to_lowercase());
                JARGON.iter().any(|j| lower.contains(j))
            })
            .collect();
        assert!(found.is_empty(), "office jargon in citizen texts: {found:#?}");
    }
}
