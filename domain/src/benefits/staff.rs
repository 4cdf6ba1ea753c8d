//! Keeping a benefits catalogue: tenant admins keep their tenant's, province admins
//! also the shared national one. The rulebook is edited as a draft with its test
//! cases and saved whatever state it is in (work is never lost); publishing copies the
//! draft to citizens only when it loads, every test case passes, every benefit has a
//! test case and no published entry would lose its rule. Entries (the texts) are
//! published one by one, and only when the published rules have their benefit.
//!
//! Every function goes through `CatalogueTx::begin`, which checks the permission and
//! keeps every query to the owner's rows: another tenant's entry is `NotFound`.

use chrono::Utc;
use eligibility::catalogue::{CATEGORIES, LEVELS};
use eligibility::Rulebook;
use entity::{benefit, benefit_rulebook};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, Set};
use types::benefits::EntryStatus;
use types::benefits::{CaseFailure, CatalogueOut, EntryIn, EntryOut, RulebookCheck, RulebookOut};
use types::Lang;

use super::rules_lang;
use crate::authz::Permission;
use crate::tenancy::{CatalogueOwner, CatalogueTx};
use crate::validate::Validator;
use crate::Db;
use crate::{AppError, Result, TenantContext};

/// What a new owner starts from: no parameters, no benefits, no cases.
const EMPTY_RULES: &str = "{\n  \"parameters\": {},\n  \"benefits\": []\n}\n";
const EMPTY_TESTS: &str = "{\n  \"tests\": []\n}\n";

/// The largest rulebook or test file accepted (the national one is 12 KB).
const MAX_FILE_BYTES: usize = 512 * 1024;

fn owner_of(ctx: &TenantContext, shared: bool) -> CatalogueOwner {
    if shared {
        CatalogueOwner::Shared
    } else {
        CatalogueOwner::Tenant(ctx.tenant_id())
    }
}

/// The catalogue of the context's tenant (or the shared one), draft and entries.
pub async fn catalogue(db: &Db, ctx: &TenantContext, shared: bool, lang: Lang) -> Result<CatalogueOut> {
    let tx = CatalogueTx::begin(db, ctx, owner_of(ctx, shared)).await?;
    let book = tx.select::<benefit_rulebook::Entity>().one(tx.conn()).await?;
    let entries = tx
        .select::<benefit::Entity>()
        .order_by_asc(benefit::Column::NameIt)
        .order_by_asc(benefit::Column::Id)
        .all(tx.conn())
        .await?;
    tx.commit().await?;

    let rulebook = match book {
        None => RulebookOut {
            version: 0,
            draft: EMPTY_RULES.into(),
            tests: EMPTY_TESTS.into(),
            published_at: None,
            unpublished_changes: false,
            draft_benefits: vec![],
            published_benefits: vec![],
        },
        Some(b) => RulebookOut {
            version: b.version,
            unpublished_changes: b.published.as_deref() != Some(b.draft.as_str()),
            draft_benefits: benefit_ids(&b.draft),
            published_benefits: b.published.as_deref().map(benefit_ids).unwrap_or_default(),
            published_at: b.published_at.map(|t| t.to_rfc3339()),
            draft: b.draft,
            tests: b.tests,
        },
    };
    let published: Vec<String> =
        entries.iter().filter(|e| e.status == EntryStatus::Published.code()).map(|e| e.code.clone()).collect();
    let check =
        RulebookCheck { version: rulebook.version, ..check(&rulebook.draft, &rulebook.tests, &published, lang) };
    let owner_name = if shared { types::i18n::t(lang, "benefits.national") } else { ctx.tenant().name.clone() };
    Ok(CatalogueOut {
        shared,
        owner_name,
        can_manage_shared: ctx.may(Permission::ManageSharedBenefits),
        rulebook,
        check,
        entries: entries.iter().map(entry_out).collect(),
    })
}

/// The ids of the benefits `rules` defines; none when it does not load.
fn benefit_ids(rules: &str) -> Vec<String> {
    Rulebook::parse(rules).map(|b| b.benefits.iter().map(|r| r.id.clone()).collect()).unwrap_or_default()
}

/// Checks a draft against its test cases and the entries already published.
pub fn check(draft: &str, tests: &str, published_codes: &[String], lang: Lang) -> RulebookCheck {
    let mut out =
        RulebookCheck { version: 0, error: None, cases: 0, failures: vec![], untested: vec![], orphaned: vec![] };
    let book = match Rulebook::parse(draft) {
        Ok(book) => book,
        Err(e) => {
            out.error = Some(e.message(rules_lang(lang)));
            return out;
        }
    };
    out.failures = eligibility::cases::run(&book, tests, rules_lang(lang))
        .into_iter()
        .map(|f| CaseFailure { test: f.test, benefit: f.benefit, message: f.message })
        .collect();
    let (cases, checked) = eligibility::cases::coverage(tests);
    out.cases = cases;
    out.untested = book.benefits.iter().map(|b| b.id.clone()).filter(|id| !checked.contains(id)).collect();
    out.orphaned = published_codes.iter().filter(|code| book.benefit(code).is_none()).cloned().collect();
    out
}

/// Saves the draft rules and test cases (at `version`, the one the editor started
/// from) and checks them. Saved even when they do not load: the check says why.
pub async fn save_rulebook(
    db: &Db,
    ctx: &TenantContext,
    shared: bool,
    version: i32,
    draft: &str,
    tests: &str,
    lang: Lang,
) -> Result<RulebookCheck> {
    let mut v = Validator::new();
    for (field, text) in [("draft", draft), ("tests", tests)] {
        if text.trim().is_empty() {
            v.issue(field, "validation.required", vec![]);
        } else if text.len() > MAX_FILE_BYTES {
            v.issue(field, "validation.too_long", vec![("max", MAX_FILE_BYTES.to_string())]);
        }
    }
    v.finish()?;

    let tx = CatalogueTx::begin(db, ctx, owner_of(ctx, shared)).await?;
    let now = tx.now();
    let saved = match tx.select::<benefit_rulebook::Entity>().one(tx.conn()).await? {
        None if version == 0 => {
            tx.insert(benefit_rulebook::ActiveModel {
                draft: Set(draft.to_string()),
                tests: Set(tests.to_string()),
                version: Set(1),
                updated_at: Set(now),
                updated_by: Set(Some(ctx.user().0)),
                ..Default::default()
            })
            .await?
            .version
        }
        Some(book) if book.version == version => {
            let updated = tx
                .update_many::<benefit_rulebook::Entity>()
                .col_expr(benefit_rulebook::Column::Draft, Expr::value(draft))
                .col_expr(benefit_rulebook::Column::Tests, Expr::value(tests))
                .col_expr(benefit_rulebook::Column::Version, Expr::value(version + 1))
                .col_expr(benefit_rulebook::Column::UpdatedAt, Expr::value(now))
                .col_expr(benefit_rulebook::Column::UpdatedBy, Expr::value(ctx.user().0))
                .filter(benefit_rulebook::Column::Id.eq(book.id))
                .filter(benefit_rulebook::Column::Version.eq(version))
                .exec(tx.conn())
                .await?;
            if updated.rows_affected != 1 {
                return Err(AppError::Conflict("conflict.stale_version"));
            }
            version + 1
        }
        _ => return Err(AppError::Conflict("conflict.stale_version")),
    };
    let published = published_codes(&tx).await?;
    tx.commit().await?;
    Ok(RulebookCheck { version: saved, ..check(draft, tests, &published, lang) })
}

/// The codes of the owner's published entries.
async fn published_codes(tx: &CatalogueTx) -> Result<Vec<String>> {
    let rows = tx
        .select::<benefit::Entity>()
        .filter(benefit::Column::Status.eq(EntryStatus::Published.code()))
        .order_by_asc(benefit::Column::Code)
        .all(tx.conn())
        .await?;
    Ok(rows.into_iter().map(|e| e.code).collect())
}

/// Publishes the saved draft (at `version`: what the editor checked is what goes out).
/// Refused with the check when it is not publishable.
pub async fn publish_rulebook(
    db: &Db,
    ctx: &TenantContext,
    shared: bool,
    version: i32,
    lang: Lang,
) -> Result<RulebookCheck> {
    let tx = CatalogueTx::begin(db, ctx, owner_of(ctx, shared)).await?;
    let book = tx.select::<benefit_rulebook::Entity>().one(tx.conn()).await?.ok_or(AppError::NotFound)?;
    if book.version != version {
        return Err(AppError::Conflict("conflict.stale_version"));
    }
    let result = check(&book.draft, &book.tests, &published_codes(&tx).await?, lang);
    if !result.publishable() {
        return Err(AppError::field("draft", "validation.rules_not_publishable"));
    }
    let published = tx
        .update_many::<benefit_rulebook::Entity>()
        .col_expr(benefit_rulebook::Column::Published, Expr::value(book.draft.clone()))
        .col_expr(benefit_rulebook::Column::PublishedAt, Expr::value(tx.now()))
        .col_expr(benefit_rulebook::Column::PublishedBy, Expr::value(ctx.user().0))
        .filter(benefit_rulebook::Column::Id.eq(book.id))
        .filter(benefit_rulebook::Column::Version.eq(version))
        .exec(tx.conn())
        .await?;
    // A save between the read and this update: what was checked is not what is saved.
    if published.rows_affected != 1 {
        return Err(AppError::Conflict("conflict.stale_version"));
    }
    tx.commit().await?;
    Ok(RulebookCheck { version, ..result })
}

pub async fn entry(db: &Db, ctx: &TenantContext, shared: bool, id: i64) -> Result<EntryOut> {
    let tx = CatalogueTx::begin(db, ctx, owner_of(ctx, shared)).await?;
    let row = find_entry(&tx, id).await?;
    tx.commit().await?;
    Ok(entry_out(&row))
}

async fn find_entry(tx: &CatalogueTx, id: i64) -> Result<benefit::Model> {
    tx.select::<benefit::Entity>().filter(benefit::Column::Id.eq(id)).one(tx.conn()).await?.ok_or(AppError::NotFound)
}

/// Creates (no `id`; a draft) or edits an entry (at `version`). Its code must name a
/// benefit of the draft or published rules; a published entry's, of the published ones.
pub async fn save_entry(
    db: &Db,
    ctx: &TenantContext,
    shared: bool,
    id: Option<i64>,
    version: i32,
    input: EntryIn,
) -> Result<EntryOut> {
    let mut v = Validator::new();
    let clean = validate(&mut v, input);
    let tx = CatalogueTx::begin(db, ctx, owner_of(ctx, shared)).await?;
    let existing = match id {
        Some(id) => Some(find_entry(&tx, id).await?),
        None => None,
    };
    let book = tx.select::<benefit_rulebook::Entity>().one(tx.conn()).await?;
    let published = book.as_ref().and_then(|b| b.published.as_deref()).map(benefit_ids).unwrap_or_default();
    let drafted = book.as_ref().map(|b| benefit_ids(&b.draft)).unwrap_or_default();
    if !clean.code.is_empty() {
        let is_published = existing.as_ref().is_some_and(|e| e.status == EntryStatus::Published.code());
        if is_published && !published.contains(&clean.code) {
            v.issue("code", "validation.benefit_rule_unpublished", vec![]);
        } else if !published.contains(&clean.code) && !drafted.contains(&clean.code) {
            v.issue("code", "validation.benefit_code_unknown", vec![]);
        }
        let taken = tx
            .select::<benefit::Entity>()
            .filter(benefit::Column::Code.eq(clean.code.as_str()))
            .one(tx.conn())
            .await?
            .is_some_and(|other| Some(other.id) != id);
        if taken {
            v.issue("code", "validation.benefit_code_taken", vec![]);
        }
    }
    v.finish()?;

    let now = tx.now();
    let row = match existing {
        None => {
            let mut row = benefit::ActiveModel { status: Set("draft".into()), version: Set(1), ..Default::default() };
            set(&mut row, clean, ctx, now);
            tx.insert(row).await?
        }
        Some(before) => {
            if before.version != version {
                return Err(AppError::Conflict("conflict.stale_version"));
            }
            let mut row = benefit::ActiveModel { version: Set(version + 1), ..Default::default() };
            set(&mut row, clean, ctx, now);
            let updated = tx
                .update_many::<benefit::Entity>()
                .set(row)
                .filter(benefit::Column::Id.eq(before.id))
                .filter(benefit::Column::Version.eq(version))
                .exec(tx.conn())
                .await?;
            if updated.rows_affected != 1 {
                return Err(AppError::Conflict("conflict.stale_version"));
            }
            find_entry(&tx, before.id).await?
        }
    };
    tx.commit().await?;
    Ok(entry_out(&row))
}

/// Moves an entry to `status`: `published` (its benefit must be in the published
/// rules), back to `draft`, or `retired` (citizens no longer see it).
pub async fn set_entry_status(db: &Db, ctx: &TenantContext, shared: bool, id: i64, status: &str) -> Result<EntryOut> {
    let tx = CatalogueTx::begin(db, ctx, owner_of(ctx, shared)).await?;
    let before = find_entry(&tx, id).await?;
    if EntryStatus::from_code(status).is_none() {
        return Err(AppError::field("status", "validation.unknown_code"));
    }
    if status == EntryStatus::Published.code() {
        let book = tx.select::<benefit_rulebook::Entity>().one(tx.conn()).await?;
        let published = book.and_then(|b| b.published).map(|p| benefit_ids(&p)).unwrap_or_default();
        if !published.contains(&before.code) {
            return Err(AppError::field("status", "validation.benefit_rule_unpublished"));
        }
    }
    tx.update_many::<benefit::Entity>()
        .col_expr(benefit::Column::Status, Expr::value(status))
        .col_expr(benefit::Column::Version, Expr::value(before.version + 1))
        .col_expr(benefit::Column::UpdatedAt, Expr::value(tx.now()))
        .col_expr(benefit::Column::UpdatedBy, Expr::value(ctx.user().0))
        .filter(benefit::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    let row = find_entry(&tx, id).await?;
    tx.commit().await?;
    Ok(entry_out(&row))
}

/// `EntryIn` trimmed, blanks as `None`; problems go to `v`.
fn validate(v: &mut Validator, input: EntryIn) -> EntryIn {
    let code = v.text("code", &input.code, 80);
    let code_ok = code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !code.is_empty() && !code_ok {
        v.issue("code", "validation.benefit_code_format", vec![]);
    }
    let level = v.code("level", &input.level, LEVELS);
    let category = v.code("category", &input.category, CATEGORIES);
    if input.figures_year.is_some_and(|y| !(2000..=2100).contains(&y)) {
        v.issue("figures_year", "validation.range", vec![("min", "2000".into()), ("max", "2100".into())]);
    }
    let mut both = |field: &str, it: &str, en: Option<&str>, max: usize| {
        (v.text(&format!("{field}_it"), it, max), v.optional_text(&format!("{field}_en"), en, max))
    };
    let (name_it, name_en) = both("name", &input.name_it, input.name_en.as_deref(), 200);
    let (summary_it, summary_en) = both("summary", &input.summary_it, input.summary_en.as_deref(), 1000);
    let (who_it, who_en) = both("who", &input.who_it, input.who_en.as_deref(), 2000);
    let (amount_it, amount_en) = both("amount", &input.amount_it, input.amount_en.as_deref(), 1000);
    let (how_to_apply_it, how_to_apply_en) =
        both("how_to_apply", &input.how_to_apply_it, input.how_to_apply_en.as_deref(), 4000);
    EntryIn {
        code,
        level,
        category,
        to_verify: input.to_verify,
        figures_year: input.figures_year,
        name_it,
        name_en,
        summary_it,
        summary_en,
        who_it,
        who_en,
        amount_it,
        amount_en,
        how_to_apply_it,
        how_to_apply_en,
        apply_url: v.optional_url("apply_url", input.apply_url.as_deref()),
        legal_reference: v.text("legal_reference", &input.legal_reference, 500),
    }
}

fn set(row: &mut benefit::ActiveModel, c: EntryIn, ctx: &TenantContext, now: chrono::DateTime<Utc>) {
    row.code = Set(c.code);
    row.level = Set(c.level);
    row.category = Set(c.category);
    row.to_verify = Set(c.to_verify);
    row.figures_year = Set(c.figures_year);
    row.name_it = Set(c.name_it);
    row.name_en = Set(c.name_en);
    row.summary_it = Set(c.summary_it);
    row.summary_en = Set(c.summary_en);
    row.who_it = Set(c.who_it);
    row.who_en = Set(c.who_en);
    row.amount_it = Set(c.amount_it);
    row.amount_en = Set(c.amount_en);
    row.how_to_apply_it = Set(c.how_to_apply_it);
    row.how_to_apply_en = Set(c.how_to_apply_en);
    row.apply_url = Set(c.apply_url);
    row.legal_reference = Set(c.legal_reference);
    row.updated_at = Set(now);
    row.updated_by = Set(Some(ctx.user().0));
}

fn entry_out(e: &benefit::Model) -> EntryOut {
    EntryOut {
        id: e.id,
        version: e.version,
        status: e.status.clone(),
        updated_at: e.updated_at.to_rfc3339(),
        fields: EntryIn {
            code: e.code.clone(),
            level: e.level.clone(),
            category: e.category.clone(),
            to_verify: e.to_verify,
            figures_year: e.figures_year,
            name_it: e.name_it.clone(),
            name_en: e.name_en.clone(),
            summary_it: e.summary_it.clone(),
            summary_en: e.summary_en.clone(),
            who_it: e.who_it.clone(),
            who_en: e.who_en.clone(),
            amount_it: e.amount_it.clone(),
            amount_en: e.amount_en.clone(),
            how_to_apply_it: e.how_to_apply_it.clone(),
            how_to_apply_en: e.how_to_apply_en.clone(),
            apply_url: e.apply_url.clone(),
            legal_reference: e.legal_reference.clone(),
        },
    }
}
