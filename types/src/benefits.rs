//! The benefits catalogue as staff keep it: one owner's rulebook (a draft, the published
//! copy, the test cases) and its entries, with the texts citizens read in Italian and
//! English. The owner is the staff member's tenant, or the deployment's shared national
//! catalogue (province admins).

use serde::{Deserialize, Serialize};

coded_enum! {
    /// Where a catalogue entry stands: only published ones reach citizens.
    pub enum EntryStatus {
        Draft = "draft",
        Published = "published",
        Retired = "retired",
    }
}

pub fn status_key(status: &str) -> String {
    format!("benefits.status.{status}")
}

pub fn level_key(level: &str) -> String {
    format!("benefits.level.{level}")
}

pub fn category_key(category: &str) -> String {
    format!("checker.category.{category}")
}

/// One owner's catalogue, as its editors see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogueOut {
    /// The shared national catalogue rather than the tenant's own.
    pub shared: bool,
    /// Whose: the tenant's name, or the shared catalogue's.
    pub owner_name: String,
    /// The signed-in user may also keep the shared catalogue.
    pub can_manage_shared: bool,
    pub rulebook: RulebookOut,
    /// The saved draft checked against its tests and the published entries.
    pub check: RulebookCheck,
    pub entries: Vec<EntryOut>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RulebookOut {
    /// 0 while nothing was ever saved.
    pub version: i32,
    pub draft: String,
    pub tests: String,
    /// RFC 3339; `None` until first published.
    pub published_at: Option<String>,
    /// The draft differs from what citizens see.
    pub unpublished_changes: bool,
    /// The benefit ids of the draft and of the published rules (empty when they do not load).
    pub draft_benefits: Vec<String>,
    pub published_benefits: Vec<String>,
}

/// The draft checked: whether it loads (else where it breaks) and how its tests went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RulebookCheck {
    /// The saved version (after a save).
    pub version: i32,
    /// The load error, line first; `None` when the rules load.
    pub error: Option<String>,
    pub cases: usize,
    pub failures: Vec<CaseFailure>,
    /// Benefits of the draft that no test case checks.
    pub untested: Vec<String>,
    /// Published entries whose code the draft lacks: publishing would orphan them.
    pub orphaned: Vec<String>,
}

impl RulebookCheck {
    /// What `publish` requires.
    pub fn publishable(&self) -> bool {
        self.error.is_none() && self.failures.is_empty() && self.untested.is_empty() && self.orphaned.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseFailure {
    pub test: String,
    pub benefit: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntryOut {
    pub id: i64,
    pub version: i32,
    #[serde(flatten)]
    pub fields: EntryIn,
    pub status: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// The texts and facts of one entry; its rule is benefit `code` of the owner's rulebook.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EntryIn {
    pub code: String,
    pub level: String,
    pub category: String,
    pub to_verify: bool,
    pub figures_year: Option<i32>,
    pub name_it: String,
    pub name_en: Option<String>,
    pub summary_it: String,
    pub summary_en: Option<String>,
    pub who_it: String,
    pub who_en: Option<String>,
    pub amount_it: String,
    pub amount_en: Option<String>,
    pub how_to_apply_it: String,
    pub how_to_apply_en: Option<String>,
    pub apply_url: Option<String>,
    pub legal_reference: String,
}
