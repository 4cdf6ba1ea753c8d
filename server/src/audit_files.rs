//! What the audit log keeps outside the database: the key of its chains and the signed
//! checkpoints of their heads (`domain::audit`). Whoever holds the database alone can
//! neither forge an entry nor remove one unseen.

use std::path::{Path, PathBuf};

use anyhow::Context;
use domain::audit::{self, AuditKey, Checkpoint};
use domain::Db;

use crate::config::Config;

/// Where the key lives: `audit_key_file`, else beside the SQLite database (for the demo
/// and development), else `data/audit.key`.
pub fn key_path(config: &Config) -> PathBuf {
    if !config.audit_key_file.trim().is_empty() {
        return PathBuf::from(config.audit_key_file.trim());
    }
    match domain::db::sqlite_path(&config.database_url).and_then(|p| Path::new(p).parent()) {
        Some(dir) => dir.join("audit.key"),
        None => PathBuf::from("data/audit.key"),
    }
}

/// The checkpoints' folder: `audit_checkpoint_dir`, else `audit-checkpoints` beside the key.
pub fn checkpoint_dir(config: &Config) -> PathBuf {
    if !config.audit_checkpoint_dir.trim().is_empty() {
        return PathBuf::from(config.audit_checkpoint_dir.trim());
    }
    key_path(config).parent().map_or_else(|| PathBuf::from("audit-checkpoints"), |d| d.join("audit-checkpoints"))
}

/// Reads the key. A deployment served over HTTPS must have one (`openwelfare audit
/// new-key`); elsewhere a missing key is created, so the demo and development work
/// unconfigured.
pub fn load_key(config: &Config) -> anyhow::Result<AuditKey> {
    let path = key_path(config);
    match std::fs::read_to_string(&path) {
        Ok(text) => AuditKey::from_hex(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !config.served_over_https() => {
            let key = AuditKey::generate();
            write_key(&path, &key)?;
            tracing::warn!(path = %path.display(), "created a new audit key: keep it, and a copy, outside the database");
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| {
            format!(
                "cannot read the audit key {} (set OW_AUDIT_KEY_FILE; create one with `openwelfare audit new-key FILE`)",
                path.display()
            )
        }),
    }
}

/// Writes a new key to `path`, readable by its owner only; an existing file is kept.
pub fn write_key(path: &Path, key: &AuditKey) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    std::io::Write::write_all(&mut file, format!("{}\n", key.to_hex()).as_bytes())?;
    Ok(())
}

/// Writes a checkpoint of every chain into `dir` (a new file, never one rewritten) and
/// returns its path.
pub async fn write_checkpoint(db: &Db, dir: &Path) -> anyhow::Result<PathBuf> {
    let cp = audit::checkpoint(db).await?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = format!("{}-{:08x}.json", cp.at.format("%Y%m%dT%H%M%S%.6fZ"), rand::random::<u32>());
    let path = dir.join(name);
    let partial = path.with_extension("partial");
    std::fs::write(&partial, serde_json::to_vec_pretty(&cp)?)?;
    std::fs::rename(&partial, &path)?;
    Ok(path)
}

/// The checkpoints found in `dir`, and the names of files that are not genuine ones
/// (unreadable, or not signed with this deployment's key).
pub fn read_checkpoints(dir: &Path, key: &AuditKey) -> anyhow::Result<(Vec<Checkpoint>, Vec<String>)> {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((good, bad)),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let parsed = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<Checkpoint>(&b).ok());
        match parsed.filter(|cp| cp.is_genuine(key)) {
            Some(cp) => good.push(cp),
            None => bad.push(path.display().to_string()),
        }
    }
    Ok((good, bad))
}

/// `serve`: writes a checkpoint every `minutes` (each node; the files do not collide).
pub fn spawn_checkpoints(db: Db, dir: PathBuf, minutes: u64) {
    if minutes == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(minutes * 60));
        loop {
            every.tick().await;
            if let Err(e) = write_checkpoint(&db, &dir).await {
                tracing::error!(error = %e, "audit checkpoint not written");
            }
        }
    });
}
