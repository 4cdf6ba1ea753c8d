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
    match tenant {
        Some(slug) => session.insert(TENANT, slug).await.map_err(failed)?,
        None => {
            session.remove::<String>(TENANT).await.map_err(failed)?;
        }
    }
    Ok(())
}
