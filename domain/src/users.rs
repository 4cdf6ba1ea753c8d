//! Users as members of a tenant: list, change role, remove (they join through
//! `invitations`). Tenant admins manage their tenant. Every change is written to the
//! tenant's audit chain (`membership`, the role as its section).
//!
//! Separation of duties: a province role never reaches case data below it. Whoever holds a
//! province role cannot be given a role that reads case data (`Role::reads_case_data`) in a
//! tenant beneath, nor the other way round; and in a tenant beneath, a province admin only
//! appoints the first tenant admin (onboarding) — everything else is that admin's.

use entity::{audit_entry, facility, membership, user_account};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use types::dto::{MemberOut, MembershipChangeOut, Page};
use types::{FacilityId, MembershipId, Role, UserId};

use crate::audit::{self, Action, Event};
use crate::authz::Permission;
use crate::tenancy::TenantTx;
use crate::validate::Validator;
use crate::Db;
use crate::{auth, AppError, Result, TenantContext, PER_PAGE};

fn member_out(m: &membership::Model, u: &user_account::Model) -> MemberOut {
    MemberOut {
        id: MembershipId(m.id),
        user_id: UserId(u.id),
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        role: Role::from_code(&m.role).unwrap_or(Role::FrontDesk),
        has_password: u.password_hash.is_some(),
        facility_id: m.facility_id.map(FacilityId),
    }
}

/// Members of the context's tenant, by name, one page at a time (1-based).
pub async fn list_members(db: &Db, ctx: &TenantContext, page: u64) -> Result<Page<MemberOut>> {
    ctx.require(Permission::ManageUsers)?;
    let tx = ctx.begin(db).await?;
    let page = crate::validate::page_number(page)?;
    let paginator = tx
        .select::<membership::Entity>()
        .find_also_related(user_account::Entity)
        .order_by_asc(user_account::Column::DisplayName)
        .paginate(tx.conn(), PER_PAGE);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page - 1).await?;
    tx.commit().await?;
    let items = rows.iter().filter_map(|(m, u)| u.as_ref().map(|u| member_out(m, u))).collect();
    Ok(Page { items, total, page, per_page: PER_PAGE })
}

pub(crate) fn check_role_fits(ctx: &TenantContext, role: Role, v: &mut Validator) {
    if role.is_province_role() != ctx.tenant().kind.is_root() {
        v.issue("role", "validation.role_not_for_tenant", vec![]);
    }
}

/// A province admin acting in a tenant beneath their own (no membership of it): they may
/// appoint its first tenant admin and nothing else.
pub(crate) fn acting_from_above(ctx: &TenantContext) -> bool {
    ctx.role().is_province_role() && !ctx.tenant().kind.is_root()
}

/// Onboarding only: a province admin appoints a tenant admin while the tenant has none.
pub(crate) async fn has_no_tenant_admin(tx: &TenantTx) -> Result<()> {
    let admins = tx
        .select::<membership::Entity>()
        .filter(membership::Column::Role.eq(Role::TenantAdmin.code()))
        .count(tx.conn())
        .await?;
    if admins > 0 {
        return Err(AppError::Conflict("conflict.tenant_has_admin"));
    }
    Ok(())
}

/// Refuses to give `user` the role `role` in the context's tenant when it would join a
/// province role and case data on one account: a province role above with a case-data
/// role here, or a province role here with a case-data role anywhere beneath (`tenant`).
pub(crate) async fn check_separation(db: &Db, tenant: i64, user: i64, role: Role) -> Result<()> {
    let (others, wanted): (Vec<i64>, fn(Role) -> bool) = if role.is_province_role() {
        let below = crate::tenancy::descendants(db, tenant).await?;
        (below.iter().map(|t| t.id).collect(), Role::reads_case_data)
    } else if role.reads_case_data() {
        (crate::tenancy::ancestors(db, tenant).await?, Role::is_province_role)
    } else {
        return Ok(());
    };
    let clash = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user))
        .filter(membership::Column::TenantId.is_in(others))
        .all(db)
        .await?
        .into_iter()
        .any(|m| Role::from_code(&m.role).is_some_and(wanted));
    if clash {
        return Err(AppError::Conflict("conflict.separation_of_duties"));
    }
    Ok(())
}

/// The audit log's name for a membership; its entries name the member's account (which
/// outlives a removed membership) and, as the section, the role.
const OBJECT: &str = "membership";

pub(crate) async fn record_change(tx: &TenantTx, by: UserId, action: Action, m: &membership::Model) -> Result<()> {
    let event = Event { action, object_type: OBJECT, object_id: Some(m.user_id), section: Some(&m.role), listed: &[] };
    audit::record(tx, Some(by), event).await
}

/// How many changes [`membership_changes`] shows.
const CHANGES_SHOWN: u64 = 50;

/// The latest changes to the tenant's members, newest first (tenant and province admins).
pub async fn membership_changes(db: &Db, ctx: &TenantContext) -> Result<Vec<MembershipChangeOut>> {
    ctx.require(Permission::ManageUsers)?;
    let tx = ctx.begin(db).await?;
    let rows = tx
        .select::<audit_entry::Entity>()
        .filter(audit_entry::Column::ObjectType.eq(OBJECT))
        .order_by_desc(audit_entry::Column::Seq)
        .limit(CHANGES_SHOWN)
        .all(tx.conn())
        .await?;
    tx.commit().await?;
    let people: Vec<i64> = rows.iter().flat_map(|e| [e.user_id, e.object_id]).flatten().collect();
    let names = display_names(db, people).await?;
    let name = |id: Option<i64>| id.and_then(|u| names.get(&u).cloned()).unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|e| MembershipChangeOut {
            seq: e.seq,
            at: e.at.to_rfc3339(),
            by_name: name(e.user_id),
            action: e.action,
            member_name: name(e.object_id),
            role: e.section.as_deref().and_then(Role::from_code),
        })
        .collect())
}

/// Changes a member's role.
pub async fn change_role(db: &Db, ctx: &TenantContext, id: MembershipId, role: Role) -> Result<MemberOut> {
    ctx.require(Permission::ManageUsers)?;
    if acting_from_above(ctx) {
        return Err(AppError::Forbidden);
    }
    let tx = ctx.begin(db).await?;
    let m = tx.get::<membership::Entity>(id.0).await?;
    let mut v = Validator::new();
    check_role_fits(ctx, role, &mut v);
    v.finish()?;
    if m.user_id == ctx.user().0 {
        return Err(AppError::Conflict("conflict.own_membership"));
    }
    check_separation(db, ctx.tenant_id().0, m.user_id, role).await?;
    let user = user_account::Entity::find_by_id(m.user_id).one(tx.conn()).await?.ok_or(AppError::NotFound)?;
    let mut active = m.into_active_model();
    active.role = Set(role.code().to_string());
    let m = tx.update(active).await?;
    record_change(&tx, ctx.user(), Action::Update, &m).await?;
    tx.commit().await?;
    Ok(member_out(&m, &user))
}

/// Removes a member from the tenant (the account stays, with its other memberships).
pub async fn remove_member(db: &Db, ctx: &TenantContext, id: MembershipId) -> Result<()> {
    ctx.require(Permission::ManageUsers)?;
    if acting_from_above(ctx) {
        return Err(AppError::Forbidden);
    }
    let tx = ctx.begin(db).await?;
    let m = tx.get::<membership::Entity>(id.0).await?;
    if m.user_id == ctx.user().0 {
        return Err(AppError::Conflict("conflict.own_membership"));
    }
    tx.delete::<membership::Entity>().filter(membership::Column::Id.eq(m.id)).exec(tx.conn()).await?;
    record_change(&tx, ctx.user(), Action::Delete, &m).await?;
    tx.commit().await
}

/// The display names of `ids` (the recorder of a contact, the author of a change), by id.
pub async fn display_names<C: sea_orm::ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>> {
    let ids: std::collections::BTreeSet<i64> = ids.into_iter().collect();
    Ok(user_account::Entity::find()
        .filter(user_account::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// The active account with this email (normalised), or `NotFound`.
pub async fn user_by_email(db: &Db, email: &str) -> Result<UserId> {
    user_account::Entity::find()
        .filter(user_account::Column::Email.eq(crate::validate::normalise_email(email)))
        .one(db)
        .await?
        .map(|u| UserId(u.id))
        .ok_or(AppError::NotFound)
}

/// Creates an account (or finds it by email) and sets its password if given.
/// Trusted callers only: the CLI (`create-admin`) and the demo seed.
pub async fn ensure_user(db: &Db, email: &str, name: &str, password: Option<&str>) -> Result<UserId> {
    let mut v = Validator::new();
    let email = v.email("email", email);
    let name = v.text("display_name", name, 120);
    if let Some(p) = password {
        v.new_password("password", p);
    }
    v.finish()?;
    let hash = match password {
        Some(p) => Some(auth::hash_password(p.to_string()).await?),
        None => None,
    };
    let existing = user_account::Entity::find().filter(user_account::Column::Email.eq(email.clone())).one(db).await?;
    let user = match existing {
        Some(u) => {
            let mut active = u.into_active_model();
            if hash.is_some() {
                active.password_hash = Set(hash);
            }
            active.update(db).await?
        }
        None => {
            user_account::ActiveModel {
                email: Set(email),
                display_name: Set(name),
                password_hash: Set(hash),
                lang: Set("it".into()),
                active: Set(true),
                created_at: Set(db.now()),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    Ok(UserId(user.id))
}

/// Gives `user` a role in `tenant` (replacing a previous one). Trusted callers only, like
/// `ensure_user`: there is no context yet when the first admin is created.
pub async fn grant(db: &Db, user: UserId, tenant: types::TenantId, role: Role) -> Result<()> {
    // In the tenant's own transaction: row-level security lets nothing else write it.
    let tx = TenantTx::for_operator(db, tenant).await?;
    let existing =
        tx.select::<membership::Entity>().filter(membership::Column::UserId.eq(user.0)).one(tx.conn()).await?;
    match existing {
        Some(m) => {
            let mut active = m.into_active_model();
            active.role = Set(role.code().to_string());
            tx.update(active).await?;
        }
        None => {
            tx.insert(membership::ActiveModel {
                user_id: Set(user.0),
                role: Set(role.code().to_string()),
                created_at: Set(tx.now()),
                ..Default::default()
            })
            .await?;
        }
    }
    tx.commit().await
}

/// Makes an existing member of the tenant the facility manager of one of its facilities.
pub async fn set_managed_facility(db: &Db, ctx: &TenantContext, user: UserId, facility: FacilityId) -> Result<()> {
    ctx.require(Permission::ManageUsers)?;
    let tx = ctx.begin(db).await?;
    let f = tx.get::<facility::Entity>(facility.0).await?;
    let m = tx
        .select::<membership::Entity>()
        .filter(membership::Column::UserId.eq(user.0))
        .one(tx.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut active = m.into_active_model();
    active.role = Set(Role::FacilityManager.code().to_string());
    active.facility_id = Set(Some(f.id));
    let m = tx.update(active).await?;
    record_change(&tx, ctx.user(), Action::Update, &m).await?;
    tx.commit().await
}

/// Makes the account `email` a keeper of the deployment's shared catalogue, or no longer
/// (`openwelfare catalogue-keeper`); it acts on it from a province where it is admin.
pub async fn set_catalogue_keeper(db: &Db, email: &str, keeps: bool) -> Result<()> {
    let account = user_account::Entity::find()
        .filter(user_account::Column::Email.eq(crate::validate::normalise_email(email)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut active = account.into_active_model();
    active.keeps_shared_catalogue = Set(keeps);
    active.update(db).await?;
    Ok(())
}
