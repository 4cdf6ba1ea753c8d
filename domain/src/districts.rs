//! Districts (quartieri) of a municipality tenant, kept by its admin. Tenant-owned:
//! every query goes through the context's scoped transaction.

use entity::district;
use sea_orm::{ColumnTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set};
use types::dto::{DistrictIn, DistrictOut, Page};
use types::DistrictId;

use crate::authz::Permission;
use crate::error::on_unique;
use crate::validate::Validator;
use crate::Db;
use crate::{Result, TenantContext, PER_PAGE};

fn district_out(d: &district::Model) -> DistrictOut {
    DistrictOut { id: DistrictId(d.id), name: d.name.clone(), code: d.code.clone() }
}

fn validate(input: &DistrictIn) -> Result<(String, Option<String>)> {
    let mut v = Validator::new();
    let name = v.text("name", &input.name, 120);
    let code = v.optional_text("code", input.code.as_deref(), 20);
    v.finish()?;
    Ok((name, code))
}

/// The tenant's districts by name, one page at a time (1-based).
pub async fn list_districts(db: &Db, ctx: &TenantContext, page: u64) -> Result<Page<DistrictOut>> {
    ctx.require(Permission::ViewTenant)?;
    let tx = ctx.begin(db).await?;
    let page = crate::validate::page_number(page)?;
    let paginator = tx.select::<district::Entity>().order_by_asc(district::Column::Name).paginate(tx.conn(), PER_PAGE);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page - 1).await?;
    tx.commit().await?;
    Ok(Page { items: rows.iter().map(district_out).collect(), total, page, per_page: PER_PAGE })
}

/// Every district of the tenant, by name: the choices of the facility form.
pub async fn all_districts(db: &Db, ctx: &TenantContext) -> Result<Vec<DistrictOut>> {
    ctx.require(Permission::ViewTenant)?;
    let tx = ctx.begin(db).await?;
    let rows = tx.select::<district::Entity>().order_by_asc(district::Column::Name).all(tx.conn()).await?;
    tx.commit().await?;
    Ok(rows.iter().map(district_out).collect())
}

pub async fn get_district(db: &Db, ctx: &TenantContext, id: DistrictId) -> Result<DistrictOut> {
    ctx.require(Permission::ViewTenant)?;
    let tx = ctx.begin(db).await?;
    let d = tx.get::<district::Entity>(id.0).await?;
    tx.commit().await?;
    Ok(district_out(&d))
}

pub async fn create_district(db: &Db, ctx: &TenantContext, input: DistrictIn) -> Result<DistrictOut> {
    ctx.require(Permission::ManageDistricts)?;
    let (name, code) = validate(&input)?;
    let tx = ctx.begin(db).await?;
    let d = tx
        .insert(district::ActiveModel {
            name: Set(name),
            code: Set(code),
            created_at: Set(tx.now()),
            ..Default::default()
        })
        .await
        .map_err(on_unique("conflict.district_exists"))?;
    tx.commit().await?;
    Ok(district_out(&d))
}

pub async fn update_district(db: &Db, ctx: &TenantContext, id: DistrictId, input: DistrictIn) -> Result<DistrictOut> {
    ctx.require(Permission::ManageDistricts)?;
    let tx = ctx.begin(db).await?;
    let existing = tx.get::<district::Entity>(id.0).await?;
    let (name, code) = validate(&input)?;
    let mut active = existing.into_active_model();
    active.name = Set(name);
    active.code = Set(code);
    let d = tx.update(active).await.map_err(on_unique("conflict.district_exists"))?;
    tx.commit().await?;
    Ok(district_out(&d))
}

pub async fn delete_district(db: &Db, ctx: &TenantContext, id: DistrictId) -> Result<()> {
    ctx.require(Permission::ManageDistricts)?;
    let tx = ctx.begin(db).await?;
    let existing = tx.get::<district::Entity>(id.0).await?;
    tx.delete::<district::Entity>().filter(district::Column::Id.eq(existing.id)).exec(tx.conn()).await?;
    tx.commit().await
}
