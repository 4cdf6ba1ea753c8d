//! What a server function runs as, resolved before its body (`#[staff_fn]`'s first
//! argument): `Public`, `User` or `Tenant`. Only `Tenant` reaches tenant data, and only
//! through the context `TenantContext::resolve` builds for the session's current tenant.

use std::future::Future;

use domain::{AppError, Db, TenantContext};
use leptos::prelude::use_context;
use tower_sessions::Session;
use types::{Lang, UserId};

use super::{fail, FnScope, UiError};
use crate::session;

/// A scope a server function runs in.
pub trait Scope: Sized {
    const KIND: FnScope;
    /// Resolves the scope from the request, failing in the caller's language.
    fn resolve() -> impl Future<Output = Result<Self, UiError>> + Send;
    /// The language the function answers in.
    fn lang(&self) -> Lang;
}

/// Anyone: the database, the session and the language.
pub struct Public {
    pub db: Db,
    pub session: Session,
    pub lang: Lang,
}

/// A signed-in user (401 otherwise).
pub struct User {
    pub db: Db,
    pub session: Session,
    pub user: UserId,
    pub lang: Lang,
}

/// A signed-in user acting in the session's current tenant, through the choke point: no
/// current tenant, or one the user is not (or no longer) a member of, answers 404.
pub struct Tenant {
    pub db: Db,
    pub ctx: TenantContext,
    pub lang: Lang,
}

impl Scope for Public {
    const KIND: FnScope = FnScope::Public;

    async fn resolve() -> Result<Self, UiError> {
        let db =
            use_context::<Db>().ok_or_else(|| fail(AppError::Internal("no database in context".into()), Lang::It))?;
        let session = leptos_axum::extract::<Session>()
            .await
            .map_err(|e| fail(AppError::Internal(format!("session: {e}")), Lang::It))?;
        let lang = request_lang(&session).await;
        Ok(Public { db, session, lang })
    }

    fn lang(&self) -> Lang {
        self.lang
    }
}

impl Scope for User {
    const KIND: FnScope = FnScope::User;

    async fn resolve() -> Result<Self, UiError> {
        let Public { db, session, lang } = Public::resolve().await?;
        let user = session::user(&session, &db).await.ok_or_else(|| fail(AppError::Unauthenticated, lang))?;
        Ok(User { db, session, user, lang })
    }

    fn lang(&self) -> Lang {
        self.lang
    }
}

impl Scope for Tenant {
    const KIND: FnScope = FnScope::Tenant;

    async fn resolve() -> Result<Self, UiError> {
        let User { db, session, user, lang } = User::resolve().await?;
        let slug = session::current_tenant(&session).await.ok_or_else(|| fail(AppError::NotFound, lang))?;
        let ctx = TenantContext::resolve(&db, user, &slug).await.map_err(|e| fail(e, lang))?;
        Ok(Tenant { db, ctx, lang })
    }

    fn lang(&self) -> Lang {
        self.lang
    }
}

/// The session's language, else the browser's, else Italian.
async fn request_lang(session: &Session) -> Lang {
    if let Some(lang) = session::lang(session).await {
        return lang;
    }
    use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// A session that could not be written, as a domain error (an internal one).
pub fn session_failed(err: tower_sessions::session::Error) -> AppError {
    AppError::Internal(format!("session: {err}"))
}
