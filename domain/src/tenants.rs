//! The tenant tree: provinces/regions at the root, social zones (ambiti) grouping comuni,
//! municipalities (one per ISTAT comune). Province admins create zones and municipalities
//! from the ISTAT list of their province.

use entity::{comune, tenant, zone_comune};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use types::dto::{ComuneOut, MunicipalityIn, TenantNodeOut, TenantOut, TenantSettingsIn, TenantSettingsOut, ZoneIn};
use types::{TenantId, TenantKind};

use crate::authz::Permission;
use crate::error::is_unique_violation;
use crate::tenancy::{descendants, TenantTx};
use crate::validate::Validator;
use crate::Db;
use crate::{AppError, Result, TenantContext};

pub fn tenant_out(t: &tenant::Model) -> TenantOut {
    TenantOut {
        id: TenantId(t.id),
        parent_id: t.parent_id.map(TenantId),
        slug: t.slug.clone(),
        name: t.name.clone(),
        kind: TenantKind::from_code(&t.kind).unwrap_or(TenantKind::Municipality),
        istat_code: t.istat_code.clone(),
    }
}

/// The tree below the context's tenant (province roles only).
pub async fn tenant_tree(db: &Db, ctx: &TenantContext) -> Result<TenantNodeOut> {
    if !ctx.role().is_province_role() || !ctx.tenant().kind.is_root() {
        return Err(AppError::Forbidden);
    }
    let root = tenant::Entity::find_by_id(ctx.tenant_id().0).one(db).await?.ok_or(AppError::NotFound)?;
    let all = descendants(db, root.id).await?;
    let zone_ids: Vec<i64> = all.iter().filter(|t| t.kind == TenantKind::Zone.code()).map(|t| t.id).collect();
    let grouped = zone_comune::Entity::find().filter(zone_comune::Column::TenantId.is_in(zone_ids)).all(db).await?;
    fn build(t: &tenant::Model, all: &[tenant::Model], grouped: &[zone_comune::Model]) -> TenantNodeOut {
        let mut comuni: Vec<String> =
            grouped.iter().filter(|g| g.tenant_id == t.id).map(|g| g.istat_code.clone()).collect();
        comuni.sort();
        TenantNodeOut {
            tenant: tenant_out(t),
            comuni,
            children: all.iter().filter(|c| c.parent_id == Some(t.id)).map(|c| build(c, all, grouped)).collect(),
        }
    }
    Ok(build(&root, &all, &grouped))
}

/// The ISTAT province code a root tenant covers (`None` for a region: it covers its provinces).
fn province_code(root: &tenant::Model) -> Result<String> {
    root.istat_code.clone().filter(|c| c.len() == 3).ok_or(AppError::Forbidden)
}

/// Comuni of the context's province whose name starts with or contains `q`, for the
/// search-as-you-type list (at most `limit`, 20 by default).
pub async fn search_comuni(db: &Db, ctx: &TenantContext, q: &str, limit: Option<u64>) -> Result<Vec<ComuneOut>> {
    ctx.require(Permission::ManageTenants)?;
    let root = tenant::Entity::find_by_id(ctx.tenant_id().0).one(db).await?.ok_or(AppError::NotFound)?;
    let code = province_code(&root)?;
    let q = q.trim();
    if q.chars().count() > 100 {
        return Err(AppError::field("q", "validation.too_long"));
    }
    let mut select = comune::Entity::find().filter(comune::Column::ProvinceCode.eq(code));
    if !q.is_empty() {
        let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_', '\\'], ""));
        select = select.filter(Expr::expr(Func::lower(Expr::col(comune::Column::Name))).like(pattern));
    }
    let mut rows = select.order_by_asc(comune::Column::Name).all(db).await?;
    // Names that start with the query first, then the rest (both alphabetical).
    let lower = q.to_lowercase();
    rows.sort_by_key(|c| !c.name.to_lowercase().starts_with(&lower));
    rows.truncate(limit.unwrap_or(20).clamp(1, 300) as usize);
    let codes: Vec<String> = rows.iter().map(|c| c.istat_code.clone()).collect();
    let tenants = tenant::Entity::find()
        .filter(tenant::Column::Kind.eq(TenantKind::Municipality.code()))
        .filter(tenant::Column::IstatCode.is_in(codes))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|c| ComuneOut {
            tenant_slug: tenants
                .iter()
                .find(|t| t.istat_code.as_deref() == Some(c.istat_code.as_str()))
                .map(|t| t.slug.clone()),
            istat_code: c.istat_code,
            name: c.name,
            province_sigla: c.province_sigla,
            population_2023: c.population_2023,
        })
        .collect())
}

/// Creates the municipality tenant of one comune of the province, under its zone if the
/// comune is grouped in one.
pub async fn create_municipality(db: &Db, ctx: &TenantContext, input: MunicipalityIn) -> Result<TenantOut> {
    ctx.require(Permission::ManageTenants)?;
    let root = tenant::Entity::find_by_id(ctx.tenant_id().0).one(db).await?.ok_or(AppError::NotFound)?;
    let code = province_code(&root)?;
    let comune = comune::Entity::find_by_id(input.istat_code.trim().to_string())
        .one(db)
        .await?
        .filter(|c| c.province_code == code)
        .ok_or_else(|| AppError::field("istat_code", "validation.comune_not_in_province"))?;
    let exists = tenant::Entity::find()
        .filter(tenant::Column::Kind.eq(TenantKind::Municipality.code()))
        .filter(tenant::Column::IstatCode.eq(comune.istat_code.clone()))
        .one(db)
        .await?;
    if exists.is_some() {
        return Err(AppError::Conflict("conflict.municipality_exists"));
    }
    let zone = zone_comune::Entity::find()
        .filter(zone_comune::Column::IstatCode.eq(comune.istat_code.clone()))
        .one(db)
        .await?;
    let parent = zone.map_or(root.id, |z| z.tenant_id);
    let name = format!("Comune di {}", comune.name);
    let t = insert_tenant(db, Some(parent), TenantKind::Municipality, &name, Some(comune.istat_code)).await?;
    Ok(tenant_out(&t))
}

/// Creates a social zone (ambito) grouping comuni of the province; municipality tenants
/// of those comuni move under it.
pub async fn create_zone(db: &Db, ctx: &TenantContext, input: ZoneIn) -> Result<TenantOut> {
    ctx.require(Permission::ManageTenants)?;
    let root = tenant::Entity::find_by_id(ctx.tenant_id().0).one(db).await?.ok_or(AppError::NotFound)?;
    let code = province_code(&root)?;
    let mut v = Validator::new();
    let name = v.text("name", &input.name, 200);
    let mut codes: Vec<String> = input.comuni.iter().map(|c| c.trim().to_string()).collect();
    codes.sort();
    codes.dedup();
    if codes.is_empty() {
        v.issue("comuni", "validation.zone_needs_comuni", vec![]);
    }
    if codes.len() > 400 {
        v.issue("comuni", "validation.too_many", vec![]);
    }
    let found = comune::Entity::find()
        .filter(comune::Column::IstatCode.is_in(codes.clone()))
        .filter(comune::Column::ProvinceCode.eq(code))
        .count(db)
        .await?;
    if !codes.is_empty() && found != codes.len() as u64 {
        v.issue("comuni", "validation.comune_not_in_province", vec![]);
    }
    v.finish()?;
    let taken = zone_comune::Entity::find().filter(zone_comune::Column::IstatCode.is_in(codes.clone())).one(db).await?;
    if taken.is_some() {
        return Err(AppError::Conflict("conflict.comune_in_zone"));
    }
    let zone = insert_tenant(db, Some(root.id), TenantKind::Zone, &name, None).await?;
    // The zone's composition is its own row set: written in its transaction (row-level security).
    let tx = TenantTx::for_operator(db, TenantId(zone.id)).await?;
    zone_comune::Entity::insert_many(
        codes.iter().map(|c| zone_comune::ActiveModel { tenant_id: Set(zone.id), istat_code: Set(c.clone()) }),
    )
    .exec(tx.conn())
    .await?;
    tx.commit().await?;
    tenant::Entity::update_many()
        .col_expr(tenant::Column::ParentId, Expr::value(zone.id))
        .filter(tenant::Column::Kind.eq(TenantKind::Municipality.code()))
        .filter(tenant::Column::IstatCode.is_in(codes))
        .exec(db)
        .await?;
    // Again, now that the municipalities hang under the zone.
    db.data_changed();
    Ok(tenant_out(&zone))
}

/// Creates a root tenant (province or region): CLI and demo only.
pub async fn create_root(db: &Db, kind: TenantKind, name: &str, istat_code: &str) -> Result<tenant::Model> {
    if !kind.is_root() {
        return Err(AppError::field("kind", "validation.invalid"));
    }
    if let Some(existing) = tenant::Entity::find()
        .filter(tenant::Column::Kind.eq(kind.code()))
        .filter(tenant::Column::IstatCode.eq(istat_code))
        .one(db)
        .await?
    {
        return Ok(existing);
    }
    insert_tenant(db, None, kind, name, Some(istat_code.to_string())).await
}

async fn insert_tenant(
    db: &Db,
    parent: Option<i64>,
    kind: TenantKind,
    name: &str,
    istat_code: Option<String>,
) -> Result<tenant::Model> {
    let base = slugify(name);
    let mut slug = base.clone();
    let mut n = 1;
    while tenant::Entity::find().filter(tenant::Column::Slug.eq(slug.clone())).one(db).await?.is_some() {
        n += 1;
        slug = format!("{base}-{n}");
    }
    let row = tenant::ActiveModel {
        parent_id: Set(parent),
        kind: Set(kind.code().to_string()),
        slug: Set(slug),
        name: Set(name.to_string()),
        istat_code: Set(istat_code),
        contact_email: Set(None),
        website: Set(None),
        created_at: Set(db.now()),
        ..Default::default()
    };
    let inserted = row.insert(db).await.map_err(|e| {
        if is_unique_violation(&e) {
            AppError::Conflict("conflict.tenant_exists")
        } else {
            e.into()
        }
    });
    db.data_changed();
    inserted
}

/// A URL-safe slug: `Comune di Sant'Angelo Lodigiano` → `comune-di-sant-angelo-lodigiano`.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(|c| c.to_lowercase()) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let out: String = out.chars().take(60).collect();
    if out.is_empty() {
        "ente".to_string()
    } else {
        out
    }
}

pub async fn settings(db: &Db, ctx: &TenantContext) -> Result<TenantSettingsOut> {
    ctx.require(Permission::ViewTenant)?;
    let t = tenant::Entity::find_by_id(ctx.tenant_id().0).one(db).await?.ok_or(AppError::NotFound)?;
    Ok(TenantSettingsOut {
        tenant: tenant_out(&t),
        contact_email: t.contact_email,
        website: t.website,
        stale_after_days: t.stale_after_days,
        embed_origins: t.embed_origins.lines().map(str::to_string).collect(),
        logo: crate::theme::own_logo_path(db, &t.slug, t.id).await?,
        brand_colour: t.brand_colour,
    })
}

/// At most this many council sites per tenant.
const MAX_EMBED_ORIGINS: usize = 50;

/// The longest freshness window a tenant may set (ten years).
pub const MAX_STALE_AFTER_DAYS: i32 = 3_650;

pub async fn update_settings(db: &Db, ctx: &TenantContext, input: TenantSettingsIn) -> Result<TenantSettingsOut> {
    ctx.require(Permission::ManageSettings)?;
    let mut v = Validator::new();
    let email = v.optional_email("contact_email", input.contact_email.as_deref());
    let website = v.optional_url("website", input.website.as_deref());
    if input.stale_after_days.is_some_and(|d| !(1..=MAX_STALE_AFTER_DAYS).contains(&d)) {
        v.issue(
            "stale_after_days",
            "validation.range",
            vec![("min", "1".into()), ("max", MAX_STALE_AFTER_DAYS.to_string())],
        );
    }
    let mut origins: Vec<String> = Vec::new();
    for given in input.embed_origins.iter().flatten().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        match crate::validate::web_origin(given) {
            Some(origin) if !origins.contains(&origin) => origins.push(origin),
            Some(_) => {}
            None => v.issue("embed_origins", "validation.origin", vec![("origin", given.chars().take(100).collect())]),
        }
    }
    if origins.len() > MAX_EMBED_ORIGINS {
        v.issue("embed_origins", "validation.too_many", vec![]);
    }
    let colour = input.brand_colour.as_deref().map(|c| crate::theme::brand_colour(&mut v, c));
    v.finish()?;
    let t = tenant::Entity::find_by_id(ctx.tenant_id().0).one(db).await?.ok_or(AppError::NotFound)?;
    let mut active = t.into_active_model();
    if input.embed_origins.is_some() {
        active.embed_origins = Set(origins.join("\n"));
    }
    active.contact_email = Set(email);
    active.website = Set(website);
    if let Some(days) = input.stale_after_days {
        active.stale_after_days = Set(days);
    }
    if let Some(colour) = colour {
        active.brand_colour = Set(colour);
    }
    active.update(db).await?;
    settings(db, ctx).await
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Comune di Sant'Angelo Lodigiano"), "comune-di-sant-angelo-lodigiano");
        assert_eq!(slugify("Ambito 1 – Brescia"), "ambito-1-brescia");
        assert_eq!(slugify("Città di Forlì"), "citta-di-forli");
        assert_eq!(slugify("!!!"), "ente");
    }
}

/// The comuni and zones a case of `ctx`'s tenant may be transferred to: those of the same
/// province or region (the same root), the tenant itself excepted, by name.
pub(crate) async fn transfer_targets<C: sea_orm::ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
) -> Result<Vec<tenant::Model>> {
    let root = crate::tenancy::root_of(conn, ctx.tenant_id().0).await?;
    let mut out: Vec<tenant::Model> = descendants(conn, root)
        .await?
        .into_iter()
        .filter(|t| t.id != ctx.tenant_id().0)
        .filter(|t| TenantKind::from_code(&t.kind).is_some_and(|k| !k.is_root()))
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
