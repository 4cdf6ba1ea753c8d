//! Configuration: defaults → optional `openwelfare.toml` → `OW_*` environment, read and
//! validated once at start. Secrets never appear in logs (`Debug` redacts the URL).

use std::net::SocketAddr;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
pub struct Config {
    /// `sqlite://…` (embedded default) or `postgres://…` (production).
    pub database_url: String,
    /// Where `serve` listens.
    pub addr: SocketAddr,
    /// The public origin (`https://welfare.provincia.example`); state-changing requests
    /// must come from it. Empty: the request's own `Host` is the allowed origin.
    pub public_origin: String,
    /// Mark cookies `Secure` (always so when `public_origin` is HTTPS).
    pub secure_cookies: bool,
    /// Folder with the built assets (`pkg/` wasm bundle, `assets/`).
    pub site_root: String,
    /// JSON log lines instead of human-readable ones.
    pub log_json: bool,
    /// Idle session lifetime in minutes.
    pub session_minutes: i64,
    /// Behind a reverse proxy: the header it writes the client's address into
    /// (`X-Forwarded-For`; its last entry is taken, the one the proxy added). Empty: the
    /// peer's address, and such headers from clients are ignored.
    pub client_ip_header: String,
    /// The file holding the audit chains' key (64 hexadecimal digits). Empty: beside the
    /// SQLite database, created when missing; over HTTPS it must be set and exist.
    pub audit_key_file: String,
    /// Where signed checkpoints of the audit chains' heads are written (keep it off the
    /// database's host). Empty: `audit-checkpoints` beside the key.
    pub audit_checkpoint_dir: String,
    /// `serve` writes a checkpoint this often (0: only `openwelfare audit checkpoint`).
    pub audit_checkpoint_minutes: u64,
    /// The SMTP server mail is sent through: `smtp://host:port` (plain, e.g. a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host`.
    /// Empty: messages wait in the outbox.
    pub smtp_url: String,
    /// The sender of every message (`OpenWelfare <noreply@welfare.example.it>`).
    pub mail_from: String,
    /// Only for the demo: the file the local SMTP sink writes what it receives to, shown at
    /// `/demo/mail`. Ignored over HTTPS (a real deployment never shows its mail).
    pub demo_mail_file: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/openwelfare.sqlite?mode=rwc".into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_origin: String::new(),
            secure_cookies: false,
            site_root: "target/site".into(),
            log_json: false,
            session_minutes: 8 * 60,
            client_ip_header: String::new(),
            audit_key_file: String::new(),
            audit_checkpoint_dir: String::new(),
            audit_checkpoint_minutes: 60,
            smtp_url: String::new(),
            mail_from: "OpenWelfare <noreply@openwelfare.invalid>".into(),
            demo_mail_file: String::new(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let db = self.database_url.split(['@', '?']).next_back().unwrap_or("");
        f.debug_struct("Config")
            .field("database", &format!("…{db}"))
            .field("addr", &self.addr)
            .field("public_origin", &self.public_origin)
            .field("secure_cookies", &self.secure_cookies)
            .field("site_root", &self.site_root)
            .field("client_ip_header", &self.client_ip_header)
            .field("audit_key_file", &self.audit_key_file)
            .field("audit_checkpoint_dir", &self.audit_checkpoint_dir)
            .field("smtp", &self.smtp_url.split('@').next_back().unwrap_or(""))
            .field("mail_from", &self.mail_from)
            .finish()
    }
}

impl Config {
    pub fn load() -> Result<Config, Box<figment::Error>> {
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file("openwelfare.toml"))
            .merge(Env::prefixed("OW_"))
            .extract()?;
        Ok(config)
    }

    /// The public origin is HTTPS: cookies are `Secure` and browsers are told to stay on it.
    pub fn served_over_https(&self) -> bool {
        self.public_origin.trim().to_ascii_lowercase().starts_with("https://")
    }

    /// The origin links in e-mails and printed by the CLI point at: the public origin, else
    /// this server's address.
    pub fn link_base(&self) -> String {
        if self.public_origin.trim().is_empty() {
            format!("http://{}", self.addr)
        } else {
            self.public_origin.trim().trim_end_matches('/').to_string()
        }
    }

    /// The demo's mail pages are served (a sink file is set, and this is not a deployment
    /// over HTTPS).
    pub fn shows_demo_mail(&self) -> bool {
        !self.demo_mail_file.trim().is_empty() && !self.served_over_https()
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }
}
