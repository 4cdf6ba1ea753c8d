//! Handing a case on. On the case page, its workers see the referrals and transfers of
//! the case and send new ones; `/referrals` is the third-sector operator's list of cases
//! referred to them, to accept or decline; `/transfers` is where a tenant admin decides
//! on cases other tenants propose.

use leptos::prelude::*;
use types::cases::SECTIONS;
use types::directory::area_key;
use types::referrals::{CaseHandovers, HandoverChoices, HandoverStatus, ReferralOut, TransferOut};

use super::SignedIn;
use super::{status_badge, Scrolls, Tone};
use crate::api::cases::case_workers;
use crate::api::referrals::{
    incoming_transfers, received_referrals, DecideReferral, DecideTransfer, EndReferral, ProposeTransfer, ReferCase,
};
use crate::islands::{FieldError, FormError, Post, PostForm};
use crate::use_ui;

fn handover_badge(status: &str) -> impl IntoView {
    let tone = match HandoverStatus::from_code(status) {
        Some(HandoverStatus::Pending) => Tone::Waiting,
        Some(HandoverStatus::Accepted) => Tone::Good,
        _ => Tone::Done,
    };
    status_badge(tone, use_ui().t(&format!("handover.status.{status}")))
}

fn section_names(codes: &[String]) -> String {
    let ui = use_ui();
    codes.iter().map(|c| ui.t(&format!("case.section.{c}"))).collect::<Vec<_>>().join(", ")
}

/// A fieldset of section checkboxes (those the worker may open), `sections[i]`.
fn section_picks(prefix: &'static str, readable: Vec<String>) -> impl IntoView {
    let ui = use_ui();
    let message_id = format!("{prefix}-sections-error");
    let described = message_id.clone();
    view! {
        <fieldset class="mb-3" aria-describedby=described>
            <legend class="h6">{ui.t("handover.sections")}</legend>
            {SECTIONS.iter().enumerate().filter(|(_, s)| readable.iter().any(|r| r == s.code)).map(|(i, s)| {
                let id = format!("{prefix}-sec-{}", s.code);
                view! {
                    <div class="form-check form-check-inline">
                        <input type="checkbox" id=id.clone() name=format!("sections[{i}]") value=s.code/>
                        <label for=id>{ui.t(&s.label_key())}</label>
                    </div>
                }
            }).collect_view()}
            <FieldError field="sections".to_string() id=message_id/>
        </fieldset>
    }
}

/// A labelled select of choices, "choose" first, with its error message.
fn choice_select(id: String, name: &'static str, label: &'static str, options: Vec<(String, String)>) -> impl IntoView {
    let ui = use_ui();
    let message_id = format!("{id}-error");
    view! {
        <div class="form-group mb-3 col-md-6">
            <label for=id.clone() class="active">{ui.t(label)}</label>
            <select id=id.clone() name=name class="form-select" aria-describedby=message_id.clone()>
                <option value="">{ui.t("common.choose")}</option>
                {options.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
            </select>
            <FieldError field=name.to_string() id=message_id input=id/>
        </div>
    }
}

fn reason_field(id: &'static str) -> impl IntoView {
    let ui = use_ui();
    let message_id = format!("{id}-error");
    view! {
        <div class="form-group mb-3">
            <label for=id class="active">{ui.t("handover.reason")}</label>
            <textarea id=id name="reason" class="form-control" rows="3" maxlength="2000" required=true
                aria-describedby=message_id.clone()></textarea>
            <FieldError field="reason".to_string() id=message_id input=id.to_string()/>
        </div>
    }
}

/// The handover part of the case page (its workers only).
pub fn handovers_view(
    case_id: i64,
    readable: Vec<String>,
    h: CaseHandovers,
    choices: HandoverChoices,
) -> impl IntoView {
    let ui = use_ui();
    let id = case_id.to_string();
    let no_referrals = h.referrals.is_empty();
    let referrals = h
        .referrals
        .into_iter()
        .map(|r| {
            let open = matches!(
                HandoverStatus::from_code(&r.status),
                Some(HandoverStatus::Pending | HandoverStatus::Accepted)
            );
            let (case, referral) = (case_id.to_string(), r.id.to_string());
            view! {
                <tr>
                    <td>{r.organization_name}<br/><small>{r.operator_name}</small></td>
                    <td>{section_names(&r.sections)}</td>
                    <td>{handover_badge(&r.status)}{r.decision_note.map(|n| view! { <br/><small>{n}</small> })}</td>
                    <td>{ui.date(&r.sent_at)}<br/><small>{r.sent_by_name}</small></td>
                    <td>{open.then(|| view! {
                        <PostForm to={Post::to::<EndReferral>()}>
                            <FormError lang=ui.lang()/>
                            <input type="hidden" name="id" value=case/>
                            <input type="hidden" name="referral_id" value=referral/>
                            <button type="submit" class="btn btn-outline-danger btn-xs">{ui.t("handover.end")}</button>
                        </PostForm>
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    let no_transfers = h.transfers.is_empty();
    let transfers = h
        .transfers
        .into_iter()
        .map(|t| {
            view! {
                <tr>
                    <td>{t.to_tenant}</td>
                    <td>{section_names(&t.sections)}</td>
                    <td>{handover_badge(&t.status)}{t.decision_note.map(|n| view! { <br/><small>{n}</small> })}</td>
                    <td>{ui.date(&t.sent_at)}<br/><small>{t.sent_by_name}</small></td>
                </tr>
            }
        })
        .collect_view();
    let operators = choices.operators.iter().map(|c| (c.id.to_string(), c.name.clone())).collect();
    let organizations = choices.organizations.iter().map(|c| (c.id.to_string(), c.name.clone())).collect();
    let tenants = choices.tenants.iter().map(|t| (t.slug.clone(), t.name.clone())).collect();
    let transfer_id = id.clone();
    let transfer_readable = readable.clone();
    view! {
        <section id="case-handovers">
            <h2 class="h4 mt-4">{ui.t("handover.title")}</h2>
            <Scrolls label="handover.referrals"><table class="table" id="referrals">
                    <caption>{ui.t("handover.referrals")}</caption>
                    <thead><tr>
                        <th scope="col">{ui.t("handover.organization")}</th>
                        <th scope="col">{ui.t("handover.sections")}</th>
                        <th scope="col">{ui.t("handover.status")}</th>
                        <th scope="col">{ui.t("handover.sent")}</th>
                        <th scope="col"><span class="visually-hidden">{ui.t("handover.end")}</span></th>
                    </tr></thead>
                    <tbody>{referrals}{no_referrals.then(|| view! {
                        <tr><td colspan="5">{ui.t("handover.no_referrals")}</td></tr>
                    })}</tbody>
                </table>
            </Scrolls>
            <Scrolls label="handover.transfers"><table class="table" id="transfers">
                    <caption>{ui.t("handover.transfers")}</caption>
                    <thead><tr>
                        <th scope="col">{ui.t("handover.to_tenant")}</th>
                        <th scope="col">{ui.t("handover.sections")}</th>
                        <th scope="col">{ui.t("handover.status")}</th>
                        <th scope="col">{ui.t("handover.sent")}</th>
                    </tr></thead>
                    <tbody>{transfers}{no_transfers.then(|| view! {
                        <tr><td colspan="4">{ui.t("handover.no_transfers")}</td></tr>
                    })}</tbody>
                </table>
            </Scrolls>
            <details class="mb-4" id="new-referral">
                <summary class="h6">{ui.t("handover.new_referral")}</summary>
                <p class="small">{ui.t("handover.referral_help")}</p>
                <PostForm to={Post::to::<ReferCase>()} id="referral-form">
                    <FormError lang=ui.lang()/>
                    <input type="hidden" name="id" value=id/>
                    <div class="row">
                        {choice_select("ref-organization".into(), "organization_id", "handover.organization", organizations)}
                        {choice_select("ref-operator".into(), "user_id", "handover.operator", operators)}
                    </div>
                    {section_picks("ref", readable)}
                    {reason_field("ref-reason")}
                    <button type="submit" class="btn btn-primary">{ui.t("handover.send")}</button>
                </PostForm>
            </details>
            <details class="mb-4" id="new-transfer">
                <summary class="h6">{ui.t("handover.new_transfer")}</summary>
                <p class="small">{ui.t("handover.transfer_help")}</p>
                <PostForm to={Post::to::<ProposeTransfer>()} id="transfer-form">
                    <FormError lang=ui.lang()/>
                    <input type="hidden" name="id" value=transfer_id/>
                    <div class="row">
                        {choice_select("tr-tenant".into(), "to_tenant", "handover.to_tenant", tenants)}
                    </div>
                    {section_picks("tr", transfer_readable)}
                    {reason_field("tr-reason")}
                    <button type="submit" class="btn btn-primary">{ui.t("handover.propose")}</button>
                </PostForm>
            </details>
        </section>
    }
}

/// Accept / decline radios and a note: the receiving side's answer.
fn decision_fields(prefix: String) -> impl IntoView {
    let ui = use_ui();
    let (accept, decline, note) = (format!("{prefix}-accept"), format!("{prefix}-decline"), format!("{prefix}-note"));
    let message_id = format!("{prefix}-decision-error");
    let described = message_id.clone();
    view! {
        <fieldset class="mb-3" aria-describedby=described>
            <legend class="h6">{ui.t("handover.decision")}</legend>
            <div class="form-check form-check-inline">
                <input type="radio" name="decision" value="accept" id=accept.clone()/>
                <label for=accept>{ui.t("handover.accept")}</label>
            </div>
            <div class="form-check form-check-inline">
                <input type="radio" name="decision" value="decline" id=decline.clone()/>
                <label for=decline>{ui.t("handover.decline")}</label>
            </div>
            <FieldError field="decision".to_string() id=message_id/>
        </fieldset>
        <div class="form-group mb-3">
            <label for=note.clone() class="active">{ui.t("handover.note")}</label>
            <textarea id=note name="note" class="form-control" rows="2" maxlength="2000"></textarea>
        </div>
    }
}

fn referral_card(r: ReferralOut) -> impl IntoView {
    let ui = use_ui();
    let pending = r.status == HandoverStatus::Pending.code();
    let id = r.id.to_string();
    let article_id = format!("referral-{id}");
    let title = match (&r.person_name, r.status.as_str()) {
        (Some(name), s) if s == HandoverStatus::Accepted.code() => {
            view! { <a href=format!("/cases/{}", r.case_id)>{name.clone()}</a> }.into_any()
        }
        _ => view! { <span>{ui.t(&area_key(&r.area))}</span> }.into_any(),
    };
    view! {
        <article class="card card-bg mb-3 referral" id=article_id>
            <div class="card-body">
                <div class="d-flex justify-content-between flex-wrap gap-2">
                    <h2 class="h5">{title}</h2>
                    {handover_badge(&r.status)}
                </div>
                <dl class="row mb-2">
                    <dt class="col-sm-3">{ui.t("field.area")}</dt><dd class="col-sm-9">{ui.t(&area_key(&r.area))}</dd>
                    <dt class="col-sm-3">{ui.t("handover.organization")}</dt><dd class="col-sm-9">{r.organization_name}</dd>
                    <dt class="col-sm-3">{ui.t("handover.sections")}</dt><dd class="col-sm-9">{section_names(&r.sections)}</dd>
                    <dt class="col-sm-3">{ui.t("handover.reason")}</dt><dd class="col-sm-9">{r.reason}</dd>
                    <dt class="col-sm-3">{ui.t("handover.sent")}</dt>
                    <dd class="col-sm-9">{format!("{} · {}", ui.date(&r.sent_at), r.sent_by_name)}</dd>
                </dl>
                {pending.then(|| view! {
                    <PostForm to={Post::to::<DecideReferral>()} class="decision-form">
                        <FormError lang=ui.lang()/>
                        <input type="hidden" name="referral_id" value=id.clone()/>
                        {decision_fields(format!("ref-{id}"))}
                        <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
                    </PostForm>
                })}
            </div>
        </article>
    }
}

/// `/referrals`: the cases referred to the signed-in third-sector operator.
#[component]
pub fn Referrals() -> impl IntoView {
    let ui = use_ui();
    let list = Resource::new(|| (), |_| received_referrals());
    view! {
        <SignedIn>
            <h1 class="h2">{ui.t("handover.received")}</h1>
            <p>{ui.t("handover.received_help")}</p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(items) if items.is_empty() => view! { <p>{ui.t("handover.none")}</p> }.into_any(),
                        Ok(items) => items.into_iter().map(referral_card).collect_view().into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

fn transfer_card(t: TransferOut, workers: &[(String, String)]) -> impl IntoView {
    let ui = use_ui();
    let id = t.id.to_string();
    let article_id = format!("transfer-{id}");
    let who = t.person.as_ref().map(|p| {
        let born = p.birth_date.clone().unwrap_or_default();
        let code = p.tax_code.clone().unwrap_or_else(|| ui.t("persons.missing_tax_code"));
        format!("{} {} · {code} · {born}", p.last_name, p.first_name)
    });
    let title = match t.new_case_id {
        Some(case) => view! { <a href=format!("/cases/{case}")>{ui.t("handover.new_case")}</a> }.into_any(),
        None => view! { <span>{who.clone().unwrap_or_else(|| ui.t(&area_key(&t.area)))}</span> }.into_any(),
    };
    let pending = t.status == HandoverStatus::Pending.code();
    let workers = workers.to_vec();
    view! {
        <article class="card card-bg mb-3 transfer" id=article_id>
            <div class="card-body">
                <div class="d-flex justify-content-between flex-wrap gap-2">
                    <h2 class="h5">{title}</h2>
                    {handover_badge(&t.status)}
                </div>
                <dl class="row mb-2">
                    <dt class="col-sm-3">{ui.t("handover.from_tenant")}</dt><dd class="col-sm-9">{t.from_tenant}</dd>
                    <dt class="col-sm-3">{ui.t("field.area")}</dt><dd class="col-sm-9">{ui.t(&area_key(&t.area))}</dd>
                    <dt class="col-sm-3">{ui.t("handover.sections")}</dt><dd class="col-sm-9">{section_names(&t.sections)}</dd>
                    <dt class="col-sm-3">{ui.t("handover.reason")}</dt><dd class="col-sm-9">{t.reason}</dd>
                    <dt class="col-sm-3">{ui.t("handover.sent")}</dt>
                    <dd class="col-sm-9">{format!("{} · {}", ui.date(&t.sent_at), t.sent_by_name)}</dd>
                </dl>
                {pending.then(|| view! {
                    <PostForm to={Post::to::<DecideTransfer>()} class="decision-form">
                        <FormError lang=ui.lang()/>
                        <input type="hidden" name="transfer_id" value=id.clone()/>
                        {decision_fields(format!("tr-{id}"))}
                        <div class="row">
                            {choice_select(format!("tr-{id}-responsible"), "responsible_id", "handover.responsible", workers)}
                        </div>
                        <button type="submit" class="btn btn-primary">{ui.t("action.save")}</button>
                    </PostForm>
                })}
            </div>
        </article>
    }
}

/// `/transfers`: cases other tenants propose to transfer here (tenant admins).
#[component]
pub fn Transfers() -> impl IntoView {
    let ui = use_ui();
    let list = Resource::new(|| (), |_| incoming_transfers());
    let workers = Resource::new(|| (), |_| case_workers());
    view! {
        <SignedIn>
            <h1 class="h2">{ui.t("handover.incoming")}</h1>
            <p>{ui.t("handover.incoming_help")}</p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <div class="alert alert-warning" role="alert">{e.message(ui.lang())}</div> }.into_any(),
                        Ok(items) if items.is_empty() => view! { <p>{ui.t("handover.none")}</p> }.into_any(),
                        Ok(items) => {
                            let workers: Vec<(String, String)> = workers.await.unwrap_or_default().into_iter()
                                .map(|w| (w.user_id.to_string(), w.name)).collect();
                            items.into_iter().map(|t| transfer_card(t, &workers)).collect_view().into_any()
                        }
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}
