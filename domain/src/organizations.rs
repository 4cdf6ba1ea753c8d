//! Organisations that manage facilities (HSDS `organization`): a cooperative, a
//! foundation, the comune itself. Tenant-owned; kept by the tenant's admins next to
//! its facilities, and created by the importer from a register's operator columns.

use chrono::{DateTime, Utc};
use entity::organization;
use sea_orm::{IntoActiveModel, QueryOrder, Set};
use types::directory::{OrganizationIn, OrganizationOut, LEGAL_STATUSES};
use types::dto::Page;
use types::fiscal;
use types::OrganizationId;

use crate::authz::Permission;
use crate::facilities::{normalise_search, organization_out};
use crate::validate::Validator;
use crate::Db;
use crate::{Result, TenantContext, PER_PAGE};

/// The columns an `OrganizationIn` sets, checked.
struct Clean {
    name: String,
    tax_code: Option<String>,
    vat_number: Option<String>,
    legal_status: String,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
}

fn validate(input: &OrganizationIn) -> Result<Clean> {
    let mut v = Validator::new();
    let name = v.text("name", &input.name, 200);
    let tax_code = v.optional_text("tax_code", input.tax_code.as_deref(), 20).map(|c| fiscal::normalise(&c));
    if tax_code.as_deref().is_some_and(|c| !fiscal::codice_fiscale_ok(c)) {
        v.issue("tax_code", "validation.tax_code", vec![]);
    }
    let vat_number = v.optional_text("vat_number", input.vat_number.as_deref(), 20).map(|c| fiscal::normalise(&c));
    if vat_number.as_deref().is_some_and(|c| !fiscal::partita_iva_ok(c)) {
        v.issue("vat_number", "validation.vat_number", vec![]);
    }
    let legal_status = input.legal_status.trim().to_string();
    if !LEGAL_STATUSES.contains(&legal_status.as_str()) {
        v.issue("legal_status", "validation.unknown_code", vec![]);
    }
    let email = v.optional_email("email", input.email.as_deref());
    let phone = v.optional_text("phone", input.phone.as_deref(), 40);
    let website = v.optional_url("website", input.website.as_deref());
    v.finish()?;
    Ok(Clean { name, tax_code, vat_number, legal_status, email, phone, website })
}

fn set(active: &mut organization::ActiveModel, c: Clean, now: DateTime<Utc>) {
    active.name = Set(c.name);
    active.tax_code = Set(c.tax_code);
    active.vat_number = Set(c.vat_number);
    active.legal_status = Set(c.legal_status);
    active.email = Set(c.email);
    active.phone = Set(c.phone);
    active.website = Set(c.website);
    active.updated_at = Set(now);
}

/// The tenant's organisations by name, one page at a time (1-based); `q` keeps those
/// whose name, tax code or VAT number contain every word (accents and case aside).
pub async fn list_organizations(
    db: &Db,
    ctx: &TenantContext,
    q: Option<&str>,
    page: u64,
) -> Result<Page<OrganizationOut>> {
    // A tenant has tens or hundreds of them: filtering here matches words the same way
    // on SQLite and PostgreSQL.
    let words: Vec<String> =
        normalise_search(q.unwrap_or_default()).split(' ').filter(|w| !w.is_empty()).map(String::from).collect();
    let matching: Vec<OrganizationOut> = all_organizations(db, ctx)
        .await?
        .into_iter()
        .filter(|o| {
            let text = normalise_search(&format!(
                "{} {} {}",
                o.name,
                o.tax_code.as_deref().unwrap_or_default(),
                o.vat_number.as_deref().unwrap_or_default()
            ));
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect();
    let page = crate::validate::page_number(page)?;
    let total = matching.len() as u64;
    let skip = usize::try_from((page - 1).saturating_mul(PER_PAGE)).unwrap_or(usize::MAX);
    let items = matching.into_iter().skip(skip).take(PER_PAGE as usize).collect();
    Ok(Page { items, total, page, per_page: PER_PAGE })
}

/// Every organisation of the tenant, by name: the choices of the facility form.
pub async fn all_organizations(db: &Db, ctx: &TenantContext) -> Result<Vec<OrganizationOut>> {
    ctx.require(Permission::ViewDirectory)?;
    let tx = ctx.begin(db).await?;
    let rows = tx
        .select::<organization::Entity>()
        .order_by_asc(organization::Column::Name)
        .order_by_asc(organization::Column::Id)
        .all(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(rows.iter().map(organization_out).collect())
}

pub async fn get_organization(db: &Db, ctx: &TenantContext, id: OrganizationId) -> Result<OrganizationOut> {
    ctx.require(Permission::ViewDirectory)?;
    let tx = ctx.begin(db).await?;
    let o = tx.get::<organization::Entity>(id.0).await?;
    tx.commit().await?;
    Ok(organization_out(&o))
}

pub async fn create_organization(db: &Db, ctx: &TenantContext, input: OrganizationIn) -> Result<OrganizationOut> {
    ctx.require(Permission::ManageFacilities)?;
    let clean = validate(&input)?;
    let tx = ctx.begin(db).await?;
    let now = tx.now();
    let mut active = organization::ActiveModel { source_key: Set(None), created_at: Set(now), ..Default::default() };
    set(&mut active, clean, tx.now());
    let o = tx.insert(active).await?;
    tx.commit().await?;
    Ok(organization_out(&o))
}

/// Replaces the organisation's fields; a new name reaches its facilities' search text.
pub async fn update_organization(
    db: &Db,
    ctx: &TenantContext,
    id: OrganizationId,
    input: OrganizationIn,
) -> Result<OrganizationOut> {
    ctx.require(Permission::ManageFacilities)?;
    let tx = ctx.begin(db).await?;
    let before = tx.get::<organization::Entity>(id.0).await?;
    let clean = validate(&input)?;
    let renamed = clean.name != before.name;
    let mut active = before.into_active_model();
    set(&mut active, clean, tx.now());
    let o = tx.update(active).await?;
    if renamed {
        crate::facilities::refresh_search_text(&tx, &o).await?;
    }
    tx.commit().await?;
    Ok(organization_out(&o))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> OrganizationIn {
        OrganizationIn {
            name: " Cooperativa Sociale La Rondine ".into(),
            tax_code: Some("it 01148190547".into()),
            vat_number: Some("01148190547".into()),
            legal_status: "private".into(),
            email: Some("Info@Rondine.example.it".into()),
            phone: None,
            website: Some("https://rondine.example.it".into()),
        }
    }

    #[test]
    fn organisations_are_checked_field_by_field() {
        let c = validate(&input()).unwrap();
        assert_eq!(c.name, "Cooperativa Sociale La Rondine");
        assert_eq!(c.tax_code.as_deref(), Some("01148190547"));
        assert_eq!(c.email.as_deref(), Some("info@rondine.example.it"));

        let bad = OrganizationIn {
            name: " ".into(),
            tax_code: Some("RSSMRA80A01H501X".into()),
            vat_number: Some("01148190548".into()),
            legal_status: "mixed".into(),
            email: Some("nope".into()),
            phone: None,
            website: Some("rondine.example.it".into()),
        };
        let Err(crate::AppError::Validation(issues)) = validate(&bad) else { panic!("expected validation errors") };
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["name", "tax_code", "vat_number", "legal_status", "email", "website"]);
    }

    /// The operators of the real Lombardy register: every VAT number and tax code checks.
    #[test]
    fn the_register_operators_codes_check() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../reference-data/lombardia-rsa/lombardia-rsa.csv");
        let bytes = std::fs::read(path).unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let headers = reader.byte_headers().unwrap().clone();
        let column = |name: &str| headers.iter().position(|h| h == name.as_bytes()).unwrap();
        let (vat, tax) = (column("P_IVA"), column("COD_FISCALE_GESTORE"));
        let mut rows = 0;
        for record in reader.byte_records() {
            let record = record.unwrap();
            // The register drops leading zeros (a number column in its source).
            let code = |i: usize| format!("{:0>11}", String::from_utf8_lossy(&record[i]).replace('.', ""));
            assert!(fiscal::partita_iva_ok(&code(vat)), "{}", code(vat));
            assert!(fiscal::codice_fiscale_ok(&code(tax)), "{}", code(tax));
            rows += 1;
        }
        assert_eq!(rows, 740);
    }
}
