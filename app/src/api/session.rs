//! Signing in and out, the session the layout shows, the language, the current tenant
//! and passwords.

use serde::{Deserialize, Serialize};
use types::dto::{SecondFactorOut, SessionOut, TotpEnrolmentOut};
use types::Lang;

#[cfg(feature = "ssr")]
use super::scope::session_failed;
use super::UiError;
use app_macros::staff_fn;
#[cfg(feature = "ssr")]
use domain::AppError;

/// What the layout needs on every page: the session (if signed in) and the language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub session: Option<SessionOut>,
    pub lang: Lang,
}

/// The session and language for the layout (never fails for signed-out visitors).
#[staff_fn(endpoint = "session")]
pub async fn get_session(p: Public) -> Result<SessionView, UiError> {
    let lang = p.lang;
    let Some(user) = crate::session::user(&p.session, &p.db).await else {
        return Ok(SessionView { session: None, lang });
    };
    let current = crate::session::current_tenant(&p.session).await;
    match domain::auth::session_out(&p.db, user, current.as_deref()).await {
        Ok(out) => Ok(SessionView { session: Some(out), lang }),
        // The account was deactivated: the session is over.
        Err(AppError::Unauthenticated) => {
            p.session.flush().await.map_err(session_failed)?;
            Ok(SessionView { session: None, lang })
        }
        Err(e) => Err(e),
    }
}

/// Email and password; the answer is the second factor still asked for, if any.
#[staff_fn]
pub async fn sign_in(p: Public, email: String, password: String) -> Result<Option<SecondFactorOut>, UiError> {
    let user = domain::auth::sign_in(&p.db, &email, &password).await?;
    match crate::session::after_password(&p.session, &p.db, user).await? {
        types::dto::SignInOut::Session(_) => Ok(None),
        types::dto::SignInOut::SecondFactor(step) => Ok(Some(step)),
    }
}

/// The authenticator to enrol, while the sign-in waits for its first code.
#[staff_fn]
pub async fn totp_enrolment(p: Public) -> Result<TotpEnrolmentOut, UiError> {
    let user = crate::session::pending_user(&p.session, &p.db).await.ok_or(AppError::Unauthenticated)?;
    domain::second_factor::enrolment(&p.db, user).await
}

/// The second step of signing in; after an enrolment, the recovery codes (shown once).
#[staff_fn]
pub async fn verify_totp(p: Public, code: String) -> Result<Vec<String>, UiError> {
    crate::session::after_code(&p.session, &p.db, &code).await.map(|done| done.recovery_codes)
}

#[staff_fn]
pub async fn sign_out(p: Public) -> Result<(), UiError> {
    p.session.flush().await.map_err(session_failed)
}

#[staff_fn]
pub async fn switch_tenant(u: User, tenant: String) -> Result<(), UiError> {
    let ctx = domain::TenantContext::resolve(&u.db, u.user, &tenant).await?;
    u.session.insert(crate::session::TENANT, ctx.tenant().slug.clone()).await.map_err(session_failed)
}

#[staff_fn]
pub async fn set_language(p: Public, lang: String) -> Result<(), UiError> {
    let lang = Lang::from_code(&lang).ok_or_else(|| AppError::field("lang", "validation.invalid"))?;
    p.session.insert(crate::session::LANG, lang).await.map_err(session_failed)?;
    if let Some(user) = crate::session::user(&p.session, &p.db).await {
        domain::auth::set_language(&p.db, user, lang).await?;
    }
    Ok(())
}

#[staff_fn]
pub async fn change_password(u: User, current_password: String, new_password: String) -> Result<(), UiError> {
    domain::auth::change_password(&u.db, u.user, &current_password, &new_password).await?;
    crate::session::restamp(&u.session, &u.db, u.user).await
}

/// The origin links in e-mails point at: the configured public origin (else the server's
/// address), put in the context by the server; never a request's `Host`, which the caller
/// chooses.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct LinkBase(pub String);

/// The origin e-mailed links point to (see `LinkBase`).
#[cfg(feature = "ssr")]
pub(crate) fn link_base() -> String {
    leptos::prelude::use_context::<LinkBase>().map(|b| b.0).unwrap_or_default()
}

#[staff_fn]
pub async fn request_password_reset(p: Public, email: String) -> Result<(), UiError> {
    domain::auth::request_password_reset(&p.db, &email, &link_base()).await
}

#[staff_fn]
pub async fn reset_password(p: Public, token: String, new_password: String) -> Result<(), UiError> {
    domain::auth::reset_password(&p.db, &token, &new_password).await.map(|_| ())
}
