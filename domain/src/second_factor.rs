//! The second factor: a time-based one-time code (TOTP, RFC 6238: HMAC-SHA1, 30-second
//! steps, six digits, the step before and after accepted for clock drift), with ten
//! single-use recovery codes. Required of every account holding a role that reads case
//! data or manages users (`Role::needs_second_factor`); such an account enrols on its
//! first sign-in. A code is spent with its time step (one statement), so none works
//! twice, not even in parallel; wrong codes count towards a lockout like wrong passwords.
//!
//! The sign-in itself (a pending session between the password and the code) lives with
//! the session (`app::session`).

use data_encoding::BASE32_NOPAD;
use entity::{membership, recovery_code, user_account};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set, TransactionTrait};
use sha2::{Digest, Sha256};
use types::dto::TotpEnrolmentOut;
use types::{Role, UserId};

use crate::{AppError, Db, Result};

/// Seconds per time step.
pub const STEP_SECS: i64 = 30;
const DIGITS: u32 = 6;
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;
/// The issuer authenticator apps show beside the account.
const ISSUER: &str = "OpenWelfare";

/// HOTP (RFC 4226): the `digits`-digit value of `counter` under `key`.
pub fn hotp(key: &[u8], counter: u64, digits: u32) -> Option<u32> {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).ok()?;
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[h.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([h[offset] & 0x7f, h[offset + 1], h[offset + 2], h[offset + 3]]);
    Some(word % 10u32.pow(digits))
}

/// The bytes of a base32 secret as authenticator apps show it (any case, spaces and
/// padding allowed).
pub fn secret_bytes(secret: &str) -> Option<Vec<u8>> {
    let clean: String = secret.chars().filter(|c| !c.is_whitespace() && *c != '=').collect();
    let bytes = BASE32_NOPAD.decode(clean.to_ascii_uppercase().as_bytes()).ok()?;
    (!bytes.is_empty()).then_some(bytes)
}

/// The time step of Unix time `unix`.
pub fn step_of(unix: i64) -> i64 {
    unix.div_euclid(STEP_SECS)
}

/// The six-digit code of `secret` (base32) for time step `step`.
pub fn code_for_step(secret: &str, step: i64) -> Option<String> {
    let counter = u64::try_from(step).ok()?;
    Some(format!("{:0width$}", hotp(&secret_bytes(secret)?, counter, DIGITS)?, width = DIGITS as usize))
}

/// Whether two short strings are equal, in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// What a correct password leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needed {
    /// Nothing more: the account holds no role that needs a second factor, and has none.
    Nothing,
    /// A code from the enrolled authenticator (or a recovery code).
    Code,
    /// The account must enrol an authenticator before it signs in.
    Enrolment,
}

async fn account(db: &Db, user: UserId) -> Result<user_account::Model> {
    let a = user_account::Entity::find_by_id(user.0).one(db).await?;
    a.filter(|a| a.active).ok_or(AppError::Unauthenticated)
}

/// What `user` must give after the password.
pub async fn needed(db: &Db, user: UserId) -> Result<Needed> {
    if account(db, user).await?.totp_secret.is_some() {
        return Ok(Needed::Code);
    }
    Ok(if needs_one(db, user).await? { Needed::Enrolment } else { Needed::Nothing })
}

/// Whether any of `user`'s roles needs a second factor.
pub(crate) async fn needs_one(db: &Db, user: UserId) -> Result<bool> {
    let roles = membership::Entity::find().filter(membership::Column::UserId.eq(user.0)).all(db).await?;
    Ok(roles.iter().filter_map(|m| Role::from_code(&m.role)).any(Role::needs_second_factor))
}

/// The `otpauth://` address as a QR code, in SVG.
fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build(),
        Err(_) => String::new(),
    }
}

fn otpauth_uri(email: &str, secret: &str) -> String {
    let label: String = email
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("otpauth://totp/{ISSUER}:{label}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}")
}

/// The authenticator `user` is enrolling (a new secret the first time it is asked for).
pub async fn enrolment(db: &Db, user: UserId) -> Result<TotpEnrolmentOut> {
    let a = account(db, user).await?;
    if a.totp_secret.is_some() {
        return Err(AppError::Conflict("conflict.totp_enrolled"));
    }
    let secret = match a.totp_pending_secret.clone() {
        Some(s) => s,
        None => {
            let mut bytes = [0u8; 20];
            rand::thread_rng().fill_bytes(&mut bytes);
            let secret = BASE32_NOPAD.encode(&bytes);
            // Only if no other request set one meanwhile: both then show the same secret.
            user_account::Entity::update_many()
                .col_expr(user_account::Column::TotpPendingSecret, Expr::value(secret.clone()))
                .filter(user_account::Column::Id.eq(a.id))
                .filter(user_account::Column::TotpPendingSecret.is_null())
                .exec(db)
                .await?;
            account(db, user).await?.totp_pending_secret.ok_or(AppError::Conflict("conflict.totp_enrolled"))?
        }
    };
    let uri = otpauth_uri(&a.email, &secret);
    Ok(TotpEnrolmentOut { qr_svg: qr_svg(&uri), otpauth_uri: uri, secret })
}

/// The step of `code` for `secret` around `now_step` (one step either side), if any.
fn matching_step(secret: &str, code: &str, now_step: i64) -> Option<i64> {
    (now_step - 1..=now_step + 1).find(|s| code_for_step(secret, *s).is_some_and(|c| same(&c, code)))
}

fn wrong() -> AppError {
    AppError::field("code", "validation.totp_wrong")
}

/// Checks `code` for `user`: a code of the enrolled authenticator or an unused recovery
/// code; or, while enrolling, a code of the new secret, which completes the enrolment and
/// returns the recovery codes (shown once). Wrong codes count towards a lockout.
pub async fn verify(db: &Db, user: UserId, code: &str) -> Result<Vec<String>> {
    let a = account(db, user).await?;
    // Counted before the code is checked, like a password: parallel guesses all count.
    let key = format!("second-factor:{}", a.id);
    let attempts = crate::auth::count_guess(db, &key).await?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() {
        return Err(AppError::field("code", "validation.required"));
    }
    let now_step = step_of(db.now().timestamp());
    let outcome = match (&a.totp_secret, &a.totp_pending_secret) {
        (Some(secret), _) => match matching_step(secret, &code, now_step) {
            Some(step) => spend_step(db, a.id, step).await.map(|()| Vec::new()),
            None => spend_recovery_code(db, a.id, &code).await.map(|()| Vec::new()),
        },
        (None, Some(pending)) => match matching_step(pending, &code, now_step) {
            Some(step) => complete_enrolment(db, a.id, pending, step).await,
            None => Err(wrong()),
        },
        (None, None) => Err(wrong()),
    };
    match &outcome {
        Ok(_) => crate::auth::forget_guesses(db, &key).await?,
        Err(AppError::Validation(_)) => crate::auth::wrong_guess(db, &key, attempts).await?,
        Err(_) => {}
    }
    outcome
}

/// Spends time step `step` for account `id`: refused if it or a later one was used.
async fn spend_step(db: &Db, id: i64, step: i64) -> Result<()> {
    let spent = user_account::Entity::update_many()
        .col_expr(user_account::Column::TotpLastStep, Expr::value(step))
        .filter(user_account::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(user_account::Column::TotpLastStep.is_null())
                .add(user_account::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    if spent.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::field("code", "validation.totp_used"))
    }
}

/// Recovery codes are written `xxxxx-xxxxx`; case and the dash do not matter.
fn recovery_key(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase()
}

async fn spend_recovery_code(db: &Db, id: i64, code: &str) -> Result<()> {
    let key = recovery_key(code);
    if key.len() != 10 {
        return Err(wrong());
    }
    let spent = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(db.now()))
        .filter(recovery_code::Column::UserId.eq(id))
        .filter(recovery_code::Column::CodeHash.eq(sha256_hex(&key)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if spent.rows_affected == 1 {
        Ok(())
    } else {
        Err(wrong())
    }
}

/// The pending secret becomes the account's, with fresh recovery codes (returned once).
async fn complete_enrolment(db: &Db, id: i64, pending: &str, step: i64) -> Result<Vec<String>> {
    let _turn = db.writer_turn().await;
    let tx = db.conn().begin().await?;
    let done = user_account::Entity::update_many()
        .col_expr(user_account::Column::TotpSecret, Expr::value(pending))
        .col_expr(user_account::Column::TotpPendingSecret, Expr::value(Option::<String>::None))
        .col_expr(user_account::Column::TotpLastStep, Expr::value(step))
        .filter(user_account::Column::Id.eq(id))
        .filter(user_account::Column::TotpSecret.is_null())
        .filter(user_account::Column::TotpPendingSecret.eq(pending))
        .exec(&tx)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::field("code", "validation.totp_used"));
    }
    let codes = new_recovery_codes(&tx, id).await?;
    tx.commit().await?;
    Ok(codes)
}

async fn new_recovery_codes<C: sea_orm::ConnectionTrait>(conn: &C, id: i64) -> Result<Vec<String>> {
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(id)).exec(conn).await?;
    let alphabet = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut bytes = [0u8; 10];
        rand::thread_rng().fill_bytes(&mut bytes);
        let key: String = bytes.iter().map(|b| alphabet[usize::from(*b) % alphabet.len()] as char).collect();
        recovery_code::ActiveModel {
            user_id: Set(id),
            code_hash: Set(sha256_hex(&key)),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        codes.push(format!("{}-{}", &key[..5], &key[5..]));
    }
    Ok(codes)
}

/// Enrols the account `email` with `secret` (base32), no enrolment step asked: the demo's
/// accounts and the tests, whose secret is written down. Trusted callers only.
pub async fn enrol_with_secret(db: &Db, email: &str, secret: &str) -> Result<()> {
    if secret_bytes(secret).is_none() {
        return Err(AppError::field("secret", "validation.invalid"));
    }
    let user = crate::users::user_by_email(db, email).await?;
    user_account::Entity::update_many()
        .col_expr(user_account::Column::TotpSecret, Expr::value(secret.to_ascii_uppercase()))
        .col_expr(user_account::Column::TotpPendingSecret, Expr::value(Option::<String>::None))
        .col_expr(user_account::Column::TotpLastStep, Expr::value(Option::<i64>::None))
        .filter(user_account::Column::Id.eq(user.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the account's authenticator and recovery codes (`openwelfare second-factor
/// reset`, when a phone is lost): it enrols again at its next sign-in.
pub async fn reset(db: &Db, email: &str) -> Result<()> {
    let user = crate::users::user_by_email(db, email).await?;
    user_account::Entity::update_many()
        .col_expr(user_account::Column::TotpSecret, Expr::value(Option::<String>::None))
        .col_expr(user_account::Column::TotpPendingSecret, Expr::value(Option::<String>::None))
        .col_expr(user_account::Column::TotpLastStep, Expr::value(Option::<i64>::None))
        .filter(user_account::Column::Id.eq(user.0))
        .exec(db)
        .await?;
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user.0)).exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B (SHA-1, eight digits), and RFC 4226, appendix D.
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let key = b"12345678901234567890";
        for (time, expected) in
            [(59u64, 94287082), (1111111109, 7081804), (1234567890, 89005924), (20000000000, 65353130)]
        {
            assert_eq!(hotp(key, time / 30, 8), Some(expected), "T = {time}");
        }
        let rfc4226 = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
        for (counter, expected) in rfc4226.into_iter().enumerate() {
            assert_eq!(hotp(key, counter as u64, 6), Some(expected), "counter {counter}");
        }
        // The same key as base32, as an authenticator app shows it.
        let b32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(secret_bytes(b32).as_deref(), Some(&key[..]));
        assert_eq!(code_for_step(&b32.to_lowercase(), 1), Some("287082".into()));
        assert_eq!(secret_bytes("not base32!"), None);
    }

    #[test]
    fn recovery_codes_ignore_case_and_dash() {
        assert_eq!(recovery_key("ABCDE-fghij"), "abcdefghij");
        assert!(same("123456", "123456") && !same("123456", "123457") && !same("1", "12"));
    }
}
