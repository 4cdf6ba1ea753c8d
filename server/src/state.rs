//! The shared state handlers take pieces of (`FromRef`).

use std::sync::Arc;

use axum::extract::FromRef;
use domain::Db;
use leptos::config::LeptosOptions;

use crate::config::Config;

/// Benefits evaluations a client may ask for at once, and then per second: a portal
/// checking its users one by one stays well within; a script looping does not.
pub const EVALUATIONS_BURST: u32 = 60;
pub const EVALUATIONS_PER_SECOND: f64 = 1.0;

/// Sign-ins one client address may try at once, and then per second: a council office
/// behind one address signs everyone in at nine; a password-guessing script does not.
pub const SIGN_INS_PER_CLIENT_BURST: u32 = 30;
pub const SIGN_INS_PER_CLIENT_PER_SECOND: f64 = 0.5;
/// Sign-ins the node takes at once from everyone, and then per second.
pub const SIGN_INS_BURST: u32 = 200;
pub const SIGN_INS_PER_SECOND: f64 = 20.0;

/// What every handler shares, behind one `Arc`: axum clones the state for each extractor of
/// each request, and a clone of the parts one by one (the options, the stylesheets' names)
/// cost the public search a tenth of its time.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    pub config: Arc<Config>,
    pub leptos: LeptosOptions,
    /// The stylesheets the page shell links to, as the build named them.
    pub stylesheets: app::Stylesheets,
    pub public_cache: Arc<crate::public_cache::PublicCache>,
    /// Published facilities in memory, for the public search (see `domain::public_directory`).
    pub directory: domain::public_directory::PublicDirectory,
    /// Public benefits evaluations per client.
    pub evaluations: Arc<crate::rate_limit::RateLimit>,
    /// Sign-in attempts per client address, and from everyone (`middleware::limit_sign_ins`).
    pub sign_ins_per_client: Arc<crate::rate_limit::RateLimit>,
    pub sign_ins: Arc<crate::rate_limit::RateLimit>,
    /// The loaded catalogues evaluations run against.
    pub benefits: Arc<domain::benefits::Evaluations>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        let built = crate::static_files::Built::read(std::path::Path::new(&config.site_root));
        let leptos = LeptosOptions::builder()
            .output_name(built.hydrate)
            .site_root(config.site_root.clone())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .build();
        let directory = domain::public_directory::PublicDirectory::new(db.clone());
        let public_cache = Arc::new(crate::public_cache::PublicCache::new(db.clone()));
        let evaluations = Arc::new(crate::rate_limit::RateLimit::new(EVALUATIONS_BURST, EVALUATIONS_PER_SECOND));
        AppState(Arc::new(Shared {
            db,
            config: Arc::new(config),
            leptos,
            stylesheets: built.stylesheets,
            public_cache,
            directory,
            evaluations,
            sign_ins_per_client: Arc::new(crate::rate_limit::RateLimit::new(
                SIGN_INS_PER_CLIENT_BURST,
                SIGN_INS_PER_CLIENT_PER_SECOND,
            )),
            sign_ins: Arc::new(crate::rate_limit::RateLimit::new(SIGN_INS_BURST, SIGN_INS_PER_SECOND)),
            benefits: Arc::default(),
        }))
    }
}
