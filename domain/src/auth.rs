//! Sign-in, passwords and one-time password tokens.
//!
//! Passwords are argon2id, hashed on the blocking pool (never on the async runtime), a
//! few at a time (`Db::hashing_turn`). Attempts are counted per email in the database,
//! before the password is checked and in one statement, so parallel guesses all count and
//! every node enforces the same backoff; unknown emails are throttled exactly like known
//! ones and get the same answer, so neither the message nor the timing says whether an
//! account exists.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use entity::{login_throttle, membership, password_reset, tenant, user_account};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};
use types::dto::{MembershipOut, SessionOut, UserOut};
use types::{Lang, Role, UserId};

use crate::tenancy::descendants;
use crate::tenants::tenant_out;
use crate::validate::{normalise_email, Validator};
use crate::Db;
use crate::{AppError, Result};

/// Failures allowed before the lockout starts.
const FREE_FAILURES: i32 = 5;
/// First lockout; it doubles with each further failure, up to `MAX_LOCK`.
const FIRST_LOCK_SECS: i64 = 30;
const MAX_LOCK_SECS: i64 = 15 * 60;
/// How long a new account's set-password token stays valid.
pub const TOKEN_HOURS: i64 = 72;
/// How long a password reset token stays valid.
pub const RESET_HOURS: i64 = 1;

/// Hashes a password with argon2id on the blocking pool.
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// Verifies on the blocking pool. With no stored hash it still does the work of one
/// verification against a fixed hash, so unknown accounts take as long as known ones.
async fn verify_password(password: String, stored: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match stored {
            Some(h) => (h, true),
            None => (dummy_hash().to_string(), false),
        };
        let parsed = PasswordHash::new(&hash).map_err(|e| AppError::Internal(format!("stored hash: {e}")))?;
        let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(ok && real)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"openwelfare-timing-equaliser", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

fn email_key(email: &str) -> String {
    hex::encode(Sha256::digest(normalise_email(email).as_bytes()))
}

fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Checks email and password; returns the user on success.
pub async fn sign_in(db: &Db, email: &str, password: &str) -> Result<UserId> {
    let mut v = Validator::new();
    if email.trim().is_empty() {
        v.issue("email", "validation.required", vec![]);
    }
    if password.is_empty() {
        v.issue("password", "validation.required", vec![]);
    }
    if email.chars().count() > 254 || password.chars().count() > 200 {
        // Over-long input cannot be a valid login; answer like a wrong password.
        v.finish()?;
        return Err(AppError::BadCredentials);
    }
    v.finish()?;

    let key = email_key(email);
    let now = db.now();
    // The attempt counts before the password is checked: parallel guesses all count.
    let (attempts, locked_until) = count_attempt(db, &key, now).await?;
    if locked_until.is_some_and(|until| until > now) {
        return Err(AppError::TooManyAttempts);
    }

    let user =
        user_account::Entity::find().filter(user_account::Column::Email.eq(normalise_email(email))).one(db).await?;
    let stored = user.as_ref().filter(|u| u.active).and_then(|u| u.password_hash.clone());
    let ok = {
        let _turn = db.hashing_turn().await?;
        verify_password(password.to_string(), stored).await?
    };

    match (ok, user) {
        (true, Some(user)) => {
            login_throttle::Entity::delete_by_id(key).exec(db).await?;
            Ok(UserId(user.id))
        }
        _ => {
            if let Some(secs) = lock_after(attempts) {
                lock(db, &key, now + Duration::seconds(secs)).await?;
            }
            Err(AppError::BadCredentials)
        }
    }
}

/// Counts one more guess of a secret other than the password (a second-factor code) for
/// `what`, refusing it while a lockout holds; returns the guesses since the last success.
pub(crate) async fn count_guess(db: &Db, what: &str) -> Result<i32> {
    let now = db.now();
    let (attempts, locked_until) = count_attempt(db, &sha256_hex(what), now).await?;
    if locked_until.is_some_and(|until| until > now) {
        return Err(AppError::TooManyAttempts);
    }
    Ok(attempts)
}

/// A wrong guess for `what` (the `attempts`-th): locks as wrong passwords do.
pub(crate) async fn wrong_guess(db: &Db, what: &str, attempts: i32) -> Result<()> {
    if let Some(secs) = lock_after(attempts) {
        lock(db, &sha256_hex(what), db.now() + Duration::seconds(secs)).await?;
    }
    Ok(())
}

/// A right guess for `what`: the count starts again.
pub(crate) async fn forget_guesses(db: &Db, what: &str) -> Result<()> {
    login_throttle::Entity::delete_by_id(sha256_hex(what)).exec(db).await?;
    Ok(())
}

/// Counts one more attempt on `key` in one statement (an insert that adds one on
/// conflict), so attempts at the same time never read the same count or collide on the
/// insert; returns the attempts since the last success, this one included, and the
/// lockout as it stands.
async fn count_attempt(db: &Db, key: &str, now: DateTime<Utc>) -> Result<(i32, Option<DateTime<Utc>>)> {
    use login_throttle::Column;
    use sea_orm::sea_query::{Expr, OnConflict, Query};
    use sea_orm::ConnectionTrait;
    let mut insert = Query::insert();
    insert
        .into_table(login_throttle::Entity)
        .columns([Column::EmailKey, Column::Failures, Column::UpdatedAt])
        .values([key.into(), 1.into(), now.into()])
        .map_err(|e| AppError::Internal(e.to_string()))?
        .on_conflict(
            OnConflict::column(Column::EmailKey)
                .value(Column::Failures, Expr::col((login_throttle::Entity, Column::Failures)).add(1))
                .value(Column::UpdatedAt, now)
                .to_owned(),
        )
        .returning(Query::returning().columns([Column::Failures, Column::LockedUntil]));
    let _turn = db.writer_turn().await;
    let row = db
        .query_one(db.get_database_backend().build(&insert))
        .await?
        .ok_or_else(|| AppError::Internal("login_throttle: no row returned".into()))?;
    Ok((row.try_get("", "failures")?, row.try_get("", "locked_until")?))
}

/// Locks `key` until `until`, unless a parallel failure already locked it for longer.
async fn lock(db: &Db, key: &str, until: DateTime<Utc>) -> Result<()> {
    use login_throttle::Column;
    use sea_orm::sea_query::Expr;
    use sea_orm::Condition;
    login_throttle::Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(until))
        .filter(Column::EmailKey.eq(key))
        .filter(Condition::any().add(Column::LockedUntil.is_null()).add(Column::LockedUntil.lt(until)))
        .exec(db)
        .await?;
    Ok(())
}

/// Seconds of lockout after `failures` attempts without a success (doubling, capped).
fn lock_after(failures: i32) -> Option<i64> {
    let over = failures - FREE_FAILURES;
    (over >= 0).then(|| (FIRST_LOCK_SECS << over.min(10)).min(MAX_LOCK_SECS))
}

/// What a session carries to stay valid: it changes with the account's password and its
/// authenticator, and when an account without one is given a role that needs one, so a
/// changed or reset password, a forgotten authenticator or such a role ends every session
/// started before; `None` for an account that is gone or deactivated.
pub async fn credential_stamp(db: &Db, user: UserId) -> Result<Option<String>> {
    let account = user_account::Entity::find_by_id(user.0).one(db).await?;
    let Some(a) = account.filter(|a| a.active) else { return Ok(None) };
    // An account without an authenticator whose roles come to need one (a role given
    // since) signs in again, and enrols: its sessions never passed a second factor.
    let unguarded = a.totp_secret.is_none() && crate::second_factor::needs_one(db, user).await?;
    let credentials =
        format!("{}:{}:{unguarded}", a.password_hash.unwrap_or_default(), a.totp_secret.unwrap_or_default());
    let stamp = sha256_hex(&format!("openwelfare-session:{credentials}"));
    Ok(Some(stamp[..32].to_string()))
}

/// Changes the signed-in user's password after checking the current one.
pub async fn change_password(db: &Db, user: UserId, current: &str, new: &str) -> Result<()> {
    let mut v = Validator::new();
    v.new_password("new_password", new);
    v.finish()?;
    let account = user_account::Entity::find_by_id(user.0).one(db).await?.ok_or(AppError::Unauthenticated)?;
    let _turn = db.hashing_turn().await?;
    if !verify_password(current.to_string(), account.password_hash.clone()).await? {
        return Err(AppError::field("current_password", "validation.wrong_password"));
    }
    let hash = hash_password(new.to_string()).await?;
    let mut active = account.into_active_model();
    active.password_hash = Set(Some(hash));
    active.update(db).await?;
    Ok(())
}

/// Issues a one-time token that lets a new account `user` set its password
/// (`TOKEN_HOURS`). Only its hash is stored; the user's earlier tokens stop working.
pub async fn issue_password_token(db: &Db, user: UserId) -> Result<String> {
    issue_token(db, db.now(), user, TOKEN_HOURS).await
}

async fn issue_token<C: sea_orm::ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    user: UserId,
    hours: i64,
) -> Result<String> {
    use sea_orm::sea_query::Expr;
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::UserId.eq(user.0))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    password_reset::ActiveModel {
        user_id: Set(user.0),
        token_hash: Set(sha256_hex(&token)),
        expires_at: Set(now + Duration::hours(hours)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Issues a reset token (`RESET_HOURS`) for the account with this email (CLI:
/// `openwelfare reset-password`).
pub async fn issue_password_token_for_email(db: &Db, email: &str) -> Result<String> {
    let user = user_account::Entity::find()
        .filter(user_account::Column::Email.eq(normalise_email(email)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    issue_token(db, db.now(), UserId(user.id), RESET_HOURS).await
}

/// How often one account may be sent a reset link.
const RESET_MAIL_EVERY_MINUTES: i64 = 2;

/// "I forgot my password" for `email`: an active account is sent a reset link
/// (`RESET_HOURS`), its token and the message written in one transaction through the
/// outbox; at most one every `RESET_MAIL_EVERY_MINUTES`. The answer is the same whether
/// or not the account exists. `link_base` is the configured public origin, never a
/// request's `Host` (which a caller chooses).
pub async fn request_password_reset(db: &Db, email: &str, link_base: &str) -> Result<()> {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let mut v = Validator::new();
    if email.trim().is_empty() {
        v.issue("email", "validation.required", vec![]);
    }
    v.finish()?;
    if email.chars().count() > 254 {
        return Ok(());
    }
    let address = normalise_email(email);
    let account = user_account::Entity::find().filter(user_account::Column::Email.eq(&address)).one(db).await?;
    let Some(account) = account.filter(|a| a.active) else { return Ok(()) };
    let now = db.now();
    let lang = Lang::from_code(&account.lang).unwrap_or_default();
    // Requests for one account take turns (SQLite: the writer's turn; PostgreSQL: its row
    // locked), so of fifty at once one sends and the others see it sent.
    let _turn = db.writer_turn().await;
    let tx = db.conn().begin().await?;
    if tx.get_database_backend() == sea_orm::DbBackend::Postgres {
        use sea_orm::QuerySelect;
        user_account::Entity::find_by_id(account.id).lock_exclusive().one(&tx).await?;
    }
    let since = now - Duration::minutes(RESET_MAIL_EVERY_MINUTES);
    if crate::outbox::recent(&tx, "password_reset", &address, since).await? > 0 {
        return Ok(());
    }
    let token = issue_token(&tx, now, UserId(account.id), RESET_HOURS).await?;
    let link = format!("{}/reset-password#token={token}", link_base.trim_end_matches('/'));
    let t = |key: &str| types::i18n::t(lang, key);
    let text =
        [t("mail.reset.greeting"), t("mail.reset.open"), link, String::new(), t("mail.reset.not_you")].join("\n");
    let mail = crate::outbox::Mail { kind: "password_reset", to: address, subject: t("mail.reset.subject"), text };
    crate::outbox::enqueue(&tx, now, mail).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with a one-time token; the token is spent and any lockout lifted.
pub async fn reset_password(db: &Db, token: &str, new: &str) -> Result<UserId> {
    let mut v = Validator::new();
    v.new_password("new_password", new);
    v.finish()?;
    let invalid = || AppError::field("token", "validation.token_invalid");
    if token.len() != 64 {
        return Err(invalid());
    }
    let row = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(sha256_hex(token)))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    // Spent in one statement, before anything else: of two uses at once, one wins.
    use sea_orm::sea_query::Expr;
    let now = db.now();
    let spent = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::Id.eq(row.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if spent.rows_affected != 1 {
        return Err(invalid());
    }
    let user = user_account::Entity::find_by_id(row.user_id).one(db).await?.ok_or_else(invalid)?;
    let hash = {
        let _turn = db.hashing_turn().await?;
        hash_password(new.to_string()).await?
    };
    let (user_id, email) = (UserId(user.id), user.email.clone());
    let mut active = user.into_active_model();
    active.password_hash = Set(Some(hash));
    active.update(db).await?;
    login_throttle::Entity::delete_by_id(email_key(&email)).exec(db).await?;
    Ok(user_id)
}

/// Stores the user's preferred language.
pub async fn set_language(db: &Db, user: UserId, lang: Lang) -> Result<()> {
    let account = user_account::Entity::find_by_id(user.0).one(db).await?.ok_or(AppError::Unauthenticated)?;
    let mut active = account.into_active_model();
    active.lang = Set(lang.code().to_string());
    active.update(db).await?;
    Ok(())
}

/// Every tenant the user can act in: direct memberships, plus the descendants a
/// province role reaches. Sorted with the direct ones first.
pub async fn memberships(db: &Db, user: UserId) -> Result<Vec<MembershipOut>> {
    let rows = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user.0))
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?;
    let mut out: Vec<MembershipOut> = Vec::new();
    for m in rows {
        let Some(role) = Role::from_code(&m.role) else { continue };
        let Some(t) = tenant::Entity::find_by_id(m.tenant_id).one(db).await? else { continue };
        out.push(MembershipOut { tenant: tenant_out(&t), role });
        if role.is_province_role() {
            for d in descendants(db, m.tenant_id).await? {
                out.push(MembershipOut { tenant: tenant_out(&d), role });
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|m| seen.insert(m.tenant.id));
    Ok(out)
}

/// The session as the client sees it. `current` is kept only if still valid.
pub async fn session_out(db: &Db, user: UserId, current: Option<&str>) -> Result<SessionOut> {
    let account = user_account::Entity::find_by_id(user.0)
        .one(db)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::Unauthenticated)?;
    let memberships = memberships(db, user).await?;
    let current = current
        .and_then(|slug| memberships.iter().find(|m| m.tenant.slug == slug))
        .or_else(|| memberships.first())
        .cloned();
    let emblem = match &current {
        Some(m) => crate::theme::public_theme(db, &m.tenant.slug).await?.logo,
        None => None,
    };
    Ok(SessionOut { user: user_out(&account), current, memberships, emblem })
}

pub fn user_out(u: &user_account::Model) -> UserOut {
    UserOut {
        id: UserId(u.id),
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        lang: Lang::from_code(&u.lang).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_grows_and_is_capped() {
        assert_eq!(lock_after(4), None);
        assert_eq!(lock_after(5), Some(30));
        assert_eq!(lock_after(6), Some(60));
        assert_eq!(lock_after(7), Some(120));
        assert_eq!(lock_after(40), Some(MAX_LOCK_SECS));
    }

    #[tokio::test]
    async fn hashes_verify() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await.unwrap());
        assert!(!verify_password("wrong".into(), Some(hash)).await.unwrap());
        assert!(!verify_password("x".into(), None).await.unwrap());
    }
}
