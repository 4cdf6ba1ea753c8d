//! `<ow-benefits-checker tenant="…" lang="it|en">`: which benefits of every
//! administration (national, regional, the comune's) may fit a household. A short
//! questionnaire in steps — every question may be left blank ("I don't know") — then the
//! results grouped by administration and category, each with its reasons, what is still
//! needed to tell, the estimated amount and how to apply. Changing an answer afterwards
//! updates the results and marks what changed ("what if").
//!
//! The answers never leave the browser: the widget downloads the published catalogue
//! with its rules once and evaluates it here, with the same engine the server runs.
//!
//! The host element tells tests and host pages how it is doing: `data-state` is
//! `loading`, `ready` (questionnaire), `results` or `error`; `data-eligible` counts the
//! benefits that probably fit.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use eligibility::catalogue::{BenefitResult, Catalogue, Loaded, CATEGORIES};
use eligibility::explain::{code_label, money};
use eligibility::facts::{fact, FactDef, Kind, Scope};
use eligibility::{Answers, Date, Status};
use types::i18n::{t, tf, tn};
use types::Lang;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement, HtmlSelectElement, ShadowRoot};

use crate::dom::{append, apply_theme, el, get};

/// The questionnaire's steps and the household facts each asks (members have their own
/// step); a fact no published rule reads is not asked.
const STEPS: &[(&str, &[&str])] = &[
    (
        "checker.step.residence",
        &["residence_comune", "residence_years_italy", "residence_continuous_years", "residence_years_comune"],
    ),
    ("checker.step.members", &[]),
    (
        "checker.step.money",
        &["isee", "isee_current", "family_income", "movable_assets", "real_estate_assets", "receives_income_support"],
    ),
    ("checker.step.home", &["housing_tenure", "monthly_rent", "energy_contract"]),
];
const MEMBERS_STEP: usize = 1;

/// Member facts, in the order asked (`relationship` is fixed for the first member).
const MEMBER_FACTS: &[&str] = &[
    "relationship",
    "age",
    "citizenship",
    "employment",
    "disability",
    "disability_degree",
    "non_self_sufficient",
    "pregnant",
    "in_nursery",
    "dependent",
    "disadvantaged",
];

/// A benefit across administrations: its owner's slug (none: national) and code.
type BenefitKey = (Option<String>, String);

/// An answer that is not even a number: its field (`household.isee`) and message key.
type Unreadable = (String, &'static str);

struct Checker {
    host: HtmlElement,
    doc: Document,
    lang: Lang,
    form: Element,
    steps: Vec<Element>,
    members: Element,
    status: Element,
    results: Element,
    catalogue: RefCell<Option<Loaded>>,
    /// The facts the published rules read.
    asked: RefCell<BTreeSet<&'static str>>,
    /// The comune whose residents the municipal rules are about: (ISTAT code, name).
    comune: RefCell<Option<(String, String)>>,
    step: std::cell::Cell<usize>,
    /// Status of each benefit at the last evaluation shown, to mark what changed.
    shown: RefCell<Option<BTreeMap<BenefitKey, Status>>>,
}

/// Builds the checker in `root` and loads the tenant's catalogue.
#[wasm_bindgen]
pub fn mount_benefits(host: HtmlElement, root: ShadowRoot, origin: String, css: String) -> Result<(), JsValue> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let lang = host.get_attribute("lang").as_deref().and_then(Lang::from_code).unwrap_or(Lang::It);
    let tenant = host.get_attribute("tenant").unwrap_or_default();
    let tx = |key: &str| t(lang, key);

    let style = el(&doc, "link", &[("rel", "stylesheet"), ("href", &css)], None)?;
    let section =
        el(&doc, "section", &[("class", "ow-checker"), ("aria-labelledby", "ow-title"), ("lang", lang.code())], None)?;
    let title = el(&doc, "h2", &[("id", "ow-title")], Some(&tx("checker.title")))?;
    let intro = el(&doc, "p", &[], Some(&tx("checker.intro")))?;
    let privacy = el(&doc, "p", &[("class", "ow-privacy")], Some(&tx("checker.privacy")))?;
    let form = el(&doc, "form", &[("novalidate", ""), ("aria-labelledby", "ow-title")], None)?;
    let status = el(&doc, "p", &[("class", "ow-status"), ("role", "status"), ("aria-live", "polite")], None)?;
    let results = el(&doc, "div", &[("class", "ow-results"), ("hidden", "")], None)?;
    append(&section, &[&title, &intro, &privacy, &form, &status, &results])?;
    root.append_child(&style)?;
    root.append_child(&section)?;

    let mut steps = vec![];
    for (i, (key, _)) in STEPS.iter().enumerate() {
        let fieldset = el(&doc, "fieldset", &[("class", "ow-step"), ("data-step", &i.to_string())], None)?;
        let counter = tf(lang, "checker.step_of", &[("n", &(i + 1).to_string()), ("total", &STEPS.len().to_string())]);
        let legend = el(&doc, "legend", &[("tabindex", "-1")], Some(&format!("{counter}: {}", tx(key))))?;
        fieldset.append_child(&legend)?;
        if i > 0 {
            fieldset.set_attribute("hidden", "")?;
        }
        form.append_child(&fieldset)?;
        steps.push(fieldset);
    }
    let members = el(&doc, "div", &[("class", "ow-members")], None)?;

    let checker = Rc::new(Checker {
        host,
        doc,
        lang,
        form,
        steps,
        members,
        status,
        results,
        catalogue: RefCell::new(None),
        asked: RefCell::default(),
        comune: RefCell::new(None),
        step: std::cell::Cell::new(0),
        shown: RefCell::new(None),
    });
    checker.set_state("loading");
    checker.status.set_text_content(Some(&tx("checker.loading")));

    let themed = checker.clone();
    let origin_theme = origin.clone();
    let tenant_theme = tenant.clone();
    wasm_bindgen_futures::spawn_local(async move {
        apply_theme(&themed.doc, &themed.host, &title, &origin_theme, &tenant_theme, themed.lang).await;
    });
    wasm_bindgen_futures::spawn_local(async move {
        let url = format!("{origin}/api/public/v1/{}/benefits", String::from(js_sys::encode_uri_component(&tenant)));
        let loaded = match get(&url, lang.code()).await {
            Some(a) if a.status == 200 => serde_json::from_str::<Catalogue>(&a.body).ok().and_then(|c| c.load().ok()),
            _ => None,
        };
        match loaded {
            Some(loaded) if loaded.entries().next().is_some() => {
                if let Err(e) = checker.clone().build(loaded) {
                    web_sys::console::error_1(&e);
                    checker.fail("checker.error.load");
                }
            }
            Some(_) => checker.fail("checker.error.empty"),
            None => checker.fail("checker.error.load"),
        }
    });
    Ok(())
}

impl Checker {
    fn set_state(&self, state: &str) {
        let _ = self.host.set_attribute("data-state", state);
    }

    fn fail(&self, key: &str) {
        self.status.set_text_content(Some(&t(self.lang, key)));
        let _ = self.form.set_attribute("hidden", "");
        self.set_state("error");
    }

    /// The questions the catalogue needs, the step buttons and the listeners.
    fn build(self: Rc<Self>, loaded: Loaded) -> Result<(), JsValue> {
        let lang = self.lang;
        *self.asked.borrow_mut() = loaded.facts_used();
        // The nearest administration that is a comune names "your comune".
        let comune = loaded
            .entries()
            .filter_map(|(a, _)| a.istat_code.as_ref().filter(|c| c.len() == 6).map(|c| (c.clone(), a.name.clone())))
            .last();
        *self.comune.borrow_mut() = comune;
        *self.catalogue.borrow_mut() = Some(loaded);

        for (i, (_, facts)) in STEPS.iter().enumerate() {
            let step = &self.steps[i];
            if i == MEMBERS_STEP {
                append(step, &[&el(&self.doc, "p", &[("class", "ow-hint")], Some(&t(lang, "checker.members_hint")))?])?;
                step.append_child(&self.members)?;
                self.add_member()?;
                let add = el(
                    &self.doc,
                    "button",
                    &[("type", "button"), ("class", "ow-secondary"), ("data-action", "add-member")],
                    Some(&t(lang, "checker.add_member")),
                )?;
                step.append_child(&add)?;
            } else {
                append(step, &[&el(&self.doc, "p", &[("class", "ow-hint")], Some(&t(lang, "checker.skip_hint")))?])?;
                for name in facts.iter().filter(|f| self.asked.borrow().contains(*f)) {
                    if let Some(field) = self.question(fact(name), None)? {
                        step.append_child(&field)?;
                    }
                }
            }
            let buttons = el(&self.doc, "div", &[("class", "ow-buttons")], None)?;
            if i > 0 {
                let back = el(
                    &self.doc,
                    "button",
                    &[("type", "button"), ("class", "ow-secondary"), ("data-action", "back")],
                    Some(&t(lang, "checker.back")),
                )?;
                buttons.append_child(&back)?;
            }
            let key = if i + 1 < STEPS.len() { "checker.next" } else { "checker.see" };
            append(&buttons, &[&el(&self.doc, "button", &[("type", "submit")], Some(&t(lang, key)))?])?;
            if i + 1 < STEPS.len() {
                // Straight to the results with what was said so far.
                let now = el(
                    &self.doc,
                    "button",
                    &[("type", "button"), ("class", "ow-link"), ("data-action", "results")],
                    Some(&t(lang, "checker.see_now")),
                )?;
                buttons.append_child(&now)?;
            }
            step.append_child(&buttons)?;
        }

        // One listener for every button of the form (steps, members).
        let on_click = {
            let c = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let Some(button) = event
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|e| e.closest("button[data-action]").ok().flatten())
                else {
                    return;
                };
                // A step's main button submits the form: the submit listener acts on it.
                if button.get_attribute("type").as_deref() == Some("submit") {
                    return;
                }
                event.prevent_default();
                let action = button.get_attribute("data-action").unwrap_or_default();
                let done = match action.as_str() {
                    "back" => c.go(c.step.get().saturating_sub(1)),
                    "results" => c.evaluate(true),
                    "add-member" => c.add_member(),
                    "remove-member" => c.remove_member(&button),
                    _ => Ok(()),
                };
                if let Err(e) = done {
                    web_sys::console::error_1(&e);
                }
            })
        };
        self.form.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
        // The step's main button, or Enter in a field: the next step, or the results.
        let on_submit = {
            let c = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                event.prevent_default();
                let step = c.step.get();
                let _ = if step + 1 < STEPS.len() { c.go(step + 1) } else { c.evaluate(true) };
            })
        };
        self.form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())?;
        // "What if": once results are shown, every change updates them.
        let on_change = {
            let c = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
                if c.shown.borrow().is_some() {
                    let _ = c.evaluate(false);
                }
            })
        };
        self.form.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref())?;
        on_click.forget();
        on_submit.forget();
        on_change.forget();

        self.status.set_text_content(None);
        self.set_state("ready");
        Ok(())
    }

    /// Shows step `i` and moves the focus to its title.
    fn go(&self, i: usize) -> Result<(), JsValue> {
        let i = i.min(STEPS.len() - 1);
        for (n, step) in self.steps.iter().enumerate() {
            if n == i {
                step.remove_attribute("hidden")?;
            } else {
                step.set_attribute("hidden", "")?;
            }
        }
        self.step.set(i);
        if let Some(legend) = self.steps[i].query_selector("legend")? {
            legend.dyn_into::<HtmlElement>()?.focus()?;
        }
        Ok(())
    }

    /// One labelled question for `def` (of member `member`), or `None` when it is not
    /// asked this way (dates: the age is asked instead).
    fn question(&self, def: Option<&'static FactDef>, member: Option<usize>) -> Result<Option<Element>, JsValue> {
        let Some(def) = def else { return Ok(None) };
        let lang = self.lang;
        let id = field_id(def.name, member);
        let field = el(&self.doc, "div", &[("class", "ow-field")], None)?;
        let mut label_text = def.label(rules_lang(lang)).to_string();
        let input: Element = match def.kind {
            Kind::Date => return Ok(None),
            Kind::Text if def.name == "residence_comune" => {
                let Some((code, name)) = self.comune.borrow().clone() else { return Ok(None) };
                label_text = tf(lang, "checker.lives_in", &[("comune", &name)]);
                self.select(&id, &[(code.as_str(), t(lang, "checker.yes")), ("altro", t(lang, "checker.no"))])?
            }
            Kind::Text => return Ok(None),
            Kind::Bool => self.select(&id, &[("true", t(lang, "checker.yes")), ("false", t(lang, "checker.no"))])?,
            Kind::Code(codes) => {
                let options: Vec<(&str, String)> =
                    codes.iter().map(|c| (*c, code_label(rules_lang(lang), c))).collect();
                self.select(&id, &options)?
            }
            Kind::Number { .. } | Kind::Money => {
                if def.kind == Kind::Money {
                    label_text = format!("{label_text} (€)");
                }
                el(
                    &self.doc,
                    "input",
                    &[("id", &id), ("type", "text"), ("inputmode", "decimal"), ("autocomplete", "off")],
                    None,
                )?
            }
        };
        input.set_attribute("data-fact", def.name)?;
        if let Some(m) = member {
            input.set_attribute("data-member", &m.to_string())?;
        }
        let error_id = format!("{id}-error");
        input.set_attribute("aria-describedby", &error_id)?;
        let label = el(&self.doc, "label", &[("for", &id)], Some(&label_text))?;
        let error = el(&self.doc, "p", &[("id", &error_id), ("class", "ow-error")], None)?;
        append(&field, &[&label, &input, &error])?;
        Ok(Some(field))
    }

    /// A `<select>` whose first choice is "I don't know".
    fn select(&self, id: &str, options: &[(&str, String)]) -> Result<Element, JsValue> {
        let select = el(&self.doc, "select", &[("id", id)], None)?;
        append(&select, &[&el(&self.doc, "option", &[("value", "")], Some(&t(self.lang, "checker.dont_know")))?])?;
        for (value, label) in options {
            append(&select, &[&el(&self.doc, "option", &[("value", value)], Some(label))?])?;
        }
        Ok(select)
    }

    fn add_member(&self) -> Result<(), JsValue> {
        let n = self.members.child_element_count() as usize;
        if n >= eligibility::facts::MAX_MEMBERS {
            return Ok(());
        }
        let row = el(&self.doc, "fieldset", &[("class", "ow-member")], None)?;
        append(&row, &[&el(&self.doc, "legend", &[], None)?])?;
        for name in MEMBER_FACTS {
            let asked = self.asked.borrow();
            // The age is asked when a rule reads it or the birth date it comes from.
            if !(asked.contains(name) || *name == "age" && asked.contains("birth_date")) {
                continue;
            }
            if *name == "relationship" && n == 0 {
                // The first member is the one asking.
                let fixed = el(
                    &self.doc,
                    "input",
                    &[("type", "hidden"), ("value", "applicant"), ("data-fact", "relationship"), ("data-member", "0")],
                    None,
                )?;
                row.append_child(&fixed)?;
                continue;
            }
            if let Some(field) = self.question(fact(name), Some(n))? {
                row.append_child(&field)?;
            }
        }
        if n > 0 {
            append(
                &row,
                &[&el(
                    &self.doc,
                    "button",
                    &[("type", "button"), ("class", "ow-secondary"), ("data-action", "remove-member")],
                    None,
                )?],
            )?;
        }
        self.members.append_child(&row)?;
        self.renumber()?;
        if n > 0 {
            if let Some(first) = row.query_selector("select, input:not([type=hidden])")? {
                first.dyn_into::<HtmlElement>()?.focus()?;
            }
        }
        Ok(())
    }

    fn remove_member(&self, button: &Element) -> Result<(), JsValue> {
        if let Some(row) = button.closest("fieldset.ow-member")? {
            row.remove();
        }
        self.renumber()?;
        if let Some(add) = self.form.query_selector("button[data-action=add-member]")? {
            add.dyn_into::<HtmlElement>()?.focus()?;
        }
        if self.shown.borrow().is_some() {
            self.evaluate(false)?;
        }
        Ok(())
    }

    /// Member rows numbered from 1 again (ids, labels, legends) after an addition or a
    /// removal.
    fn renumber(&self) -> Result<(), JsValue> {
        let rows = self.members.children();
        for i in 0..rows.length() {
            let Some(row) = rows.item(i) else { continue };
            let n = i as usize;
            let name = if n == 0 {
                t(self.lang, "checker.member_you")
            } else {
                tf(self.lang, "checker.member_n", &[("n", &(n + 1).to_string())])
            };
            if let Some(legend) = row.query_selector("legend")? {
                legend.set_text_content(Some(&name));
            }
            let inputs = row.query_selector_all("[data-fact]")?;
            for j in 0..inputs.length() {
                let Some(input) = inputs.item(j).and_then(|x| x.dyn_into::<Element>().ok()) else { continue };
                let fact = input.get_attribute("data-fact").unwrap_or_default();
                input.set_attribute("data-member", &n.to_string())?;
                if input.get_attribute("type").as_deref() == Some("hidden") {
                    continue;
                }
                let id = field_id(&fact, Some(n));
                input.set_attribute("id", &id)?;
                input.set_attribute("aria-describedby", &format!("{id}-error"))?;
                if let Some(field) = input.parent_element() {
                    if let Some(label) = field.query_selector("label")? {
                        label.set_attribute("for", &id)?;
                    }
                    if let Some(error) = field.query_selector(".ow-error")? {
                        error.set_attribute("id", &format!("{id}-error"))?;
                    }
                }
            }
            if let Some(remove) = row.query_selector("button[data-action=remove-member]")? {
                remove.set_text_content(Some(&tf(self.lang, "checker.remove_member", &[("who", &name)])));
            }
        }
        Ok(())
    }

    /// The answers as given: blank is unknown; the composition is unknown while nothing
    /// is said about anyone.
    fn answers(&self) -> Result<(Answers, Vec<Unreadable>), JsValue> {
        let mut answers = Answers::default();
        let mut members: Vec<BTreeMap<String, serde_json::Value>> =
            vec![BTreeMap::new(); self.members.child_element_count() as usize];
        let mut unreadable = vec![];
        let inputs = self.form.query_selector_all("[data-fact]")?;
        for i in 0..inputs.length() {
            let Some(input) = inputs.item(i).and_then(|x| x.dyn_into::<Element>().ok()) else { continue };
            let name = input.get_attribute("data-fact").unwrap_or_default();
            let Some(def) = fact(&name) else { continue };
            let raw = if let Some(i) = input.dyn_ref::<HtmlInputElement>() {
                i.value()
            } else if let Some(s) = input.dyn_ref::<HtmlSelectElement>() {
                s.value()
            } else {
                continue;
            };
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let value = match def.kind {
                Kind::Number { .. } | Kind::Money => match parse_number(raw) {
                    Some(n) => serde_json::json!(n),
                    None => {
                        let member = input.get_attribute("data-member");
                        unreadable.push((answer_field(def, member.as_deref()), "checker.error.number"));
                        continue;
                    }
                },
                Kind::Bool => serde_json::Value::Bool(raw == "true"),
                _ => serde_json::Value::String(raw.to_string()),
            };
            match (def.scope, input.get_attribute("data-member").and_then(|m| m.parse::<usize>().ok())) {
                (Scope::Member, Some(m)) if m < members.len() => {
                    members[m].insert(name, value);
                }
                (Scope::Household, _) => {
                    answers.household.insert(name, value);
                }
                _ => {}
            }
        }
        // Nothing said about anyone (the first member's fixed "applicant" aside): the
        // composition is unknown, not "one person".
        let said = members.len() > 1 || members.iter().any(|m| m.keys().any(|k| k != "relationship"));
        answers.members = said.then_some(members);
        Ok((answers, unreadable))
    }

    /// Evaluates the answers here, in the browser, and shows the results; `first`: the
    /// visitor asked for them (focus moves there), else an answer changed.
    fn evaluate(&self, first: bool) -> Result<(), JsValue> {
        let lang = self.lang;
        self.clear_errors()?;
        let (answers, unreadable) = self.answers()?;
        let checked = answers.check();
        let mut problems: Vec<(String, String)> =
            unreadable.into_iter().map(|(field, key)| (field, t(lang, key))).collect();
        if let Err(errors) = &checked {
            problems
                .extend(errors.iter().map(|e| (e.field.clone(), t(lang, types::i18n::answer_problem_key(&e.problem)))));
        }
        if !problems.is_empty() {
            let mut first_bad: Option<HtmlElement> = None;
            for (field, message) in &problems {
                let id = id_of_answer_field(field);
                if let Some(input) = self.form.query_selector(&format!("#{id}"))? {
                    input.set_attribute("aria-invalid", "true")?;
                    if let Some(error) = self.form.query_selector(&format!("#{id}-error"))? {
                        error.set_text_content(Some(message));
                    }
                    if first_bad.is_none() {
                        first_bad = input.dyn_into::<HtmlElement>().ok();
                    }
                }
            }
            self.status.set_text_content(Some(&t(lang, "checker.fix")));
            if let Some(input) = first_bad {
                // Show the step of the first problem, with the focus on it.
                if let Some(step) = input.closest("fieldset.ow-step")?.and_then(|s| s.get_attribute("data-step")) {
                    self.go(step.parse().unwrap_or(0))?;
                }
                input.focus()?;
            }
            return Ok(());
        }
        let Ok(situation) = checked else { return Ok(()) };
        let results = {
            let catalogue = self.catalogue.borrow();
            let Some(loaded) = catalogue.as_ref() else { return Ok(()) };
            today().and_then(|date| loaded.evaluate(&situation, date, rules_lang(lang)).ok())
        };
        let results = match results {
            Some(r) => r,
            None => {
                self.status.set_text_content(Some(&t(lang, "checker.error.date")));
                return Ok(());
            }
        };
        self.show(&results, first)
    }

    fn clear_errors(&self) -> Result<(), JsValue> {
        let bad = self.form.query_selector_all("[aria-invalid]")?;
        for i in 0..bad.length() {
            if let Some(e) = bad.item(i).and_then(|x| x.dyn_into::<Element>().ok()) {
                e.remove_attribute("aria-invalid")?;
            }
        }
        let errors = self.form.query_selector_all(".ow-error")?;
        for i in 0..errors.length() {
            if let Some(e) = errors.item(i) {
                e.set_text_content(None);
            }
        }
        Ok(())
    }

    fn show(&self, results: &[BenefitResult], first: bool) -> Result<(), JsValue> {
        let lang = self.lang;
        let doc = &self.doc;
        let before = self.shown.borrow().clone();
        let key = |r: &BenefitResult| (r.owner.clone(), r.benefit.code.clone());
        let changed =
            |r: &BenefitResult| before.as_ref().and_then(|b| b.get(&key(r)).copied()).filter(|s| *s != r.status);
        let count = |s: Status| results.iter().filter(|r| r.status == s).count();
        let (yes, maybe) = (count(Status::Eligible), count(Status::Unknown));
        let n_changed = results.iter().filter(|r| changed(r).is_some()).count();

        self.results.set_text_content(None);
        let heading = el(doc, "h3", &[("tabindex", "-1")], Some(&t(lang, "checker.results")))?;
        let mut summary = tf(lang, "checker.summary", &[("yes", &yes.to_string()), ("maybe", &maybe.to_string())]);
        if before.is_some() {
            summary = format!("{summary} {}", tn(lang, "checker.changed_count", n_changed as i64, &[]));
        }
        let summary_p = el(doc, "p", &[("class", "ow-summary")], Some(&summary))?;
        append(&self.results, &[&heading, &summary_p])?;

        // Those that fit or may fit, by administration and category.
        let mut administrations: Vec<&str> = vec![];
        for r in results.iter().filter(|r| r.status != Status::NotEligible) {
            if !administrations.contains(&r.administration.as_str()) {
                administrations.push(&r.administration);
            }
        }
        for admin in administrations {
            let group = el(doc, "section", &[("class", "ow-admin")], None)?;
            append(&group, &[&el(doc, "h4", &[], Some(admin))?])?;
            for category in CATEGORIES {
                let items: Vec<&BenefitResult> = results
                    .iter()
                    .filter(|r| r.status != Status::NotEligible && r.administration == admin)
                    .filter(|r| r.benefit.category == *category)
                    .collect();
                if items.is_empty() {
                    continue;
                }
                append(&group, &[&el(doc, "h5", &[], Some(&t(lang, &format!("checker.category.{category}"))))?])?;
                let list = el(doc, "ul", &[("class", "ow-list")], None)?;
                for r in items {
                    append(&list, &[&self.item(r, changed(r))?])?;
                }
                group.append_child(&list)?;
            }
            self.results.append_child(&group)?;
        }
        // The others, folded.
        let refused: Vec<&BenefitResult> = results.iter().filter(|r| r.status == Status::NotEligible).collect();
        if !refused.is_empty() {
            let details = el(doc, "details", &[("class", "ow-refused")], None)?;
            let label = tf(lang, "checker.refused", &[("n", &refused.len().to_string())]);
            append(&details, &[&el(doc, "summary", &[], Some(&label))?])?;
            let list = el(doc, "ul", &[("class", "ow-list")], None)?;
            for r in refused {
                append(&list, &[&self.item(r, changed(r))?])?;
            }
            details.append_child(&list)?;
            self.results.append_child(&details)?;
        }
        append(&self.results, &[&el(doc, "p", &[("class", "ow-hint")], Some(&t(lang, "checker.what_if")))?])?;
        self.results.remove_attribute("hidden")?;

        *self.shown.borrow_mut() = Some(results.iter().map(|r| (key(r), r.status)).collect());
        let _ = self.host.set_attribute("data-eligible", &yes.to_string());
        self.set_state("results");
        self.status.set_text_content(Some(&summary));
        if first {
            heading.dyn_into::<HtmlElement>()?.focus()?;
        }
        Ok(())
    }

    /// One benefit: its name and outcome, the amount, why, what is missing, how to apply.
    fn item(&self, r: &BenefitResult, changed_from: Option<Status>) -> Result<Element, JsValue> {
        let lang = self.lang;
        let doc = &self.doc;
        let b = &r.benefit;
        let status = status_code(r.status);
        let li = el(doc, "li", &[("class", "ow-benefit"), ("data-code", &b.code), ("data-status", status)], None)?;
        li.set_attribute("data-owner", r.owner.as_deref().unwrap_or(""))?;
        if let Some(amount) = r.amount {
            // The exact figure, for host pages and tests (the text rounds for reading).
            li.set_attribute("data-amount", &amount.to_string())?;
        }
        append(&li, &[&el(doc, "h6", &[], Some(&b.name))?])?;
        let outcome = el(
            doc,
            "p",
            &[("class", &format!("ow-outcome ow-{status}"))],
            Some(&t(lang, &format!("checker.status.{status}"))),
        )?;
        li.append_child(&outcome)?;
        if let Some(before) = changed_from {
            let text = tf(
                lang,
                "checker.changed",
                &[("before", &t(lang, &format!("checker.status.{}", status_code(before))))],
            );
            append(&li, &[&el(doc, "p", &[("class", "ow-changed")], Some(&text))?])?;
        }
        if let (Some(amount), Some(per)) = (r.amount, r.per) {
            let per = t(
                lang,
                &format!(
                    "checker.per.{}",
                    serde_json::to_value(per).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
                ),
            );
            let text = tf(lang, "checker.amount", &[("amount", &money(rules_lang(lang), amount)), ("per", &per)]);
            append(&li, &[&el(doc, "p", &[("class", "ow-amount")], Some(&text))?])?;
        }
        append(&li, &[&el(doc, "p", &[], Some(&b.summary))?])?;
        if !r.missing.is_empty() {
            let labels: Vec<&str> = r.missing.iter().map(|m| m.label.as_str()).collect();
            let text = tf(lang, "checker.missing", &[("facts", &labels.join(", "))]);
            append(&li, &[&el(doc, "p", &[("class", "ow-missing")], Some(&text))?])?;
        }
        if !r.reasons.is_empty() {
            let why = el(doc, "details", &[], None)?;
            append(&why, &[&el(doc, "summary", &[], Some(&t(lang, "checker.why")))?])?;
            let list = el(doc, "ul", &[], None)?;
            for reason in &r.reasons {
                let mark = t(lang, if reason.holds { "checker.holds" } else { "checker.fails" });
                append(&list, &[&el(doc, "li", &[], Some(&format!("{mark}: {}", reason.text)))?])?;
            }
            why.append_child(&list)?;
            li.append_child(&why)?;
        }
        let how = el(doc, "details", &[], None)?;
        append(&how, &[&el(doc, "summary", &[], Some(&t(lang, "checker.how")))?])?;
        let dl = el(doc, "dl", &[], None)?;
        let row = |label: &str, value: &Element| -> Result<(), JsValue> {
            append(
                &dl,
                &[&el(doc, "dt", &[], Some(label))?, &{
                    let dd = el(doc, "dd", &[], None)?;
                    dd.append_child(value)?;
                    dd
                }],
            )
        };
        row(&t(lang, "checker.who"), &el(doc, "span", &[], Some(&b.who))?)?;
        row(&t(lang, "checker.amount_text"), &el(doc, "span", &[], Some(&b.amount))?)?;
        row(&t(lang, "checker.apply"), &el(doc, "span", &[], Some(&b.how_to_apply))?)?;
        if let Some(url) = b.apply_url.as_ref().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
            let link = el(doc, "a", &[("href", url), ("rel", "noopener"), ("target", "_blank")], Some(url))?;
            row(&t(lang, "checker.link"), &link)?;
        }
        row(&t(lang, "checker.law"), &el(doc, "span", &[], Some(&b.legal_reference))?)?;
        how.append_child(&dl)?;
        li.append_child(&how)?;
        if b.to_verify {
            let text = match b.figures_year {
                Some(year) => tf(lang, "checker.to_verify_year", &[("year", &year.to_string())]),
                None => t(lang, "checker.to_verify"),
            };
            append(&li, &[&el(doc, "p", &[("class", "ow-verify")], Some(&text))?])?;
        }
        Ok(li)
    }
}

fn status_code(s: Status) -> &'static str {
    match s {
        Status::Eligible => "eligible",
        Status::NotEligible => "not_eligible",
        Status::Unknown => "unknown",
    }
}

/// The id of the input of `fact` (of member `member`).
fn field_id(fact: &str, member: Option<usize>) -> String {
    match member {
        Some(m) => format!("ow-m{m}-{fact}"),
        None => format!("ow-h-{fact}"),
    }
}

/// `household.isee` / `members.1.age`, as `Answers::check` names fields.
fn answer_field(def: &FactDef, member: Option<&str>) -> String {
    match member {
        Some(m) => format!("members.{m}.{}", def.name),
        None => format!("household.{}", def.name),
    }
}

/// The input an answer field of `Answers::check` belongs to.
fn id_of_answer_field(field: &str) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["household", fact] => field_id(fact, None),
        ["members", m, fact] => field_id(fact, m.parse().ok()),
        // `members` as a whole: the first member's first question.
        _ => "ow-m0-age".to_string(),
    }
}

/// A number as people type it: `12.300,50`, `12300.5`, `12 300`.
fn parse_number(text: &str) -> Option<f64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '€').collect();
    let normal = if compact.contains(',') { compact.replace('.', "").replace(',', ".") } else { compact };
    normal.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Today, by the visitor's clock (`None` if that clock is off by centuries).
fn today() -> Option<Date> {
    let now = js_sys::Date::new_0();
    Date::new(now.get_full_year() as i32, now.get_month() + 1, now.get_date())
}

fn rules_lang(lang: Lang) -> eligibility::Lang {
    match lang {
        Lang::It => eligibility::Lang::It,
        Lang::En => eligibility::Lang::En,
    }
}
