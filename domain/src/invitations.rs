//! Invitations: how someone joins a tenant. A tenant admin (or, for a comune's first
//! admin, the province) invites an address; the invitation goes by e-mail through the
//! outbox, written in the same transaction. Nothing is attached to any account until the
//! addressee accepts: a new address creates its account, password included, through the
//! link in the e-mail; an existing account accepts after signing in. The inviting admin
//! gets the same answer whether or not the address has an account, and never sees a
//! token or anything of the account.
//!
//! The checks that depend on the account (separation of duties, already a member) run when
//! it accepts; the onboarding rule (a province admin appoints only a comune's first admin)
//! runs at both ends.

use chrono::Duration;
use entity::{facility, invitation, membership, tenant, user_account};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};
use types::dto::{InvitationOut, InvitationPreviewOut, InvitedAccountIn, MemberIn, MyInvitationOut};
use types::{FacilityId, InvitationId, Lang, Role, UserId};

use crate::audit::{self, Action, Event};
use crate::authz::Permission;
use crate::error::on_unique;
use crate::tenancy::TenantTx;
use crate::users::{acting_from_above, check_role_fits, check_separation, has_no_tenant_admin, record_change};
use crate::validate::{normalise_email, Validator};
use crate::{auth, AppError, Db, Result, TenantContext};

/// How long an invitation stays open.
pub const INVITATION_DAYS: i64 = 7;

/// The audit log's name for an invitation (its id as the object, the role as the section).
const OBJECT: &str = "invitation";

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn out(i: &invitation::Model, now: chrono::DateTime<chrono::Utc>) -> InvitationOut {
    InvitationOut {
        id: InvitationId(i.id),
        email: i.email.clone(),
        display_name: i.display_name.clone(),
        role: Role::from_code(&i.role).unwrap_or(Role::FrontDesk),
        facility_id: i.facility_id.map(FacilityId),
        created_at: i.created_at.to_rfc3339(),
        expires_at: i.expires_at.to_rfc3339(),
        expired: i.expires_at <= now,
    }
}

async fn record(tx: &TenantTx, user: UserId, action: Action, i: &invitation::Model) -> Result<()> {
    let event = Event { action, object_type: OBJECT, object_id: Some(i.id), section: Some(&i.role), listed: &[] };
    audit::record(tx, Some(user), event).await
}

/// Invites `input.email` to the context's tenant with `input.role`: the invitation and its
/// e-mail (a link to `link_base`, the configured public origin) are written together.
pub async fn invite(db: &Db, ctx: &TenantContext, input: MemberIn, link_base: &str) -> Result<InvitationOut> {
    ctx.require(Permission::ManageUsers)?;
    let mut v = Validator::new();
    let email = v.email("email", &input.email);
    let name = v.text("display_name", &input.display_name, 120);
    check_role_fits(ctx, input.role, &mut v);
    if input.role == Role::FacilityManager && input.facility_id.is_none() {
        v.issue("facility_id", "validation.required", vec![]);
    }
    let from_above = acting_from_above(ctx);
    if from_above && input.role != Role::TenantAdmin {
        return Err(AppError::Forbidden);
    }
    v.finish()?;
    let account = user_account::Entity::find().filter(user_account::Column::Email.eq(email.clone())).one(db).await?;

    let tx = ctx.begin(db).await?;
    let now = tx.now();
    let facility_id = match input.facility_id.filter(|_| input.role == Role::FacilityManager) {
        Some(FacilityId(id)) => match tx.get::<facility::Entity>(id).await {
            Ok(f) => Some(f.id),
            Err(AppError::NotFound) => return Err(AppError::field("facility_id", "validation.unknown_code")),
            Err(e) => return Err(e),
        },
        None => None,
    };
    let open = tx.select::<invitation::Entity>().filter(invitation::Column::ExpiresAt.gt(now));
    if from_above {
        has_no_tenant_admin(&tx).await?;
        if open.clone().filter(invitation::Column::FromAbove.eq(true)).one(tx.conn()).await?.is_some() {
            return Err(AppError::Conflict("conflict.invitation_pending"));
        }
    }
    // Whether the address is a member here is the admin's own list; of other tenants,
    // nothing is asked or told.
    if let Some(a) = &account {
        let member = tx.select::<membership::Entity>().filter(membership::Column::UserId.eq(a.id));
        if member.one(tx.conn()).await?.is_some() {
            return Err(AppError::Conflict("conflict.already_member"));
        }
    }
    if open.filter(invitation::Column::Email.eq(email.clone())).one(tx.conn()).await?.is_some() {
        return Err(AppError::Conflict("conflict.already_invited"));
    }
    // An expired invitation to the same address gives way to the new one.
    tx.delete::<invitation::Entity>()
        .filter(invitation::Column::Email.eq(email.clone()))
        .filter(invitation::Column::ExpiresAt.lte(now))
        .exec(tx.conn())
        .await?;

    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let row = tx
        .insert(invitation::ActiveModel {
            email: Set(email.clone()),
            display_name: Set(name),
            role: Set(input.role.code().to_string()),
            facility_id: Set(facility_id),
            invited_by: Set(ctx.user().0),
            from_above: Set(from_above),
            token_hash: Set(token_hash(&token)),
            created_at: Set(now),
            expires_at: Set(now + Duration::days(INVITATION_DAYS)),
            ..Default::default()
        })
        .await
        .map_err(on_unique("conflict.already_invited"))?;
    record(&tx, ctx.user(), Action::Create, &row).await?;

    let lang = account.as_ref().and_then(|a| Lang::from_code(&a.lang)).unwrap_or_default();
    let inviter = crate::users::display_names(tx.conn(), [ctx.user().0]).await?.remove(&ctx.user().0);
    let role = types::i18n::t(lang, &input.role.label_key());
    let args = [
        ("inviter", inviter.as_deref().unwrap_or("OpenWelfare")),
        ("tenant", ctx.tenant().name.as_str()),
        ("role", role.as_str()),
    ];
    let link = format!("{}/invitation#token={token}", link_base.trim_end_matches('/'));
    let t = |key: &str| types::i18n::tf(lang, key, &args);
    let text = [
        t("mail.invite.greeting"),
        t("mail.invite.body"),
        t("mail.invite.open"),
        link,
        String::new(),
        t("mail.invite.not_you"),
    ]
    .join("\n");
    let mail = crate::outbox::Mail { kind: "invitation", to: email, subject: t("mail.invite.subject"), text };
    crate::outbox::enqueue(tx.conn(), now, mail).await?;
    tx.commit().await?;
    Ok(out(&row, now))
}

/// The tenant's open and expired invitations, newest first (its admins).
pub async fn pending(db: &Db, ctx: &TenantContext) -> Result<Vec<InvitationOut>> {
    ctx.require(Permission::ManageUsers)?;
    let tx = ctx.begin(db).await?;
    let rows = tx.select::<invitation::Entity>().order_by_desc(invitation::Column::Id).all(tx.conn()).await?;
    let now = tx.now();
    tx.commit().await?;
    Ok(rows.iter().map(|i| out(i, now)).collect())
}

/// Withdraws an invitation before it is accepted. From the province, only the one it sent.
pub async fn revoke(db: &Db, ctx: &TenantContext, id: InvitationId) -> Result<()> {
    ctx.require(Permission::ManageUsers)?;
    let tx = ctx.begin(db).await?;
    let row = tx.get::<invitation::Entity>(id.0).await?;
    if acting_from_above(ctx) && !row.from_above {
        return Err(AppError::Forbidden);
    }
    tx.delete::<invitation::Entity>().filter(invitation::Column::Id.eq(row.id)).exec(tx.conn()).await?;
    record(&tx, ctx.user(), Action::Delete, &row).await?;
    tx.commit().await
}

async fn account(db: &Db, user: UserId) -> Result<user_account::Model> {
    let a = user_account::Entity::find_by_id(user.0).one(db).await?;
    a.filter(|a| a.active).ok_or(AppError::Unauthenticated)
}

/// The open invitations addressed to the signed-in user's address.
pub async fn mine(db: &Db, user: UserId) -> Result<Vec<MyInvitationOut>> {
    let me = account(db, user).await?;
    let rows = invitation::Entity::find()
        .filter(invitation::Column::Email.eq(me.email))
        .filter(invitation::Column::ExpiresAt.gt(db.now()))
        .order_by_asc(invitation::Column::Id)
        .find_also_related(tenant::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(i, t)| {
            Some(MyInvitationOut {
                id: InvitationId(i.id),
                tenant_name: t?.name,
                role: Role::from_code(&i.role)?,
                expires_at: i.expires_at.to_rfc3339(),
            })
        })
        .collect())
}

/// An open invitation addressed to `user`, or `NotFound` (another's id answers the same).
async fn addressed_to(db: &Db, user: UserId, id: InvitationId) -> Result<invitation::Model> {
    let me = account(db, user).await?;
    invitation::Entity::find_by_id(id.0)
        .filter(invitation::Column::Email.eq(me.email))
        .filter(invitation::Column::ExpiresAt.gt(db.now()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The signed-in user accepts an invitation addressed to them: they become a member.
pub async fn accept(db: &Db, user: UserId, id: InvitationId) -> Result<()> {
    let row = addressed_to(db, user, id).await?;
    let role = Role::from_code(&row.role).ok_or(AppError::NotFound)?;
    check_separation(db, row.tenant_id, user.0, role).await?;
    let tx = TenantTx::for_addressee(db, &row).await?;
    admit(&tx, &row, user).await?;
    tx.commit().await
}

/// The signed-in user declines an invitation addressed to them.
pub async fn decline(db: &Db, user: UserId, id: InvitationId) -> Result<()> {
    let row = addressed_to(db, user, id).await?;
    let tx = TenantTx::for_addressee(db, &row).await?;
    let gone = tx.delete::<invitation::Entity>().filter(invitation::Column::Id.eq(row.id)).exec(tx.conn()).await?;
    if gone.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    record(&tx, user, Action::Delete, &row).await?;
    tx.commit().await
}

/// Makes `user` a member as `row` says, spending the invitation: of two acceptances at
/// once, one deletes it and the other finds it gone. In the audit chain the membership is
/// the inviter's change and the acceptance (`update` of the invitation) the addressee's.
async fn admit(tx: &TenantTx, row: &invitation::Model, user: UserId) -> Result<()> {
    if row.from_above {
        has_no_tenant_admin(tx).await?;
    }
    let facility_id = match row.facility_id {
        Some(id) => Some(tx.get::<facility::Entity>(id).await?.id),
        None => None,
    };
    let gone = tx.delete::<invitation::Entity>().filter(invitation::Column::Id.eq(row.id)).exec(tx.conn()).await?;
    if gone.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    let member = tx.select::<membership::Entity>().filter(membership::Column::UserId.eq(user.0));
    if member.one(tx.conn()).await?.is_some() {
        return Err(AppError::Conflict("conflict.already_member"));
    }
    let m = tx
        .insert(membership::ActiveModel {
            user_id: Set(user.0),
            role: Set(row.role.clone()),
            facility_id: Set(facility_id),
            created_at: Set(tx.now()),
            ..Default::default()
        })
        .await
        .map_err(on_unique("conflict.already_member"))?;
    // The change the inviter decided, in effect now; the addressee's consent beside it.
    record_change(tx, UserId(row.invited_by), Action::Create, &m).await?;
    record(tx, user, Action::Update, row).await
}

/// The open invitation a link's token names, or a field error on `token`.
async fn by_token(db: &Db, token: &str) -> Result<invitation::Model> {
    let invalid = || AppError::field("token", "validation.token_invalid");
    if token.len() != 64 {
        return Err(invalid());
    }
    invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token_hash(token)))
        .filter(invitation::Column::ExpiresAt.gt(db.now()))
        .one(db)
        .await?
        .ok_or_else(invalid)
}

/// What an invitation's link is for (for its holder, the addressee).
pub async fn preview(db: &Db, token: &str) -> Result<InvitationPreviewOut> {
    let row = by_token(db, token).await?;
    let tenant = tenant::Entity::find_by_id(row.tenant_id).one(db).await?.ok_or(AppError::NotFound)?;
    let has_account =
        user_account::Entity::find().filter(user_account::Column::Email.eq(row.email.clone())).one(db).await?.is_some();
    Ok(InvitationPreviewOut {
        tenant_name: tenant.name,
        role: Role::from_code(&row.role).ok_or(AppError::NotFound)?,
        display_name: row.display_name,
        has_account,
    })
}

/// A new address accepts its invitation by creating its account, with the password it
/// chooses, through the e-mailed link; account and membership are written together.
pub async fn create_account(db: &Db, input: InvitedAccountIn) -> Result<UserId> {
    let mut v = Validator::new();
    let name = v.text("display_name", &input.display_name, 120);
    v.new_password("new_password", &input.new_password);
    v.finish()?;
    let row = by_token(db, &input.token).await?;
    let taken = user_account::Entity::find().filter(user_account::Column::Email.eq(normalise_email(&row.email)));
    if taken.one(db).await?.is_some() {
        return Err(AppError::Conflict("conflict.account_exists"));
    }
    let hash = {
        let _turn = db.hashing_turn().await?;
        auth::hash_password(input.new_password).await?
    };
    let tx = TenantTx::for_addressee(db, &row).await?;
    let account = user_account::ActiveModel {
        email: Set(row.email.clone()),
        display_name: Set(name),
        password_hash: Set(Some(hash)),
        lang: Set("it".into()),
        active: Set(true),
        created_at: Set(tx.now()),
        ..Default::default()
    }
    .insert(tx.conn())
    .await
    .map_err(on_unique("conflict.account_exists"))?;
    let user = UserId(account.id);
    admit(&tx, &row, user).await?;
    tx.commit().await?;
    Ok(user)
}
