//! Users as members of a tenant: list, add (creating the account when the email is new),
//! change role, remove. Tenant admins manage their tenant; province admins every tenant
//! below their province.

use entity::{facility, membership, user_account};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use types::dto::{MemberCreatedOut, MemberIn, MemberOut, Page};
use types::{FacilityId, MembershipId, Role, UserId};

use crate::authz::Permission;
use crate::error::on_unique;
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

fn check_role_fits(ctx: &TenantContext, role: Role, v: &mut Validator) {
    if role.is_province_role() != ctx.tenant().kind.is_root() {
        v.issue("role", "validation.role_not_for_tenant", vec![]);
    }
}

/// Adds a user to the tenant. A new email creates the account without a password and
/// returns a one-time token for the user to set one.
pub async fn add_member(db: &Db, ctx: &TenantContext, input: MemberIn) -> Result<MemberCreatedOut> {
    ctx.require(Permission::ManageUsers)?;
    let mut v = Validator::new();
    let email = v.email("email", &input.email);
    let name = v.text("display_name", &input.display_name, 120);
    check_role_fits(ctx, input.role, &mut v);
    if input.role == Role::FacilityManager && input.facility_id.is_none() {
        v.issue("facility_id", "validation.required", vec![]);
    }
    v.finish()?;

    let existing = user_account::Entity::find().filter(user_account::Column::Email.eq(email.clone())).one(db).await?;
    let (user, token) = match existing {
        Some(u) => (u, None),
        None => {
            let u = user_account::ActiveModel {
                email: Set(email),
                display_name: Set(name),
                password_hash: Set(None),
                lang: Set("it".into()),
                active: Set(true),
                created_at: Set(db.now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
            let token = auth::issue_password_token(db, UserId(u.id)).await?;
            (u, Some(token))
        }
    };
    let tx = ctx.begin(db).await?;
    let facility_id = match input.facility_id.filter(|_| input.role == Role::FacilityManager) {
        Some(FacilityId(id)) => match tx.get::<facility::Entity>(id).await {
            Ok(f) => Some(f.id),
            Err(AppError::NotFound) => return Err(AppError::field("facility_id", "validation.unknown_code")),
            Err(e) => return Err(e),
        },
        None => None,
    };
    let already =
        tx.select::<membership::Entity>().filter(membership::Column::UserId.eq(user.id)).one(tx.conn()).await?;
    if already.is_some() {
        return Err(AppError::Conflict("conflict.already_member"));
    }
    let m = tx
        .insert(membership::ActiveModel {
            user_id: Set(user.id),
            role: Set(input.role.code().to_string()),
            facility_id: Set(facility_id),
            created_at: Set(tx.now()),
            ..Default::default()
        })
        .await
        .map_err(on_unique("conflict.already_member"))?;
    tx.commit().await?;
    Ok(MemberCreatedOut { member: member_out(&m, &user), set_password_token: token })
}

/// Changes a member's role.
pub async fn change_role(db: &Db, ctx: &TenantContext, id: MembershipId, role: Role) -> Result<MemberOut> {
    ctx.require(Permission::ManageUsers)?;
    let tx = ctx.begin(db).await?;
    let m = tx.get::<membership::Entity>(id.0).await?;
    let mut v = Validator::new();
    check_role_fits(ctx, role, &mut v);
    v.finish()?;
    if m.user_id == ctx.user().0 {
        return Err(AppError::Conflict("conflict.own_membership"));
    }
    let user = user_account::Entity::find_by_id(m.user_id).one(tx.conn()).await?.ok_or(AppError::NotFound)?;
    let mut active = m.into_active_model();
    active.role = Set(role.code().to_string());
    let m = tx.update(active).await?;
    tx.commit().await?;
    Ok(member_out(&m, &user))
}

/// Removes a member from the tenant (the account stays, with its other memberships).
pub async fn remove_member(db: &Db, ctx: &TenantContext, id: MembershipId) -> Result<()> {
    ctx.require(Permission::ManageUsers)?;
    let tx = ctx.begin(db).await?;
    let m = tx.get::<membership::Entity>(id.0).await?;
    if m.user_id == ctx.user().0 {
        return Err(AppError::Conflict("conflict.own_membership"));
    }
    tx.delete::<membership::Entity>().filter(membership::Column::Id.eq(m.id)).exec(tx.conn()).await?;
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
    let existing = membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tenant.0))
        .filter(membership::Column::UserId.eq(user.0))
        .one(db)
        .await?;
    match existing {
        Some(m) => {
            let mut active = m.into_active_model();
            active.role = Set(role.code().to_string());
            active.update(db).await?;
        }
        None => {
            membership::ActiveModel {
                tenant_id: Set(tenant.0),
                user_id: Set(user.0),
                role: Set(role.code().to_string()),
                created_at: Set(db.now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
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
    tx.update(active).await?;
    tx.commit().await
}
