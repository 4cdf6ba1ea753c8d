//! CSV import of facilities (staff page, CLI, demo). Reads what real registers publish:
//! UTF-8 or Windows-1252, `,` `;` or tab separators, quoted fields, decimal commas. A
//! column mapping names which CSV column feeds which field; a dry run reports every
//! problem row by row; a real run writes nothing unless every row is valid, and then
//! upserts in one transaction keyed on the source's facility code — running it twice
//! changes nothing the second time.
//!
//! Rows go to the most specific tenant beneath the importing one that covers the row's
//! comune: the municipality's tenant if it has one, else its zone, else the importer.

use std::collections::{BTreeMap, HashMap, HashSet};

use entity::{facility, facility_type, organization, tenant};
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, TryIntoModel};
use types::directory::{FacilityIn, ImportIssue, ImportReport, TenantRows};
use types::i18n::tf;
use types::Lang;

use crate::authz::Permission;
use crate::error::FieldIssue;
use crate::facilities::{apply, changes, validate_facility, CleanFacility, Refs, Territory};
use crate::tenancy::DirectoryScope;
use crate::validate::Validator;
use crate::Db;
use crate::{AppError, Result, TenantContext};

pub use types::directory::IMPORT_TARGETS as TARGETS;
/// Besides a comune: an ISTAT code (`comune`) or a name with its province (`comune_name`,
/// `province`).
const REQUIRED: &[&str] = &["code", "name", "address"];

/// What to import and how.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Short name of the source, part of every key (`lombardia-rsa`).
    pub source: String,
    /// The facility type of every row, unless `facility_type` is mapped to a column.
    pub facility_type: String,
    /// What a register's type column says (upper case) → facility type code; a value not
    /// listed is taken as a code.
    pub type_values: BTreeMap<String, String>,
    /// Field → CSV column header.
    pub mapping: BTreeMap<String, String>,
    /// Publish new entries straight away (existing ones keep their state).
    pub publish: bool,
    /// Leave out rows whose comune is outside the importer's territory (a province taking
    /// its part of a regional register) instead of reporting them.
    pub skip_outside: bool,
    pub dry_run: bool,
}

/// The mapping for Regione Lombardia's RSA register (dati.lombardia.it).
pub fn lombardia_rsa() -> ImportOptions {
    lombardia_register("lombardia-rsa", "rsa", &[("accredited", "FL_ACCREDITATA")])
}

/// The mapping for Regione Lombardia's register of accredited integrated day centres (CDI):
/// the RSA register's columns, without its accreditation flag (every row is accredited).
pub fn lombardia_cdi() -> ImportOptions {
    lombardia_register("lombardia-cdi", "cdi", &[])
}

/// The mapping for Regione Lombardia's register of social units for older people
/// ("unità d'offerta sociali"): day centres and sheltered flats in one file, the comune by
/// name and province (the register has no ISTAT code).
pub fn lombardia_offerta_sociale() -> ImportOptions {
    let pairs = [
        ("code", "CODICE_CUDES"),
        ("name", "DENOMINAZIONE_STRUTTURA"),
        ("facility_type", "UNITA_OFFERTE_SOCIALI"),
        ("address", "INDIRIZZO_STRUTTURA"),
        ("comune_name", "COMUNE_DI_UBICAZIONE"),
        ("province", "PROV"),
        ("postal_code", "CAP"),
        ("latitude", "WGS84_Y"),
        ("longitude", "WGS84_X"),
        ("places_authorised", "NR_POSTI"),
        ("phone", "TELEFONO_STRUTTURA"),
        ("email", "EMAIL_STRUTTURA"),
        ("website", "SITO_WEB_MAIL"),
        ("organization_code", "COD_EG"),
        ("organization_name", "DENOMINAZIONE_EG"),
        ("organization_vat", "PARTITA_IVA_EG"),
        ("organization_tax_code", "CODICE_FISCALE_EG"),
    ];
    // The register's own spelling ("CENTRO DIURNI").
    let types = [("ALLOGGIO PROTETTO ANZIANI", "casa_albergo"), ("CENTRO DIURNI ANZIANI", "centro_diurno_anziani")];
    ImportOptions {
        source: "lombardia-offerta-sociale".into(),
        facility_type: String::new(),
        type_values: types.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        mapping: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        publish: true,
        skip_outside: false,
        dry_run: false,
    }
}

/// The columns Regione Lombardia's health-care unit registers share.
fn lombardia_register(source: &str, facility_type: &str, more: &[(&str, &str)]) -> ImportOptions {
    let pairs = [
        ("code", "COD_STRUTTURA"),
        ("name", "DENOM_STRUTTURA"),
        ("address", "INDIRIZZO_UBICAZIONE"),
        ("comune", "COD_ISTAT_COMUNE_UBICAZIONE"),
        ("postal_code", "CAP"),
        ("latitude", "WGS84_Y"),
        ("longitude", "WGS84_X"),
        ("places_authorised", "TOT_POSTI_AUTORIZZATI"),
        ("places_accredited", "TOT_POSTI_ACCREDITATI"),
        ("organization_code", "COD_GESTORE"),
        ("organization_name", "DENOM_GESTORE"),
        ("organization_vat", "P_IVA"),
        ("organization_tax_code", "COD_FISCALE_GESTORE"),
        ("organization_legal_status", "PUBBLICA_PRIVATA"),
    ];
    ImportOptions {
        source: source.into(),
        facility_type: facility_type.into(),
        type_values: BTreeMap::new(),
        mapping: pairs.iter().chain(more).map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        publish: true,
        skip_outside: false,
        dry_run: false,
    }
}

/// Parses `field=COLUMN,field=COLUMN` (as the CLI and the staff page take it).
pub fn parse_mapping(text: &str) -> Result<BTreeMap<String, String>> {
    let mut v = Validator::new();
    let mut out = BTreeMap::new();
    for pair in text.split([',', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((field, column)) if TARGETS.contains(&field.trim()) && !column.trim().is_empty() => {
                out.insert(field.trim().to_string(), column.trim().to_string());
            }
            _ => v.issue("mapping", "validation.mapping", vec![("pair", pair.to_string())]),
        }
    }
    v.finish()?;
    Ok(out)
}

/// Bytes → text: UTF-8 (BOM stripped) or, failing that, Windows-1252. UTF-16 and
/// binary files are refused rather than read as garbage.
pub fn decode(bytes: &[u8]) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(AppError::field("file", "validation.encoding"));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned()),
    }
}

/// The separator of the header line: the most frequent of `;` `,` tab outside quotes.
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [(b';', 0), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in header.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if *d == c {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).map(|(d, _)| *d).unwrap_or(b',')
}

/// A decimal that may use a comma (`45,67749`).
fn parse_decimal(s: &str) -> Option<f64> {
    s.trim().replace(',', ".").parse::<f64>().ok().filter(|f| f.is_finite())
}

/// An integer count; `1.234` with a thousands dot is read as 1234.
fn parse_count(s: &str) -> Option<i32> {
    let cleaned: String = s.trim().chars().filter(|c| *c != '.').collect();
    cleaned.parse().ok()
}

/// Digits only, left-padded: `25.086` → `25086`, `17161` → `017161`.
fn digits(s: &str, width: usize) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    if d.is_empty() {
        d
    } else {
        format!("{d:0>width$}")
    }
}

/// Some exports quote a value twice (`"AZIENDA ""X"""` inside the CSV quotes, as in
/// Lombardy's register): such a value is unquoted once more.
fn unquote_twice(s: &str) -> String {
    match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if !inner.is_empty() => inner.replace("\"\"", "\""),
        _ => s.to_string(),
    }
}

/// A register's web address as a link: `HTTP://WWW.X.IT/A` → `http://www.x.it/A`, a bare
/// `www.x.it` → `https://www.x.it`; an e-mail address in the column ("SITO_WEB_MAIL") is
/// not a website.
fn web_address(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() || (s.contains('@') && !s.contains("://")) {
        return String::new();
    }
    let (scheme, rest) = s.split_once("://").map_or(("https".to_string(), s), |(a, b)| (a.to_ascii_lowercase(), b));
    let (host, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    format!("{scheme}://{}{path}", host.to_ascii_lowercase())
}

/// ISTAT codes by comune name (`normalise_search`) and province sigla, for registers that
/// name the comune instead of coding it.
pub(crate) type ComuniByName = HashMap<(String, String), String>;

pub(crate) async fn comuni_by_name(db: &Db) -> Result<ComuniByName> {
    Ok(entity::comune::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| ((crate::facilities::normalise_search(&c.name), c.province_sigla.to_uppercase()), c.istat_code))
        .collect())
}

fn yes(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "si" | "sì" | "s" | "yes" | "y" | "true" | "1" | "x" => Some(true),
        "no" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

/// One CSV row turned into what the database will hold.
struct Row {
    line: u64,
    code: String,
    facility: FacilityIn,
    organization: Option<OrgRow>,
}

#[derive(Clone, PartialEq)]
struct OrgRow {
    key: String,
    name: String,
    vat_number: Option<String>,
    tax_code: Option<String>,
    legal_status: String,
}

/// Reads the rows; problems go to `issues` with the CSV column name as field.
fn read_rows(
    text: &str,
    opts: &ImportOptions,
    types: &HashMap<String, facility_type::Model>,
    comuni: &ComuniByName,
    lang: Lang,
) -> Result<(Vec<Row>, Vec<ImportIssue>)> {
    if text.trim().is_empty() {
        return Err(AppError::field("file", "validation.file_empty"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| AppError::field("file", "validation.csv"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();

    let mut v = Validator::new();
    for field in REQUIRED {
        if !opts.mapping.contains_key(*field) {
            v.issue(field, "validation.required", vec![]);
        }
    }
    let by_name = !opts.mapping.contains_key("comune");
    if by_name && !opts.mapping.contains_key("comune_name") {
        v.issue("comune", "validation.required", vec![]);
    } else if by_name && !opts.mapping.contains_key("province") {
        v.issue("province", "validation.required", vec![]);
    }
    for (field, column) in &opts.mapping {
        if !TARGETS.contains(&field.as_str()) {
            v.issue("mapping", "validation.mapping", vec![("pair", format!("{field}={column}"))]);
        } else if !headers.contains(column) {
            v.issue(field, "validation.missing_column", vec![("column", column.clone())]);
        }
    }
    v.finish()?;
    let index: HashMap<&str, usize> =
        opts.mapping.iter().filter_map(|(f, c)| Some((f.as_str(), headers.iter().position(|h| h == c)?))).collect();

    let mut rows = Vec::new();
    let mut issues = Vec::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                issues.push(ImportIssue { line, field: "file".into(), message: tf(lang, "validation.csv", &[]) });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |f: &str| unquote_twice(index.get(f).and_then(|i| record.get(*i)).unwrap_or("").trim());
        let mut issue = |field: &str, key: &str| {
            let column = opts.mapping.get(field).cloned().unwrap_or_else(|| field.to_string());
            issues.push(ImportIssue { line, field: column, message: tf(lang, key, &[]) });
        };
        let number = |field: &str, issue: &mut dyn FnMut(&str, &str)| -> Option<f64> {
            let raw = get(field);
            if raw.is_empty() {
                return None;
            }
            let parsed = parse_decimal(&raw);
            if parsed.is_none() {
                issue(field, "validation.number");
            }
            parsed
        };
        let count = |field: &str, issue: &mut dyn FnMut(&str, &str)| -> Option<i32> {
            let raw = get(field);
            if raw.is_empty() {
                return None;
            }
            let parsed = parse_count(&raw);
            if parsed.is_none() {
                issue(field, "validation.number");
            }
            parsed
        };
        let code = get("code");
        if code.is_empty() {
            issue("code", "validation.required");
        } else if !seen.insert(code.clone()) {
            issue("code", "validation.duplicate_code");
        }
        let accreditation = match yes(&get("accredited")) {
            _ if !index.contains_key("accredited") => None,
            Some(true) => Some("accredited".to_string()),
            Some(false) => Some("authorised".to_string()),
            None => {
                issue("accredited", "validation.invalid");
                None
            }
        };
        let facility_type = if index.contains_key("facility_type") {
            let value = get("facility_type");
            opts.type_values.get(&value.to_uppercase()).cloned().unwrap_or(value)
        } else {
            opts.facility_type.clone()
        };
        let Some(kind) = types.get(&facility_type) else {
            issue("facility_type", "validation.unknown_code");
            continue;
        };
        let comune = if by_name {
            let key = (crate::facilities::normalise_search(&get("comune_name")), get("province").to_uppercase());
            match comuni.get(&key) {
                Some(code) => code.clone(),
                None => {
                    issue("comune_name", "validation.unknown_comune");
                    continue;
                }
            }
        } else {
            digits(&get("comune"), 6)
        };
        let facility = FacilityIn {
            name: get("name"),
            facility_type,
            areas: vec![kind.area.clone()],
            setting: kind.setting.clone(),
            address: get("address"),
            postal_code: Some(digits(&get("postal_code"), 5)).filter(|p| !p.is_empty()),
            comune,
            latitude: number("latitude", &mut issue),
            longitude: number("longitude", &mut issue),
            places_authorised: count("places_authorised", &mut issue),
            places_accredited: count("places_accredited", &mut issue),
            places_free: count("places_free", &mut issue),
            accreditation,
            phone: Some(get("phone")),
            email: Some(get("email")),
            website: Some(web_address(&get("website"))),
            description: Some(get("description")),
            ..Default::default()
        };
        let org_name = get("organization_name");
        let organization = (!org_name.is_empty()).then(|| {
            let org_code = get("organization_code");
            let key_part = if org_code.is_empty() { crate::facilities::normalise_search(&org_name) } else { org_code };
            let status = get("organization_legal_status").to_lowercase();
            OrgRow {
                key: format!("{}:org:{}", opts.source, key_part),
                name: org_name,
                vat_number: Some(digits(&get("organization_vat"), 11)).filter(|p| !p.is_empty()),
                tax_code: Some(get("organization_tax_code").to_uppercase()).filter(|p| !p.is_empty() && p.len() <= 16),
                legal_status: if status.starts_with("pubbl") || status == "public" { "public" } else { "private" }
                    .into(),
            }
        });
        rows.push(Row { line, code, facility, organization });
    }
    Ok((rows, issues))
}

/// Where each comune's rows go, among the importer's tenant and those beneath it.
struct Router {
    by_comune: HashMap<String, i64>,
    zones: Vec<(i64, Territory)>,
    root: (i64, Territory),
    territories: HashMap<i64, Territory>,
}

impl Router {
    async fn load(db: &Db, root: &tenant::Model) -> Result<(Router, HashMap<i64, tenant::Model>)> {
        let below = crate::tenancy::descendants(db, root.id).await?;
        let mut by_comune = HashMap::new();
        let mut zones = Vec::new();
        let mut territories = HashMap::new();
        for t in &below {
            match t.kind.as_str() {
                "municipality" => {
                    if let Some(code) = &t.istat_code {
                        by_comune.insert(code.clone(), t.id);
                    }
                }
                "zone" => zones.push((t.id, Territory::of(db, t).await?)),
                _ => {}
            }
            territories.insert(t.id, Territory::of(db, t).await?);
        }
        territories.insert(root.id, Territory::of(db, root).await?);
        let mut tenants: HashMap<i64, tenant::Model> = below.into_iter().map(|t| (t.id, t)).collect();
        tenants.insert(root.id, root.clone());
        Ok((Router { by_comune, zones, root: (root.id, Territory::of(db, root).await?), territories }, tenants))
    }

    fn route(&self, comune: &str) -> Option<i64> {
        if let Some(id) = self.by_comune.get(comune) {
            return Some(*id);
        }
        if let Some((id, _)) = self.zones.iter().find(|(_, z)| z.covers(comune)) {
            return Some(*id);
        }
        self.root.1.covers(comune).then_some(self.root.0)
    }
}

fn issue_out(line: u64, f: &FieldIssue, opts: &ImportOptions, lang: Lang) -> ImportIssue {
    let column = opts.mapping.get(&f.field).cloned().unwrap_or_else(|| f.field.clone());
    let args: Vec<(&str, &str)> = f.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ImportIssue { line, field: column, message: tf(lang, f.key, &args) }
}

/// Imports (or, with `dry_run`, checks) a CSV file into the context's tenant and the
/// tenants beneath it. `progress(done, total)` is called as rows are written.
/// The largest file the staff app and the API take (the CLI reads any size).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

pub async fn import_facilities(
    db: &Db,
    ctx: &TenantContext,
    bytes: &[u8],
    opts: &ImportOptions,
    lang: Lang,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<ImportReport> {
    ctx.require(Permission::ManageFacilities)?;
    let text = decode(bytes)?;
    let root = tenant::Entity::find_by_id(ctx.tenant_id().0).one(db).await?.ok_or(AppError::NotFound)?;
    let refs = Refs::load(db, []).await?;
    if !opts.mapping.contains_key("facility_type") && !refs.types.contains_key(&opts.facility_type) {
        return Err(AppError::field("facility_type", "validation.unknown_code"));
    }
    let comuni = if opts.mapping.contains_key("comune") { ComuniByName::new() } else { comuni_by_name(db).await? };
    let (rows, mut issues) = read_rows(&text, opts, &refs.types, &comuni, lang)?;
    let refs = Refs::load(db, rows.iter().map(|r| r.facility.comune.clone()).collect::<HashSet<_>>()).await?;
    let (router, tenants) = Router::load(db, &root).await?;

    // What exists already, anywhere beneath the importer, by source key.
    let scope = DirectoryScope::staff(db, ctx).await?;
    let read = scope.begin(db).await?;
    let prefix = format!("{}:", opts.source);
    let existing: HashMap<String, facility::Model> = read
        .select::<facility::Entity>()
        .filter(facility::Column::SourceKey.starts_with(&prefix))
        .all(read.conn())
        .await?
        .into_iter()
        .filter_map(|f| Some((f.source_key.clone()?, f)))
        .collect();
    let existing_orgs: HashMap<(i64, String), organization::Model> = read
        .select::<organization::Entity>()
        .filter(organization::Column::SourceKey.starts_with(&prefix))
        .all(read.conn())
        .await?
        .into_iter()
        .filter_map(|o| Some(((o.tenant_id, o.source_key.clone()?), o)))
        .collect();
    read.commit().await?;

    // Validate every row against the tenant it goes to.
    let mut planned: Vec<(Row, i64, CleanFacility)> = Vec::new();
    let mut skipped = 0;
    let rows_read = rows.len() as u64;
    for row in rows {
        let key = format!("{}:{}", opts.source, row.code);
        let target = match existing.get(&key) {
            Some(f) => Some(f.tenant_id),
            None => router.route(&row.facility.comune),
        };
        if target.is_none() && opts.skip_outside {
            skipped += 1;
            continue;
        }
        let mut v = Validator::new();
        let territory = target.and_then(|t| router.territories.get(&t)).unwrap_or(&router.root.1);
        let clean = validate_facility(&mut v, &row.facility, &refs, territory);
        if let Err(AppError::Validation(found)) = v.finish() {
            issues.extend(found.iter().map(|f| issue_out(row.line, f, opts, lang)));
            continue;
        }
        match target {
            Some(t) => planned.push((row, t, clean)),
            None => issues.push(ImportIssue {
                line: row.line,
                field: opts.mapping.get("comune").cloned().unwrap_or_default(),
                message: tf(lang, "validation.comune_outside_tenant", &[]),
            }),
        }
    }
    issues.sort_by_key(|i| i.line);

    let mut report = ImportReport { rows: rows_read, skipped, ..Default::default() };
    let mut per_tenant: BTreeMap<String, u64> = BTreeMap::new();
    for (_, t, _) in &planned {
        let slug = tenants.get(t).map(|t| t.slug.clone()).unwrap_or_default();
        *per_tenant.entry(slug).or_default() += 1;
    }
    report.by_tenant = per_tenant.into_iter().map(|(slug, rows)| TenantRows { slug, rows }).collect();
    if !issues.is_empty() {
        report.issues = issues;
        return Ok(report);
    }

    // Contexts for every receiving tenant, resolved before the write transaction opens.
    let mut contexts: HashMap<i64, TenantContext> = HashMap::new();
    for t in planned.iter().map(|(_, t, _)| *t).collect::<HashSet<_>>() {
        let slug = &tenants.get(&t).ok_or(AppError::NotFound)?.slug;
        let child = TenantContext::resolve(db, ctx.user(), slug).await?;
        child.require(Permission::ManageFacilities)?;
        contexts.insert(t, child);
    }

    let now = db.now();
    let total = planned.len() as u64;
    let mut tx = ctx.begin(db).await?;
    let mut org_ids: HashMap<(i64, String), (i64, String)> =
        existing_orgs.iter().map(|(k, o)| (k.clone(), (o.id, o.name.clone()))).collect();
    let mut current = None;
    for (done, (row, tenant_id, mut clean)) in planned.into_iter().enumerate() {
        if current != Some(tenant_id) {
            let child = contexts.get(&tenant_id).ok_or(AppError::NotFound)?;
            tx.switch_to(child).await?;
            current = Some(tenant_id);
        }
        let mut org_name = None;
        if let Some(org) = &row.organization {
            let k = (tenant_id, org.key.clone());
            let id = match (org_ids.get(&k), existing_orgs.get(&k)) {
                (Some((id, _)), Some(old)) => {
                    let changed = old.name != org.name
                        || old.vat_number != org.vat_number
                        || old.tax_code != org.tax_code
                        || old.legal_status != org.legal_status;
                    if changed && !opts.dry_run {
                        let mut a = old.clone().into_active_model();
                        a.name = Set(org.name.clone());
                        a.vat_number = Set(org.vat_number.clone());
                        a.tax_code = Set(org.tax_code.clone());
                        a.legal_status = Set(org.legal_status.clone());
                        a.updated_at = Set(now);
                        tx.update(a).await?;
                    }
                    *id
                }
                (Some((id, _)), None) => *id,
                (None, _) if opts.dry_run => 0,
                (None, _) => {
                    let o = tx
                        .insert(organization::ActiveModel {
                            name: Set(org.name.clone()),
                            tax_code: Set(org.tax_code.clone()),
                            vat_number: Set(org.vat_number.clone()),
                            legal_status: Set(org.legal_status.clone()),
                            email: Set(None),
                            phone: Set(None),
                            website: Set(None),
                            source_key: Set(Some(org.key.clone())),
                            created_at: Set(now),
                            updated_at: Set(now),
                            ..Default::default()
                        })
                        .await?;
                    org_ids.insert(k, (o.id, o.name.clone()));
                    o.id
                }
            };
            clean.organization_id = (id != 0).then_some(id);
            org_name = Some(org.name.clone());
        }

        let key = format!("{}:{}", opts.source, row.code);
        match existing.get(&key) {
            Some(before) => {
                let mut active = before.clone().into_active_model();
                // Fields the register does not carry keep what staff or the facility entered.
                keep_unmapped(&mut clean, before, opts);
                apply(&mut active, &clean, &refs, org_name.as_deref(), now);
                active.updated_at = Set(before.updated_at);
                active.places_updated_at = Set(if clean.places_free == before.places_free {
                    before.places_updated_at
                } else {
                    clean.places_free.map(|_| now)
                });
                let after = active.clone().try_into_model()?;
                let diff = changes(Some(before), &after, Some(ctx.user().0), now);
                if diff.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                    if !opts.dry_run {
                        active.updated_at = Set(now);
                        active.verified_at = Set(Some(now));
                        tx.update(active).await?;
                        for change in diff {
                            tx.insert(change).await?;
                        }
                    }
                }
            }
            None => {
                report.created += 1;
                if !opts.dry_run {
                    let mut active = facility::ActiveModel {
                        published: Set(opts.publish),
                        archived_at: Set(None),
                        verified_at: Set(Some(now)),
                        source_key: Set(Some(key)),
                        created_at: Set(now),
                        ..Default::default()
                    };
                    apply(&mut active, &clean, &refs, org_name.as_deref(), now);
                    let row = tx.insert(active).await?;
                    for change in changes(None, &row, Some(ctx.user().0), now) {
                        tx.insert(change).await?;
                    }
                }
            }
        }
        progress(done as u64 + 1, total);
    }
    if opts.dry_run {
        // Nothing was written; dropping the transaction rolls back the tenant settings.
        drop(tx);
    } else {
        tx.commit().await?;
        report.applied = true;
    }
    Ok(report)
}

/// A re-import only owns the columns it maps: the rest stays as it is.
fn keep_unmapped(clean: &mut CleanFacility, before: &facility::Model, opts: &ImportOptions) {
    let mapped = |f: &str| opts.mapping.contains_key(f);
    if !mapped("description") {
        clean.description = before.description.clone();
    }
    if !mapped("phone") {
        clean.phone = before.phone.clone();
    }
    if !mapped("email") {
        clean.email = before.email.clone();
    }
    if !mapped("website") {
        clean.website = before.website.clone();
    }
    if !mapped("places_free") {
        clean.places_free = before.places_free;
    }
    if !mapped("organization_name") {
        clean.organization_id = before.organization_id;
    }
    clean.areas = before.areas.clone();
    clean.eligibility = before.eligibility.clone();
    clean.age_min = before.age_min;
    clean.age_max = before.age_max;
    clean.how_to_access = before.how_to_access.clone();
    clean.fees = before.fees.clone();
    clean.hours = before.hours.clone();
    clean.languages = before.languages.clone();
    clean.accessibility = before.accessibility.clone();
    clean.district_id = before.district_id;
    clean.accreditation_act = before.accreditation_act.clone();
}

/// Options from what a form or URL sends: a preset (`lombardia-rsa`) or none, extra
/// `field=COLUMN` pairs, facility type, source name and the three switches. A dry run
/// unless `apply`.
pub fn options(
    preset: Option<&str>,
    mapping: Option<&str>,
    facility_type: Option<&str>,
    source: Option<&str>,
    apply: bool,
    publish: Option<bool>,
    skip_outside: Option<bool>,
) -> Result<ImportOptions> {
    let blank = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let mut opts = match blank(preset).as_deref() {
        Some("lombardia-rsa") => lombardia_rsa(),
        Some("lombardia-cdi") => lombardia_cdi(),
        Some("lombardia-offerta-sociale") => lombardia_offerta_sociale(),
        Some(_) => return Err(AppError::field("preset", "validation.unknown_code")),
        None => ImportOptions {
            source: "csv".into(),
            facility_type: String::new(),
            type_values: BTreeMap::new(),
            mapping: BTreeMap::new(),
            publish: false,
            skip_outside: false,
            dry_run: true,
        },
    };
    if let Some(m) = blank(mapping) {
        opts.mapping.extend(parse_mapping(&m)?);
    }
    if let Some(t) = blank(facility_type) {
        opts.facility_type = t;
    }
    if let Some(src) = blank(source) {
        if src.len() > 40 || !src.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(AppError::field("source", "validation.invalid"));
        }
        opts.source = src;
    }
    opts.dry_run = !apply;
    opts.publish = publish.unwrap_or(opts.publish);
    opts.skip_outside = skip_outside.unwrap_or(opts.skip_outside);
    Ok(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_real_register_quirks() {
        assert_eq!(parse_decimal("45,67749"), Some(45.67749));
        assert_eq!(parse_decimal("9.66293"), Some(9.66293));
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(digits("25.086", 5), "25086");
        assert_eq!(digits("17161", 6), "017161");
        assert_eq!(parse_count("1.234"), Some(1234));
        assert_eq!(parse_count("-3"), Some(-3));
        assert_eq!(
            unquote_twice("\"AZIENDA SPECIALE \"\"EVARISTO ALMICI\"\"\""),
            "AZIENDA SPECIALE \"EVARISTO ALMICI\""
        );
        assert_eq!(unquote_twice("RSA \"X\""), "RSA \"X\"");
        assert_eq!(sniff_delimiter("\"A;B\",\"C\",\"D\"\n"), b',');
        assert_eq!(sniff_delimiter("A;B;C\n1,5;2;3"), b';');
        assert_eq!(web_address("HTTPS://WWW.KORIAN.IT/SERVIZI"), "https://www.korian.it/SERVIZI");
        assert_eq!(web_address("WWW.COMUNE.BIENNO.BS.IT"), "https://www.comune.bienno.bs.it");
        assert_eq!(web_address("HTTP://WWW.RSAPISOGNE.NET/"), "http://www.rsapisogne.net/");
        assert_eq!(web_address("INFO@COMUNE.ESINE.BS.IT"), "");
        assert_eq!(web_address(" "), "");
    }

    #[test]
    fn windows_1252_is_decoded_and_utf16_refused() {
        assert_eq!(decode(b"Citt\xe0;Sal\xf2").ok().as_deref(), Some("Città;Salò"));
        assert_eq!(decode("\u{feff}Città".as_bytes()).ok().as_deref(), Some("Città"));
        assert!(decode(b"\xff\xfeC\x00i\x00").is_err());
    }

    #[test]
    fn mappings_are_checked() {
        assert_eq!(parse_mapping("name=DENOM, code = COD").ok().map(|m| m.len()), Some(2));
        assert!(parse_mapping("colour=X").is_err());
    }
}
