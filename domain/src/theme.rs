//! The widgets' per-tenant look: the main colour (kept on the tenant, set with its
//! settings) and the logo (its own table). Both are public, like the tenant's name; a
//! tenant without them shows its nearest ancestor's.

use entity::{tenant, tenant_logo};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use types::theme::{contrast, parse_hex, PublicThemeOut, MIN_CONTRAST};

use crate::authz::Permission;
use crate::validate::Validator;
use crate::Db;
use crate::{AppError, Result, TenantContext};

/// Logos larger than this are refused: the widgets load it on every council page.
pub const MAX_LOGO_BYTES: usize = 200 * 1024;

/// A colour as given in the settings: `Some("")` clears it (`None` in the result), a
/// `#rrggbb` with enough contrast against white is kept in lower case.
pub fn brand_colour(v: &mut Validator, given: &str) -> Option<String> {
    let given = given.trim();
    if given.is_empty() {
        return None;
    }
    let Some(rgb) = parse_hex(given) else {
        v.issue("brand_colour", "validation.colour", vec![]);
        return None;
    };
    let ratio = contrast(rgb, [255, 255, 255]);
    if ratio < MIN_CONTRAST {
        v.issue("brand_colour", "validation.contrast", vec![("ratio", format!("{ratio:.1}"))]);
        return None;
    }
    Some(given.to_ascii_lowercase())
}

/// The kind of image in `bytes`, from its first bytes (the name or a declared type would
/// be the sender's word only). SVG is not taken: it can carry scripts.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// Sets the current tenant's logo (PNG, JPEG or WebP, at most `MAX_LOGO_BYTES`).
pub async fn set_logo(db: &Db, ctx: &TenantContext, bytes: Vec<u8>) -> Result<()> {
    ctx.require(Permission::ManageSettings)?;
    let mut v = Validator::new();
    let content_type = image_type(&bytes);
    if bytes.len() > MAX_LOGO_BYTES {
        v.issue("logo", "validation.logo_size", vec![("max", (MAX_LOGO_BYTES / 1024).to_string())]);
    } else if content_type.is_none() {
        v.issue("logo", "validation.logo_type", vec![]);
    }
    v.finish()?;
    let row = tenant_logo::ActiveModel {
        tenant_id: Set(ctx.tenant_id().0),
        content_type: Set(content_type.unwrap_or_default().to_string()),
        hash: Set(format!("{:016x}", fnv1a(&bytes))),
        bytes: Set(bytes),
        updated_at: Set(db.now()),
    };
    // In the tenant's transaction: on PostgreSQL row-level security admits only its own row.
    let tx = ctx.begin(db).await?;
    tenant_logo::Entity::delete_by_id(ctx.tenant_id().0).exec(tx.conn()).await?;
    row.insert(tx.conn()).await?;
    tx.commit().await
}

/// Removes the current tenant's logo (its ancestors' then shows, if any).
pub async fn remove_logo(db: &Db, ctx: &TenantContext) -> Result<()> {
    ctx.require(Permission::ManageSettings)?;
    let tx = ctx.begin(db).await?;
    tenant_logo::Entity::delete_by_id(ctx.tenant_id().0).exec(tx.conn()).await?;
    tx.commit().await
}

/// The path of `tenant_id`'s own logo, with its version, if it has one.
pub async fn own_logo_path<C: ConnectionTrait>(db: &C, slug: &str, tenant_id: i64) -> Result<Option<String>> {
    use sea_orm::QuerySelect;
    let hash: Option<String> = tenant_logo::Entity::find_by_id(tenant_id)
        .select_only()
        .column(tenant_logo::Column::Hash)
        .into_tuple()
        .one(db)
        .await?;
    Ok(hash.map(|h| logo_path(slug, &h)))
}

fn logo_path(slug: &str, hash: &str) -> String {
    format!("/api/public/v1/{slug}/logo?v={hash}")
}

/// `slug` and its ancestors, nearest first.
async fn lineage(db: &Db, slug: &str) -> Result<Vec<tenant::Model>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut t =
        tenant::Entity::find().filter(tenant::Column::Slug.eq(slug)).one(db).await?.ok_or(AppError::NotFound)?;
    let mut out = Vec::new();
    // A tree is a few levels deep; the bound only guards against a cycle.
    for _ in 0..8 {
        let parent = t.parent_id;
        out.push(t);
        match parent {
            Some(p) => t = tenant::Entity::find_by_id(p).one(db).await?.ok_or(AppError::NotFound)?,
            None => break,
        }
    }
    Ok(out)
}

/// What `slug`'s widgets show by default: colour and logo, each the tenant's own or its
/// nearest ancestor's.
pub async fn public_theme(db: &Db, slug: &str) -> Result<PublicThemeOut> {
    let lineage = lineage(db, slug).await?;
    let primary = lineage.iter().find_map(|t| t.brand_colour.clone());
    let mut logo = None;
    // The name goes with the logo (its text alternative): whose emblem it is.
    let mut name = lineage[0].name.clone();
    for t in &lineage {
        if let Some(path) = own_logo_path(db, slug, t.id).await? {
            logo = Some(path);
            name = t.name.clone();
            break;
        }
    }
    Ok(PublicThemeOut { name, primary, logo })
}

/// The logo `slug`'s widgets show (its own or its nearest ancestor's): content type,
/// bytes and version.
pub async fn public_logo(db: &Db, slug: &str) -> Result<(String, Vec<u8>, String)> {
    for t in lineage(db, slug).await? {
        if let Some(logo) = tenant_logo::Entity::find_by_id(t.id).one(db).await? {
            return Ok((logo.content_type, logo.bytes, logo.hash));
        }
    }
    Err(AppError::NotFound)
}

/// A stable hash of the logo for its URL's version.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_need_contrast_and_logos_a_known_format() {
        let mut v = Validator::new();
        assert_eq!(brand_colour(&mut v, " #0059B3 "), Some("#0059b3".into()));
        assert_eq!(brand_colour(&mut v, ""), None);
        assert!(v.finish().is_ok());
        let mut v = Validator::new();
        assert_eq!(brand_colour(&mut v, "#ffcc00"), None);
        assert_eq!(brand_colour(&mut v, "blue"), None);
        let Err(AppError::Validation(issues)) = v.finish() else { panic!("refused") };
        assert_eq!(issues.iter().map(|i| i.key).collect::<Vec<_>>(), ["validation.contrast", "validation.colour"]);

        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"<svg onload=alert(1)>"), None);
    }
}
