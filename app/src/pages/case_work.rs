//! The work on a case, on its page: assessments, the individual plan (PAI) with its
//! status history and reviews, and the interventions delivered with the total spent;
//! an intervention is corrected on a page of its own, so the case page does not carry a
//! form for each one. The server draws it all; each form is a `PostForm`, which keeps
//! what was typed when the server refuses it, names the field, and loads the page again
//! (or says it saved) after a success.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{Scrolls, SignedIn};
use types::contacts::code_key;
use types::plans::{
    funding_key, status_key, unit_key, CaseWorkOut, InterventionOut, PlanOut, PlanStatus, FUNDING, INTERVENTION_TYPES,
    UNITS,
};

use crate::api::plans::{case_work, AddAssessment, RecordIntervention, ReviewPlan, SavePlan};
use crate::islands::{refused_field, After, FieldError, FormError, Post, PostForm};
use crate::use_ui;

/// One labelled input or textarea of these forms, with its error message.
#[component]
fn Input(
    id: String,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] required: bool,
    #[prop(default = "col-md-6")] class: &'static str,
) -> impl IntoView {
    let ui = use_ui();
    let message_id = format!("{id}-error");
    let invalid = refused_field(name).is_some().to_string();
    let control = if kind == "textarea" {
        view! {
            <textarea id=id.clone() name=name class="form-control" rows="3" maxlength="4000" required=required
                aria-invalid=invalid.clone() aria-describedby=message_id.clone()>{value}</textarea>
        }
        .into_any()
    } else {
        let mode = (name == "cost" || name == "quantity").then_some("decimal");
        view! {
            <input type=kind id=id.clone() name=name class="form-control" value=value required=required inputmode=mode
                aria-invalid=invalid aria-describedby=message_id.clone()/>
        }
        .into_any()
    };
    view! {
        <div class=format!("form-group mb-3 {class}")>
            <label for=id.clone() class="active">{ui.t(label)}</label>
            {control}
            <FieldError field=name.to_string() id=message_id input=id/>
        </div>
    }
}

/// A select of codes, "choose" first, with its error message.
#[component]
fn Codes(
    id: String,
    name: &'static str,
    label: &'static str,
    codes: &'static [&'static str],
    key: fn(&str) -> String,
    #[prop(optional, into)] selected: String,
    #[prop(default = "col-md-6")] class: &'static str,
) -> impl IntoView {
    let ui = use_ui();
    let message_id = format!("{id}-error");
    view! {
        <div class=format!("form-group mb-3 {class}")>
            <label for=id.clone() class="active">{ui.t(label)}</label>
            <select id=id.clone() name=name class="form-select" aria-describedby=message_id.clone()
                aria-invalid=refused_field(name).is_some().to_string()>
                <option value="">{ui.t("common.choose")}</option>
                {codes.iter().map(|c| view! { <option value=*c selected=selected == *c>{ui.t(&key(c))}</option> }).collect_view()}
            </select>
            <FieldError field=name.to_string() id=message_id input=id/>
        </div>
    }
}

fn intervention_key(code: &str) -> String {
    code_key("request_type", code)
}

/// The work section of the case page.
pub fn work_view(case_id: i64, w: CaseWorkOut) -> impl IntoView {
    let ui = use_ui();
    let (id, id_plan, id_record) = (case_id.to_string(), case_id.to_string(), case_id.to_string());
    let assessments = w.assessments.into_iter().map(|x| view! {
        <article class="card card-bg mb-3"><div class="card-body">
            <h4 class="h6">{ui.tf("work.assessment_of", &[("date", &ui.date(&x.assessed_on)), ("by", &x.author_name)])}</h4>
            <dl class="row mb-0">
                <dt class="col-sm-3">{ui.t("work.problems")}</dt><dd class="col-sm-9">{x.problems}</dd>
                <dt class="col-sm-3">{ui.t("work.resources")}</dt><dd class="col-sm-9">{x.resources}</dd>
                <dt class="col-sm-3">{ui.t("work.summary")}</dt><dd class="col-sm-9">{x.summary}</dd>
                <dt class="col-sm-3">{ui.t("work.proposals")}</dt><dd class="col-sm-9">{x.proposals}</dd>
            </dl>
        </div></article>
    }).collect_view();
    let plan_ids = plan_choices(&w.plans);
    let plans = w.plans.into_iter().map(|p| plan_view(case_id, p)).collect_view();
    let total = types::i18n::euros(ui.lang(), w.total_cost_cents);
    let no_interventions = w.interventions.is_empty();
    let interventions = w.interventions.into_iter().map(|i| intervention_row(case_id, i)).collect_view();
    view! {
        <section id="case-work">
            <h2 class="h4 mt-4">{ui.t("work.assessments")}</h2>
            <div id="assessments">{assessments}</div>
            <details class="mb-4" id="new-assessment">
                <summary class="h6">{ui.t("work.new_assessment")}</summary>
                <PostForm to={Post::to::<AddAssessment>()} id="assessment-form">
                    <FormError lang=ui.lang()/>
                    <input type="hidden" name="id" value=id/>
                    <div class="row">
                        <Input id="as-date".into() name="assessed_on" label="work.assessed_on" kind="date"/>
                        <Input id="as-problems".into() name="problems" label="work.problems" kind="textarea" required=true class="col-12"/>
                        <Input id="as-resources".into() name="resources" label="work.resources" kind="textarea" class="col-12"/>
                        <Input id="as-summary".into() name="summary" label="work.summary" kind="textarea" required=true class="col-12"/>
                        <Input id="as-proposals".into() name="proposals" label="work.proposals" kind="textarea" class="col-12"/>
                    </div>
                    <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
                </PostForm>
            </details>

            <h2 class="h4 mt-4">{ui.t("work.plans")}</h2>
            <div id="plans">{plans}</div>
            <details class="mb-4" id="new-plan">
                <summary class="h6">{ui.t("work.new_plan")}</summary>
                <PostForm to={Post::to::<SavePlan>()} id="plan-form">
                    <FormError lang=ui.lang()/>
                    <input type="hidden" name="id" value=id_plan/>
                    {plan_fields("np".into(), None)}
                    <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
                </PostForm>
            </details>

            <h2 class="h4 mt-4">{ui.t("work.interventions")}</h2>
            <Scrolls label="work.interventions"><table class="table" id="interventions">
                    <caption class="visually-hidden">{ui.t("work.interventions")}</caption>
                    <thead><tr>
                        <th scope="col">{ui.t("work.kind")}</th>
                        <th scope="col">{ui.t("work.period")}</th>
                        <th scope="col">{ui.t("work.quantity")}</th>
                        <th scope="col">{ui.t("work.provider")}</th>
                        <th scope="col">{ui.t("work.funding")}</th>
                        <th scope="col" class="text-end">{ui.t("work.cost")}</th>
                        <th scope="col">{ui.t("common.actions")}</th>
                    </tr></thead>
                    <tbody>{interventions}{no_interventions.then(|| view! {
                        <tr><td colspan="7">{ui.t("work.no_interventions")}</td></tr>
                    })}</tbody>
                    <tfoot><tr>
                        <th scope="row" colspan="5">{ui.t("work.total")}</th>
                        <td class="text-end" id="total-cost"><strong>{total}</strong></td>
                        <td></td>
                    </tr></tfoot>
                </table>
            </Scrolls>
            <details class="mb-4" id="new-intervention">
                <summary class="h6">{ui.t("work.new_intervention")}</summary>
                <PostForm to={Post::to::<RecordIntervention>()} id="intervention-form">
                    <FormError lang=ui.lang()/>
                    <input type="hidden" name="id" value=id_record/>
                    {intervention_fields("iv", None, plan_ids)}
                    <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
                </PostForm>
            </details>
        </section>
    }
}

/// The plans an intervention may belong to, as a select's (value, label).
fn plan_choices(plans: &[PlanOut]) -> Vec<(String, String)> {
    let ui = use_ui();
    plans.iter().map(|p| (p.id.to_string(), ui.tf("work.plan_of", &[("date", &ui.date(&p.started_on))]))).collect()
}

/// The fields of a plan's form; `prefix` keeps ids unique on the page.
fn plan_fields(prefix: String, p: Option<&PlanOut>) -> impl IntoView {
    let text = |pick: fn(&PlanOut) -> String| p.map(pick).unwrap_or_default();
    view! {
        <div class="row">
            <Input id=format!("{prefix}-goals") name="goals" label="work.goals" kind="textarea" required=true class="col-12"
                value=text(|p| p.goals.clone())/>
            <Input id=format!("{prefix}-planned") name="planned" label="work.planned" kind="textarea" class="col-12"
                value=text(|p| p.planned.clone())/>
            <Input id=format!("{prefix}-resp") name="responsibilities" label="work.responsibilities" kind="textarea" class="col-12"
                value=text(|p| p.responsibilities.clone())/>
            <Input id=format!("{prefix}-start") name="started_on" label="work.started_on" kind="date"
                value=text(|p| p.started_on.clone())/>
            <Input id=format!("{prefix}-review") name="next_review_on" label="work.next_review_on" kind="date"
                value=text(|p| p.next_review_on.clone().unwrap_or_default())/>
        </div>
    }
}

fn plan_view(case_id: i64, p: PlanOut) -> impl IntoView {
    let ui = use_ui();
    // Every plan has its forms on the page: each shows only its own errors.
    let prefix = format!("plan-{}", p.id);
    let events = p
        .events
        .iter()
        .map(|e| {
            let what = match (&e.status, e.kind.as_str()) {
                (Some(s), _) => ui.tf("work.status_changed", &[("status", &ui.t(&status_key(s)))]),
                (None, _) => ui.t("work.reviewed"),
            };
            let note = e.note.clone().map(|n| format!(" — {n}")).unwrap_or_default();
            view! { <li>{format!("{} · {what} · {}{note}", e.on, e.by_name)}</li> }
        })
        .collect_view();
    let review = p.next_review_on.as_deref().map(|d| ui.date(d)).unwrap_or_else(|| "—".into());
    // Drawn inside their form, whose refusal they show.
    let edit_fields = {
        let (prefix, p) = (prefix.clone(), p.clone());
        move || plan_fields(prefix, Some(&p))
    };
    let (status_id, note_id) = (format!("{prefix}-status"), format!("{prefix}-note"));
    let (reviewed_id, next_id, notes_id) =
        (format!("{prefix}-reviewed"), format!("{prefix}-next"), format!("{prefix}-notes"));
    let (plan_id, version, status) = (p.id.to_string(), p.version.to_string(), p.status.clone());
    let plan_id_review = plan_id.clone();
    let title = ui.tf("work.plan_of", &[("date", &ui.date(&p.started_on))]);
    view! {
        <article class="card card-bg mb-3" id=prefix><div class="card-body">
            <div class="d-flex justify-content-between flex-wrap gap-2">
                <h3 class="h6 m-0">{title}</h3>
                <span class="badge bg-primary plan-status">{ui.t(&status_key(&p.status))}</span>
            </div>
            <dl class="row mb-0 mt-2">
                <dt class="col-sm-3">{ui.t("work.goals")}</dt><dd class="col-sm-9">{p.goals.clone()}</dd>
                <dt class="col-sm-3">{ui.t("work.planned")}</dt><dd class="col-sm-9">{p.planned.clone()}</dd>
                <dt class="col-sm-3">{ui.t("work.responsibilities")}</dt><dd class="col-sm-9">{p.responsibilities.clone()}</dd>
                <dt class="col-sm-3">{ui.t("work.next_review_on")}</dt><dd class="col-sm-9 plan-review">{review}</dd>
            </dl>
            <h4 class="h6 mt-2">{ui.t("work.plan_history")}</h4>
            <ul class="plan-history">{events}</ul>
            <details>
                <summary>{ui.t("work.edit_plan")}</summary>
                <PostForm to={Post::to::<SavePlan>()} class="plan-edit">
                    <FormError lang=ui.lang()/>
                    <input type="hidden" name="id" value=case_id.to_string()/>
                    <input type="hidden" name="plan_id" value=plan_id/>
                    <input type="hidden" name="version" value=version/>
                    {edit_fields()}
                    <div class="row">
                        <Codes id=status_id name="status" label="work.status" codes=PlanStatus::CODES key=status_key
                            selected=status/>
                        <Input id=note_id name="status_note" label="work.status_note"/>
                    </div>
                    <button type="submit" class="btn btn-outline-primary">{ui.t("action.save")}</button>
                </PostForm>
            </details>
            <details>
                <summary>{ui.t("work.review")}</summary>
                <PostForm to={Post::to::<ReviewPlan>()} class="plan-review-form">
                    <FormError lang=ui.lang()/>
                    <input type="hidden" name="id" value=case_id.to_string()/>
                    <input type="hidden" name="plan_id" value=plan_id_review/>
                    <div class="row">
                        <Input id=reviewed_id name="reviewed_on" label="work.reviewed_on" kind="date"/>
                        <Input id=next_id name="next_review_on" label="work.next_review_on" kind="date"/>
                        <Input id=notes_id name="notes" label="work.review_notes" kind="textarea" required=true class="col-12"/>
                    </div>
                    <button type="submit" class="btn btn-outline-primary">{ui.t("action.save")}</button>
                </PostForm>
            </details>
        </div></article>
    }
}

/// The fields of an intervention's form, empty or as `i` has them; `prefix` keeps ids
/// unique on the page.
fn intervention_fields(prefix: &str, i: Option<&InterventionOut>, plan_ids: Vec<(String, String)>) -> impl IntoView {
    let ui = use_ui();
    let id = |field: &str| format!("{prefix}-{field}");
    let text = |pick: fn(&InterventionOut) -> Option<String>| i.and_then(pick).unwrap_or_default();
    // As people type them: `12,5` hours, `450,00` euros.
    let quantity = text(|i| i.quantity.clone()).replace('.', ",");
    let cost = i.map(|i| format!("{},{:02}", i.cost_cents / 100, i.cost_cents % 100)).unwrap_or_default();
    let plan = i.and_then(|i| i.plan_id).map(|p| p.to_string()).unwrap_or_default();
    let plan_select = id("plan");
    view! {
        <div class="row">
            <Codes id=id("kind") name="kind" label="work.kind" codes=&INTERVENTION_TYPES key=intervention_key
                selected=text(|i| Some(i.kind.clone()))/>
            <Input id=id("description") name="description" label="work.description" value=text(|i| i.description.clone())/>
            <Input id=id("start") name="started_on" label="work.started_on" kind="date" required=true
                value=text(|i| Some(i.started_on.clone()))/>
            <Input id=id("end") name="ended_on" label="work.ended_on" kind="date" value=text(|i| i.ended_on.clone())/>
            <Input id=id("quantity") name="quantity" label="work.quantity" class="col-md-3" value=quantity/>
            <Codes id=id("unit") name="unit" label="work.unit" codes=UNITS key=unit_key class="col-md-3"
                selected=text(|i| i.unit.clone())/>
            <Input id=id("cost") name="cost" label="work.cost" class="col-md-3" value=cost/>
            <Codes id=id("funding") name="funding" label="work.funding" codes=FUNDING key=funding_key class="col-md-3"
                selected=text(|i| i.funding.clone())/>
            <Input id=id("provider") name="provider_name" label="work.provider" value=text(|i| i.provider_name.clone())/>
            <div class="form-group mb-3 col-md-6">
                <label for=plan_select.clone() class="active">{ui.t("work.plan")}</label>
                <select id=plan_select name="plan_id" class="form-select">
                    <option value="">{ui.t("common.choose")}</option>
                    {plan_ids.into_iter().map(|(v, label)| {
                        let selected = v == plan;
                        view! { <option value=v selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
        </div>
    }
}

/// `/cases/:id/interventions/:intervention`: one intervention's correction form.
#[component]
pub fn InterventionPage() -> impl IntoView {
    let ui = use_ui();
    let params = use_params_map();
    let number = move |key: &str| params.read().get(key).and_then(|i| i.parse::<i64>().ok()).unwrap_or_default();
    let work = Resource::new(move || number("id"), case_work);
    view! {
        <SignedIn>
            <p><a href=move || format!("/cases/{}", number("id"))>{move || ui.t("cases.back_to_case")}</a></p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let shown = work.await.map_err(|e| e.message(ui.lang())).and_then(|w| {
                        let i = w.interventions.iter().find(|i| i.id.0 == number("intervention"));
                        i.map(|i| intervention_edit(number("id"), i, plan_choices(&w.plans)))
                            .ok_or_else(|| ui.t("error.not_found"))
                    });
                    match shown {
                        Ok(form) => form.into_any(),
                        Err(message) => view! { <div class="alert alert-warning" role="alert">{message}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// An intervention's correction form.
fn intervention_edit(case_id: i64, i: &InterventionOut, plan_ids: Vec<(String, String)>) -> impl IntoView {
    let ui = use_ui();
    let title = ui.tf(
        "work.edit_intervention",
        &[("kind", &ui.t(&intervention_key(&i.kind))), ("date", &ui.date(&i.started_on))],
    );
    let fields = intervention_fields("iv", Some(i), plan_ids);
    let (version, this) = (i.version.to_string(), i.id.0.to_string());
    view! {
        <h1 id="intervention-title">{title}</h1>
        <PostForm to={Post::to::<RecordIntervention>()} id="intervention-form" labelledby="intervention-title"
            then=After::say(ui.t("work.intervention_corrected"))>
            <FormError lang=ui.lang()/>
            <input type="hidden" name="id" value=case_id.to_string()/>
            <input type="hidden" name="intervention_id" value=this/>
            <input type="hidden" name="version" value=version/>
            {fields}
            <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
        </PostForm>
    }
}

fn intervention_row(case_id: i64, i: InterventionOut) -> impl IntoView {
    let ui = use_ui();
    let period = match &i.ended_on {
        Some(end) => format!("{} → {}", ui.date(&i.started_on), ui.date(end)),
        None => ui.tf("work.since", &[("date", &ui.date(&i.started_on))]),
    };
    let quantity = match (&i.quantity, &i.unit) {
        (Some(q), Some(u)) => types::i18n::quantity(ui.lang(), &format!("plan.quantity.{u}"), q),
        _ => String::new(),
    };
    let description = i.description.clone().map(|d| format!(" — {d}")).unwrap_or_default();
    view! {
        <tr>
            <td>{ui.t(&intervention_key(&i.kind))}{description}</td>
            <td>{period}</td>
            <td>{quantity}</td>
            <td>{i.provider_name.clone().unwrap_or_default()}</td>
            <td>{i.funding.as_deref().map(|f| ui.t(&funding_key(f))).unwrap_or_default()}</td>
            <td class="text-end">{types::i18n::euros(ui.lang(), i.cost_cents)}</td>
            <td><a href=format!("/cases/{case_id}/interventions/{}", i.id.0)>{ui.t("work.correct")}
                <span class="visually-hidden">{format!(" {}", ui.tf("work.intervention_of", &[("date", &ui.date(&i.started_on))]))}</span>
            </a></td>
        </tr>
    }
}
