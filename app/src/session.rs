//! Session keys and helpers, shared by the server functions here and the HTTP API in
//! `server` (server side only).

use tower_sessions::Session;
use types::{Lang, UserId};

/// The signed-in user's id.
pub const USER: &str = "user_id";
/// The slug of the tenant the user acts in now.
pub const TENANT: &str = "tenant";
/// The chosen interface language.
pub const LANG: &str = "lang";

/// The signed-in user, if any. A session that cannot be read counts as signed out.
pub async fn user(session: &Session) -> Option<UserId> {
    session.get::<i64>(USER).await.ok().flatten().map(UserId)
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
    user: UserId,
    lang: Lang,
    tenant: Option<&str>,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(USER, user.0).await?;
    session.insert(LANG, lang).await?;
    match tenant {
        Some(slug) => session.insert(TENANT, slug).await?,
        None => {
            session.remove::<String>(TENANT).await?;
        }
    }
    Ok(())
}
