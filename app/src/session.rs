//! Session keys and helpers, shared by the server functions here and the HTTP API in
//! `server` (server side only).

use domain::Db;
use tower_sessions::Session;
use types::{Lang, UserId};

/// The signed-in user's id.
pub const USER: &str = "user_id";
/// The slug of the tenant the user acts in now.
pub const TENANT: &str = "tenant";
/// The chosen interface language.
pub const LANG: &str = "lang";
/// The account's credential stamp at sign-in (`domain::auth::credential_stamp`).
const STAMP: &str = "stamp";
/// When the session signed in (Unix seconds).
const SINCE: &str = "signed_in_at";
/// Between a correct password and the second factor: the account that gave it, and when.
const PENDING: &str = "pending_user";
const PENDING_SINCE: &str = "pending_since";
/// How long the second step may take.
const PENDING_SECS: i64 = 300;
/// However active, a session ends this long after signing in (a working day); an idle
/// one ends sooner (`Config::session_minutes`).
const MAX_SESSION_SECS: i64 = 12 * 3600;

/// The signed-in user, if any: the session must be younger than `MAX_SESSION_SECS` and
/// its credential stamp still the account's (a changed or reset password, or a
/// deactivated account, ends it). A session that cannot be read counts as signed out.
pub async fn user(session: &Session, db: &Db) -> Option<UserId> {
    let user = UserId(session.get::<i64>(USER).await.ok().flatten()?);
    let since = session.get::<i64>(SINCE).await.ok().flatten()?;
    let stamp = session.get::<String>(STAMP).await.ok().flatten()?;
    if db.now().timestamp() - since > MAX_SESSION_SECS {
        return None;
    }
    let current = domain::auth::credential_stamp(db, user).await.ok().flatten()?;
    (current == stamp).then_some(user)
}

/// After the user changed their password: this session goes on with the new stamp (the
/// others, holding the old one, are over).
pub async fn restamp(session: &Session, db: &Db, user: UserId) -> Result<(), domain::AppError> {
    let stamp = domain::auth::credential_stamp(db, user).await?.ok_or(domain::AppError::Unauthenticated)?;
    session.insert(STAMP, stamp).await.map_err(|e| domain::AppError::Internal(format!("session: {e}")))
}

pub async fn current_tenant(session: &Session) -> Option<String> {
    session.get::<String>(TENANT).await.ok().flatten()
}

pub async fn lang(session: &Session) -> Option<Lang> {
    session.get::<Lang>(LANG).await.ok().flatten()
}

/// What a correct password leads to: the session (for an account that needs no second
/// factor), or the second step, pending in a session of a new id that signs no one in.
pub async fn after_password(
    session: &Session,
    db: &Db,
    user: UserId,
) -> Result<types::dto::SignInOut, domain::AppError> {
    use domain::second_factor::Needed;
    use types::dto::{SecondFactorOut, SignInOut};
    let needed = domain::second_factor::needed(db, user).await?;
    if needed == Needed::Nothing {
        return Ok(SignInOut::Session(complete(session, db, user).await?));
    }
    let failed = |e: tower_sessions::session::Error| domain::AppError::Internal(format!("session: {e}"));
    session.cycle_id().await.map_err(failed)?;
    for key in [USER, STAMP, SINCE] {
        session.remove_value(key).await.map_err(failed)?;
    }
    session.insert(PENDING, user.0).await.map_err(failed)?;
    session.insert(PENDING_SINCE, db.now().timestamp()).await.map_err(failed)?;
    Ok(SignInOut::SecondFactor(SecondFactorOut { second_factor: "totp".into(), enrol: needed == Needed::Enrolment }))
}

/// The account waiting for its second factor in this session, if the wait is recent.
pub async fn pending_user(session: &Session, db: &Db) -> Option<UserId> {
    let user = UserId(session.get::<i64>(PENDING).await.ok().flatten()?);
    let since = session.get::<i64>(PENDING_SINCE).await.ok().flatten()?;
    (db.now().timestamp() - since <= PENDING_SECS).then_some(user)
}

/// The second step: `code` for the pending account completes the sign-in (after an
/// enrolment, with the recovery codes to show once).
pub async fn after_code(session: &Session, db: &Db, code: &str) -> Result<types::dto::TotpDoneOut, domain::AppError> {
    let user = pending_user(session, db).await.ok_or(domain::AppError::Unauthenticated)?;
    let recovery_codes = domain::second_factor::verify(db, user, code).await?;
    Ok(types::dto::TotpDoneOut { session: complete(session, db, user).await?, recovery_codes })
}

/// Signs `user` in with the language the session chose (else the account's) and their
/// first tenant.
async fn complete(session: &Session, db: &Db, user: UserId) -> Result<types::dto::SessionOut, domain::AppError> {
    let out = domain::auth::session_out(db, user, None).await?;
    let lang = lang(session).await.unwrap_or(out.user.lang);
    let tenant = out.current.as_ref().map(|m| m.tenant.slug.as_str());
    sign_in(session, db, user, lang, tenant).await?;
    Ok(out)
}

/// Starts a signed-in session: a new id (no fixation), the user, language and tenant.
pub async fn sign_in(
    session: &Session,
    db: &Db,
    user: UserId,
    lang: Lang,
    tenant: Option<&str>,
) -> Result<(), domain::AppError> {
    let failed = |e: tower_sessions::session::Error| domain::AppError::Internal(format!("session: {e}"));
    let stamp = domain::auth::credential_stamp(db, user).await?.ok_or(domain::AppError::Unauthenticated)?;
    session.cycle_id().await.map_err(failed)?;
    session.insert(USER, user.0).await.map_err(failed)?;
    session.insert(STAMP, stamp).await.map_err(failed)?;
    session.insert(SINCE, db.now().timestamp()).await.map_err(failed)?;
    session.insert(LANG, lang).await.map_err(failed)?;
    for key in [PENDING, PENDING_SINCE] {
        session.remove_value(key).await.map_err(failed)?;
    }
    match tenant {
        Some(slug) => session.insert(TENANT, slug).await.map_err(failed)?,
        None => {
            session.remove::<String>(TENANT).await.map_err(failed)?;
        }
    }
    Ok(())
}
