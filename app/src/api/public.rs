//! The public facility directory as the product's own pages show it (no login).

use types::directory::{FacilityOut, PublicTenantOut, SearchPage};

use super::UiError;
use app_macros::staff_fn;

/// The in-memory public directory, put in the context by the server.
#[cfg(feature = "ssr")]
fn directory() -> domain::Result<domain::public_directory::PublicDirectory> {
    leptos::prelude::use_context::<domain::public_directory::PublicDirectory>()
        .ok_or_else(|| domain::AppError::Internal("no public directory in context".into()))
}

/// Tenants with a public directory.
#[staff_fn]
pub async fn public_tenants(p: Public) -> Result<Vec<PublicTenantOut>, UiError> {
    domain::facilities::publishing_tenants(&p.db).await
}

/// A page of the public directory of `tenant` (published entries).
#[staff_fn]
pub async fn public_search(
    p: Public,
    tenant: String,
    q: Option<String>,
    area: Option<String>,
    facility_type: Option<String>,
    free_places: Option<bool>,
    page: u64,
) -> Result<SearchPage<FacilityOut>, UiError> {
    let search = types::directory::FacilitySearch {
        q,
        area,
        facility_type,
        free_places,
        page: Some(page),
        ..Default::default()
    };
    directory()?.search(&tenant, &search, p.lang).await
}

/// One published facility of `tenant`'s directory.
#[staff_fn]
pub async fn public_facility(p: Public, tenant: String, id: i64) -> Result<FacilityOut, UiError> {
    directory()?.facility(&tenant, types::FacilityId(id), p.lang).await
}
