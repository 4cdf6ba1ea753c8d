//! The benefits catalogue: per owner (a tenant, or the deployment's shared catalogue of
//! national measures) a rulebook in the `eligibility` format with its test cases, and
//! the entries citizens read. What is published is offered under the owner and every
//! tenant beneath it, and evaluated by the same engine on the server and in the widget.
//!
//! The shipped rulebooks (`eligibility/rules/`) are installed published: the national one
//! at start-up, the regional and municipal ones of the demo by the demo seed. An owner
//! that already has a rulebook keeps it (staff edits are never overwritten). Staff keep
//! their catalogue through `staff`.

pub mod staff;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use eligibility::catalogue::{Administration, BenefitResult, Catalogue, Entry, Loaded, CATEGORIES, LEVELS};
use eligibility::{Answers, Date, Lang as RulesLang, Rulebook};
use entity::{benefit, benefit_rulebook};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use types::benefits::EntryStatus;
use types::Lang;

use crate::error::FieldIssue;
use crate::tenancy::{CatalogueOwner, CatalogueScope, CatalogueTx};
use crate::Db;
use crate::{AppError, Result};

/// A rulebook shipped with the product: rules, test cases, catalogue texts.
pub struct Shipped {
    pub name: &'static str,
    pub rules: &'static str,
    pub tests: &'static str,
    pub catalogue: &'static str,
}

macro_rules! shipped {
    ($name:literal) => {
        Shipped {
            name: $name,
            rules: include_str!(concat!("../../../eligibility/rules/", $name, ".json")),
            tests: include_str!(concat!("../../../eligibility/rules/", $name, ".tests.json")),
            catalogue: include_str!(concat!("../../../eligibility/rules/catalogue/", $name, ".json")),
        }
    };
}

/// National measures (INPS and ministries): the shared catalogue of every deployment.
pub const NATIONAL: Shipped = shipped!("national");
/// The demo's regional and municipal measures.
pub const LOMBARDIA: Shipped = shipped!("lombardia");
pub const COMUNE_BRESCIA: Shipped = shipped!("comune-brescia");
pub const EMILIA_ROMAGNA: Shipped = shipped!("emilia-romagna");
pub const COMUNE_BOLOGNA: Shipped = shipped!("comune-bologna");

/// A catalogue file: the entries of one rulebook, texts in Italian and English.
#[derive(Deserialize)]
struct ShippedCatalogue {
    benefits: Vec<ShippedEntry>,
}

#[derive(Deserialize)]
struct ShippedEntry {
    code: String,
    level: String,
    category: String,
    to_verify: bool,
    figures_year: Option<i32>,
    name: Texts,
    summary: Texts,
    who: Texts,
    amount: Texts,
    how_to_apply: Texts,
    apply_url: Option<String>,
    legal_reference: String,
}

#[derive(Deserialize, Serialize)]
struct Texts {
    it: String,
    en: Option<String>,
}

/// The national measures, unless the shared catalogue exists already.
pub async fn install_national(db: &Db) -> Result<bool> {
    install(db, CatalogueOwner::Shared, &NATIONAL).await
}

/// Installs `shipped` as `owner`'s published catalogue, unless the owner has a rulebook.
/// A shipped file that does not load or fails its own tests is a bug: `Internal`.
pub async fn install(db: &Db, owner: CatalogueOwner, shipped: &Shipped) -> Result<bool> {
    let broken = |what: String| AppError::Internal(format!("shipped rulebook {}: {what}", shipped.name));
    let book = Rulebook::parse(shipped.rules).map_err(|e| broken(e.message(RulesLang::En)))?;
    let failures = eligibility::cases::run(&book, shipped.tests, RulesLang::En);
    if let Some(f) = failures.first() {
        return Err(broken(format!("{} / {}: {}", f.test, f.benefit, f.message)));
    }
    let catalogue: ShippedCatalogue = serde_json::from_str(shipped.catalogue).map_err(|e| broken(e.to_string()))?;
    for e in &catalogue.benefits {
        let known = book.benefit(&e.code).is_some()
            && LEVELS.contains(&e.level.as_str())
            && CATEGORIES.contains(&e.category.as_str());
        if !known {
            return Err(broken(format!("catalogue entry {}", e.code)));
        }
    }

    let tx = CatalogueTx::for_operator(db, owner).await?;
    if tx.select::<benefit_rulebook::Entity>().one(tx.conn()).await?.is_some() {
        return Ok(false);
    }
    let now = tx.now();
    tx.insert(benefit_rulebook::ActiveModel {
        draft: Set(shipped.rules.to_string()),
        tests: Set(shipped.tests.to_string()),
        published: Set(Some(shipped.rules.to_string())),
        published_at: Set(Some(now)),
        version: Set(1),
        updated_at: Set(now),
        ..Default::default()
    })
    .await?;
    for e in catalogue.benefits {
        tx.insert(benefit::ActiveModel {
            code: Set(e.code),
            level: Set(e.level),
            category: Set(e.category),
            status: Set("published".into()),
            to_verify: Set(e.to_verify),
            figures_year: Set(e.figures_year),
            name_it: Set(e.name.it),
            name_en: Set(e.name.en),
            summary_it: Set(e.summary.it),
            summary_en: Set(e.summary.en),
            who_it: Set(e.who.it),
            who_en: Set(e.who.en),
            amount_it: Set(e.amount.it),
            amount_en: Set(e.amount.en),
            how_to_apply_it: Set(e.how_to_apply.it),
            how_to_apply_en: Set(e.how_to_apply.en),
            apply_url: Set(e.apply_url),
            legal_reference: Set(e.legal_reference),
            version: Set(1),
            updated_at: Set(now),
            ..Default::default()
        })
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The published catalogue that applies to tenant `slug`: the national measures, then
/// its ancestors' and its own, each administration with its published rules.
pub async fn public_catalogue(db: &Db, slug: &str, lang: Lang) -> Result<Catalogue> {
    let scope = CatalogueScope::public(db, slug).await?;
    let tx = scope.begin(db).await?;
    let books = tx
        .select::<benefit_rulebook::Entity>()
        .filter(benefit_rulebook::Column::Published.is_not_null())
        .all(tx.conn())
        .await?;
    let entries = tx
        .select::<benefit::Entity>()
        .filter(benefit::Column::Status.eq(EntryStatus::Published.code()))
        .order_by_asc(benefit::Column::NameIt)
        .all(tx.conn())
        .await?;
    tx.commit().await?;

    let lineage = scope.lineage();
    let Some(tenant) = lineage.last() else { return Err(AppError::NotFound) };
    let owners = std::iter::once(None).chain(lineage.iter().map(|t| Some(t.id)));
    let mut administrations = vec![];
    for owner in owners {
        let Some(published) = books.iter().find(|b| b.tenant_id == owner).and_then(|b| b.published.clone()) else {
            continue;
        };
        let book = Rulebook::parse(&published).map_err(|e| {
            AppError::Internal(format!("published rulebook of {owner:?}: {}", e.message(RulesLang::En)))
        })?;
        let benefits: Vec<Entry> = entries
            .iter()
            .filter(|e| e.tenant_id == owner)
            .filter_map(|e| book.benefit(&e.code).map(|rule| entry(e, rule, lang)))
            .collect();
        if benefits.is_empty() {
            continue;
        }
        let (owner, name, istat_code) = match owner.and_then(|id| lineage.iter().find(|t| t.id == id)) {
            Some(t) => (Some(t.slug.clone()), t.name.clone(), t.istat_code.clone()),
            None => (None, types::i18n::t(lang, "benefits.national").to_string(), None),
        };
        let rules = RawValue::from_string(published).map_err(|e| AppError::Internal(e.to_string()))?;
        administrations.push(Administration { owner, name, istat_code, rules, benefits });
    }
    Ok(Catalogue { tenant: tenant.slug.clone(), name: tenant.name.clone(), administrations })
}

/// Every tenant by name, for the public checker's index: each has at least the national
/// catalogue to check against.
pub async fn checker_tenants(db: &Db) -> Result<Vec<types::directory::PublicTenantOut>> {
    use sea_orm::EntityTrait;
    let all = entity::tenant::Entity::find().order_by_asc(entity::tenant::Column::Name).all(db).await?;
    let slug_of = |id: i64| all.iter().find(|t| t.id == id).map(|t| t.slug.clone());
    Ok(all
        .iter()
        .map(|t| types::directory::PublicTenantOut {
            slug: t.slug.clone(),
            name: t.name.clone(),
            kind: types::TenantKind::from_code(&t.kind).unwrap_or(types::TenantKind::Municipality),
            parent: t.parent_id.and_then(slug_of),
            istat_code: t.istat_code.clone(),
        })
        .collect())
}

fn entry(e: &benefit::Model, rule: &eligibility::rules::BenefitRule, lang: Lang) -> Entry {
    let pick = |it: &String, en: &Option<String>| match (lang, en) {
        (Lang::En, Some(en)) if !en.trim().is_empty() => en.clone(),
        _ => it.clone(),
    };
    Entry {
        code: e.code.clone(),
        level: e.level.clone(),
        category: e.category.clone(),
        to_verify: e.to_verify,
        figures_year: e.figures_year,
        name: pick(&e.name_it, &e.name_en),
        summary: pick(&e.summary_it, &e.summary_en),
        who: pick(&e.who_it, &e.who_en),
        amount: pick(&e.amount_it, &e.amount_en),
        how_to_apply: pick(&e.how_to_apply_it, &e.how_to_apply_en),
        apply_url: e.apply_url.clone(),
        legal_reference: e.legal_reference.clone(),
        valid_from: rule.valid_from.map(|d| d.to_string()),
        valid_until: rule.valid_until.map(|d| d.to_string()),
    }
}

/// The published catalogues evaluations run against, loaded (rules parsed) once per
/// tenant and language and kept while nothing changes: this node's writes show at once
/// (the write generation), other nodes' within `LOADED_TTL`, as for the public cache.
#[derive(Default)]
pub struct Evaluations {
    loaded: Mutex<HashMap<(String, Lang), LoadedEntry>>,
}

struct LoadedEntry {
    generation: u64,
    at: Instant,
    catalogue: Arc<Loaded>,
}

const LOADED_TTL: Duration = Duration::from_secs(10);

impl Evaluations {
    /// `answers` against tenant `slug`'s published catalogue on `date` (today if absent).
    /// Nothing is stored or logged. Impossible answers and a date the rules have no
    /// values for are field errors (`answers.household.isee`, `date`).
    pub async fn evaluate(
        &self,
        db: &Db,
        slug: &str,
        answers: &Answers,
        date: Option<&str>,
        lang: Lang,
    ) -> Result<(Date, Vec<BenefitResult>)> {
        let (date, situation) = checked(answers, date, db.today())?;
        let loaded = self.loaded(db, slug, lang).await?;
        let results = loaded.evaluate(&situation, date, rules_lang(lang)).map_err(|e| {
            AppError::Validation(vec![FieldIssue {
                field: "date".into(),
                key: "validation.no_rules_on_date",
                args: vec![("date", e.date.to_string())],
            }])
        })?;
        Ok((date, results))
    }

    async fn loaded(&self, db: &Db, slug: &str, lang: Lang) -> Result<Arc<Loaded>> {
        let key = (slug.to_string(), lang);
        let generation = db.data_generation();
        {
            let loaded = self.loaded.lock().map_err(|_| AppError::Internal("evaluations lock".into()))?;
            if let Some(e) = loaded.get(&key).filter(|e| e.generation == generation && e.at.elapsed() < LOADED_TTL) {
                return Ok(e.catalogue.clone());
            }
        }
        let catalogue =
            Arc::new(public_catalogue(db, slug, lang).await?.load().map_err(|e| {
                AppError::Internal(format!("published rulebook of {:?}: line {}", e.owner, e.error.line))
            })?);
        let mut loaded = self.loaded.lock().map_err(|_| AppError::Internal("evaluations lock".into()))?;
        // Bounded by the tenants × 2 languages; an unknown slug never gets here.
        loaded.insert(key, LoadedEntry { generation, at: Instant::now(), catalogue: catalogue.clone() });
        Ok(catalogue)
    }
}

/// The evaluation date and the answers, checked.
fn checked(answers: &Answers, date: Option<&str>, today: NaiveDate) -> Result<(Date, eligibility::Situation)> {
    let date = match date {
        None => rules_date(today)?,
        Some(text) => Date::parse(text).ok_or_else(|| AppError::field("date", "validation.date"))?,
    };
    let situation = answers.check().map_err(|errors| {
        AppError::Validation(
            errors
                .into_iter()
                .map(|e| FieldIssue {
                    field: format!("answers.{}", e.field),
                    key: types::i18n::answer_problem_key(&e.problem),
                    args: vec![],
                })
                .collect(),
        )
    })?;
    Ok((date, situation))
}

pub fn rules_lang(lang: Lang) -> RulesLang {
    match lang {
        Lang::It => RulesLang::It,
        Lang::En => RulesLang::En,
    }
}

/// A day as the rules engine takes it (by default, today in Italy: the date the rules are
/// applied on).
pub fn rules_date(day: NaiveDate) -> Result<Date> {
    use chrono::Datelike;
    Date::new(day.year(), day.month(), day.day()).ok_or_else(|| AppError::Internal(format!("date {day}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_catalogue_matches_its_rules() {
        for shipped in [&NATIONAL, &LOMBARDIA, &COMUNE_BRESCIA, &EMILIA_ROMAGNA, &COMUNE_BOLOGNA] {
            let book = Rulebook::parse(shipped.rules)
                .unwrap_or_else(|e| panic!("{}: {}", shipped.name, e.message(RulesLang::En)));
            let catalogue: ShippedCatalogue =
                serde_json::from_str(shipped.catalogue).unwrap_or_else(|e| panic!("{}: {e}", shipped.name));
            let codes: Vec<&str> = catalogue.benefits.iter().map(|e| e.code.as_str()).collect();
            for rule in &book.benefits {
                assert!(codes.contains(&rule.id.as_str()), "{}: {} has no catalogue entry", shipped.name, rule.id);
            }
            for e in &catalogue.benefits {
                assert!(book.benefit(&e.code).is_some(), "{}: {} has no rule", shipped.name, e.code);
                assert!(LEVELS.contains(&e.level.as_str()) && CATEGORIES.contains(&e.category.as_str()), "{}", e.code);
                for text in [&e.name, &e.summary, &e.who, &e.amount, &e.how_to_apply] {
                    assert!(
                        !text.it.trim().is_empty() && text.en.as_ref().is_some_and(|en| !en.trim().is_empty()),
                        "{}",
                        e.code
                    );
                }
            }
        }
    }

    #[test]
    fn the_checker_names_every_category_and_outcome() {
        let keys = CATEGORIES
            .iter()
            .map(|c| format!("checker.category.{c}"))
            .chain(["eligible", "not_eligible", "unknown"].iter().map(|s| format!("checker.status.{s}")))
            .chain(["month", "year", "once"].iter().map(|p| format!("checker.per.{p}")));
        for key in keys {
            for lang in Lang::ALL {
                assert!(types::i18n::has_key(lang, &key), "{key} in {lang:?}");
            }
        }
    }
}
