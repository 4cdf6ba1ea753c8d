//! The public directory, answered from memory. Citizens, council sites and widgets search
//! published facilities far more often than staff change them, and every search differs
//! (a position, a word), so a cache of answers alone does not help: this node keeps a
//! snapshot of every published facility, hydrated once, with indexes: a grid for `near`
//! searches and an inverted index of the search texts' trigrams for words (`words`). A
//! search starts from the smaller of what they give and keeps only the page it returns in
//! order (top-k, not a sort of every match).
//!
//! The snapshot is read from the database through `DirectoryScope::public` of each root
//! tenant (the same choke point and RLS policies as any directory read) and rebuilt
//! - at once after a write through this node (`Db::data_generation` moved), and
//! - in the background when, every `CHECK_AFTER`, a cheap probe of the tables (`Fingerprint`)
//!   shows a write through another node or the CLI, and in any case every `REBUILD_AFTER`
//!   (a probe can miss a write stamped by a node whose clock runs behind). Meanwhile the
//!   old snapshot keeps answering.
//!
//! Only published, non-archived entries ever enter it; staff searches (drafts, freshness)
//! stay on the database.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use entity::{comune, district, facility, facility_type, organization, tenant};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use types::directory::{
    ComuneBriefOut, FacilityOut, FacilitySearch, FacilityTypeOut, PublicFiltersOut, SearchPage, AREAS, SETTINGS,
};
use types::{FacilityId, Lang};

use crate::facilities::{Hydrator, ParsedSearch, Radians};
use crate::tenancy::DirectoryScope;
use crate::{AppError, Db, Result};

mod words;
use words::{Bits, WordIndex};

/// How often the tables are probed for writes made elsewhere.
pub const CHECK_AFTER: Duration = Duration::from_secs(10);
/// How old a snapshot may get, whatever the probe says.
pub const REBUILD_AFTER: Duration = Duration::from_secs(300);
/// Side of a grid cell in degrees (about 2 km of latitude).
const CELL_DEG: f64 = 0.02;
/// Rows hydrated per batch while building (keeps `IN (…)` lists short).
const BATCH: usize = 1_000;

/// The public directory of this node. Cheap to clone; all clones share one snapshot.
#[derive(Clone)]
pub struct PublicDirectory {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    check_after: Duration,
    rebuild_after: Duration,
    current: RwLock<Option<Arc<Snapshot>>>,
    /// One build at a time; the others wait for it and use its result.
    building: tokio::sync::Mutex<()>,
    refreshing: AtomicBool,
}

impl PublicDirectory {
    pub fn new(db: Db) -> PublicDirectory {
        Self::with_intervals(db, CHECK_AFTER, REBUILD_AFTER)
    }

    /// With other intervals than `CHECK_AFTER` and `REBUILD_AFTER` (tests).
    pub fn with_intervals(db: Db, check_after: Duration, rebuild_after: Duration) -> PublicDirectory {
        PublicDirectory {
            inner: Arc::new(Inner {
                db,
                check_after,
                rebuild_after,
                current: RwLock::new(None),
                building: tokio::sync::Mutex::new(()),
                refreshing: AtomicBool::new(false),
            }),
        }
    }

    /// Search of `slug`'s directory: published entries of that tenant and every tenant
    /// beneath it. By name, or by distance when `near` is given.
    pub async fn search(&self, slug: &str, search: &FacilitySearch, lang: Lang) -> Result<SearchPage<FacilityOut>> {
        let snap = self.snapshot().await?;
        let parsed = snap.parse(search)?;
        let (hits, total) = snap.find(slug, &parsed, false)?;
        let items = hits.into_iter().map(|(i, d)| snap.out(i, lang, d)).collect();
        Ok(parsed.page_of(items, total))
    }

    /// `search`, as the JSON of the public API: Italian entries are copied as they were
    /// written when the snapshot was built, with only the distance added, so the answer
    /// to a new position costs the search and a copy, not the serialization of each entry.
    pub async fn search_json(&self, slug: &str, search: &FacilitySearch, lang: Lang) -> Result<Vec<u8>> {
        let snap = self.snapshot().await?;
        let parsed = snap.parse(search)?;
        let (hits, total) = snap.find(slug, &parsed, false)?;
        let unwritable = |e: serde_json::Error| AppError::Internal(format!("serialize: {e}"));
        // The page without items, its fields written as the typed answer writes them.
        let frame = serde_json::to_string(&parsed.page_of(Vec::<FacilityOut>::new(), total)).map_err(unwritable)?;
        let (head, tail) = frame.split_once(EMPTY_ITEMS).ok_or(AppError::Internal("page without items".into()))?;
        let written: usize =
            hits.iter().map(|(i, _)| snap.entries[*i].written.as_ref().map_or(1024, |w| w.len() + 24)).sum();
        let mut out = Vec::with_capacity(frame.len() + written);
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(b"\"items\":[");
        for (n, (i, distance)) in hits.into_iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            match (lang, &snap.entries[i].written) {
                (Lang::It, Some(written)) => {
                    out.extend_from_slice(written.as_bytes());
                    serde_json::to_writer(&mut out, &distance).map_err(unwritable)?;
                    out.push(b'}');
                }
                _ => serde_json::to_writer(&mut out, &snap.out(i, lang, distance)).map_err(unwritable)?,
            }
        }
        out.push(b']');
        out.extend_from_slice(tail.as_bytes());
        Ok(out)
    }

    /// Every match with coordinates (no paging): for maps.
    pub async fn map(&self, slug: &str, search: &FacilitySearch, lang: Lang) -> Result<Vec<FacilityOut>> {
        let snap = self.snapshot().await?;
        let parsed = snap.parse(search)?;
        let (hits, _) = snap.find(slug, &parsed, true)?;
        Ok(hits
            .into_iter()
            .filter(|(i, _)| snap.keys[*i].position.is_some())
            .map(|(i, d)| snap.out(i, lang, d))
            .collect())
    }

    /// The facility types and comuni among the published entries of `slug`'s directory,
    /// by label and by name: the choices of a public search form.
    pub async fn filters(&self, slug: &str, lang: Lang) -> Result<PublicFiltersOut> {
        let snap = self.snapshot().await?;
        let in_scope = snap.scope(slug)?;
        let mut types: BTreeMap<String, FacilityTypeOut> = BTreeMap::new();
        let mut comuni: BTreeMap<String, ComuneBriefOut> = BTreeMap::new();
        for (i, key) in snap.keys.iter().enumerate() {
            if !in_scope[key.tenant] {
                continue;
            }
            let out = snap.out(i, lang, None);
            types.entry(out.facility_type.code.clone()).or_insert(out.facility_type);
            comuni.entry(out.comune.istat_code.clone()).or_insert(out.comune);
        }
        let mut facility_types: Vec<FacilityTypeOut> = types.into_values().collect();
        facility_types.sort_by(|a, b| a.label.cmp(&b.label));
        let mut comuni: Vec<ComuneBriefOut> = comuni.into_values().collect();
        comuni.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(PublicFiltersOut { facility_types, comuni })
    }

    /// The ISTAT codes (3 digits) of the provinces `slug`'s directory lies in: those of
    /// its tenants and of the comuni of its entries. What a map of it shows.
    pub async fn provinces(&self, slug: &str) -> Result<Vec<String>> {
        let snap = self.snapshot().await?;
        let in_scope = snap.scope(slug)?;
        let mut codes = std::collections::BTreeSet::new();
        for (t, node) in snap.tenants.iter().enumerate() {
            if in_scope[t] {
                if let Some(code) = node.istat.as_deref().and_then(province_of) {
                    codes.insert(code.to_owned());
                }
            }
        }
        for (i, key) in snap.keys.iter().enumerate() {
            if in_scope[key.tenant] {
                if let Some(code) = province_of(&snap.entries[i].out.comune.istat_code) {
                    codes.insert(code.to_owned());
                }
            }
        }
        Ok(codes.into_iter().collect())
    }

    /// One published facility of `slug`'s directory.
    pub async fn facility(&self, slug: &str, id: FacilityId, lang: Lang) -> Result<FacilityOut> {
        let snap = self.snapshot().await?;
        let in_scope = snap.scope(slug)?;
        let i = *snap.by_id.get(&id.0).ok_or(AppError::NotFound)?;
        if !in_scope[snap.keys[i].tenant] {
            return Err(AppError::NotFound);
        }
        Ok(snap.out(i, lang, None))
    }

    fn current(&self) -> Option<Arc<Snapshot>> {
        self.inner.current.read().ok().and_then(|c| c.clone())
    }

    /// The snapshot to answer from: the current one unless a write went through this
    /// node since it was built. A check that is due runs in the background.
    async fn snapshot(&self) -> Result<Arc<Snapshot>> {
        let generation = self.inner.db.data_generation();
        if let Some(snap) = self.current().filter(|s| s.generation == generation) {
            if snap.check_due(self.inner.check_after) && !self.inner.refreshing.swap(true, Ordering::AcqRel) {
                let this = self.clone();
                tokio::spawn(async move {
                    if let Err(e) = this.refresh(true).await {
                        tracing::warn!(error = ?e, "public directory refresh failed; the old snapshot stays");
                    }
                    this.inner.refreshing.store(false, Ordering::Release);
                });
            }
            return Ok(snap);
        }
        self.refresh(false).await
    }

    /// Rebuilds unless the current snapshot is still right: same generation and, when
    /// `probe`, the same fingerprint (then it is only marked as checked).
    async fn refresh(&self, probe: bool) -> Result<Arc<Snapshot>> {
        let _one_at_a_time = self.inner.building.lock().await;
        // Read before building: a write meanwhile makes the result stale at once.
        let generation = self.inner.db.data_generation();
        let current = self.current().filter(|s| s.generation == generation);
        if let Some(snap) = current.as_ref().filter(|s| !probe || !s.check_due(self.inner.check_after)) {
            return Ok(snap.clone());
        }
        let fingerprint = Fingerprint::read(&self.inner.db).await?;
        let unchanged =
            |s: &Arc<Snapshot>| s.fingerprint == fingerprint && s.built_at.elapsed() < self.inner.rebuild_after;
        if let Some(snap) = current.filter(unchanged) {
            snap.checked();
            return Ok(snap);
        }
        let started = Instant::now();
        let snap = Arc::new(Snapshot::build(&self.inner.db, generation, fingerprint).await?);
        tracing::debug!(
            entries = snap.entries.len(),
            ms = started.elapsed().as_millis() as u64,
            "public directory built"
        );
        if let Ok(mut current) = self.inner.current.write() {
            *current = Some(snap.clone());
        }
        Ok(snap)
    }
}

/// A cheap summary of everything the snapshot shows, per root tenant: rows and latest
/// change of facilities and organisations, the districts, the tenant tree.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint(Vec<String>);

impl Fingerprint {
    async fn read(db: &Db) -> Result<Fingerprint> {
        // `CAST(… AS TEXT)` reads the same on SQLite and PostgreSQL.
        let summary = "COUNT(*), CAST(MAX(updated_at) AS TEXT)";
        let mut parts = Vec::new();
        let tenants = tenant::Entity::find().order_by_asc(tenant::Column::Id).all(db).await?;
        for t in &tenants {
            parts.push(format!("t{}:{}:{}:{:?}", t.id, t.slug, t.name, t.parent_id));
        }
        for root in tenants.iter().filter(|t| t.parent_id.is_none()) {
            let scope = DirectoryScope::public(db, &root.slug).await?;
            let tx = scope.begin(db).await?;
            // The published count catches (un)publishing stamped by a clock that runs behind.
            let facilities: Option<(i64, Option<String>, i64)> = tx
                .select::<facility::Entity>()
                .select_only()
                .expr(Expr::cust(summary))
                .expr(Expr::cust("COALESCE(SUM(CASE WHEN published AND archived_at IS NULL THEN 1 ELSE 0 END), 0)"))
                .into_tuple()
                .one(tx.conn())
                .await?;
            let organizations: Option<(i64, Option<String>)> = tx
                .select::<organization::Entity>()
                .select_only()
                .expr(Expr::cust(summary))
                .into_tuple()
                .one(tx.conn())
                .await?;
            let districts: Vec<(i64, String)> = tx
                .select::<district::Entity>()
                .select_only()
                .column(district::Column::Id)
                .column(district::Column::Name)
                .order_by_asc(district::Column::Id)
                .into_tuple()
                .all(tx.conn())
                .await?;
            tx.commit().await?;
            parts.push(format!("r{}:{facilities:?}:{organizations:?}:{districts:?}", root.id));
        }
        Ok(Fingerprint(parts))
    }
}

/// How the items of a page without items are written.
const EMPTY_ITEMS: &str = "\"items\":[]";
/// How an entry's JSON ends when it has no distance.
const NO_DISTANCE: &str = "\"distance_km\":null}";

/// One published facility, hydrated in Italian.
struct Entry {
    out: FacilityOut,
    type_label_en: String,
    search_text: String,
    /// `out` as JSON up to its distance (the last field, `…,"distance_km":`).
    written: Option<Box<str>>,
}

impl Entry {
    fn new(out: FacilityOut, type_label_en: String, search_text: String) -> Entry {
        let json = serde_json::to_string(&out).unwrap_or_default();
        let written = json.strip_suffix(NO_DISTANCE).map(|head| format!("{head}\"distance_km\":").into_boxed_str());
        Entry { out, type_label_en, search_text, written }
    }
}

/// What the filters compare, packed apart from `Entry` so a scan touches little memory.
#[derive(Clone, Copy)]
struct Key {
    position: Option<(f64, f64)>,
    /// Index into `Snapshot::tenants`.
    tenant: usize,
    /// Bit `i` stands for `AREAS[i]`.
    areas: u8,
    /// Index into `SETTINGS` (`u8::MAX` for another value).
    setting: u8,
    /// Index into `Snapshot::type_codes`.
    facility_type: u16,
    has_free_places: bool,
    /// ISTAT code as a number (`u32::MAX` if unreadable).
    comune: u32,
    district: Option<i64>,
}

/// An entry in a grid cell, with its position: the box is checked without reading `keys`.
struct Located {
    lat: f64,
    lon: f64,
    at: Radians,
    entry: usize,
}

/// A match: index into `Snapshot::entries` and distance in km from `near`.
type Hit = (usize, Option<f64>);

/// A search's filters in `Key` terms.
struct Filter {
    areas: u8,
    setting: Option<u8>,
    facility_type: Option<u16>,
    comune: Option<u32>,
    district: Option<i64>,
    free_places: bool,
}

fn area_bits<'a>(areas: impl IntoIterator<Item = &'a String>) -> u8 {
    areas.into_iter().filter_map(|a| AREAS.iter().position(|x| x == a)).fold(0, |bits, i| bits | 1 << i)
}

fn setting_index(setting: &str) -> u8 {
    SETTINGS.iter().position(|s| *s == setting).and_then(|i| u8::try_from(i).ok()).unwrap_or(u8::MAX)
}

/// The province part of an ISTAT code: a comune's first three digits, or a province's own.
fn province_of(istat: &str) -> Option<&str> {
    (matches!(istat.len(), 3 | 6) && istat.bytes().all(|b| b.is_ascii_digit())).then(|| &istat[..3])
}

fn comune_number(istat: &str) -> u32 {
    istat.parse().unwrap_or(u32::MAX)
}

struct TenantNode {
    parent: Option<usize>,
    /// ISTAT code: a comune's (6 digits) or a province's (3).
    istat: Option<String>,
}

struct Snapshot {
    generation: u64,
    fingerprint: Fingerprint,
    built_at: Instant,
    /// When the fingerprint was last found unchanged (or the snapshot built).
    checked_at: Mutex<Instant>,
    /// By name, then id: a list search reads them in order.
    entries: Vec<Entry>,
    /// `keys[i]` is what the filters compare of `entries[i]`.
    keys: Vec<Key>,
    by_id: HashMap<i64, usize>,
    tenants: Vec<TenantNode>,
    tenant_by_slug: HashMap<String, usize>,
    /// Entries with coordinates by grid cell.
    grid: HashMap<(i32, i32), Vec<Located>>,
    /// Which entries' search text holds a word.
    words: WordIndex,
    /// Facility type codes; a key's `facility_type` indexes this.
    type_codes: Vec<String>,
    comuni: HashSet<String>,
}

fn cell_of(deg: f64) -> i32 {
    // Coordinates are within ±180°, so the cast cannot overflow.
    (deg / CELL_DEG).floor() as i32
}

impl Snapshot {
    fn check_due(&self, check_after: Duration) -> bool {
        self.checked_at.lock().map_or(true, |at| at.elapsed() >= check_after)
    }

    fn checked(&self) {
        if let Ok(mut at) = self.checked_at.lock() {
            *at = Instant::now();
        }
    }

    /// Loads the published entries. `fingerprint` was read before, so a write meanwhile
    /// shows as a difference at the next check.
    async fn build(db: &Db, generation: u64, fingerprint: Fingerprint) -> Result<Snapshot> {
        let all_tenants = tenant::Entity::find().order_by_asc(tenant::Column::Id).all(db).await?;
        let index: HashMap<i64, usize> = all_tenants.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
        let tenants = all_tenants
            .iter()
            .map(|t| TenantNode {
                parent: t.parent_id.and_then(|p| index.get(&p).copied()),
                istat: t.istat_code.clone(),
            })
            .collect();
        let tenant_by_slug = all_tenants.iter().enumerate().map(|(i, t)| (t.slug.clone(), i)).collect();
        let type_rows = facility_type::Entity::find().order_by_asc(facility_type::Column::Code).all(db).await?;
        let label_en: HashMap<String, String> =
            type_rows.iter().map(|t| (t.code.clone(), t.label_en.clone())).collect();
        let type_codes: Vec<String> = type_rows.into_iter().map(|t| t.code).collect();
        let type_index: HashMap<&str, u16> =
            type_codes.iter().enumerate().map(|(i, c)| (c.as_str(), u16::try_from(i).unwrap_or(u16::MAX))).collect();
        let comuni = comune::Entity::find()
            .select_only()
            .column(comune::Column::IstatCode)
            .into_tuple::<String>()
            .all(db)
            .await?
            .into_iter()
            .collect();

        let mut entries: Vec<(Entry, Key)> = Vec::new();
        for root in all_tenants.iter().filter(|t| t.parent_id.is_none()) {
            let scope = DirectoryScope::public(db, &root.slug).await?;
            let tx = scope.begin(db).await?;
            let rows = tx
                .select::<facility::Entity>()
                .filter(facility::Column::Published.eq(true))
                .filter(facility::Column::ArchivedAt.is_null())
                .all(tx.conn())
                .await?;
            for batch in rows.chunks(BATCH) {
                let hydrator = Hydrator::load(&tx, batch, Lang::It).await?;
                for row in batch {
                    // A tenant created since the list was read: the next build has it.
                    let Some(&tenant) = index.get(&row.tenant_id) else { continue };
                    let out = hydrator.public(row, None);
                    let key = Key {
                        position: row.latitude.zip(row.longitude),
                        tenant,
                        areas: area_bits(&out.areas),
                        setting: setting_index(&out.setting),
                        facility_type: type_index.get(row.facility_type.as_str()).copied().unwrap_or(u16::MAX),
                        has_free_places: row.places_free.is_some_and(|n| n > 0),
                        comune: comune_number(&row.comune_istat),
                        district: row.district_id,
                    };
                    let label_en = label_en.get(&row.facility_type).cloned().unwrap_or_default();
                    let entry = Entry::new(out, label_en, row.search_text.clone());
                    entries.push((entry, key));
                }
            }
            tx.commit().await?;
        }
        // Byte order of names, as SQLite's default collation sorts them.
        entries.sort_by(|(a, _), (b, _)| a.out.name.cmp(&b.out.name).then(a.out.id.0.cmp(&b.out.id.0)));
        let (entries, keys): (Vec<Entry>, Vec<Key>) = entries.into_iter().unzip();

        let mut by_id = HashMap::with_capacity(entries.len());
        let mut grid: HashMap<(i32, i32), Vec<Located>> = HashMap::new();
        for (i, (e, k)) in entries.iter().zip(&keys).enumerate() {
            by_id.insert(e.out.id.0, i);
            if let Some((lat, lon)) = k.position {
                grid.entry((cell_of(lat), cell_of(lon))).or_default().push(Located {
                    lat,
                    lon,
                    at: Radians::of((lat, lon)),
                    entry: i,
                });
            }
        }
        let words = WordIndex::build(entries.iter().map(|e| e.search_text.as_str()));
        Ok(Snapshot {
            generation,
            fingerprint,
            built_at: Instant::now(),
            checked_at: Mutex::new(Instant::now()),
            entries,
            keys,
            by_id,
            tenants,
            tenant_by_slug,
            grid,
            words,
            type_codes,
            comuni,
        })
    }

    fn parse(&self, search: &FacilitySearch) -> Result<ParsedSearch> {
        ParsedSearch::check(search, false, |t| self.type_codes.iter().any(|c| c == t), |c| self.comuni.contains(c))
    }

    fn filter(&self, p: &ParsedSearch) -> Filter {
        Filter {
            areas: p.area.as_ref().map_or(0, |a| area_bits([a])),
            setting: p.setting.as_deref().map(setting_index),
            facility_type: p.facility_type.as_ref().map(|t| {
                let i = self.type_codes.iter().position(|c| c == t);
                i.and_then(|i| u16::try_from(i).ok()).unwrap_or(u16::MAX)
            }),
            comune: p.comune.as_deref().map(comune_number),
            district: p.district,
            free_places: p.free_places,
        }
    }

    /// Which tenants `slug`'s directory covers: it and every tenant beneath it.
    fn scope(&self, slug: &str) -> Result<Vec<bool>> {
        let root = *self.tenant_by_slug.get(slug).ok_or(AppError::NotFound)?;
        Ok((0..self.tenants.len())
            .map(|mut t| loop {
                if t == root {
                    break true;
                }
                match self.tenants[t].parent {
                    Some(p) => t = p,
                    None => break false,
                }
            })
            .collect())
    }

    /// The filters other than position and words.
    fn matches(&self, i: usize, f: &Filter) -> bool {
        let k = &self.keys[i];
        (f.areas == 0 || k.areas & f.areas != 0)
            && f.setting.is_none_or(|s| s == k.setting)
            && f.facility_type.is_none_or(|t| t == k.facility_type)
            && f.comune.is_none_or(|c| c == k.comune)
            && f.district.is_none_or(|d| k.district == Some(d))
            && (!f.free_places || k.has_free_places)
    }

    /// The page asked for (everything when `unpaged`) as (entry, distance in km), and the
    /// number of matches.
    fn find(&self, slug: &str, p: &ParsedSearch, unpaged: bool) -> Result<(Vec<Hit>, u64)> {
        let in_scope = self.scope(slug)?;
        let filter = self.filter(p);
        let with_words = self.words.matching(&p.words, |i| self.entries[i].search_text.as_str());
        let has_words = |i: usize| with_words.as_ref().is_none_or(|w| w.contains(i));
        // The other filters read `keys`, which the grid's candidates leave alone until here.
        let wanted = |i: usize| in_scope[self.keys[i].tenant] && self.matches(i, &filter);
        let skip = usize::try_from((p.page - 1) * p.per_page).unwrap_or(usize::MAX);
        let take = if unpaged { usize::MAX } else { usize::try_from(p.per_page).unwrap_or(usize::MAX) };

        let Some((center, radius)) = p.near else {
            // Name order: the entries holding the words, or all of them.
            let candidates: Box<dyn Iterator<Item = usize>> = match &with_words {
                Some(w) => Box::new(w.iter()),
                None => Box::new(0..self.entries.len()),
            };
            let mut total = 0u64;
            let mut page = Vec::new();
            for i in candidates.filter(|&i| has_words(i) && wanted(i)) {
                if unpaged || (total as usize >= skip && page.len() < take) {
                    page.push((i, None));
                }
                total += 1;
            }
            return Ok((page, total));
        };

        // The bounding box, then the exact distance of what passes the filters.
        let dlat = radius / 111.32;
        let dlon = radius / (111.32 * center.0.to_radians().cos().max(0.01));
        let (lat_range, lon_range) = (center.0 - dlat..=center.0 + dlat, center.1 - dlon..=center.1 + dlon);
        let mut hits: Vec<(f64, usize)> = Vec::new();
        let from = Radians::of(center);
        let mut consider = |i: usize, pos: (f64, f64), at: Option<&Radians>| {
            // The words, the box and the filters are cheap; the great-circle distance is not.
            if !has_words(i) || !lat_range.contains(&pos.0) || !lon_range.contains(&pos.1) || !wanted(i) {
                return;
            }
            let d = from.distance_km(&at.copied().unwrap_or_else(|| Radians::of(pos)));
            if d <= radius {
                hits.push((d, i));
            }
        };
        let cells = self.cells(&lat_range, &lon_range);
        let in_cells: usize = cells.iter().map(|c| c.len()).sum();
        // Start from the smaller index: the words' entries or the box's.
        match with_words.as_deref().filter(|w: &&Bits| w.count() < in_cells) {
            Some(w) => w.iter().for_each(|i| {
                if let Some(pos) = self.keys[i].position {
                    consider(i, pos, None);
                }
            }),
            None => cells.iter().flat_map(|c| c.iter()).for_each(|l| consider(l.entry, (l.lat, l.lon), Some(&l.at))),
        }
        let total = hits.len() as u64;
        // Entries are in name order, so the index breaks distance ties by name, then id.
        let order = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        let (first, end) = if unpaged { (0, hits.len()) } else { (skip, skip.saturating_add(take)) };
        if end < hits.len() {
            // Only the nearest `end` are ordered: the page is their tail.
            hits.select_nth_unstable_by(end, order);
            hits.truncate(end);
        }
        hits.sort_unstable_by(order);
        let page = hits.into_iter().skip(first).map(|(d, i)| (i, Some((d * 100.0).round() / 100.0))).collect();
        Ok((page, total))
    }

    /// The grid cells that overlap a box of latitudes and longitudes.
    fn cells(
        &self,
        lat_range: &std::ops::RangeInclusive<f64>,
        lon_range: &std::ops::RangeInclusive<f64>,
    ) -> Vec<&[Located]> {
        let (lat0, lat1) = (cell_of(*lat_range.start()), cell_of(*lat_range.end()));
        let (lon0, lon1) = (cell_of(*lon_range.start()), cell_of(*lon_range.end()));
        let box_cells = (i64::from(lat1 - lat0) + 1) * (i64::from(lon1 - lon0) + 1);
        if box_cells > self.grid.len() as i64 {
            // A box wider than the directory: its cells, not the box's.
            self.grid
                .iter()
                .filter(|(&(la, lo), _)| (lat0..=lat1).contains(&la) && (lon0..=lon1).contains(&lo))
                .map(|(_, cell)| cell.as_slice())
                .collect()
        } else {
            (lat0..=lat1)
                .flat_map(|la| (lon0..=lon1).map(move |lo| (la, lo)))
                .filter_map(|c| self.grid.get(&c).map(Vec::as_slice))
                .collect()
        }
    }

    fn out(&self, i: usize, lang: Lang, distance_km: Option<f64>) -> FacilityOut {
        let e = &self.entries[i];
        let mut out = e.out.clone();
        if lang == Lang::En && !e.type_label_en.is_empty() {
            out.facility_type.label = e.type_label_en.clone();
        }
        out.distance_km = distance_km;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::cell_of;

    #[test]
    fn cells_are_floor_divisions() {
        assert_eq!(cell_of(0.0), 0);
        assert_eq!(cell_of(0.019), 0);
        assert_eq!(cell_of(0.021), 1);
        assert_eq!(cell_of(-0.001), -1);
        assert_eq!(cell_of(45.5397), 2276);
    }
}
