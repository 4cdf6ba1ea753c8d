//! Keeping the benefits catalogue (tenant and province admins): the list of entries
//! with their status, the rules and test cases with their check, and the entry form.
//! `?shared=true` on every page switches to the deployment's national catalogue, which
//! only province admins keep.

use eligibility::catalogue::{CATEGORIES, LEVELS};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use types::benefits::{category_key, level_key, status_key, CatalogueOut, EntryOut, EntryStatus, RulebookCheck};
use types::Lang;

use super::{status_badge, ErrorAlert, FieldMessage, Scrolls, SignedIn, Tone};
use crate::api::benefits::{
    benefit_catalogue, benefit_entry, BenefitCatalogue, BenefitEntry, PublishBenefitRules, SaveBenefitEntry,
    SaveBenefitRules, SetBenefitStatus,
};
use crate::islands::{island_ui, read_again, SaveForm, Submission};
use crate::use_ui;

/// Whether the page is about the shared catalogue (`?shared=true`).
fn shared_param() -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get("shared").as_deref() == Some("true")
}

/// `path` in the same catalogue as the page.
fn link(path: &str, shared: bool) -> String {
    if shared {
        format!("{path}?shared=true")
    } else {
        path.to_string()
    }
}

/// `/benefits`: the entries of one catalogue, their status and the rules' state.
#[component]
pub fn BenefitCatalogue() -> impl IntoView {
    let ui = use_ui();
    let shared = shared_param();
    let catalogue = Resource::new(shared, benefit_catalogue);
    view! {
        <SignedIn>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match catalogue.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(c) => view! { <CatalogueView lang=ui.lang() catalogue=c/> }.into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// The catalogue (`shared`: the national one) read again each time `saved` changes.
fn catalogue_again(shared: bool, saved: impl Fn() -> u32 + 'static, apply: impl Fn(CatalogueOut) + 'static) {
    read_again::<BenefitCatalogue>(saved, move || vec![("shared", shared.to_string())], apply);
}

/// The catalogue, read again after each change of an entry's status.
#[island]
fn CatalogueView(lang: Lang, catalogue: CatalogueOut) -> impl IntoView {
    island_ui(lang);
    let shared = catalogue.shared;
    let catalogue = RwSignal::new(catalogue);
    let set_status = Submission::<SetBenefitStatus>::new();
    let error = set_status.error();
    let changed = set_status.successes();
    catalogue_again(shared, move || changed.get(), move |fresh| catalogue.set(fresh));
    move || catalogue_view(catalogue.get(), set_status, error)
}

fn catalogue_view(
    c: CatalogueOut,
    set_status: Submission<SetBenefitStatus>,
    error: Signal<Option<crate::api::UiError>>,
) -> impl IntoView {
    let ui = use_ui();
    let shared = c.shared;
    let published_rules = c.rulebook.published_benefits.clone();
    let rules_state = match (&c.rulebook.published_at, c.rulebook.unpublished_changes) {
        (None, _) => ui.t("benefits.rules_never_published"),
        (Some(at), false) => ui.tf("benefits.rules_published_at", &[("date", &ui.date(at))]),
        (Some(at), true) => ui.tf("benefits.rules_changed_since", &[("date", &ui.date(at))]),
    };
    view! {
        <div class="d-flex justify-content-between align-items-center mb-3 flex-wrap gap-2">
            <h1 class="h2 m-0">{ui.tf("benefits.title", &[("owner", c.owner_name.as_str())])}</h1>
            <a class="btn btn-primary" href=link("/benefits/entries/new", shared)>{ui.t("benefits.new_entry")}</a>
        </div>
        {c.can_manage_shared.then(|| view! {
            <ul class="nav nav-tabs mb-4">
                <li class="nav-item">
                    <a class="nav-link" class:active=!shared aria-current=(!shared).then_some("page") href="/benefits">
                        {ui.t("benefits.own_catalogue")}
                    </a>
                </li>
                <li class="nav-item">
                    <a class="nav-link" class:active=shared aria-current=shared.then_some("page") href="/benefits?shared=true">
                        {ui.t("benefits.national")}
                    </a>
                </li>
            </ul>
        })}
        <div class="card-wrapper mb-4">
            <div class="card shadow-sm"><div class="card-body">
                <h2 class="h4">{ui.t("benefits.rules")}</h2>
                <p id="rules-state">{rules_state}</p>
                <a class="btn btn-outline-primary" href=link("/benefits/rules", shared)>{ui.t("benefits.edit_rules")}</a>
            </div></div>
        </div>
        <ErrorAlert error/>
        {if c.entries.is_empty() {
            view! { <p>{ui.t("benefits.no_entries")}</p> }.into_any()
        } else {
            view! {
                <Scrolls label="benefits.entries"><table class="table" id="benefit-entries">
                    <caption class="visually-hidden">{ui.t("benefits.entries")}</caption>
                    <thead><tr>
                        <th scope="col">{ui.t("field.name")}</th>
                        <th scope="col">{ui.t("benefits.field.category")}</th>
                        <th scope="col">{ui.t("benefits.field.level")}</th>
                        <th scope="col">{ui.t("benefits.field.status")}</th>
                        <th scope="col">{ui.t("common.actions")}</th>
                    </tr></thead>
                    <tbody>
                        {c.entries.into_iter().map(|e| {
                            let has_rule = published_rules.contains(&e.fields.code);
                            entry_row(e, shared, has_rule, set_status)
                        }).collect_view()}
                    </tbody>
                </table></Scrolls>
            }.into_any()
        }}
    }
}

fn entry_row(e: EntryOut, shared: bool, has_rule: bool, set_status: Submission<SetBenefitStatus>) -> impl IntoView {
    let ui = use_ui();
    let status = EntryStatus::from_code(&e.status);
    let tone = match status {
        Some(EntryStatus::Published) => Tone::Good,
        Some(EntryStatus::Retired) => Tone::Done,
        _ => Tone::Waiting,
    };
    // What can be done from here: publish a draft (when its rule is published), retire
    // a published entry, bring a retired one back as a draft.
    use EntryStatus::{Draft, Published, Retired};
    let next: Vec<(EntryStatus, &'static str)> = match status {
        Some(Draft) if has_rule => vec![(Published, "benefits.publish"), (Retired, "benefits.retire")],
        Some(Draft) => vec![(Retired, "benefits.retire")],
        Some(Published) => vec![(Retired, "benefits.retire"), (Draft, "benefits.unpublish")],
        _ => vec![(Draft, "benefits.restore")],
    };
    let name = e.fields.name_it.clone();
    view! {
        <tr data-code=e.fields.code.clone()>
            <td>
                <a href=link(&format!("/benefits/entries/{}", e.id), shared)>{name.clone()}</a>
                <div class="small text-muted"><code>{e.fields.code.clone()}</code></div>
                {e.fields.to_verify.then(|| view! { <span class="badge bg-warning text-dark">{ui.t("benefits.to_verify")}</span> })}
                {(!has_rule).then(|| view! { <div class="small">{ui.t("benefits.rule_not_published")}</div> })}
            </td>
            <td>{ui.t(&category_key(&e.fields.category))}</td>
            <td>{ui.t(&level_key(&e.fields.level))}</td>
            <td>{status_badge(tone, ui.t(&status_key(&e.status)))}</td>
            <td>
                {next.into_iter().map(|(status, label)| {
                    let described = format!("{}: {}", ui.t(label), name);
                    let (id, shared) = (e.id.to_string(), shared.to_string());
                    view! {
                        <SaveForm action=set_status attr:class="d-inline">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="shared" value=shared/>
                            <input type="hidden" name="status" value=status.code()/>
                            <button type="submit" class="btn btn-outline-primary btn-xs me-1" aria-label=described>{ui.t(label)}</button>
                        </SaveForm>
                    }
                }).collect_view()}
            </td>
        </tr>
    }
}

/// `/benefits/rules`: the draft rules and test cases, their check, and publishing.
#[component]
pub fn BenefitRules() -> impl IntoView {
    let ui = use_ui();
    let shared = shared_param();
    let catalogue = Resource::new(shared, benefit_catalogue);
    view! {
        <SignedIn>
            <p><a href=move || link("/benefits", shared())>{move || ui.t("benefits.back")}</a></p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match catalogue.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(c) => view! {
                            <h1 class="h2 mb-3">{ui.tf("benefits.rules_title", &[("owner", c.owner_name.as_str())])}</h1>
                            <p>{ui.t("benefits.rules_help")}</p>
                            {rules_guide()}
                            <RulesEditor lang=ui.lang() catalogue=c/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// The check, publishing, and the editors; read again after a save or a publication.
#[island]
fn RulesEditor(lang: Lang, catalogue: CatalogueOut) -> impl IntoView {
    let ui = island_ui(lang);
    let shared = catalogue.shared;
    let catalogue = RwSignal::new(catalogue);
    let save = Submission::<SaveBenefitRules>::new();
    let publish = Submission::<PublishBenefitRules>::new();
    let (saved, published) = (save.successes(), publish.successes());
    let (save_error, publish_error) = (save.error(), publish.error());
    catalogue_again(shared, move || saved.get() + published.get(), move |fresh| catalogue.set(fresh));
    view! {
        {move || publish.succeeded().get().then(|| view! {
            <div class="alert alert-success" role="status">{ui.t("benefits.rules_published")}</div>
        })}
        <ErrorAlert error=publish_error/>
        {move || rules_view(catalogue.get(), save, save_error, publish)}
    }
}

fn rules_view(
    c: CatalogueOut,
    save: Submission<SaveBenefitRules>,
    save_error: Signal<Option<crate::api::UiError>>,
    publish: Submission<PublishBenefitRules>,
) -> impl IntoView {
    let ui = use_ui();
    let (shared, version) = (c.shared.to_string(), c.rulebook.version.to_string());
    let (shared2, version2) = (shared.clone(), version.clone());
    let can_publish = c.check.publishable() && c.rulebook.version > 0 && c.rulebook.unpublished_changes;
    let invalid =
        move |field: &'static str| move || save_error.get().and_then(|e| e.field(field)).is_some().to_string();
    view! {
        <section aria-labelledby="check-title" class="mb-4" id="rules-check">
            <h2 class="h4" id="check-title">{ui.t("benefits.check")}</h2>
            {check_view(&c.check)}
            {c.rulebook.unpublished_changes.then(|| view! { <p>{ui.t("benefits.unpublished_changes")}</p> })}
            <SaveForm action=publish>
                <input type="hidden" name="shared" value=shared2/>
                <input type="hidden" name="version" value=version2/>
                <button type="submit" class="btn btn-success" disabled=!can_publish>{ui.t("benefits.publish_rules")}</button>
            </SaveForm>
        </section>
        <ErrorAlert error=save_error/>
        <SaveForm action=save attr:id="rules-form" attr:class="mt-4">
            <input type="hidden" name="shared" value=shared/>
            <input type="hidden" name="version" value=version/>
            <div class="form-group mb-4">
                <label for="rules-draft" class="active">{ui.t("benefits.field.draft")}</label>
                <textarea id="rules-draft" name="draft" class="form-control font-monospace" rows="24" spellcheck="false"
                    aria-invalid=invalid("draft") aria-describedby="draft-error">{c.rulebook.draft}</textarea>
                <FieldMessage error=save_error field="draft"/>
            </div>
            <div class="form-group mb-4">
                <label for="rules-tests" class="active">{ui.t("benefits.field.tests")}</label>
                <textarea id="rules-tests" name="tests" class="form-control font-monospace" rows="16" spellcheck="false"
                    aria-invalid=invalid("tests") aria-describedby="tests-error">{c.rulebook.tests}</textarea>
                <FieldMessage error=save_error field="tests"/>
            </div>
            <button type="submit" class="btn btn-primary">{ui.t("benefits.save_and_check")}</button>
        </SaveForm>
    }
}

/// How rules and test cases are written: their shape, an example that passes its cases,
/// and every fact a rule may read (the engine's own list, so never out of date).
fn rules_guide() -> impl IntoView {
    use eligibility::facts::{Kind, Scope, FACTS};
    let ui = use_ui();
    let lang = match ui.lang() {
        types::Lang::It => eligibility::Lang::It,
        types::Lang::En => eligibility::Lang::En,
    };
    let facts = FACTS
        .iter()
        .map(|f| {
            let kind = match f.kind {
                Kind::Number { min, max } => {
                    ui.tf("benefits.guide.kind_number", &[("min", &min.to_string()), ("max", &max.to_string())])
                }
                Kind::Money => ui.t("benefits.guide.kind_money"),
                Kind::Bool => ui.t("benefits.guide.kind_bool"),
                Kind::Code(codes) => ui.tf("benefits.guide.kind_code", &[("codes", &codes.join(", "))]),
                Kind::Text => ui.t("benefits.guide.kind_text"),
                Kind::Date => ui.t("benefits.guide.kind_date"),
            };
            let scope = if f.scope == Scope::Member { "benefits.guide.member" } else { "benefits.guide.household" };
            view! { <tr><td><code>{f.name}</code></td><td>{f.label(lang)}</td><td>{ui.t(scope)}</td><td>{kind}</td></tr> }
        })
        .collect_view();
    view! {
        <details class="mb-4" id="rules-guide">
            <summary class="h6">{ui.t("benefits.guide.title")}</summary>
            <p class="mt-2">{ui.t("benefits.guide.shape")}</p>
            <pre class="bg-light p-2 small"><code>{eligibility::rules::EXAMPLE}</code></pre>
            <p>{ui.t("benefits.guide.conditions")}</p>
            <p>{ui.t("benefits.guide.amounts")}</p>
            <p>{ui.t("benefits.guide.tests")}</p>
            <pre class="bg-light p-2 small"><code>{eligibility::cases::EXAMPLE}</code></pre>
            <Scrolls label="benefits.guide.facts"><table class="table table-sm">
                    <caption>{ui.t("benefits.guide.facts")}</caption>
                    <thead><tr>
                        <th scope="col">{ui.t("benefits.guide.fact")}</th>
                        <th scope="col">{ui.t("benefits.guide.meaning")}</th>
                        <th scope="col">{ui.t("benefits.guide.of")}</th>
                        <th scope="col">{ui.t("benefits.guide.values")}</th>
                    </tr></thead>
                    <tbody>{facts}</tbody>
                </table>
            </Scrolls>
        </details>
    }
}

/// The check of the saved draft, in words.
fn check_view(check: &RulebookCheck) -> impl IntoView {
    let ui = use_ui();
    if let Some(error) = &check.error {
        return view! {
            <div class="alert alert-danger" role="alert" data-check="broken">
                <p class="m-0">{ui.t("benefits.check_broken")}</p>
                <p class="m-0 font-monospace">{error.clone()}</p>
            </div>
        }
        .into_any();
    }
    let state = if check.publishable() { "ok" } else { "failing" };
    let (cases, failed) = (check.cases.to_string(), check.failures.len().to_string());
    let summary = ui.tf("benefits.check_summary", &[("cases", cases.as_str()), ("failed", failed.as_str())]);
    let class = if check.publishable() { "alert alert-success" } else { "alert alert-warning" };
    let list = |key: &str, items: &[String]| {
        (!items.is_empty()).then(|| view! { <p>{ui.t(key)} " " <code>{items.join(", ")}</code></p> })
    };
    view! {
        <div class=class role="status" data-check=state>
            <p>{summary}</p>
            {(!check.failures.is_empty()).then(|| view! {
                <ul>
                    {check.failures.iter().map(|f| view! {
                        <li><strong>{f.test.clone()}</strong> " · " <code>{f.benefit.clone()}</code> ": " {f.message.clone()}</li>
                    }).collect_view()}
                </ul>
            })}
            {list("benefits.check_untested", &check.untested)}
            {list("benefits.check_orphaned", &check.orphaned)}
        </div>
    }
    .into_any()
}

/// `/benefits/entries/new` and `/benefits/entries/:id`.
#[component]
pub fn BenefitEntryEditor() -> impl IntoView {
    let ui = use_ui();
    let shared = shared_param();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let data = Resource::new(move || (id(), shared()), |(id, shared)| entry_data(id, shared));
    view! {
        <SignedIn>
            <p><a href=move || link("/benefits", shared())>{move || ui.t("benefits.back")}</a></p>
            <h1 class="h2 mb-4">{move || ui.t(if id().is_some() { "benefits.edit_entry" } else { "benefits.new_entry" })}</h1>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok((catalogue, entry)) => view! { <EntryEditor lang=ui.lang() id=id() catalogue entry/> }.into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// The catalogue an entry's form chooses from, and the entry (`None` for a new one).
async fn entry_data(id: Option<i64>, shared: bool) -> Result<(CatalogueOut, Option<EntryOut>), crate::api::UiError> {
    let catalogue = benefit_catalogue(shared).await?;
    let entry = match id {
        Some(id) => Some(benefit_entry(id, shared).await?),
        None => None,
    };
    Ok((catalogue, entry))
}

/// The entry's form; read again after a save (the next edit starts from its version).
#[island]
fn EntryEditor(lang: Lang, id: Option<i64>, catalogue: CatalogueOut, entry: Option<EntryOut>) -> impl IntoView {
    let ui = island_ui(lang);
    let shared = catalogue.shared;
    let data = RwSignal::new((catalogue, entry));
    let save = Submission::<SaveBenefitEntry>::new();
    let error = save.error();
    let saved = save.successes();
    catalogue_again(shared, move || saved.get(), move |fresh| data.update(|(catalogue, _)| *catalogue = fresh));
    if let Some(id) = id {
        let fields = move || vec![("id", id.to_string()), ("shared", shared.to_string())];
        read_again::<BenefitEntry>(
            move || saved.get(),
            fields,
            move |fresh| data.update(|(_, entry)| *entry = Some(fresh)),
        );
    }
    view! {
        {move || save.value().get().and_then(Result::ok).map(|e| view! {
            <div class="alert alert-success" role="status">
                {ui.t("benefits.entry_saved")} " "
                <a href=link(&format!("/benefits/entries/{}", e.id), shared)>{e.fields.name_it.clone()}</a>
            </div>
        })}
        <ErrorAlert error/>
        {move || {
            let (c, e) = data.get();
            entry_form(c, e, save, error)
        }}
    }
}

fn entry_form(
    c: CatalogueOut,
    e: Option<EntryOut>,
    save: Submission<SaveBenefitEntry>,
    error: Signal<Option<crate::api::UiError>>,
) -> impl IntoView {
    let ui = use_ui();
    let f = e.as_ref().map(|e| e.fields.clone()).unwrap_or_default();
    // The benefits an entry can describe: those of the rules, drafted or published, that
    // no other entry describes.
    let mut codes = c.rulebook.draft_benefits.clone();
    codes.extend(c.rulebook.published_benefits.iter().filter(|b| !c.rulebook.draft_benefits.contains(b)).cloned());
    codes.retain(|code| *code == f.code || !c.entries.iter().any(|other| other.fields.code == *code));
    if !f.code.is_empty() && !codes.contains(&f.code) {
        codes.push(f.code.clone());
    }
    let no_free_rule =
        codes.is_empty().then(|| view! { <p class="alert alert-info">{ui.t("benefits.no_free_rule")}</p> });
    // Every text field's label is `benefits.field.<name>`.
    let text = move |id: &'static str, name: &'static str, value: Option<String>, long: bool| {
        let message_id = format!("{name}-error");
        let invalid = move || error.get().and_then(|e| e.field(name)).is_some().to_string();
        let control = if long {
            view! {
                <textarea id=id name=name class="form-control" rows="3" aria-invalid=invalid
                    aria-describedby=message_id.clone()>{value.unwrap_or_default()}</textarea>
            }
            .into_any()
        } else {
            view! {
                <input type="text" id=id name=name class="form-control" value=value.unwrap_or_default()
                    aria-invalid=invalid aria-describedby=message_id.clone()/>
            }
            .into_any()
        };
        view! {
            <div class="form-group mb-4 col-md-6">
                <label for=id class="active">{ui.t(&format!("benefits.field.{name}"))}</label>
                {control}
                <FieldMessage error field=name id=message_id/>
            </div>
        }
    };
    let select = move |id: &'static str,
                       name: &'static str,
                       label: &'static str,
                       options: Vec<(String, String)>,
                       current: String| {
        view! {
            <div class="form-group mb-4 col-md-4">
                <label for=id class="active">{ui.t(label)}</label>
                <select id=id name=name class="form-select" aria-describedby=format!("{name}-error")>
                    <option value="">{ui.t("common.choose")}</option>
                    {options.into_iter().map(|(value, text)| {
                        let selected = value == current;
                        view! { <option value=value selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
                <FieldMessage error field=name/>
            </div>
        }
    };
    let code_options = codes.into_iter().map(|c| (c.clone(), c)).collect();
    let level_options = LEVELS.iter().map(|l| (l.to_string(), ui.t(&level_key(l)))).collect();
    let category_options = CATEGORIES.iter().map(|k| (k.to_string(), ui.t(&category_key(k)))).collect();
    // Each text in Italian (required) and English, side by side: (field, value, long).
    let pairs = [
        (("name_it", Some(f.name_it.clone())), ("name_en", f.name_en.clone()), false),
        (("summary_it", Some(f.summary_it.clone())), ("summary_en", f.summary_en.clone()), true),
        (("who_it", Some(f.who_it.clone())), ("who_en", f.who_en.clone()), true),
        (("amount_it", Some(f.amount_it.clone())), ("amount_en", f.amount_en.clone()), true),
        (("how_to_apply_it", Some(f.how_to_apply_it.clone())), ("how_to_apply_en", f.how_to_apply_en.clone()), true),
    ];
    view! {
        {no_free_rule}
        <SaveForm action=save attr:id="entry-form">
            {e.as_ref().map(|e| view! { <input type="hidden" name="id" value=e.id.to_string()/> })}
            <input type="hidden" name="shared" value=c.shared.to_string()/>
            <input type="hidden" name="version" value=e.as_ref().map(|e| e.version).unwrap_or(0).to_string()/>
            <div class="row">
                {select("be-code", "code", "benefits.field.code", code_options, f.code.clone())}
                {select("be-level", "level", "benefits.field.level", level_options, f.level.clone())}
                {select("be-category", "category", "benefits.field.category", category_options, f.category.clone())}
            </div>
            <div class="row">
                {pairs.into_iter().map(|((it, it_value), (en, en_value), long)| view! {
                    {text(it, it, it_value, long)}
                    {text(en, en, en_value, long)}
                }).collect_view()}
            </div>
            <div class="row">
                {text("be-apply_url", "apply_url", f.apply_url.clone(), false)}
                {text("be-legal_reference", "legal_reference", Some(f.legal_reference.clone()), false)}
                {text("be-figures_year", "figures_year", f.figures_year.map(|y| y.to_string()), false)}
            </div>
            <div class="form-check mb-4">
                <input class="form-check-input" type="checkbox" id="be-to_verify" name="to_verify" value="true" checked=f.to_verify/>
                <label class="form-check-label" for="be-to_verify">{ui.t("benefits.field.to_verify")}</label>
            </div>
            <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
        </SaveForm>
    }
}
